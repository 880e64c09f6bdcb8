/**
 * PDM's route handling on edgeplan's lane map (tuplan_garage `abstract_pdm_planner.py`,
 * `utils/route_utils.py`, `utils/graph_search/dijkstra.py`, `bfs_roadblock.py`):
 *
 *  - roadblocks: nuPlan groups the parallel same-direction lanes of a road segment (a lane group)
 *    and the connectors of a junction between the same two lane groups (a lane-group connector).
 *    edgeplan's map has no such layer, so a roadblock here is the closure of same-direction
 *    left / right neighbours plus the junction lanes that share `junctionId` and `roadId` (the
 *    nuPlan importer stores the lane group / lane-group connector id in `roadId`), never uniting a
 *    lane with its own successor (a roadblock is one step of the roadblock graph);
 *  - the route's roadblocks: the blocks of the route's lanes, repeated ones dropped
 *    (`_load_route_dicts`: `dict.fromkeys`); the route's lanes are all lanes of those blocks;
 *  - `correctRoute` (`route_roadblock_correction`, once, at the first call): the block the ego is
 *    in, prepended by a backward BFS (depth 15) or reached by a forward BFS (depth 30) when it is
 *    off the route; gaps between consecutive blocks filled by a forward BFS; the route cut where
 *    a junction connector overlaps an earlier one by more than 1 m² (a loop);
 *  - `startingLane` (`_get_starting_lane`, every call; its speed limit is the IDM policies'):
 *    among the route lanes whose polygon holds the rear axle, the least heading error at the
 *    nearest vertex; else the first route lane holding the footprint's centre, else the one
 *    nearest the footprint;
 *  - `centrelineLanes` (`_get_discrete_centerline`, once): Dijkstra from the starting lane over
 *    successors that are route lanes (cost: lane length, first cost 1), until a lane of the last
 *    block of the 30-block window that begins at the starting lane's block; if none is reached,
 *    the deepest expanded lane of least cost. No lane change is ever part of it.
 */
import type { Polygon, Vec2, VehicleParams } from '../../../core/index.ts';
import { angleDiff, pointInPolygon, pointPolygonBoundaryDistance } from '../../../core/index.ts';
import type { LaneInfo, RoadMap } from '../../../core/map/index.ts';

/** route_utils.py get_current_roadblock_candidates: proximity radius, heading and displacement bounds. */
const CANDIDATE_RADIUS_M = 1.0;
const CANDIDATE_HEADING_RAD = Math.PI / 4;
const CANDIDATE_DISPLACEMENT_M = 3;
/** route_roadblock_correction search depths (backward / forward). */
const BFS_DEPTH_BACKWARD = 15;
const BFS_DEPTH_FORWARD = 30;
/** remove_route_loops: overlap area of two junction connectors that counts as a loop, m². */
const LOOP_AREA_M2 = 1;
/** Sampling cell of the overlap-area estimate, m. */
const LOOP_CELL_M = 0.25;
/** _get_discrete_centerline search_depth (roadblocks). */
const CENTRELINE_DEPTH = 30;

/** The map's roadblock graph (built once per map). */
export class PdmRoadblocks {
  /** Lane index → block index. */
  readonly blockOf: Int32Array;
  /** Block → its lane indices, in map order. */
  readonly lanes: number[][];
  /** Block → blocks its lanes lead into / come from (first-seen order over lanes and successors). */
  readonly outgoing: number[][];
  readonly incoming: number[][];
  /** Block is a junction connector (nuPlan ROADBLOCK_CONNECTOR): one of its lanes has a junction. */
  readonly isConnector: Uint8Array;
  /** Block of drivable lanes (nuPlan's roadblocks hold only lanes for traffic). */
  readonly drivable: Uint8Array;
  /** The map's extra drivable areas (nuPlan's car parks) as flat x, y arrays. */
  readonly areaFlats: Float64Array[];
  /** Scratch of `drivableInRadius` (lanes near the ego). */
  readonly nearScratch = new Set<number>();

  constructor(readonly map: RoadMap) {
    const n = map.lanes.length;
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) {
        parent[i] = parent[parent[i]!]!;
        i = parent[i]!;
      }
      return i;
    };
    const members = new Map<number, number[]>();
    for (let i = 0; i < n; i++) members.set(i, [i]);
    const succ = map.lanes.map((l) => new Set(l.data.successors.map((id) => map.lane(id)?.index ?? -1)));
    const unite = (a: number, b: number): void => {
      const ra = find(a);
      const rb = find(b);
      if (ra === rb) return;
      const ma = members.get(ra)!;
      const mb = members.get(rb)!;
      // A block never holds a lane and its successor (it is one step of the graph).
      for (const i of ma) for (const j of mb) if (succ[i]!.has(j) || succ[j]!.has(i)) return;
      parent[rb] = ra;
      ma.push(...mb);
      members.delete(rb);
    };
    const byJunctionRoad = new Map<string, number[]>();
    for (const l of map.lanes) {
      if (!l.drivable) continue;
      for (const nb of [l.data.left, l.data.right]) {
        if (!nb || nb.opposite) continue;
        const j = map.lane(nb.laneId);
        if (j?.drivable) unite(l.index, j.index);
      }
      if (l.data.junctionId !== undefined && l.data.roadId !== undefined) {
        const key = `${l.data.junctionId}\u0000${l.data.roadId}`;
        const same = byJunctionRoad.get(key) ?? [];
        for (const j of same) {
          // Same connecting road, same way (lanes of one connector group run alike).
          if (Math.abs(angleDiff(l.line.headingAt(0), map.lanes[j]!.line.headingAt(0))) < Math.PI / 2)
            unite(l.index, j);
        }
        same.push(l.index);
        byJunctionRoad.set(key, same);
      }
    }
    this.blockOf = new Int32Array(n);
    const rootToBlock = new Map<number, number>();
    this.lanes = [];
    for (let i = 0; i < n; i++) {
      const r = find(i);
      let b = rootToBlock.get(r);
      if (b === undefined) {
        b = this.lanes.length;
        rootToBlock.set(r, b);
        this.lanes.push([]);
      }
      this.blockOf[i] = b;
      this.lanes[b]!.push(i);
    }
    const nb = this.lanes.length;
    this.outgoing = Array.from({ length: nb }, () => []);
    this.incoming = Array.from({ length: nb }, () => []);
    this.isConnector = new Uint8Array(nb);
    this.drivable = new Uint8Array(nb);
    this.areaFlats = map.data.drivableAreas.map(flat);
    for (let b = 0; b < nb; b++) {
      this.drivable[b] = map.lanes[this.lanes[b]![0]!]!.drivable ? 1 : 0;
      for (const i of this.lanes[b]!) {
        if (map.lanes[i]!.data.junctionId !== undefined) this.isConnector[b] = 1;
        for (const j of succ[i]!) {
          if (j < 0) continue;
          const c = this.blockOf[j]!;
          if (c === b) continue;
          if (!this.outgoing[b]!.includes(c)) this.outgoing[b]!.push(c);
          if (!this.incoming[c]!.includes(b)) this.incoming[c]!.push(b);
        }
      }
    }
  }

  /** The route's blocks: the blocks of `laneIds` in order, each kept at its first occurrence. */
  routeBlocks(laneIds: readonly string[]): number[] {
    const out: number[] = [];
    for (const id of laneIds) {
      const l = this.map.lane(id);
      if (!l) continue;
      const b = this.blockOf[l.index]!;
      if (!out.includes(b)) out.push(b);
    }
    return out;
  }

  /** All lanes of `blocks`, block by block (tuplan_garage's `_route_lane_dict`). */
  routeLanes(blocks: readonly number[]): number[] {
    const out: number[] = [];
    for (const b of blocks) out.push(...this.lanes[b]!);
    return out;
  }
}

/** The rear-axle pose and footprint the route functions read. */
export interface PdmEgoPose {
  x: number;
  y: number;
  headingRad: number;
}

/** The heading of a lane's discrete path at vertex i (the segment leaving it; the last one's at the end). */
function vertexHeading(l: LaneInfo, i: number): number {
  const h = l.line.segHeading;
  return h[Math.min(i, h.length - 1)]!;
}

/** The nearest vertex of a lane's discrete path to (x, y): [index, distance]. */
function nearestVertex(l: LaneInfo, x: number, y: number): [number, number] {
  const xs = l.line.xs;
  const ys = l.line.ys;
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.hypot(xs[i]! - x, ys[i]! - y);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return [best, bestD];
}

/** Distance from a point to a lane polygon (0 inside), m. */
function pointLaneDistance(l: LaneInfo, x: number, y: number): number {
  return pointInPolygon(x, y, l.flat) ? 0 : pointPolygonBoundaryDistance(x, y, l.polygon);
}

/** The ego footprint's corners (rear axle pose + vehicle box), counter-clockwise. */
export function footprintOf(ego: PdmEgoPose, vehicle: VehicleParams): Polygon {
  const c = Math.cos(ego.headingRad);
  const s = Math.sin(ego.headingRad);
  const cx = ego.x + vehicle.rearAxleToCenterM * c;
  const cy = ego.y + vehicle.rearAxleToCenterM * s;
  const hl = vehicle.lengthM / 2;
  const hw = vehicle.widthM / 2;
  const out: Vec2[] = [];
  for (const [a, b] of [
    [hl, hw],
    [-hl, hw],
    [-hl, -hw],
    [hl, -hw],
  ] as const) {
    out.push({ x: cx + a * c - b * s, y: cy + a * s + b * c });
  }
  return out;
}

/** Distance between two polygons (0 when they overlap), m (shapely `distance`). */
export function polygonDistance(a: Polygon, aFlat: Float64Array, b: Polygon, bFlat: Float64Array): number {
  for (const p of a) if (pointInPolygon(p.x, p.y, bFlat)) return 0;
  for (const p of b) if (pointInPolygon(p.x, p.y, aFlat)) return 0;
  let best = Infinity;
  for (const p of a) best = Math.min(best, pointPolygonBoundaryDistance(p.x, p.y, b));
  for (const p of b) best = Math.min(best, pointPolygonBoundaryDistance(p.x, p.y, a));
  // Edges that cross without a vertex inside the other polygon: sample a's edges (rare, thin shapes).
  if (best > 0) {
    for (let i = 0, j = a.length - 1; i < a.length; j = i++) {
      for (let k = 1; k < 8; k++) {
        const x = a[j]!.x + ((a[i]!.x - a[j]!.x) * k) / 8;
        const y = a[j]!.y + ((a[i]!.y - a[j]!.y) * k) / 8;
        if (pointInPolygon(x, y, bFlat)) return 0;
      }
    }
  }
  return best;
}

function flat(poly: Polygon): Float64Array {
  const f = new Float64Array(poly.length * 2);
  poly.forEach((p, i) => {
    f[2 * i] = p.x;
    f[2 * i + 1] = p.y;
  });
  return f;
}

/**
 * route_utils.py get_current_roadblock_candidates: the block the ego's rear axle is in (on-route
 * preferred) and the candidate list. Blocks within 1 m (else the nearest road block and the nearest
 * connector); a lane of a block qualifies with heading error < π/4 and displacement < 3 m at its
 * nearest vertex (a block is listed once per qualifying lane, as the original appends it).
 */
export function currentBlockCandidates(
  rb: PdmRoadblocks,
  ego: PdmEgoPose,
  routeBlocks: readonly number[],
): { best: number; candidates: number[] } {
  const map = rb.map;
  let near: number[] = [];
  for (let b = 0; b < rb.lanes.length; b++) {
    if (!rb.drivable[b]) continue;
    if (rb.lanes[b]!.some((i) => pointLaneDistance(map.lanes[i]!, ego.x, ego.y) <= CANDIDATE_RADIUS_M))
      near.push(b);
  }
  // get_proximal_map_objects lists ROADBLOCK before ROADBLOCK_CONNECTOR.
  near = [...near.filter((b) => !rb.isConnector[b]), ...near.filter((b) => rb.isConnector[b])];
  if (near.length === 0) {
    for (const connector of [0, 1]) {
      let best = -1;
      let bestD = Infinity;
      for (let b = 0; b < rb.lanes.length; b++) {
        if (!rb.drivable[b] || rb.isConnector[b] !== connector) continue;
        for (const i of rb.lanes[b]!) {
          const d = pointLaneDistance(map.lanes[i]!, ego.x, ego.y);
          if (d < bestD) {
            bestD = d;
            best = b;
          }
        }
      }
      if (best >= 0) near.push(best);
    }
  }
  const onRoute: number[] = [];
  const onRouteErr: number[] = [];
  const other: number[] = [];
  const otherErr: number[] = [];
  const blockErr: number[] = [];
  for (const b of near) {
    let laneDisp = Infinity;
    for (const i of rb.lanes[b]!) {
      const l = map.lanes[i]!;
      const [v, disp] = nearestVertex(l, ego.x, ego.y);
      const head = Math.abs(angleDiff(vertexHeading(l, v), ego.headingRad));
      if (disp < laneDisp) laneDisp = disp;
      if (head < CANDIDATE_HEADING_RAD && disp < CANDIDATE_DISPLACEMENT_M) {
        if (routeBlocks.includes(b)) {
          onRoute.push(b);
          onRouteErr.push(disp);
        } else {
          other.push(b);
          otherErr.push(disp);
        }
      }
    }
    blockErr.push(laneDisp);
  }
  const argmin = (xs: number[]): number => xs.indexOf(Math.min(...xs));
  if (onRoute.length > 0) return { best: onRoute[argmin(onRouteErr)]!, candidates: onRoute };
  if (other.length > 0) return { best: other[argmin(otherErr)]!, candidates: other };
  return { best: near[argmin(blockErr)] ?? -1, candidates: near };
}

/**
 * bfs_roadblock.py: breadth-first search over the block graph from `start` (forward along
 * outgoing or backward along incoming blocks) to any of `targets`, at most `maxDepth` levels.
 * The parent of a block at a depth is the last block that queued it there, as in the original.
 * Returns the path (start first when forward, the found block first when backward).
 */
export function bfsBlocks(
  rb: PdmRoadblocks,
  start: number,
  targets: readonly number[],
  maxDepth: number,
  forward: boolean,
): { path: number[]; found: boolean } {
  const queue: (number | null)[] = [start, null];
  const parent = new Map<string, number | null>();
  let depth = 1;
  let endEdge = start;
  let endDepth = 1;
  let found = false;
  parent.set(`${start}_1`, null);
  while (queue.length > 0) {
    const cur = queue.shift()!;
    if (depth > maxDepth) break;
    if (cur === null) {
      depth++;
      queue.push(null);
      if (queue[0] === null) break;
      continue;
    }
    if (targets.includes(cur) && depth <= maxDepth) {
      endEdge = cur;
      endDepth = depth;
      found = true;
      break;
    }
    for (const next of forward ? rb.outgoing[cur]! : rb.incoming[cur]!) {
      queue.push(next);
      parent.set(`${next}_${depth + 1}`, cur);
      endEdge = next;
      endDepth = depth + 1;
    }
  }
  const path = [endEdge];
  let e = endEdge;
  let d = endDepth;
  for (;;) {
    const p = parent.get(`${e}_${d}`);
    if (p === undefined || p === null) break;
    path.push(p);
    e = p;
    d--;
  }
  if (forward) path.reverse();
  return { path, found };
}

/** Estimated overlap area of two blocks' lane polygons, m² (grid of `LOOP_CELL_M` cells over a's lanes). */
function overlapArea(rb: PdmRoadblocks, a: number, b: number): number {
  const map = rb.map;
  const lanesB = rb.lanes[b]!.map((i) => map.lanes[i]!);
  const lanesA = rb.lanes[a]!.map((i) => map.lanes[i]!);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const l of lanesA) {
    for (const p of l.polygon) {
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x);
      maxY = Math.max(maxY, p.y);
    }
  }
  let cells = 0;
  for (let x = minX + LOOP_CELL_M / 2; x < maxX; x += LOOP_CELL_M) {
    for (let y = minY + LOOP_CELL_M / 2; y < maxY; y += LOOP_CELL_M) {
      if (!lanesA.some((l) => pointInPolygon(x, y, l.flat))) continue;
      if (lanesB.some((l) => pointInPolygon(x, y, l.flat))) cells++;
    }
  }
  return cells * LOOP_CELL_M * LOOP_CELL_M;
}

/**
 * route_utils.py remove_route_loops: the route cut before the first junction connector that
 * overlaps an earlier one by more than 1 m². (The original puts the first connector in its tree
 * and skips it; later ones are tested against the tree, then added.)
 */
export function removeRouteLoops(rb: PdmRoadblocks, blocks: number[]): number[] {
  const seen: number[] = [];
  let loopIdx = -1;
  for (let idx = 0; idx < blocks.length && loopIdx < 0; idx++) {
    const b = blocks[idx]!;
    if (!rb.isConnector[b]) continue;
    if (seen.length === 0) {
      seen.push(b);
      continue;
    }
    for (const s of seen) {
      if (overlapArea(rb, b, s) > LOOP_AREA_M2) {
        loopIdx = idx;
        break;
      }
    }
    seen.push(b);
  }
  // `if loop_idx:` — an index of 0 would not cut (cannot happen: the first connector is skipped).
  return loopIdx > 0 ? blocks.slice(0, loopIdx) : blocks;
}

/** route_utils.py route_roadblock_correction: the corrected list of route blocks. */
export function correctRoute(rb: PdmRoadblocks, ego: PdmEgoPose, routeBlocks: readonly number[]): number[] {
  let route = [...routeBlocks];
  const { best, candidates } = currentBlockCandidates(rb, ego, route);
  // Fix 1: the ego starts off the route.
  if (best >= 0 && route.length > 0 && !route.includes(best)) {
    const back = bfsBlocks(rb, route[0]!, candidates, BFS_DEPTH_BACKWARD, false);
    if (back.found) {
      route = [...back.path.slice(0, -1), ...route];
    } else {
      const fwd = bfsBlocks(rb, best, route.slice(0, 3), BFS_DEPTH_FORWARD, true);
      if (fwd.found) {
        const end = route.indexOf(fwd.path[fwd.path.length - 1]!);
        route = [...fwd.path, ...route.slice(Math.max(end, 0) + 1)];
      }
    }
  }
  // Fix 2: consecutive blocks that are not linked get the blocks between them.
  const inserts = new Map<number, number[]>();
  for (let i = 0; i < route.length - 1; i++) {
    if (rb.incoming[route[i + 1]!]!.includes(route[i]!)) continue;
    const { path, found } = bfsBlocks(rb, route[i]!, [route[i + 1]!], BFS_DEPTH_FORWARD, true);
    if (found && path.length >= 3) inserts.set(i, path.slice(1, -1));
  }
  let offset = 1;
  for (const [i, path] of inserts) {
    route.splice(i + offset, 0, ...path);
    offset += path.length;
  }
  // Fix 3: loops.
  return removeRouteLoops(rb, route);
}

/**
 * abstract_pdm_planner.py `_get_starting_lane`: the route lane (index into the map's lanes) the
 * ego is on. `routeLanes` in the route's order.
 */
export function startingLane(
  map: RoadMap,
  routeLanes: readonly number[],
  routeLaneSet: Uint8Array,
  ego: PdmEgoPose,
  vehicle: VehicleParams,
): number {
  // 1. On-route lanes whose polygon holds the rear axle: least heading error at the nearest vertex.
  let best = -1;
  let bestErr = Infinity;
  for (const l of map.lanesAt(ego.x, ego.y)) {
    if (!l.drivable || !routeLaneSet[l.index]) continue;
    const [v] = nearestVertex(l, ego.x, ego.y);
    const err = Math.abs(angleDiff(vertexHeading(l, v), ego.headingRad));
    if (err < bestErr) {
      bestErr = err;
      best = l.index;
    }
  }
  if (best >= 0) return best;
  // 2. The first route lane holding the footprint's centre, else the one nearest the footprint.
  const c = Math.cos(ego.headingRad);
  const s = Math.sin(ego.headingRad);
  const cx = ego.x + vehicle.rearAxleToCenterM * c;
  const cy = ego.y + vehicle.rearAxleToCenterM * s;
  const foot = footprintOf(ego, vehicle);
  const footFlat = flat(foot);
  let closest = Infinity;
  for (const i of routeLanes) {
    const l = map.lanes[i]!;
    if (pointInPolygon(cx, cy, l.flat)) return i;
    const d = polygonDistance(l.polygon, l.flat, foot, footFlat);
    if (d < closest) {
      closest = d;
      best = i;
    }
  }
  return best;
}

/**
 * dijkstra.py over the lane graph: the lanes from `start` to a lane of the last block of the
 * `CENTRELINE_DEPTH`-block window beginning at the start lane's block, through successors that
 * are route lanes. `found` false: the deepest expanded lane of least cost ends it.
 */
export function centrelineLanes(
  rb: PdmRoadblocks,
  routeBlocks: readonly number[],
  routeLaneSet: Uint8Array,
  start: number,
): { lanes: number[]; found: boolean } {
  const map = rb.map;
  const startIdx = Math.max(0, routeBlocks.indexOf(rb.blockOf[start]!));
  const window = routeBlocks.slice(startIdx, startIdx + CENTRELINE_DEPTH);
  const target = window[window.length - 1] ?? rb.blockOf[start]!;
  const queue = [start];
  const dist = [1];
  const depth = [1];
  const parent = new Map<number, number | null>([[start, null]]);
  const expanded: number[] = [];
  const expandedDist: number[] = [];
  const expandedDepth: number[] = [];
  let end = start;
  let found = false;
  while (queue.length > 0) {
    // min over (dist, queue position): ties go to the earlier entry.
    let k = 0;
    for (let q = 1; q < queue.length; q++) if (dist[q]! < dist[k]!) k = q;
    const cur = queue[k]!;
    const d = dist[k]!;
    const dep = depth[k]!;
    queue.splice(k, 1);
    dist.splice(k, 1);
    depth.splice(k, 1);
    if (rb.blockOf[cur] === target) {
      end = cur;
      found = true;
      break;
    }
    expanded.push(cur);
    expandedDist.push(d);
    expandedDepth.push(dep);
    for (const id of map.lanes[cur]!.data.successors) {
      const next = map.lane(id)?.index;
      if (next === undefined || !routeLaneSet[next]) continue;
      const alt = d + map.lanes[next]!.line.length;
      const f = queue.indexOf(next);
      if (!expanded.includes(next) && f < 0) {
        parent.set(next, cur);
        queue.push(next);
        dist.push(alt);
        depth.push(dep + 1);
      } else if (f >= 0 && alt < dist[f]!) {
        parent.set(next, cur);
        dist[f] = alt;
        depth[f] = dep + 1;
      }
    }
  }
  if (!found) {
    const maxDepth = Math.max(...expandedDepth);
    let bestD = Infinity;
    for (let i = 0; i < expanded.length; i++) {
      if (expandedDepth[i] === maxDepth && expandedDist[i]! < bestD) {
        bestD = expandedDist[i]!;
        end = expanded[i]!;
      }
    }
  }
  const lanes = [end];
  for (let p = parent.get(end); p !== undefined && p !== null; p = parent.get(p)) lanes.push(p);
  lanes.reverse();
  return { lanes, found };
}

/**
 * pdm_observation_utils.py get_drivable_area_map: the polygons of PDM's drivable-area map this
 * call — every lane of each roadblock (and each extra drivable area: nuPlan's car parks) whose
 * polygon comes within `radiusM` of the ego's centre (`get_proximal_map_objects`). Writes 1 / 0 per
 * polygon id of a LaneAreaIndex (lanes first, then the map's extra drivable areas) into `out`.
 */
export function drivableInRadius(
  rb: PdmRoadblocks,
  cx: number,
  cy: number,
  radiusM: number,
  out: Uint8Array,
): void {
  const map = rb.map;
  out.fill(0);
  for (const i of map.lanesNear(cx, cy, radiusM, rb.nearScratch)) {
    const l = map.lanes[i]!;
    if (!l.drivable || out[i] === 1) continue;
    if (pointLaneDistance(l, cx, cy) > radiusM) continue;
    for (const j of rb.lanes[rb.blockOf[i]!]!) out[j] = 1;
  }
  const nl = map.lanes.length;
  map.data.drivableAreas.forEach((poly, k) => {
    if (pointInPolygon(cx, cy, rb.areaFlats[k]!) || pointPolygonBoundaryDistance(cx, cy, poly) <= radiusM)
      out[nl + k] = 1;
  });
}
