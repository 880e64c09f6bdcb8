/**
 * Small geometric helpers the metrics need beyond core/geometry, each mirroring the Shapely or
 * nuPlan call it replaces (named in its doc comment).
 */
import {
  boxCorners,
  type OrientedBox,
  type Polyline,
  pointInPolygon,
  pointSegmentDistance,
} from '../../core/index.ts';

/**
 * The 4 box corners in nuPlan's order FL, RL, RR, FR (`OrientedBox.all_corners`) as
 * x0,y0,…,x3,y3. core's `boxCorners` uses FL, FR, RR, RL, hence the reshuffle.
 */
export function cornersNuplanOrder(b: OrientedBox, out: Float64Array = new Float64Array(8)): Float64Array {
  const c = boxCorners(b, out);
  // core: FL(0,1) FR(2,3) RR(4,5) RL(6,7) → nuPlan: FL RL RR FR
  const frx = c[2]!;
  const fry = c[3]!;
  out[2] = c[6]!;
  out[3] = c[7]!;
  out[6] = frx;
  out[7] = fry;
  return out;
}

/**
 * Shapely `LineString.project(Point)`: arc length (m) from the start of the polyline to the closest
 * point on it, clamped to [0, length] (unlike core's `Polyline.project`, which extends the ends).
 */
export function projectArcLength(line: Polyline, x: number, y: number): number {
  const n = line.xs.length;
  let best = Infinity;
  let bestS = 0;
  for (let i = 0; i < n - 1; i++) {
    const ax = line.xs[i]!;
    const ay = line.ys[i]!;
    const vx = line.xs[i + 1]! - ax;
    const vy = line.ys[i + 1]! - ay;
    const len2 = vx * vx + vy * vy;
    let t = len2 > 0 ? ((x - ax) * vx + (y - ay) * vy) / len2 : 0;
    t = Math.max(0, Math.min(1, t));
    const dx = x - ax - t * vx;
    const dy = y - ay - t * vy;
    const d2 = dx * dx + dy * dy;
    if (d2 < best) {
      best = d2;
      bestS = line.s[i]! + t * (line.s[i + 1]! - line.s[i]!);
    }
  }
  return bestS;
}

/** Distance from (x, y) to the boundary of a flat polygon [x0,y0,…], m. */
export function flatBoundaryDistance(x: number, y: number, flat: Float64Array): number {
  const n = flat.length >> 1;
  let best = Infinity;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const d = pointSegmentDistance(x, y, flat[2 * j]!, flat[2 * j + 1]!, flat[2 * i]!, flat[2 * i + 1]!);
    if (d < best) best = d;
  }
  return best;
}

/** Shapely `Polygon.distance(Point)`: 0 inside, else the distance to the boundary, m. */
export function polygonDistance(x: number, y: number, flat: Float64Array): number {
  if (pointInPolygon(x, y, flat)) return 0;
  return flatBoundaryDistance(x, y, flat);
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

/** True when segments ab and cd intersect (touching counts). */
export function segmentsIntersect(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
}

/** Shapely `LineString([a, b]).intersects(Polygon)`: the segment touches or enters the polygon. */
export function segmentIntersectsPolygon(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  flat: ArrayLike<number>,
): boolean {
  const n = flat.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    if (segmentsIntersect(ax, ay, bx, by, flat[2 * j]!, flat[2 * j + 1]!, flat[2 * i]!, flat[2 * i + 1]!)) {
      return true;
    }
  }
  // No edge crossing: either fully inside or fully outside; test one endpoint.
  return pointInPolygon(ax, ay, flat instanceof Float64Array ? flat : Float64Array.from(flat));
}

/**
 * nuPlan `get_agent_relative_angle(ego_pose, agent_point)` (idm/utils.py): the angle (rad, [0, π])
 * between the ego heading and the vector from the ego pose to the point; NaN when they coincide
 * (as NumPy gives), which makes both "ahead" and "behind" false.
 */
export function relativeAngle(
  egoX: number,
  egoY: number,
  egoHeadingRad: number,
  px: number,
  py: number,
): number {
  const vx = px - egoX;
  const vy = py - egoY;
  const norm = Math.hypot(vx, vy);
  const dot = (Math.cos(egoHeadingRad) * vx + Math.sin(egoHeadingRad) * vy) / norm;
  return Math.acos(dot);
}
