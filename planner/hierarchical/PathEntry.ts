/**
 * Where the ego's footprint, driven along the route, first enters a crossing agent's path: the
 * strip its body sweeps along its lane path ahead where it is matched to a lane (`AgentLanePath`,
 * one per successor branch it may take), else going straight on from where it is. Perception's
 * conflict point is where
 * the agent's *centre* enters the ego's corridor, measured on the route centreline; on a turn that
 * meets the other path at an angle (an unprotected left across oncoming traffic) the ego's front
 * corner is in the other lane metres before that point, so a stop "2 m before the conflict" leaves
 * the ego standing in the oncoming lane — where a reactive driver stops behind it and both wait.
 * Only the part of the footprint inside the strip counts (a rear corner beside the agent's lane is
 * no conflict), so the agent has passed us once its rear is past that part. Pure geometry on the
 * route line; no allocation beyond the result. Along a lane path, "along" is arc length on it from
 * the agent's centre and "across" the offset from it (the footprint's edges cut as straight there:
 * the footprint is short against the bends of a lane).
 */
import type { Polyline } from '../../core/index.ts';

export interface PathEntry {
  /** How far the ego's front bumper travels along the route before its footprint enters the agent's strip, m (0: already in it). */
  egoEntryM: number;
  /** How far the agent's front bumper is, along its heading, from the ego's footprint at that entry, m. */
  agentToEntryM: number;
  /**
   * How far the agent's rear must still travel along its heading to be past every part of the
   * ego's footprint that lies in its strip, from the entry until the footprint has left the strip
   * (or the search ends), m.
   */
  agentClearM: number;
  /** How far the ego's front bumper travels before its footprint has left the strip again, m (Infinity: not within the search). */
  egoExitM: number;
}

/** How the ego's path meets a crossing agent's strip: ahead of its rear (`entry`), or only behind it (`rearPastM`). */
export interface PathMeeting {
  entry?: PathEntry;
  /** The footprint meets the strip only behind the agent's rear: by how much the rear is past it at the least, m. */
  rearPastM?: number;
}

/** The ego as `pathEntry` needs it: rear-axle arc length on the route line and its size, m. */
export interface EntryEgo {
  sM: number;
  lengthM: number;
  widthM: number;
  rearAxleToCenterM: number;
}

/** The agent as `pathEntry` needs it: centre, heading and size (map frame, m / rad). */
export interface EntryAgent {
  x: number;
  y: number;
  headingRad: number;
  lengthM: number;
  widthM: number;
}

/**
 * A crossing agent's path along its lanes: the centreline of its lane and the successors of one
 * branch, where the agent's centre is along it (`sM`) and across it (`dM`, left positive). Its
 * body sweeps the centreline, widened by its half width and the margin.
 */
export interface AgentLanePath {
  line: Polyline;
  sM: number;
  dM: number;
}

/** How far behind the agent its lane path is searched for our footprint, m (a car passed that far back has gone). */
const PATH_BACK_M = 30;

/** Sampling step along the route, m. */
const STEP_M = 0.25;
/** How far past the entry search the exit from the strip is looked for, m (a lane and a car length). */
const EXIT_SEARCH_M = 10;

/**
 * First entry of the ego footprint (rear axle on the route line, aligned with it) into the strip
 * |lateral| ≤ agent half width + `marginM` ahead of the agent's rear, searched over the next
 * `aheadM` of the route. Undefined when the footprint stays clear of it.
 */
export function pathEntry(
  line: Polyline,
  ego: EntryEgo,
  a: EntryAgent,
  aheadM: number,
  marginM: number,
): PathEntry | undefined {
  return pathMeeting(line, ego, a, aheadM, marginM).entry;
}

/**
 * `pathEntry`, and when the footprint meets the strip only behind the agent's rear, how far the
 * rear is past it (the agent has gone by). Neither: the footprint stays clear of the strip. With
 * lane paths (one per branch the agent may take) the strip follows each; the earliest entry over
 * them counts (conservative), and the rear is past only when no branch has an entry.
 */
export function pathMeeting(
  line: Polyline,
  ego: EntryEgo,
  a: EntryAgent,
  aheadM: number,
  marginM: number,
  paths?: ReadonlyArray<AgentLanePath>,
): PathMeeting {
  if (!paths || paths.length === 0) return meetingOn(line, ego, a, aheadM, marginM, undefined);
  let entry: PathEntry | undefined;
  let rearPastM = Infinity;
  for (const p of paths) {
    const m = meetingOn(line, ego, a, aheadM, marginM, p);
    if (m.entry && (!entry || m.entry.egoEntryM < entry.egoEntryM)) entry = m.entry;
    if (m.rearPastM !== undefined) rearPastM = Math.min(rearPastM, m.rearPastM);
  }
  if (entry) return { entry };
  return Number.isFinite(rearPastM) ? { rearPastM } : {};
}

const probe = { sM: 0, dM: 0, segment: 0 };

function meetingOn(
  line: Polyline,
  ego: EntryEgo,
  a: EntryAgent,
  aheadM: number,
  marginM: number,
  path: AgentLanePath | undefined,
): PathMeeting {
  if (line.length <= 0) return {};
  const ux = Math.cos(a.headingRad);
  const uy = Math.sin(a.headingRad);
  // on a lane path its body is swept along the centreline: an offset from it now is taken back to
  // the centre (keeping it put an oncoming car 1.4 m off its centre, 63 m away, in our path on
  // esmini lane_change_crest; perception's crossing list and the gate keep offset and drift)
  const half = a.widthM / 2 + marginM;
  const fromS = path ? Math.max(0, path.sM - PATH_BACK_M) : 0;
  const rearAlong = -a.lengthM / 2;
  const pose = { x: 0, y: 0, headingRad: 0 };
  const halfL = ego.lengthM / 2;
  const halfW = ego.widthM / 2;
  const lat = [0, 0, 0, 0];
  const along = [0, 0, 0, 0];
  const span = { min: 0, max: 0 };
  const s0 = Math.max(0, ego.sM);
  const s1 = Math.min(line.length, ego.sM + aheadM);
  const s2 = Math.min(line.length, s1 + EXIT_SEARCH_M);
  let entry: PathEntry | undefined;
  let rearPastM = Infinity;
  for (let s = s0; s <= s2 + 1e-9; s += STEP_M) {
    line.poseAt(s, pose);
    const c = Math.cos(pose.headingRad);
    const sn = Math.sin(pose.headingRad);
    const cx = pose.x + c * ego.rearAxleToCenterM - a.x;
    const cy = pose.y + sn * ego.rearAxleToCenterM - a.y;
    // corners in order round the rectangle (front-left, front-right, rear-right, rear-left)
    for (let k = 0; k < 4; k++) {
      const l = k < 2 ? halfL : -halfL;
      const w = k === 0 || k === 3 ? halfW : -halfW;
      const px = cx + c * l - sn * w;
      const py = cy + sn * l + c * w;
      if (path) {
        path.line.project(px + a.x, py + a.y, probe, fromS);
        along[k] = probe.sM - path.sM;
        lat[k] = probe.dM;
      } else {
        along[k] = px * ux + py * uy;
        lat[k] = -px * uy + py * ux;
      }
    }
    const inStrip = alongSpanInStrip(lat, along, half, span);
    if (entry) {
      if (!inStrip) {
        entry.egoExitM = s - ego.sM;
        break;
      }
      entry.agentClearM = Math.max(entry.agentClearM, span.max - rearAlong);
      continue;
    }
    if (s > s1 + 1e-9) break;
    if (!inStrip) continue;
    if (span.max < rearAlong) {
      rearPastM = Math.min(rearPastM, rearAlong - span.max);
      continue;
    }
    // how far the agent's front is from the footprint (the whole of it: the nearest corner)
    let alongMin = Infinity;
    for (let k = 0; k < 4; k++) alongMin = Math.min(alongMin, along[k]!);
    entry = {
      egoEntryM: s - ego.sM,
      agentToEntryM: Math.max(0, alongMin - a.lengthM / 2),
      agentClearM: span.max - rearAlong,
      egoExitM: Infinity,
    };
  }
  if (entry) return { entry };
  return Number.isFinite(rearPastM) ? { rearPastM } : {};
}

/**
 * The along-heading extent of the part of a convex quadrilateral (corners in order, agent frame)
 * inside |lateral| ≤ half, into `out`; false when no part is inside. The quadrilateral's edges are
 * cut at the two strip lines: the extremes lie at corners inside or at those cuts.
 */
function alongSpanInStrip(
  lat: number[],
  along: number[],
  half: number,
  out: { min: number; max: number },
): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < 4; k++) {
    const l0 = lat[k]!;
    const a0 = along[k]!;
    if (Math.abs(l0) <= half) {
      min = Math.min(min, a0);
      max = Math.max(max, a0);
    }
    const j = (k + 1) % 4;
    const l1 = lat[j]!;
    const a1 = along[j]!;
    for (let e = 0; e < 2; e++) {
      const edge = e === 0 ? -half : half;
      if ((l0 - edge) * (l1 - edge) >= 0) continue;
      const t = (edge - l0) / (l1 - l0);
      const ac = a0 + t * (a1 - a0);
      min = Math.min(min, ac);
      max = Math.max(max, ac);
    }
  }
  if (max < min) return false;
  out.min = min;
  out.max = max;
  return true;
}
