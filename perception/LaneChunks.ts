/**
 * Per-map lane geometry cut into short chunks with bounding boxes, built once per map. Long lanes
 * (CARLA highway lanes run 600 m with a vertex every metre) are then culled chunk by chunk: the
 * raster draws and the lane graph projects only the pieces near the ego.
 *
 * For each lane: centreline, left and right edge vertices (same count as the centreline: the
 * edges are the centreline offset by ±width/2 at each vertex, as `stripPolygon`), and chunks of
 * at most CHUNK_VERTICES vertices (consecutive chunks share their end vertex).
 */
import type { LaneInfo, RoadMap } from '../core/map/index.ts';

/** Vertices per chunk: ~16 m at CARLA's 1 m sampling, one or two chunks for procedural lanes. */
const CHUNK_VERTICES = 17;
/** Grid cell of the chunk index, m (about half a chunk: queries touch few cells, cells hold few chunks). */
const CELL_M = 8;

export interface LaneChunkSet {
  readonly lane: LaneInfo;
  /** Centreline, left edge, right edge: flat [x0, y0, x1, y1, …], n vertices each. */
  readonly center: Float64Array;
  readonly left: Float64Array;
  readonly right: Float64Array;
  /** Per chunk: first vertex, last vertex (inclusive). */
  readonly range: Int32Array;
  /** Per chunk: minX, minY, maxX, maxY of the strip (edges included). */
  readonly bounds: Float64Array;
  /** Per chunk: arc length of its first and last vertex, m. */
  readonly s: Float64Array;
  readonly count: number;
}

export class LaneChunks {
  readonly lanes: LaneChunkSet[];
  /** Global chunk id → lane index and chunk index within the lane. */
  readonly chunkLane: Int32Array;
  readonly chunkK: Int32Array;
  /** Half the width of the widest lane, m. */
  readonly maxHalfWidthM: number;
  /** Result of the last `query`: global chunk ids (valid until the next query). */
  result: Int32Array;
  private readonly grid = new Map<number, Int32Array>();
  private readonly stamp: Uint32Array;
  private tick = 0;

  constructor(map: RoadMap) {
    const pose = { x: 0, y: 0, headingRad: 0 };
    this.lanes = map.lanes.map((lane) => {
      const line = lane.line;
      const n = line.size;
      const center = new Float64Array(2 * n);
      const left = new Float64Array(2 * n);
      const right = new Float64Array(2 * n);
      const half = lane.data.widthM / 2;
      for (let i = 0; i < n; i++) {
        center[2 * i] = line.xs[i]!;
        center[2 * i + 1] = line.ys[i]!;
        line.toCartesian(line.s[i]!, half, pose);
        left[2 * i] = pose.x;
        left[2 * i + 1] = pose.y;
        line.toCartesian(line.s[i]!, -half, pose);
        right[2 * i] = pose.x;
        right[2 * i + 1] = pose.y;
      }
      const count = Math.max(1, Math.ceil((n - 1) / (CHUNK_VERTICES - 1)));
      const range = new Int32Array(2 * count);
      const bounds = new Float64Array(4 * count);
      const s = new Float64Array(2 * count);
      for (let k = 0; k < count; k++) {
        const i0 = k * (CHUNK_VERTICES - 1);
        const i1 = Math.min(n - 1, i0 + CHUNK_VERTICES - 1);
        range[2 * k] = i0;
        range[2 * k + 1] = i1;
        s[2 * k] = line.s[i0]!;
        s[2 * k + 1] = line.s[i1]!;
        let minX = Infinity;
        let minY = Infinity;
        let maxX = -Infinity;
        let maxY = -Infinity;
        for (let i = i0; i <= i1; i++) {
          for (const f of [left, right, center]) {
            const x = f[2 * i]!;
            const y = f[2 * i + 1]!;
            if (x < minX) minX = x;
            if (y < minY) minY = y;
            if (x > maxX) maxX = x;
            if (y > maxY) maxY = y;
          }
        }
        bounds.set([minX, minY, maxX, maxY], 4 * k);
      }
      return { lane, center, left, right, range, bounds, s, count };
    });
    const total = this.lanes.reduce((n, l) => n + l.count, 0);
    this.maxHalfWidthM = this.lanes.reduce((w, l) => Math.max(w, l.lane.data.widthM / 2), 0);
    this.chunkLane = new Int32Array(total);
    this.chunkK = new Int32Array(total);
    this.stamp = new Uint32Array(total);
    this.result = new Int32Array(Math.min(total, 1024));
    const cells = new Map<number, number[]>();
    let id = 0;
    for (const set of this.lanes) {
      for (let k = 0; k < set.count; k++, id++) {
        this.chunkLane[id] = set.lane.index;
        this.chunkK[id] = k;
        const b = set.bounds;
        for (let ix = Math.floor(b[4 * k]! / CELL_M); ix <= Math.floor(b[4 * k + 2]! / CELL_M); ix++) {
          for (let iy = Math.floor(b[4 * k + 1]! / CELL_M); iy <= Math.floor(b[4 * k + 3]! / CELL_M); iy++) {
            const key = LaneChunks.key(ix, iy);
            const list = cells.get(key);
            if (list) list.push(id);
            else cells.set(key, [id]);
          }
        }
      }
    }
    for (const [key, list] of cells) this.grid.set(key, Int32Array.from(list));
  }

  /**
   * Cell key, kept below 2^26 so that it stays a small integer (no boxed double, fast Map hash).
   * Cells 65.5 km (8192 cells) apart share a key; harmless, since every candidate box is checked.
   */
  private static key(ix: number, iy: number): number {
    return ((ix & 8191) << 13) | (iy & 8191);
  }

  /**
   * Chunks whose bounding box touches the square of half-size r around (x, y), each once, into
   * `result`; returns their count. Allocates only when the result grows past its largest size.
   */
  query(x: number, y: number, r: number): number {
    this.tick = (this.tick + 1) >>> 0 || 1;
    const tick = this.tick;
    let n = 0;
    const ix1 = Math.floor((x + r) / CELL_M);
    const iy1 = Math.floor((y + r) / CELL_M);
    for (let ix = Math.floor((x - r) / CELL_M); ix <= ix1; ix++) {
      for (let iy = Math.floor((y - r) / CELL_M); iy <= iy1; iy++) {
        const cell = this.grid.get(LaneChunks.key(ix, iy));
        if (!cell) continue;
        for (let j = 0; j < cell.length; j++) {
          const id = cell[j]!;
          if (this.stamp[id] === tick) continue;
          this.stamp[id] = tick;
          const set = this.lanes[this.chunkLane[id]!]!;
          if (!LaneChunks.near(set, this.chunkK[id]!, x, y, r)) continue;
          if (n === this.result.length) {
            const grown = new Int32Array(this.result.length * 2);
            grown.set(this.result);
            this.result = grown;
          }
          this.result[n++] = id;
        }
      }
    }
    return n;
  }

  /** True when the bounding box of chunk k of `set` touches the square of half-size r around (x, y). */
  static near(set: LaneChunkSet, k: number, x: number, y: number, r: number): boolean {
    const b = set.bounds;
    return !(b[4 * k]! > x + r || b[4 * k + 2]! < x - r || b[4 * k + 1]! > y + r || b[4 * k + 3]! < y - r);
  }
}
