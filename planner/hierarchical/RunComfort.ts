/**
 * A candidate's longitudinal comfort as the run will be judged: nuPlan's `ego_is_comfortable`
 * (sim/metrics/comfort.ts) reads the whole run's accelerations through Savitzky–Golay filters —
 * smoothed with window 8, differentiated with window 15 (1.4 s), SciPy's `mode='interp'`, so the
 * first and last 7 samples of the run take the slope of one quadratic fitted to its first / last
 * 15. PDM's scorer (reflection's `ProposalScorer`) filters each 4 s candidate on its own, over its
 * whole horizon (41 samples), which reads a braking step far more gently than the run does:
 * at a run's first tick a step to −5 m/s² passed PDM's check (CommonRoad DEU_Goeppingen-37_1_T-4,
 * reach DEU_Lohmar-32_1_T-1, GRC_Perama-4_3_T-1: the rules' IDM braking kept at t = 0 and revised
 * only at 0.1 s, once the step had been taken), while the run's filter read the same step as a jerk
 * of −5 to −15 m/s³ (bound 4.13). At the run's start the edge fit is about twice as sensitive as
 * inside the run: a step to −2 m/s² through the 0.2 s actuator lag reads −3.6 m/s³ at t = 0 and
 * −1.8 m/s³ inside; a ramp at 3 m/s³, −2.4.
 *
 * Here each candidate's accelerations are appended to the ego's own over the last ticks (from the
 * run's first tick while the run is young) and filtered as the metric filters the run: the
 * longitudinal acceleration (−4.05, 2.4 m/s²), its jerk (4.13 m/s³) and the jerk of its magnitude
 * (8.37 m/s³) are checked at every sample the candidate can still change, up to where the
 * candidate's own end (no end of the run) would be read as an edge. The rear-axle acceleration
 * stands for the centre's (the metric adds d·ω² + d·α, which a kinematic roll-out's headings give
 * only by differencing — noise that would swamp the check). Allocation-free per call; the filters
 * for each history length are built once.
 */
import { applySavGol, roundDecimals, type SavGolFilter, savGolFilter } from '../../core/index.ts';

/** nuPlan's bounds and windows (sim/metrics/params.ts `comfort`, the devkit's yaml files). */
export const RUN_COMFORT = {
  minLonAccelMps2: -4.05,
  maxLonAccelMps2: 2.4,
  maxAbsLonJerkMps3: 4.13,
  maxAbsMagJerkMps3: 8.37,
  accelWindow: 8,
  accelPolyOrder: 2,
  jerkWindow: 15,
  jerkPolyOrder: 2,
  roundDecimals: 8,
} as const;

/**
 * Samples of the ego's past kept: an output sample the candidate can change lies at most
 * (jerk half-window 7 + smoothing half-window 4) = 11 before the present, and its own input window
 * reaches 11 further back.
 */
export const RUN_COMFORT_HISTORY = 22;

/** The ego's longitudinal acceleration at the last ticks (oldest first), 0.1 s apart. */
export interface EgoAccelHistory {
  /** Accelerations before the present tick, m/s² (oldest first; `count` of them are valid). */
  readonly accelMps2: Float64Array;
  count: number;
  /** The oldest sample is the run's first tick (the metric's edge fit applies there). */
  fromRunStart: boolean;
  /** Time of the newest sample, s (NaN: none). */
  lastTS: number;
}

/** An empty history for a run that starts now. */
export function emptyAccelHistory(): EgoAccelHistory {
  return {
    accelMps2: new Float64Array(RUN_COMFORT_HISTORY),
    count: 0,
    fromRunStart: true,
    lastTS: Number.NaN,
  };
}

/** Plan-period tolerance: samples further apart than 0.1 s ± this are no metric ticks, s. */
const TICK_TOLERANCE_S = 0.02;

/**
 * Records the acceleration the ego had at `tS` (a plan's snapshot) as the newest past sample for
 * the plans after it: a re-plan at the same time replaces it; a gap other than one 0.1 s tick
 * starts the history afresh (no longer from the run's start). Mutates `h`.
 */
export function recordAccel(h: EgoAccelHistory, tS: number, accelMps2: number, dtS = 0.1): void {
  const a = Number.isFinite(accelMps2) ? accelMps2 : 0;
  if (h.count > 0 && Math.abs(tS - h.lastTS) < TICK_TOLERANCE_S) {
    h.accelMps2[h.count - 1] = a;
    return;
  }
  if (h.count > 0 && Math.abs(tS - h.lastTS - dtS) > TICK_TOLERANCE_S) {
    h.count = 0;
    h.fromRunStart = false;
  }
  if (h.count === h.accelMps2.length) {
    h.accelMps2.copyWithin(0, 1);
    h.count--;
    h.fromRunStart = false;
  }
  h.accelMps2[h.count++] = a;
  h.lastTS = tS;
}

/** The part of `h` strictly before `tS` (a re-plan at the recorded time sees the samples before it). */
function pastCount(h: EgoAccelHistory, tS: number): number {
  if (h.count > 0 && Math.abs(tS - h.lastTS) < TICK_TOLERANCE_S) return h.count - 1;
  return h.count;
}

/** Checks candidates' accelerations against the run's comfort filters (see the module comment). */
export class RunComfort {
  private readonly steps: number;
  private readonly smooth: SavGolFilter[] = [];
  private readonly jerk: SavGolFilter[] = [];
  private readonly raw: Float64Array;
  private readonly mag: Float64Array;
  private readonly sm: Float64Array;
  private readonly sm2: Float64Array;
  private readonly d1: Float64Array;

  /** `steps`: a candidate's samples, the present one first (≥ the jerk window); `dtS` their spacing. */
  constructor(steps: number, dtS: number) {
    const C = RUN_COMFORT;
    if (steps < C.jerkWindow) throw new Error(`RunComfort: need ≥ ${C.jerkWindow} steps (got ${steps})`);
    this.steps = steps;
    for (let h = 0; h <= RUN_COMFORT_HISTORY; h++) {
      const n = h + steps;
      this.smooth.push(savGolFilter(n, C.accelWindow, C.accelPolyOrder));
      this.jerk.push(savGolFilter(n, C.jerkWindow, C.jerkPolyOrder, 1, dtS));
    }
    const n = RUN_COMFORT_HISTORY + steps;
    this.raw = new Float64Array(n);
    this.mag = new Float64Array(n);
    this.sm = new Float64Array(n);
    this.sm2 = new Float64Array(n);
    this.d1 = new Float64Array(n);
  }

  /**
   * Whether the candidate whose accelerations are `accel[from … from + steps − 1]` (the present
   * tick first, m/s²) keeps the run's longitudinal comfort, after the ego's past `history` at the
   * snapshot time `tS`.
   */
  comfortable(history: EgoAccelHistory, tS: number, accel: ArrayLike<number>, from: number): boolean {
    const C = RUN_COMFORT;
    const h = pastCount(history, tS);
    const n = h + this.steps;
    const raw = this.raw;
    const mag = this.mag;
    for (let i = 0; i < h; i++) raw[i] = history.accelMps2[i]!;
    for (let t = 0; t < this.steps; t++) raw[h + t] = accel[from + t]!;
    for (let i = 0; i < n; i++) mag[i] = Math.abs(raw[i]!);
    // the samples the candidate changes: from (jerk + smoothing half-windows) before its first own
    // sample, unless the history is a cut-off window (its edge is no edge of the run: skip it) …
    const reach = (C.jerkWindow >> 1) + (C.accelWindow >> 1);
    const first = Math.max(history.fromRunStart ? 0 : reach, h + 1 - reach);
    // … to before its own end would be read as an edge
    const last = n - 1 - reach;
    const smooth = this.smooth[h]!;
    const jerk = this.jerk[h]!;
    const sm = applySavGol(smooth, raw, this.sm);
    for (let i = 0; i < n; i++) sm[i] = roundDecimals(sm[i]!, C.roundDecimals);
    for (let i = first; i <= last; i++)
      if (!(C.minLonAccelMps2 < sm[i]! && sm[i]! < C.maxLonAccelMps2)) return false;
    const d1 = applySavGol(jerk, sm, this.d1);
    for (let i = first; i <= last; i++) {
      const j = roundDecimals(d1[i]!, C.roundDecimals);
      if (!(-C.maxAbsLonJerkMps3 < j && j < C.maxAbsLonJerkMps3)) return false;
    }
    const sm2 = applySavGol(smooth, mag, this.sm2);
    for (let i = 0; i < n; i++) sm2[i] = roundDecimals(sm2[i]!, C.roundDecimals);
    const d2 = applySavGol(jerk, sm2, this.d1);
    for (let i = first; i <= last; i++) {
      const j = roundDecimals(d2[i]!, C.roundDecimals);
      if (!(-C.maxAbsMagJerkMps3 < j && j < C.maxAbsMagJerkMps3)) return false;
    }
    return true;
  }
}
