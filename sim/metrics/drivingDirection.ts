/**
 * driving_direction_compliance (multiplier), after M/driving_direction_compliance.py: per-tick
 * progress of the ego centre along the baseline of its first route object, summed over a sliding
 * 1 s window; the largest backward sum m gives 1 (m < 2 m), 0.5 (m < 6 m) or 0.
 */
import type { EgoTrack } from './egoTrack.ts';
import { meanStepUs } from './egoTrack.ts';
import type { RouteObjs } from './laneAssignment.ts';
import { projectArcLength } from './metricGeometry.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';

export interface DrivingDirectionResult {
  score: number;
  /** Largest backward movement within one window, m (≥ 0). */
  maxBackwardM: number;
  /** Progress along the driving direction over the last window, per tick, m. */
  progressOverHorizonM: Float64Array;
}

/**
 * nuPlan `n_horizon = int(time_horizon·1e6 / mean(diff(t_us)))` (truncates); 0 with < 2 samples.
 */
export function horizonSamples(tUs: ArrayLike<number>, horizonS: number): number {
  const step = meanStepUs(tUs);
  return Number.isFinite(step) && step > 0 ? Math.trunc((horizonS * 1e6) / step) : 0;
}

/** Evaluates driving_direction_compliance from the ego centres and `ego_driven_route`. */
export function drivingDirectionCompliance(
  track: EgoTrack,
  egoDrivenRoute: ReadonlyArray<RouteObjs>,
): DrivingDirectionResult {
  const P = NUPLAN_METRIC_PARAMS.drivingDirection;
  const n = track.n;
  const progress = new Float64Array(n);
  let prevDist: number | null = null;
  let prevId: string | null = egoDrivenRoute[0]?.[0]?.data.id ?? null;
  for (let t = 0; t < n; t++) {
    const route = egoDrivenRoute[t]!;
    if (route.length === 0) continue; // progress 0
    const obj = route[0]!;
    if (prevId !== null && obj.data.id === prevId) {
      const d = projectArcLength(obj.line, track.cx[t]!, track.cy[t]!);
      // Devkit: `if prev is not None and distance_to_start` — a distance of exactly 0 gives 0.
      progress[t] = prevDist !== null && d !== 0 ? d - prevDist : 0;
      prevDist = d;
    } else {
      prevDist = null;
      prevId = obj.data.id;
    }
  }
  const horizon = horizonSamples(track.tUs, P.timeHorizonS);
  const over = new Float64Array(n);
  let min = Infinity;
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let k = Math.max(0, t - horizon); k <= t; k++) s += progress[k]!;
    over[t] = s;
    if (s < min) min = s;
  }
  const m = n > 0 ? Math.abs(min) : 0;
  const score = m < P.complianceThresholdM ? 1 : m < P.violationThresholdM ? 0.5 : 0;
  return { score, maxBackwardM: m, progressOverHorizonM: over };
}
