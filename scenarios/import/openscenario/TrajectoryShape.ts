/**
 * OpenSCENARIO trajectory shapes other than Polyline, sampled to points (ASAM OpenSCENARIO 1.3
 * §7.7 "Trajectory"): Clothoid (curvature, curvaturePrime, length from a start pose),
 * ClothoidSpline (segments with linearly varying curvature, each optionally with a heading offset)
 * and Nurbs (order, weighted control points, knot vector; evaluated with de Boor's algorithm).
 */
import type { Vec2 } from '../../../core/index.ts';

export interface Pose2 {
  x: number;
  y: number;
  headingRad: number;
}

/** Arc-length step when sampling clothoids, m (heading error of a chord ≤ κ·step/2). */
export const CLOTHOID_STEP_M = 0.05;

/**
 * Points of a clothoid from `start`: curvature κ(s) = κ0 + κ'·s over `lengthM` (negative lengths
 * are walked backwards). Integrated with the midpoint heading of each step (exact for arcs).
 */
export function clothoidPoints(
  start: Pose2,
  curvature: number,
  curvaturePrime: number,
  lengthM: number,
): Vec2[] {
  const pts: Vec2[] = [{ x: start.x, y: start.y }];
  const n = Math.max(1, Math.ceil(Math.abs(lengthM) / CLOTHOID_STEP_M));
  const ds = lengthM / n;
  let x = start.x;
  let y = start.y;
  for (let i = 0; i < n; i++) {
    const sMid = (i + 0.5) * ds;
    const h = start.headingRad + curvature * sMid + 0.5 * curvaturePrime * sMid * sMid;
    // Chord of an arc of length ds at the midpoint heading: length 2 sin(κ ds / 2) / κ.
    const k = curvature + curvaturePrime * sMid;
    const chord = Math.abs(k * ds) > 1e-9 ? (2 * Math.sin((k * ds) / 2)) / k : ds;
    x += chord * Math.cos(h);
    y += chord * Math.sin(h);
    pts.push({ x, y });
  }
  return pts;
}

export interface ClothoidSegment {
  curvatureStart: number;
  curvatureEnd: number;
  lengthM: number;
  /** Heading added at the segment's start, rad. */
  hOffsetRad: number;
  /** Start pose of this segment (the first segment's, or a restart), else the previous end. */
  start?: Pose2;
}

/** Points of a clothoid spline: segments joined end to start (heading continuous unless hOffset). */
export function clothoidSplinePoints(start: Pose2, segments: readonly ClothoidSegment[]): Vec2[] {
  const out: Vec2[] = [];
  let pose = { ...start };
  for (const seg of segments) {
    if (seg.start) pose = { ...seg.start };
    pose.headingRad += seg.hOffsetRad;
    const len = seg.lengthM;
    const kPrime = len > 0 ? (seg.curvatureEnd - seg.curvatureStart) / len : 0;
    const pts = clothoidPoints(pose, seg.curvatureStart, kPrime, len);
    out.push(...(out.length > 0 ? pts.slice(1) : pts));
    const endH = pose.headingRad + seg.curvatureStart * len + 0.5 * kPrime * len * len;
    const last = pts[pts.length - 1]!;
    pose = { x: last.x, y: last.y, headingRad: endH };
  }
  return out;
}

/** Weighted control point of a NURBS curve. */
export interface NurbsControlPoint {
  x: number;
  y: number;
  weight: number;
}

/**
 * Points of a NURBS curve of the given order (degree + 1) at `samples` parameter values spread
 * over the knot span [knots[order−1], knots[n]]; undefined when the knot vector does not fit
 * (it must have n + order entries for n control points).
 */
export function nurbsPoints(
  ctrl: readonly NurbsControlPoint[],
  knots: readonly number[],
  order: number,
  samples = 400,
): Vec2[] | undefined {
  const n = ctrl.length;
  const p = order - 1;
  if (order < 1 || n < order || knots.length !== n + order) return undefined;
  const u0 = knots[p]!;
  const u1 = knots[n]!;
  if (!(u1 > u0)) return undefined;
  const out: Vec2[] = [];
  const dx = new Float64Array(order);
  const dy = new Float64Array(order);
  const dw = new Float64Array(order);
  for (let i = 0; i <= samples; i++) {
    const u = i === samples ? u1 - 1e-12 * (u1 - u0) : u0 + ((u1 - u0) * i) / samples;
    // Knot span k with knots[k] ≤ u < knots[k+1], p ≤ k < n.
    let k = p;
    while (k < n - 1 && knots[k + 1]! <= u) k++;
    // de Boor on homogeneous coordinates (x·w, y·w, w).
    for (let j = 0; j <= p; j++) {
      const c = ctrl[j + k - p]!;
      dx[j] = c.x * c.weight;
      dy[j] = c.y * c.weight;
      dw[j] = c.weight;
    }
    for (let r = 1; r <= p; r++)
      for (let j = p; j >= r; j--) {
        const a0 = knots[j + k - p]!;
        const a1 = knots[j + 1 + k - r]!;
        const alpha = a1 > a0 ? (u - a0) / (a1 - a0) : 0;
        dx[j] = (1 - alpha) * dx[j - 1]! + alpha * dx[j]!;
        dy[j] = (1 - alpha) * dy[j - 1]! + alpha * dy[j]!;
        dw[j] = (1 - alpha) * dw[j - 1]! + alpha * dw[j]!;
      }
    const w = dw[p]!;
    out.push({ x: dx[p]! / w, y: dy[p]! / w });
  }
  return out;
}
