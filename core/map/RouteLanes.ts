/**
 * A route's lanes in order, where a lane may appear more than once (a route that drives a loop,
 * or comes back along the same road): which occurrence of a lane the ego is at, and which lane the
 * route takes after it. Lane paths (the gate's, the controller's, perception's chain, the planner's
 * own-lane path) follow the route from the occurrence at the ego's route position, not from the
 * first lane whose id matches (which sends the ego round a loop it has already driven).
 */

/**
 * The route position (index into `laneIds`) of lane `laneId` nearest `nearIndex` (ties: the later),
 * or -1 when the route does not hold it. Without `nearIndex` (undefined or NaN) the first one.
 */
export function routeIndexOf(laneIds: ReadonlyArray<string>, laneId: string, nearIndex?: number): number {
  if (nearIndex === undefined || !Number.isFinite(nearIndex)) return laneIds.indexOf(laneId);
  let best = -1;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < laneIds.length; i++) {
    if (laneIds[i] !== laneId) continue;
    const gap = Math.abs(i - nearIndex);
    if (gap <= bestGap) {
      best = i;
      bestGap = gap;
    }
    if (i > nearIndex) break;
  }
  return best;
}

/** A lane on a followed route: its id and route position (-1: off the route). */
export interface RouteStep {
  laneId: string;
  index: number;
}

/**
 * The lane to follow after a lane at route position `index` (-1: off the route) with successors
 * `successors`: the route's next lane when it is one of them; else the successor the route takes
 * soonest after `index`; else the first successor, off the route. Undefined: no successor.
 */
export function nextRouteLane(
  laneIds: ReadonlyArray<string>,
  successors: ReadonlyArray<string>,
  index: number,
): RouteStep | undefined {
  if (successors.length === 0) return undefined;
  const nextId = index >= 0 ? laneIds[index + 1] : undefined;
  if (nextId !== undefined && successors.includes(nextId)) return { laneId: nextId, index: index + 1 };
  for (let i = Math.max(0, index + 1); i < laneIds.length; i++)
    if (successors.includes(laneIds[i]!)) return { laneId: laneIds[i]!, index: i };
  // only lanes the route has already passed (or none): the first of those, else the first successor
  for (const id of successors) {
    const i = laneIds.indexOf(id);
    if (i >= 0) return { laneId: id, index: i };
  }
  return { laneId: successors[0]!, index: -1 };
}

/**
 * The `count` route lanes after lane `laneId` at its occurrence nearest route position `nearIndex`
 * (`routeIndexOf`): the lanes the route drives next from there (fewer at the route's end, none when
 * the route does not hold the lane). Where a route that uses lanes twice meets a junction it turns
 * at on one pass and goes straight through on the other, both connectors are route lanes and
 * overlap at the junction's entry, heading the same way: the lane the ego enters there is the one
 * the route takes next from the lane it leaves, not the route lane located best.
 */
export function routeLanesAfter(
  laneIds: ReadonlyArray<string>,
  laneId: string,
  nearIndex?: number,
  count = 2,
): ReadonlyArray<string> {
  const k = routeIndexOf(laneIds, laneId, nearIndex);
  return k < 0 ? [] : laneIds.slice(k + 1, k + 1 + count);
}

/**
 * How soon the route takes lane `laneId` from route position `index`: how many positions ahead of
 * it the lane's next occurrence lies (0 at it); a lane up to `behindMax` positions before it ranks
 * after every lane ahead; ∞ for any other lane, as for one off the route. Without a position
 * (undefined or NaN), its first route position. Where a route that uses lanes twice meets a
 * junction it turns at on one pass and goes straight through on another, both branches are route
 * lanes: the one the route takes next is the one to follow.
 */
export function routeRank(
  laneIds: ReadonlyArray<string>,
  index: number | undefined,
  laneId: string,
  behindMax = 0,
): number {
  if (index === undefined || !Number.isFinite(index)) {
    const i = laneIds.indexOf(laneId);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  }
  const k = Math.floor(index);
  let behind = Number.POSITIVE_INFINITY;
  for (let i = 0; i < laneIds.length; i++) {
    if (laneIds[i] !== laneId) continue;
    if (i >= k) return i - k;
    if (k - i <= behindMax) behind = laneIds.length + k - i;
  }
  return behind;
}

/**
 * A lane's first point this near the end of the path before it is where that path ends, m: dropped,
 * else the millimetre step between two lanes that nearly meet (CARLA Town04: 1161_0_1 begins 1.2 mm
 * behind the end of 50_0_6, against the direction of travel) reads as a hairpin to every curvature
 * window along the joined path (the gate's roll-out read 19.3 m/s² lateral at 12.8 m/s there).
 */
export const LANE_JOIN_GAP_M = 0.05;

/**
 * Appends a lane's centreline points to `pts`, skipping a point that repeats the last one and a first
 * point within `LANE_JOIN_GAP_M` of it (where a lane ends, its successor begins): the points of a path
 * joined lane by lane.
 */
export function appendLaneLine(
  pts: { x: number; y: number }[],
  line: { xs: ArrayLike<number>; ys: ArrayLike<number> },
): void {
  for (let i = 0; i < line.xs.length; i++) {
    const x = line.xs[i]!;
    const y = line.ys[i]!;
    const last = pts[pts.length - 1];
    if (last && Math.hypot(x - last.x, y - last.y) < (i === 0 ? LANE_JOIN_GAP_M : 1e-6)) continue;
    pts.push({ x, y });
  }
}
