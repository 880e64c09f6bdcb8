/**
 * speed_limit_compliance (weight 4), after M/speed_limit_compliance.py. Per tick, the overspeed is
 * ego |speed| minus the limit of its centre lane (for lane connectors: the largest limit among the
 * connectors' incoming and outgoing lanes), floored at 0; no overspeed where no limit is posted
 * (Lane.speedLimitPosted false: the devkit's None). Score: 1 without any overspeed, else
 * max(0, 1 − Σ overspeed · mean dt / (2.23 m/s · T)) with T the time from first to last tick.
 */
import type { EgoTrack } from './egoTrack.ts';
import { meanStepUs } from './egoTrack.ts';
import type { RouteObjs } from './laneAssignment.ts';
import type { MetricMap } from './MetricMap.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';

export interface SpeedLimitResult {
  score: number;
  /** Overspeed per tick, m/s (≥ 0). */
  overspeedMps: Float64Array;
  maxOverspeedMps: number;
}

/**
 * The limit that applies to a tick's route objects, m/s; null when none applies: no route object,
 * a lane with no posted limit, a connector any of whose incoming / outgoing lanes has none (the
 * devkit's `if all(speed_limits)` with a None among them: "new map can potentially return None if
 * the GPKG does not contain speed limit data"), or a connector without incoming / outgoing lanes
 * (where the devkit would call `max([])` and fail).
 */
export function speedLimitFor(mm: MetricMap, route: RouteObjs): number | null {
  const first = route[0];
  if (!first) return null;
  if (!mm.isConnector(first)) return postedLimit(first.data);
  let best: number | null = null;
  for (const c of route) {
    for (const l of [...mm.outgoing(c), ...mm.incoming(c)]) {
      // Devkit: `all(limits)` — one missing (None or 0) limit disables the check.
      const v = postedLimit(l.data);
      if (v === null) return null;
      if (best === null || v > best) best = v;
    }
  }
  return best;
}

/** A lane's posted limit, m/s, or null (the devkit's None) when none is posted. */
function postedLimit(lane: { speedLimitMps: number; speedLimitPosted?: boolean | undefined }): number | null {
  return lane.speedLimitPosted === false || !(lane.speedLimitMps > 0) ? null : lane.speedLimitMps;
}

/** Evaluates speed_limit_compliance from |speed| and `ego_driven_route`. */
export function speedLimitCompliance(
  mm: MetricMap,
  track: EgoTrack,
  egoDrivenRoute: ReadonlyArray<RouteObjs>,
): SpeedLimitResult {
  const n = track.n;
  const over = new Float64Array(n);
  let any = false;
  let sum = 0;
  let max = 0;
  for (let t = 0; t < n; t++) {
    const limit = speedLimitFor(mm, egoDrivenRoute[t]!);
    if (limit === null) continue;
    const v = track.speedMps[t]! - limit;
    if (v > 0) {
      over[t] = v;
      any = true;
      sum += v;
      if (v > max) max = v;
    }
  }
  return { score: any ? overspeedScore(sum, track.tUs) : 1, overspeedMps: over, maxOverspeedMps: max };
}

/** The devkit's loss: 1 − Σ·dt / (max(2.23, 1e-3) · T), floored at 0; 1 when T ≤ 0. */
export function overspeedScore(sumOverspeedMps: number, tUs: ArrayLike<number>): number {
  const n = tUs.length;
  const dtS = meanStepUs(tUs) * 1e-6;
  const durationS = n > 0 ? (tUs[n - 1]! - tUs[0]!) * 1e-6 : 0;
  if (!(durationS > 0)) return 1;
  const thr = Math.max(NUPLAN_METRIC_PARAMS.speedLimit.maxOverspeedValueMps, 1e-3);
  return Math.max(0, 1 - (sumOverspeedMps * dtS) / (thr * durationS));
}
