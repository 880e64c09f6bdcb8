/**
 * The road map model: lanes with polylines and polygons, a uniform-grid spatial index, lane
 * localisation, drivable-area queries and lane routing. Built once per map from `RoadMapData`.
 */
import {
  angleDiff,
  type FrenetPoint,
  fail,
  keptVertexWidths,
  type Lane,
  ok,
  type Polygon,
  Polyline,
  parseWith,
  pointInPolygon,
  pointPolygonBoundaryDistance,
  polygonBounds,
  type Result,
  RingIndex,
  type RoadMapData,
  RoadMapSchema,
  type StopLine,
  stripPolygon,
  type Vec2,
  variableStripPolygon,
} from '../index.ts';
import { crossableStretches, earliestCrossing } from './RoadMarks.ts';

/** Lane types a vehicle may drive on (the drivable area). Sidewalks and bike lanes are not. */
const DRIVABLE_TYPES = new Set(['driving', 'shoulder', 'parking', 'bus', 'aisle', 'other']);

/** Lane polygons with more vertices than this are searched block by block (`RingIndex`). */
const RING_INDEX_MIN = 64;

/** `locate`'s bounds pre-check holds for lanes whose centreline turns by at most this at any vertex, rad (60°). */
const LOCATE_PRECHECK_TURN_RAD = Math.PI / 3;

/** Grid cell size of the spatial index, m. */
const CELL_M = 16;
/** Largest map coordinate, m (UTM northings are under 1e7; beyond 2^53 cells a grid index no longer counts up). */
const MAX_COORD_M = 1e8;
/** Most grid cells one lane's bounds may fill (a 16 km × 16 km diagonal lane: imported lanes are far shorter). */
const MAX_LANE_CELLS = 1e6;

/** Routing cost of one lane change, expressed as metres of driving (discourages weaving). */
const LANE_CHANGE_COST_M = 25;
/**
 * Route costs this close are a tie (`planRoute` then changes lanes earlier), m: parallel lanes of
 * one road differ in length by decimetres on a curve (CARLA Town06 48_0_-3 / 48_0_-4: 0.1 m).
 */
const COST_TIE_M = 2;
/**
 * Among routes of equal cost, a change that has less of its lane than it needs ranks as one begun
 * this many times its shortfall later (our choice: CARLA Town04 route 32 made its change in the last
 * 12.6 m of 37_0_-3, past a solid start, rather than along the 29 m of junction lane 1602 after it).
 */
const SQUEEZE_WEIGHT = 10;
/**
 * The longest detour a route takes to place its lane changes where the marking lets them cross, m
 * (our choice: two lane changes' cost; a route that must otherwise go round a block keeps its change).
 */
const DETOUR_MAX_M = 2 * LANE_CHANGE_COST_M;
/**
 * Time a lane change's body is over the line it crosses, at the lane's limit, s, and the least room
 * a change needs along the line, m (our choice: a change rolled out over 4 s, as the safety gate
 * checks one, has the body over the line for about 40 % of it; the reference path draws a change
 * over 12 m at the least, `RoutePath`).
 */
const CHANGE_CROSS_S = 1.6;
const CHANGE_ROOM_MIN_M = 12;

/** The room a lane change off lane `l` needs along the line it crosses, m. */
export function changeRoomM(l: { data: { speedLimitMps: number } }): number {
  return Math.max(CHANGE_ROOM_MIN_M, l.data.speedLimitMps * CHANGE_CROSS_S);
}

/** A lane route (`RoadMap.planRoute`). */
export interface LaneRoutePlan {
  laneIds: string[];
  /** On the last lane, the lane arc length from which a further change may begin, m (the next leg's `entryM`). */
  exitEntryM: number;
  /**
   * How the lane changes were placed: `marked` each inside a stretch whose marking lets it cross,
   * with the room it needs at the limit; `slow` the same with the least room (the ego must slow for
   * them); `unplaced` no route could do either, the changes are where the lane allows them at all
   * (`changeAllowed`), as before markings were read.
   */
  placement: 'marked' | 'slow' | 'unplaced';
}

export interface LaneInfo {
  readonly data: Lane;
  readonly index: number;
  readonly line: Polyline;
  readonly polygon: Vec2[];
  /** Polygon as a flat array for fast containment tests. */
  readonly flat: Float64Array;
  readonly drivable: boolean;
  readonly stopLines: StopLine[];
  /** Width at each vertex of `line`, m, when the lane's width varies (`Lane.widthsM`). */
  readonly widths?: Float64Array;
}

export interface LaneLocation {
  laneId: string;
  sM: number;
  dM: number;
  /** Heading error of the query pose against the lane direction, rad (0 when no heading given). */
  headingErrRad: number;
}

function flatten(poly: ReadonlyArray<Vec2>): Float64Array {
  const f = new Float64Array(poly.length * 2);
  poly.forEach((p, i) => {
    f[2 * i] = p.x;
    f[2 * i + 1] = p.y;
  });
  return f;
}

export class RoadMap {
  readonly id: string;
  readonly data: RoadMapData;
  readonly lanes: LaneInfo[] = [];
  private readonly byId = new Map<string, LaneInfo>();
  private readonly grid = new Map<number, number[]>();
  /** Per lane (by index), its polygon's boundary index for `distanceToDrivable`, built on first use. */
  private readonly rings: (RingIndex | undefined)[] = [];
  private readonly areaGrid = new Map<number, number[]>();
  private readonly areas: { poly: Polygon; flat: Float64Array }[] = [];
  /** Junction polygons (paved: nuPlan's DRIVABLE_AREA covers intersections) with their bounds. */
  private readonly junctionAreas: {
    flat: Float64Array;
    minX: number;
    minY: number;
    maxX: number;
    maxY: number;
  }[] = [];
  readonly bounds: { minX: number; minY: number; maxX: number; maxY: number };
  private readonly scratch: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
  /** Per lane (by index): its centreline's bounds (min x, min y, max x, max y) and largest half-width (`locate`'s pre-check). */
  private readonly lineBounds: Float64Array;
  private readonly maxHalfWidth: Float64Array;

  constructor(data: RoadMapData) {
    this.id = data.id;
    this.data = data;
    const stopsByLane = new Map<string, StopLine[]>();
    for (const sl of data.stopLines) {
      const list = stopsByLane.get(sl.laneId) ?? [];
      list.push(sl);
      stopsByLane.set(sl.laneId, list);
    }
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    this.lineBounds = new Float64Array(4 * data.lanes.length);
    this.maxHalfWidth = new Float64Array(data.lanes.length);
    data.lanes.forEach((lane, index) => {
      const line = new Polyline(lane.centerline);
      const widths =
        lane.widthsM && lane.widthsM.length === lane.centerline.length
          ? keptVertexWidths(lane.centerline, lane.widthsM)
          : undefined;
      const polygon = widths ? variableStripPolygon(line, widths) : stripPolygon(line, lane.widthM);
      const info: LaneInfo = {
        ...(widths ? { widths } : {}),
        data: lane,
        index,
        line,
        polygon,
        flat: flatten(polygon),
        drivable: DRIVABLE_TYPES.has(lane.type),
        stopLines: (stopsByLane.get(lane.id) ?? []).sort((a, b) => a.sM - b.sM),
      };
      this.lanes.push(info);
      this.byId.set(lane.id, info);
      const lb = polygonBounds(lane.centerline);
      this.lineBounds.set([lb.minX, lb.minY, lb.maxX, lb.maxY], 4 * index);
      let w = lane.widthM;
      if (widths) for (const wi of widths) w = Math.max(w, wi);
      // a turn of over 60° at a vertex (a hairpin, a step back between joined lanes) lets a pose
      // far off the lane project with a small |d| on the segment ending there: never pre-checked
      let sharp = false;
      for (let j = 1; j < line.segHeading.length && !sharp; j++)
        sharp = !(
          Math.abs(angleDiff(line.segHeading[j]!, line.segHeading[j - 1]!)) <= LOCATE_PRECHECK_TURN_RAD
        );
      this.maxHalfWidth[index] = sharp ? Number.POSITIVE_INFINITY : w / 2;
      const b = polygonBounds(polygon);
      this.insert(this.grid, b, index);
      minX = Math.min(minX, b.minX);
      minY = Math.min(minY, b.minY);
      maxX = Math.max(maxX, b.maxX);
      maxY = Math.max(maxY, b.maxY);
    });
    data.drivableAreas.forEach((poly, i) => {
      this.areas.push({ poly, flat: flatten(poly) });
      this.insert(this.areaGrid, polygonBounds(poly), i);
    });
    for (const j of data.junctions)
      if (j.polygon && j.polygon.length >= 3)
        this.junctionAreas.push({ flat: flatten(j.polygon), ...polygonBounds(j.polygon) });
    this.bounds = { minX, minY, maxX, maxY };
  }

  /** Parses and builds a map from untrusted data; errors name the field. */
  static fromData(data: unknown, where = 'map'): Result<RoadMap> {
    const parsed = parseWith(RoadMapSchema, data, where);
    if (!parsed.ok) return parsed;
    const ids = new Set(parsed.value.lanes.map((l) => l.id));
    const seen = new Set<string>();
    for (const [i, l] of parsed.value.lanes.entries()) {
      if (seen.has(l.id))
        return fail('INVALID_INPUT', `${where}:lanes.${i}.id`, `lane id ${l.id} given twice`);
      seen.add(l.id);
      // (the Polyline would throw an internal error on a lane of one distinct point; a lane far out
      // or across a continent would fill the spatial grid until the process runs out of memory)
      // the points a Polyline keeps: each more than 1e-6 m from the last kept one
      let kept = 0;
      let last: { x: number; y: number } | undefined;
      for (const p of l.centerline)
        if (!last || Math.hypot(p.x - last.x, p.y - last.y) > 1e-6) {
          last = p;
          kept++;
        }
      if (kept < 2)
        return fail('INVALID_INPUT', `${where}:lanes.${i}.centerline`, 'needs at least two distinct points');
      const b = polygonBounds(l.centerline);
      const cells =
        (Math.floor(b.maxX / CELL_M) - Math.floor(b.minX / CELL_M) + 1) *
        (Math.floor(b.maxY / CELL_M) - Math.floor(b.minY / CELL_M) + 1);
      if (Math.max(-b.minX, b.maxX, -b.minY, b.maxY) > MAX_COORD_M || cells > MAX_LANE_CELLS)
        return fail(
          'INVALID_INPUT',
          `${where}:lanes.${i}.centerline`,
          `lane ${l.id} reaches beyond ${MAX_COORD_M} m from the origin or spans more than ${MAX_LANE_CELLS} grid cells of ${CELL_M} m`,
        );
      if (l.widthsM && l.widthsM.length !== l.centerline.length) {
        const n = l.centerline.length;
        return fail(
          'INVALID_INPUT',
          `${where}:lanes.${i}.widthsM`,
          `${l.widthsM.length} widths for ${n} points`,
        );
      }
      for (const ref of [...l.successors, ...l.predecessors, l.left?.laneId, l.right?.laneId]) {
        if (ref !== undefined && !ids.has(ref)) {
          return fail('INVALID_INPUT', `${where}:lanes.${i}`, `lane ${l.id} refers to unknown lane ${ref}`);
        }
      }
    }
    return ok(new RoadMap(parsed.value));
  }

  /**
   * A grid cell's key: one integer per cell, shifted by −2³¹ so that the cells within ±32768 of the
   * origin (±524 km) key a small integer — a key above 2³¹ is a heap number, allocated at every
   * lookup (the gate's `isDrivable` asks four corners per roll-out step). The same cells share a
   * key as before the shift.
   */
  private static key(ix: number, iy: number): number {
    return (ix + 32768) * 65536 + (iy + 32768) - 2147483648;
  }

  private insert(
    grid: Map<number, number[]>,
    b: { minX: number; minY: number; maxX: number; maxY: number },
    index: number,
  ): void {
    for (let ix = Math.floor(b.minX / CELL_M); ix <= Math.floor(b.maxX / CELL_M); ix++) {
      for (let iy = Math.floor(b.minY / CELL_M); iy <= Math.floor(b.maxY / CELL_M); iy++) {
        const k = RoadMap.key(ix, iy);
        const cell = grid.get(k);
        if (cell) cell.push(index);
        else grid.set(k, [index]);
      }
    }
  }

  lane(id: string): LaneInfo | undefined {
    return this.byId.get(id);
  }

  /** The lane with this id; throws (a programming error) when it does not exist. */
  mustLane(id: string): LaneInfo {
    const l = this.byId.get(id);
    if (!l) throw new Error(`unknown lane ${id} in map ${this.id}`);
    return l;
  }

  /**
   * Width of a lane at arc length s along its centreline, m: interpolated between the per-point
   * widths when the lane has them (tapers), else its constant width; undefined for an unknown lane.
   */
  laneWidthAt(laneId: string, sM: number): number | undefined {
    const l = this.byId.get(laneId);
    return l ? RoadMap.widthOf(l, sM) : undefined;
  }

  private static widthOf(l: LaneInfo, sM: number): number {
    const w = l.widths;
    if (!w) return l.data.widthM;
    const line = l.line;
    if (sM <= 0) return w[0]!;
    if (sM >= line.length) return w[w.length - 1]!;
    const i = line.segmentAt(sM);
    const d = line.s[i + 1]! - line.s[i]!;
    return d > 0 ? w[i]! + ((w[i + 1]! - w[i]!) * (sM - line.s[i]!)) / d : w[i]!;
  }

  /** Indices of lanes whose polygon bounds touch the square of half-size r around (x, y). */
  lanesNear(x: number, y: number, radiusM: number, out: Set<number> = new Set()): Set<number> {
    out.clear();
    // only the cells the lanes fill: a point 1e18 m away (an ego state at 1e300 m/s rolled out)
    // made cell indices past 2^53, where ix++ no longer moves, and `safety check` never returned
    const b = this.bounds;
    const ix1 = Math.min(Math.floor((x + radiusM) / CELL_M), Math.floor(b.maxX / CELL_M));
    const iy0 = Math.max(Math.floor((y - radiusM) / CELL_M), Math.floor(b.minY / CELL_M));
    const iy1 = Math.min(Math.floor((y + radiusM) / CELL_M), Math.floor(b.maxY / CELL_M));
    for (
      let ix = Math.max(Math.floor((x - radiusM) / CELL_M), Math.floor(b.minX / CELL_M));
      ix <= ix1;
      ix++
    ) {
      for (let iy = iy0; iy <= iy1; iy++) {
        const cell = this.grid.get(RoadMap.key(ix, iy));
        if (cell) for (const i of cell) out.add(i);
      }
    }
    return out;
  }

  /** Lanes whose polygon contains (x, y). */
  lanesAt(x: number, y: number): LaneInfo[] {
    const cell = this.grid.get(RoadMap.key(Math.floor(x / CELL_M), Math.floor(y / CELL_M)));
    const out: LaneInfo[] = [];
    if (!cell) return out;
    for (const i of cell) {
      const l = this.lanes[i]!;
      if (this.inLane(i, x, y)) out.push(l);
    }
    return out;
  }

  /** Whether (x, y) lies in lane `i`'s polygon (a long polygon through its `RingIndex`). */
  private inLane(i: number, x: number, y: number): boolean {
    const l = this.lanes[i]!;
    return l.polygon.length > RING_INDEX_MIN
      ? (this.rings[i] ??= new RingIndex(l.polygon)).contains(x, y)
      : pointInPolygon(x, y, l.flat);
  }

  /**
   * Localises a pose on the lane network: the containing lane whose direction best matches the
   * heading (if given), else the nearest lane centreline within `maxDistM`.
   */
  locate(
    x: number,
    y: number,
    headingRad?: number,
    maxDistM = 5,
    candidates?: ReadonlyArray<string>,
  ): LaneLocation | undefined {
    let best: LaneLocation | undefined;
    let bestCost = Infinity;
    const consider = (l: LaneInfo): void => {
      if (this.beyondReach(l.index, x, y, maxDistM)) return;
      const f = l.line.project(x, y, this.scratch);
      const sClamped = Math.min(Math.max(f.sM, 0), l.line.length);
      const outside = Math.max(0, -f.sM, f.sM - l.line.length);
      const lateral = Math.abs(f.dM);
      const half = (l.widths ? RoadMap.widthOf(l, sClamped) : l.data.widthM) / 2;
      if (lateral > maxDistM + half || outside > maxDistM) return;
      const headingErr = headingRad === undefined ? 0 : angleDiff(headingRad, l.line.headingAt(sClamped));
      // Inside the lane's width costs nothing; beyond it costs its distance. Heading mismatch is
      // weighted so that in overlapping junction lanes the aligned one wins.
      const cost = Math.max(0, lateral - half) + outside + 4 * Math.abs(headingErr) + 0.01 * lateral;
      if (cost < bestCost) {
        bestCost = cost;
        best = { laneId: l.data.id, sM: f.sM, dM: f.dM, headingErrRad: headingErr };
      }
    };
    if (candidates) {
      for (const id of candidates) {
        const l = this.byId.get(id);
        if (l) consider(l);
      }
      if (best) return best;
    }
    for (const i of this.lanesNear(x, y, maxDistM + 4)) consider(this.lanes[i]!);
    return best;
  }

  /**
   * Whether `locate` must reject lane `i` for (x, y) whatever its projection. A lane is taken only
   * with |d| ≤ maxDistM + half-width (`half`) and at most maxDistM past an end. The projection's
   * foot is on a segment, at most maxDistM past an end along the end segment's line, or at a
   * vertex the segment's clamp stops at; there, with every turn between segments at most 60°
   * (`LOCATE_PRECHECK_TURN_RAD`), the pose lies within the vertex's normal cone and |d| ≥ r·cos 60°
   * of its distance r. So an accepted pose lies within 2·(maxDistM + half) + maxDistM of a
   * centreline point, inside the centreline's bounds; a pose farther from those bounds (+ 1 m for
   * rounding) is skipped without the projection, which on a route of long lanes was most of a
   * run's CPU (only lanes the full search would reject are skipped: the result is its own, to the
   * bit). A lane with a sharper turn is never skipped; NaN never skips.
   */
  private beyondReach(i: number, x: number, y: number, maxDistM: number): boolean {
    const b = this.lineBounds;
    const k = 4 * i;
    const dx = x < b[k]! ? b[k]! - x : x > b[k + 2]! ? x - b[k + 2]! : 0;
    const dy = y < b[k + 1]! ? b[k + 1]! - y : y > b[k + 3]! ? y - b[k + 3]! : 0;
    const r = 3 * maxDistM + 2 * this.maxHalfWidth[i]! + 1;
    return dx * dx + dy * dy > r * r;
  }

  /** True when (x, y) lies on the drivable area (a drivable lane or an extra drivable polygon). */
  isDrivable(x: number, y: number): boolean {
    const k = RoadMap.key(Math.floor(x / CELL_M), Math.floor(y / CELL_M));
    const cell = this.grid.get(k);
    if (cell) {
      for (const i of cell) if (this.lanes[i]!.drivable && this.inLane(i, x, y)) return true;
    }
    const acell = this.areaGrid.get(k);
    if (acell) for (const i of acell) if (pointInPolygon(x, y, this.areas[i]!.flat)) return true;
    return false;
  }

  /**
   * Whether (x, y) lies in a junction's polygon (a junction without one is the union of its lanes,
   * which `isDrivable` covers). nuPlan's drivable area covers intersections: a turn's corner that
   * swings beyond its connector lane is still on the paved junction.
   */
  inJunctionArea(x: number, y: number): boolean {
    for (const j of this.junctionAreas)
      if (x >= j.minX && x <= j.maxX && y >= j.minY && y <= j.maxY && pointInPolygon(x, y, j.flat))
        return true;
    return false;
  }

  /** Distance from (x, y) to the drivable area, m (0 when on it). Searches within `searchM`. */
  distanceToDrivable(x: number, y: number, searchM = 10): number {
    if (this.isDrivable(x, y)) return 0;
    let best = searchM;
    for (const i of this.lanesNear(x, y, searchM)) {
      const l = this.lanes[i]!;
      if (!l.drivable) continue;
      const d =
        l.polygon.length > RING_INDEX_MIN
          ? (this.rings[i] ??= new RingIndex(l.polygon)).distance(x, y, best)
          : pointPolygonBoundaryDistance(x, y, l.polygon);
      if (d < best) best = d;
    }
    for (const a of this.areas) {
      const b = polygonBounds(a.poly);
      if (x < b.minX - best || x > b.maxX + best || y < b.minY - best || y > b.maxY + best) continue;
      const d = pointPolygonBoundaryDistance(x, y, a.poly);
      if (d < best) best = d;
    }
    return best;
  }

  /**
   * Shortest lane route from `fromLaneId` to `toLaneId` (`planRoute`'s lanes: each lane change
   * inside a stretch whose marking lets it cross, where the map allows that).
   */
  route(fromLaneId: string, toLaneId: string): Result<string[]> {
    const r = this.planRoute(fromLaneId, toLaneId);
    return r.ok ? ok(r.value.laneIds) : r;
  }

  /**
   * Shortest lane route from `fromLaneId` to `toLaneId` over successors (cost: lane length) and
   * same-direction lane changes (cost: LANE_CHANGE_COST_M), each change placed inside a stretch of
   * the from-lane's marking on that side that lets it cross (`crossableStretches`) with the room it
   * needs there (`changeRoomM`, at the lane's limit) left after where the ego is on that lane —
   * the route's start (`entryM`, lane arc length on `fromLaneId`), or the end of the change before:
   * two changes on one road follow one another, the second no earlier than the first is done.
   * Routes of equal cost (within `COST_TIE_M`: parallel lanes differ in length by decimetres)
   * change lanes as early as they can. Where no route meets that, the changes get the least room
   * (`CHANGE_ROOM_MIN_M`: the ego slows for them), and failing that — or where placing them on the
   * marking costs a detour of more than `DETOUR_MAX_M` (round a block to come back into the lane
   * missed) — they are placed as before markings were read (the lane's `changeAllowed`, anywhere
   * on it): `placement` says which.
   * Label-setting search over (lane, where the next change may begin).
   */
  planRoute(fromLaneId: string, toLaneId: string, entryM = 0): Result<LaneRoutePlan> {
    if (!this.byId.has(fromLaneId)) return fail('NOT_FOUND', 'from', `unknown lane ${fromLaneId}`);
    if (!this.byId.has(toLaneId)) return fail('NOT_FOUND', 'to', `unknown lane ${toLaneId}`);
    const base = this.searchRoute(fromLaneId, toLaneId, 0, undefined);
    if (!base) return fail('NO_ROUTE', 'to', `no route from lane ${fromLaneId} to lane ${toLaneId}`);
    const tiers: [LaneRoutePlan['placement'], (l: LaneInfo) => number][] = [
      ['marked', changeRoomM],
      ['slow', () => CHANGE_ROOM_MIN_M],
    ];
    for (const [placement, need] of tiers) {
      const r = this.searchRoute(fromLaneId, toLaneId, Math.max(0, entryM), need);
      if (r && r.cost <= base.cost + DETOUR_MAX_M)
        return ok({ laneIds: r.laneIds, exitEntryM: r.exitEntryM, placement });
    }
    return ok({ laneIds: base.laneIds, exitEntryM: 0, placement: 'unplaced' });
  }

  /**
   * One pass of `planRoute`: with `needOf` (the room a change from a lane needs, m) changes are
   * placed on the marking; without it, as before markings were read (every `changeAllowed`
   * neighbour, anywhere on the lane).
   */
  private searchRoute(
    fromLaneId: string,
    toLaneId: string,
    entryM: number,
    needOf: ((l: LaneInfo) => number) | undefined,
  ): { laneIds: string[]; exitEntryM: number; cost: number } | undefined {
    interface Label {
      laneId: string;
      /** Lane arc length from which a change off this lane may begin, m. */
      entryM: number;
      cost: number;
      /** Sum of the route costs at which the changes so far begin (lower: earlier). */
      early: number;
      prev: Label | undefined;
      dead: boolean;
    }
    const kept = new Map<string, Label[]>();
    const open: Label[] = [];
    const add = (l: Label): void => {
      const list = kept.get(l.laneId);
      if (list) {
        for (const k of list)
          if (!k.dead && k.cost <= l.cost + 1e-6 && k.entryM <= l.entryM + 1e-6 && k.early <= l.early + 1e-6)
            return;
        for (const k of list)
          if (l.cost <= k.cost + 1e-6 && l.entryM <= k.entryM + 1e-6 && l.early <= k.early + 1e-6)
            k.dead = true;
        list.push(l);
      } else kept.set(l.laneId, [l]);
      open.push(l);
    };
    const before = (a: Label, b: Label): boolean => {
      if (Math.abs(a.cost - b.cost) > COST_TIE_M) return a.cost < b.cost;
      if (a.early !== b.early) return a.early < b.early;
      return a.cost < b.cost;
    };
    add({
      laneId: fromLaneId,
      entryM: needOf ? entryM : 0,
      cost: 0,
      early: 0,
      prev: undefined,
      dead: false,
    });
    while (open.length > 0) {
      let bi = 0;
      for (let i = 1; i < open.length; i++) if (before(open[i]!, open[bi]!)) bi = i;
      const cur = open[bi]!;
      open[bi] = open[open.length - 1]!;
      open.pop();
      if (cur.dead) continue;
      if (cur.laneId === toLaneId) {
        const laneIds: string[] = [];
        for (let l: Label | undefined = cur; l; l = l.prev) laneIds.push(l.laneId);
        return { laneIds: laneIds.reverse(), exitEntryM: cur.entryM, cost: cur.cost };
      }
      const lane = this.byId.get(cur.laneId)!;
      const len = lane.line.length;
      for (const s of lane.data.successors) {
        if (!this.byId.has(s)) continue;
        add({
          laneId: s,
          entryM: Math.max(0, cur.entryM - len),
          cost: cur.cost + len,
          early: cur.early,
          prev: cur,
          dead: false,
        });
      }
      for (const side of ['left', 'right'] as const) {
        const nb = side === 'left' ? lane.data.left : lane.data.right;
        if (!nb || nb.opposite) continue;
        const next = this.byId.get(nb.laneId);
        if (!next) continue;
        if (!needOf) {
          if (!nb.changeAllowed) continue;
          add({
            laneId: nb.laneId,
            entryM: 0,
            cost: cur.cost + LANE_CHANGE_COST_M,
            early: cur.early,
            prev: cur,
            dead: false,
          });
          continue;
        }
        // a marking that turns crossable past a solid start lets a driving lane change into a driving lane
        if (!nb.changeAllowed && !(lane.data.type === 'driving' && next.data.type === 'driving')) continue;
        const need = needOf(lane);
        // a change is drawn on its from-lane (`RoutePath`): one begun less than the least room
        // before the lane's end is no change there
        const stretches = crossableStretches(lane.data, side, len);
        const a = earliestCrossing(stretches, cur.entryM, need, len - CHANGE_ROOM_MIN_M);
        if (a === undefined) continue;
        // where on this lane the stretch the change begins in ends
        const endM = Math.min(stretches.find((x) => x.fromM <= a && x.toM > a)?.toM ?? len, len);
        add({
          laneId: nb.laneId,
          entryM: ((a + need) * next.line.length) / Math.max(len, 1e-6),
          cost: cur.cost + LANE_CHANGE_COST_M,
          // a change squeezed into less of its lane than it needs (one that goes on over the next
          // lanes' line) ranks as one made SQUEEZE_WEIGHT times its shortfall later
          early: cur.early + cur.cost + a + SQUEEZE_WEIGHT * Math.max(0, need - (endM - a)),
          prev: cur,
          dead: false,
        });
      }
    }
    return undefined;
  }

  /** Relation between consecutive route lanes: successor, left/right lane change, or none. */
  relation(fromId: string, toId: string): 'successor' | 'left' | 'right' | 'none' {
    const l = this.byId.get(fromId);
    if (!l) return 'none';
    if (l.data.successors.includes(toId)) return 'successor';
    if (l.data.left?.laneId === toId) return 'left';
    if (l.data.right?.laneId === toId) return 'right';
    return 'none';
  }
}
