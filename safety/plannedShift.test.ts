/**
 * A planned trajectory that keeps the ego's centre in its lane is no lane change, wherever in the
 * lane the ego starts (`changesLane` reads the roll-out's `shiftToM`); one that takes it over into
 * the next lane is. esmini trajectory-test: PDM-Closed's plan kept the ego 0.5–1 m left of its lane's
 * centre, its own offset read as a lane change, and a car closing from behind at 30 m/s in the same
 * lane was judged the ego's conflict — an 8 m/s² stop in front of it, then an at-fault contact.
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../core/index.ts';
import { roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { deriveCommand } from './deriveCommand.ts';
import { changesLane, LanePathCache, Rollout, rolloutTrajectory } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const P = SafetyParamsSchema.parse({});

/** Straight along +x at 15 m/s from the ego's rear axle, its offset moving from `fromM` to `toM` (left +) over 2 s. */
function plan(x0: number, y0: number, fromM: number, toM: number): Trajectory {
  return {
    points: Array.from({ length: 41 }, (_, k) => {
      const t = k * 0.1;
      const u = Math.min(1, t / 2);
      return {
        tS: t,
        x: x0 + 15 * t,
        y: y0 + fromM + (toM - fromM) * (3 * u * u - 2 * u * u * u),
        headingRad: 0,
        speedMps: 15,
      };
    }),
  };
}

/** Two lanes along +x (3.5 m wide); the ego on R0 at s 100, `offsetM` left of its centre, at 15 m/s; a car 15 m behind at 30 m/s. */
function offCentre(offsetM: number) {
  const map = roadMap({ lanes: 2 });
  const sc = scene({ map, s: 100, speed: 15, agents: [{ id: 'fast', lane: 'R0', s: 82, speed: 30 }] });
  const ego = { ...sc.snapshot.ego, y: sc.snapshot.ego.y + offsetM };
  return { map, sc: { ...sc, snapshot: { ...sc.snapshot, ego } }, ego };
}

describe('lane change read from a planned trajectory', () => {
  it('an ego 0.6 m off its lane centre on a plan that stays in the lane is not changing lanes', () => {
    const { map, sc, ego } = offCentre(0.6);
    const r = new Rollout(128);
    const traj = plan(ego.x, sc.snapshot.ego.y - 0.6, 0.6, 1.0);
    rolloutTrajectory(traj, ego, map, ['R0'], P, new LanePathCache(map), 'FOLLOW_LANE', r);
    expect(changesLane(r)).toBe(false);
  });

  it('a plan that takes the ego centre over into the next lane is changing lanes', () => {
    const { map, sc, ego } = offCentre(0);
    const r = new Rollout(128);
    const traj = plan(ego.x, sc.snapshot.ego.y, 0, 3.5);
    rolloutTrajectory(traj, ego, map, ['R0'], P, new LanePathCache(map), 'FOLLOW_LANE', r);
    expect(changesLane(r)).toBe(true);
  });

  it('a car closing from behind in the lane is the follower’s to avoid: the plan in the lane passes', () => {
    const { sc, ego } = offCentre(0.6);
    const traj = plan(ego.x, sc.snapshot.ego.y - 0.6, 0.6, 1.0);
    const gate = createSafetyGate();
    const command = deriveCommand(traj, sc.snapshot, sc.map, 'test', sc.vehicle);
    expect(command.path).toBe('FOLLOW_LANE');
    const verdict = gate.checkCommand(command, sc, { trajectory: traj });
    const collision = verdict.rules.find((x) => x.rule === 'collision.predicted')!;
    expect(collision.decision).toBe('ALLOW');
    expect(collision.values.rearStruckAtS).toBeDefined();
  });
});
