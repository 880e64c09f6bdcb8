import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { FORK_ROUTE, forkMapData, LOOP_ROUTE, loopMapData } from '../core/map/testFixtures.ts';
import { intersection } from '../scenarios/builtin/index.ts';
import { LaneGraphBuilder } from './LaneGraphBuilder.ts';
import { PerceptionParamsSchema } from './PerceptionParams.ts';
import { agent, pocketJunction, snapshot, straightRoad } from './testing/scenes.ts';

// Ego rear axle at (0, 0) heading +x at 10 m/s on R0 (s = 100). Pacifica: front bumper 1.461 +
// 5.176/2 = 4.049 m ahead of the rear axle, half length 2.588 m, half width 1.1485 m.
const params = PerceptionParamsSchema.parse({});
const map = straightRoad();
const build = (agents = [] as ReturnType<typeof agent>[], extra = {}, p = params) => {
  const snap = snapshot(0, 0, 0, 10, agents, extra);
  return new LaneGraphBuilder(map, p).build(snap, snap.route);
};

describe('LaneGraphBuilder relations', () => {
  it('ego lane: R0 at s = 100, on the route', () => {
    const g = build();
    expect(g.egoLane).toMatchObject({ laneId: 'R0', sM: 100, dM: 0, onRoute: true, type: 'driving' });
  });

  it('neighbours: R1 on the left (change allowed), nothing on the right', () => {
    const g = build();
    expect(g.left).toEqual({ laneId: 'R1', changeAllowed: true, opposite: false });
    expect(g.right).toBeNull();
  });

  it('neighbours: from R1 the oncoming O0 is opposite and may not be entered', () => {
    const snap = snapshot(0, 4, 0, 10, [], { route: { laneIds: ['R1'] } });
    const g = new LaneGraphBuilder(map, params).build(snap, snap.route);
    expect(g.left).toEqual({ laneId: 'O0', changeAllowed: false, opposite: true });
    expect(g.right).toEqual({ laneId: 'R0', changeAllowed: true, opposite: false });
  });

  it('lanes within the radius, nearest first, ties by id (N0 starts 100 m away: out)', () => {
    const g = build();
    expect(g.lanes.map((l) => [l.laneId, l.distanceM])).toEqual([
      ['R0', 0],
      ['R1', 4],
      ['SW', 4],
      ['O0', 8],
    ]);
  });

  it('successors along the route up to the look-ahead, distances from the front bumper', () => {
    expect(build().successors.map((s) => [s.laneId, s.startM])).toEqual([['N0', 95.95]]); // 100 − 4.049
    const far = build([], {}, PerceptionParamsSchema.parse({ lookaheadM: 250 }));
    expect(far.successors.map((s) => [s.laneId, s.relation, s.startM])).toEqual([
      ['N0', 'successor', 95.95],
      ['JN0', 'successor', 195.95],
    ]);
  });

  it('next junction: J at 195.95 m when within the look-ahead, else none', () => {
    expect(build().nextJunction).toBeNull();
    const far = build([], {}, PerceptionParamsSchema.parse({ lookaheadM: 250 }));
    expect(far.nextJunction).toEqual({ junctionId: 'J', distanceM: 195.95 });
  });

  it('next stop line: 108 − 100 − 4.049 = 3.95 m, with the lane signal', () => {
    expect(build().nextStopLine).toEqual({
      id: 'SL',
      laneId: 'R0',
      distanceM: 3.95,
      kind: 'signal',
      signal: 'NONE',
    });
    const red = build([], { lights: [{ laneId: 'R0', state: 'RED' }] });
    expect(red.nextStopLine?.signal).toBe('RED');
  });

  it('next crosswalk: the centreline enters CW at x = 10, 110 − 104.049 = 5.95 m ahead', () => {
    expect(build().nextCrosswalk).toEqual({ id: 'CW', distanceM: 5.95 });
  });

  it('lead in the ego lane: nearest ahead, gap 23.7 m, TTC 23.70 / 5 = 4.74 s', () => {
    // car centre 30 m ahead: 30 − 1.461 − 2.588 − 2.25 = 23.701 m
    const g = build([agent('far', 'vehicle', 60, 0, 0, 5), agent('lead', 'vehicle', 30, 0, 0, 5)]);
    expect(g.ego?.lead).toEqual({
      agentId: 'lead',
      kind: 'vehicle',
      gapM: 23.7,
      speedMps: 5,
      relSpeedMps: -5,
      ttcS: 4.74,
    });
  });

  it('a box standing across the lane: the gap is to its near side, half its width away, not half its length', () => {
    // a 2 × 1 m box centred 20 m ahead, its length across the lane (heading ±90°): its near side
    // is 0.5 m before its centre, 20 − 1.461 − 2.588 − 0.5 = 15.451 m (CARLA Slalom's cones:
    // read 0.5 m nearer, the ego stood that far short of its stop)
    for (const h of [Math.PI / 2, -Math.PI / 2]) {
      const g = build([agent('box', 'static', 20, 0, h, 0, 2, 1)]);
      expect(g.ego?.lead?.gapM).toBeCloseTo(15.45, 2);
    }
    // along the lane, half its length; at 30°, the box's corner: (2 cos 30° + 1 sin 30°)/2 = 1.116, 14.835 m
    expect(build([agent('box', 'static', 20, 0, 0, 0, 2, 1)]).ego?.lead?.gapM).toBeCloseTo(14.95, 2);
    expect(build([agent('box', 'static', 20, 0, Math.PI / 6, 0, 2, 1)]).ego?.lead?.gapM).toBeCloseTo(
      14.835,
      1,
    );
  });

  it('the lead gap is the same on a lane sampled every metre as on the plain line, wherever the car stands', () => {
    // A lane sampled every metre (CARLA's OpenDRIVE) is projected chunk by chunk (17 vertices); a
    // chunk whose window ends at a car's s clamps its projection to its end vertex, with the
    // perpendicular offset of the line: as near by that offset as the chunk holding the car. The
    // one met first won: CARLA StoryAddEntityAction read a lead 1.59 m behind a stopped car as
    // 3.26 m (s 112.00, the chunk edge, for 110.33) and the ego stood 0.7 m from it thinking 2.4
    const data = straightRoad().data;
    const dense = {
      ...data,
      lanes: data.lanes.map((l) =>
        l.id === 'R0'
          ? { ...l, centerline: Array.from({ length: 201 }, (_, i) => ({ x: -100 + i, y: 0 })) }
          : l,
      ),
    };
    const denseMap = new RoadMap(RoadMapSchema.parse(dense));
    for (let x = 6; x <= 60; x += 0.25) {
      const cars = [agent('lead', 'vehicle', x, 0.25, 0, 0)];
      const snap = snapshot(0, 0, 0, 0, cars);
      const plain = new LaneGraphBuilder(map, params).build(snap, snap.route).ego?.lead?.gapM;
      const got = new LaneGraphBuilder(denseMap, params).build(snap, snap.route).ego?.lead?.gapM;
      expect(plain).toBeCloseTo(x - 1.461 - 2.588 - 2.25, 1);
      expect(got, `car at x = ${x}`).toBeCloseTo(plain!, 1);
    }
  });

  it('follow in the ego lane: gap 16.62 m, closing 2 m/s, TTC 8.31 s', () => {
    // 20 + 1.461 − 2.588 − 2.25 = 16.623 m
    const g = build([agent('tail', 'vehicle', -20, 0, 0, 12)]);
    expect(g.ego?.follow).toMatchObject({ agentId: 'tail', gapM: 16.62, relSpeedMps: 2, ttcS: 8.31 });
    expect(g.ego?.lead).toBeNull();
  });

  it('a faster car over our footprint (come through from behind) is no lead; the one beyond it is; a slower one is', () => {
    // centre 3 m ahead of the rear axle, 1.54 m ahead of ours: gap 1.54 − 2.588 − 2.25 < 0
    const passing = build([agent('through', 'vehicle', 3, 0, 0, 14), agent('lead', 'vehicle', 30, 0, 0, 5)]);
    expect(passing.ego?.lead?.agentId).toBe('lead');
    const slower = build([agent('into', 'vehicle', 3, 0, 0, 5), agent('lead', 'vehicle', 30, 0, 0, 5)]);
    expect(slower.ego?.lead).toMatchObject({ agentId: 'into', gapM: -3.3 });
    // a faster car whose rear our front is in (centre 3.5 m ahead of ours, beyond our front at
    // 2.588 m): we are in it, it did not come through us — it stays the lead
    const ahead = build([agent('ahead', 'vehicle', 4.96, 0, 0, 14), agent('lead', 'vehicle', 30, 0, 0, 5)]);
    expect(ahead.ego?.lead?.agentId).toBe('ahead');
  });

  it('lead in a successor lane counts (gap 103.7 m)', () => {
    const g = build([agent('next', 'vehicle', 110, 0)]);
    expect(g.ego?.lead).toMatchObject({ agentId: 'next', gapM: 103.7, ttcS: 10.37 });
  });

  it('lead in the left lane at equal speed: not closing, TTC null', () => {
    const g = build([agent('l', 'vehicle', 10, 4, 0, 10)]);
    expect(g.leftSlot?.laneId).toBe('R1');
    expect(g.leftSlot?.lead).toMatchObject({ agentId: 'l', gapM: 3.7, relSpeedMps: 0, ttcS: null });
    expect(g.ego?.lead).toBeNull();
    expect(g.rightSlot).toBeNull();
  });

  it('crossing: a pedestrian walking into the corridor, conflict 15.95 m ahead at 2.75 s', () => {
    // corridor half width 1.1485 + 0.3 + 0.5 = 1.9485 m; y = −6 + 1.5 t ≥ −1.9485 from t = 2.70 s,
    // sampled every 0.25 s → 2.75 s. Conflict s: 120 − 104.049 = 15.951 m; ego there in 1.6 s.
    const g = build([agent('ped', 'pedestrian', 20, -6, Math.PI / 2, 1.5)]);
    expect(g.crossing).toEqual([
      {
        agentId: 'ped',
        kind: 'pedestrian',
        speedMps: 1.5,
        distanceM: 20.88,
        conflictM: 15.95,
        agentTimeS: 2.75,
        egoTimeS: 1.6,
      },
    ]);
  });

  it('crossing: parallel walkers, oncoming traffic and traffic in our own lane are not crossing', () => {
    const g = build([
      agent('stroll', 'pedestrian', 20, -6, 0, 1.5),
      agent('oncoming', 'vehicle', 40, 8, Math.PI, 10),
      agent('lead', 'vehicle', 30, 0, 0, 5),
      agent('second', 'vehicle', 45, 0, 0, 5), // behind the lead, same lane
      agent('tail', 'vehicle', -20, 0, 0, 14), // a follower catching up
    ]);
    expect(g.crossing).toEqual([]);
  });

  it('crossing: dropped when the agent arrives after we have cleared the point (2 s), kept when we are stopped', () => {
    // y = −16 + 3 t reaches −1.9485 at 4.68 s → 4.75 s; ego there at 1.6 s and clear at
    // 1.6 + 5.176 / 10 + 2 = 4.12 s < 4.75 s.
    const late = agent('late', 'pedestrian', 20, -16, Math.PI / 2, 3);
    expect(build([late]).crossing).toEqual([]);
    const snap = snapshot(0, 0, 0, 0, [late]);
    const stopped = new LaneGraphBuilder(map, params).build(snap, snap.route);
    expect(stopped.crossing.map((c) => [c.agentId, c.agentTimeS, c.egoTimeS])).toEqual([
      ['late', 4.75, null],
    ]);
  });

  it('intersection: stop line and junction ahead, signal from the route connector', () => {
    const imap = new RoadMap(intersection());
    const snap = snapshot(1.75, -30, Math.PI / 2, 8, [], {
      route: { laneIds: ['IN3', 'C32', 'OUT2'] },
      lights: [
        { laneId: 'C32', state: 'GREEN' },
        { laneId: 'C31', state: 'RED' },
      ],
    });
    const g = new LaneGraphBuilder(imap, params).build(snap, snap.route);
    // IN3 ends (stop line, junction J0 begins) at y = −14: 16 − 4.049 = 11.95 m.
    expect(g.nextStopLine).toMatchObject({ laneId: 'IN3', distanceM: 11.95, signal: 'GREEN' });
    expect(g.nextJunction).toEqual({ junctionId: 'J0', distanceM: 11.95 });
    expect(g.successors.map((s) => s.laneId)).toEqual(['C32', 'OUT2']);
  });
});

describe("LaneGraphBuilder crossing: predicted along the agents' lanes", () => {
  // Ego rear axle at (0, −30) heading north at 5 m/s on S0, turning left (S0 → SL → W0); corridor
  // half width 1.1485 + 1 + 0.5 = 2.6485 m; front bumper 4.049 m ahead.
  const pmap = pocketJunction();
  const crossing = (a: ReturnType<typeof agent>) => {
    const snap = snapshot(0, -30, Math.PI / 2, 5, [a], { route: { laneIds: ['S0', 'SL', 'W0'] } });
    return new LaneGraphBuilder(pmap, params).build(snap, snap.route).crossing;
  };

  it('a car whose lanes cross ours is crossing: WB → WX meets our turn at (−1.88, 7)', () => {
    // x = 30 − 8t reaches the corridor (|x − path| ≤ 2.65 m about (−1.88, 7) on SL) by t ≈ 3.7 s
    const c = crossing(agent('wb', 'vehicle', 30, 7, Math.PI, 8));
    expect(c.map((x) => x.agentId)).toEqual(['wb']);
    expect(c[0]!.agentTimeS).toBeGreaterThan(3);
    expect(c[0]!.agentTimeS).toBeLessThan(4.5);
  });

  it('a left-turner in the oncoming pocket is no crossing, though its heading points at our path', () => {
    // On N0 at (3, 34), heading 0.06 rad west of south at 8 m/s (sideways 0.48 m/s: lane noise,
    // below the 0.5 m/s of a lane change): straight on, it would reach y = 0 at t = 4.25 s at
    // x = 3 − 8·sin(0.06)·4.25 = 0.96, inside the corridor; along N0 → NL → E0 it stays ≥ 8 m away.
    const h = -Math.PI / 2 - 0.06;
    const along = { x: 3 + 8 * 4.25 * Math.cos(h), y: 34 + 8 * 4.25 * Math.sin(h) };
    expect(Math.abs(along.x)).toBeLessThan(2.6485);
    expect(Math.abs(along.y)).toBeLessThan(0.1);
    expect(crossing(agent('turner', 'vehicle', 3, 34, h, 8))).toEqual([]);
  });

  it('an agent off the lane graph is predicted along its heading', () => {
    // at (−8, −20), no lane within reach, heading east at 5 m/s: x = −8 + 5t enters the corridor
    // (x ≥ −2.65) after 1.07 s → 1.25 s; conflict at y = −20: 10 − 4.049 = 5.95 m, ego there at 1.19 s
    expect(crossing(agent('off', 'vehicle', -8, -20, 0, 5))).toEqual([
      {
        agentId: 'off',
        kind: 'vehicle',
        speedMps: 5,
        distanceM: 12.81,
        conflictM: 5.95,
        agentTimeS: 1.25,
        egoTimeS: 1.19,
      },
    ]);
  });
});

describe('LaneGraphBuilder crossing: a vehicle pulling away is forecast at its acceleration', () => {
  // The pocket junction's ego (as above). A car on WB at (20, 7) heading west at 1 m/s: at constant
  // speed it covers 6 m in the 6 s horizon and stays ≈ 19 m short of our turn's corridor. Pulling
  // away at a sustained 1.5 m/s² (halving every 2.5 s, up to WB's 15 m/s) it covers 22.6 m.
  const pmap = pocketJunction();
  const snap = snapshot(0, -30, Math.PI / 2, 5, [agent('wb', 'vehicle', 20, 7, Math.PI, 1)], {
    route: { laneIds: ['S0', 'SL', 'W0'] },
  });
  const crossing = (accel?: number) =>
    new LaneGraphBuilder(pmap, params).build(
      snap,
      snap.route,
      undefined,
      undefined,
      accel === undefined ? undefined : new Map([['wb', accel]]),
    ).crossing;

  it('pulling away at 1.5 m/s² it is crossing, entering our corridor within the horizon', () => {
    const c = crossing(1.5);
    expect(c.map((x) => x.agentId)).toEqual(['wb']);
    // its front reaches x ≈ 1 (19 m on) when 1·t + 5.41·t − 19.51·(1 − e^(−0.277t)) ≈ 19: t ≈ 5 s
    expect(c[0]!.agentTimeS).toBeGreaterThan(4.5);
    expect(c[0]!.agentTimeS).toBeLessThanOrEqual(6);
  });

  it('at constant speed, braking, or creeping (0.2 m/s², under 0.3) it is not', () => {
    expect(crossing()).toEqual([]);
    expect(crossing(0)).toEqual([]);
    expect(crossing(-2)).toEqual([]);
    expect(crossing(0.2)).toEqual([]);
  });

  it('a walker or a cyclist is forecast at constant velocity whatever its speeds did', () => {
    for (const kind of ['pedestrian', 'cyclist'] as const) {
      const s = snapshot(0, -30, Math.PI / 2, 5, [agent('p', kind, 20, 7, Math.PI, 1)], {
        route: { laneIds: ['S0', 'SL', 'W0'] },
      });
      const g = new LaneGraphBuilder(pmap, params).build(
        s,
        s.route,
        undefined,
        undefined,
        new Map([['p', 1.5]]),
      );
      expect(g.crossing, kind).toEqual([]);
    }
  });
});

/**
 * Two lanes merging behind the ego: P0 (y = 0, x −60..0) → E0 (y = 0, x 0..100), the ego's; Q0
 * (y = 2.5, x −60..0) → E1 (y = 1.5, x 0..100), overlapping E0 (centres 1.5 m apart, as on a map
 * whose lanes overlap where a road widens). All 4 m wide.
 */
function mergeBehind(): RoadMap {
  const l = (id: string, y0: number, y1: number, x0: number, x1: number, more: object) => ({
    id,
    centerline: [
      { x: x0, y: y0 },
      { x: x1, y: y1 },
    ],
    widthM: 4,
    speedLimitMps: 15,
    ...more,
  });
  return new RoadMap(
    RoadMapSchema.parse({
      id: 'merge-behind',
      lanes: [
        l('P0', 0, 0, -60, 0, { successors: ['E0'] }),
        l('E0', 0, 0, 0, 100, { predecessors: ['P0'] }),
        l('Q0', 2.5, 2.5, -60, 0, { successors: ['E1'] }),
        l('E1', 1.5, 1.5, 0, 100, { predecessors: ['Q0'] }),
      ],
    }),
  );
}

describe('LaneGraphBuilder: a vehicle wholly behind us in our path is a follower, not a crossing', () => {
  // Ego rear axle at (20, 0) on E0 heading east at 10 m/s (rear bumper 2.588 − 1.461 = 1.127 m
  // behind the axle). A car at (−5, 2.0) on Q0 (0.5 m from its centre, 2.0 m from P0's), heading
  // east at 14.5 m/s: located on Q0, not our chain, and its path Q0 → E1 runs 1.5 m beside our line,
  // inside the corridor (2.65 m): it "enters our path" ahead. Its body (2 m) overlaps ours (2.297 m)
  // by 2.15 − 2.0 across: it is behind us in our path.
  const m = mergeBehind();
  const route = { laneIds: ['E0'] };
  const build = (a: ReturnType<typeof agent>) => {
    const snap = snapshot(20, 0, 0, 10, [a], { route });
    return new LaneGraphBuilder(m, params).build(snap, route);
  };

  it('25 m behind at 14.5 m/s: no crossing, the follower at gap 20 + 1.461 − 2.588 + 5 − 2.25 = 21.62 m', () => {
    const g = build(agent('cr', 'vehicle', -5, 2.0, 0, 14.5));
    expect(g.crossing).toEqual([]);
    expect(g.ego?.follow).toMatchObject({ agentId: 'cr', gapM: 21.62, speedMps: 14.5, relSpeedMps: 4.5 });
  });

  it('the same car alongside (its front past our rear bumper) stays crossing; 2.5 m across (no overlap) too', () => {
    expect(build(agent('cr', 'vehicle', 18, 2.0, 0, 14.5)).crossing.map((c) => c.agentId)).toEqual(['cr']);
    const apart = build(agent('cr', 'vehicle', -5, 2.5, 0, 14.5));
    expect(apart.crossing.map((c) => c.agentId)).toEqual(['cr']);
    expect(apart.ego?.follow).toBeNull();
  });
});

/**
 * A route that loops back over itself, the same way (a spiral ramp, one level over the other): A
 * east along y = 0 to x = 100, B turns up and back west at y = 40 and down again, C east along
 * y = 0 from x = −20, over A in plan for x ∈ [0, 100].
 */
function spiral(): RoadMap {
  const b: { x: number; y: number }[] = [];
  for (let a = -Math.PI / 2; a < Math.PI / 2; a += 0.1)
    b.push({ x: 100 + 20 * Math.cos(a), y: 20 + 20 * Math.sin(a) });
  for (let x = 100; x > -20; x -= 10) b.push({ x, y: 40 });
  for (let a = Math.PI / 2; a < 1.5 * Math.PI; a += 0.1)
    b.push({ x: -20 + 20 * Math.cos(a), y: 20 + 20 * Math.sin(a) });
  b.push({ x: -20, y: 0 });
  const lane = (id: string, centerline: { x: number; y: number }[], more: object) => ({
    id,
    centerline,
    widthM: 3.7,
    speedLimitMps: 10,
    ...more,
  });
  return new RoadMap(
    RoadMapSchema.parse({
      id: 'spiral',
      lanes: [
        lane(
          'A',
          [
            { x: 0, y: 0 },
            { x: 100, y: 0 },
          ],
          { successors: ['B'] },
        ),
        lane('B', b, { predecessors: ['A'], successors: ['C'] }),
        lane(
          'C',
          [
            { x: -20, y: 0 },
            { x: 100, y: 0 },
          ],
          { predecessors: ['B'] },
        ),
      ],
    }),
  );
}

describe('LaneGraphBuilder: the ego lane where the route passes over itself', () => {
  const m = spiral();
  const route = { laneIds: ['A', 'B', 'C'] };
  const snap = snapshot(50, 0.2, 0, 10, [], { route });

  it('coming off the loop (B) the ego is on C, the level continuous with it, not A below', () => {
    const g = new LaneGraphBuilder(m, params).build(snap, route, 'B');
    expect(g.egoLane).toMatchObject({ laneId: 'C', sM: 70 });
  });

  it('before the loop (A) the ego stays on A', () => {
    const g = new LaneGraphBuilder(m, params).build(snap, route, 'A');
    expect(g.egoLane).toMatchObject({ laneId: 'A', sM: 50 });
  });

  it('a previous lane that no longer holds the ego is not kept (re-localised on the route)', () => {
    const far = snapshot(-10, 0, 0, 10, [], { route });
    const g = new LaneGraphBuilder(m, params).build(far, route, 'A');
    expect(g.egoLane?.laneId).toBe('C');
  });
});

describe('LaneGraphBuilder: a route that uses a lane twice (a loop)', () => {
  const m = new RoadMap(loopMapData(['LOOP', 'OUT']));
  const route = { laneIds: LOOP_ROUTE };
  // on A 40 m short of the fork; a car stands on OUT 30 m past it
  const snap = snapshot(160, 0, 0, 10, [agent('out', 'vehicle', 230, 0)], { route });

  it('on the second pass (route position 3) the chain ahead goes out, and the car on OUT is the lead', () => {
    const g = new LaneGraphBuilder(m, params).build(snap, route, 'A', 3);
    expect(g.egoLane?.laneId).toBe('A');
    expect(g.successors.map((s) => s.laneId)).toEqual(['OUT']);
    expect(g.ego?.lead?.agentId).toBe('out');
  });

  it('on the first pass (route position 1) it goes round the loop, with no lead', () => {
    const g = new LaneGraphBuilder(m, params).build(snap, route, 'A', 1);
    expect(g.successors[0]?.laneId).toBe('LOOP');
    expect(g.ego?.lead).toBeNull();
  });
});

describe('LaneGraphBuilder: the ego lane where the route turns at a junction it goes straight through on another pass', () => {
  const m = new RoadMap(forkMapData());
  const route = { laneIds: FORK_ROUTE };
  // 1.5 m into the junction, on both S (straight on) and T (the turn's first section), coming off A
  const snap = snapshot(101.5, 0, 0, 8, [], { route });

  it('is the lane the route takes next from A at the route position: T on the turning pass, S on the straight one', () => {
    expect(new LaneGraphBuilder(m, params).build(snap, route, 'A', 5).egoLane?.laneId).toBe('T');
    expect(new LaneGraphBuilder(m, params).build(snap, route, 'A', 8).egoLane?.laneId).toBe('S');
  });
});
