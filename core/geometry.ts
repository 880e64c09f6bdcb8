/**
 * Planar geometry in the map frame (ENU, metres, radians CCW from +x): angles, polylines with arc
 * length and Frenet projection, oriented boxes with separating-axis overlap, polygon containment.
 * Hot-path functions take preallocated outputs and allocate nothing.
 */
import { obbOverlap } from './obb.ts';
import type { Vec2 } from './schemas.ts';

const TWO_PI = 2 * Math.PI;
/** Arc-length tracking (`Polyline.track`): window behind the previous estimate, m (jitter, a pose that rolls back). */
const TRACK_BACK_M = 10;
/** Slack added to the distance the pose can have travelled, ahead of the previous estimate, m. */
const TRACK_SLACK_M = 10;
/**
 * A tracked projection farther than this off the line is lost and the whole line is searched
 * (re-localisation), m: beyond a wide lane's edge plus a lane change's offset.
 */
const TRACK_RELOCALISE_M = 8;
/** A segment agrees with a pose's heading within 60° (cos 60°): a lane change's angle, not a crossing road's. */
const TRACK_ALIGNED_COS = 0.5;

/** Wraps an angle to (-π, π]. */
export function normalizeAngle(a: number): number {
  let r = a % TWO_PI;
  if (r <= -Math.PI) r += TWO_PI;
  else if (r > Math.PI) r -= TWO_PI;
  return r;
}

/**
 * `Math.hypot(x, y)` bit for bit — V8's algorithm (builtins-math.cc / math.tq: both magnitudes
 * divided by the larger, their squares summed, the root times the larger), NaN, ±Infinity and zeros
 * as the builtin answers them — without its allocation: the builtin is called even from optimised
 * code, and each call allocates its argument copy and its result (80 B; 22 MB of the gate's 314 MB
 * over the built-in suite, 2026-12-06).
 */
export function hypot2(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax === Number.POSITIVE_INFINITY || ay === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (Number.isNaN(ax) || Number.isNaN(ay)) return Number.NaN;
  const max = Math.max(ax, ay);
  if (max === 0) return 0;
  const nx = ax / max;
  const ny = ay / max;
  return Math.sqrt(nx * nx + ny * ny) * max;
}

/** Signed smallest difference a − b, in (-π, π]. */
export function angleDiff(a: number, b: number): number {
  return normalizeAngle(a - b);
}

export interface FrenetPoint {
  /** Arc length along the polyline, m (clamped to [0, length]). */
  sM: number;
  /** Signed lateral offset, m, positive to the LEFT of the driving direction. */
  dM: number;
  /** Index of the segment the projection falls on. */
  segment: number;
}

/** Axis-aligned bounds, m. */
export interface Bounds2 {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface PoseOut {
  x: number;
  y: number;
  headingRad: number;
}

/**
 * A pose to write into: a hot path's preallocated `out`. A class, not an object literal: V8 gives
 * object literals with the same leading keys one hidden class, and zod's shapes (`z.object({ x:
 * z.number(), y: … })` in core/schemas.ts) make its `x` and `y` fields tagged, so that every number
 * stored into a literal's `x` or `y` allocates a fresh heap number (16 B) — millions per suite in the
 * gate's roll-out loops (idm stack, built-in suite, 2026-12-06). A class's instances have their own
 * hidden class, whose number fields are overwritten in place.
 */
export class PoseScratch implements PoseOut {
  x = 0;
  y = 0;
  headingRad = 0;
}

/** A pose with its speed to write into (an agent's forecast pose), a class for the reason `PoseScratch` gives. */
export class MovingPoseScratch implements PoseOut {
  x = 0;
  y = 0;
  headingRad = 0;
  speedMps = 0;
}

/**
 * A box's centre with its heading's cosine and sine to write into (the ego's footprint centre),
 * a class for the reason `PoseScratch` gives.
 */
export class CentreScratch {
  x = 0;
  y = 0;
  c = 0;
  s = 0;
}

/**
 * A projection onto a polyline with every number going in and coming out as a field
 * (`Polyline.projectQuery`, `Polyline.headingAtQuery`): a hot loop writes the point and window in
 * place and reads the result, and no number crosses a call. A number handed to a call V8 does not
 * inline is boxed into a fresh heap number (16 B), and so is one returned: in the gate's rules,
 * whose bodies are too large for their calls to be inlined, `project(x, y, out, fromS, toS)` and
 * `headingAt(s)` per agent per roll-out step boxed 4 and 2 numbers a call. A class for the reason
 * `PoseScratch` gives.
 */
export class FrenetQuery implements FrenetPoint {
  /** The point to project, m (map frame). */
  x = 0;
  y = 0;
  /** The arc-length window searched, m (±Infinity: the whole polyline; see `Polyline.project`). */
  fromS = Number.NEGATIVE_INFINITY;
  toS = Number.POSITIVE_INFINITY;
  /** The projection (`FrenetPoint`). */
  sM = 0;
  dM = 0;
  segment = 0;
  /**
   * In: the arc length `headingAtQuery` and `toCartesianQuery` take, m, and the latter's lateral
   * offset, m (left positive). Out: the heading there, rad (`toCartesianQuery` writes the point
   * into `x`, `y`).
   */
  atS = 0;
  offsetM = 0;
  headingRad = 0;
}

/**
 * The query `Polyline.project` and `Polyline.headingAt` go through (one thread; each call writes it,
 * runs the query and reads it back before returning, and the queries call neither).
 */
const SCRATCH_QUERY = new FrenetQuery();

/**
 * An immutable polyline with cumulative arc length. Duplicate consecutive points are dropped.
 * Frenet projection and interpolation are O(log n) for `poseAt` and O(n) (or O(window)) for
 * `project`.
 */
/** Segments per block of `Polyline.project`'s pruning index. */
const PROJECT_BLOCK = 16;
/** Projections over more segments than this go block by block, nearest block first. */
const PROJECT_BLOCKED_MIN = 64;

/**
 * Bounding boxes of a polyline's vertices by blocks of `block` segments (block b: vertices
 * b·block … (b+1)·block, so neighbouring blocks share a vertex): min x, min y, max x, max y per
 * block — the pruning index of a nearest-point search that goes block by block.
 */
export function polylineBlockBounds(xs: Float64Array, ys: Float64Array, block: number): Float64Array {
  const nSeg = xs.length - 1;
  const nb = Math.ceil(nSeg / block);
  const bb = new Float64Array(4 * nb);
  for (let b = 0; b < nb; b++) {
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    const last = Math.min(nSeg, (b + 1) * block);
    for (let i = b * block; i <= last; i++) {
      const px = xs[i]!;
      const py = ys[i]!;
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
    }
    bb[4 * b] = x0;
    bb[4 * b + 1] = y0;
    bb[4 * b + 2] = x1;
    bb[4 * b + 3] = y1;
  }
  return bb;
}

export class Polyline {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Cumulative arc length at each vertex, m. */
  readonly s: Float64Array;
  /** Heading of each segment, rad. */
  readonly segHeading: Float64Array;
  readonly length: number;
  /** Per block of `PROJECT_BLOCK` segments: min x, min y, max x, max y (built on first use). */
  private blockBounds: Float64Array | undefined;
  /** Scratch: each block's lower bound on the squared distance, for one projection. */
  private blockLb: Float64Array | undefined;

  constructor(points: ReadonlyArray<Vec2>) {
    const keep: Vec2[] = [];
    for (const p of points) {
      const last = keep[keep.length - 1];
      if (!last || hypot2(p.x - last.x, p.y - last.y) > 1e-6) keep.push(p);
    }
    if (keep.length < 2) throw new Error('Polyline needs at least two distinct points');
    const n = keep.length;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.s = new Float64Array(n);
    this.segHeading = new Float64Array(n - 1);
    for (let i = 0; i < n; i++) {
      this.xs[i] = keep[i]!.x;
      this.ys[i] = keep[i]!.y;
      if (i > 0) {
        const dx = this.xs[i]! - this.xs[i - 1]!;
        const dy = this.ys[i]! - this.ys[i - 1]!;
        this.s[i] = this.s[i - 1]! + hypot2(dx, dy);
        this.segHeading[i - 1] = Math.atan2(dy, dx);
      }
    }
    this.length = this.s[n - 1]!;
  }

  get size(): number {
    return this.xs.length;
  }

  /** Vertex list (allocates; not for hot paths). */
  points(): Vec2[] {
    const out: Vec2[] = [];
    for (let i = 0; i < this.xs.length; i++) out.push({ x: this.xs[i]!, y: this.ys[i]! });
    return out;
  }

  /** Segment index containing arc length s (binary search). */
  segmentAt(sM: number): number {
    const n = this.s.length;
    if (sM <= 0) return 0;
    if (sM >= this.length) return n - 2;
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.s[mid]! <= sM) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Axis-aligned bounds of the stretch [fromS, toS] (its end poses, extended straight beyond the
   * ends as `poseAt`, and the vertices between), written to `out`.
   */
  boundsBetween(
    fromS: number,
    toS: number,
    out: Bounds2,
    pose: PoseOut = { x: 0, y: 0, headingRad: 0 },
  ): Bounds2 {
    this.poseAt(fromS, pose);
    let x0 = pose.x;
    let x1 = x0;
    let y0 = pose.y;
    let y1 = y0;
    this.poseAt(toS, pose);
    x0 = Math.min(x0, pose.x);
    x1 = Math.max(x1, pose.x);
    y0 = Math.min(y0, pose.y);
    y1 = Math.max(y1, pose.y);
    const iEnd = this.segmentAt(toS);
    for (let i = this.segmentAt(fromS) + 1; i <= iEnd; i++) {
      x0 = Math.min(x0, this.xs[i]!);
      x1 = Math.max(x1, this.xs[i]!);
      y0 = Math.min(y0, this.ys[i]!);
      y1 = Math.max(y1, this.ys[i]!);
    }
    out.x0 = x0;
    out.x1 = x1;
    out.y0 = y0;
    out.y1 = y1;
    return out;
  }

  /**
   * Pose at arc length s (m). Beyond the ends the polyline is extended straight along the end
   * segment, so planners can look past a lane's end without special cases.
   */
  poseAt(sM: number, out: PoseOut = { x: 0, y: 0, headingRad: 0 }): PoseOut {
    const i = this.segmentAt(sM);
    const ds = sM - this.s[i]!;
    const h = this.segHeading[i]!;
    out.x = this.xs[i]! + ds * Math.cos(h);
    out.y = this.ys[i]! + ds * Math.sin(h);
    out.headingRad = h;
    return out;
  }

  /** Heading at arc length s, linearly blended across vertices over ±0.5 m to avoid kinks. */
  headingAt(sM: number): number {
    const q = SCRATCH_QUERY;
    q.atS = sM;
    this.headingAtQuery(q);
    return q.headingRad;
  }

  /** Curvature at s (1/m), from the heading change over the neighbouring vertices. */
  curvatureAt(sM: number): number {
    const a = this.headingAt(sM - 1);
    const b = this.headingAt(sM + 1);
    return angleDiff(b, a) / 2;
  }

  /** Map point from Frenet (s, d); d positive to the left. */
  toCartesian(sM: number, dM: number, out: PoseOut = { x: 0, y: 0, headingRad: 0 }): PoseOut {
    this.poseAt(sM, out);
    const h = this.headingAt(sM);
    out.x -= dM * Math.sin(h);
    out.y += dM * Math.cos(h);
    out.headingRad = h;
    return out;
  }

  /**
   * Projects (x, y) onto the polyline. With `fromS`/`toS` only segments overlapping that arc
   * length window are searched (local tracking). Points before the start or past the end project
   * onto the extended end segments (s may be < 0 or > length).
   *
   * Its loop is deliberately not shared with `projectAligned`'s: one loop for both, with the
   * heading filter switched off, cost 5–14 % more CPU per call in both (interleaved microbench,
   * 40 rounds × 20 000 calls on a 400-point line, three runs, 2026-12-03); `project` is on every
   * hot path (control step, gate, BEV).
   */
  project(
    x: number,
    y: number,
    out: FrenetPoint = { sM: 0, dM: 0, segment: 0 },
    fromS = -Infinity,
    toS = Infinity,
  ): FrenetPoint {
    const q = SCRATCH_QUERY;
    q.x = x;
    q.y = y;
    q.fromS = fromS;
    q.toS = toS;
    this.projectQuery(q);
    out.sM = q.sM;
    out.dM = q.dM;
    out.segment = q.segment;
    return out;
  }

  /**
   * `project(q.x, q.y, q, q.fromS, q.toS)` with its numbers read from and written to `q` (see
   * `FrenetQuery`); returns `q`. It holds the loop: `project` is this through a scratch query.
   */
  projectQuery(q: FrenetQuery): FrenetQuery {
    const x = q.x;
    const y = q.y;
    const n = this.xs.length;
    let i0 = 0;
    let i1 = n - 2;
    if (q.fromS > -Infinity) i0 = this.segmentAt(q.fromS);
    if (q.toS < Infinity) i1 = this.segmentAt(q.toS);
    if (i1 - i0 >= PROJECT_BLOCKED_MIN) {
      this.projectBlocked(x, y, q, i0, i1);
      return q;
    }
    let best = Infinity;
    let bestS = 0;
    let bestD = 0;
    let bestSeg = 0;
    for (let i = i0; i <= i1; i++) {
      const ax = this.xs[i]!;
      const ay = this.ys[i]!;
      const segLen = this.s[i + 1]! - this.s[i]!;
      const ux = (this.xs[i + 1]! - ax) / segLen;
      const uy = (this.ys[i + 1]! - ay) / segLen;
      const px = x - ax;
      const py = y - ay;
      let t = px * ux + py * uy;
      if (t < 0 && i > 0) t = 0;
      if (t > segLen && i < n - 2) t = segLen;
      const cx = px - t * ux;
      const cy = py - t * uy;
      const dist2 = cx * cx + cy * cy;
      if (dist2 < best) {
        best = dist2;
        bestS = this.s[i]! + t;
        bestD = ux * py - uy * px;
        bestSeg = i;
      }
    }
    q.sM = bestS;
    q.dM = bestD;
    q.segment = bestSeg;
    return q;
  }

  /**
   * `q.headingRad = headingAt(q.atS)` with no number crossing the call (see `FrenetQuery`); it holds
   * the blend: `headingAt` is this through a scratch query.
   */
  headingAtQuery(q: FrenetQuery): void {
    const sM = q.atS;
    const i = this.segmentAt(sM);
    const h = this.segHeading[i]!;
    const n = this.segHeading.length;
    const blend = 0.5;
    if (i + 1 < n && this.s[i + 1]! - sM < blend) {
      const w = 0.5 * (1 - (this.s[i + 1]! - sM) / blend);
      q.headingRad = h + w * angleDiff(this.segHeading[i + 1]!, h);
      return;
    }
    if (i > 0 && sM - this.s[i]! < blend) {
      const w = 0.5 * (1 - (sM - this.s[i]!) / blend);
      q.headingRad = h + w * angleDiff(this.segHeading[i - 1]!, h);
      return;
    }
    q.headingRad = h;
  }

  /**
   * `toCartesian(q.atS, q.offsetM)` into `q.x`, `q.y`, `q.headingRad`, to the bit, with no number
   * crossing the call (see `FrenetQuery`).
   */
  toCartesianQuery(q: FrenetQuery): void {
    const sM = q.atS;
    const i = this.segmentAt(sM);
    const ds = sM - this.s[i]!;
    const h0 = this.segHeading[i]!;
    const x = this.xs[i]! + ds * Math.cos(h0);
    const y = this.ys[i]! + ds * Math.sin(h0);
    this.headingAtQuery(q);
    const h = q.headingRad;
    q.x = x - q.offsetM * Math.sin(h);
    q.y = y + q.offsetM * Math.cos(h);
  }

  /**
   * `project` over a long stretch (OpenDRIVE roads of kilometres, sampled every metre): the
   * segments go by blocks, the block nearest by its bounds first, and a block whose bounds lie
   * farther than the best point found so far is skipped. The result is the plain scan's to the bit:
   * the least squared distance, the lowest segment among equal ones (the scan's first), and a block
   * is skipped only beyond rounding of the best. The first and last segments extend beyond their
   * ends, so their blocks are never skipped. (A 4 km e6mini road: the gate's and reflection's
   * `locate` spent 52 of a run's 137 CPU seconds in this loop.)
   */
  private projectBlocked(x: number, y: number, out: FrenetPoint, i0: number, i1: number): FrenetPoint {
    const n = this.xs.length;
    const bb = this.blockBounds ?? this.buildBlocks();
    const lb = this.blockLb!;
    const lastBlock = Math.floor((n - 2) / PROJECT_BLOCK);
    const b0 = Math.floor(i0 / PROJECT_BLOCK);
    const b1 = Math.floor(i1 / PROJECT_BLOCK);
    let first = b0;
    let firstLb = Infinity;
    for (let b = b0; b <= b1; b++) {
      const k = 4 * b;
      const dx = x < bb[k]! ? bb[k]! - x : x > bb[k + 2]! ? x - bb[k + 2]! : 0;
      const dy = y < bb[k + 1]! ? bb[k + 1]! - y : y > bb[k + 3]! ? y - bb[k + 3]! : 0;
      const v = dx * dx + dy * dy;
      lb[b] = b === 0 || b === lastBlock ? -1 : v;
      if (v < firstLb) {
        firstLb = v;
        first = b;
      }
    }
    const st = this.scanState;
    st.best = Infinity;
    st.bestS = 0;
    st.bestD = 0;
    st.bestSeg = 0;
    this.scanBlock(x, y, first, i0, i1, st);
    for (let b = b0; b <= b1; b++) {
      if (b === first || lb[b]! > st.best + 1e-6 + st.best * 1e-9) continue;
      this.scanBlock(x, y, b, i0, i1, st);
    }
    out.sM = st.bestS;
    out.dM = st.bestD;
    out.segment = st.bestSeg;
    return out;
  }

  private readonly scanState = { best: Infinity, bestS: 0, bestD: 0, bestSeg: 0 };

  /**
   * The projection's loop over one block's segments within [i0, i1], into `st`. The per-segment step
   * is `projectQuery`'s own, written out again on purpose: `projectQuery` keeps its loop inline on
   * short lines (see `project`'s comment on sharing loops), and both must give the same bits.
   */
  private scanBlock(
    x: number,
    y: number,
    b: number,
    i0: number,
    i1: number,
    st: { best: number; bestS: number; bestD: number; bestSeg: number },
  ): void {
    const n = this.xs.length;
    const from = Math.max(i0, b * PROJECT_BLOCK);
    const to = Math.min(i1, b * PROJECT_BLOCK + PROJECT_BLOCK - 1);
    for (let i = from; i <= to; i++) {
      const ax = this.xs[i]!;
      const ay = this.ys[i]!;
      const segLen = this.s[i + 1]! - this.s[i]!;
      const ux = (this.xs[i + 1]! - ax) / segLen;
      const uy = (this.ys[i + 1]! - ay) / segLen;
      const px = x - ax;
      const py = y - ay;
      let t = px * ux + py * uy;
      if (t < 0 && i > 0) t = 0;
      if (t > segLen && i < n - 2) t = segLen;
      const cx = px - t * ux;
      const cy = py - t * uy;
      const dist2 = cx * cx + cy * cy;
      // the scan's order: the least distance, the first segment among equal ones
      if (dist2 < st.best || (dist2 === st.best && i < st.bestSeg)) {
        st.best = dist2;
        st.bestS = this.s[i]! + t;
        st.bestD = ux * py - uy * px;
        st.bestSeg = i;
      }
    }
  }

  private buildBlocks(): Float64Array {
    const bb = polylineBlockBounds(this.xs, this.ys, PROJECT_BLOCK);
    this.blockBounds = bb;
    this.blockLb = new Float64Array(bb.length / 4);
    return bb;
  }

  /**
   * Tracks a pose's arc length along the polyline (a route that passes over or near itself: an
   * overpass, a loop). With a previous estimate `prevS` the pose is projected within
   * [prevS − TRACK_BACK_M, prevS + reachM + TRACK_SLACK_M] (`reachM`: how far it can have travelled
   * since); the nearest point of the whole polyline is taken only without a previous estimate
   * (`prevS` NaN) or when the local one lies farther than `TRACK_RELOCALISE_M` off the line
   * (re-localisation). A global search keeps to segments whose heading agrees with `headingRad`
   * (within 60°) where any lies near enough, so a crossing road is not taken for the ego's.
   * Pure: the previous estimate is the caller's state.
   */
  track(
    x: number,
    y: number,
    headingRad: number,
    prevS: number,
    reachM: number,
    out: FrenetPoint = { sM: 0, dM: 0, segment: 0 },
  ): FrenetPoint {
    if (Number.isFinite(prevS)) {
      const from = prevS - TRACK_BACK_M;
      const to = prevS + Math.max(0, reachM) + TRACK_SLACK_M;
      // the window must overlap the line for a local search (the ends extend straight)
      if (to >= 0 && from <= this.length) {
        this.project(x, y, out, from, to);
        if (Math.abs(out.dM) <= TRACK_RELOCALISE_M) return out;
      }
    }
    return this.projectAligned(x, y, headingRad, out);
  }

  /**
   * The nearest point among segments heading within 60° of `headingRad`; the plain nearest point
   * when no aligned segment is nearer than `TRACK_RELOCALISE_M` beyond it. With `toS`, only the
   * segments up to that arc length are searched (a path the pose is known to be near the start of:
   * one that comes back by can end pointing at the pose, and the straight extension past its end
   * would pass through it).
   */
  projectAligned(
    x: number,
    y: number,
    headingRad: number,
    out: FrenetPoint = { sM: 0, dM: 0, segment: 0 },
    toS = Infinity,
  ): FrenetPoint {
    const n = this.xs.length;
    const i1 = toS < Infinity ? this.segmentAt(toS) : n - 2;
    const ch = Math.cos(headingRad);
    const sh = Math.sin(headingRad);
    let best = Infinity;
    let bestAligned = Infinity;
    let anyS = 0;
    let anyD = 0;
    let anySeg = 0;
    let alS = 0;
    let alD = 0;
    let alSeg = -1;
    for (let i = 0; i <= i1; i++) {
      const ax = this.xs[i]!;
      const ay = this.ys[i]!;
      const segLen = this.s[i + 1]! - this.s[i]!;
      const ux = (this.xs[i + 1]! - ax) / segLen;
      const uy = (this.ys[i + 1]! - ay) / segLen;
      const px = x - ax;
      const py = y - ay;
      let t = px * ux + py * uy;
      if (t < 0 && i > 0) t = 0;
      if (t > segLen && i < n - 2) t = segLen;
      const cx = px - t * ux;
      const cy = py - t * uy;
      const dist2 = cx * cx + cy * cy;
      if (dist2 < best) {
        best = dist2;
        anyS = this.s[i]! + t;
        anyD = ux * py - uy * px;
        anySeg = i;
      }
      if (dist2 < bestAligned && ux * ch + uy * sh > TRACK_ALIGNED_COS) {
        bestAligned = dist2;
        alS = this.s[i]! + t;
        alD = ux * py - uy * px;
        alSeg = i;
      }
    }
    const useAligned = alSeg >= 0 && Math.sqrt(bestAligned) <= Math.sqrt(best) + TRACK_RELOCALISE_M;
    out.sM = useAligned ? alS : anyS;
    out.dM = useAligned ? alD : anyD;
    out.segment = useAligned ? alSeg : anySeg;
    return out;
  }

  /** A new polyline resampled every `stepM` metres (the last point is kept). */
  resample(stepM: number): Polyline {
    const pts: Vec2[] = [];
    const p = { x: 0, y: 0, headingRad: 0 };
    for (let s = 0; s < this.length; s += stepM) {
      this.poseAt(s, p);
      pts.push({ x: p.x, y: p.y });
    }
    pts.push({ x: this.xs[this.xs.length - 1]!, y: this.ys[this.ys.length - 1]! });
    return new Polyline(pts);
  }

  /** Polyline offset laterally by d (m, left positive). */
  offset(dM: number): Polyline {
    const pts: Vec2[] = [];
    const p = { x: 0, y: 0, headingRad: 0 };
    for (let i = 0; i < this.xs.length; i++) {
      this.toCartesian(this.s[i]!, dM, p);
      pts.push({ x: p.x, y: p.y });
    }
    return new Polyline(pts);
  }

  /** Concatenates polylines end to start (a route's centreline). */
  static concat(lines: ReadonlyArray<Polyline>): Polyline {
    const pts: Vec2[] = [];
    for (const l of lines) for (let i = 0; i < l.xs.length; i++) pts.push({ x: l.xs[i]!, y: l.ys[i]! });
    return new Polyline(pts);
  }
}

// ---------------------------------------------------------------------------------------------
// Oriented boxes

/** An oriented rectangle: centre, heading, full length (along heading) and width. */
export interface OrientedBox {
  cx: number;
  cy: number;
  headingRad: number;
  lengthM: number;
  widthM: number;
}

/** Writes the 4 corners (FL, FR, RR, RL) as x0,y0,…,x3,y3 into `out` (length ≥ 8). */
export function boxCorners(
  b: OrientedBox,
  out: Float64Array | number[] = new Float64Array(8),
): Float64Array | number[] {
  const c = Math.cos(b.headingRad);
  const s = Math.sin(b.headingRad);
  const hl = b.lengthM / 2;
  const hw = b.widthM / 2;
  // local (±hl, ±hw) → map
  out[0] = b.cx + c * hl - s * hw;
  out[1] = b.cy + s * hl + c * hw;
  out[2] = b.cx + c * hl + s * hw;
  out[3] = b.cy + s * hl - c * hw;
  out[4] = b.cx - c * hl + s * hw;
  out[5] = b.cy - s * hl - c * hw;
  out[6] = b.cx - c * hl - s * hw;
  out[7] = b.cy - s * hl + c * hw;
  return out;
}

/** True when two oriented boxes overlap (separating-axis theorem; touching counts as overlap). */
export function boxesOverlap(a: OrientedBox, b: OrientedBox): boolean {
  const dx = b.cx - a.cx;
  const dy = b.cy - a.cy;
  const ra = (a.lengthM + a.widthM) * 0.5;
  const rb = (b.lengthM + b.widthM) * 0.5;
  if (dx * dx + dy * dy > (ra + rb) * (ra + rb)) return false; // bounding-circle early out
  return obbOverlap(
    a.cx,
    a.cy,
    Math.cos(a.headingRad),
    Math.sin(a.headingRad),
    a.lengthM / 2,
    a.widthM / 2,
    b.cx,
    b.cy,
    Math.cos(b.headingRad),
    Math.sin(b.headingRad),
    b.lengthM / 2,
    b.widthM / 2,
  );
}

// ---------------------------------------------------------------------------------------------
// Polygons

/** Even-odd point-in-polygon test; polygon as Vec2[] or flat [x0,y0,x1,y1,…]. */
export function pointInPolygon(x: number, y: number, poly: ReadonlyArray<Vec2> | Float64Array): boolean {
  let inside = false;
  if (poly instanceof Float64Array) {
    const n = poly.length >> 1;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = poly[2 * i]!;
      const yi = poly[2 * i + 1]!;
      const xj = poly[2 * j]!;
      const yj = poly[2 * j + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  const n = poly.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const pi = poly[i]!;
    const pj = poly[j]!;
    if (pi.y > y !== pj.y > y && x < ((pj.x - pi.x) * (y - pi.y)) / (pj.y - pi.y) + pi.x) inside = !inside;
  }
  return inside;
}

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
export function pointSegmentDistance(
  x: number,
  y: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  let t = len2 > 0 ? ((x - ax) * vx + (y - ay) * vy) / len2 : 0;
  t = t < 0 ? 0 : Math.min(t, 1);
  return hypot2(x - ax - t * vx, y - ay - t * vy);
}

/** Edges per block of a `RingIndex`. */
const RING_BLOCK = 16;

/**
 * A polygon's boundary with per-block bounds, for `pointPolygonBoundaryDistance` on long polygons
 * (a lane of a kilometre-long OpenDRIVE road has thousands of edges): blocks whose bounds lie
 * beyond the distance asked about are skipped. A minimum is the same taken in any order, so the
 * distance is the plain function's to the bit wherever it is under the bound.
 */
export class RingIndex {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** Per block: min x, min y, max x, max y of its edges' end points. */
  private readonly bb: Float64Array;

  constructor(poly: ReadonlyArray<Vec2>) {
    const n = poly.length;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.xs[i] = poly[i]!.x;
      this.ys[i] = poly[i]!.y;
    }
    const nb = Math.ceil(n / RING_BLOCK);
    this.bb = new Float64Array(4 * nb);
    for (let b = 0; b < nb; b++) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      // edge i runs from vertex i − 1 (the last for i = 0) to vertex i
      for (let i = b * RING_BLOCK - 1; i < Math.min(n, (b + 1) * RING_BLOCK); i++) {
        const k = (i + n) % n;
        x0 = Math.min(x0, this.xs[k]!);
        x1 = Math.max(x1, this.xs[k]!);
        y0 = Math.min(y0, this.ys[k]!);
        y1 = Math.max(y1, this.ys[k]!);
      }
      this.bb[4 * b] = x0;
      this.bb[4 * b + 1] = y0;
      this.bb[4 * b + 2] = x1;
      this.bb[4 * b + 3] = y1;
    }
  }

  /**
   * Whether (x, y) lies inside: `pointInPolygon`'s even-odd ray cast, skipping blocks none of whose
   * edges can cross the ray (all above or all at-or-below it, or all left of the point) — the
   * crossings counted are the plain cast's, so the answer is its answer.
   */
  contains(x: number, y: number): boolean {
    const n = this.xs.length;
    const bb = this.bb;
    let inside = false;
    for (let b = 0, nb = bb.length / 4; b < nb; b++) {
      const k = 4 * b;
      if (bb[k + 1]! > y || bb[k + 3]! <= y || x > bb[k + 2]! + 1e-6 + 1e-12 * Math.abs(bb[k + 2]!)) continue;
      for (let i = b * RING_BLOCK, end = Math.min(n, (b + 1) * RING_BLOCK); i < end; i++) {
        const j = i === 0 ? n - 1 : i - 1;
        const xi = this.xs[i]!;
        const yi = this.ys[i]!;
        const xj = this.xs[j]!;
        const yj = this.ys[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  }

  /**
   * Distance from (x, y) to the boundary, m: `pointPolygonBoundaryDistance`'s value where it is
   * below `boundM`; otherwise some value ≥ `boundM` (blocks beyond it are not searched).
   */
  distance(x: number, y: number, boundM = Infinity): number {
    const n = this.xs.length;
    const bb = this.bb;
    let best = Infinity;
    for (let b = 0, nb = bb.length / 4; b < nb; b++) {
      const k = 4 * b;
      const dx = x < bb[k]! ? bb[k]! - x : x > bb[k + 2]! ? x - bb[k + 2]! : 0;
      const dy = y < bb[k + 1]! ? bb[k + 1]! - y : y > bb[k + 3]! ? y - bb[k + 3]! : 0;
      const lb = hypot2(dx, dy);
      const cut = Math.min(best, boundM);
      if (lb > cut + 1e-9 * (1 + cut)) continue;
      for (let i = b * RING_BLOCK, end = Math.min(n, (b + 1) * RING_BLOCK); i < end; i++) {
        const j = i === 0 ? n - 1 : i - 1;
        const d = pointSegmentDistance(x, y, this.xs[j]!, this.ys[j]!, this.xs[i]!, this.ys[i]!);
        if (d < best) best = d;
      }
    }
    return best;
  }
}

/** Distance from a point to a polygon's boundary (0 inside is NOT implied; combine with pointInPolygon). */
export function pointPolygonBoundaryDistance(x: number, y: number, poly: ReadonlyArray<Vec2>): number {
  let best = Infinity;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const d = pointSegmentDistance(x, y, poly[j]!.x, poly[j]!.y, poly[i]!.x, poly[i]!.y);
    if (d < best) best = d;
  }
  return best;
}

/** Axis-aligned bounds of a polygon. */
export function polygonBounds(poly: ReadonlyArray<Vec2>): {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
} {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of poly) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return { minX, minY, maxX, maxY };
}

/**
 * The widths of the points a Polyline built from `points` keeps (it drops a point within 1e-6 m of
 * the last kept one): `widths[i]` belongs to `points[i]`.
 */
export function keptVertexWidths(points: ReadonlyArray<Vec2>, widths: ReadonlyArray<number>): Float64Array {
  if (widths.length !== points.length) throw new Error(`${widths.length} widths for ${points.length} points`);
  const kept: number[] = [];
  let last: Vec2 | undefined;
  points.forEach((p, i) => {
    if (!last || hypot2(p.x - last.x, p.y - last.y) > 1e-6) {
      kept.push(widths[i]!);
      last = p;
    }
  });
  return Float64Array.from(kept);
}

/** The strip polygon of a polyline whose width varies per vertex (`widths[i]` at `line` vertex i); left edge forward, right back. */
export function variableStripPolygon(line: Polyline, widths: ArrayLike<number>): Vec2[] {
  const left: Vec2[] = [];
  const right: Vec2[] = [];
  const p = { x: 0, y: 0, headingRad: 0 };
  for (let i = 0; i < line.size; i++) {
    line.toCartesian(line.s[i]!, widths[i]! / 2, p);
    left.push({ x: p.x, y: p.y });
    line.toCartesian(line.s[i]!, -widths[i]! / 2, p);
    right.push({ x: p.x, y: p.y });
  }
  return [...left, ...right.reverse()];
}

/** The strip polygon of a polyline with total width w (left edge forward, right edge back). */
export function stripPolygon(line: Polyline, widthM: number): Vec2[] {
  const left = line.offset(widthM / 2).points();
  const right = line.offset(-widthM / 2).points();
  return [...left, ...right.reverse()];
}
