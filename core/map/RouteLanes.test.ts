import { describe, expect, it } from 'vitest';
import { RoadMap } from './RoadMap.ts';
import { appendLaneLine, nextRouteLane, routeIndexOf, routeLanesAfter } from './RouteLanes.ts';
import { RoutePath } from './RoutePath.ts';
import { FORK_ROUTE, LOOP_ROUTE, loopMapData } from './testFixtures.ts';

describe('route lanes used more than once', () => {
  it('finds the occurrence of a lane nearest a route position (the first without one)', () => {
    expect(routeIndexOf(LOOP_ROUTE, 'A')).toBe(1);
    expect(routeIndexOf(LOOP_ROUTE, 'A', 0)).toBe(1);
    expect(routeIndexOf(LOOP_ROUTE, 'A', 2.9)).toBe(3);
    expect(routeIndexOf(LOOP_ROUTE, 'A', 4)).toBe(3);
    // equally near both: the later
    expect(routeIndexOf(LOOP_ROUTE, 'A', 2)).toBe(3);
    expect(routeIndexOf(LOOP_ROUTE, 'A', Number.NaN)).toBe(1);
    expect(routeIndexOf(LOOP_ROUTE, 'X', 2)).toBe(-1);
  });

  it("takes the route's next lane after the occurrence it stands at, whatever the successor order", () => {
    for (const succ of [
      ['LOOP', 'OUT'],
      ['OUT', 'LOOP'],
    ]) {
      expect(nextRouteLane(LOOP_ROUTE, succ, 1)).toEqual({ laneId: 'LOOP', index: 2 });
      expect(nextRouteLane(LOOP_ROUTE, succ, 3)).toEqual({ laneId: 'OUT', index: 4 });
    }
    // off the route: the successor the route takes first; none on it: the first successor
    expect(nextRouteLane(LOOP_ROUTE, ['OUT', 'LOOP'], -1)).toEqual({ laneId: 'LOOP', index: 2 });
    expect(nextRouteLane(LOOP_ROUTE, ['X', 'Y'], 1)).toEqual({ laneId: 'X', index: -1 });
    expect(nextRouteLane(LOOP_ROUTE, [], 1)).toBeUndefined();
  });

  it('tells the route position along the reference path (which pass over a lane used twice)', () => {
    const map = new RoadMap(loopMapData());
    const route = RoutePath.build(map, LOOP_ROUTE);
    const loopLen = map.mustLane('LOOP').line.length;
    expect(route.indexAt(150)).toBe(1);
    expect(route.indexAt(200 + loopLen / 2)).toBe(2);
    expect(route.indexAt(200 + loopLen + 50)).toBe(3);
    expect(route.indexAt(200 + loopLen + 150)).toBe(4);
  });

  it("tracks the ego's arc length onto the second pass over a lane the route uses twice", () => {
    const map = new RoadMap(loopMapData());
    const route = RoutePath.build(map, LOOP_ROUTE);
    const pose = { x: 0, y: 0, headingRad: 0 };
    let s = Number.NaN;
    for (let k = 0; k <= 600; k++) {
      route.line.poseAt(50 + k, pose);
      s = route.trackS({ ...pose, speedMps: 10 }, s, 0.1);
    }
    expect(s).toBeCloseTo(650, 0);
    expect(route.indexAt(s)).toBe(4);
  });
});

describe('the route lanes after a lane at a route position', () => {
  it('are the lanes the route drives next from the occurrence nearest it (none off the route)', () => {
    expect(routeLanesAfter(FORK_ROUTE, 'A', 1)).toEqual(['S', 'OUT']);
    expect(routeLanesAfter(FORK_ROUTE, 'A', 6)).toEqual(['T', 'TURN']);
    expect(routeLanesAfter(FORK_ROUTE, 'A', 9)).toEqual(['S', 'OUT']);
    expect(routeLanesAfter(FORK_ROUTE, 'S', 9, 3)).toEqual(['OUT']);
    expect(routeLanesAfter(FORK_ROUTE, 'X', 2)).toEqual([]);
  });
});

describe('appendLaneLine', () => {
  const line = (pts: [number, number][]) => ({ xs: pts.map((p) => p[0]), ys: pts.map((p) => p[1]) });

  it('joins a lane that begins a millimetre behind the end of the path, without the step back', () => {
    // CARLA Town04: 1161_0_1 begins 1.2 mm behind the end of 50_0_6 — kept, the step reads as a hairpin
    const pts: { x: number; y: number }[] = [];
    appendLaneLine(
      pts,
      line([
        [0, 0],
        [10, 0],
      ]),
    );
    appendLaneLine(
      pts,
      line([
        [9.9988, 0],
        [20, 0],
      ]),
    );
    expect(pts.map((p) => p.x)).toEqual([0, 10, 20]);
  });

  it('keeps a lane start beyond the join gap (a real gap in the map), and inner points however close', () => {
    const pts: { x: number; y: number }[] = [];
    appendLaneLine(
      pts,
      line([
        [0, 0],
        [10, 0],
      ]),
    );
    appendLaneLine(
      pts,
      line([
        [10.2, 0],
        [10.21, 0],
        [20, 0],
      ]),
    );
    expect(pts.map((p) => p.x)).toEqual([0, 10, 10.2, 10.21, 20]);
  });
});
