/**
 * PDM-Closed's proposal simulation against tuplan_garage's own code: BatchLQRTracker (profiles
 * fitted once over the 41 proposal poses, with its acceleration-penalising regulariser) and
 * BatchKinematicBicycleModel, stepped as `PDMSimulator.simulate_proposals` does. Expected states
 * printed by executing tuplan_garage @ b51d5d0 unchanged (scripts/reference/tracker_reference.py).
 */
import { describe, expect, it } from 'vitest';
import { type EgoState, VehicleParamsSchema } from '../../../core/index.ts';
import { type BicycleCommand, LqrTracker } from '../../../core/vehicle/index.ts';
import { stepBatchBicycle } from './stepBatchBicycle.ts';

const vehicle = VehicleParamsSchema.parse({}); // Pacifica: wheel base 3.089 m
type Pose = [number, number, number];

function ego(x: number, y: number, h: number, v: number, steer: number, a: number): EgoState {
  return { tS: 0, x, y, headingRad: h, speedMps: v, accelMps2: a, steerRad: steer, yawRateRadps: 0 };
}

describe('PDM batch simulation (LqrTracker pdm-batch + stepBatchBicycle)', () => {
  it("tracks a 41-pose proposal with the batch bicycle to tuplan_garage's simulated states", () => {
    // Left arc R 30 m, speed 8 → 5 m/s over 4 s; ego 0.4 m right of it, braking, steering 0.02.
    const poses: Pose[] = Array.from({ length: 41 }, (_, k) => {
      const t = k * 0.1;
      const th = (8 * t - 0.375 * t * t) / 30;
      return [30 * Math.sin(th), 30 * (1 - Math.cos(th)), th];
    });
    // BatchLQRTracker + BatchKinematicBicycleModel: x, y, heading, speed at steps 1, 10, 20, 40.
    const REF: Record<number, [number, number, number, number]> = {
      1: [0.819631027674, -0.375403689834, 0.035309869542, 8.136721263635],
      10: [7.80585300694, 0.326815770597, 0.223524462373, 7.384332928062],
      20: [14.330592276098, 2.808159355817, 0.537007943234, 6.565317315133],
      40: [23.000218111849, 10.619710858199, 0.906628543402, 5.267391032996],
    };
    const t = new LqrTracker();
    t.fitProfiles(
      poses.map((p) => p[0]),
      poses.map((p) => p[1]),
      poses.map((p) => p[2]),
      41,
      'pdm-batch',
    );
    const s = ego(0, -0.4, 0.03, 8.2, 0.02, -0.5);
    const cmd: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
    const [xs, ys, hs] = [0, 1, 2].map((c) => poses.map((p) => p[c]!));
    for (let i = 0; i < 40; i++) {
      t.commandAt(s, i, xs!, ys!, hs!, i, vehicle, cmd);
      stepBatchBicycle(s, cmd, vehicle, 0.1, s);
      const ref = REF[i + 1];
      if (!ref) continue;
      expect(s.x, `x at ${i + 1}`).toBeCloseTo(ref[0], 9);
      expect(s.y, `y at ${i + 1}`).toBeCloseTo(ref[1], 9);
      expect(s.headingRad, `heading at ${i + 1}`).toBeCloseTo(ref[2], 9);
      expect(s.speedMps, `speed at ${i + 1}`).toBeCloseTo(ref[3], 9);
    }
  });

  it('differs from the nuPlan (jerk) regulariser on the same proposal', () => {
    // The quirk matters: with nuPlan's regulariser the fitted initial speed is 0.046 m/s higher.
    const poses: Pose[] = Array.from({ length: 41 }, (_, k) => {
      const t = k * 0.1;
      const th = (8 * t - 0.375 * t * t) / 30;
      return [30 * Math.sin(th), 30 * (1 - Math.cos(th)), th];
    });
    const cmd = (reg: 'jerk' | 'pdm-batch'): BicycleCommand => {
      const t = new LqrTracker();
      t.fitProfiles(
        poses.map((p) => p[0]),
        poses.map((p) => p[1]),
        poses.map((p) => p[2]),
        41,
        reg,
      );
      const out: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
      return t.commandAt(ego(0, -0.4, 0.03, 8.2, 0.02, -0.5), 0, [0], [0], [0], 0, vehicle, out);
    };
    expect(Math.abs(cmd('jerk').steerRateRadps - cmd('pdm-batch').steerRateRadps)).toBeGreaterThan(1e-6);
  });
});
