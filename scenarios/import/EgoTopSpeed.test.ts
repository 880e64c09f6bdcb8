import { describe, expect, it } from 'vitest';
import { VehicleParamsSchema } from '../../core/index.ts';
import { coverEgoSpeed, EGO_TOP_SPEED_MARGIN, egoSpeeds } from './EgoTopSpeed.ts';

const CAR = VehicleParamsSchema.parse({});

describe('coverEgoSpeed', () => {
  it('keeps the vehicle (the same object, no warning) when no speed is above its top speed', () => {
    const r = coverEgoSpeed(CAR, 's', egoSpeeds(30, [{ tS: 0, speedMps: 12 }]));
    expect(r.vehicle).toBe(CAR);
    expect(r.warning).toBeUndefined();
  });

  it('raises the top speed to the fastest speed plus the 5 % margin, rounded up to 0.1 m/s, and names it', () => {
    expect(EGO_TOP_SPEED_MARGIN).toBe(1.05);
    // commonroad-crime's OSC_Overtake starts at 41.6666 m/s: × 1.05 = 43.75 → 43.8
    const r = coverEgoSpeed(CAR, 'ZAM_OpenDrive-1', egoSpeeds(41.6666, [{ tS: 0.5, speedMps: 40 }]));
    expect(r.vehicle.maxSpeedMps).toBe(43.8);
    expect(r.warning).toContain('ZAM_OpenDrive-1');
    expect(r.warning).toContain('start speed 41.67 m/s');
    expect(r.warning).toContain('raised to 43.8 m/s');
    // everything else is the vehicle's
    expect({ ...r.vehicle, maxSpeedMps: CAR.maxSpeedMps }).toEqual(CAR);
  });

  it("names the expert's speed when it is the fastest, and reads reversing speeds by magnitude", () => {
    const r = coverEgoSpeed(
      CAR,
      's',
      egoSpeeds(20, [
        { tS: 1, speedMps: 36 },
        { tS: 2, speedMps: -38 },
      ]),
    );
    expect(r.vehicle.maxSpeedMps).toBe(39.9);
    expect(r.warning).toContain('expert speed at 2 s 38.00 m/s');
  });

  it('ignores undefined and non-finite speeds', () => {
    const r = coverEgoSpeed(CAR, 's', [
      { speedMps: undefined, what: 'goal velocity' },
      { speedMps: Number.NaN, what: 'x' },
      { speedMps: Number.POSITIVE_INFINITY, what: 'y' },
    ]);
    expect(r.vehicle).toBe(CAR);
  });
});
