/**
 * ego_is_comfortable (weight 2), after M/ego_is_comfortable.py, the six low-level within-bound
 * metrics and U/state_extractors.py. Score 1 when every sample of all six signals lies strictly
 * within its bound, else 0.
 *
 * Signals as the devkit derives them for the simulated ego (kinematic bicycle, so the rear-axle
 * acceleration is (a, 0)):
 * - centre acceleration (`center_acceleration_2d`, displacement (d, 0) with d = rear axle → centre):
 *   lon = a + d·ω² + d·α, lat = 0; ω = logged yaw rate, α = (ω[t] − ω[t−1]) / dt (α[0] = 0: the
 *   devkit's first sample carries the logged initial state's α, which our log does not hold);
 * - magnitude = |rear-axle acceleration| = |a|;
 * - accelerations smoothed with savgol(window min(8, N), poly 2), rounded to 8 decimals;
 * - jerks = savgol derivative (window min(15, N), poly 2) of the smoothed accelerations, rounded;
 * - yaw rate / yaw acceleration = savgol first (poly 2) / second (poly 3) derivative (window
 *   min(5, N)) of the phase-unwrapped rear-axle heading, rounded.
 * Where the devkit would raise on a log too short for the filter (N ≤ polyorder), the smoothing
 * returns the raw signal and the derivatives return 0.
 */
import type { SimLog } from '../SimLog.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';
import type { ComfortCheckName } from './ScenarioMetrics.ts';
import { roundDecimals, savgolFilter } from './savgol.ts';

const C = NUPLAN_METRIC_PARAMS.comfort;

export interface ComfortSignals {
  lonAccelMps2: Float64Array;
  latAccelMps2: Float64Array;
  lonJerkMps3: Float64Array;
  /** Jerk of the acceleration magnitude, m/s³. */
  magJerkMps3: Float64Array;
  yawRateRadps: Float64Array;
  yawAccelRadps2: Float64Array;
}

function rounded(y: Float64Array): Float64Array {
  for (let i = 0; i < y.length; i++) y[i] = roundDecimals(y[i]!, C.roundDecimals);
  return y;
}

/** `extract_ego_acceleration`'s smoothing: savgol(window min(w, N), poly), rounded. */
export function smoothAcceleration(
  raw: Float64Array,
  window: number = C.accelWindow,
  poly: number = C.accelPolyOrder,
): Float64Array {
  const w = Math.min(window, raw.length);
  if (poly >= w) return rounded(Float64Array.from(raw));
  return rounded(savgolFilter(raw, w, poly));
}

/**
 * nuPlan `approximate_derivatives`: savgol derivative with window min(w, N) and delta = mean time
 * step (s), rounded to 8 decimals. Throws when time does not strictly increase (as the devkit).
 */
export function approximateDerivatives(
  y: ArrayLike<number>,
  tUs: ArrayLike<number>,
  window: number,
  poly: number,
  deriv: number,
): Float64Array {
  const n = y.length;
  let sum = 0;
  for (let i = 1; i < n; i++) {
    const d = tUs[i]! / 1e6 - tUs[i - 1]! / 1e6;
    if (!(d > 0)) throw new Error(`comfort: time must increase strictly (tick ${i})`);
    sum += d;
  }
  const w = Math.min(window, n);
  if (poly >= w) return new Float64Array(n);
  return rounded(savgolFilter(y, w, poly, deriv, sum / (n - 1)));
}

/** nuPlan `phase_unwrap`: h − 2π·cumsum(round(diff(h) / 2π)). */
export function phaseUnwrap(headings: ArrayLike<number>): Float64Array {
  const n = headings.length;
  const out = new Float64Array(n);
  const twoPi = 2 * Math.PI;
  let adj = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) adj += roundDecimals((headings[i]! - headings[i - 1]!) / twoPi, 0);
    out[i] = headings[i]! - twoPi * adj;
  }
  return out;
}

/** The six comfort signals of a run; `tUs` are the tick times in µs. */
export function comfortSignals(log: SimLog, tUs: ArrayLike<number>): ComfortSignals {
  const n = log.ticks.length;
  const d = log.vehicle.rearAxleToCenterM;
  const lonRaw = new Float64Array(n);
  const magRaw = new Float64Array(n);
  const heading = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const e = log.ticks[t]!.ego;
    const w = e.yawRateRadps;
    const alpha = t > 0 ? (w - log.ticks[t - 1]!.ego.yawRateRadps) / ((tUs[t]! - tUs[t - 1]!) * 1e-6) : 0;
    lonRaw[t] = e.accelMps2 + d * w * w + d * alpha;
    magRaw[t] = Math.abs(e.accelMps2);
    heading[t] = e.headingRad;
  }
  const lon = smoothAcceleration(lonRaw);
  const lat = smoothAcceleration(new Float64Array(n));
  const mag = smoothAcceleration(magRaw);
  const unwrapped = phaseUnwrap(heading);
  return {
    lonAccelMps2: lon,
    latAccelMps2: lat,
    lonJerkMps3: approximateDerivatives(lon, tUs, C.jerkWindow, C.jerkPolyOrder, 1),
    magJerkMps3: approximateDerivatives(mag, tUs, C.jerkWindow, C.jerkPolyOrder, 1),
    yawRateRadps: approximateDerivatives(unwrapped, tUs, C.yawWindow, C.yawRatePolyOrder, 1),
    yawAccelRadps2: approximateDerivatives(unwrapped, tUs, C.yawWindow, C.yawAccelPolyOrder, 2),
  };
}

/** True when every sample is strictly inside (min, max) (`_compute_within_bound`). */
export function withinBound(v: ArrayLike<number>, min: number, max: number): boolean {
  for (let i = 0; i < v.length; i++) if (!(min < v[i]! && v[i]! < max)) return false;
  return true;
}

export interface ComfortResult {
  score: number;
  /** The low-level checks that failed (empty when comfortable). */
  failed: ComfortCheckName[];
}

/** ego_is_comfortable from the six signals. */
export function comfortScore(s: ComfortSignals): ComfortResult {
  const checks: [ComfortCheckName, boolean][] = [
    ['ego_lon_acceleration', withinBound(s.lonAccelMps2, C.minLonAccelMps2, C.maxLonAccelMps2)],
    ['ego_lat_acceleration', withinBound(s.latAccelMps2, -C.maxAbsLatAccelMps2, C.maxAbsLatAccelMps2)],
    ['ego_lon_jerk', withinBound(s.lonJerkMps3, -C.maxAbsLonJerkMps3, C.maxAbsLonJerkMps3)],
    ['ego_jerk', withinBound(s.magJerkMps3, -C.maxAbsMagJerkMps3, C.maxAbsMagJerkMps3)],
    ['ego_yaw_rate', withinBound(s.yawRateRadps, -C.maxAbsYawRateRadps, C.maxAbsYawRateRadps)],
    ['ego_yaw_acceleration', withinBound(s.yawAccelRadps2, -C.maxAbsYawAccelRadps2, C.maxAbsYawAccelRadps2)],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
  return { score: failed.length === 0 ? 1 : 0, failed };
}
