/**
 * OpenDRIVE `<roadMark>` → the map contract's lane markings (core `RoadMark`), ASAM OpenDRIVE 1.8
 * §11.8: every `<roadMark>` of a lane (one per `sOffset`, changing within a lane section), its type,
 * colour, width and `laneChange`, and the dash pattern of a `<type><line>` detail. A lane's marks
 * describe its outer border; the centre lane's the reference line. Double types name their lines
 * from the inside out, the centre lane's from left to right (+t first); the contract names them from
 * the lane that reads them outward, so this file turns them round where a lane sees them from the
 * other side.
 */
import type { RoadMark, RoadMarkColor, RoadMarkType } from '../../../core/index.ts';
import { mirrorMarkType } from '../../../core/map/index.ts';
import { attr, kid, kids, type XNode } from './XmlTree.ts';

/** One `<roadMark>` record as the file gives it (type in the file's order of lines). */
export interface MarkDef {
  /** Start relative to the lane section, m. */
  sOffset: number;
  type: RoadMarkType;
  color: RoadMarkColor;
  widthM?: number;
  dashM?: number;
  gapM?: number;
  /** `laneChange` where the file gives it (the spec's default, `both`, is not written in). */
  laneChange?: 'increase' | 'decrease' | 'both' | 'none';
}

const TYPES: Readonly<Record<string, RoadMarkType>> = {
  none: 'none',
  solid: 'solid',
  broken: 'broken',
  'solid solid': 'solid_solid',
  'solid broken': 'solid_broken',
  'broken solid': 'broken_solid',
  'broken broken': 'broken_broken',
  'botts dots': 'botts_dots',
  grass: 'grass',
  curb: 'curb',
};

const COLORS: Readonly<Record<string, RoadMarkColor>> = {
  standard: 'white',
  white: 'white',
  yellow: 'yellow',
  blue: 'blue',
  green: 'green',
  red: 'red',
  orange: 'orange',
  violet: 'violet',
};

const LANE_CHANGES = new Set(['increase', 'decrease', 'both', 'none']);

/** A positive number attribute, or undefined (with a warning when present but not one). */
function positiveAttr(
  n: XNode | undefined,
  name: string,
  path: string,
  warnings: string[],
): number | undefined {
  const s = attr(n, name);
  if (s === undefined || s.trim() === '') return undefined;
  const v = Number(s);
  if (Number.isFinite(v) && v > 0) return v;
  if (!(Number.isFinite(v) && v === 0))
    warnings.push(`${path}@${name}: "${s.slice(0, 40)}" is not a positive number; left out`);
  return undefined;
}

/** A `<type>` / `<explicit>` made of `<line>`s: solid (space 0) or broken, named in order of tOffset (+t first). */
function typeOfLines(
  lines: XNode[],
): { type: RoadMarkType; dashM?: number; gapM?: number; widthM?: number } | undefined {
  if (lines.length === 0 || lines.length > 2) return undefined;
  const read = lines.map((l) => ({
    t: Number(attr(l, 'tOffset') ?? 0) || 0,
    len: Number(attr(l, 'length') ?? 0) || 0,
    space: Number(attr(l, 'space') ?? 0) || 0,
    width: Number(attr(l, 'width') ?? 0) || 0,
  }));
  const broken = (x: (typeof read)[number]) => x.space > 0 && x.len > 0;
  const first = read.find(broken);
  // a pattern the contract takes (≤ 100 m each); a longer one is drawn with the default
  const pattern =
    first && first.len <= 100 && first.space <= 100 ? { dashM: first.len, gapM: first.space } : {};
  const width = read[0]!.width > 0 && read[0]!.width <= 2 ? { widthM: read[0]!.width } : {};
  if (read.length === 1) return { type: broken(read[0]!) ? 'broken' : 'solid', ...pattern, ...width };
  const [a, b] = read.sort((x, y) => y.t - x.t) as [(typeof read)[number], (typeof read)[number]];
  const name = `${broken(a) ? 'broken' : 'solid'}_${broken(b) ? 'broken' : 'solid'}` as RoadMarkType;
  return { type: name, ...pattern, ...width };
}

/**
 * The `<roadMark>` records of a `<lane>` in order of sOffset. Unknown types (`custom`, `edge` without
 * lines) read as `none` with a warning; bad numbers are left out with a warning — a marking never
 * refuses a map.
 */
export function readRoadMarks(
  lane: XNode | undefined,
  laneId: number,
  path: string,
  warnings: string[],
): MarkDef[] {
  const out: MarkDef[] = [];
  kids(lane, 'roadMark').forEach((m, i) => {
    const p = `${path}/roadMark[${i}]`;
    const s = Number(attr(m, 'sOffset') ?? 0);
    if (!Number.isFinite(s) || s < 0) {
      warnings.push(`${p}@sOffset: "${attr(m, 'sOffset')}" is not a distance ≥ 0; mark left out`);
      return;
    }
    const raw = (attr(m, 'type') ?? 'none').trim().toLowerCase().replace(/\s+/g, ' ');
    const lines = kids(kid(m, 'type'), 'line');
    const detail = typeOfLines(lines.length > 0 ? lines : kids(kid(m, 'explicit'), 'line'));
    let type = TYPES[raw];
    if (type === undefined) {
      // the lines are named +t first; a left lane's records name theirs from the inside (−t) out
      type = detail ? (laneId > 0 ? mirrorMarkType(detail.type) : detail.type) : 'none';
      if (!detail) warnings.push(`${p}@type: "${raw.slice(0, 40)}" has no lines to read; drawn as none`);
    }
    const colorRaw = (attr(m, 'color') ?? 'standard').trim().toLowerCase();
    const color = COLORS[colorRaw] ?? 'other';
    const lc = (attr(m, 'laneChange') ?? '').trim().toLowerCase();
    const widthM = positiveAttr(m, 'width', p, warnings) ?? detail?.widthM;
    const isBroken = type.includes('broken');
    out.push({
      sOffset: s,
      type,
      color,
      ...(widthM !== undefined && widthM <= 2 ? { widthM } : {}),
      ...(isBroken && detail?.dashM !== undefined ? { dashM: detail.dashM, gapM: detail.gapM! } : {}),
      ...(LANE_CHANGES.has(lc) ? { laneChange: lc as MarkDef['laneChange'] } : {}),
    });
  });
  return out.sort((a, b) => a.sOffset - b.sOffset);
}

/**
 * The marks of one side of a lane as the contract has them.
 * - `defs`: the border owner's records; `ownerId` its lane id (0: the centre lane).
 * - `plusSide`: the border lies on the lane's +t side (crossing it goes to a higher lane id).
 * - `sectionS`, `sectionEnd`: the section's range on the road, m; `arcAt(s)`: the lane's centreline
 *   arc length from the section start at road s, in road direction; `lengthM` the centreline's length.
 * - `forward`: the lane drives with the road's s.
 * Returns undefined when the owner has no record (the caller's default applies).
 */
export function laneMarksOf(
  defs: readonly MarkDef[],
  ownerId: number,
  plusSide: boolean,
  sectionLengthM: number,
  arcAt: (sInSection: number) => number,
  lengthM: number,
  forward: boolean,
): RoadMark[] | undefined {
  const inRange = defs.filter((d, i) => i === 0 || d.sOffset < sectionLengthM - 1e-6);
  if (inRange.length === 0) return undefined;
  const toContract = (d: MarkDef): Omit<RoadMark, 'sM'> => {
    // The file's order → +t first → from this lane outward.
    const tFirst = ownerId > 0 ? mirrorMarkType(d.type) : d.type;
    const type = plusSide ? mirrorMarkType(tFirst) : tFirst;
    const crossable =
      d.laneChange === undefined
        ? undefined
        : d.laneChange === 'both' || d.laneChange === (plusSide ? 'increase' : 'decrease');
    return {
      type,
      color: d.color,
      ...(d.widthM !== undefined ? { widthM: d.widthM } : {}),
      ...(d.dashM !== undefined ? { dashM: d.dashM, gapM: d.gapM! } : {}),
      ...(crossable !== undefined ? { crossable } : {}),
    };
  };
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const clamp = (v: number) => Math.min(Math.max(v, 0), lengthM);
  if (forward)
    return inRange.map((d, i) => ({ sM: i === 0 ? 0 : r3(clamp(arcAt(d.sOffset))), ...toContract(d) }));
  // Against s: the last record comes first, starting where the next record begins.
  const out: RoadMark[] = [];
  for (let i = inRange.length - 1; i >= 0; i--) {
    const next = inRange[i + 1];
    out.push({ sM: next ? r3(clamp(lengthM - arcAt(next.sOffset))) : 0, ...toContract(inRange[i]!) });
  }
  out[0]!.sM = 0;
  return out;
}
