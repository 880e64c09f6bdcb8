/**
 * RSS formulas against ad-rss-lib. Sources (intel/ad-rss-lib, archived master):
 * - `ad_rss/tests/structured/RssFormulaTestsCalculateDistanceAfterStatedBrakingPattern.cpp`
 * - `ad_rss/tests/structured/RssFormulaTestsCalculateSafeLongitudinalDistanceSameDirection.cpp`
 * - `ad_rss/tests/structured/RssFormulaTestsCalculateSafeLateralDistance.cpp`
 * ad-rss-lib's tests use `createRelativeVehicleStateForLateralMotion(kmh)` with the *other*-vehicle
 * dynamics (ρ = 2 s) and speeds in km/h. ad-rss-lib asserts within 0.01 m; where it does, we do the
 * same and add a hand-derived closed form checked to 1 mm.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultDynamics,
  lateral,
  lateralStatedBraking,
  longitudinalOppositeDirection,
  longitudinalSameDirection,
  longitudinalStatedBraking,
  type RssVehicle,
  rss,
} from './rss.ts';

const kmh = (v: number): number => v / 3.6;
const MM = 3; // toBeCloseTo(x, 3) → |Δ| < 0.0005 m
const other = (lonKmh: number, latKmh = 0): RssVehicle => ({
  speedLonMps: kmh(lonKmh),
  speedLatMps: kmh(latKmh),
  dynamics: defaultDynamics.other,
});
const ego = (lonKmh: number, latKmh = 0): RssVehicle => ({
  speedLonMps: kmh(lonKmh),
  speedLatMps: kmh(latKmh),
  dynamics: defaultDynamics.ego,
});

describe('rss defaults', () => {
  it('mirror ad-rss-lib RssTestParameters.hpp (ρ 1/2 s, a 3.5, b_min 4, b_max 8, b_corr 3, lat 0.2/0.8, μ 0.1)', () => {
    expect(rss.defaultDynamics.ego).toMatchObject({
      responseTimeS: 1,
      accelMaxMps2: 3.5,
      brakeMinMps2: 4,
      brakeMaxMps2: 8,
      brakeMinCorrectMps2: 3,
      latAccelMaxMps2: 0.2,
      latBrakeMinMps2: 0.8,
      lateralFluctuationMarginM: 0.1,
      maxSpeedOnAccelerationMps: 100,
    });
    expect(rss.defaultDynamics.other.responseTimeS).toBe(2);
  });
});

describe('stated braking pattern (ad-rss-lib CalculateDistanceAfterStatedBrakingPattern tests)', () => {
  it('100 km/h, ρ = 2 s → 213.74 m', () => {
    // v0 = 27.7778; after ρ: v = v0 + 3.5·2 = 34.7778, d = 2·v0 + ½·3.5·4 = 62.5556; stop v²/(2·4) = 151.1867
    const v0 = 100 / 3.6;
    const closed = 2 * v0 + 7 + (v0 + 7) ** 2 / 8;
    const d = longitudinalStatedBraking(v0, 100, 2, 3.5, 4);
    expect(Math.abs(d - 213.74)).toBeLessThan(0.01);
    expect(d).toBeCloseTo(closed, MM);
  });
  it('100 km/h, ρ = 1 s → 151.81 m', () => {
    const v0 = 100 / 3.6;
    const closed = v0 + 1.75 + (v0 + 3.5) ** 2 / 8;
    const d = longitudinalStatedBraking(v0, 100, 1, 3.5, 4);
    expect(Math.abs(d - 151.81)).toBeLessThan(0.01);
    expect(d).toBeCloseTo(closed, MM);
  });
  it('50 km/h, ρ = 2 s, a = 2, b = 4 → 71.77 m', () => {
    const v0 = 50 / 3.6;
    const closed = 2 * v0 + 4 + (v0 + 4) ** 2 / 8;
    const d = longitudinalStatedBraking(v0, 100, 2, 2, 4);
    expect(Math.abs(d - 71.77)).toBeLessThan(0.01);
    expect(d).toBeCloseTo(closed, MM);
  });
  it('acceleration stops at maxSpeedOnAcceleration', () => {
    // v0 = 10, limit 12, a = 4, ρ = 1: accelerate 0.5 s (d = 5 + ½·4·0.25 = 5.5), then 0.5 s at 12 (6) → 11.5; stop 144/8 = 18
    expect(longitudinalStatedBraking(10, 12, 1, 4, 4)).toBeCloseTo(11.5 + 18, MM);
  });
  it('lateral offset with negative speed −10 m/s, a = 3.5, b = −4 (ρ = 1…8): ad-rss-lib ±1 m vector and its mirror', () => {
    const expected = [-8, -13, -14, -10, 0, 18, 42, 72];
    for (let rho = 1; rho <= 8; rho++) {
      const a = lateralStatedBraking(-10, rho, 3.5, -4);
      const b = lateralStatedBraking(10, rho, -3.5, 4);
      expect(a).toBeCloseTo(-b, MM);
      expect(Math.abs(a - expected[rho - 1]!)).toBeLessThan(1);
      // closed form: d = −10ρ + 1.75ρ²; v = −10 + 3.5ρ; braking with −4 only while v > 0: + v²/8
      const v = -10 + 3.5 * rho;
      expect(a).toBeCloseTo(-10 * rho + 1.75 * rho * rho + (v > 0 ? (v * v) / 8 : 0), MM);
    }
  });
});

describe('rss.longitudinalSameDirection', () => {
  it('leading vehicle much faster (100 vs 10 km/h) → 0 m (ad-rss-lib checks_leading_vehicle_much_faster)', () => {
    expect(longitudinalSameDirection(other(10), other(100))).toBeCloseTo(0, MM);
  });
  it('adds min_longitudinal_safety_distance (ad-rss-lib ..._min_safety_distance: 2 m)', () => {
    const f = { ...other(10), dynamics: { ...defaultDynamics.other, minLongitudinalSafetyDistanceM: 2 } };
    expect(longitudinalSameDirection(f, other(100))).toBeCloseTo(2, MM);
  });
  it('ego 50 km/h behind other 50 km/h (hand-derived)', () => {
    // follower ρ = 1: v0 = 13.8889, d = v0 + 1.75 = 15.6389, v = 17.3889 → 302.3735/8 = 37.7967 → 53.4356
    // leader: v0²/(2·8) = 192.9012/16 = 12.0563 → 41.3792 m
    const v0 = 50 / 3.6;
    const expected = v0 + 1.75 + (v0 + 3.5) ** 2 / 8 - (v0 * v0) / 16;
    expect(longitudinalSameDirection(ego(50), other(50))).toBeCloseTo(expected, MM);
    expect(expected).toBeCloseTo(41.3792, 3);
  });
  it('standing leader: full stopping distance of the follower', () => {
    // 100 km/h ego ρ = 1 → 151.81 m (same as the stated braking vector above)
    expect(Math.abs(longitudinalSameDirection(ego(100), other(0)) - 151.81)).toBeLessThan(0.01);
  });
});

describe('rss.longitudinalOppositeDirection', () => {
  it('both at 50 km/h, ego in correct lane (hand-derived from RssFormulas.cpp)', () => {
    // correct (ego ρ = 1, b_corr = 3): 13.8889 + 1.75 + 17.3889²/6 = 15.6389 + 50.3956 = 66.0345
    // wrong (other ρ = 2, b_min = 4): 27.7778 + 7 + 20.8889²/8 = 34.7778 + 54.5432 = 89.3210 → 155.3555 m
    const v0 = 50 / 3.6;
    const expected = v0 + 1.75 + (v0 + 3.5) ** 2 / 6 + 2 * v0 + 7 + (v0 + 7) ** 2 / 8;
    expect(longitudinalOppositeDirection(ego(50), other(50))).toBeCloseTo(expected, MM);
    expect(expected).toBeCloseTo(155.3555, 3);
  });
  it('both standing: only the response-time acceleration counts', () => {
    // each accelerates for ρ from rest: correct ego ½·3.5·1 = 1.75 + 3.5²/6 = 2.0417 → 3.7917
    // wrong other ½·3.5·4 = 7 + 7²/8 = 6.125 → 13.125; sum 16.9167 m
    expect(longitudinalOppositeDirection(ego(0), other(0))).toBeCloseTo(1.75 + 12.25 / 6 + 7 + 49 / 8, MM);
  });
});

describe('rss.lateral (ad-rss-lib CalculateSafeLateralDistance tests, both vehicles ρ = 2 s)', () => {
  it('same lateral speed {0, 1, −1, 5, −5} km/h → {1.1, 1.19, 1.19, 2.9, 2.9} m, both orders', () => {
    const expected = [1.1, 1.19, 1.19, 2.9, 2.9];
    [0, 1, -1, 5, -5].forEach((lat, i) => {
      expect(Math.abs(lateral(other(0, lat), other(0, lat)) - expected[i]!)).toBeLessThan(0.01);
    });
  });
  it('zero lateral speed: 1.1 m exactly (hand-derived)', () => {
    // left: ½·0.2·4 = 0.4, v = 0.4 → +0.4²/1.6 = 0.1 → 0.5; right mirrors → −0.5; + μ 0.1 → 1.1
    expect(lateral(other(0), other(0))).toBeCloseTo(1.1, MM);
  });
  it('one vehicle at {1, −1, 5, −5} km/h, the other still → left {1.84, 0.45, 5.77, 0}, right {0.45, 1.84, 0, 5.77}', () => {
    const left = [1.84, 0.45, 5.77, 0];
    const right = [0.45, 1.84, 0, 5.77];
    [1, -1, 5, -5].forEach((lat, i) => {
      expect(Math.abs(lateral(other(0, lat), other(0, 0)) - left[i]!)).toBeLessThan(0.01);
      expect(Math.abs(lateral(other(0, 0), other(0, lat)) - right[i]!)).toBeLessThan(0.01);
    });
  });
  it('left at 5 km/h towards the right (hand-derived to 1 mm)', () => {
    // v = 1.38889: d = 2v + 0.4 = 3.17778, v' = 1.78889 → 3.20012/1.6 = 2.00008 → 5.17786; right −0.5; + 0.1 → 5.77786
    const v = 5 / 3.6;
    const expected = 2 * v + 0.4 + (v + 0.4) ** 2 / 1.6 + 0.5 + 0.1;
    expect(lateral(other(0, 5), other(0, 0))).toBeCloseTo(expected, MM);
  });
  it('lateral fluctuation margin: +0.5 m on one side adds 0.25 m, on both 0.5 m', () => {
    const a = other(0, 1);
    const b = { ...other(0, 1), dynamics: { ...defaultDynamics.other, lateralFluctuationMarginM: 0.6 } };
    const c = { ...b };
    expect(lateral(b, a) - lateral(a, a)).toBeCloseTo(0.25, MM);
    expect(lateral(b, c) - lateral(a, a)).toBeCloseTo(0.5, MM);
  });
});
