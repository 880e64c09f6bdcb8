/**
 * Lane boundary markings (core `RoadMark`): the marks of a lane's side with the documented default
 * for maps that carry none, the stretch at an arc length, and whether a lane change may cross it.
 */
import type { Lane, RoadMark, RoadMarkType } from '../schemas.ts';

export type LaneSide = 'left' | 'right';

const FROM_BOUNDARY: Record<Lane['leftBoundary'], RoadMarkType> = {
  solid: 'solid',
  dashed: 'broken',
  curb: 'curb',
  none: 'none',
};

/** The one white stretch a lane without `leftMarks` / `rightMarks` has, read from its boundary kind. */
export function marksOfBoundary(b: Lane['leftBoundary']): RoadMark[] {
  return [{ sM: 0, type: FROM_BOUNDARY[b], color: 'white' }];
}

/** The marks of a lane's side, in order of `sM` (the schema's default where the map gives none). */
export function laneMarks(lane: Lane, side: LaneSide): readonly RoadMark[] {
  const m = side === 'left' ? lane.leftMarks : lane.rightMarks;
  return m ?? marksOfBoundary(side === 'left' ? lane.leftBoundary : lane.rightBoundary);
}

/** The stretch of `marks` in force at arc length `sM` (the first before any starts). */
export function markAt(marks: readonly RoadMark[], sM: number): RoadMark {
  let at = marks[0]!;
  for (const m of marks) {
    if (m.sM > sM) break;
    at = m;
  }
  return at;
}

/** The same double line seen from the other side (its lines named from the other lane outward). */
export function mirrorMarkType(t: RoadMarkType): RoadMarkType {
  return t === 'solid_broken' ? 'broken_solid' : t === 'broken_solid' ? 'solid_broken' : t;
}

/**
 * Whether a lane change from the lane across this stretch is allowed: the source's explicit word
 * (`crossable`) where it gives one; else by the line next to the lane — broken, botts dots or no
 * marking allow it, a solid line, a curb or grass do not (StVO Anlage 2 Zeichen 295 / 340,
 * MUTCD 3B.01 / 3B.04).
 */
export function roadMarkCrossable(m: RoadMark): boolean {
  if (m.crossable !== undefined) return m.crossable;
  switch (m.type) {
    case 'broken':
    case 'broken_solid':
    case 'broken_broken':
    case 'botts_dots':
    case 'none':
      return true;
    default:
      return false;
  }
}

/** Whether the lane's marking on `side` at arc length `sM` allows a lane change across it. */
export function laneChangeAllowedAt(lane: Lane, side: LaneSide, sM: number): boolean {
  return roadMarkCrossable(markAt(laneMarks(lane, side), sM));
}

/**
 * Whether lane `lane` is the one to draw its `side` boundary, so that a line two lanes share is drawn
 * once (a broken line drawn twice, its dashes starting at each lane's own start, looks solid): always
 * its right one; its left one unless the lane on the left draws it — a same-direction neighbour that
 * names this lane its right neighbour, or an opposite one with the smaller id that names this lane
 * its left neighbour. `laneById` looks lanes up.
 */
export function drawsBoundary(
  lane: Lane,
  side: LaneSide,
  laneById: (id: string) => Lane | undefined,
): boolean {
  if (side === 'right') return true;
  const n = lane.left;
  if (!n) return true;
  const other = laneById(n.laneId);
  if (!other) return true;
  if (!n.opposite) return other.right?.laneId !== lane.id;
  return !(other.left?.laneId === lane.id && other.id < lane.id);
}

/**
 * One stretch of a lane's boundary where a lane change may cross it: lane arc lengths [fromM, toM];
 * `toM` is Infinity where the stretch runs to the lane's end (the move may go on over the line of the
 * lanes that follow, which the gate reads there).
 */
export interface CrossableStretch {
  fromM: number;
  toM: number;
}

/**
 * The stretches of lane `lane`'s marking on `side` (length `lengthM`) that a lane change may cross
 * (`roadMarkCrossable`), in order, neighbouring crossable stretches merged. A lane without markings
 * on that side (`leftMarks` / `rightMarks` absent) is crossable along its whole length where its
 * neighbour there allows a change (`changeAllowed`), else nowhere.
 */
export function crossableStretches(lane: Lane, side: LaneSide, lengthM: number): CrossableStretch[] {
  const explicit = side === 'left' ? lane.leftMarks : lane.rightMarks;
  if (!explicit) {
    const nb = side === 'left' ? lane.left : lane.right;
    return nb?.changeAllowed ? [{ fromM: 0, toM: Number.POSITIVE_INFINITY }] : [];
  }
  const out: CrossableStretch[] = [];
  for (let k = 0; k < explicit.length; k++) {
    if (!roadMarkCrossable(explicit[k]!)) continue;
    let j = k;
    while (j + 1 < explicit.length && roadMarkCrossable(explicit[j + 1]!)) j++;
    const fromM = k === 0 ? 0 : Math.min(lengthM, explicit[k]!.sM);
    const toM = j + 1 < explicit.length ? Math.min(lengthM, explicit[j + 1]!.sM) : Number.POSITIVE_INFINITY;
    // a stretch that ends where the lane does runs on (a solid mark that begins at the lane's end
    // is the next lane's business)
    if (toM > fromM) out.push({ fromM, toM: toM >= lengthM ? Number.POSITIVE_INFINITY : toM });
    k = j;
  }
  return out;
}

/**
 * Where a lane change that needs `needM` of line to cross may begin on a lane with crossable
 * stretches `stretches`, no earlier than `entryM` (lane arc length): the start of the first
 * stretch that leaves that much room after `entryM`, or undefined when none does. A stretch that
 * runs on past the lane's end leaves room enough when the change begins no later than `latestM`
 * (the change may go on over the lines of the lanes that follow, but is drawn on this one).
 */
export function earliestCrossing(
  stretches: readonly CrossableStretch[],
  entryM: number,
  needM: number,
  latestM = Number.POSITIVE_INFINITY,
): number | undefined {
  for (const w of stretches) {
    const a = Math.max(w.fromM, entryM);
    if (w.toM === Number.POSITIVE_INFINITY ? a <= latestM : w.toM - a >= needM) return a;
  }
  return undefined;
}
