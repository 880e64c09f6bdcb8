/**
 * Lane changes and the faster car coming up behind in the target lane (issue 14, fuzz lane_change
 * runs where the gate caused a side strike): a planner's trajectory into the next lane is held to
 * the lane-change rules (RSS towards the follower), and a lane change already under way is aborted
 * or completed at speed, never slowed or stopped sideways in front of that car.
 */
import { describe, expect, it } from 'vitest';
import { agentBox, boxesOverlap, egoBox, type MidLevelCommand, type Trajectory } from '../core/index.ts';
import { CAR, cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';
import type { SafetyScene } from './Scene.ts';

const gate = createSafetyGate();
const road = roadMap({ lanes: 2, oncoming: true, speedLimitMps: 16.7, lengthM: 400 });
/** Ego footprint centre → rear bumper, m (the default car). */
const HALF_L = CAR.lengthM / 2;

/** Ego at s = 100 on R0 (route continuing in R1), a follower in R1 `gapM` behind its rear bumper. */
function followerScene(
  egoMps: number,
  followerMps: number,
  gapM: number,
  dM = 0,
  headingRad = 0,
): SafetyScene {
  const sc = scene({
    map: road,
    s: 100,
    speed: egoMps,
    route: ['R0', 'R1'],
    agents: [{ id: 'follower', lane: 'R1', s: 100 - HALF_L - gapM - 2.4, speed: followerMps }],
  });
  // a lane change under way: the rear axle `dM` left of R0's centre, turned `headingRad` into R1
  sc.snapshot.ego = { ...sc.snapshot.ego, y: sc.snapshot.ego.y + dM, headingRad: headingRad };
  return sc;
}

/** Whether the ego driving `traj` touches the follower driving on at its speed along R1. */
function touchesFollower(sc: SafetyScene, traj: Trajectory): boolean {
  const f = sc.snapshot.agents[0]!;
  return traj.points.some((p) => {
    const t = p.tS - sc.snapshot.tS;
    if (t > 5) return false;
    const other = { ...f, x: f.x + f.speedMps * t };
    return boxesOverlap(egoBox(p, CAR), agentBox(other));
  });
}

/** A planner's lane change into R1: a cubic over `T` s, accelerating at `a` from the ego's speed. */
function laneChangeTrajectory(sc: SafetyScene, a: number, T: number): Trajectory {
  const e = sc.snapshot.ego;
  const points = [];
  for (let k = 0; k <= 60; k++) {
    const t = k * 0.1;
    const u = Math.min(1, t / T);
    const y = 3.5 * (3 * u * u - 2 * u * u * u);
    const dy = t < T ? (3.5 * (6 * u - 6 * u * u)) / T : 0;
    const v = e.speedMps + a * t;
    points.push({
      tS: t,
      x: e.x + e.speedMps * t + 0.5 * a * t * t,
      y,
      headingRad: Math.atan2(dy, v),
      speedMps: v,
    });
  }
  return { points };
}

describe('lane change from a planned trajectory (a trajectory planner behind the gate)', () => {
  // 10 m/s ego; follower in R1 3 m behind the rear bumper at 10.5 m/s. The planned change speeds up
  // at 1 m/s², so the forecast (the follower at its speed) never touches it: only RSS towards the
  // follower (the ego becomes its leader 3 m ahead, RSS asks ≈ 20 m) says no
  const sc = followerScene(10, 10.5, 3);
  const traj = laneChangeTrajectory(sc, 1, 4);

  it('the planned change into the follower is postponed by rss.longitudinalRear; the repair keeps the lane and touches nothing', () => {
    expect(touchesFollower(sc, traj)).toBe(false); // the forecast alone sees no conflict
    const v = gate.checkCommand(cmd({ path: 'LEFT_CHANGE', speed: 'ACCELERATE', targetSpeedMps: 14 }), sc, {
      trajectory: traj,
    });
    expect(v.decision).toBe('MODIFY');
    const rear = v.rules.find((r) => r.rule === 'rss.longitudinalRear')!;
    expect(rear.decision).toBe('MODIFY');
    expect(rear.values.agentId).toBe('follower');
    expect(Number(rear.values.gapM)).toBeLessThan(Number(rear.values.safeDistanceM));
    expect(v.modified?.path).toBe('FOLLOW_LANE');
    const repaired = gate.trajectoryFor(v.modified!, sc, {}, traj);
    expect(Math.max(...repaired.points.map((p) => p.y))).toBeLessThan(0.1);
    expect(touchesFollower(sc, repaired)).toBe(false);
  });

  it('the same change with the follower 40 m behind at the same speed is allowed', () => {
    const far = followerScene(10, 10, 40);
    const v = gate.checkCommand(cmd({ path: 'LEFT_CHANGE', speed: 'ACCELERATE', targetSpeedMps: 14 }), far, {
      trajectory: laneChangeTrajectory(far, 1, 4),
    });
    expect(v.decision).toBe('ALLOW');
  });
});

describe('a lane change under way with a faster car coming up behind in the target lane', () => {
  // the rear axle 1 m left of R0's centre, turned 0.23 rad into R1 (its left side 0.4 m over the
  // line); the follower 11 m/s, 2 m behind the rear bumper, the ego at 10 m/s
  const sc = followerScene(10, 11, 2, 1.0, 0.23);

  const noSlowing = (m: MidLevelCommand | undefined) => {
    expect(m).toBeDefined();
    expect(m!.speed).not.toBe('STOP');
    expect(m!.speed).not.toBe('DECELERATE');
    expect(m!.targetSpeedMps ?? 0).toBeGreaterThanOrEqual(sc.snapshot.ego.speedMps);
  };

  for (const path of ['LEFT_CHANGE', 'FOLLOW_LANE'] as const) {
    it(`${path} (carry on / come back): no stop, no braking sideways; the chosen move touches nothing`, () => {
      const v = gate.checkCommand(cmd({ path, speed: 'KEEP', targetSpeedMps: 10 }), sc);
      expect(v.decision).toBe('MODIFY');
      expect(v.mrm).toBeUndefined();
      noSlowing(v.modified);
      expect(v.explanation).toMatch(/lane change under way, "follower"/);
      expect(touchesFollower(sc, gate.trajectoryFor(v.modified!, sc))).toBe(false);
    });
  }

  it('a command to brake there is turned into the move at speed, not into the brake', () => {
    const v = gate.checkCommand(cmd({ path: 'LEFT_CHANGE', speed: 'DECELERATE', targetSpeedMps: 6 }), sc);
    expect(v.decision).toBe('MODIFY');
    noSlowing(v.modified);
    expect(touchesFollower(sc, gate.trajectoryFor(v.modified!, sc))).toBe(false);
  });

  it('a change not yet over the line is postponed as before (no committed choice)', () => {
    const early = followerScene(10, 11, 2, 0.2, 0.02);
    const v = gate.checkCommand(cmd({ path: 'LEFT_CHANGE', speed: 'KEEP', targetSpeedMps: 10 }), early);
    expect(v.decision).toBe('MODIFY');
    expect(v.modified?.path).toBe('FOLLOW_LANE');
    expect(v.explanation).not.toMatch(/lane change under way/);
  });

  it('a slower car behind is not a reason: the ordinary repairs stand (no committed choice)', () => {
    const slow = followerScene(10, 8, 2, 1.0, 0.23);
    const v = gate.checkCommand(cmd({ path: 'LEFT_CHANGE', speed: 'KEEP', targetSpeedMps: 10 }), slow);
    expect(v.explanation).not.toMatch(/lane change under way/);
  });
});
