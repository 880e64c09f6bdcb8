/**
 * Oriented-box predicates on plain numbers (centre x, y; cos, sin of heading; half length, half
 * width), so PDM's inner loops need no objects. Shapely semantics: touching counts as
 * intersecting; distance is 0 for overlapping boxes.
 */

/** Separating-axis overlap test of two oriented boxes (touching counts). */
export function obbOverlap(
  ax: number,
  ay: number,
  ac: number,
  as: number,
  ahl: number,
  ahw: number,
  bx: number,
  by: number,
  bc: number,
  bs: number,
  bhl: number,
  bhw: number,
): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  // u·u' and u·w' etc. between the two frames
  const cuu = Math.abs(ac * bc + as * bs); // au·bu  (= aw·bw)
  const cuw = Math.abs(-ac * bs + as * bc); // au·bw  (= aw·bu in magnitude)
  if (Math.abs(dx * ac + dy * as) > ahl + bhl * cuu + bhw * cuw) return false;
  if (Math.abs(-dx * as + dy * ac) > ahw + bhl * cuw + bhw * cuu) return false;
  if (Math.abs(dx * bc + dy * bs) > bhl + ahl * cuu + ahw * cuw) return false;
  if (Math.abs(-dx * bs + dy * bc) > bhw + ahl * cuw + ahw * cuu) return false;
  return true;
}

/** Euclidean distance from a point to an oriented box (0 inside). */
export function pointObbDistance(
  px: number,
  py: number,
  bx: number,
  by: number,
  bc: number,
  bs: number,
  bhl: number,
  bhw: number,
): number {
  const dx = px - bx;
  const dy = py - by;
  const lx = Math.abs(dx * bc + dy * bs) - bhl;
  const ly = Math.abs(-dx * bs + dy * bc) - bhw;
  const ex = Math.max(lx, 0);
  const ey = Math.max(ly, 0);
  return Math.sqrt(ex * ex + ey * ey);
}

function cornersToBox(
  ax: number,
  ay: number,
  ac: number,
  as: number,
  ahl: number,
  ahw: number,
  bx: number,
  by: number,
  bc: number,
  bs: number,
  bhl: number,
  bhw: number,
): number {
  let best = Infinity;
  for (let k = 0; k < 4; k++) {
    const sl = k < 2 ? ahl : -ahl;
    const sw = k === 0 || k === 3 ? ahw : -ahw;
    const d = pointObbDistance(ax + ac * sl - as * sw, ay + as * sl + ac * sw, bx, by, bc, bs, bhl, bhw);
    if (d < best) best = d;
  }
  return best;
}

/** Polygon distance between two oriented boxes (0 when they overlap). */
export function obbDistance(
  ax: number,
  ay: number,
  ac: number,
  as: number,
  ahl: number,
  ahw: number,
  bx: number,
  by: number,
  bc: number,
  bs: number,
  bhl: number,
  bhw: number,
): number {
  if (obbOverlap(ax, ay, ac, as, ahl, ahw, bx, by, bc, bs, bhl, bhw)) return 0;
  // Disjoint convex polygons: the closest pair always involves a vertex of one of them.
  const d1 = cornersToBox(ax, ay, ac, as, ahl, ahw, bx, by, bc, bs, bhl, bhw);
  const d2 = cornersToBox(bx, by, bc, bs, bhl, bhw, ax, ay, ac, as, ahl, ahw);
  return Math.min(d1, d2);
}

/** True when the segment (x0, y0)–(x1, y1) touches the oriented box (slab clipping). */
export function segmentIntersectsObb(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  bx: number,
  by: number,
  bc: number,
  bs: number,
  bhl: number,
  bhw: number,
): boolean {
  // Segment in the box frame
  const px = (x0 - bx) * bc + (y0 - by) * bs;
  const py = -(x0 - bx) * bs + (y0 - by) * bc;
  const qx = (x1 - bx) * bc + (y1 - by) * bs;
  const qy = -(x1 - bx) * bs + (y1 - by) * bc;
  let t0 = 0;
  let t1 = 1;
  const dx = qx - px;
  const dy = qy - py;
  // Liang–Barsky on |x| ≤ hl, |y| ≤ hw
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const r = q / p;
    if (p < 0) {
      if (r > t1) return false;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return false;
      if (r < t1) t1 = r;
    }
    return true;
  };
  return clip(-dx, px + bhl) && clip(dx, bhl - px) && clip(-dy, py + bhw) && clip(dy, bhw - py) && t0 <= t1;
}
