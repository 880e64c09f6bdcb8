/**
 * LqrTracker against nuPlan's own tracker. The expected commands were printed by nuplan-devkit's
 * `LQRTracker.track_trajectory` (nuplan/planning/simulation/controller/tracker/lqr.py and
 * tracker_utils.py @ e9241677, lqr_tracker.yaml parameters), executed unchanged under Python 3 /
 * numpy 2 by scripts/reference/tracker_reference.py with stand-ins for the nuPlan types it
 * imports (trajectory poses every 0.1 s from t = 0, ego rear-axle state, Pacifica wheel base
 * 3.089 m). PDM's batch use of the tracker (fitProfiles 'pdm-batch' + commandAt) is tested
 * against tuplan_garage in planner/baselines/pdm/stepBatchBicycle.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type EgoState, VehicleParamsSchema } from '../index.ts';
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

describe('LqrTracker.fitProfiles + commandAt', () => {
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
    const [xs, ys, hs] = [0, 1, 2].map((c) => poses.map((p) => p[c]!));
    t.commandAt(e, 0, xs!, ys!, hs!, 0, vehicle, a);
    const b = track(poses, e);
    expect(a.accelMps2).toBe(b.accelMps2);
    expect(a.steerRateRadps).toBe(b.steerRateRadps);
  });
});
