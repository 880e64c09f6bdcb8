/**
 * Point → drivable polygons containing it, fast enough for PDM's ego-area checks (15 proposals ×
 * 41 steps × 5 points per planning call). The polygons are the map's drivable lane strips (the
 * same ones `RoadMap.isDrivable` tests, as in PDM's drivable-area map of lane polygons) plus the
 * extra drivable areas (PDM's car parks). Each lane strip is cut into short quads between its
 * offset vertices, so their union is exactly the strip polygon, and the quads sit in a uniform
 * grid: a query touches a few 4-vertex polygons instead of a lane's whole outline.
 *
 * Polygon ids: lane i of `map.lanes` → i; extra drivable area k → map.lanes.length + k.
 * With `junctionBoxes: false` an extra drivable area that is a junction's own polygon (nuPlan's
 * intersection layer, which PDM's drivable-area map leaves out) holds no point; its id stays.
 */
import { pointInPolygon, type Vec2 } from '../../../core/index.ts';
import type { RoadMap } from '../../../core/map/index.ts';

/** Grid cell size, m. */
const CELL_M = 4;
/** Longest quad edge along the lane, m (long straight segments are subdivided). */
const MAX_QUAD_M = 2;

/**
 * A grid cell's key, shifted so that the origin's cell keys 0: cells within ±1024 columns of it
 * (±4 km) key a small integer — a key above 2³¹ is a heap number, allocated at every lookup (≈ 3000
 * per planning call). The same cells share a key as before the shift.
 */
function cellKey(ix: number, iy: number): number {
  return (ix + 1_000_000) * 2_097_152 + (iy + 1_000_000) - 2_097_153_000_000;
}

export class LaneAreaIndex {
  /** Number of polygon ids (lanes + extra drivable areas). */
  readonly polygonCount: number;
  /**
   * Per polygon id, 0 = left out of the queries (PDM-Closed's drivable-area map holds only what lies
   * within its map radius, re-queried every call); null = every polygon counts.
   */
  active: Uint8Array | null = null;
  private readonly quadPoly: number[] = [];
  private readonly quadXY: number[] = [];
  private readonly areaFlat: Float64Array[] = [];
  private readonly grid = new Map<number, number[]>();
  private readonly laneCount: number;

  /**
   * `variableWidths`: a lane with per-vertex widths (`Lane.widthsM`) is cut at those widths, as
   * its RoadMap polygon is (default: its mean `widthM` throughout).
   */
  constructor(map: RoadMap, opts: { junctionBoxes?: boolean; variableWidths?: boolean } = {}) {
    this.laneCount = map.lanes.length;
    const junctionBoxes = opts.junctionBoxes ?? true;
    const p = { x: 0, y: 0, headingRad: 0 };
    for (const lane of map.lanes) {
      if (!lane.drivable) continue;
      const line = lane.line;
      const hw = lane.data.widthM / 2;
      const widths = opts.variableWidths ? lane.widths : undefined;
      let lx0 = 0;
      let ly0 = 0;
      let rx0 = 0;
      let ry0 = 0;
      for (let i = 0; i < line.size; i++) {
        const h = widths ? widths[i]! / 2 : hw;
        line.toCartesian(line.s[i]!, h, p);
        const lx1 = p.x;
        const ly1 = p.y;
        line.toCartesian(line.s[i]!, -h, p);
        const rx1 = p.x;
        const ry1 = p.y;
        if (i > 0) {
          const segLen = line.s[i]! - line.s[i - 1]!;
          const k = Math.max(1, Math.ceil(segLen / MAX_QUAD_M));
          for (let q = 0; q < k; q++) {
            const u0 = q / k;
            const u1 = (q + 1) / k;
            this.addQuad(
              lane.index,
              lx0 + u0 * (lx1 - lx0),
              ly0 + u0 * (ly1 - ly0),
              lx0 + u1 * (lx1 - lx0),
              ly0 + u1 * (ly1 - ly0),
              rx0 + u1 * (rx1 - rx0),
              ry0 + u1 * (ry1 - ry0),
              rx0 + u0 * (rx1 - rx0),
              ry0 + u0 * (ry1 - ry0),
            );
          }
        }
        lx0 = lx1;
        ly0 = ly1;
        rx0 = rx1;
        ry0 = ry1;
      }
    }
    map.data.drivableAreas.forEach((poly: Vec2[], k: number) => {
      const flat = new Float64Array(poly.length * 2);
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      poly.forEach((v, i) => {
        flat[2 * i] = v.x;
        flat[2 * i + 1] = v.y;
        minX = Math.min(minX, v.x);
        minY = Math.min(minY, v.y);
        maxX = Math.max(maxX, v.x);
        maxY = Math.max(maxY, v.y);
      });
      this.areaFlat.push(flat);
      if (!junctionBoxes && map.data.junctions.some((j) => j.polygon && samePolygon(j.polygon, poly))) return;
      // Areas are entered as negative entries (−1 − k) to tell them from quads.
      this.insert(minX, minY, maxX, maxY, -1 - k);
    });
    this.polygonCount = this.laneCount + this.areaFlat.length;
  }

  private addQuad(lane: number, ...xy: number[]): void {
    const q = this.quadPoly.length;
    this.quadPoly.push(lane);
    this.quadXY.push(...xy);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < 8; i += 2) {
      minX = Math.min(minX, xy[i]!);
      maxX = Math.max(maxX, xy[i]!);
      minY = Math.min(minY, xy[i + 1]!);
      maxY = Math.max(maxY, xy[i + 1]!);
    }
    this.insert(minX, minY, maxX, maxY, q);
  }

  private insert(minX: number, minY: number, maxX: number, maxY: number, entry: number): void {
    for (let ix = Math.floor(minX / CELL_M); ix <= Math.floor(maxX / CELL_M); ix++) {
      for (let iy = Math.floor(minY / CELL_M); iy <= Math.floor(maxY / CELL_M); iy++) {
        const k = cellKey(ix, iy);
        const cell = this.grid.get(k);
        if (cell) cell.push(entry);
        else this.grid.set(k, [entry]);
      }
    }
  }

  /**
   * The point `polygonsAtQuery` looks up, (x, y), written by the caller: numbers handed to a method
   * that is not inlined are boxed (16 B each), numbers written into a Float64Array are not — PDM's
   * scorer asks 3000 points per planning call (idm / pdm-closed stacks, 2026-12-06).
   */
  readonly query = new Float64Array(2);

  /**
   * Writes the distinct ids of the drivable polygons containing (x, y) into `out` and returns how
   * many (at most out.length).
   */
  polygonsAt(x: number, y: number, out: Int32Array): number {
    this.query[0] = x;
    this.query[1] = y;
    return this.polygonsAtQuery(out);
  }

  /** `polygonsAt` of the point in `query`. */
  polygonsAtQuery(out: Int32Array): number {
    const x = this.query[0]!;
    const y = this.query[1]!;
    const cell = this.grid.get(cellKey(Math.floor(x / CELL_M), Math.floor(y / CELL_M)));
    if (!cell) return 0;
    let n = 0;
    const xy = this.quadXY;
    for (let c = 0; c < cell.length; c++) {
      const e = cell[c]!;
      let id: number;
      if (e >= 0) {
        id = this.quadPoly[e]!;
        if (this.active !== null && this.active[id] === 0) continue;
        if (alreadyIn(out, n, id)) continue;
        // Even-odd test on the quad (inlined: this runs thousands of times per planning call).
        const b = 8 * e;
        let inside = false;
        for (let i = 0, j = 3; i < 4; j = i++) {
          const xi = xy[b + 2 * i]!;
          const yi = xy[b + 2 * i + 1]!;
          const xj = xy[b + 2 * j]!;
          const yj = xy[b + 2 * j + 1]!;
          if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
        if (!inside) continue;
      } else {
        id = this.laneCount + (-1 - e);
        if (this.active !== null && this.active[id] === 0) continue;
        if (alreadyIn(out, n, id)) continue;
        if (!pointInPolygon(x, y, this.areaFlat[-1 - e]!)) continue;
      }
      if (n < out.length) out[n++] = id;
    }
    return n;
  }

  /** True when (x, y) lies on some drivable polygon (same answer as `RoadMap.isDrivable`). */
  isDrivable(x: number, y: number, scratch: Int32Array): boolean {
    return this.polygonsAt(x, y, scratch) > 0;
  }
}

function alreadyIn(out: Int32Array, n: number, id: number): boolean {
  for (let i = 0; i < n; i++) if (out[i] === id) return true;
  return false;
}

/** Same vertices in the same order (within 1 cm). */
function samePolygon(a: ReadonlyArray<Vec2>, b: ReadonlyArray<Vec2>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i]!.x - b[i]!.x) > 0.01 || Math.abs(a[i]!.y - b[i]!.y) > 0.01) return false;
  }
  return true;
}
