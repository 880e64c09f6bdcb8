import { describe, expect, it } from 'vitest';
import { type EgoState, VehicleParamsSchema } from '../index.ts';
import { ego } from '../testFixtures.ts';
import { stepBicycle, stepUnicycle } from './KinematicBicycle.ts';

const car = VehicleParamsSchema.parse({ maxSteerRateRadps: 10 });
const start = (): EgoState => ego(0, 0, 0, 10);

describe('kinematic bicycle', () => {
  it('drives straight at constant speed with zero commands', () => {
    let s = start();
    for (let i = 0; i < 10; i++) s = stepBicycle(s, { accelMps2: 0, steerRateRadps: 0 }, car, 0.1, { ...s });
    expect(s.x).toBeCloseTo(10, 9);
    expect(s.y).toBe(0);
    expect(s.tS).toBeCloseTo(1, 9);
  });

  it('lags the acceleration command with a 0.2 s time constant (nuPlan)', () => {
    const s = stepBicycle(start(), { accelMps2: 3, steerRateRadps: 0 }, car, 0.1, start());
    expect(s.accelMps2).toBeCloseTo(1, 12); // 0.1/(0.1+0.2) · 3
    expect(s.speedMps).toBeCloseTo(10.1, 12);
  });

  it('clips the commanded acceleration to the vehicle limits', () => {
    const s = stepBicycle(start(), { accelMps2: -50, steerRateRadps: 0 }, car, 0.1, start());
    expect(s.accelMps2).toBeCloseTo(-car.maxDecelMps2 / 3, 12);
  });

  it('circles with radius L / tan δ at a constant steering angle', () => {
    let s: EgoState = { ...start(), speedMps: 5, steerRad: 0.2 };
    const R = car.wheelBaseM / Math.tan(0.2);
    const steps = Math.round((2 * Math.PI * R) / 5 / 0.01);
    for (let i = 0; i < steps; i++) s = stepBicycle(s, { accelMps2: 0, steerRateRadps: 0 }, car, 0.01, s);
    // Back near the start after one full circle (Euler drift stays small at 10 ms steps).
    expect(Math.hypot(s.x, s.y)).toBeLessThan(0.5);
    expect(s.yawRateRadps).toBeCloseTo((5 * Math.tan(0.2)) / car.wheelBaseM, 9);
  });

  it('stops instead of reversing', () => {
    let s: EgoState = { ...start(), speedMps: 0.2, accelMps2: -6 };
    s = stepBicycle(s, { accelMps2: -8, steerRateRadps: 0 }, car, 0.1, s);
    expect(s.speedMps).toBe(0);
  });

  it('unicycle: yaw rate command clipped to the platform limit', () => {
    const robot = VehicleParamsSchema.parse({ kind: 'robot', maxYawRateRadps: 1 });
    const s = stepUnicycle(
      { ...start(), speedMps: 1 },
      { accelMps2: 0, steerRateRadps: 5 },
      robot,
      0.1,
      start(),
    );
    expect(s.headingRad).toBeCloseTo(0.1, 12);
    expect(s.yawRateRadps).toBe(1);
  });
});
