/**
 * The runtime governor of an average-compute budget (`avg:<p>%`): the DeeR thresholds are
 * calibrated on held-out rows, but the closed loop visits other states, so their mean compute
 * there is not the calibrated one. The governor keeps the mean the controller actually spends at
 * or below the budget, step by step, with pure state (two numbers):
 *
 * - **credit** `c = B·n − S`, where `S` and `n` are the compute spent (fractions of full depth)
 *   and the step count, both discounted by λ = 1 − 1/`windowSteps` each step (a sliding window
 *   with exponential forgetting, so credit banked long ago does not pay for a long run of hard
 *   steps later). The credit is kept ≥ 0, so the windowed mean S/n stays ≤ B, and so does the mean
 *   since the start: Σ(B − cₜ) = c_T + (1 − λ)·Σ c_t ≥ 0.
 * - **cap**: a step may spend at most λ·c + B; the latest exit within that is forced to stop (its
 *   threshold is +∞). Since c ≥ 0, λ·c + B ≥ B ≥ the earliest exit's cost whenever the budget is
 *   attainable at all, so the cap never leaves a step without an exit (the earliest is exit 2: the
 *   rule compares two exits).
 * - **scale**: the calibrated thresholds η_k are multiplied by s = exp(κ·(R − c)/R), clamped to
 *   [1/`maxScale`, `maxScale`]: with less than the reserve R in hand the easy steps stop earlier
 *   (larger thresholds), so that the hard steps still find credit for the later exits; with more,
 *   thresholds tighten and the controller spends what it has saved. DeeR's thresholds stay the
 *   base; the cap alone would only cut the hard steps short.
 */
import { z } from 'zod';

export const GovernorParamsSchema = z.object({
  /** Window of the running mean, control steps (λ = 1 − 1/windowSteps): 10 s at 20 Hz. */
  windowSteps: z.number().min(1).default(200),
  /** Credit the governor aims to hold in reserve, in full-depth steps' compute. */
  reserve: z.number().positive().default(1),
  /** Gain κ of the threshold scale on the credit gap (R − c)/R. */
  gain: z.number().nonnegative().default(Math.log(4)),
  /** The threshold scale stays in [1/maxScale, maxScale]. */
  maxScale: z.number().min(1).default(4),
});
export type GovernorParams = z.infer<typeof GovernorParamsSchema>;

export interface GovernorState {
  /** Discounted compute spent, in full-depth steps. */
  spent: number;
  /** Discounted step count. */
  steps: number;
}

export const GOVERNOR_START: GovernorState = { spent: 0, steps: 0 };

/** The governor's credit B·n − S (full-depth steps' compute), ≥ 0 while the cap is honoured. */
export function governorCredit(st: GovernorState, budgetFraction: number): number {
  return budgetFraction * st.steps - st.spent;
}

/**
 * This step's thresholds: the calibrated `base` (index k − 1 for exit k) scaled by the credit,
 * with the latest exit whose cumulative compute `cumFraction[k − 1]` fits the step's allowance
 * forced to stop. Writes `out` (length K) and returns the scale; allocates nothing.
 */
export function governedThresholds(
  base: ArrayLike<number>,
  cumFraction: ArrayLike<number>,
  budgetFraction: number,
  st: GovernorState,
  p: GovernorParams,
  out: Float64Array,
): number {
  const K = out.length;
  const lambda = 1 - 1 / p.windowSteps;
  const credit = governorCredit(st, budgetFraction);
  const scale = Math.min(
    p.maxScale,
    Math.max(1 / p.maxScale, Math.exp((p.gain * (p.reserve - credit)) / p.reserve)),
  );
  for (let k = 0; k < K; k++) out[k] = (base[k] ?? 0) * scale;
  // the latest exit this step can afford; exit 2 at the least (the earliest the rule can stop)
  const allowance = lambda * credit + budgetFraction + 1e-12;
  let cap = Math.min(2, K);
  for (let k = K; k > 2; k--)
    if ((cumFraction[k - 1] ?? 1) <= allowance) {
      cap = k;
      break;
    }
  if (cap < K) out[cap - 1] = Number.POSITIVE_INFINITY;
  return scale;
}

/** The state after a step that spent `computeFraction` of full depth. */
export function governorAfter(st: GovernorState, computeFraction: number, p: GovernorParams): GovernorState {
  const lambda = 1 - 1 / p.windowSteps;
  return { spent: lambda * st.spent + computeFraction, steps: lambda * st.steps + 1 };
}
