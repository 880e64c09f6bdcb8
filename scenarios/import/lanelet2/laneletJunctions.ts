/**
 * Junctions of a Lanelet2 map. Lanelet2 has no junction primitive (its routing graph finds
 * "conflicting" lanelets instead), and a RoadMap without junctions leaves every junction rule of
 * the gate blind (do not enter a junction you cannot leave, an emergency vehicle at another arm, a
 * hidden arm, a turn across a vehicle going straight on). A lanelet is a junction lanelet when
 *  - it carries Autoware's `turn_direction` tag (left / right / straight: the Autoware Lanelet2
 *    extension marks every lanelet inside an intersection with it), or
 *  - its centreline crosses another road or bus lanelet's at an interior point (away from both ends, at
 *    ≥ `MIN_CROSS_RAD`): lanes cross only where traffic streams meet — what Lanelet2's routing
 *    graph calls conflicting lanelets; merges and forks touch at their ends and do not count.
 * A lanelet's neighbours, its own reverse twin (`-rev`), successors and predecessors never count
 * as crossing it. The lanelets that leave the same lanelet as a junction lanelet, or enter the same
 * one, are junction lanelets too; junction lanelets that cross one another or share a predecessor or
 * a successor form one junction (union-find), named after its smallest member id: `junction:<id>`.
 */
import { type Lane, polygonBounds, type RoadMapData } from '../../../core/index.ts';

/** Crossings closer than this to a centreline's end are a merge's or a fork's touch, m. */
const END_MARGIN_M = 1.0;
/** Centrelines crossing at less than this are read as overlapping, not as streams meeting, rad. */
const MIN_CROSS_RAD = 0.17;

/** Lane types whose crossings are traffic streams meeting (a walkway over a road is a crosswalk's business). */
const VEHICLE_TYPES = new Set<string>(['driving', 'bus']);

/** Arc lengths at each centreline vertex, m. */
function cumulative(l: Lane): number[] {
  const c = l.centerline;
  const s = [0];
  for (let i = 1; i < c.length; i++)
    s.push(s[i - 1]! + Math.hypot(c[i]!.x - c[i - 1]!.x, c[i]!.y - c[i - 1]!.y));
  return s;
}

/** Whether two centrelines cross at an interior point (see the module comment). */
function crosses(a: Lane, sa: number[], b: Lane, sb: number[]): boolean {
  const ca = a.centerline;
  const cb = b.centerline;
  const la = sa.at(-1)!;
  const lb = sb.at(-1)!;
  for (let i = 1; i < ca.length; i++) {
    const p = ca[i - 1]!;
    const rx = ca[i]!.x - p.x;
    const ry = ca[i]!.y - p.y;
    for (let j = 1; j < cb.length; j++) {
      const q = cb[j - 1]!;
      const ux = cb[j]!.x - q.x;
      const uy = cb[j]!.y - q.y;
      const den = rx * uy - ry * ux;
      if (Math.abs(den) < 1e-12) continue;
      const t = ((q.x - p.x) * uy - (q.y - p.y) * ux) / den;
      const u = ((q.x - p.x) * ry - (q.y - p.y) * rx) / den;
      if (t < 0 || t > 1 || u < 0 || u > 1) continue;
      const atA = sa[i - 1]! + t * (sa[i]! - sa[i - 1]!);
      const atB = sb[j - 1]! + u * (sb[j]! - sb[j - 1]!);
      if (atA < END_MARGIN_M || atA > la - END_MARGIN_M || atB < END_MARGIN_M || atB > lb - END_MARGIN_M)
        continue;
      const sin = Math.abs(den) / (Math.hypot(rx, ry) * Math.hypot(ux, uy));
      if (sin >= Math.sin(MIN_CROSS_RAD)) return true;
    }
  }
  return false;
}

/**
 * Marks the junction lanelets of `lanes` (sets `junctionId`) and returns the junctions.
 * `turnDirection` holds the ids of the lanes whose lanelet carries `turn_direction`.
 */
export function laneletJunctions(
  lanes: Lane[],
  turnDirection: ReadonlySet<string>,
): RoadMapData['junctions'] {
  const n = lanes.length;
  const index = new Map(lanes.map((l, i) => [l.id, i]));
  const boxes = lanes.map((l) => polygonBounds(l.centerline));
  const lengths = lanes.map(cumulative);
  const road = (l: Lane) => l.id.replace(/-rev$/, '');
  const related = (a: Lane, b: Lane) =>
    road(a) === road(b) ||
    a.left?.laneId === b.id ||
    a.right?.laneId === b.id ||
    b.left?.laneId === a.id ||
    b.right?.laneId === a.id ||
    a.successors.includes(b.id) ||
    a.predecessors.includes(b.id);
  const parent = lanes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (i: number, j: number) => {
    const a = find(i);
    const b = find(j);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  const member = lanes.map((l) => turnDirection.has(l.id));
  for (let i = 0; i < n; i++) {
    const a = lanes[i]!;
    const ba = boxes[i]!;
    for (let j = i + 1; j < n; j++) {
      const bb = boxes[j]!;
      if (bb.minX > ba.maxX || bb.maxX < ba.minX || bb.minY > ba.maxY || bb.maxY < ba.minY) continue;
      const b = lanes[j]!;
      if (!VEHICLE_TYPES.has(a.type ?? 'driving') || !VEHICLE_TYPES.has(b.type ?? 'driving')) continue;
      if (related(a, b) || !crosses(a, lengths[i]!, b, lengths[j]!)) continue;
      member[i] = true;
      member[j] = true;
      union(i, j);
    }
  }
  // lanelets leaving the same lanelet as a junction lanelet, or entering the same one, are junction
  // lanelets of that junction too (a right turn that crosses nothing still turns at the junction)
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < n; i++) {
      if (!member[i]) continue;
      for (const back of [true, false]) {
        for (const id of back ? lanes[i]!.predecessors : lanes[i]!.successors) {
          const k = index.get(id);
          if (k === undefined) continue;
          for (const sib of back ? lanes[k]!.successors : lanes[k]!.predecessors) {
            const m = index.get(sib);
            if (m === undefined || m === i) continue;
            if (!member[m]) {
              member[m] = true;
              changed = true;
            }
            union(i, m);
          }
        }
      }
    }
  }
  const byRoot = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    if (!member[i]) continue;
    const r = find(i);
    byRoot.set(r, [...(byRoot.get(r) ?? []), lanes[i]!.id]);
  }
  const junctions: RoadMapData['junctions'] = [];
  for (const ids of byRoot.values()) {
    const id = `junction:${[...ids].sort()[0]!}`;
    junctions.push({ id });
    for (const l of ids) lanes[index.get(l)!]!.junctionId = id;
  }
  return junctions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
