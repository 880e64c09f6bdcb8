import { describe, expect, it } from 'vitest';
import { type RoadMapData, RoadMapSchema } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/index.ts';
import { type LaneInput, straightLane } from '../../../core/map/testFixtures.ts';
import { centrelineLanes, correctRoute, PdmRoadblocks, removeRouteLoops } from './PdmRoute.ts';

/**
 * A two-lane road A (A0 right, A1 left) into a two-lane road B (A0 → B0, A1 → B1); B0 leads on
 * into C0, B1 only into an exit X that is off the route.
 */
function splitRoad(extra: LaneInput[] = []): RoadMapData {
  return RoadMapSchema.parse({
    id: 'split',
    lanes: [
      straightLane('A0', { x: 0, y: 0 }, { x: 100, y: 0 }, 15, {
        successors: ['B0'],
        left: { laneId: 'A1', changeAllowed: true },
      }),
      straightLane('A1', { x: 0, y: 3.5 }, { x: 100, y: 3.5 }, 15, {
        successors: ['B1'],
        right: { laneId: 'A0', changeAllowed: true },
      }),
      straightLane('B0', { x: 100, y: 0 }, { x: 200, y: 0 }, 15, {
        successors: ['C0'],
        left: { laneId: 'B1', changeAllowed: true },
      }),
      straightLane('B1', { x: 100, y: 3.5 }, { x: 200, y: 3.5 }, 15, {
        successors: ['X'],
        right: { laneId: 'B0', changeAllowed: true },
      }),
      straightLane('X', { x: 200, y: 3.5 }, { x: 250, y: 40 }, 15),
      straightLane('C0', { x: 200, y: 0 }, { x: 300, y: 0 }, 15),
      ...extra,
    ],
  });
}

function setup(data: RoadMapData, laneIds: string[]) {
  const map = new RoadMap(data);
  const rb = new PdmRoadblocks(map);
  const blocks = rb.routeBlocks(laneIds);
  const set = new Uint8Array(map.lanes.length);
  for (const i of rb.routeLanes(blocks)) set[i] = 1;
  const id = (i: number): string => map.lanes[i]!.data.id;
  const block = (laneId: string): number => rb.blockOf[map.mustLane(laneId).index]!;
  return { map, rb, blocks, set, id, block };
}

describe('PdmRoadblocks', () => {
  it('groups same-direction neighbours into one roadblock and keeps a lane apart from its successor', () => {
    const { rb, block } = setup(splitRoad(), ['A0', 'B0', 'C0']);
    expect(block('A0')).toBe(block('A1'));
    expect(block('B0')).toBe(block('B1'));
    expect(block('A0')).not.toBe(block('B0'));
    expect(rb.outgoing[block('A0')]).toEqual([block('B0')]);
    expect(rb.outgoing[block('B0')]).toEqual([block('C0'), block('X')]);
  });
});

describe('centrelineLanes (dijkstra.py)', () => {
  it('follows successors from the starting lane to the last route roadblock', () => {
    const { map, rb, blocks, set, id } = setup(splitRoad(), ['A0', 'B0', 'C0']);
    const r = centrelineLanes(rb, blocks, set, map.mustLane('A0').index);
    expect(r.found).toBe(true);
    expect(r.lanes.map(id)).toEqual(['A0', 'B0', 'C0']);
  });

  it('ends on the deepest reachable lane when the target roadblock cannot be reached', () => {
    // From A1 the search reaches B1, whose only successor (X) is off the route.
    const { map, rb, blocks, set, id } = setup(splitRoad(), ['A0', 'B0', 'C0']);
    const r = centrelineLanes(rb, blocks, set, map.mustLane('A1').index);
    expect(r.found).toBe(false);
    expect(r.lanes.map(id)).toEqual(['A1', 'B1']);
  });
});

describe('correctRoute (route_utils.py route_roadblock_correction)', () => {
  it('fills in a roadblock missing between two consecutive route roadblocks', () => {
    const { rb, block } = setup(splitRoad(), ['A0', 'C0']);
    const ego = { x: 20, y: 0, headingRad: 0 };
    expect(correctRoute(rb, ego, [block('A0'), block('C0')])).toEqual([
      block('A0'),
      block('B0'),
      block('C0'),
    ]);
  });

  it('reaches the route forward from an off-route start that no route roadblock leads back to', () => {
    // The ego is on a ramp R that merges into B (R → B1): the route's first roadblock (A) has no
    // predecessors, so the forward search from R to one of the first three route roadblocks runs
    // and replaces A and B by R, B.
    const data = splitRoad([
      straightLane('R', { x: 50, y: 30 }, { x: 100, y: 3.5 }, 15, { successors: ['B1'] }),
    ]);
    const { rb, block } = setup(data, ['A0', 'B0', 'C0']);
    const h = Math.atan2(3.5 - 30, 50);
    const ego = { x: 60, y: 30 + (3.5 - 30) * 0.2, headingRad: h };
    const route = [block('A0'), block('B0'), block('C0')];
    expect(correctRoute(rb, ego, route)).toEqual([block('R'), block('B0'), block('C0')]);
  });
});

describe('removeRouteLoops (route_utils.py)', () => {
  it('cuts the route before a junction connector that overlaps an earlier one', () => {
    // Two connectors of junction j cross at (110, 0): E (east) and N (north).
    const data = RoadMapSchema.parse({
      id: 'cross',
      lanes: [
        straightLane('E', { x: 100, y: 0 }, { x: 120, y: 0 }, 10, { junctionId: 'j', roadId: 'e' }),
        straightLane('N', { x: 110, y: -10 }, { x: 110, y: 10 }, 10, { junctionId: 'j', roadId: 'n' }),
        straightLane('W', { x: 0, y: 50 }, { x: 50, y: 50 }, 10),
      ],
    });
    const { rb, block } = setup(data, ['E', 'W', 'N']);
    const route = [block('E'), block('W'), block('N'), block('W')];
    expect(removeRouteLoops(rb, route)).toEqual([block('E'), block('W')]);
    // Without the overlap nothing is cut.
    expect(removeRouteLoops(rb, [block('E'), block('W')])).toEqual([block('E'), block('W')]);
  });
});
