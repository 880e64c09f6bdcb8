/**
 * PDM's discrete path (tuplan_garage `utils/pdm_path.py`): vertices with unwrapped headings and
 * cumulative Euclidean progress; `interpolate` clips progress to [1e-5, length] and blends x, y
 * and unwrapped heading linearly; `project` is the closest-point arc length (shapely semantics,
 * clamped to the ends). Lateral paths come from `offset` (`parallel_discrete_path`: each vertex
 * shifted along heading + π/2, heading kept).
 */
import {
  angleDiff,
  type FrenetPoint,
  normalizeAngle,
  type Polyline,
  type PoseOut,
  polylineBlockBounds,
} from '../../../core/index.ts';

/** Vertex intervals per block of `projectBlocked`. */
const BLOCK = 16;
/** `project` over at least this many intervals goes by blocks. */
const BLOCKED_MIN = 64;

/** Squared distance from (x, y) to block b's bounds (0 inside). */
function blockLb(bb: Float64Array, b: number, x: number, y: number): number {
  const k = 4 * b;
  const dx = x < bb[k]! ? bb[k]! - x : x > bb[k + 2]! ? x - bb[k + 2]! : 0;
  const dy = y < bb[k + 1]! ? bb[k + 1]! - y : y > bb[k + 3]! ? y - bb[k + 3]! : 0;
  return dx * dx + dy * dy;
}

export class PdmPath {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Unwrapped vertex headings, rad. */
  readonly hs: Float64Array;
  /** Cumulative distance at each vertex, m. */
  readonly s: Float64Array;
  readonly length: number;

  constructor(xs: Float64Array, ys: Float64Array, headings: Float64Array) {
    const n = xs.length;
    this.xs = xs;
    this.ys = ys;
    this.hs = new Float64Array(n);
    this.s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.hs[i] = i === 0 ? headings[0]! : this.hs[i - 1]! + angleDiff(headings[i]!, this.hs[i - 1]!);
      if (i > 0) this.s[i] = this.s[i - 1]! + Math.hypot(xs[i]! - xs[i - 1]!, ys[i]! - ys[i - 1]!);
    }
    this.length = this.s[n - 1]!;
  }

  /**
   * Progress of the first and last vertex inside [fromS, toS] (both clipped to the path), written
   * to out[0], out[1]: the extent of pdm_path.py `substring`, which keeps the vertices in the
   * interval. With fewer than two vertices inside, the interval itself (shapely's substring).
   */
  vertexSpan(fromS: number, toS: number, out: Float64Array): Float64Array {
    const a = Math.min(Math.max(fromS, 0), this.length);
    const b = Math.min(Math.max(toS, 0), this.length);
    const s = this.s;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    let last = lo - 1;
    while (last + 1 < s.length && s[last + 1]! <= b) last++;
    if (last - lo >= 1) {
      out[0] = s[lo]!;
      out[1] = s[last]!;
    } else {
      out[0] = a;
      out[1] = b;
    }
    return out;
  }

  /** The path through a polyline's vertices; vertex heading = mean of the adjacent segments. */
  static fromPolyline(line: Polyline): PdmPath {
    const n = line.size;
    const hs = new Float64Array(n);
    const seg = line.segHeading;
    for (let i = 0; i < n; i++) {
      if (i === 0) hs[i] = seg[0]!;
      else if (i === n - 1) hs[i] = seg[n - 2]!;
      else hs[i] = seg[i - 1]! + 0.5 * angleDiff(seg[i]!, seg[i - 1]!);
    }
    return new PdmPath(Float64Array.from(line.xs), Float64Array.from(line.ys), hs);
  }

  /** A parallel path `dM` to the left (negative: right), tuplan_garage `parallel_discrete_path`. */
  offset(dM: number): PdmPath {
    const n = this.xs.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = this.hs[i]!;
      xs[i] = this.xs[i]! - dM * Math.sin(h);
      ys[i] = this.ys[i]! + dM * Math.cos(h);
    }
    return new PdmPath(xs, ys, this.hs);
  }

  /** Index i of the vertex interval [s_i, s_{i+1}] containing sM (binary search). */
  private segmentAt(sM: number): number {
    const s = this.s;
    let lo = 0;
    let hi = s.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= sM) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Axis-aligned bounds [minX, minY, maxX, maxY] of the vertices spanning [fromS, toS] (slightly
   * conservative: whole vertex intervals), written to `out` at `offset`.
   */
  bounds(fromS: number, toS: number, out: Float64Array, offset = 0): Float64Array {
    const i0 = this.segmentAt(fromS);
    const i1 = Math.min(this.segmentAt(toS) + 1, this.xs.length - 1);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = i0; i <= i1; i++) {
      const x = this.xs[i]!;
      const y = this.ys[i]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    out[offset] = minX;
    out[offset + 1] = minY;
    out[offset + 2] = maxX;
    out[offset + 3] = maxY;
    return out;
  }

  /** Pose (heading wrapped to (−π, π]) at progress sM, clipped to [1e-5, length]. */
  interpolate(sM: number, out: PoseOut): PoseOut {
    const sc = Number.isNaN(sM) ? 1e-5 : Math.min(Math.max(sM, 1e-5), this.length);
    const i = this.segmentAt(sc);
    const j = Math.min(i + 1, this.s.length - 1);
    const ds = this.s[j]! - this.s[i]!;
    const u = ds > 0 ? (sc - this.s[i]!) / ds : 0;
    out.x = this.xs[i]! + u * (this.xs[j]! - this.xs[i]!);
    out.y = this.ys[i]! + u * (this.ys[j]! - this.ys[i]!);
    out.headingRad = normalizeAngle(this.hs[i]! + u * (this.hs[j]! - this.hs[i]!));
    return out;
  }

  /**
   * Arc length of the point of the path closest to (x, y), clamped to [0, length]; only vertex
   * intervals overlapping [fromS, toS] are searched. Writes s, the signed lateral offset (left
   * positive) and the segment to `out`; returns s.
   */
  project(x: number, y: number, out: FrenetPoint, fromS = 0, toS = Infinity): number {
    const n = this.xs.length;
    const i0 = fromS > 0 ? this.segmentAt(fromS) : 0;
    const i1 = toS < this.length ? Math.min(this.segmentAt(toS) + 1, n - 1) : n - 1;
    if (i1 - i0 >= BLOCKED_MIN) return this.projectBlocked(x, y, out, i0, i1);
    const st = this.resetScan(i0);
    this.scanRange(x, y, i0, i1, st);
    out.sM = st.bestS;
    out.dM = st.bestD;
    out.segment = st.bestSeg;
    return st.bestS;
  }
  /** Per block of `BLOCK` vertex intervals: min x, min y, max x, max y of its vertices (built on first use). */
  private blockBounds: Float64Array | undefined;
  private readonly scan = { best: Infinity, bestS: 0, bestD: 0, bestSeg: 0 };

  /**
   * `project` over intervals [i0, i1) of a long path (a CARLA route of kilometres, sampled every
   * metre, is projected on whole for every sample of every route lane's polygon at PDM's first
   * iteration: 14 of a run's 16 CPU seconds): the block of intervals nearest by its bounds first,
   * then every block whose bounds are not farther than the best point so far (beyond rounding).
   * The result is the plain scan's to the bit: the least squared distance, the first interval
   * among equal ones.
   */
  private projectBlocked(x: number, y: number, out: FrenetPoint, i0: number, i1: number): number {
    const bb = this.blockBounds ?? this.buildBlocks();
    const b0 = Math.floor(i0 / BLOCK);
    const b1 = Math.floor((i1 - 1) / BLOCK);
    let first = b0;
    let firstLb = Infinity;
    for (let b = b0; b <= b1; b++) {
      const v = blockLb(bb, b, x, y);
      if (v < firstLb) {
        firstLb = v;
        first = b;
      }
    }
    const st = this.resetScan(i0);
    this.scanBlock(x, y, first, i0, i1, st);
    for (let b = b0; b <= b1; b++) {
      if (b === first || blockLb(bb, b, x, y) > st.best + 1e-6 + st.best * 1e-9) continue;
      this.scanBlock(x, y, b, i0, i1, st);
    }
    out.sM = st.bestS;
    out.dM = st.bestD;
    out.segment = st.bestSeg;
    return st.bestS;
  }

  private resetScan(i0: number): { best: number; bestS: number; bestD: number; bestSeg: number } {
    const st = this.scan;
    st.best = Infinity;
    st.bestS = 0;
    st.bestD = 0;
    st.bestSeg = i0;
    return st;
  }

  /** `project`'s step over block b's intervals within [i0, i1). */
  private scanBlock(
    x: number,
    y: number,
    b: number,
    i0: number,
    i1: number,
    st: { best: number; bestS: number; bestD: number; bestSeg: number },
  ): void {
    this.scanRange(x, y, Math.max(i0, b * BLOCK), Math.min(i1, (b + 1) * BLOCK), st);
  }

  /**
   * The nearest point of intervals [from, to) into `st`: the least squared distance, the first
   * interval among equal ones (so the blocked search, visiting blocks out of order, gives the
   * in-order scan's result to the bit); the lateral offset's sign from the interval's direction.
   */
  private scanRange(
    x: number,
    y: number,
    from: number,
    to: number,
    st: { best: number; bestS: number; bestD: number; bestSeg: number },
  ): void {
    for (let i = from; i < to; i++) {
      const ax = this.xs[i]!;
      const ay = this.ys[i]!;
      const len = this.s[i + 1]! - this.s[i]!;
      if (len <= 0) continue;
      const ux = (this.xs[i + 1]! - ax) / len;
      const uy = (this.ys[i + 1]! - ay) / len;
      const px = x - ax;
      const py = y - ay;
      let t = px * ux + py * uy;
      if (t < 0) t = 0;
      else if (t > len) t = len;
      const cx = px - t * ux;
      const cy = py - t * uy;
      const d2 = cx * cx + cy * cy;
      if (d2 < st.best || (d2 === st.best && i < st.bestSeg)) {
        st.best = d2;
        st.bestS = this.s[i]! + t;
        st.bestD = ux * py - uy * px >= 0 ? Math.sqrt(d2) : -Math.sqrt(d2);
        st.bestSeg = i;
      }
    }
  }

  private buildBlocks(): Float64Array {
    const bb = polylineBlockBounds(this.xs, this.ys, BLOCK);
    this.blockBounds = bb;
    return bb;
  }
}
