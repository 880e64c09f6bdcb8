import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { cmd, scene } from '../../stack/testing/safetyScenes.ts';
import { createSafetyGate } from '../SafetyGate.ts';
import type { SafetyParamsInput } from '../SafetyParams.ts';
import { onSeam } from './mapRule.ts';

/**
 * Two lanes side by side (U left of D, both east) whose polygons leave a crack of `gapM` between
 * them at y = 0, as imported lanelets drawn at one mean width do; `neighbours` declares them
 * side by side (U's right is D).
 */
function twoLanes(gapM: number, neighbours = true): RoadMap {
  return new RoadMap(
    RoadMapSchema.parse({
      id: `seam-${gapM}-${neighbours}`,
      lanes: [
        {
          id: 'U',
          centerline: [
            { x: 0, y: 1.5 + gapM / 2 },
            { x: 200, y: 1.5 + gapM / 2 },
          ],
          widthM: 3,
          speedLimitMps: 13.9,
          ...(neighbours ? { right: { laneId: 'D', changeAllowed: true, opposite: false } } : {}),
        },
        {
          id: 'D',
          centerline: [
            { x: 0, y: -1.5 - gapM / 2 },
            { x: 200, y: -1.5 - gapM / 2 },
          ],
          widthM: 3,
          speedLimitMps: 13.9,
          ...(neighbours ? { left: { laneId: 'U', changeAllowed: true, opposite: false } } : {}),
        },
      ],
    }),
  );
}

/** The gate's map.drivableArea decision for a KEEP at 5 m/s with the ego's centre at `y`. */
function drivable(
  map: RoadMap,
  lane: string,
  y: number,
  headingRad?: number,
  params: SafetyParamsInput = {},
): string {
  const sc = scene({ map, lane, s: 50, speed: 5, route: [lane] });
  const ego = { ...sc.snapshot.ego, y, ...(headingRad !== undefined ? { headingRad } : {}) };
  const v = createSafetyGate(params).checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 5 }), {
    ...sc,
    snapshot: { ...sc.snapshot, ego },
  });
  return v.rules.find((r) => r.rule === 'map.drivableArea')!.decision;
}

describe('map.drivableArea: the crack between two lanes declared side by side is road', () => {
  const half = scene({ map: twoLanes(0), lane: 'U', s: 50 }).vehicle.widthM / 2;

  it('a footprint over a 1 cm crack between neighbouring lanes stays on the road', () => {
    // the ego in U with its right side on y = 0, the middle of the crack
    const map = twoLanes(0.01);
    expect(map.isDrivable(50, 0)).toBe(false);
    expect(drivable(map, 'U', half)).toBe('ALLOW');
  });

  it('the same crack between lanes the map does not declare side by side is not', () => {
    // without the edge tolerance, which takes a 1 cm crack for the map's import precision anyway
    expect(drivable(twoLanes(0.01, false), 'U', half, undefined, { drivableEdgeToleranceM: 0 })).not.toBe(
      'ALLOW',
    );
  });

  it("a side that goes beyond the outer edge of the road by more than the map's precision is off it (no metric slack)", () => {
    // U's left edge is at y = 3.005: the ego's left side on it, heading 2° to the left
    const map = twoLanes(0.01);
    expect(drivable(map, 'U', 3.005 - half, 0.035)).not.toBe('ALLOW');
  });

  it('an ego already 5 cm over the edge may drive along it, or back onto the road', () => {
    const map = twoLanes(0.01);
    expect(drivable(map, 'U', 3.055 - half)).toBe('ALLOW');
    expect(drivable(map, 'U', 3.055 - half, -0.0087)).toBe('ALLOW');
  });

  it('an ego already 5 cm over the edge may not drive further off', () => {
    expect(drivable(twoLanes(0.01), 'U', 3.055 - half, 0.087)).not.toBe('ALLOW');
  });

  it('onSeam: only between the two lanes, and only while the crack is narrow', () => {
    const narrow = twoLanes(0.01);
    expect(onSeam(narrow, 50, 0, 0.1)).toBe(true);
    expect(onSeam(narrow, 50, 3.01, 0.1)).toBe(false);
    expect(onSeam(narrow, 50, -3.01, 0.1)).toBe(false);
    // a 0.5 m gap between declared neighbours is a median, not a seam
    expect(onSeam(twoLanes(0.5), 50, 0, 0.1)).toBe(false);
  });
});

describe("map.drivableArea: a corner within the map's import precision of an edge is on the road", () => {
  /**
   * A lane 1 cm wider than the ego, centred under it (its sides 5 mm inside the edges), whose
   * successor, from 0.3 m ahead of the front bumper, is drawn `narrowerM` narrower: the front
   * corners pass (`narrowerM` − 1 cm) / 2 beyond its edges within the first 0.1 s of the roll-out,
   * before any later check could stop short of it.
   */
  function narrowing(narrowerM: number): string {
    const { vehicle } = scene({ map: twoLanes(0), lane: 'U', s: 50 });
    const xStep = 50 + vehicle.lengthM / 2 + 0.3;
    const lane = (id: string, x0: number, x1: number, widthM: number) => ({
      id,
      centerline: [
        { x: x0, y: 0 },
        { x: x1, y: 0 },
      ],
      widthM,
      speedLimitMps: 13.9,
    });
    const map = new RoadMap(
      RoadMapSchema.parse({
        id: `narrowing-${narrowerM}`,
        lanes: [
          { ...lane('A', 0, xStep, vehicle.widthM + 0.01), successors: ['B'] },
          { ...lane('B', xStep, 200, vehicle.widthM + 0.01 - narrowerM), predecessors: ['A'] },
        ],
      }),
    );
    const sc = scene({ map, lane: 'A', s: 50, speed: 5, route: ['A', 'B'] });
    const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 5 }), sc);
    return v.rules.find((r) => r.rule === 'map.drivableArea')!.decision;
  }

  it('a corner 5 mm beyond an imported lane edge stays on the road', () => {
    expect(narrowing(0.02)).toBe('ALLOW');
  });

  it('a corner 0.2 m beyond it is off the road', () => {
    expect(narrowing(0.41)).not.toBe('ALLOW');
  });
});

describe('map.drivableArea: an excursion beyond a stop from the next check is left to later checks', () => {
  // one lane 3 m wide along y = 0 that ends at x = 200 (the road ends there)
  const map = new RoadMap(
    RoadMapSchema.parse({
      id: 'dead-end',
      lanes: [
        {
          id: 'A',
          centerline: [
            { x: 0, y: 0 },
            { x: 200, y: 0 },
          ],
          widthM: 3,
          speedLimitMps: 20,
        },
      ],
    }),
  );
  /** KEEP at 10 m/s with the front bumper `gapM` short of the end of the road. */
  const atGap = (gapM: number) => {
    const sc = scene({ map, lane: 'A', s: 50, speed: 10, route: ['A'] });
    const front = sc.vehicle.rearAxleToCenterM + sc.vehicle.lengthM / 2;
    const ego = { ...sc.snapshot.ego, x: 200 - gapM - front };
    const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 10 }), {
      ...sc,
      snapshot: { ...sc.snapshot, ego },
    });
    return v.rules.find((r) => r.rule === 'map.drivableArea')!.decision;
  };

  it('fails once the ego must brake now to stay on the road', () => {
    // 10 m/s: 16.7 m at 3 m/s² plus the lag and the check's step — 18 m is too close
    expect(atGap(18)).not.toBe('ALLOW');
  });

  it('passes while braking at 3 m/s² from the next check on still stops short of the edge', () => {
    // 35 m ahead: the roll-out (4 s at 10 m/s = 40 m) leaves the road at t+3.6 s
    expect(atGap(35)).toBe('ALLOW');
  });
});

describe('map.drivableArea: a junction polygon is drivable (as the metric counts intersections)', () => {
  /** One lane U (3 m wide, east along y = 1.5); with `paved`, a junction polygon beside its left edge. */
  function withJunction(paved: boolean): RoadMap {
    return new RoadMap(
      RoadMapSchema.parse({
        id: `junction-${paved}`,
        lanes: [
          {
            id: 'U',
            centerline: [
              { x: 0, y: 1.5 },
              { x: 200, y: 1.5 },
            ],
            widthM: 3,
            speedLimitMps: 13.9,
          },
        ],
        junctions: paved
          ? [
              {
                id: 'j',
                polygon: [
                  { x: 40, y: 0 },
                  { x: 120, y: 0 },
                  { x: 120, y: 8 },
                  { x: 40, y: 8 },
                ],
              },
            ]
          : [],
      }),
    );
  }
  const half = scene({ map: withJunction(false), lane: 'U', s: 50 }).vehicle.widthM / 2;

  it("a corner that swings beyond the lane's edge onto the junction's polygon stays on the road", () => {
    // the left side on U's edge (y = 3), heading 2° to the left: it leaves the lane within the roll-out
    expect(drivable(withJunction(false), 'U', 3 - half, 0.035)).not.toBe('ALLOW');
    expect(drivable(withJunction(true), 'U', 3 - half, 0.035)).toBe('ALLOW');
  });
});

/** One straight lane L (east, 600 m) with `limitMps`, posted or not (unposted: advice or a statutory limit). */
function limitLane(limitMps: number, posted: boolean, advisory = false): RoadMap {
  return new RoadMap(
    RoadMapSchema.parse({
      id: `limit-${limitMps}-${posted}`,
      lanes: [
        {
          id: 'L',
          centerline: [
            { x: 0, y: 0 },
            { x: 600, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: limitMps,
          ...(posted ? {} : { speedLimitPosted: false }),
          ...(advisory ? { speedLimitAdvisory: true } : {}),
        },
      ],
    }),
  );
}

/** The gate's speedLimit result for speeding up from 28 to 29.5 m/s on lane L. */
function speedRule(map: RoadMap) {
  const sc = scene({ map, lane: 'L', s: 50, speed: 28, route: ['L'] });
  const v = createSafetyGate().checkCommand(cmd({ speed: 'ACCELERATE', targetSpeedMps: 29.5 }), sc);
  return v.rules.find((r) => r.rule === 'speedLimit')!;
}

describe('speedLimit: a lane that posts no limit', () => {
  // 28.5 m/s (102.6 km/h): posted, a limit; unposted, a statutory limit unless the importer marks
  // it advice (`speedLimitAdvisory`: the Autobahn's 130 km/h Richtgeschwindigkeit, no general limit)
  it('a posted 28.5 m/s limit caps a speed-up to 29.5 m/s', () => {
    const r = speedRule(limitLane(28.5, true));
    expect(r.decision).toBe('MODIFY');
    expect(r.message).toContain('posted limit');
  });

  it('an unposted 130 km/h written 36.11 m/s (the Autobahn recommended speed) marked advisory is advice: no cap, and the verdict says so', () => {
    const sc = scene({ map: limitLane(36.11, false, true), lane: 'L', s: 50, speed: 37, route: ['L'] });
    const v = createSafetyGate().checkCommand(cmd({ speed: 'ACCELERATE', targetSpeedMps: 38.9 }), sc);
    const r = v.rules.find((x) => x.rule === 'speedLimit')!;
    expect(r.decision).toBe('ALLOW');
    expect(r.message).toContain('advisory, not a limit');
    expect(r.values['advisoryMps']).toBe(36.11);
  });

  it('an unposted 28.5 m/s not marked advisory (a USA motorway’s 65 mph) is a statutory limit: it caps', () => {
    // review 10: judged by its speed alone (above 100 km/h) it was taken for advice, no cap at all
    const r = speedRule(limitLane(28.5, false));
    expect(r.decision).toBe('MODIFY');
    expect(r.message).toContain('statutory (no posted limit)');
  });

  it('an unposted 13.9 m/s lane marked advisory still caps: only above 100 km/h can the law set no limit (review 11)', () => {
    const r = speedRule(limitLane(13.9, false, true));
    expect(r.decision).toBe('MODIFY');
    expect(r.message).toContain('statutory (no posted limit)');
  });

  it('an unposted 25 m/s (within the statutory maximum) is the statutory default: it caps, worded as such', () => {
    const r = speedRule(limitLane(25, false));
    expect(r.decision).toBe('MODIFY');
    expect(r.message).toContain('statutory (no posted limit)');
  });
});
