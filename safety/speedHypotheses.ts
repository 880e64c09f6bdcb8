/**
 * An agent whose speed nobody measured (`AgentState.speedKnown: false`: a detector that reports
 * positions only, at its first sighting) is checked as both of what it may be: at rest, and moving
 * along its heading at the plausible speed of its kind (`SafetyParams.unknownSpeedMps`; a vehicle on
 * a lane at that lane's speed limit where it is higher). Each becomes an agent of its own in the
 * snapshot the rules read, with the same id: every rule then holds the command against both — a
 * lead at rest (RSS's stop short of it), one coming on head-on (RSS's opposite-direction distance),
 * one crossing the ego's way (the footprint rules, PET) — and the forecast puts the moving one on its
 * lane as it does any measured vehicle. Taken at one guessed speed instead, either case was lost: the
 * ROS bridge took a first-seen car heading towards the ego at 13.9 m/s and one heading away at 0,
 * so a car crossing away from the ego's side was taken as standing in its path's way forever.
 *
 * Speeds between the two are not swept (a crossing vehicle at half the speed may reach the conflict
 * when the ego does); the next snapshot measures the speed, and the gate checks every control step.
 * Pure.
 */
import type { AgentState, WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { SafetyParams } from './SafetyParams.ts';

/** An agent moving slower than this is at rest (`AgentForecast`'s own threshold), m/s. */
const MOVING_MPS = 0.05;

/** The plausible speed of an agent of unknown speed, m/s (see the module comment). */
export function plausibleSpeedMps(
  a: AgentState,
  map: RoadMap,
  params: Pick<SafetyParams, 'unknownSpeedMps'>,
): number {
  const v = params.unknownSpeedMps[a.kind];
  if (a.kind !== 'vehicle') return v;
  const loc = map.locate(a.x, a.y, a.headingRad, 2);
  const lane = loc && map.lane(loc.laneId);
  return lane ? Math.max(v, lane.data.speedLimitMps) : v;
}

/**
 * `snap` with each agent of unknown speed replaced by its two hypotheses, at rest and moving (the
 * same object when no agent is of unknown speed: every importer's snapshots pass through untouched).
 */
export function withSpeedHypotheses(
  snap: WorldSnapshot,
  map: RoadMap,
  params: Pick<SafetyParams, 'unknownSpeedMps'>,
): WorldSnapshot {
  if (!snap.agents.some((a) => a.speedKnown === false)) return snap;
  const agents: AgentState[] = [];
  for (const a of snap.agents) {
    if (a.speedKnown !== false) {
      agents.push(a);
      continue;
    }
    agents.push({ ...a, speedMps: 0 });
    const v = plausibleSpeedMps(a, map, params);
    if (v > MOVING_MPS) agents.push({ ...a, speedMps: v });
  }
  return { ...snap, agents };
}
