/**
 * Compute budgets for the early-exit policy and DeeR-style threshold calibration on held-out data.
 *
 * A budget is `avg:<p>%` (mean compute ≤ p % of the full-depth network's FLOPs) or `p99:<t>ms`
 * (99th percentile of the policy's step latency ≤ t ms, with the per-block latencies measured at
 * load). The exit rule: after exit k ≥ 2 (k < K), stop when ‖a_k − a_{k−1}‖₂ < η_k; the last exit
 * always stops. Calibration picks one η for all exits, the smallest that meets the budget on the
 * held-out rows (smaller η = later exits = closer to full depth); compute is monotone in η, so a
 * bisection finds it.
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

export interface CalibrationSet {
  /** Held-out rows: every exit's action (K × 2) then the expert's label (2), normalised. */
  rows: Float32Array;
  exits: number;
  /** Cumulative FLOPs up to each exit. */
  exitFlops: number[];
}

export interface Calibration {
  thresholds: Float64Array;
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

/** The exit each held-out row takes with a common threshold η. */
function exitsWith(set: CalibrationSet, eta: number, out: Int32Array): void {
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
      if (d < eta) {
        e = k + 1;
        break;
      }
    }
    out[i] = e;
  }
}

/**
 * Thresholds meeting `budget` on the held-out set. `latencyMs[k]` = the policy step's latency
 * when it stops at exit k+1 (needed for p99 budgets).
 */
export function calibrate(set: CalibrationSet, budget: Budget, latencyMs: number[] = []): Calibration {
  const K = set.exits;
  const stride = 2 * K + 2;
  const n = Math.floor(set.rows.length / stride);
  const ex = new Int32Array(n);
  const full = set.exitFlops[K - 1]!;
  const cost = (eta: number): number => {
    exitsWith(set, eta, ex);
    if (budget.kind === 'avg') {
      let s = 0;
      for (let i = 0; i < n; i++) s += set.exitFlops[ex[i]! - 1]! / full;
      return n > 0 ? s / n : 1;
    }
    return p99(ex, latencyMs);
  };
  const limit = budget.kind === 'avg' ? budget.fraction : budget.ms;
  let lo = 0;
  let hi = 4; // actions are normalised to ~[-1, 1]: η = 4 stops every row at exit 2
  let met = cost(hi) <= limit + 1e-12;
  if (cost(lo) <= limit + 1e-12) hi = lo;
  else if (met) {
    for (let it = 0; it < 40; it++) {
      const mid = 0.5 * (lo + hi);
      if (cost(mid) <= limit + 1e-12) hi = mid;
      else lo = mid;
    }
  }
  met = cost(hi) <= limit + 1e-12;
  const thresholds = new Float64Array(K).fill(hi);
  exitsWith(set, hi, ex);
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
    meanComputeFraction: frac,
    p99LatencyMs: latencyMs.length === K ? p99(ex, latencyMs) : Number.NaN,
    exitShare: share,
    maeToExpert: maeE,
    maeToFullDepth: maeF,
    met,
  };
}

function p99(ex: Int32Array, latencyMs: number[]): number {
  if (ex.length === 0) return 0;
  const lat = Array.from(ex, (e) => latencyMs[e - 1] ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  return lat[Math.min(lat.length - 1, Math.floor(0.99 * lat.length))]!;
}
