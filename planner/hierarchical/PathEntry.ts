/**
 * Where the ego's footprint, driven along the route, first enters a crossing agent's path (the
 * strip its body sweeps going straight on from where it is). Perception's conflict point is where
 * the agent's *centre* enters the ego's corridor, measured on the route centreline; on a turn that
 * meets the other path at an angle (an unprotected left across oncoming traffic) the ego's front
 * corner is in the other lane metres before that point, so a stop "2 m before the conflict" leaves
 * the ego standing in the oncoming lane — where a reactive driver stops behind it and both wait.
 * Pure geometry on the route line; no allocation beyond the result.
 */
import type { Polyline } from '../../core/index.ts';

export interface PathEntry {
  /** How far the ego's front bumper travels along the route before its footprint enters the agent's strip, m (0: already in it). */
  egoEntryM: number;
  /** How far the agent's front bumper is, along its heading, from the ego's footprint at that entry, m. */
  agentToEntryM: number;
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

/** Sampling step along the route, m. */
const STEP_M = 0.25;

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
  if (line.length <= 0) return undefined;
  const ux = Math.cos(a.headingRad);
  const uy = Math.sin(a.headingRad);
  const half = a.widthM / 2 + marginM;
  const rearAlong = -a.lengthM / 2;
  const pose = { x: 0, y: 0, headingRad: 0 };
  const halfL = ego.lengthM / 2;
  const halfW = ego.widthM / 2;
  const s0 = Math.max(0, ego.sM);
  const s1 = Math.min(line.length, ego.sM + aheadM);
  for (let s = s0; s <= s1 + 1e-9; s += STEP_M) {
    line.poseAt(s, pose);
    const c = Math.cos(pose.headingRad);
    const sn = Math.sin(pose.headingRad);
    const cx = pose.x + c * ego.rearAxleToCenterM - a.x;
    const cy = pose.y + sn * ego.rearAxleToCenterM - a.y;
    let latMin = Infinity;
    let latMax = -Infinity;
    let alongMin = Infinity;
    let alongMax = -Infinity;
    for (let k = 0; k < 4; k++) {
      const l = k < 2 ? halfL : -halfL;
      const w = k % 2 === 0 ? halfW : -halfW;
      const px = cx + c * l - sn * w;
      const py = cy + sn * l + c * w;
      const along = px * ux + py * uy;
      const lat = -px * uy + py * ux;
      if (lat < latMin) latMin = lat;
      if (lat > latMax) latMax = lat;
      if (along < alongMin) alongMin = along;
      if (along > alongMax) alongMax = along;
    }
    if (latMin > half || latMax < -half || alongMax < rearAlong) continue;
    return { egoEntryM: s - ego.sM, agentToEntryM: Math.max(0, alongMin - a.lengthM / 2) };
  }
  return undefined;
}
