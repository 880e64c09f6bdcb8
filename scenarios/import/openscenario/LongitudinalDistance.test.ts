import { describe, expect, it } from 'vitest';
import { LARGE_NUMBER } from '../opendrive/RoadPath.ts';
import { type LongDistParams, longitudinalDistanceStep } from './LongitudinalDistance.ts';

const limits = (o: Partial<LongDistParams> = {}): LongDistParams => ({
  maxAccelMps2: 4,
  maxDecelMps2: 6,
  maxAccelRateMps3: LARGE_NUMBER,
  maxDecelRateMps3: LARGE_NUMBER,
  maxSpeedMps: 40,
  ...o,
});

describe("LongitudinalDistanceAction's step (esmini LongDistanceAction::Step)", () => {
  it('without acceleration limits puts the entity at the distance with the reference speed', () => {
    const r = longitudinalDistanceStep(
      { accelMps2: 0 },
      { distanceM: 25, requestedM: 15, speedMps: 10, refSpeedMps: 20 },
      limits({ maxAccelMps2: LARGE_NUMBER, maxDecelMps2: LARGE_NUMBER }),
      0.05,
    );
    expect(r).toEqual({ state: { accelMps2: 0 }, speedMps: 20, moveM: 10, reached: false });
  });

  it('springs on the error with tension 0.4 × maxDeceleration when too far, critically damped', () => {
    // k = 0.4 · 6 = 2.4, damping 2√2.4 = 3.098: acc = 0.5 · 2.4 − (19 − 20) · 3.098 = 4.298,
    // clamped to maxAcceleration 4
    const far = longitudinalDistanceStep(
      { accelMps2: 0 },
      { distanceM: 15.5, requestedM: 15, speedMps: 19, refSpeedMps: 20 },
      limits(),
      0.05,
    );
    expect(far.state.accelMps2).toBe(4);
    expect(far.speedMps).toBeCloseTo(19.2, 12);
    // within 0.1 m: acc = 0.05 · 2.4 − 0 = 0.12
    const near = longitudinalDistanceStep(
      { accelMps2: 0 },
      { distanceM: 15.05, requestedM: 15, speedMps: 20, refSpeedMps: 20 },
      limits(),
      0.05,
    );
    expect(near.reached).toBe(true);
    expect(near.state.accelMps2).toBeCloseTo(0.12, 12);
  });

  it('limits the change of acceleration to the jerk limits', () => {
    const r = longitudinalDistanceStep(
      { accelMps2: 0 },
      { distanceM: 40, requestedM: 15, speedMps: 10, refSpeedMps: 20 },
      limits({ maxAccelRateMps3: 2 }),
      0.05,
    );
    expect(r.state.accelMps2).toBeCloseTo(0.1, 12);
  });
});
