/**
 * Sustained braking of the other agents, from the speeds of recent snapshots: the gate forecasts a
 * vehicle that has braked firmly over several snapshots to rest at (a share of) that braking, where
 * it would otherwise drive it on at constant speed (`safety/AgentForecast.ts`). One snapshot's
 * difference of speeds is too noisy, and a single reading too easily a blip, to excuse an agent:
 * every step of the window must show the braking.
 */
import type { WorldSnapshot } from '../core/index.ts';

/** The agents' speeds in one snapshot. */
export interface SpeedSample {
  tS: number;
  speeds: Map<string, number>;
}

/**
 * A vehicle brakes *sustainedly* when every step of `stepS` over the last `windowS` shows at least
 * `minDecelMps2`: 0.3 s (three 10 Hz snapshots: a one-tick blip or a noisy pair of speeds does not
 * pass) at ≥ 1 m/s² (the gate's `comfortLeadDecelMps2`: a lead decelerating less is not braking).
 * Our choice; the forecast that uses it keeps its own margin (`observedBrakeShare`).
 */
export const SUSTAINED_BRAKING = { windowS: 0.3, stepS: 0.1, minDecelMps2: 1 } as const;

/** How much speed history to keep for `withSustainedBraking`, s (the window and one step more). */
export const BRAKING_HISTORY_S = SUSTAINED_BRAKING.windowS + SUSTAINED_BRAKING.stepS;

/**
 * The snapshot with `sustainedDecelMps2` set on every agent that braked at ≥ `minDecelMps2` over
 * each `stepS` step of the last `windowS` (the weakest step's deceleration, m/s²), from `history`
 * (older samples, oldest first; samples at or after the snapshot's time are ignored). Agents that
 * carry a value already, or were not seen throughout, are left as they are.
 */
export function withSustainedBraking(
  snap: WorldSnapshot,
  history: ReadonlyArray<SpeedSample>,
  rule: { windowS: number; stepS: number; minDecelMps2: number } = SUSTAINED_BRAKING,
): WorldSnapshot {
  // the samples that split the window into steps of at least stepS, newest first
  const chain: SpeedSample[] = [];
  let t = snap.tS;
  for (let i = history.length - 1; i >= 0 && snap.tS - t < rule.windowS - 1e-9; i--) {
    const h = history[i]!;
    if (t - h.tS < rule.stepS - 1e-9) continue;
    chain.push(h);
    t = h.tS;
  }
  if (chain.length === 0 || snap.tS - t < rule.windowS - 1e-9) return snap;
  let any = false;
  const agents = snap.agents.map((a) => {
    if (a.sustainedDecelMps2 !== undefined) return a;
    let vNew = a.speedMps;
    let tNew = snap.tS;
    let weakest = Number.POSITIVE_INFINITY;
    for (const h of chain) {
      const vOld = h.speeds.get(a.id);
      if (vOld === undefined) return a;
      const decel = (vOld - vNew) / (tNew - h.tS);
      if (!(decel >= rule.minDecelMps2)) return a;
      weakest = Math.min(weakest, decel);
      vNew = vOld;
      tNew = h.tS;
    }
    any = true;
    return { ...a, sustainedDecelMps2: weakest };
  });
  return any ? { ...snap, agents } : snap;
}
