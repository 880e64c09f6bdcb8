import { describe, expect, it } from 'vitest';
import { kid, parseXml } from '../opendrive/XmlTree.ts';
import { evalExpression, resolveTree } from './Parameters.ts';

const ev = (e: string, p: Record<string, string> = {}): number =>
  evalExpression(e, new Map(Object.entries(p)), '/x');

describe('OpenSCENARIO 1.2 expression functions (esmini simple_expr.c)', () => {
  it('pow takes two arguments, nested in arithmetic (brake_by_trajectory_100-0.xosc style)', () => {
    expect(ev('$V*$T+0.5*$A*pow($T,2)', { V: '10', T: '2', A: '-3' })).toBe(14);
  });

  it('round rounds half to even like C rint; floor, ceil, sqrt', () => {
    expect([ev('round(2.5)'), ev('round(3.5)'), ev('round(-2.5)'), ev('round(2.6)')]).toEqual([2, 4, -2, 3]);
    expect([ev('floor(-1.5)'), ev('ceil(1.2)'), ev('sqrt(16)')]).toEqual([-2, 2, 4]);
  });

  it('trigonometry in radians, sign (0 → 1 as esmini), abs, max, min', () => {
    expect(ev('sin(pi / 2) + cos(0) + tan(0)')).toBeCloseTo(2, 12);
    expect(ev('asin(1) + acos(1) + atan(1)')).toBeCloseTo(Math.PI / 2 + Math.PI / 4, 12);
    expect([ev('sign(-3)'), ev('sign(0)'), ev('abs(-3)'), ev('max(2, 5)'), ev('min(2, -5)')]).toEqual([
      -1, 1, 3, 5, -5,
    ]);
  });
});

describe('OpenSCENARIO 1.2 logical and comparison operators', () => {
  it('compare to 1 / 0 below + - in precedence', () => {
    expect([
      ev('1 + 2 > 2'),
      ev('2 <= 1'),
      ev('3 == 1 + 2'),
      ev('3 != 3'),
      ev('2 >= 2'),
      ev('1 < 2'),
    ]).toEqual([1, 0, 1, 0, 1, 1]);
  });

  it('not binds tighter than and, and tighter than or; boolean parameters count as 1 / 0', () => {
    expect(ev('not $b or 1 > 2 and true', { b: 'true' })).toBe(0);
    expect(ev('not($b) or 2 > 1 and true', { b: 'false' })).toBe(1);
    expect(ev('1 && 0 || !0')).toBe(1);
  });

  it('name an unknown function and a wrong argument count', () => {
    expect(() => ev('cbrt(8)')).toThrow(/unknown function cbrt/);
    expect(() => ev('pow(2)')).toThrow(/pow takes 2/);
  });
});

describe('ParameterDeclaration names', () => {
  it('accept a name written with its "$" (esmini matches both, alks_r157_quick_stop_test.xosc)', () => {
    const xml = `<OpenSCENARIO><ParameterDeclarations>
      <ParameterDeclaration name="$Rate" parameterType="double" value="8"/>
      <ParameterDeclaration name="Half" parameterType="double" value="\${$Rate / 2}"/>
    </ParameterDeclarations><Storyboard><SpeedActionDynamics value="$Rate" other="$Half"/></Storyboard></OpenSCENARIO>`;
    const r = parseXml(xml, 'x.xosc', 'OpenSCENARIO');
    if (!r.ok) throw new Error(r.error.message);
    resolveTree(r.value, new Map(), '/OpenSCENARIO');
    const d = kid(kid(r.value, 'Storyboard'), 'SpeedActionDynamics');
    expect(d?.$).toMatchObject({ value: '8', other: '4' });
  });
});
