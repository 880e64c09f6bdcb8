/**
 * Compute budgets for the early-exit policy and DeeR-style threshold calibration on held-out data.
 *
 * A budget is `avg:<p>%` (mean compute ≤ p % of the full-depth network's FLOPs) or `p99:<t>ms`
 * (99th percentile of the policy's step latency ≤ t ms, with the per-block latencies measured at
 * load). The exit rule: after exit k ≥ 2 (k < K), stop when ‖a_k − a_{k−1}‖₂ < η_k; the last exit
 * always stops. Calibration searches per-exit thresholds of the form η_k = η · r^(k−2) (r from
 * RATIOS: later exits stricter, equal, or looser) on the held-out rows: for each r, the smallest η
 * that meets the budget (smaller η = later exits = closer to full depth; compute is monotone in η,
 * so a bisection finds it), and of those the one whose actions are closest to full depth's.
 *
 * A p99 budget needs the step's latency per exit. Either one number per exit, or (what the runtime
 * uses) a distribution: on-core samples of full-depth steps and the time each exit saves; a step
 * that stops at exit k then takes (sample − saved_k), and the p99 is that of the mixture over the
 * held-out rows' exits — not a sum of per-part medians and percentiles, which is below the p99 of
 * the sum whenever the parts have tails.
 */
import { fail, ok, type Result } from '../core/index.ts';

export type Budget = { kind: 'avg'; fraction: number } | { kind: 'p99'; ms: number };

/** Parses `avg:40%` or `p99:0.5ms`. */
export function parseBudget(spec: string): Result<Budget> {
  const avg = /^avg:(\d+(?:\.\d+)?)%$/.exec(spec.trim());
  if (avg) {
    const pct = Number(avg[1]);
    if (pct > 0 && pct <= 100) return ok({ kind: 'avg', fraction: pct / 100 });
  }
  const p99 = /^p99:(\d+(?:\.\d+)?)ms$/.exec(spec.trim());
  if (p99 && Number(p99[1]) > 0) return ok({ kind: 'p99', ms: Number(p99[1]) });
  return fail('INVALID_INPUT', 'budget', `expected avg:<percent>% (0–100] or p99:<ms>ms, got "${spec}"`);
}

/** Latency of a policy step by exit: on-core samples of full-depth steps less what each exit saves. */
export interface LatencyModel {
  /** On-core times of full-depth steps (features, hand-off and every block), ms, sorted ascending. */
  fullDepthMs: ArrayLike<number>;
  /** Time saved by stopping at exit k (index k − 1) instead of running every block, ms (≥ 0). */
  savedMs: number[];
}

export interface CalibrationSet {
  /** Held-out rows: every exit's action (K × 2) then the expert's label (2), normalised. */
  rows: Float32Array;
  exits: number;
  /** Cumulative FLOPs up to each exit. */
  exitFlops: number[];
}

export interface Calibration {
  /** Per-exit thresholds (index k − 1 for exit k; exit 1's is unused: it has no predecessor). */
  thresholds: Float64Array;
  /** The ratio r between successive exits' thresholds that was chosen. */
  ratio: number;
  /** On the held-out rows with these thresholds. */
  meanComputeFraction: number;
  p99LatencyMs: number;
  /** Share of rows stopping at each exit. */
  exitShare: number[];
  /** Mean absolute error to the expert's label (normalised units) and to full depth. */
  maeToExpert: number;
  maeToFullDepth: number;
  /** The budget could not be met even exiting as early as the rule allows. */
  met: boolean;
}

/** Ratios r between successive exits' thresholds tried by the calibration (1 = one η for all exits). */
export const THRESHOLD_RATIOS = [0.5, 1, 2, 4, 8] as const;

/** The exit each held-out row takes with thresholds `th` (th[k] for exit k + 1). */
function exitsWith(set: CalibrationSet, th: Float64Array, out: Int32Array): void {
  const K = set.exits;
  const stride = 2 * K + 2;
  const n = set.rows.length / stride;
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    let e = K;
    for (let k = 1; k < K - 1; k++) {
      const d = Math.hypot(
        set.rows[o + 2 * k]! - set.rows[o + 2 * k - 2]!,
        set.rows[o + 2 * k + 1]! - set.rows[o + 2 * k - 1]!,
      );
      if (d < th[k]!) {
        e = k + 1;
        break;
      }
    }
    out[i] = e;
  }
}

/** Per-exit thresholds η · r^(k−2) for exit k (index k − 1); exit 1 has no predecessor and gets η. */
function thresholdsFor(K: number, eta: number, ratio: number, out: Float64Array): Float64Array {
  out[0] = eta;
  for (let k = 1; k < K; k++) out[k] = eta * ratio ** (k - 1);
  return out;
}

/**
 * Thresholds meeting `budget` on the held-out set. `latencyMs` (needed for p99 budgets): the policy
 * step's latency when it stops at exit k+1 (`latencyMs[k]`), or a LatencyModel; `ratios` = the r
 * tried ([1]: one η for all).
 */
export function calibrate(
  set: CalibrationSet,
  budget: Budget,
  latencyMs: number[] | LatencyModel = [],
  ratios: readonly number[] = THRESHOLD_RATIOS,
): Calibration {
  const K = set.exits;
  const stride = 2 * K + 2;
  const n = Math.floor(set.rows.length / stride);
  const ex = new Int32Array(n);
  const th = new Float64Array(K);
  const full = set.exitFlops[K - 1]!;
  const cost = (eta: number, ratio: number): number => {
    exitsWith(set, thresholdsFor(K, eta, ratio, th), ex);
    if (budget.kind === 'avg') {
      let s = 0;
      for (let i = 0; i < n; i++) s += set.exitFlops[ex[i]! - 1]! / full;
      return n > 0 ? s / n : 1;
    }
    return p99(ex, latencyMs);
  };
  const limit = budget.kind === 'avg' ? budget.fraction : budget.ms;
  /** The smallest η meeting the budget with ratio r (η = 4 stops every row at exit 2: actions are normalised to ~[-1, 1]). */
  const etaFor = (ratio: number): number => {
    let lo = 0;
    let hi = 4;
    if (cost(lo, ratio) <= limit + 1e-12) return lo;
    if (cost(hi, ratio) > limit + 1e-12) return hi;
    for (let it = 0; it < 40; it++) {
      const mid = 0.5 * (lo + hi);
      if (cost(mid, ratio) <= limit + 1e-12) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  let best: Calibration | undefined;
  for (const ratio of ratios) {
    let eta = etaFor(ratio);
    const met = cost(eta, ratio) <= limit + 1e-12;
    // not met: every step stops at exit 2, the earliest the rule allows, however far apart exits 1
    // and 2 are (η = 4 is only "every held-out row")
    if (!met) eta = Number.POSITIVE_INFINITY;
    const c = summarise(set, thresholdsFor(K, eta, ratio, new Float64Array(K)), ratio, met, latencyMs, ex);
    // a ratio that meets the budget beats one that does not; then the closest to full depth
    if (
      !best ||
      (c.met && !best.met) ||
      (c.met === best.met && c.maeToFullDepth < best.maeToFullDepth - 1e-12)
    )
      best = c;
  }
  return best!;
}

function summarise(
  set: CalibrationSet,
  thresholds: Float64Array,
  ratio: number,
  met: boolean,
  latencyMs: number[] | LatencyModel,
  ex: Int32Array,
): Calibration {
  const K = set.exits;
  const stride = 2 * K + 2;
  const n = ex.length;
  const full = set.exitFlops[K - 1]!;
  exitsWith(set, thresholds, ex);
  const share = new Array<number>(K).fill(0);
  let frac = 0;
  let maeE = 0;
  let maeF = 0;
  for (let i = 0; i < n; i++) {
    const e = ex[i]!;
    share[e - 1]! += 1 / n;
    frac += set.exitFlops[e - 1]! / full / n;
    const o = i * stride;
    const a0 = set.rows[o + 2 * (e - 1)]!;
    const a1 = set.rows[o + 2 * (e - 1) + 1]!;
    maeE += (Math.abs(a0 - set.rows[o + 2 * K]!) + Math.abs(a1 - set.rows[o + 2 * K + 1]!)) / (2 * n);
    maeF += (Math.abs(a0 - set.rows[o + 2 * K - 2]!) + Math.abs(a1 - set.rows[o + 2 * K - 1]!)) / (2 * n);
  }
  return {
    thresholds,
    ratio,
    meanComputeFraction: frac,
    p99LatencyMs: !Array.isArray(latencyMs) || latencyMs.length === K ? p99(ex, latencyMs) : Number.NaN,
    exitShare: share,
    maeToExpert: maeE,
    maeToFullDepth: maeF,
    met,
  };
}

function p99(ex: Int32Array, latencyMs: number[] | LatencyModel): number {
  if (ex.length === 0) return 0;
  if (!Array.isArray(latencyMs)) return mixtureQuantile(ex, latencyMs, 0.99);
  const lat = Array.from(ex, (e) => latencyMs[e - 1] ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  return lat[Math.min(lat.length - 1, Math.floor(0.99 * lat.length))]!;
}

/** Samples of `sorted` above `t` (binary search). */
function countAbove(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return sorted.length - lo;
}

/**
 * The q-quantile of the step latency when the rows stop at exits `ex`: the mixture over exits of
 * the full-depth samples shifted by each exit's saving; the smallest t with P(latency > t) ≤ 1 − q.
 */
export function mixtureQuantile(ex: Int32Array, m: LatencyModel, q: number): number {
  const N = m.fullDepthMs.length;
  if (N === 0) return Number.POSITIVE_INFINITY;
  const K = m.savedMs.length;
  const share = new Float64Array(K + 1);
  for (let i = 0; i < ex.length; i++) share[ex[i]!]! += 1 / ex.length;
  const tail = (t: number): number => {
    let p = 0;
    for (let k = 1; k <= K; k++)
      if (share[k]! > 0) p += (share[k]! * countAbove(m.fullDepthMs, t + m.savedMs[k - 1]!)) / N;
    return p;
  };
  // the answer is one of the shifted samples: bisect on t between the smallest and the largest
  let lo = m.fullDepthMs[0]! - Math.max(...m.savedMs);
  let hi = m.fullDepthMs[N - 1]!;
  if (tail(lo) <= 1 - q) return lo;
  for (let it = 0; it < 50; it++) {
    const mid = 0.5 * (lo + hi);
    if (tail(mid) <= 1 - q + 1e-12) hi = mid;
    else lo = mid;
  }
  return hi;
}
