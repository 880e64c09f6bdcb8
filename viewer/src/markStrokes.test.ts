import { describe, expect, it } from 'vitest';
import type { MarkLine } from '../server/protocol.ts';
import { dashes, strokesOf } from './markStrokes.ts';

const line = (over: Partial<MarkLine>): MarkLine => ({
  pts: [0, 0, 10, 0, 30, 0],
  type: 'solid',
  color: 'white',
  widthM: 0.15,
  dashM: 3,
  gapM: 6,
  laneOnLeft: true,
  ...over,
});

const lengthOf = (p: number[]) => {
  let s = 0;
  for (let i = 0; i + 3 < p.length; i += 2) s += Math.hypot(p[i + 2]! - p[i]!, p[i + 3]! - p[i + 1]!);
  return s;
};

describe('dashes', () => {
  it("cuts a 30 m line into 3 m dashes every 9 m, across the polyline's vertices, to scale", () => {
    const d = dashes([0, 0, 10, 0, 30, 0], 3, 6);
    expect(d.map((p) => [p[0], p[p.length - 2]])).toEqual([
      [0, 3],
      [9, 12],
      [18, 21],
      [27, 30],
    ]);
    expect(d.map(lengthOf)).toEqual([3, 3, 3, 3]);
    // the dash from 9 to 12 keeps the vertex at 10
    expect(d[1]).toEqual([9, 0, 10, 0, 12, 0]);
  });
});

describe('strokesOf', () => {
  it('paints a solid line as one stroke and a broken one as its dashes', () => {
    expect(strokesOf(line({}))).toEqual([{ pts: [0, 0, 10, 0, 30, 0], centreLeftM: 0, widthM: 0.15 }]);
    expect(strokesOf(line({ type: 'broken' })).length).toBe(4);
    expect(strokesOf(line({ type: 'none' }))).toEqual([]);
  });

  it("puts the first named line of a double line on the lane's side", () => {
    // lane on the left of the polyline: solid on the left (+), broken on the right (−)
    const s = strokesOf(line({ type: 'solid_broken', laneOnLeft: true }));
    expect(s[0]).toEqual({ pts: [0, 0, 10, 0, 30, 0], centreLeftM: 0.15, widthM: 0.15 });
    expect(s.slice(1).every((x) => x.centreLeftM === -0.15)).toBe(true);
    expect(s.length).toBe(5);
    const r = strokesOf(line({ type: 'solid_broken', laneOnLeft: false }));
    expect(r[0]!.centreLeftM).toBe(-0.15);
  });

  it('draws botts dots as 0.15 m dots every 1.2 m', () => {
    const s = strokesOf(line({ type: 'botts_dots', pts: [0, 0, 12, 0] }));
    expect(s.length).toBe(10);
    expect(lengthOf(s[0]!.pts)).toBeCloseTo(0.15, 9);
    expect(s[1]!.pts[0]).toBeCloseTo(1.2, 9);
  });
});
