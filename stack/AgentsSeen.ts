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
 * Float noise on the snapshot clock, s: the least a snapshot must lie behind the last one to count
 * as older at all (a snapshot at the last one's time is the same snapshot re-read: the stack's
 * control steps).
 */
export const CLOCK_NOISE_S = 1e-6;

/**
 * Whether a snapshot at `tS` comes from a clock reset since the last one at `lastS` (NaN: none yet):
 * it lies more than `lateS` behind it (the gate's `maxInputAgeS`; at least `CLOCK_NOISE_S`). One
 * older by less is a late delivery (a bridge that passed a snapshot on after a newer one): it is
 * stale anyway and is ignored by the history (`agentsSeenStep`; `agentHistoryStep` keeps
 * the speed history), not a reset — a reset at every late snapshot would re-grant RSS's
 * response-time ramp to every agent each time. One older by more is a clock that went back (a
 * replay restarted, a bridge re-stamped): what was kept before it belongs to another time line.
 */
export function clockWentBack(lastS: number, tS: number, lateS: number): boolean {
  return tS < lastS - Math.max(lateS, CLOCK_NOISE_S);
}

/**
 * The sightings after `snap`: agents in it keep their first sighting or are first seen at its time;
 * an agent missing from it and out of sight for longer than `forgetAfterS` is forgotten, so that it
 * is first seen again when it comes back. A snapshot at the last one's time, or older by at most
 * `lateS` (a late delivery: the gate's `maxInputAgeS`), changes nothing (the stack's control steps
 * re-read the same snapshot); one older by more (`clockWentBack`) starts afresh from it: every agent
 * in it first seen now.
 *
 * Why forget after a gap, and after which: an agent lost for a moment (a detection dropped, a car
 * briefly hidden) is the danger the ego has been answering since it was first seen — a fresh first
 * sighting would re-grant RSS's response time at every flicker (the ramp re-granted at every
 * re-check fell behind hard_braking_lead's lead, gated planners 100 → 87.5). One out of sight for
 * longer than the ego's response time ρ (`forgetAfterS`: the gate's `rssEgo.responseTimeS`) is newly
 * perceived when it reappears: the ego could not respond to what it did not see, and its old first
 * sighting would be more than ρ old anyway. Only a snapshot without the agent tells that it was out
 * of sight: one in the last snapshot and in this one was in view throughout, however far apart
 * the two (snapshots or gated steps more than ρ apart would otherwise re-grant the ramp at every
 * check). After a clock reset the old sightings are on another time line (first sightings in the
 * future would give every known agent `seenForS` 0 at every check for as long as the jump): one
 * ramp from the reset, not endless ones.
 */
export function agentsSeenStep(
  state: AgentsSeen,
  snap: WorldSnapshot,
  forgetAfterS: number,
  lateS: number,
): AgentsSeen {
  if (clockWentBack(state.tS, snap.tS, lateS)) state = AGENTS_SEEN_INITIAL;
  else if (snap.tS <= state.tS) return state;
  const agents = new Map<string, AgentSighting>();
  for (const a of snap.agents) {
    const s = state.agents.get(a.id);
    const inView = s !== undefined && (s.lastS === state.tS || snap.tS - s.lastS <= forgetAfterS + 1e-9);
    agents.set(a.id, { firstS: inView ? s.firstS : snap.tS, lastS: snap.tS });
  }
  for (const [id, s] of state.agents)
    if (!agents.has(id) && snap.tS - s.lastS <= forgetAfterS + 1e-9) agents.set(id, s);
  return { tS: snap.tS, agents };
}

/**
 * The snapshot with each agent's `seenForS`: time since its first sighting in `seen`, s, or the
 * value the agent carries (a tracker's own track age) where that is longer — the longer sighting
 * is the conservative one (a shorter `seenForS` grants RSS's response-time ramp; a bridge that sent
 * "time since the last update", 0 on every message, would re-grant it at every check). Agents that
 * `seen` does not know are left as they are.
 */
export function withSeenFor(snap: WorldSnapshot, seen: AgentsSeen): WorldSnapshot {
  if (!seen.agents.size) return snap;
  return {
    ...snap,
    agents: snap.agents.map((a) => {
      const s = seen.agents.get(a.id);
      if (s === undefined) return a;
      const own = Math.max(0, snap.tS - s.firstS);
      return a.seenForS !== undefined && a.seenForS >= own ? a : { ...a, seenForS: own };
    }),
  };
}
