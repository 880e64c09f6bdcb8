/**
 * Lane centreline and width from a left and a right boundary polyline (lanelet-style maps:
 * CommonRoad and Lanelet2 both describe a lane by its two bounds). Both bounds are resampled at
 * the same arc-length fractions, the centreline is the midpoint polyline and the width is the mean
 * distance between paired points (the two bounds of a lanelet run in the same direction).
 */
import type { Vec2 } from '../../../core/index.ts';

export interface LaneGeometry {
  centerline: Vec2[];
  /** Mean distance between the bounds, m (≥ minWidthM). */
  widthM: number;
}

function dedupe(points: ReadonlyArray<Vec2>): Vec2[] {
  const out: Vec2[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (!last || Math.hypot(p.x - last.x, p.y - last.y) > 1e-6) out.push(p);
  }
  return out;
}

function cumulative(points: ReadonlyArray<Vec2>): Float64Array {
  const s = new Float64Array(points.length);
  for (let i = 1; i < points.length; i++) {
    s[i] = s[i - 1]! + Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y);
  }
  return s;
}

/** Point at arc-length fraction u ∈ [0, 1] of a polyline with cumulative lengths s. */
function atFraction(points: ReadonlyArray<Vec2>, s: Float64Array, u: number): Vec2 {
  const n = points.length;
  const total = s[n - 1]!;
  if (n === 1 || total === 0) return points[0]!;
  const target = u * total;
  let i = 1;
  while (i < n - 1 && s[i]! < target) i++;
  const seg = s[i]! - s[i - 1]!;
  const t = seg > 0 ? Math.min(1, Math.max(0, (target - s[i - 1]!) / seg)) : 0;
  const a = points[i - 1]!;
  const b = points[i]!;
  return { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
}

/**
 * Centreline and width of a lane bounded by `left` and `right` (both in driving direction).
 * Returns undefined when the bounds are degenerate (fewer than two distinct points between them).
 * Sampling: as many points as the denser bound, at least one per `maxStepM` metres (capped at 400).
 */
export function laneFromBounds(
  left: ReadonlyArray<Vec2>,
  right: ReadonlyArray<Vec2>,
  minWidthM = 0.5,
  maxStepM = 5,
): LaneGeometry | undefined {
  const l = dedupe(left);
  const r = dedupe(right);
  if (l.length === 0 || r.length === 0) return undefined;
  const sl = cumulative(l);
  const sr = cumulative(r);
  const lenM = Math.max(sl[l.length - 1]!, sr[r.length - 1]!);
  const n = Math.min(400, Math.max(2, l.length, r.length, Math.ceil(lenM / maxStepM) + 1));
  const centre: Vec2[] = [];
  let widthSum = 0;
  for (let i = 0; i < n; i++) {
    const u = i / (n - 1);
    const a = atFraction(l, sl, u);
    const b = atFraction(r, sr, u);
    centre.push({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
    widthSum += Math.hypot(a.x - b.x, a.y - b.y);
  }
  const centerline = dedupe(centre);
  if (centerline.length < 2) return undefined;
  return { centerline, widthM: Math.max(minWidthM, widthSum / n) };
}

/**
 * True when `left` lies to the left of the direction the bounds run in: the cross product of the
 * local direction with the right→left offset, summed at several arc-length fractions (robust on
 * curved lanelets where the chord misleads). Used to orient lanelets.
 */
export function leftIsLeft(left: ReadonlyArray<Vec2>, right: ReadonlyArray<Vec2>): boolean {
  const l = dedupe(left);
  const r = dedupe(right);
  if (l.length < 2 || r.length < 2) return true;
  const sl = cumulative(l);
  const sr = cumulative(r);
  let sum = 0;
  const SAMPLES = 8;
  for (let i = 0; i < SAMPLES; i++) {
    const u0 = i / SAMPLES;
    const u1 = (i + 1) / SAMPLES;
    const a0 = atFraction(l, sl, u0);
    const a1 = atFraction(l, sl, u1);
    const b0 = atFraction(r, sr, u0);
    const b1 = atFraction(r, sr, u1);
    const dx = a1.x - a0.x + (b1.x - b0.x);
    const dy = a1.y - a0.y + (b1.y - b0.y);
    const ox = (a0.x + a1.x - b0.x - b1.x) / 2;
    const oy = (a0.y + a1.y - b0.y - b1.y) / 2;
    sum += Math.sign(dx * oy - dy * ox);
  }
  return sum >= 0;
}

/** True when `b` runs against `a` (its start is nearer a's end than a's start). */
export function runsAgainst(a: ReadonlyArray<Vec2>, b: ReadonlyArray<Vec2>): boolean {
  const a0 = a[0]!;
  const a1 = a[a.length - 1]!;
  const b0 = b[0]!;
  const b1 = b[b.length - 1]!;
  const same = Math.hypot(a0.x - b0.x, a0.y - b0.y) + Math.hypot(a1.x - b1.x, a1.y - b1.y);
  const flipped = Math.hypot(a0.x - b1.x, a0.y - b1.y) + Math.hypot(a1.x - b0.x, a1.y - b0.y);
  return flipped < same;
}
