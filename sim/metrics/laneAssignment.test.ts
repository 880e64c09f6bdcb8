import { describe, expect, test } from 'vitest';
import { RoadMapSchema } from '../../core/index.ts';
import { RoadMap } from '../../core/map/RoadMap.ts';
import { straightLane } from '../../core/map/testFixtures.ts';
import { egoTrack } from './egoTrack.ts';
import {
  assignLanes,
  type CornersRoute,
  extractCommonOrConnectingRouteObjs,
  getRoute,
  getRouteSimplified,
  type RouteObjs,
} from './laneAssignment.ts';
import { MetricMap } from './MetricMap.ts';
import { ego, junctionRoad, makeLog, metricMap, straightRoad } from './testFixtures.ts';

const ids = (route: RouteObjs[]): string[][] => route.map((r) => r.map((o) => o.data.id));

function lanesOf(mm: MetricMap, y: number) {
  const track = egoTrack(makeLog([ego(0, 50, y, 5), ego(0.1, 50.5, y, 5), ego(0.2, 51, y, 5)]));
  return assignLanes(mm, track.cx, track.cy, track.corners);
}

/**
 * `in` (x 0→50) splits into connector `ja` (straight to `outA`) and connector `jb` (curving left to
 * `outB`); near x = 50…57 a point on y = 0 lies in both connectors.
 */
function forkMap(): MetricMap {
  const data = RoadMapSchema.parse({
    id: 'fork',
    lanes: [
      straightLane('in', { x: 0, y: 0 }, { x: 50, y: 0 }, 10, { successors: ['ja', 'jb'] }),
      straightLane('ja', { x: 50, y: 0 }, { x: 70, y: 0 }, 10, { successors: ['outA'], junctionId: 'J' }),
      {
        id: 'jb',
        centerline: [
          { x: 50, y: 0 },
          { x: 60, y: 3 },
          { x: 70, y: 10 },
        ],
        widthM: 3.5,
        speedLimitMps: 10,
        successors: ['outB'],
        junctionId: 'J',
      },
      straightLane('outA', { x: 70, y: 0 }, { x: 150, y: 0 }, 10),
      straightLane('outB', { x: 70, y: 10 }, { x: 120, y: 45 }, 10),
    ],
    junctions: [{ id: 'J' }],
  });
  return new MetricMap(new RoadMap(data));
}

describe('lane assignment', () => {
  test('ego centred in one lane is in one lane at every tick', () => {
    const lanes = lanesOf(metricMap(straightRoad()), 0);
    expect(ids(lanes.egoDrivenRoute)).toEqual([['R'], ['R'], ['R']]);
    expect(lanes.cornersRoute[0]!.map((c) => c.map((o) => o.data.id))).toEqual([['R'], ['R'], ['R'], ['R']]);
    expect(lanes.inCommonOrConnected).toEqual([true, true, true]);
  });

  test('ego straddling two lanes is not in one lane', () => {
    const lanes = lanesOf(metricMap(straightRoad()), 1.75);
    // Corners FL, RL on the left lane; RR, FR on the right lane.
    expect(lanes.cornersRoute[1]!.map((c) => c.map((o) => o.data.id))).toEqual([['L'], ['L'], ['R'], ['R']]);
    expect(lanes.inCommonOrConnected).toEqual([false, false, false]);
  });

  test('ego fully off the road is not in one lane (empty set)', () => {
    const mm = metricMap(straightRoad());
    const lanes = lanesOf(mm, -10);
    expect(lanes.inCommonOrConnected).toEqual([false, false, false]);
    expect(extractCommonOrConnectingRouteObjs(mm, lanes.cornersRoute[0]!)?.size).toBe(0);
    expect(ids(lanes.egoDrivenRoute)).toEqual([[], [], []]);
  });

  test('ego with one corner off the road gives null', () => {
    const mm = metricMap(straightRoad());
    const r = mm.map.mustLane('R');
    const corners: CornersRoute = [[r], [r], [], [r]];
    expect(extractCommonOrConnectingRouteObjs(mm, corners)).toBeNull();
  });

  test('ego entering a connector from its incoming lane is in connected objects', () => {
    const mm = metricMap(junctionRoad());
    const inLane = mm.map.mustLane('in');
    const j = mm.map.mustLane('j');
    const corners: CornersRoute = [[j], [inLane], [inLane], [j]];
    expect([...(extractCommonOrConnectingRouteObjs(mm, corners) ?? [])].sort()).toEqual(['in', 'j']);
  });

  test('a single previous lane hands over to its outgoing connector', () => {
    const mm = metricMap(junctionRoad());
    expect(ids(getRoute(mm, [45, 55, 75], [0, 0, 0]))).toEqual([['in'], ['j'], ['out']]);
  });

  test('overlapping connectors are trimmed backwards to the one ego ends up in', () => {
    const mm = forkMap();
    const route = getRoute(mm, [45, 52, 55, 65, 75], [0, 0, 0, 0, 0]);
    expect(ids(route)).toEqual([['in'], ['ja'], ['ja'], ['ja'], ['outA']]);
  });

  test('the simplified route keeps each new object once', () => {
    const mm = metricMap(junctionRoad());
    const route = getRoute(mm, [-5, 45, 46, 55, 56, 75], [0, 0, 0, 0, 0, 0]);
    expect(ids(getRouteSimplified(route))).toEqual([['in'], ['j'], ['out']]);
  });
});
