import { describe, expect, it } from 'vitest';
import { StoryboardValues } from './StoryboardValues.ts';

describe('StoryboardValues', () => {
  it('keeps an integer an integer: MultiplyByValue 2.5 on 3 truncates to 7, as esmini int arithmetic', () => {
    const v = new StoryboardValues();
    v.declare('n', 'integer', '3');
    expect(v.modify('n', 'multiply', 2.5)).toBe(true);
    expect(v.get('n')).toBe('7');
  });

  it('compares strings as text and booleans by "true"', () => {
    const v = new StoryboardValues();
    v.declare('s', 'string', 'lane_change_var3');
    v.declare('$b', 'boolean', 'false');
    expect(v.test('s', 'equalTo', 'lane_change_var3')).toBe(true);
    expect(v.test('s', 'notEqualTo', 'lane_change_var3')).toBe(false);
    expect(v.test('b', 'equalTo', 'false')).toBe(true);
    v.set('$b', 'true');
    expect(v.test('b', 'equalTo', 'true')).toBe(true);
  });

  it('compares doubles within esmini SMALL_NUMBER and reports an undeclared name as undefined', () => {
    const v = new StoryboardValues();
    v.declare('d', 'double', '0.1');
    v.modify('d', 'add', 0.2);
    expect(v.test('d', 'equalTo', '0.3')).toBe(true);
    expect(v.test('d', 'greaterThan', '0.3')).toBe(false);
    expect(v.test('missing', 'equalTo', '1')).toBeUndefined();
    expect(v.set('missing', '1')).toBe(false);
  });
});
