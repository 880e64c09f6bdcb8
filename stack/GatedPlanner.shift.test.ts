/**
 * An in-lane shift (`lateralOffsetM` on FOLLOW_LANE) as the sim's tracker drives it: the gate's
 * check roll-out predicts no more of the shift than the tracker delivers (its lag and its slow
 * lateral LQR), the tracker's overshoot stays within the margin the gate keeps inside the lane, and
 * an emergency stop that moves away carries the shift into the trajectory the tracker is handed.
 */
import { describe, expect, it } from 'vitest';
import type { EgoState, MidLevelCommand, Verdict, WorldSnapshot } from '../core/index.ts';
import { inLaneOffsetLimitM } from '../core/index.ts';
import { RoutePath } from '../core/map/index.ts';
import { LqrTracker, stepBicycle } from '../core/vehicle/index.ts';
import type { Planner, PlannerContext } from '../planner/index.ts';
import { LanePathCache, Rollout, rolloutCommand } from '../safety/Rollout.ts';
import { createSafetyGate } from '../safety/SafetyGate.ts';
import { createGatedPlanner } from './GatedPlanner.ts';
import { CAR, cmd, roadMap, scene } from './testing/safetyScenes.ts';

const map = roadMap({ lanes: 1 });
const gate = createSafetyGate();
const P = gate.params;
/** The gate's own shift on a 3.5 m lane: the limit less the overshoot margin (≈ 0.45 m). */
const SHIFT = inLaneOffsetLimitM(3.5, CAR.widthM) - P.inLaneShiftMarginM;

/** The ego's position every 0.1 s while the tracker follows `command`'s gate trajectory, re-planned every tick. */
function trackedXY(
  command: MidLevelCommand,
  speedMps: number,
  seconds: number,
): { xs: number[]; ys: number[] } {
  const tracker = new LqrTracker();
  const base = scene({ map, s: 50, speed: speedMps });
  let ego: EgoState = { ...base.snapshot.ego };
  const xs = [ego.x];
  const ys = [ego.y];
  const px = new Float64Array(81);
  const py = new Float64Array(81);
  const ph = new Float64Array(81);
  const out = { accelMps2: 0, steerRateRadps: 0 };
  for (let k = 0; k < Math.round(seconds / 0.1); k++) {
    const sc = { ...base, snapshot: { ...base.snapshot, tS: ego.tS, ego } };
    const pts = gate.trajectoryFor(command, sc).points;
    const n = Math.min(81, pts.length);
    for (let i = 0; i < n; i++) {
      px[i] = pts[i]!.x;
      py[i] = pts[i]!.y;
      ph[i] = pts[i]!.headingRad;
    }
    tracker.command(ego, px, py, ph, n, CAR, out);
    ego = stepBicycle(ego, out, CAR, 0.1, { ...ego });
    xs.push(ego.x);
    ys.push(ego.y);
  }
  return { xs, ys };
}

/** The ego's lateral offset every 0.1 s (`trackedXY`). */
const tracked = (command: MidLevelCommand, speedMps: number, seconds: number): number[] =>
  trackedXY(command, speedMps, seconds).ys;

describe('the tracker on an in-lane shift', () => {
  for (const v of [6, 10, 15]) {
    it(`at ${v} m/s the check's roll-out is never ahead of the tracked shift, and the overshoot stays in the lane`, () => {
      const command = cmd({ lateralOffsetM: -SHIFT });
      const ys = tracked(command, v, 4);
      const r = new Rollout(64);
      const ego = scene({ map, s: 50, speed: v }).snapshot.ego;
      rolloutCommand(command, ego, map, ['R0'], CAR, P, new LanePathCache(map), r);
      // while the shift builds up (until the tracker first reaches the target), every 0.2 s step of
      // the check is no farther over than the tracked ego (right: negative), 2 cm of slack
      const reached = ys.findIndex((y) => y <= -SHIFT);
      expect(reached).toBeGreaterThan(0);
      for (let k = 0; k < r.n && 2 * k < reached; k++)
        expect(-r.d[k]!).toBeLessThanOrEqual(-ys[2 * k]! + 0.02);
      // after that the tracker swings about the target (damped) by less than the margin the gate keeps
      // inside the lane: the footprint stays in the lane
      for (const y of ys.slice(reached)) expect(Math.abs(y + SHIFT)).toBeLessThan(P.inLaneShiftMarginM);
    });
  }
});

describe('the tracker on an in-lane shift that ends (`lateralOffsetEndAt`)', () => {
  for (const v of [6, 10, 15]) {
    it(`at ${v} m/s it returns to the centre after the end, and the check's return never leads the tracked one by more than the tracker's overshoot margin`, () => {
      const start = scene({ map, s: 50, speed: v }).snapshot.ego;
      // the end 3 s of travel ahead: the shift is built up (or nearly) before it
      const endX = start.x + 3 * v;
      const command = cmd({ lateralOffsetM: -SHIFT, lateralOffsetEndAt: { x: endX, y: start.y } });
      const { xs, ys } = trackedXY(command, v, 8);
      const r = new Rollout(64);
      rolloutCommand(command, start, map, ['R0'], CAR, { ...P, horizonS: 8 }, new LanePathCache(map), r);
      // past the end, every 0.2 s step of the check is no nearer the centre than the tracked ego less
      // the margin the gate keeps for the tracker's overshoot (its shift's own overshoot carries over)
      for (let k = 0; k < r.n; k++)
        if (xs[2 * k]! > endX) expect(-r.d[k]!).toBeGreaterThanOrEqual(-ys[2 * k]! - P.inLaneShiftMarginM);
      // the tracked ego is back on the centre (within the margin) 2 s of travel past the end, and
      // its footprint stays within the lane throughout
      for (let k = 0; k < xs.length; k++) {
        if (xs[k]! > endX + 2.5 * v) expect(Math.abs(ys[k]!)).toBeLessThan(P.inLaneShiftMarginM);
        expect(Math.abs(ys[k]!)).toBeLessThan(SHIFT + P.inLaneShiftMarginM);
      }
      // and the shift was made: the ego was at least 0.3 m over before the end
      expect(Math.min(...ys.filter((_, k) => xs[k]! < endX))).toBeLessThan(-0.3);
    });
  }
});

describe('gated planner: an emergency stop that moves away', () => {
  const ctx: PlannerContext = { map, route: RoutePath.build(map, ['R0']), vehicle: CAR, dtS: 0.1, seed: 0 };
  const snapAt = (tS: number): WorldSnapshot => scene({ map, s: 50, speed: 10, tS }).snapshot;
  const keep: Planner<null> = {
    name: 'keep',
    init: () => null,
    step: (_s, snap) => {
      const command = cmd({ issuedAtS: snap.tS, expiresAtS: snap.tS + 1 });
      const sc = { snapshot: snap, map, vehicle: CAR };
      return { state: null, output: { command, trajectory: gate.trajectoryFor(command, sc) } };
    },
  };
  const vetoWith = (lateralOffsetM?: number): Verdict => ({
    decision: 'VETO',
    rules: [{ rule: 'collision.predicted', decision: 'VETO', values: {}, message: 'scripted' }],
    explanation: 'scripted veto',
    mrm: {
      kind: 'EMERGENCY_STOP',
      decelMps2: 6,
      ...(lateralOffsetM !== undefined ? { lateralOffsetM } : {}),
    },
  });
  const run = (v: Verdict) => {
    const p = createGatedPlanner(keep, { gate: { ...gate, checkCommand: () => v } });
    return p.step(p.init(ctx, snapAt(0)), snapAt(0), ctx).output;
  };

  it("carries the verdict's shift into the stop it drives; without one the stop keeps the lane centre", () => {
    const shifted = run(vetoWith(-SHIFT));
    expect(shifted.command).toMatchObject({ speed: 'STOP', path: 'FOLLOW_LANE', lateralOffsetM: -SHIFT });
    const straight = run(vetoWith());
    expect(straight.command?.lateralOffsetM).toBeUndefined();
    const minY = (o: typeof shifted) => Math.min(...o.trajectory!.points.map((q) => q.y));
    const maxAbsY = (o: typeof shifted) => Math.max(...o.trajectory!.points.map((q) => Math.abs(q.y)));
    // braking from 10 m/s at 6 m/s² the ego covers ≈ 9 m: the reference closes most of the shift
    expect(minY(shifted)).toBeLessThan(-0.3);
    expect(maxAbsY(straight)).toBeLessThan(1e-6);
  });
});
