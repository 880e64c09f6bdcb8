/**
 * Roll-out geometry that the gate's checks and its repair trajectories share: the branch a
 * junction roll-out starts on, a lateral close over distance, a backwards plan taken as a brake.
 */
import { describe, expect, it } from 'vitest';
import { VehicleParamsSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { FORK_ROUTE, forkMapData, LOOP_ROUTE, loopMapData, overpassRoad } from '../core/map/testFixtures.ts';
import { cmd, junctionMap, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { buildLanePath, projectOnStart } from './LanePath.ts';
import { changesLane, LanePathCache, Rollout, rolloutCommand, rolloutTrajectory } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { SafetyParamsSchema } from './SafetyParams.ts';
import { gateRouteRank, routeAhead } from './Scene.ts';
import { startLane } from './startLane.ts';

const P = SafetyParamsSchema.parse({});

describe('command roll-out: lateral close', () => {
  it('an ego that stops short closes less of its offset than one that keeps going (over distance, not time)', () => {
    const map = roadMap({ lanes: 1 });
    const sc = scene({ map, s: 50, speed: 4 });
    // 1 m left of the lane centre
    const ego = { ...sc.snapshot.ego, y: sc.snapshot.ego.y + 1 };
    const paths = new LanePathCache(map);
    const keep = new Rollout(128);
    const stop = new Rollout(128);
    rolloutCommand(cmd(), ego, map, ['R0'], sc.vehicle, P, paths, keep);
    rolloutCommand(cmd({ speed: 'STOP', decelMps2: 4 }), ego, map, ['R0'], sc.vehicle, P, paths, stop);
    const last = (r: Rollout) => r.n - 1;
    expect(Math.abs(keep.d[last(keep)]!)).toBeLessThan(0.05);
    // it stops within ≈ 4 m (4 m/s at 4 m/s² through the lag and the tracker's taper near the stop)
    // and has closed only part of the offset
    expect(stop.s[last(stop)]! - stop.s[0]!).toBeLessThan(4.5);
    expect(stop.d[last(stop)]!).toBeGreaterThan(0.5);
  });
});

describe('trajectory roll-out of a plan that moves backwards', () => {
  it('is the brake the tracker makes of it: along the heading, never behind the ego, to a stop', () => {
    const map = roadMap({ lanes: 1 });
    const sc = scene({ map, s: 50, speed: 2 });
    const ego = sc.snapshot.ego;
    // PDM-Closed's emergency brake: poses behind the ego at a constant negative speed
    const c = 1.1 * (2 - 4.05);
    const points = Array.from({ length: 41 }, (_, k) => ({
      tS: k * 0.1,
      x: ego.x + c * k * 0.1,
      y: ego.y,
      headingRad: ego.headingRad,
      speedMps: c,
    }));
    const r = new Rollout(128);
    const p = { ...P, stepS: 0.1, horizonS: 4 };
    rolloutTrajectory({ points }, ego, map, ['R0'], p, new LanePathCache(map), 'FOLLOW_LANE', r);
    for (let k = 1; k < r.n; k++) {
      expect(r.x[k]! - r.x[k - 1]!).toBeGreaterThanOrEqual(0);
      expect(r.v[k]!).toBeLessThanOrEqual(r.v[k - 1]! + 1e-12);
      expect(r.y[k]).toBeCloseTo(ego.y, 9);
    }
    expect(r.v[r.n - 1]).toBe(0);
    // braking at gain·(v − c) ≈ 5.5 m/s² through the lag: stopped within a metre
    expect(r.x[r.n - 1]! - ego.x).toBeLessThan(1);
  });
});

describe('trajectory roll-out of a stop that goes below zero speed at its end', () => {
  it('brakes along the poses it draws forward from the ego (the lane), not straight on along a heading off it', () => {
    // the gate's own stop (rolloutToTrajectory): an ego heading 0.03 rad right of its lane (a VETO
    // steered it away from an oncoming car) brakes at 4 m/s² from 10 m/s along the lane, its
    // reference below zero near the stop for the tracker (fuzz seed 11 run 898)
    const map = roadMap({ lanes: 1 });
    const sc = scene({ map, s: 50, speed: 10 });
    const ego = { ...sc.snapshot.ego, headingRad: sc.snapshot.ego.headingRad - 0.03 };
    const c = Math.cos(sc.snapshot.ego.headingRad);
    const sn = Math.sin(sc.snapshot.ego.headingRad);
    const points = Array.from({ length: 61 }, (_, k) => {
      const t = k * 0.1;
      const tStop = 2.5;
      const along = t < tStop ? 10 * t - 2 * t * t : 12.5;
      // the lateral close back onto the lane centre over the first metres
      const lat = -0.1 * Math.max(0, 1 - along / 10);
      return {
        tS: ego.tS + t,
        x: ego.x + along * c - lat * sn,
        y: ego.y + along * sn + lat * c,
        headingRad: sc.snapshot.ego.headingRad,
        speedMps: t < tStop ? 10 - 4 * t : t < tStop + 0.5 ? -2 : 0,
      };
    });
    // the ego where the stop starts (0.1 m right of the lane centre)
    const at = { ...ego, x: points[0]!.x, y: points[0]!.y };
    const r = new Rollout(128);
    const p = { ...P, stepS: 0.1, horizonS: 6 };
    rolloutTrajectory({ points }, at, map, ['R0'], p, new LanePathCache(map), 'FOLLOW_LANE', r);
    const last = r.n - 1;
    expect(r.v[last]!).toBeLessThan(0.1);
    // it stops on the lane centre, where the poses end: straight on at −0.03 rad it came to rest
    // ≈ 0.5 m right of it
    expect(Math.abs(r.d[last]!)).toBeLessThan(0.1);
    expect(r.s[last]! - r.s[0]!).toBeGreaterThan(11);
  });
});

describe('trajectory roll-out of a plan whose heading swings at a near standstill', () => {
  it('turns no tighter than the steering allows over the travel (bicycle: |Δψ| ≤ κmax·Δs)', () => {
    const map = roadMap({ lanes: 1 });
    const sc = scene({ map, s: 50, speed: 0 });
    const ego = sc.snapshot.ego;
    // a plan from rest whose poses turn 0.7 rad right within 0.4 s while moving 0.1 m (esmini
    // trailer_connect, PDM-Closed)
    const points = Array.from({ length: 41 }, (_, k) => ({
      tS: k * 0.1,
      x: ego.x + 0.0025 * k * k,
      y: ego.y,
      headingRad: ego.headingRad - Math.min(0.7, 0.175 * k),
      speedMps: 0.05 * k,
    }));
    const r = new Rollout(128);
    const p = { ...P, stepS: 0.1, horizonS: 4 };
    const kMax = Math.tan(sc.vehicle.maxSteerRad) / sc.vehicle.wheelBaseM;
    rolloutTrajectory(
      { points },
      ego,
      map,
      ['R0'],
      p,
      new LanePathCache(map),
      'FOLLOW_LANE',
      r,
      undefined,
      sc.vehicle,
    );
    let travelled = 0;
    for (let k = 1; k < r.n; k++) {
      travelled += Math.hypot(r.x[k]! - r.x[k - 1]!, r.y[k]! - r.y[k - 1]!);
      expect(Math.abs(r.h[k]! - ego.headingRad)).toBeLessThanOrEqual(
        kMax * travelled + 0.02 * (k + 1) + 1e-9,
      );
    }
    // by 0.4 s (0.04 m travelled) the heading has barely moved, not the plan's 0.7 rad
    expect(Math.abs(r.h[4]! - ego.headingRad)).toBeLessThan(0.15);
  });
});

describe('startLane', () => {
  const map = junctionMap();
  const paths = new LanePathCache(map);
  const ego = scene({ map, lane: 'C31', s: 3, speed: 6 }).snapshot.ego;
  const start = (route: string[]) => startLane(map, ego.x, ego.y, ego.headingRad, 0, route, paths);

  it('on overlapping connectors without a plan, the one on the route', () => {
    expect(start(['IN3', 'C32', 'OUT2'])).toBe('C32');
    expect(start(['IN3', 'C30', 'OUT0'])).toBe('C30');
    expect(start(['IN3', 'C31', 'OUT1'])).toBe('C31');
  });

  // a plan from 0.3 m right of the connectors' common start, straight along the heading for `m` metres
  const straightPlan = (m: number) => {
    const e = scene({ map, lane: 'C31', s: 2, speed: 1.5 }).snapshot.ego;
    const x0 = e.x + 0.3;
    const points = Array.from({ length: 41 }, (_, k) => ({
      tS: k * 0.1,
      x: x0,
      y: e.y + Math.min(m, (m * k) / 20),
      headingRad: e.headingRad,
      speedMps: k < 20 ? m / 2 : 0,
    }));
    return { ego: { ...e, x: x0 }, plan: { points } };
  };

  it('a plan that moves before the branches part says nothing about its branch: the route stands', () => {
    // a slow stop over 2 m at the start of a left turn (the connectors ≈ 0.25 m apart there): the
    // straight connector fits it better only by the ego's own offset in the lane
    const { ego: e, plan } = straightPlan(2);
    const route = ['IN3', 'C32', 'OUT2'];
    expect(startLane(map, e.x, e.y, e.headingRad, 0, route, paths, plan)).toBe('C32');
  });

  it('a plan that goes on where the branches have parted picks its branch over the route', () => {
    const { ego: e, plan } = straightPlan(8);
    expect(startLane(map, e.x, e.y, e.headingRad, 0, ['IN3', 'C32', 'OUT2'], paths, plan)).toBe('C31');
  });

  it('a lane the ego is not on is not taken for being on the route', () => {
    // the ego stands on IN3 well before the junction: the connectors are not under it
    const before = scene({ map, lane: 'IN3', s: 80, speed: 6 }).snapshot.ego;
    expect(startLane(map, before.x, before.y, before.headingRad, 0, ['C32'], paths)).toBe('IN3');
  });
});

/**
 * E east along y = 0 to x = 200; L turns back (up to y = 100, west) and runs south along x = 50,
 * over E at (50, 0) ≈ 586 m along E's forward path.
 */
function overpass(): RoadMap {
  return new RoadMap(overpassRoad({ eastM: 200, radiusM: 50, topM: 100, stepRad: 0.05, southToYM: -100 }));
}

describe('command roll-out on a path that passes over itself', () => {
  it('starts where the ego is on its own lane, not on the later pass over it', () => {
    const map = overpass();
    const ego = { tS: 0, x: 50, y: -0.3, headingRad: 0, speedMps: 10, accelMps2: 0 };
    const paths = new LanePathCache(map);
    expect(paths.get('E', ['E', 'L'])!.line.project(ego.x, ego.y).sM).toBeGreaterThan(500);
    const r = new Rollout(128);
    rolloutCommand(cmd(), ego, map, ['E', 'L'], VehicleParamsSchema.parse({}), P, paths, r);
    expect(r.s[0]).toBeCloseTo(50, 6);
    expect(r.d[0]).toBeCloseTo(-0.3, 6);
    // it rolls on along E: east, at y ≈ 0
    expect(r.x[r.n - 1]!).toBeGreaterThan(60);
    expect(Math.abs(r.y[r.n - 1]!)).toBeLessThan(0.5);
  });

  it('the start lane’s stretch is where a pose on it is sought (projectOnStart), for the gate’s branch fit too', () => {
    const path = buildLanePath(overpass(), 'E', ['E', 'L'])!;
    const f = { sM: 0, dM: 0, segment: 0 };
    expect(path.line.project(50, -0.3, f).sM).toBeGreaterThan(500);
    expect(projectOnStart(path, 50, -0.3, f).sM).toBeCloseTo(50, 6);
    // a pose on the later pass is no pose on the start lane: it is not sought there
    expect(projectOnStart(path, 50, -60, f).sM).toBeLessThan(220);
  });
});

describe('lane paths on a route that uses a lane twice (a loop)', () => {
  const maxY = (t: { points: { y: number }[] }) => Math.max(...t.points.map((p) => p.y));

  it("follows the route's way on from the occurrence it starts at, whatever A's successor order", () => {
    for (const order of [
      ['LOOP', 'OUT'],
      ['OUT', 'LOOP'],
    ]) {
      const map = new RoadMap(loopMapData(order));
      // the route from the first pass on: round the loop; from the second pass on: out
      const first = buildLanePath(map, 'A', LOOP_ROUTE)!;
      expect(first.pieces.map((p) => p.laneId).slice(0, 2)).toEqual(['A', 'LOOP']);
      const second = buildLanePath(map, 'A', LOOP_ROUTE.slice(2))!;
      expect(second.pieces.map((p) => p.laneId)).toEqual(['A', 'OUT']);
    }
  });

  it('the gate rolls a command out along the pass the ego is at (SafetyScene.routeIndex)', () => {
    const map = new RoadMap(loopMapData(['LOOP', 'OUT']));
    const gate = createSafetyGate();
    // on A 20 m short of the fork at 10 m/s: 8 s take it 80 m on
    const sc = scene({ map, lane: 'A', s: 80, speed: 10, route: LOOP_ROUTE });
    const keep = cmd({ speed: 'KEEP', targetSpeedMps: 10 });
    const onFirst = gate.trajectoryFor(keep, { ...sc, routeIndex: 1 });
    const onSecond = gate.trajectoryFor(keep, { ...sc, routeIndex: 3 });
    // first pass: up into the loop; second pass: straight on along OUT
    expect(maxY(onFirst)).toBeGreaterThan(10);
    expect(maxY(onSecond)).toBeLessThan(0.5);
    expect(onSecond.points[onSecond.points.length - 1]!.x).toBeGreaterThan(240);
  });
});

describe('the start lane where the route turns at a junction it goes straight through on another pass', () => {
  const map = new RoadMap(forkMapData());
  const paths = new LanePathCache(map);
  const at = (x: number, routeIndex: number) => {
    const y = map.mustLane(x < 103 ? 'T' : 'TURN').line.project(x, 0).dM * -1;
    const ahead = routeAhead({ snapshot: { route: { laneIds: FORK_ROUTE } } as never, routeIndex });
    return startLane(map, x, y, 0, 0, ahead, paths, undefined, (id) =>
      gateRouteRank(FORK_ROUTE, routeIndex, id),
    );
  };

  it('is the branch the route takes sooner from the route position, though both are on it', () => {
    // 1.5 m in: on S and T alike; the turning pass (T at 6, S at 9) and the straight one (S at 9)
    expect(at(101.5, 6)).toBe('T');
    expect(at(101.5, 9)).toBe('S');
  });

  it('a lane the route uses again later is kept behind the position while the ego may still be on it: its path is this pass’s way', () => {
    // the tracked position is on the branch already (a route piece ends up to a metre before its
    // lane does) while the map still locates the ego on A: A's path from the slice the gate reads
    const nextOnA = (routeIndex: number) =>
      buildLanePath(
        map,
        'A',
        routeAhead({ snapshot: { route: { laneIds: FORK_ROUTE } } as never, routeIndex }),
      )!.pieces[1]!.laneId;
    expect(nextOnA(2)).toBe('S'); // first pass (A again at 5: farther ahead than 1 behind)
    expect(nextOnA(6)).toBe('T'); // turning pass (A again at 8)
    expect(nextOnA(9)).toBe('S'); // last pass
  });

  it("past the turn's short first section, the lane after it (TURN), not the straight branch heading better", () => {
    expect(at(105, 7)).toBe('TURN');
    expect(at(105, 9)).toBe('S');
  });

  it("the gate ranks from each scene's own route position, checks of other positions in between", () => {
    // one gate, scenes of the turning pass (6) and the straight one (9) in turn: the start lane's
    // rank is one function for the gate's life, so a position left from the last scene would show
    const gate = createSafetyGate();
    const sc = scene({ map, lane: 'S', s: 1.5, speed: 8, route: FORK_ROUTE });
    const keep = cmd({ speed: 'KEEP', targetSpeedMps: 8 });
    const minY = (routeIndex: number) => {
      const t = gate.trajectoryFor(keep, { ...sc, routeIndex });
      return Math.min(...t.points.map((p) => p.y));
    };
    const turning = minY(6);
    const straight = minY(9);
    gate.checkCommand(keep, { ...sc, routeIndex: 9 });
    const turningAgain = minY(6);
    gate.checkCommand(keep, { ...sc, routeIndex: 6 });
    const straightAgain = minY(9);
    // the turn bends right (down) within 8 s at 8 m/s; straight on stays on y = 0
    expect(turning).toBeLessThan(-5);
    expect(straight).toBeGreaterThan(-0.5);
    expect(turningAgain).toBe(turning);
    expect(straightAgain).toBe(straight);
  });

  it('ranks route lanes by how soon the route takes them from the position, lanes behind it last', () => {
    expect(gateRouteRank(FORK_ROUTE, 6, 'T')).toBe(0);
    expect(gateRouteRank(FORK_ROUTE, 6, 'S')).toBe(3);
    expect(gateRouteRank(FORK_ROUTE, 9, 'TURN')).toBeGreaterThan(gateRouteRank(FORK_ROUTE, 9, 'OUT'));
    expect(gateRouteRank(FORK_ROUTE, undefined, 'S')).toBe(2);
    expect(gateRouteRank(FORK_ROUTE, 4, 'X')).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('changesLane', () => {
  const map = roadMap({ lanes: 1, oncoming: true, dashedCentre: true, id: 'dash' });
  const sc = scene({ map, s: 60, speed: 8 });
  const rolled = (c: ReturnType<typeof cmd>): Rollout => {
    const r = new Rollout(128);
    rolloutCommand(c, sc.snapshot.ego, map, ['R0'], sc.vehicle, P, new LanePathCache(map), r);
    return r;
  };

  it('a borrow nudge of 0.3 m is no lane change (it moves only as far as the nudge)', () => {
    const r = rolled(cmd({ path: 'LEFT_BORROW', lateralOffsetM: 0.3, targetSpeedMps: 8 }));
    expect(r.shiftToM).toBeCloseTo(0.3, 6);
    expect(changesLane(r)).toBe(false);
  });

  it('the gate lets a 0.3 m borrow nudge pass a parked van with a follower closing behind (its rear-end is its fault)', () => {
    const withFollower = scene({
      map,
      s: 60,
      speed: 8,
      agents: [
        { id: 'van', lane: 'R0', s: 140, speed: 0, attrs: { subclass: 'van', parked: true } },
        { id: 'fol', lane: 'R0', s: 48, speed: 11 },
      ],
    });
    const v = createSafetyGate().checkCommand(
      cmd({ path: 'LEFT_BORROW', targetSpeedMps: 8, lateralOffsetM: 0.3 }),
      withFollower,
    );
    // as the same nudge as an in-lane shift (FOLLOW_LANE, lateralOffsetM 0.3) is
    expect(v.decision, v.explanation).toBe('ALLOW');
  });

  it('a full borrow and a lane change still are', () => {
    expect(changesLane(rolled(cmd({ path: 'LEFT_BORROW', targetSpeedMps: 8 })))).toBe(true);
    const two = roadMap({ lanes: 2 });
    const s2 = scene({ map: two, s: 60, speed: 8 });
    const r = new Rollout(128);
    rolloutCommand(
      cmd({ path: 'LEFT_CHANGE' }),
      s2.snapshot.ego,
      two,
      ['R0'],
      s2.vehicle,
      P,
      new LanePathCache(two),
      r,
    );
    expect(changesLane(r)).toBe(true);
  });
});

describe('LanePathCache', () => {
  it('stays bounded when handed route after route on one map, and rebuilds a dropped path the same', () => {
    // a gate on a long-running bridge: every new route was a new entry, kept for ever
    const map = roadMap({ lanes: 2 });
    const cache = new LanePathCache(map, 8);
    const first = cache.get('R0', ['R0']);
    for (let i = 0; i < 100; i++) cache.get('R0', ['R0', `elsewhere-${i}`]);
    expect(cache.size).toBe(8);
    const again = cache.get('R0', ['R0']);
    expect(again).not.toBe(first);
    expect(again?.line.xs).toEqual(first?.line.xs);
  });
});
