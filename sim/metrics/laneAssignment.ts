/**
 * nuPlan's lane / lane-connector assignment (nuplan/planning/metrics/utils/route_extractor.py and
 * M/ego_lane_change.py), which several metrics share:
 *
 * - `getRoute`: the route objects holding a point at each tick (`ego_driven_route` for the ego
 *   centre; also used for the expert route);
 * - `extractCornersRoute`: the same for the 4 box corners (`corners_route`);
 * - `extractCommonOrConnectingRouteObjs`: whether the 4 corners lie in one common or connected
 *   lane / connector (the ticks where that holds form `timestamps_in_common_or_connected_route_objs`;
 *   outside them the ego straddles lanes or leaves the lanes).
 *
 * The ports keep the devkit's quirks on purpose (noted where they bite) so scores match.
 */
import type { LaneInfo } from '../../core/map/RoadMap.ts';
import type { MetricMap } from './MetricMap.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';

/** The route objects (lanes or lane connectors) of one point at one tick. */
export type RouteObjs = LaneInfo[];

/** Route objects of the 4 ego corners at one tick, in nuPlan's order FL, RL, RR, FR. */
export type CornersRoute = [RouteObjs, RouteObjs, RouteObjs, RouteObjs];

/** `get_current_route_objects`: the one lane containing the point, else every connector containing it. */
export function getCurrentRouteObjects(mm: MetricMap, x: number, y: number): RouteObjs {
  const lane = mm.laneAt(x, y);
  return lane ? [lane] : mm.connectorsAt(x, y);
}

/**
 * `get_route_obj_with_candidates`: the candidates containing the point; when there are none and
 * exactly one candidate, its outgoing edges containing the point.
 */
export function getRouteObjWithCandidates(
  mm: MetricMap,
  x: number,
  y: number,
  candidates: ReadonlyArray<LaneInfo>,
): RouteObjs {
  const found = candidates.filter((c) => mm.contains(c, x, y));
  if (found.length === 0 && candidates.length === 1) {
    return mm.outgoing(candidates[0]!).filter((o) => mm.contains(o, x, y));
  }
  return found;
}

/**
 * `remove_extra_lane_connectors`: walking backwards, trims ticks that hold several connectors to
 * the one(s) ego ends up in. Devkit quirk kept: when the next tick is empty, a multi-connector tick
 * becomes empty too (Python's `all([])` is true).
 */
export function removeExtraLaneConnectors(mm: MetricMap, route: ReadonlyArray<RouteObjs>): RouteObjs[] {
  const rev = [...route].reverse();
  for (let ind = 1; ind < rev.length; ind++) {
    const cur = rev[ind]!;
    if (cur.length <= 1) continue;
    const next = rev[ind - 1]!;
    if (cur.length > next.length && next.every((o) => cur.includes(o))) rev[ind] = next;
    // (The devkit re-checks the *original* list's length here, which cannot be ≤ 1.)
    if (next.length > 0 && !mm.isConnector(next[0]!)) {
      const incoming = mm.incoming(next[0]!);
      const keep = cur.filter((o) => incoming.includes(o));
      if (keep.length > 0) rev[ind] = keep;
    }
  }
  return rev.reverse();
}

/**
 * `get_route`: route objects of each point (xs[i], ys[i]). Stays in the previous tick's objects (or
 * a single previous object's outgoing edges) while they contain the point; otherwise searches the
 * map, keeping previous connectors within 5 m when the search lands in another connector or in an
 * intersection gap.
 */
export function getRoute(mm: MetricMap, xs: ArrayLike<number>, ys: ArrayLike<number>): RouteObjs[] {
  const n = xs.length;
  const out: RouteObjs[] = [];
  let cur: RouteObjs = [];
  const proximal = NUPLAN_METRIC_PARAMS.laneAssignment.proximalConnectorM;
  for (let ind = 0; ind < n; ind++) {
    const x = xs[ind]!;
    const y = ys[ind]!;
    if (cur.length > 0) cur = getRouteObjWithCandidates(mm, x, y, cur);
    if (cur.length === 0) {
      cur = getCurrentRouteObjects(mm, x, y);
      const prev = out[out.length - 1];
      // Devkit: `ind > 1` (not > 0).
      if (
        ind > 1 &&
        prev !== undefined &&
        prev.length > 0 &&
        mm.isConnector(prev[0]!) &&
        ((cur.length > 0 && mm.isConnector(cur[0]!)) || (cur.length === 0 && mm.inIntersection(x, y)))
      ) {
        const near = prev.filter((o) => mm.distanceToLane(o, x, y) < proximal);
        if (near.length > 0) cur = near;
      }
    }
    out.push(cur);
  }
  return removeExtraLaneConnectors(mm, out);
}

/**
 * `extract_corners_route`: route objects of each corner per tick. `corners[t]` holds the 4 corners
 * FL, RL, RR, FR as x0,y0,…,x3,y3. Candidates are the previous tick's objects of all corners.
 * Devkit quirk kept: only at tick index 1 do objects found by a fresh map search join the
 * candidates for the remaining corners of the same tick.
 */
export function extractCornersRoute(
  mm: MetricMap,
  corners: ReadonlyArray<ArrayLike<number>>,
): CornersRoute[] {
  const out: CornersRoute[] = [];
  let candidates: LaneInfo[] = [];
  for (let ind = 0; ind < corners.length; ind++) {
    const c = corners[ind]!;
    const entry: CornersRoute = [[], [], [], []];
    const nextCandidates: LaneInfo[] = [];
    for (let k = 0; k < 4; k++) {
      const x = c[2 * k]!;
      const y = c[2 * k + 1]!;
      let objs: RouteObjs = [];
      if (candidates.length > 0) objs = getRouteObjWithCandidates(mm, x, y, candidates);
      if (objs.length === 0) {
        objs = getCurrentRouteObjects(mm, x, y);
        if (ind === 1) for (const o of objs) if (!candidates.includes(o)) candidates.push(o);
      }
      for (const o of objs) if (!nextCandidates.includes(o)) nextCandidates.push(o);
      entry[k] = objs;
    }
    out.push(entry);
    candidates = nextCandidates;
  }
  return out;
}

function idSet(objs: ReadonlyArray<LaneInfo>): Set<string> {
  const s = new Set<string>();
  for (const o of objs) s.add(o.data.id);
  return s;
}

function withEdges(
  objs: ReadonlyArray<LaneInfo>,
  edges: (l: LaneInfo) => ReadonlyArray<LaneInfo>,
): Set<string> {
  const s = idSet(objs);
  for (const o of objs) for (const e of edges(o)) s.add(e.data.id);
  return s;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const s = new Set<string>();
  for (const v of a) if (b.has(v)) s.add(v);
  return s;
}

/**
 * `extract_common_or_connecting_route_objs`: ids of the lane(s) / connector(s) all 4 corners share
 * or connect through; an empty set when every corner is off the lanes; null when only some are, or
 * when the corners are in unconnected objects. Only a non-empty set means "ego in one lane".
 */
export function extractCommonOrConnectingRouteObjs(mm: MetricMap, corners: CornersRoute): Set<string> | null {
  const offLane = corners.map((c) => c.length === 0);
  if (offLane.every(Boolean)) return new Set();
  if (offLane.some(Boolean)) return null;
  const [fl, rl, rr, fr] = corners;
  const ids = corners.map(idSet);
  let common = ids[0]!;
  for (let k = 1; k < 4; k++) common = intersect(common, ids[k]!);
  if (common.size > 0) return common;
  // Connected: the rear corners share an object or one is in the other's outgoing edges, then each
  // front corner (plus incoming edges) meets the opposite rear corner (plus outgoing edges).
  const out = (l: LaneInfo): ReadonlyArray<LaneInfo> => mm.outgoing(l);
  const inc = (l: LaneInfo): ReadonlyArray<LaneInfo> => mm.incoming(l);
  const rrOrOut = withEdges(rr, out);
  const rlOrOut = withEdges(rl, out);
  const rear = intersect(ids[1]!, rrOrOut);
  for (const v of intersect(ids[2]!, rlOrOut)) rear.add(v);
  if (rear.size > 0) {
    const flRr = intersect(withEdges(fl, inc), rrOrOut);
    const frRl = intersect(withEdges(fr, inc), rlOrOut);
    const connecting = intersect(flRr, frRl);
    if (connecting.size > 0) return connecting;
  }
  return null;
}

/**
 * `get_route_simplified`: the first non-empty tick, then each later non-empty tick that shares no
 * object with the last kept one.
 */
export function getRouteSimplified(route: ReadonlyArray<RouteObjs>): RouteObjs[] {
  const first = route.findIndex((r) => r.length > 0);
  if (first < 0) return [];
  const out: RouteObjs[] = [route[first]!];
  for (let i = first + 1; i < route.length; i++) {
    const r = route[i]!;
    const last = out[out.length - 1]!;
    if (r.length > 0 && !last.some((o) => r.includes(o))) out.push(r);
  }
  return out;
}

function sameCorners(a: CornersRoute, b: CornersRoute): boolean {
  for (let k = 0; k < 4; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

/** What the lane-change metric caches for the high-level metrics. */
export interface LaneAssignment {
  /** `ego_driven_route`: route objects of the ego centre per tick. */
  egoDrivenRoute: RouteObjs[];
  /** `corners_route`: route objects of the 4 corners per tick. */
  cornersRoute: CornersRoute[];
  /** Tick t ∈ `timestamps_in_common_or_connected_route_objs` (false: straddling lanes or off-lane). */
  inCommonOrConnected: boolean[];
}

/**
 * Runs the three assignments on the ego centres (cx[t], cy[t]) and corners (FL, RL, RR, FR per
 * tick).
 */
export function assignLanes(
  mm: MetricMap,
  cx: ArrayLike<number>,
  cy: ArrayLike<number>,
  corners: ReadonlyArray<ArrayLike<number>>,
): LaneAssignment {
  const egoDrivenRoute = getRoute(mm, cx, cy);
  const cornersRoute = extractCornersRoute(mm, corners);
  // As `get_common_or_connected_route_objs_of_corners`: recompute only when the corners' objects change.
  const inCommonOrConnected: boolean[] = [];
  let prev: CornersRoute | undefined;
  let prevIn = false;
  for (const c of cornersRoute) {
    if (!prev || !sameCorners(prev, c)) {
      const s = extractCommonOrConnectingRouteObjs(mm, c);
      prevIn = s !== null && s.size > 0;
    }
    inCommonOrConnected.push(prevIn);
    prev = c;
  }
  return { egoDrivenRoute, cornersRoute, inCommonOrConnected };
}
