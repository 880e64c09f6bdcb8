import { describe, expect, it } from 'vitest';
import { RoadMapSchema, VehicleParamsSchema, type WorldSnapshot } from '../../core/index.ts';
import { RoadMap, RoutePath } from '../../core/map/index.ts';
import { LOOP_ROUTE, loopMapData, overpassRoad } from '../../core/map/testFixtures.ts';
import { createEnvironmentTransform } from '../../perception/index.ts';
import { NUPLAN_METRIC_PARAMS } from '../../sim/metrics/params.ts';
import { decideLongitudinal } from './LongitudinalAgent.ts';
import { pathMeeting } from './PathEntry.ts';
import { analyseScene, bandOf } from './SceneAnalyst.ts';
import { JUNCTION_ROUTE, junctionMap, onTurn } from './testing/junction.ts';
import { PARAMS } from './testing/views.ts';
import {
  agentLanePaths,
  bendSpeedAt,
  bendSpeedsAlong,
  buildWorldView,
  crossableStretch,
  curveCapAt,
  horizonApproachSq,
  horizonCapAt,
} from './WorldView.ts';

const vehicle = VehicleParamsSchema.parse({});
/**
 * Lane A (east along y = 0, 3.7 m wide: edges at ±1.85) and its right neighbour B (y = −3.7); the
 * route A → B blends its change to the right into the route line, so the line leaves A's centre
 * before the planner commands any change (the ego keeps A's centre on FOLLOW_LANE).
 */
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'a-b',
    lanes: [
      {
        id: 'A',
        centerline: [
          { x: 0, y: 0 },
          { x: 200, y: 0 },
        ],
        widthM: 3.7,
        speedLimitMps: 10,
        right: { laneId: 'B', changeAllowed: true },
        rightBoundary: 'dashed',
      },
      {
        id: 'B',
        centerline: [
          { x: 0, y: -3.7 },
          { x: 200, y: -3.7 },
        ],
        widthM: 3.7,
        speedLimitMps: 10,
        left: { laneId: 'A', changeAllowed: true },
        leftBoundary: 'dashed',
      },
    ],
  }),
);
const route = { laneIds: ['A', 'B'] };
const routePath = RoutePath.build(map, route.laneIds);

/** The view with a static box (4 × 3 m) whose left edge is at y = `leftEdgeY`, 30 m ahead. */
function viewWith(leftEdgeY: number) {
  const env = createEnvironmentTransform(map, {}, vehicle);
  if (!env.ok) throw new Error('perception');
  const snap: WorldSnapshot = {
    tS: 0,
    ego: { tS: 0, x: 20, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents: [
      {
        id: 'box',
        kind: 'static',
        x: 60,
        y: leftEdgeY - 1.5,
        headingRad: 0,
        speedMps: 0,
        lengthM: 4,
        widthM: 3,
      },
    ],
    lights: [],
    route,
  } as WorldSnapshot;
  const scene = env.value.transform(snap, route);
  return buildWorldView(snap, scene.laneGraph, 'car', map, routePath, vehicle, new Map(), 0, 3);
}

describe('world view: objects beside the ego lane', () => {
  it("an object outside the ego's lane, clear of its footprint on the lane centre, does not block it though the route line runs close to it", () => {
    // left edge 0.6 m outside A's right edge: the ego on A's centre (half width 1.15 m) passes
    // 1.3 m from it — more than `nudgeClearanceM`
    const v = viewWith(-2.45);
    const box = v.objects.find((o) => o.id === 'box')!;
    // measured from the route line (drifting towards B) it is in the ego band ...
    expect(bandOf(box, v)).toBe('ego');
    // ... measured across A, where the ego drives, it is beside the lane
    expect(box.laneSpan!.maxM).toBeCloseTo(-2.45, 1);
    expect(analyseScene(v, PARAMS).hazards.map((h) => h.kind)).not.toContain('blocked_lane');
  });

  it('an object that leaves the footprint less than the nudge clearance still blocks the lane', () => {
    // left edge 0.45 m inside A's right edge: 0.25 m from the side of the ego on A's centre
    const v = viewWith(-1.4);
    expect(analyseScene(v, PARAMS).hazards).toContainEqual(
      expect.objectContaining({ kind: 'blocked_lane', agentId: 'box' }),
    );
  });
});

/**
 * A route that passes over itself (an overpass): lane E east along y = 0 to x = 200, then lane L
 * turns back (a U-turn up to y = 100, west, a left quarter turn) and runs south along x = 50, over
 * E at (50, 0) ≈ 586 m of route.
 */
function overpass() {
  const m = new RoadMap(overpassRoad({ eastM: 200, radiusM: 50, topM: 100, stepRad: 0.05, southToYM: -100 }));
  return { m, r: { laneIds: ['E', 'L'] }, path: RoutePath.build(m, ['E', 'L']) };
}

describe('world view: the ego tracked along a route that passes over itself', () => {
  const { m, r, path } = overpass();
  const env = createEnvironmentTransform(m, {}, vehicle);
  if (!env.ok) throw new Error('perception');
  /**
   * The view with the ego on E at x, 0.3 m right of its centre (under the later pass at x = 50),
   * and a car 20 m ahead of it on E.
   */
  const viewAt = (x: number, prevEgoSM: number) => {
    const snap = {
      tS: 0,
      ego: { tS: 0, x, y: -0.3, headingRad: 0, speedMps: 10, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [
        {
          id: 'lead',
          kind: 'vehicle',
          x: x + 20,
          y: 0,
          headingRad: 0,
          speedMps: 10,
          lengthM: 4,
          widthM: 1.8,
        },
      ],
      lights: [],
      route: r,
    } as WorldSnapshot;
    const scene = env.value.transform(snap, r);
    return buildWorldView(
      snap,
      scene.laneGraph,
      'car',
      m,
      path,
      vehicle,
      new Map(),
      0.1,
      3,
      undefined,
      undefined,
      prevEgoSM,
    );
  };

  it('under the later pass the global projection jumps; the tracked arc length follows the ego', () => {
    expect(path.line.project(50, -0.3).sM).toBeGreaterThan(500);
    let s = Number.NaN;
    for (let x = 40; x <= 60; x += 1) {
      s = viewAt(x, s).egoSM;
      expect(s).toBeCloseTo(x, 3);
    }
  });

  it('the car ahead is placed along the ego’s stretch of the route, 20 m on', () => {
    const v = viewAt(50, 49);
    const lead = v.objects.find((o) => o.id === 'lead');
    const frontM = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    // gap from the front bumper to the lead's rear: 20 m − half its length − the ego's front overhang
    expect(lead?.sM).toBeCloseTo(20 - 2 - frontM, 1);
  });
});

describe('world view: the curve cap from the comfort bounds', () => {
  /** One lane: 60 m straight east, then a left arc of radius `radiusM` (90°), limit 20 m/s. */
  const bend = (radiusM: number) => {
    const pts = [{ x: 0, y: 0 }];
    for (let x = 1; x <= 60; x++) pts.push({ x, y: 0 });
    for (let k = 1; k <= 200; k++) {
      const a = (k / 200) * (Math.PI / 2);
      pts.push({ x: 60 + radiusM * Math.sin(a), y: radiusM * (1 - Math.cos(a)) });
    }
    const m = new RoadMap(
      RoadMapSchema.parse({
        id: 'bend',
        lanes: [{ id: 'L', centerline: pts, widthM: 3.5, speedLimitMps: 20 }],
      }),
    );
    return { m, r: RoutePath.build(m, ['L']) };
  };
  const a = PARAMS.curveLatAccelMps2;
  const w = PARAMS.curveYawRateRadps;

  it('a gentle bend is taken at the lateral-acceleration speed, a tight one at the yaw-rate speed', () => {
    const gentle = bend(15);
    const sIn = 60 + (15 * Math.PI) / 4; // the middle of the arc
    expect(bendSpeedAt(gentle.r, gentle.m, sIn, a, w)).toBeCloseTo(Math.sqrt(a * 15), 1);
    const tight = bend(5);
    const sTight = 60 + (5 * Math.PI) / 4;
    // √(a·R) would turn at 0.8 × 4.89 m/s² but above 0.8 × 0.95 rad/s: ω·R instead
    expect(Math.sqrt(a * 5) / 5).toBeGreaterThan(w);
    expect(bendSpeedAt(tight.r, tight.m, sTight, a, w)).toBeCloseTo(w * 5, 1);
    expect(bendSpeedAt(tight.r, tight.m, sTight, a, Number.POSITIVE_INFINITY)).toBeCloseTo(
      Math.sqrt(a * 5),
      1,
    );
  });

  it('the tight bend is approached braking at 2 m/s² to its yaw-rate speed', () => {
    const tight = bend(5);
    const v0 = w * 5;
    // 4 m before the arc (the 4 m window reaches ω·R 2 m into it): the speed from which 2 m/s²
    // brakes to ω·R over 4–8 m
    const cap = curveCapAt(tight.r, tight.m, 56, a, w);
    expect(cap).toBeLessThan(Math.sqrt(v0 * v0 + 2 * 2 * 8));
    expect(cap).toBeGreaterThan(Math.sqrt(v0 * v0 + 2 * 2 * 4));
    // lower than the lateral-acceleration cap alone
    expect(cap).toBeLessThan(curveCapAt(tight.r, tight.m, 56, a, Number.POSITIVE_INFINITY) - 0.2);
    // before the gentle bend the yaw rate does not bind: the lateral-acceleration cap
    const gentle = bend(15);
    expect(curveCapAt(gentle.r, gentle.m, 40, a, w)).toBeCloseTo(
      curveCapAt(gentle.r, gentle.m, 40, a, Number.POSITIVE_INFINITY),
      9,
    );
  });
});

describe('world view: the horizon cap approached braking at a comfortable rate', () => {
  /** One lane: 300 m straight east, then a left arc of radius 15 m (90°), limit 29 m/s (a motorway exit). */
  const pts = [{ x: 0, y: 0 }];
  for (let x = 2; x <= 300; x += 2) pts.push({ x, y: 0 });
  for (let k = 1; k <= 200; k++) {
    const th = (k / 200) * (Math.PI / 2);
    pts.push({ x: 300 + 15 * Math.sin(th), y: 15 * (1 - Math.cos(th)) });
  }
  const m = new RoadMap(
    RoadMapSchema.parse({
      id: 'exit',
      lanes: [{ id: 'L', centerline: pts, widthM: 3.5, speedLimitMps: 29 }],
    }),
  );
  const r = RoutePath.build(m, ['L']);
  const h = {
    latAccelMps2: PARAMS.horizonLatAccelMps2,
    holdS: PARAMS.commandHoldS,
    decelMps2: PARAMS.horizonDecelMps2,
  };
  const w = PARAMS.curveYawRateRadps;
  const capAt = (s: number) => horizonCapAt(r, m, s, 29, h, w);

  it('never falls faster along the approach than braking at horizonDecelMps2 (the hold limit d / 4 s fell at v / 4 s)', () => {
    expect(PARAMS.horizonDecelMps2).toBeLessThanOrEqual(
      0.5 * NUPLAN_METRIC_PARAMS.comfort.maxAbsLatAccelMps2,
    );
    let worst = 0;
    for (let s = 100; s < 300; s += 1) {
      const a = (capAt(s) ** 2 - capAt(s + 1) ** 2) / 2; // the braking that follows the cap over 1 m, m/s²
      worst = Math.max(worst, a);
    }
    expect(worst).toBeLessThanOrEqual(PARAMS.horizonDecelMps2 + 0.05);
    // the hold limit alone asked for ≈ v / 4 s: over 3 m/s² at 14 m/s
    const holdOnly = (s: number) => horizonCapAt(r, m, s, 29, { ...h, decelMps2: 1e6 }, w);
    let worstHold = 0;
    for (let s = 100; s < 300; s += 1)
      worstHold = Math.max(worstHold, (holdOnly(s) ** 2 - holdOnly(s + 1) ** 2) / 2);
    expect(worstHold).toBeGreaterThan(3);
  });

  it('meets the hold limit where the roll-out reaches the bend, and lies at or under it before', () => {
    const c = bendSpeedAt(r, m, 300 + (15 * Math.PI) / 4, h.latAccelMps2, w);
    // within c × 4 s of the arc the roll-out would reach it: the bend speed
    expect(capAt(300 - c * h.holdS + 3)).toBeCloseTo(c, 0);
    for (const d of [40, 60, 80, 120]) {
      const holdLimit = horizonCapAt(r, m, 300 - d, 29, { ...h, decelMps2: 1e6 }, w);
      expect(holdLimit).toBeLessThanOrEqual(Math.max(c, d / h.holdS) + 0.5);
      expect(capAt(300 - d)).toBeLessThanOrEqual(holdLimit + 1e-9);
    }
    // far enough back, the speed limit
    expect(capAt(0)).toBe(29);
  });

  it('horizonApproachSq is the least of max(c, u / T)² + 2a(d − u) over u in [0, d]', () => {
    for (const [c, d, T, a] of [
      [7, 100, 4, 2],
      [7, 20, 4, 2],
      [12, 80, 4, 2],
      [3, 50, 4, 3],
      [10, 30, 2, 1],
    ] as const) {
      let best = Number.POSITIVE_INFINITY;
      for (let u = 0; u <= d; u += d / 4000) best = Math.min(best, Math.max(c, u / T) ** 2 + 2 * a * (d - u));
      expect(horizonApproachSq(c, d, T, a)).toBeLessThanOrEqual(best + 1e-9);
      expect(horizonApproachSq(c, d, T, a)).toBeGreaterThan(best - 0.05);
    }
  });
});

describe('world view off the route: the caps read the bends of the lane driven', () => {
  /**
   * The route: lane R, 400 m straight east along y = 0. Lane X, none of the route's, 80 m away: 60 m
   * straight east along y = 80, then a right arc of radius 8 m (90°) and 100 m south; limit 20 m/s.
   */
  const pts = [{ x: 0, y: 80 }];
  for (let x = 2; x <= 60; x += 2) pts.push({ x, y: 80 });
  for (let k = 1; k <= 100; k++) {
    const th = (k / 100) * (Math.PI / 2);
    pts.push({ x: 60 + 8 * Math.sin(th), y: 80 - 8 * (1 - Math.cos(th)) });
  }
  for (let y = 70; y >= -30; y -= 2) pts.push({ x: 68, y });
  const m = new RoadMap(
    RoadMapSchema.parse({
      id: 'off-route',
      lanes: [
        {
          id: 'R',
          centerline: [
            { x: 0, y: 0 },
            { x: 400, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: 20,
        },
        { id: 'X', centerline: pts, widthM: 3.5, speedLimitMps: 20 },
      ],
    }),
  );
  const r = { laneIds: ['R'] };
  const path = RoutePath.build(m, r.laneIds);
  const env = createEnvironmentTransform(m, {}, vehicle);
  if (!env.ok) throw new Error('perception');
  const h = {
    latAccelMps2: PARAMS.horizonLatAccelMps2,
    holdS: PARAMS.commandHoldS,
    decelMps2: PARAMS.horizonDecelMps2,
  };
  const w = PARAMS.curveYawRateRadps;
  const viewAt = (x: number) => {
    const snap = {
      tS: 0,
      ego: { tS: 0, x, y: 80, headingRad: 0, speedMps: 12, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: r,
    } as WorldSnapshot;
    const scene = env.value.transform(snap, r);
    return buildWorldView(
      snap,
      scene.laneGraph,
      'car',
      m,
      path,
      vehicle,
      new Map(),
      0.1,
      PARAMS.curveLatAccelMps2,
      undefined,
      h,
      Number.NaN,
      w,
    );
  };

  it('in lane X 30 m before its tight bend: curve and horizon caps from that bend, not the straight route', () => {
    const v = viewAt(30);
    expect(v.laneGraph.egoLane?.laneId).toBe('X');
    // the arc allows ω·R (yaw rate binds below a / ω² ≈ 6.8 m… and √(a·R) above it): the lower of the two
    const c = Math.min(Math.sqrt(PARAMS.curveLatAccelMps2 * 8), w * 8);
    // the rear axle is 30 m short of the arc (the 4 m window reads the full curvature 2 m into it):
    // reached braking at 2 m/s² from about 30 m out
    expect(v.curveCapMps).toBeLessThan(Math.sqrt(c * c + 2 * 2 * 34));
    expect(v.curveCapMps).toBeGreaterThan(Math.sqrt(c * c + 2 * 2 * 26));
    expect(v.horizonCapMps!).toBeLessThan(v.curveCapMps);
    // on the route line (straight) neither would bind below the limit
    expect(curveCapAt(path, m, v.egoSM, PARAMS.curveLatAccelMps2, w)).toBe(20);
  });

  it('bendSpeedsAlong reads the arc as the route profile does', () => {
    const line = RoutePath.build(m, ['X']).line;
    const b = bendSpeedsAlong(line, 0, PARAMS.curveLatAccelMps2, w);
    const mid = Math.round((60 + (8 * Math.PI) / 4) / 0.5);
    expect(b[mid]).toBeCloseTo(
      bendSpeedAt(RoutePath.build(m, ['X']), m, 60 + (8 * Math.PI) / 4, PARAMS.curveLatAccelMps2, w),
      1,
    );
    expect(b[20]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('world view: the curve cap bounds', () => {
  it('are 0.8 of the comfort bounds nuPlan scores the ego by (lateral acceleration, yaw rate), the horizon cap the same', () => {
    const c = NUPLAN_METRIC_PARAMS.comfort;
    expect(PARAMS.curveLatAccelMps2).toBeCloseTo(0.8 * c.maxAbsLatAccelMps2, 9);
    expect(PARAMS.curveYawRateRadps).toBeCloseTo(0.8 * c.maxAbsYawRateRadps, 9);
    expect(PARAMS.horizonLatAccelMps2).toBeCloseTo(PARAMS.curveLatAccelMps2, 9);
  });
});

describe('world view on a route that uses a lane twice (a loop)', () => {
  const m = new RoadMap(loopMapData(['LOOP', 'OUT']));
  const r = { laneIds: LOOP_ROUTE };
  const path = RoutePath.build(m, LOOP_ROUTE);
  const env = createEnvironmentTransform(m, {}, vehicle);
  if (!env.ok) throw new Error('perception');
  const secondA = path.pieces.find((p) => p.laneId === 'A' && p.index === 3)!;
  /** The view with the ego on A at x = 160 (40 m short of the fork) and a car on OUT 30 m past it. */
  const viewAt = (prevEgoSM: number, routeIndex: number) => {
    const snap = {
      tS: 0,
      ego: { tS: 0, x: 160, y: 0, headingRad: 0, speedMps: 10, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [
        { id: 'out', kind: 'vehicle', x: 230, y: 0, headingRad: 0, speedMps: 0, lengthM: 4, widthM: 1.8 },
      ],
      lights: [],
      route: r,
    } as WorldSnapshot;
    const scene = env.value.transform(snap, r, 'A', routeIndex);
    return buildWorldView(
      snap,
      scene.laneGraph,
      'car',
      m,
      path,
      vehicle,
      new Map(),
      0.1,
      3,
      undefined,
      undefined,
      prevEgoSM,
    );
  };

  it("on the second pass the ego's own lane path goes out along OUT: the car there is in its lane", () => {
    const v = viewAt(secondA.fromS + 59, 3);
    expect(path.indexAt(v.egoSM)).toBe(3);
    const car = v.objects.find((o) => o.id === 'out')!;
    expect(car.laneSpan!.minM).toBeGreaterThan(-1.5);
    expect(car.laneSpan!.maxM).toBeLessThan(1.5);
  });

  it('on the first pass the own lane path turns into the loop: the car on OUT is off it', () => {
    const v = viewAt(159, 1);
    expect(path.indexAt(v.egoSM)).toBe(1);
    const span = v.objects.find((o) => o.id === 'out')!.laneSpan!;
    expect(Math.min(Math.abs(span.minM), Math.abs(span.maxM))).toBeGreaterThan(5);
  });
});

describe('world view: no faster than the vehicle can go', () => {
  /** One straight lane posted at 48.6 m/s (esmini's velodrome), the ego on it at 20 m/s. */
  const fast = new RoadMap(
    RoadMapSchema.parse({
      id: 'track',
      lanes: [
        {
          id: 'T',
          centerline: [
            { x: 0, y: 0 },
            { x: 1000, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: 48.6,
        },
      ],
    }),
  );
  const viewFor = (v: typeof vehicle) => {
    const env = createEnvironmentTransform(fast, {}, v);
    if (!env.ok) throw new Error('perception');
    const snap = {
      tS: 0,
      ego: { tS: 0, x: 50, y: 0, headingRad: 0, speedMps: 20, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: { laneIds: ['T'] },
    } as WorldSnapshot;
    const scene = env.value.transform(snap, snap.route);
    return buildWorldView(
      snap,
      scene.laneGraph,
      'car',
      fast,
      RoutePath.build(fast, ['T']),
      v,
      new Map(),
      0,
      3,
    );
  };

  it("a road posted above the vehicle's top speed is driven at the top speed (the gate rejects a target above it)", () => {
    expect(vehicle.maxSpeedMps).toBe(30);
    expect(viewFor(vehicle).speedLimitMps).toBe(30);
  });

  it("a route whose last lane leads nowhere ends in a dead end: the front bumper's distance to it", () => {
    const frontM = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    expect(viewFor(vehicle).deadEndM).toBeCloseTo(1000 - 50 - frontM, 6);
  });

  it('a vehicle faster than the posted limit keeps the limit', () => {
    expect(viewFor(VehicleParamsSchema.parse({ maxSpeedMps: 60 })).speedLimitMps).toBeCloseTo(48.6, 9);
  });
});

describe('world view: a route that goes on', () => {
  it('has no dead end when its last lane has a successor', () => {
    const m = new RoadMap(
      RoadMapSchema.parse({
        id: 'on',
        lanes: [
          {
            id: 'P',
            centerline: [
              { x: 0, y: 0 },
              { x: 100, y: 0 },
            ],
            widthM: 3.5,
            speedLimitMps: 10,
            successors: ['Q'],
          },
          {
            id: 'Q',
            centerline: [
              { x: 100, y: 0 },
              { x: 200, y: 0 },
            ],
            widthM: 3.5,
            speedLimitMps: 10,
          },
        ],
      }),
    );
    const env = createEnvironmentTransform(m, {}, vehicle);
    if (!env.ok) throw new Error('perception');
    const snap = {
      tS: 0,
      ego: { tS: 0, x: 20, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: { laneIds: ['P'] },
    } as WorldSnapshot;
    const scene = env.value.transform(snap, snap.route);
    const v = buildWorldView(
      snap,
      scene.laneGraph,
      'car',
      m,
      RoutePath.build(m, ['P']),
      vehicle,
      new Map(),
      0,
      3,
    );
    expect(v.deadEndM).toBeUndefined();
  });
});

describe('world view: the bends past the end of a route that goes on', () => {
  /**
   * Lane P, 100 m straight east along y = 0, limit 15 m/s; its one successor Q turns left on a 14 m
   * radius (90°) and runs 60 m north. The route is P alone (CARLA scenario_runner's routes stop 200 m
   * along the expert's way, often just short of a corner); the ego drives on into Q, as the gate
   * rolls a FOLLOW_LANE out (the route's last lane's first successor).
   */
  const R = 14;
  const q = [{ x: 100, y: 0 }];
  for (let k = 1; k <= 60; k++) {
    const th = (k / 60) * (Math.PI / 2);
    q.push({ x: 100 + R * Math.sin(th), y: R * (1 - Math.cos(th)) });
  }
  for (let y = R + 2; y <= R + 60; y += 2) q.push({ x: 100 + R, y });
  const lanes = (qLine: { x: number; y: number }[]) =>
    new RoadMap(
      RoadMapSchema.parse({
        id: 'past-end',
        lanes: [
          {
            id: 'P',
            centerline: [
              { x: 0, y: 0 },
              { x: 100, y: 0 },
            ],
            widthM: 3.5,
            speedLimitMps: 15,
            successors: ['Q'],
          },
          { id: 'Q', centerline: qLine, widthM: 3.5, speedLimitMps: 15 },
        ],
      }),
    );
  const h = {
    latAccelMps2: PARAMS.horizonLatAccelMps2,
    holdS: PARAMS.commandHoldS,
    decelMps2: PARAMS.horizonDecelMps2,
  };
  const w = PARAMS.curveYawRateRadps;
  const viewOn = (m: RoadMap, x: number) => {
    const env = createEnvironmentTransform(m, {}, vehicle);
    if (!env.ok) throw new Error('perception');
    const snap = {
      tS: 0,
      ego: { tS: 0, x, y: 0, headingRad: 0, speedMps: 11, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: { laneIds: ['P'] },
    } as WorldSnapshot;
    const scene = env.value.transform(snap, snap.route);
    return buildWorldView(
      snap,
      scene.laneGraph,
      'car',
      m,
      RoutePath.build(m, ['P']),
      vehicle,
      new Map(),
      0,
      PARAMS.curveLatAccelMps2,
      undefined,
      h,
      Number.NaN,
      w,
    );
  };

  it('20 m before the route ends at a tight corner: both caps brake for it as for one on the route', () => {
    const v = viewOn(lanes(q), 80);
    const c = Math.min(Math.sqrt(PARAMS.curveLatAccelMps2 * R), w * R);
    // 20 m to the end, where the arc begins (the 4 m window reads its full curvature 2 m in)
    expect(v.curveCapMps).toBeLessThan(Math.sqrt(c * c + 2 * 2 * 24));
    expect(v.curveCapMps).toBeGreaterThan(Math.sqrt(c * c + 2 * 2 * 16));
    expect(v.horizonCapMps!).toBeLessThan(v.curveCapMps);
  });

  it('a straight road past the end lowers neither cap', () => {
    const straight = [
      { x: 100, y: 0 },
      { x: 200, y: 0 },
    ];
    const v = viewOn(lanes(straight), 80);
    expect(v.curveCapMps).toBe(15);
    expect(v.horizonCapMps).toBe(15);
  });

  it('a successor that begins a millimetre behind the end of its lane is joined without a turn back (no bend there)', () => {
    // CARLA Town04 (scenario_runner FollowLeadingVehicle_7): lane 1161_0_1 begins 1.2 mm behind
    // where 50_0_6 ends; kept as a segment, that step back read as a hairpin and braked the ego to
    // 2.1 m/s for a straight road
    const stepBack = [
      { x: 99.999, y: 0.0005 },
      { x: 102, y: 0 },
      { x: 200, y: 0 },
    ];
    const v = viewOn(lanes(stepBack), 80);
    expect(v.curveCapMps).toBe(15);
    expect(v.horizonCapMps).toBe(15);
  });
});

describe('world view: a crossing vehicle’s path follows its lane', () => {
  const jmap = junctionMap();
  const jroute = RoutePath.build(jmap, JUNCTION_ROUTE.laneIds);
  const jenv = createEnvironmentTransform(jmap, {}, vehicle);
  if (!jenv.ok) throw new Error('perception');
  type Agent = WorldSnapshot['agents'][number];
  const car = (
    id: string,
    pose: { x: number; y: number; headingRad: number },
    over: Partial<Agent> = {},
  ): Agent => ({ id, kind: 'vehicle', ...pose, speedMps: 5, lengthM: 4.5, widthM: 1.9, ...over }) as Agent;
  /** The ego at rest with its rear axle at (0, egoY), heading north; `a` listed as crossing `conflictM` ahead. */
  function junctionView(egoY: number, a: Agent, conflictM: number) {
    const snap = {
      tS: 0,
      ego: {
        tS: 0,
        x: 0,
        y: egoY,
        headingRad: Math.PI / 2,
        speedMps: 0,
        accelMps2: 0,
        steerRad: 0,
        yawRateRadps: 0,
      },
      agents: [a],
      lights: [],
      route: JUNCTION_ROUTE,
    } as WorldSnapshot;
    const g = jenv.ok ? jenv.value.transform(snap, JUNCTION_ROUTE).laneGraph : undefined;
    // listed as perception lists a car drifting towards us (hand-built: the path entry is what is tested)
    const laneGraph = {
      ...g!,
      crossing: [
        {
          agentId: a.id,
          kind: a.kind,
          speedMps: a.speedMps,
          distanceM: 10,
          conflictM,
          agentTimeS: 1.5,
          egoTimeS: null,
        },
      ],
    };
    const v = buildWorldView(snap, laneGraph, 'car', jmap, jroute, vehicle, new Map(), 0, 3);
    return { v, snap, o: v.objects.find((x) => x.id === a.id)! };
  }
  /** The yield stop decided for `id`, ahead of the front bumper, m (undefined: no yield). */
  function yieldStopM(v: ReturnType<typeof junctionView>['v'], id: string): number | undefined {
    const yielded = new Map<string, number>();
    const lat = { path: 'FOLLOW_LANE', targetLaneId: null, reason: '' } as const;
    decideLongitudinal(v, analyseScene(v, PARAMS), lat, PARAMS, undefined, yielded);
    const s = yielded.get(id);
    return s === undefined ? undefined : s - (v.egoSM + v.egoFrontM);
  }

  /** Where our footprint would enter the straight strip along the car's heading (no lane path), or undefined. */
  const straightStrip = (v: { egoSM: number }, a: ReturnType<typeof car>) =>
    pathMeeting(
      jroute.line,
      {
        sM: v.egoSM,
        lengthM: vehicle.lengthM,
        widthM: vehicle.widthM,
        rearAxleToCenterM: vehicle.rearAxleToCenterM,
      },
      a,
      30,
      0.3,
    ).entry;

  it('a car turning right away from our road: its lane never meets our footprint, though its heading points across it; the yield stop is not at 0', () => {
    const turner = car('turner', onTurn(20));
    const { v, o } = junctionView(14, turner, 6);
    expect(o.entry).toBeUndefined();
    // the straight strip along its heading would have had us in its path already
    expect(straightStrip(v, turner)?.egoEntryM).toBe(0);
    expect(yieldStopM(v, 'turner')).toBeGreaterThan(3);
  });

  it('a car going straight on across our road along its lane is still yielded to where we enter its path', () => {
    const crosser = car('crosser', { x: 9, y: 15, headingRad: Math.PI });
    const { v, o } = junctionView(8, crosser, 3);
    expect(o.entry).toBeDefined();
    // our front bumper (at y ≈ 12) is 1.7 m from its strip (y ≥ 13.75): entered within a metre or two
    expect(o.entry!.egoEntryM).toBeGreaterThan(0.5);
    expect(o.entry!.egoEntryM).toBeLessThan(3);
    expect(yieldStopM(v, 'crosser')).toBeCloseTo(Math.max(0, o.entry!.egoEntryM - PARAMS.stopMarginM), 6);
  });

  it('before the fork it goes on along the branch turning least (straight across us); an indicator adds its branch, never drops that one', () => {
    const before = { x: 16, y: 15, headingRad: Math.PI };
    expect(agentLanePaths(jmap, car('c', before)).length).toBe(1);
    expect(junctionView(8, car('c', before), 3).o.entry).toBeDefined();
    // a right indicator (a turn away from us, or left on from a lane change): the turn and the
    // straight-on path across us — we still stop short of where we would enter it
    expect(agentLanePaths(jmap, car('c', before, { indicator: 'RIGHT' })).length).toBe(2);
    const right = junctionView(8, car('c', before, { indicator: 'RIGHT' }), 3).o.entry;
    expect(right).toBeDefined();
    expect(right!.egoEntryM).toBeCloseTo(junctionView(8, car('c', before), 3).o.entry!.egoEntryM, 6);
    expect(junctionView(8, car('c', before, { indicator: 'LEFT' }), 3).o.entry).toBeDefined();
  });

  it('a car off its lane centre is swept along the centreline: beside our road, 1.3 m off towards us, its path misses us', () => {
    // on N (x = 3.5, northbound beside our road), 1.3 m left of its centre: with the 0.3 m margin its
    // straight strip reaches x = 0.95, inside our side (x = 1.15), and we drive into it behind it; along
    // N's centre it reaches 2.25
    const beside = car('b', { x: 2.2, y: 40, headingRad: Math.PI / 2 });
    expect(agentLanePaths(jmap, beside)[0]?.dM).toBeCloseTo(1.3, 6);
    const { v, o } = junctionView(30, beside, 3);
    expect(o.entry).toBeUndefined();
    expect(straightStrip(v, beside)).toBeDefined();
  });

  it('a turn that fans out into many short lanes does not crowd out the straight-on path (branches shared per first fork)', () => {
    // S (west → east, 10 m) forks into L (listed first, turning left) and B (straight on, 50 m);
    // L fans out three ways twice within 40 m: 9 branches, more than the cap, all through L
    const lanes: Array<Record<string, unknown>> = [
      {
        id: 'S',
        centerline: [
          { x: 0, y: 0 },
          { x: 10, y: 0 },
        ],
        widthM: 3.5,
        speedLimitMps: 10,
        successors: ['L', 'B'],
      },
      {
        id: 'B',
        centerline: [
          { x: 10, y: 0 },
          { x: 60, y: 0 },
        ],
        widthM: 3.5,
        speedLimitMps: 10,
      },
      {
        id: 'L',
        centerline: [
          { x: 10, y: 0 },
          { x: 13, y: 1 },
          { x: 14, y: 4 },
        ],
        widthM: 3.5,
        speedLimitMps: 10,
        successors: ['L0', 'L1', 'L2'],
      },
    ];
    for (let i = 0; i < 3; i++) {
      const x = 14 + (i - 1) * 2;
      lanes.push({
        id: `L${i}`,
        centerline: [
          { x: 14, y: 4 },
          { x, y: 9 },
        ],
        widthM: 3.5,
        speedLimitMps: 10,
        successors: [0, 1, 2].map((j) => `L${i}${j}`),
      });
      for (let j = 0; j < 3; j++)
        lanes.push({
          id: `L${i}${j}`,
          centerline: [
            { x, y: 9 },
            { x: x + (j - 1) * 2, y: 14 },
          ],
          widthM: 3.5,
          speedLimitMps: 10,
        });
    }
    const fan = new RoadMap(RoadMapSchema.parse({ id: 'fan', lanes }));
    const paths = agentLanePaths(fan, car('c', { x: 5, y: 0, headingRad: 0 }));
    // no indicator: the branch turning least — straight on along B, to x = 60
    expect(paths.length).toBe(1);
    expect(paths[0]!.line.length).toBeCloseTo(60, 6);
  });

  it('a pedestrian, or a car pointing across its lane, keeps the straight strip', () => {
    const p = onTurn(20);
    expect(agentLanePaths(jmap, car('p', p, { kind: 'pedestrian', lengthM: 0.5, widthM: 0.5 }))).toEqual([]);
    expect(agentLanePaths(jmap, car('x', { ...p, headingRad: p.headingRad + 1 }))).toEqual([]);
    expect(junctionView(14, car('x', { ...p, headingRad: p.headingRad + 0.6 }), 6).o.entry).toBeDefined();
  });
});

describe('world view: a vehicle of unknown speed (AgentState.speedKnown false)', () => {
  /** A car 40 m ahead in A at the placeholder speed 0, viewed every 0.1 s for 5 s; its view at the end. */
  function after5S(speedKnown: boolean | undefined) {
    const env = createEnvironmentTransform(map, {}, vehicle);
    if (!env.ok) throw new Error('perception');
    const standing = new Map<string, number>();
    let v: ReturnType<typeof buildWorldView> | undefined;
    for (let k = 0; k <= 50; k++) {
      const tS = k * 0.1;
      const snap = {
        tS,
        ego: { tS, x: 20, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
        agents: [
          {
            id: 'car',
            kind: 'vehicle',
            x: 64,
            y: 0,
            headingRad: 0,
            speedMps: 0,
            lengthM: 4.5,
            widthM: 1.9,
            ...(speedKnown === undefined ? {} : { speedKnown }),
          },
        ],
        lights: [],
        route,
      } as WorldSnapshot;
      const scene = env.value.transform(snap, route);
      v = buildWorldView(snap, scene.laneGraph, 'car', map, routePath, vehicle, standing, k ? 0.1 : 0, 3);
    }
    return v!;
  }

  it('is never counted as standing (a parked blocker to borrow past); measured at 0 it is', () => {
    const unknown = after5S(false);
    // (`isBlocker` takes a vehicle as parked once it has stood for `parkedAfterS`)
    expect(unknown.objects[0]).toMatchObject({ standingS: 0, speedKnown: false });
    expect(after5S(undefined).objects[0]!.standingS).toBeGreaterThanOrEqual(PARAMS.parkedAfterS);
  });

  it('is a lead, not a stopped lead, to the scene analyst', () => {
    const kinds = analyseScene(after5S(false), PARAMS).hazards.map((h) => h.kind);
    expect(kinds).toContain('lead');
    expect(kinds).not.toContain('stopped_lead');
  });
});

describe('world view: how far an agent has moved since first seen (movedM)', () => {
  /** Views every 0.1 s for 6 s of a car 40 m ahead in A that drives at 5 m/s for `driveS`, then stands; with the ids seen at each step. */
  function run(driveS: number, hiddenFromS = Number.POSITIVE_INFINITY, hiddenToS = Number.NEGATIVE_INFINITY) {
    const env = createEnvironmentTransform(map, {}, vehicle);
    if (!env.ok) throw new Error('perception');
    const standing = new Map<string, number>();
    const firstSeen = new Map<string, { xM: number; yM: number }>();
    let v: ReturnType<typeof buildWorldView> | undefined;
    for (let k = 0; k <= 60; k++) {
      const tS = k * 0.1;
      const x = 64 + 5 * Math.min(tS, driveS);
      const hidden = tS >= hiddenFromS && tS < hiddenToS;
      const snap = {
        tS,
        ego: { tS, x: 20, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
        agents: hidden
          ? []
          : [
              {
                id: 'car',
                kind: 'vehicle',
                x,
                y: 0,
                headingRad: 0,
                speedMps: tS < driveS ? 5 : 0,
                lengthM: 4.5,
                widthM: 1.9,
              },
            ],
        lights: [],
        route,
      } as WorldSnapshot;
      const scene = env.value.transform(snap, route);
      v = buildWorldView(
        snap,
        scene.laneGraph,
        'car',
        map,
        routePath,
        vehicle,
        standing,
        k ? 0.1 : 0,
        3,
        undefined,
        undefined,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        firstSeen,
      );
    }
    return v!.objects[0]!;
  }

  it('is the distance from where it was first seen: 0 for a car standing all along, 10 m for one that drove 2 s at 5 m/s', () => {
    expect(run(0).movedM).toBe(0);
    const drove = run(2);
    expect(drove.movedM).toBeCloseTo(10, 9);
    expect(drove.standingS).toBeGreaterThanOrEqual(4); // (and stood since)
  });

  it('starts again for an agent that was out of view (a new sighting)', () => {
    // out of view from 2.5 s to 3 s, after its drive: seen again where it stands
    expect(run(2, 2.5, 3).movedM).toBe(0);
  });

  it('is absent when no sightings are kept', () => {
    const env = createEnvironmentTransform(map, {}, vehicle);
    if (!env.ok) throw new Error('perception');
    const snap = {
      tS: 0,
      ego: { tS: 0, x: 20, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [
        { id: 'car', kind: 'vehicle', x: 64, y: 0, headingRad: 0, speedMps: 0, lengthM: 4.5, widthM: 1.9 },
      ],
      lights: [],
      route,
    } as WorldSnapshot;
    const v = buildWorldView(
      snap,
      env.value.transform(snap, route).laneGraph,
      'car',
      map,
      routePath,
      vehicle,
      new Map(),
      0,
      3,
    );
    expect(v.objects[0]!.movedM).toBeUndefined();
  });
});

describe("world view: the route's next lane change on a route that weaves across one road's lanes", () => {
  // three lanes east along y = 0, 3.5, 7 (R0 right to R2 left); the route R0, R1, R2, R1, R0
  // (CARLA Town04 route 10's 40_0_6, 40_0_5, 40_0_4, 40_0_5, 40_0_6): two moves left, then two right
  const lane = (i: number) => ({
    id: `R${i}`,
    centerline: [
      { x: 0, y: 3.5 * i },
      { x: 900, y: 3.5 * i },
    ],
    widthM: 3.5,
    speedLimitMps: 20,
    ...(i > 0 ? { right: { laneId: `R${i - 1}`, changeAllowed: true }, rightBoundary: 'dashed' } : {}),
    ...(i < 2 ? { left: { laneId: `R${i + 1}`, changeAllowed: true }, leftBoundary: 'dashed' } : {}),
  });
  const m = new RoadMap(RoadMapSchema.parse({ id: 'weave', lanes: [0, 1, 2].map(lane) }));
  const r = { laneIds: ['R0', 'R1', 'R2', 'R1', 'R0'] };
  const path = RoutePath.build(m, r.laneIds);
  const env = createEnvironmentTransform(m, {}, vehicle);
  if (!env.ok) throw new Error('perception');
  /** The view with the ego at the middle of route piece `k`'s stretch, in that piece's lane. */
  const viewIn = (k: number) => {
    const piece = path.pieces[k]!;
    const at = path.line.poseAt((piece.fromS + piece.toS) / 2);
    const y = 3.5 * Number(piece.laneId.slice(1));
    const snap = {
      tS: 0,
      ego: { tS: 0, x: at.x, y, headingRad: 0, speedMps: 15, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: r,
    } as WorldSnapshot;
    const scene = env.value.transform(snap, r);
    return buildWorldView(snap, scene.laneGraph, 'car', m, path, vehicle, new Map(), 0, 3);
  };
  /** The last piece of lane `id` before route piece index `before` (the lane as driven, after its move). */
  const lastPieceOf = (id: string, before = path.pieces.length) => {
    for (let i = before - 1; i >= 0; i--) if (path.pieces[i]!.laneId === id) return i;
    return -1;
  };

  it("in the leftmost lane, the move asked for is the route's next one (right into R1), not its first (left into R1)", () => {
    const k = lastPieceOf('R2');
    const v = viewIn(k);
    expect(v.routeChange).toMatchObject({ fromLaneId: 'R2', laneId: 'R1', side: 'RIGHT' });
  });

  it('in the middle lane on the way out, the next move is left into R2; on the way back, right into R0', () => {
    const out = lastPieceOf('R1', lastPieceOf('R2'));
    expect(viewIn(out).routeChange).toMatchObject({ fromLaneId: 'R1', laneId: 'R2', side: 'LEFT' });
    const back = lastPieceOf('R1');
    expect(back).toBeGreaterThan(out);
    expect(viewIn(back).routeChange).toMatchObject({ fromLaneId: 'R1', laneId: 'R0', side: 'RIGHT' });
  });

  it('in the first lane, the first move (left into R1)', () => {
    expect(viewIn(0).routeChange).toMatchObject({ fromLaneId: 'R0', laneId: 'R1', side: 'LEFT' });
  });
});

describe("world view: the route's lane change inside the stretch its marking lets it cross", () => {
  // A (y = 0) and its right neighbour B (y = −3.5), 102 m east; the line between them broken for
  // 35 m, then solid (CARLA Town06 road 50's 50_0_-5 / 50_0_-6 before a junction); the route A → B
  const marks = (solidFrom: number) => [
    { sM: 0, type: 'broken' as const, crossable: true },
    { sM: solidFrom, type: 'solid' as const, crossable: false },
  ];
  const map = (rightMarks: ReturnType<typeof marks> | undefined) =>
    new RoadMap(
      RoadMapSchema.parse({
        id: 'marks',
        lanes: [
          {
            id: 'A',
            centerline: [
              { x: 0, y: 0 },
              { x: 102, y: 0 },
            ],
            widthM: 3.5,
            speedLimitMps: 15,
            right: { laneId: 'B', changeAllowed: true },
            rightBoundary: 'dashed',
            ...(rightMarks ? { rightMarks } : {}),
          },
          {
            id: 'B',
            centerline: [
              { x: 0, y: -3.5 },
              { x: 102, y: -3.5 },
            ],
            widthM: 3.5,
            speedLimitMps: 15,
            left: { laneId: 'A', changeAllowed: true },
            leftBoundary: 'dashed',
          },
        ],
      }),
    );
  const view = (m: RoadMap, x: number) => {
    const r = { laneIds: ['A', 'B'] };
    const env = createEnvironmentTransform(m, {}, vehicle);
    if (!env.ok) throw new Error('perception');
    const snap = {
      tS: 0,
      ego: { tS: 0, x, y: 0, headingRad: 0, speedMps: 10, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: r,
    } as WorldSnapshot;
    return buildWorldView(
      snap,
      env.value.transform(snap, r).laneGraph,
      'car',
      m,
      RoutePath.build(m, r.laneIds),
      vehicle,
      new Map(),
      0,
      3,
    );
  };

  it('ends the move where the line turns solid, not at the lane end', () => {
    const v = view(map(marks(35)), 5);
    const front = 5 + vehicle.rearAxleToCenterM + vehicle.lengthM / 2; // the front bumper, from the rear axle
    expect(v.routeChange).toMatchObject({ fromLaneId: 'A', laneId: 'B', side: 'RIGHT' });
    expect(v.routeChange!.endM).toBeCloseTo(35 - front, 0);
    // unmarked (or all broken): the whole lane, as before markings were read
    expect(view(map(undefined), 5).routeChange!.endM).toBeCloseTo(102 - front, 0);
  });

  it('says by when the change must be made where the line turns solid (crossBy), and nothing where it does not', () => {
    const v = view(map(marks(35)), 5);
    const front = 5 + vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    expect(v.routeChange!.crossBy).toEqual({ aheadM: expect.closeTo(35 - front, 0), changes: 1 });
    expect(view(map(undefined), 5).routeChange!.crossBy).toBeUndefined();
  });

  it('finds the stretch: the first crossable one ahead, none when all of it is crossable or none ahead is', () => {
    const lane = (rightMarks: ReturnType<typeof marks>) =>
      RoadMapSchema.parse({
        id: 'x',
        lanes: [
          {
            id: 'L',
            centerline: [
              { x: 0, y: 0 },
              { x: 100, y: 0 },
            ],
            widthM: 3.5,
            speedLimitMps: 10,
            rightMarks,
          },
        ],
      }).lanes[0]!;
    expect(crossableStretch(lane(marks(35)), 'right', 0, 100)).toEqual({ fromM: 0, toM: 35 });
    expect(crossableStretch(lane(marks(35)), 'right', 40, 100)).toBeUndefined();
    const solidThenBroken = [
      { sM: 0, type: 'solid' as const },
      { sM: 20, type: 'broken' as const },
      { sM: 60, type: 'broken' as const },
      { sM: 80, type: 'solid' as const },
    ];
    expect(crossableStretch(lane(solidThenBroken as never), 'right', 0, 100)).toEqual({ fromM: 20, toM: 80 });
    expect(
      crossableStretch(lane([{ sM: 0, type: 'broken' as const }] as never), 'right', 0, 100),
    ).toBeUndefined();
  });
});

describe('route change on a connector piece shorter than the change (CARLA Town06 764_2_-5 into 764_2_-6)', () => {
  const lane = (id: string, y: number, x0: number, x1: number, extra: object) => ({
    id,
    centerline: [
      { x: x0, y },
      { x: x1, y },
    ],
    widthM: 3.5,
    speedLimitMps: 10,
    ...extra,
  });
  /** A and A2 (x 0 → 12, the change's piece) run on into X and X2 (x 12 → 140), broken lines between. */
  const m = new RoadMap(
    RoadMapSchema.parse({
      id: 'short-piece',
      lanes: [
        lane('A', 0, 0, 12, {
          successors: ['X'],
          right: { laneId: 'A2', changeAllowed: true },
          rightBoundary: 'dashed',
        }),
        lane('A2', -3.5, 0, 12, {
          successors: ['X2'],
          left: { laneId: 'A', changeAllowed: true },
          leftBoundary: 'dashed',
        }),
        lane('X', 0, 12, 140, {
          predecessors: ['A'],
          right: { laneId: 'X2', changeAllowed: true },
          rightBoundary: 'dashed',
        }),
        lane('X2', -3.5, 12, 140, {
          predecessors: ['A2'],
          left: { laneId: 'X', changeAllowed: true },
          leftBoundary: 'dashed',
        }),
      ],
    }),
  );
  const r = { laneIds: ['A', 'A2', 'X2'] };
  const env = createEnvironmentTransform(m, {}, vehicle);
  if (!env.ok) throw new Error('perception');
  /** The view with the ego's rear axle at (x, −1), turned 0.1 rad right, in lane `on` (the lane graph's ego lane). */
  const viewOn = (x: number, on: string) => {
    const snap = {
      tS: 0,
      ego: { tS: 0, x, y: -1, headingRad: -0.1, speedMps: 6, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: r,
    } as WorldSnapshot;
    const g = env.value.transform(snap, r).laneGraph;
    const l = m.mustLane(on);
    const f = l.line.project(x, -1);
    const laneGraph = {
      ...g,
      egoLane: { ...g.egoLane!, laneId: on, sM: f.sM, dM: f.dM, onRoute: r.laneIds.includes(on) },
    };
    return buildWorldView(snap, laneGraph, 'car', m, RoutePath.build(m, r.laneIds), vehicle, new Map(), 0, 3);
  };

  it('goes on with the change while the ego is on its lane, the front bumper past the lane’s end', () => {
    // rear axle at 10 m: the front bumper ≈ 3.9 m on, past A's end at 12 m
    expect(viewOn(10, 'A').routeChange).toMatchObject({ fromLaneId: 'A', laneId: 'A2', side: 'RIGHT' });
  });

  it('off the route beside it (the piece passed half-way over), moves back into the route from its own lane', () => {
    const v = viewOn(20, 'X');
    expect(v.routeChange).toMatchObject({ fromLaneId: 'X', laneId: 'X2', side: 'RIGHT' });
    // the whole of X's line may be crossed: the stretch is the lane, from the front bumper back
    const front = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    expect(v.routeChange!.startM).toBeCloseTo(-(8 + front), 0);
  });

  it('on the route, no move back', () => {
    expect(viewOn(20, 'X2').routeChange).toBeUndefined();
  });
});
