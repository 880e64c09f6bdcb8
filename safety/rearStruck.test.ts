/**
 * A car the ego moves sideways into is the ego's conflict, however it meets it (RSS lateral: the one
 * that moves sideways is responsible). Review 13: an in-lane plan drifting 1.1 m towards the next
 * lane swiped a car coming up alongside there, 4 m behind at 13.5 m/s; the plan's centre stayed in
 * its lane (no lane change read) and `collision.predicted` excused the contact as "struck from
 * behind" — ALLOW.
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../core/index.ts';
import { roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { deriveCommand } from './deriveCommand.ts';
import { changesLane, LanePathCache, Rollout, rolloutTrajectory } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';

const P = SafetyParamsSchema.parse({});

/** Straight along +x at 13 m/s, the offset from the lane centre moving from `fromM` to `toM` (left +) over 1 s. */
function plan(x0: number, yCentre: number, fromM: number, toM: number): Trajectory {
  return {
    points: Array.from({ length: 41 }, (_, k) => {
      const t = k * 0.1;
      const u = Math.min(1, t);
      return {
        tS: t,
        x: x0 + 13 * t,
        y: yCentre + fromM + (toM - fromM) * (3 * u * u - 2 * u * u * u),
        headingRad: 0,
        speedMps: 13,
      };
    }),
  };
}

/** Two 3.5 m lanes along +x; the ego on R0 at s 100 (13 m/s), `offsetM` left of the centre; a car on `carLane` (R1: the left one) at `carS` (96), `carV` (13.5 m/s), `carD` off its lane's centre. */
function alongside(offsetM: number, carD: number, carLane = 'R1', carS = 96, carV = 13.5) {
  const map = roadMap({ lanes: 2 });
  const sc0 = scene({
    map,
    s: 100,
    speed: 13,
    agents: [{ id: 'car', lane: carLane, s: carS, d: carD, speed: carV }],
  });
  const ego = { ...sc0.snapshot.ego, y: sc0.snapshot.ego.y + offsetM };
  return { map, sc: { ...sc0, snapshot: { ...sc0.snapshot, ego } }, ego, yCentre: sc0.snapshot.ego.y };
}

function collisionOf(sc: ReturnType<typeof alongside>['sc'], traj: Trajectory) {
  const command = deriveCommand(traj, sc.snapshot, sc.map, 'test', sc.vehicle);
  expect(command.path).toBe('FOLLOW_LANE');
  const verdict = createSafetyGate().checkCommand(command, sc, { trajectory: traj });
  return { verdict, collision: verdict.rules.find((x) => x.rule === 'collision.predicted')! };
}

describe('struck from behind: only a follower the ego did not move into', () => {
  it('an in-lane drift of 0.5 m into a car riding close to the line in the next lane is the ego’s conflict', () => {
    // the car's right side 1.55 m left of R0's centre, the ego's left side 1.15 m: apart at the
    // start, 0.1 m into each other after the drift (the ego's body stays inside its lane)
    const { sc, ego, yCentre } = alongside(0, -1);
    const { verdict, collision } = collisionOf(sc, plan(ego.x, yCentre, 0, 0.5));
    expect(collision.decision).not.toBe('ALLOW');
    expect(verdict.decision).not.toBe('ALLOW');
  });

  it('a follower right behind is still excused when the ego shifts 0.4 m within its lane (no move towards it)', () => {
    // (FRA_Anglet-1_1_T-1: a motorcycle 0.02 m off the ego's line, a shift read as "towards" it)
    const { sc, ego, yCentre } = alongside(0, -0.05, 'R0', 90, 16);
    const { collision } = collisionOf(sc, plan(ego.x, yCentre, 0, -0.4));
    expect(collision.decision).toBe('ALLOW');
    expect(collision.values.rearStruckAtS).toBeDefined();
  });

  it('a follower along the lane’s centre is excused when the ego moves back to that centre from the other side', () => {
    // (CommonRoad ESP_SantBoideLlobregat-19_1_T-1: a car that turned in 6 m behind the ego, which
    // started 0.35 m right of its lane's centre; closing that offset read as a move into the follower)
    const { sc, ego, yCentre } = alongside(-0.4, 0, 'R0', 90, 16);
    const { collision } = collisionOf(sc, plan(ego.x, yCentre, -0.4, 0));
    expect(collision.decision).toBe('ALLOW');
    expect(collision.values.rearStruckAtS).toBeDefined();
  });

  it('moving past the lane’s centre towards a car riding at the lane’s edge is still the ego’s conflict', () => {
    // the car 0.9 m left of the centre (in the ego's lane), the ego from 0.3 m right to 0.6 m left
    const { sc, ego, yCentre } = alongside(-0.3, 0.9, 'R0', 90, 16);
    const { collision } = collisionOf(sc, plan(ego.x, yCentre, -0.3, 0.6));
    expect(collision.decision).not.toBe('ALLOW');
  });

  it('a follower in the ego’s own lane that runs into it is still excused', () => {
    // 10 m behind (centres) at 16 m/s: it runs into the ego's back after ≈ 1.7 s
    const { sc, ego, yCentre } = alongside(0, 0, 'R0', 90, 16);
    const { collision } = collisionOf(sc, plan(ego.x, yCentre, 0, 0.1));
    expect(collision.decision).toBe('ALLOW');
    expect(collision.values.rearStruckAtS).toBeDefined();
  });
});

describe('lane change read from a plan: the body, not the centre', () => {
  it('a plan drifting from 0.6 m to 1.7 m off the centre (the body 0.85 m into the next lane) changes lanes', () => {
    const { map, sc, ego, yCentre } = alongside(0.6, 0);
    const r = new Rollout(128);
    const traj = plan(ego.x, yCentre, 0.6, 1.7);
    rolloutTrajectory(
      traj,
      ego,
      map,
      ['R0'],
      P,
      new LanePathCache(map),
      'FOLLOW_LANE',
      r,
      undefined,
      sc.vehicle,
    );
    expect(changesLane(r)).toBe(true);
  });

  it('the same drift with the car 4 m behind in the next lane is not allowed', () => {
    const { sc, ego, yCentre } = alongside(0.6, 0);
    const { verdict } = collisionOf(sc, plan(ego.x, yCentre, 0.6, 1.7));
    expect(verdict.decision).not.toBe('ALLOW');
  });
});
