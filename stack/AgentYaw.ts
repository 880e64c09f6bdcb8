/**
 * The other agents' yaw rates — how fast their headings turn — from the headings of recent
 * snapshots. The gate forecasts a vehicle off any lane it follows at constant velocity along its
 * heading; one whose heading turns also gets its outline turning on (`safety/AgentForecast.ts`): a
 * car swinging back over the centre line turns its front away from the ego and its rear corner in
 * (fuzz seed 7 run 862: a rear corner swept 1.5 m into the ego's lane within 0.3 s of the first
 * heading change).
 */
import { angleDiff, type WorldSnapshot } from '../core/index.ts';
import type { SpeedSample } from './AgentBraking.ts';

/**
 * A yaw rate is the heading change from the newest sample at least `minWindowS` old (and at most
 * `maxWindowS`: an older heading says how it turned before, not now) to the snapshot's, over the time
 * between them: one 10 Hz step, so that a swing is seen at its first step. Our choice.
 */
export const YAW = { minWindowS: 0.05, maxWindowS: 0.3 } as const;

/**
 * `snap` with `yawRateRadps` set on every agent whose heading `history` (older samples, oldest first;
 * those at or after the snapshot's time are ignored) measures (`YAW`); where it measures none, a
 * supplied value is kept (it only adds a forecast slot beside the straight one). Pure.
 */
export function withYawRate(
  snap: WorldSnapshot,
  history: ReadonlyArray<SpeedSample>,
  rule: { minWindowS: number; maxWindowS: number } = YAW,
): WorldSnapshot {
  let from: SpeedSample | undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const age = snap.tS - history[i]!.tS;
    if (age < rule.minWindowS - 1e-9) continue;
    if (age <= rule.maxWindowS + 1e-9) from = history[i];
    break;
  }
  if (!from) return snap;
  const dtS = snap.tS - from.tS;
  let changed = false;
  const agents = snap.agents.map((a) => {
    const h = from.headings.get(a.id);
    if (h === undefined) return a;
    const own = angleDiff(a.headingRad, h) / dtS;
    if (own === a.yawRateRadps) return a;
    changed = true;
    return { ...a, yawRateRadps: own };
  });
  return changed ? { ...snap, agents } : snap;
}
