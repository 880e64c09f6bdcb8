/**
 * The width of the lane an importer lays along the ego's path when a scenario has no road network.
 * The lane is the drivable area nuPlan's drivable_area_compliance judges the ego by, so it has to
 * hold the ego's body wherever the scenario itself drives it: the lane centre is the ego's reference
 * point (the rear axle), and in a turn the body swings out of that path (truck_with_rotating_axle's
 * 5.7 × 2.6 m truck: its front corner 2.36 m beside it, which left a closed-loop truck 0.64 m of
 * a fixed 6 m lane where a 2 m car on a straight path has 2 m). The width is the body's swept path
 * (the farthest any footprint corner comes from the centreline over the scripted track) plus on
 * each side the clearance a fixed 6 m lane left a 2 m wide car on a straight path.
 */

import { pointSegmentDistance } from '../../../core/geometry.ts';

/** The body of the entity the lane is laid for, in its own frame (x forward). */
export interface FreeSpaceBody {
  lengthM: number;
  widthM: number;
  /** Reference point → footprint centre along x, m. */
  centerOffsetM: number;
}

/** Free space beside the swept path on each side, m: (6 m lane − 2 m car) / 2, the room the earlier fixed lane left. */
export const FREE_LANE_CLEARANCE_M = 2;
/** The narrowest lane laid, m (the earlier fixed width: a car on a straight path keeps it). */
export const FREE_LANE_MIN_WIDTH_M = 6;

/** Distance from (x, y) to the polyline `pts`, m. */
function distanceToPolyline(x: number, y: number, pts: readonly { x: number; y: number }[]): number {
  if (pts.length === 1) return Math.hypot(x - pts[0]!.x, y - pts[0]!.y);
  let best = Infinity;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    best = Math.min(best, pointSegmentDistance(x, y, a.x, a.y, b.x, b.y));
  }
  return best;
}

/**
 * The farthest a corner of `body` comes from `centerline` while its reference point follows
 * `track`, m (the swept path's half-width about the centreline).
 */
export function sweptHalfWidthM(
  track: readonly { x: number; y: number; headingRad: number }[],
  body: FreeSpaceBody,
  centerline: readonly { x: number; y: number }[],
): number {
  const front = body.centerOffsetM + body.lengthM / 2;
  const rear = body.centerOffsetM - body.lengthM / 2;
  const half = body.widthM / 2;
  let widest = half;
  for (const p of track) {
    const c = Math.cos(p.headingRad);
    const s = Math.sin(p.headingRad);
    for (const along of [front, rear])
      for (const side of [half, -half]) {
        const d = distanceToPolyline(p.x + along * c - side * s, p.y + along * s + side * c, centerline);
        if (d > widest) widest = d;
      }
  }
  return widest;
}

/**
 * The free-space lane's width for `body` following `track` along `centerline`, m: twice the swept
 * half-width plus FREE_LANE_CLEARANCE_M on each side, at least FREE_LANE_MIN_WIDTH_M.
 */
export function freeSpaceLaneWidthM(
  track: readonly { x: number; y: number; headingRad: number }[],
  body: FreeSpaceBody,
  centerline: readonly { x: number; y: number }[],
): number {
  return Math.max(
    FREE_LANE_MIN_WIDTH_M,
    2 * (sweptHalfWidthM(track, body, centerline) + FREE_LANE_CLEARANCE_M),
  );
}
