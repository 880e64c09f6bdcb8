/**
 * What the map says of the road a lane belongs to: the side traffic keeps to and the road's class
 * (in town or out of it). Read by the minimal-risk stop (which shoulder), `situational.occlusion`'s
 * turn exception (which turn crosses the oncoming lanes) and `vru.passingClearance` (StVO §5(4):
 * 1.5 m in town, 2 m out of town).
 */
import type { Lane } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';

/** Lanes back from `laneId` that `drivesOnLeft` reads for a driving side or an oncoming neighbour. */
const SIDE_PROBE_LANES = 3;

/**
 * Whether traffic keeps left on the lane `laneId`: the lane's (or one of the few before it)
 * `drivingSide` where the source gives it (OpenDRIVE `rule="LHT"`), else an oncoming neighbour
 * linked on its right (Japan, the UK: Autoware's left-hand maps) — on its left, or none at all within
 * the probe: right-hand traffic, the default the rules were written for.
 */
export function drivesOnLeft(map: RoadMap, laneId: string): boolean {
  let id: string | undefined = laneId;
  for (let hop = 0; hop < SIDE_PROBE_LANES && id !== undefined; hop++) {
    const l: Lane | undefined = map.lane(id)?.data;
    if (!l) return false;
    if (l.drivingSide) return l.drivingSide === 'LEFT';
    if (l.left?.opposite) return false;
    if (l.right?.opposite) return true;
    id = l.predecessors[0];
  }
  return false;
}

/** The speed above which a lane whose road class the map does not give is taken as out of town, m/s (50 km/h, StVO §3(3)'s in-town limit). */
const TOWN_LIMIT_MPS = 50 / 3.6 + 0.5;

/**
 * Whether the lane lies out of town: its `roadClass` (rural, motorway) where the map gives one;
 * else a limit above the in-town 50 km/h (StVO §3(3); the UK Highway Code rule 163 asks more room
 * than 1.5 m above 30 mph too). A lane the map does not know: in town.
 */
export function outOfTown(map: RoadMap, laneId: string | undefined): boolean {
  const l = laneId !== undefined ? map.lane(laneId)?.data : undefined;
  if (!l) return false;
  if (l.roadClass) return l.roadClass !== 'town';
  return l.speedLimitMps > TOWN_LIMIT_MPS;
}
