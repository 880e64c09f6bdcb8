import { describe, expect, it } from 'vitest';
import { laneletVelocityMps } from './laneletVelocity.ts';

describe('laneletVelocityMps (lanelet2_core Attribute::asVelocity)', () => {
  it('takes a plain number in km/h', () => {
    expect(laneletVelocityMps('50')).toBeCloseTo(50 / 3.6, 12);
    expect(laneletVelocityMps(' 30.5 ')).toBeCloseTo(30.5 / 3.6, 12);
  });

  it('takes a number with km/h, kmh, m/s, mps, mph or m/h, with or without a space', () => {
    expect(laneletVelocityMps('10 km/h')).toBeCloseTo(10 / 3.6, 12);
    expect(laneletVelocityMps('10kmh')).toBeCloseTo(10 / 3.6, 12);
    expect(laneletVelocityMps('8.5 m/s')).toBe(8.5);
    expect(laneletVelocityMps('8mps')).toBe(8);
    // international mile: 30 mph = 30 · 1609.344 / 3600 = 13.4112 m/s
    expect(laneletVelocityMps('30 mph')).toBeCloseTo(13.4112, 12);
    expect(laneletVelocityMps('30 m/h')).toBeCloseTo(13.4112, 12);
  });

  it('gives a negative number as it is (the importer judges it) and nothing for text that is no velocity', () => {
    expect(laneletVelocityMps('-10')).toBeCloseTo(-10 / 3.6, 12);
    expect(laneletVelocityMps('fast')).toBeUndefined();
    expect(laneletVelocityMps('10 knots')).toBeUndefined();
    expect(laneletVelocityMps('')).toBeUndefined();
  });
});
