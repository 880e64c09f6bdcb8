/** What the gate looks at: the world snapshot, the map, the route and the ego platform. */
import type { VehicleParams, WorldSnapshot } from '../core/index.ts';
import { type RoadMap, routeRank } from '../core/map/index.ts';

export interface SafetyScene {
  snapshot: WorldSnapshot;
  map: RoadMap;
  vehicle: VehicleParams;
  /** The time the check runs at, s (defaults to the snapshot time; later means the inputs are older). */
  nowS?: number;
  /**
   * The ego's route position (index into `snapshot.route.laneIds`) as the caller tracks it: the
   * gate reads the route from `ROUTE_BEHIND` lanes before it on (`routeAhead`), so that where the
   * route uses a lane twice its lane paths follow the route's way from the occurrence the ego is
   * at, not from the first. Without it, the whole route.
   */
  routeIndex?: number;
}

/**
 * Route lanes kept behind the ego's route position: the lane the map locates the ego in may be one
 * or two before the tracked position's (near a lane's end, past a connector a metre long). A lane
 * the route uses again from the position on is kept only where that use lies farther ahead of the
 * position than this one behind it (lane paths start at a lane's first occurrence in the route
 * read: a loop back onto the lane the ego is at must start at the later use; a lane the route comes
 * back to 80 lanes on, the ego still on it a metre before its end while the tracked position is on
 * the connector after it, at this one: CARLA Town04 route 8 rolled the command out into the turn of
 * the later pass at 13.9 m/s, 33 m/s² lateral, and the gate stopped the ego at 8 m/s² on a straight).
 */
const ROUTE_BEHIND = 2;

/**
 * The route lanes the gate follows: from the ego's route position on, with up to `ROUTE_BEHIND`
 * lanes before it that the route does not use again sooner ahead (the whole route without a
 * position).
 */
export function routeAhead(scene: Pick<SafetyScene, 'snapshot' | 'routeIndex'>): ReadonlyArray<string> {
  const ids = scene.snapshot.route.laneIds;
  const index = scene.routeIndex;
  if (index === undefined || !Number.isFinite(index) || index <= 0) return ids;
  const k = Math.min(Math.floor(index), ids.length - 1);
  let from = k;
  while (from > 0 && k - from < ROUTE_BEHIND) {
    const again = ids.indexOf(ids[from - 1]!, k);
    if (again >= 0 && again - k <= k - (from - 1)) break;
    from--;
  }
  return from === 0 ? ids : ids.slice(from);
}

/**
 * How soon the route takes lane `laneId` from route position `index` (`routeRank`), with the lanes
 * the gate keeps behind it (`ROUTE_BEHIND`) ranked after every lane ahead: `startLane`'s rank.
 */
export function gateRouteRank(
  laneIds: ReadonlyArray<string>,
  index: number | undefined,
  laneId: string,
): number {
  return routeRank(laneIds, index, laneId, ROUTE_BEHIND);
}
