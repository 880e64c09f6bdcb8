/**
 * Our imported OpenSCENARIO replay (the expert ego track and each agent's track) held against
 * esmini's own run of the same file (its `--csv_logger` output, `EsminiCsv.ts`): per entity the
 * position, heading and speed errors at the times both have, and the first time the position
 * error exceeds a threshold. `scripts/compare-esmini.ts` runs it over folders of files.
 */
import type { Scenario, TrackPoint } from '../../../core/index.ts';
import { normalizeAngle } from '../../../core/index.ts';
import type { EsminiSample } from './EsminiCsv.ts';

/** Where a track's position is taken: esmini's reference point, or its bounding-box centre. */
export type TrackAnchor = 'reference' | 'boxCentre';

/** One entity's track from the import, and where its positions stand on the body. */
export interface OurTrack {
  /** Entity name as in the file (an agent stretch `Car#2` compares against `Car`). */
  entity: string;
  /** `ego`, or the agent id. */
  role: string;
  anchor: TrackAnchor;
  track: TrackPoint[];
}

export interface TrackComparison {
  entity: string;
  role: string;
  /** Samples compared (times both tracks have). */
  n: number;
  maxPosM: number;
  meanPosM: number;
  maxHeadingRad: number;
  maxSpeedMps: number;
  /** First compared time the position error exceeds the threshold, s (null: never). */
  firstOverS: number | null;
  /** Last compared time, s. */
  lastS: number;
}

/** Time key shared by both grids (ours 0.1 s, esmini's any step; esmini logs times with 6 decimals). */
const timeKey = (tS: number) => Math.round(tS * 1000);

/**
 * The tracks of a Scenario the OpenSCENARIO importer built: the expert (the ego's reference point,
 * the rear axle) and each replay or static agent (box centre). `egoName` is the ego entity's name.
 */
export function ourTracks(s: Scenario, egoName: string): OurTrack[] {
  const out: OurTrack[] = [{ entity: egoName, role: 'ego', anchor: 'reference', track: s.expert }];
  for (const a of s.agents) {
    const entity = a.id.replace(/#\d+$/, '');
    if (a.behavior.type === 'replay')
      out.push({ entity, role: a.id, anchor: 'boxCentre', track: a.behavior.track });
    else if (a.behavior.type === 'static') {
      // a static agent stands at its start for the whole scenario
      const track: TrackPoint[] = [];
      for (let k = 0; k * s.dtS <= s.durationS + 1e-9; k++) track.push({ tS: k * s.dtS, ...a.start });
      out.push({ entity, role: a.id, anchor: 'boxCentre', track });
    }
  }
  return out;
}

/** esmini's sample moved to the anchor our track uses. */
function anchored(e: EsminiSample, anchor: TrackAnchor): { x: number; y: number } {
  if (anchor === 'reference') return { x: e.x, y: e.y };
  const c = Math.cos(e.headingRad);
  const s = Math.sin(e.headingRad);
  return { x: e.x + e.bbXM * c - e.bbYM * s, y: e.y + e.bbXM * s + e.bbYM * c };
}

/**
 * Errors of `ours` against esmini's samples of the same entity at the times both have (speeds
 * compared as magnitudes: the import's replays carry |v|). Returns null when no time is shared.
 */
export function compareTrack(
  ours: OurTrack,
  esmini: EsminiSample[],
  thresholdM = 0.1,
): TrackComparison | null {
  const byTime = new Map<number, EsminiSample>();
  for (const e of esmini) byTime.set(timeKey(e.tS), e);
  let n = 0;
  let sumPos = 0;
  let maxPos = 0;
  let maxHead = 0;
  let maxSpeed = 0;
  let firstOver: number | null = null;
  let last = 0;
  for (const p of ours.track) {
    const e = byTime.get(timeKey(p.tS));
    if (!e) continue;
    const q = anchored(e, ours.anchor);
    const d = Math.hypot(p.x - q.x, p.y - q.y);
    const dh = Math.abs(normalizeAngle(p.headingRad - e.headingRad));
    const dv = Math.abs(Math.abs(p.speedMps) - Math.abs(e.speedMps));
    n++;
    sumPos += d;
    maxPos = Math.max(maxPos, d);
    maxHead = Math.max(maxHead, dh);
    maxSpeed = Math.max(maxSpeed, dv);
    if (firstOver === null && d > thresholdM) firstOver = p.tS;
    last = p.tS;
  }
  if (n === 0) return null;
  return {
    entity: ours.entity,
    role: ours.role,
    n,
    maxPosM: maxPos,
    meanPosM: sumPos / n,
    maxHeadingRad: maxHead,
    maxSpeedMps: maxSpeed,
    firstOverS: firstOver,
    lastS: last,
  };
}

/**
 * The ego entity's name: the esmini entity no agent is named after whose first sample stands
 * nearest the expert's first point (the import keeps no name for the ego).
 */
export function egoNameOf(s: Scenario, esmini: Map<string, EsminiSample[]>): string | undefined {
  const agents = new Set(s.agents.map((a) => a.id.replace(/#\d+$/, '')));
  const e0 = s.expert[0]!;
  let best: { name: string; d: number } | undefined;
  for (const [name, track] of esmini) {
    if (agents.has(name) || track.length === 0) continue;
    const d = Math.hypot(track[0]!.x - e0.x, track[0]!.y - e0.y);
    if (!best || d < best.d) best = { name, d };
  }
  return best?.name;
}
