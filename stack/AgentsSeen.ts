/**
 * When each agent was first seen: the per-agent state the caller of the safety gate keeps across
 * snapshots, so that the gate (a pure function of what it is handed) can count RSS's response time
 * ρ to a newly perceived agent from the moment it came into view (RSS: the danger begins when the
 * situation becomes dangerous; for an agent just perceived, when it was first seen), instead of
 * from the first snapshot only or afresh at every re-check.
 *
 * The state is rebuilt from the snapshots alone (their times and agent ids), so a run replays bit
 * for bit from its logged snapshots with nothing more logged.
 */
import type { WorldSnapshot } from '../core/index.ts';

/** One agent's sighting: first seen (in its current track) and last seen, s on the snapshot clock. */
export interface AgentSighting {
  readonly firstS: number;
  readonly lastS: number;
}

/** The sightings after the snapshot at `tS` (NaN: none yet). */
export interface AgentsSeen {
  readonly tS: number;
  readonly agents: ReadonlyMap<string, AgentSighting>;
}

export const AGENTS_SEEN_INITIAL: AgentsSeen = { tS: Number.NaN, agents: new Map() };

/**
 * The sightings after `snap`: agents in it keep their first sighting or are first seen at its time;
 * an agent out of sight for longer than `forgetAfterS` is forgotten, so that it is first seen again
 * when it comes back. A snapshot no newer than the last one changes nothing (the stack's control
 * steps re-read the same snapshot).
 *
 * Why forget after a gap, and after which: an agent lost for a moment (a detection dropped, a car
 * briefly hidden) is the danger the ego has been answering since it was first seen — a fresh first
 * sighting would re-grant RSS's response time at every flicker (the ramp re-granted at every
 * re-check fell behind hard_braking_lead's lead, gated planners 100 → 87.5). One out of sight for
 * longer than the ego's response time ρ (`forgetAfterS`: the gate's `rssEgo.responseTimeS`) is newly
 * perceived when it reappears: the ego could not respond to what it did not see, and its old first
 * sighting would be more than ρ old anyway.
 */
export function agentsSeenStep(state: AgentsSeen, snap: WorldSnapshot, forgetAfterS: number): AgentsSeen {
  if (snap.tS <= state.tS) return state;
  const agents = new Map<string, AgentSighting>();
  for (const [id, s] of state.agents) if (snap.tS - s.lastS <= forgetAfterS + 1e-9) agents.set(id, s);
  for (const a of snap.agents) {
    const s = agents.get(a.id);
    agents.set(a.id, { firstS: s ? s.firstS : snap.tS, lastS: snap.tS });
  }
  return { tS: snap.tS, agents };
}

/**
 * The snapshot with each agent's `seenForS` (time since its first sighting in `seen`, s); agents
 * that already carry one (a tracker's own track age) or that `seen` does not know are left as they are.
 */
export function withSeenFor(snap: WorldSnapshot, seen: AgentsSeen): WorldSnapshot {
  if (!seen.agents.size) return snap;
  return {
    ...snap,
    agents: snap.agents.map((a) => {
      const s = seen.agents.get(a.id);
      return s === undefined || a.seenForS !== undefined
        ? a
        : { ...a, seenForS: Math.max(0, snap.tS - s.firstS) };
    }),
  };
}
