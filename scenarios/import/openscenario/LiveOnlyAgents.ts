/**
 * Agents for the entities a live storyboard brings into the scene only in closed loop: an
 * AddEntityAction the ego triggers (StoryAddEntityAction.xosc's, started by the hero) never runs
 * when the import plays the storyboard without that ego, so the entity has no stretch in the scene
 * there and would get no agent, and the live storyboard (which drives the import's agents) could
 * not show it. Each gets one agent, its id the entity's name (the first stretch), whose fallback
 * replay lies after the scenario's end: absent in a run without the live storyboard, as it was
 * absent in the import's playback; with it, present from when the storyboard adds it.
 */
import type { ScenarioAgent } from '../../../core/index.ts';
import type { EntityState } from './OscExecutor.ts';

/** The fallback track starts this long after the scenario's end, s. */
const AFTER_END_S = 1;

/**
 * Agents for the entities of `states` that have none in `agents` and are not in `skip` (the ego
 * and its trailers); `durationS` is the scenario's length.
 */
export function liveOnlyAgents(
  states: ReadonlyMap<string, EntityState>,
  agents: readonly ScenarioAgent[],
  skip: ReadonlySet<string>,
  durationS: number,
): ScenarioAgent[] {
  const have = new Set(agents.map((a) => a.id.replace(/#\d+$/, '')));
  const out: ScenarioAgent[] = [];
  for (const st of states.values()) {
    const e = st.entity;
    if (skip.has(e.name) || have.has(e.name)) continue;
    const p = st.track[st.track.length - 1] ?? { x: st.x, y: st.y, headingRad: st.headingRad };
    const pose = { x: p.x, y: p.y, headingRad: p.headingRad, speedMps: 0 };
    const t0 = durationS + AFTER_END_S;
    out.push({
      id: e.name,
      kind: e.kind,
      lengthM: e.lengthM,
      widthM: e.widthM,
      ...(e.attributes ? { attributes: e.attributes } : {}),
      start: pose,
      behavior: {
        type: 'replay',
        track: [
          { tS: t0, ...pose },
          { tS: t0 + 0.1, ...pose },
        ],
      },
      reactive: 'replay',
    });
  }
  return out;
}
