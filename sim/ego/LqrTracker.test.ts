/**
 * LqrTracker against nuPlan's own tracker. The expected commands were printed by nuplan-devkit's
 * `LQRTracker.track_trajectory` (nuplan/planning/simulation/controller/tracker/lqr.py and
 * tracker_utils.py @ e9241677, lqr_tracker.yaml parameters), executed unchanged under Python 3 /
 * numpy 2 by scripts/reference/tracker_reference.py with stand-ins for the nuPlan types it
 * imports (trajectory poses every 0.1 s from t = 0, ego rear-axle state, Pacifica wheel base
 * 3.089 m). The batch case was printed by the same script from tuplan_garage's BatchLQRTracker +
 * BatchKinematicBicycleModel @ b51d5d0, stepped as `PDMSimulator.simulate_proposals` does.
 */
import { describe, expect, it } from 'vitest';
import { type EgoState, VehicleParamsSchema } from '../../core/index.ts';
import { stepBatchBicycle } from '../../planner/baselines/pdm/stepBatchBicycle.ts';
import type { BicycleCommand } from './KinematicBicycle.ts';
import { LqrTracker } from './LqrTracker.ts';

const vehicle = VehicleParamsSchema.parse({}); // Pacifica: wheel base 3.089 m
type Pose = [number, number, number];

function straight(n = 81): Pose[] {
  return Array.from({ length: n }, (_, k) => {
    const t = k * 0.1;
    return [10 * t + 0.5 * t * t, 0, 0];
  });
}

function arc(n: number, R = 40, v = 8, h0 = 0): Pose[] {
  return Array.from({ length: n }, (_, k) => {
    const th = (v * k * 0.1) / R;
    return [
      R * (Math.sin(h0 + th) - Math.sin(h0)),
      -R * (Math.cos(h0 + th) - Math.cos(h0)),
      Math.atan2(Math.sin(h0 + th), Math.cos(h0 + th)),
    ];
  });
}

function stopping(n = 81): Pose[] {
  return Array.from({ length: n }, (_, k) => {
    const t = k * 0.1;
    return [t < 2 ? 6 * t - 1.5 * t * t : 6, 0, 0];
  });
}

function ego(x: number, y: number, h: number, v: number, steer: number, a = 0): EgoState {
  return { tS: 0, x, y, headingRad: h, speedMps: v, accelMps2: a, steerRad: steer, yawRateRadps: 0 };
}

/** [name, poses, ego, nuPlan accel m/s², nuPlan steering rate rad/s] */
const CASES: [string, Pose[], EgoState, number, number][] = [
  [
    'straight, speeding up, ego 0.3 m left',
    straight(),
    ego(0, 0.3, 0.02, 9, 0),
    1.8636363636362612,
    -0.058532333689115076,
  ],
  [
    'left arc R 40 m at 8 m/s, ego 0.5 m outside',
    arc(81),
    ego(0, -0.5, -0.05, 8, 0.05),
    -0.00048483878799985484,
    0.20581539580744432,
  ],
  ['braking to a stop', stopping(), ego(0, 0, 0, 6.5, 0), -3.3181029296573596, 0],
  [
    'stopped reference, creeping ego (stopping controller)',
    Array.from({ length: 81 }, (): Pose => [5, 2, 0.5]),
    ego(5, 2, 0.5, 0.1, 0),
    -0.05,
    0,
  ],
  ['left arc, 11 poses only', arc(11), ego(0.2, 0.1, 0.03, 7, 0.02), 0.9086060703029376, 0.08215382375388328],
  [
    'arc across heading π',
    arc(81, 30, 6, 3.0),
    ego(0, 0.3, -3.1, 6, 0),
    -0.0003636290909439763,
    -0.020713375236273025,
  ],
];

function track(poses: Pose[], e: EgoState): BicycleCommand {
  const out: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
  return new LqrTracker().command(
    e,
    poses.map((p) => p[0]),
    poses.map((p) => p[1]),
    poses.map((p) => p[2]),
    poses.length,
    vehicle,
    out,
  );
}

describe('LqrTracker gives the commands of nuplan-devkit LQRTracker', () => {
  for (const [name, poses, e, accel, steerRate] of CASES) {
    it(name, () => {
      const cmd = track(poses, e);
      expect(cmd.accelMps2).toBeCloseTo(accel, 9);
      expect(cmd.steerRateRadps).toBeCloseTo(steerRate, 9);
    });
  }
});

describe('LqrTracker.fitProfiles + commandAt (tuplan_garage BatchLQRTracker)', () => {
  it('commandAt(0) after fitProfiles is command()', () => {
    const poses = arc(81);
    const e = ego(0, -0.5, -0.05, 8, 0.05);
    const t = new LqrTracker();
    t.fitProfiles(
      poses.map((p) => p[0]),
      poses.map((p) => p[1]),
      poses.map((p) => p[2]),
      81,
    );
    const a: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
    t.commandAt(e, 0, poses[0]![0], poses[0]![1], poses[0]![2], vehicle, a);
    const b = track(poses, e);
    expect(a.accelMps2).toBe(b.accelMps2);
    expect(a.steerRateRadps).toBe(b.steerRateRadps);
  });

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
    for (let i = 0; i < 40; i++) {
      t.commandAt(s, i, poses[i]![0], poses[i]![1], poses[i]![2], vehicle, cmd);
      stepBatchBicycle(s, cmd, vehicle, 0.1, s);
      const ref = REF[i + 1];
      if (!ref) continue;
      expect(s.x, `x at ${i + 1}`).toBeCloseTo(ref[0], 9);
      expect(s.y, `y at ${i + 1}`).toBeCloseTo(ref[1], 9);
      expect(s.headingRad, `heading at ${i + 1}`).toBeCloseTo(ref[2], 9);
      expect(s.speedMps, `speed at ${i + 1}`).toBeCloseTo(ref[3], 9);
    }
  });
});
