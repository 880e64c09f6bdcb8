/**
 * drivable_area_compliance (multiplier), after M/drivable_area_compliance.py. A corner is outside
 * when it is in no lane / connector (`corners_route`) and not in the drivable area; an outside
 * corner is far unless it is < 0.3 m from the centre's route objects or from the drivable area.
 * Once any corner was far the score is 0, else 1.
 */
import type { EgoTrack } from './egoTrack.ts';
import type { LaneAssignment } from './laneAssignment.ts';
import type { MetricMap } from './MetricMap.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';

export interface DrivableAreaResult {
  score: number;
  /** Corners outside the drivable area per tick (0…4); nuPlan's time series is `count === 0`. */
  cornersOutside: number[];
  /** First tick with a corner farther than the threshold, or null. */
  firstFarTick: number | null;
}

/** Evaluates drivable_area_compliance over the run. */
export function drivableAreaCompliance(
  mm: MetricMap,
  track: EgoTrack,
  lanes: LaneAssignment,
): DrivableAreaResult {
  const thr = NUPLAN_METRIC_PARAMS.drivableArea.maxViolationM;
  const cornersOutside: number[] = [];
  let firstFarTick: number | null = null;
  for (let t = 0; t < track.n; t++) {
    const c = track.corners[t]!;
    const cornersRoute = lanes.cornersRoute[t]!;
    const center = lanes.egoDrivenRoute[t]!;
    let outside = 0;
    for (let k = 0; k < 4; k++) {
      const x = c[2 * k]!;
      const y = c[2 * k + 1]!;
      if (cornersRoute[k]!.length > 0 || mm.inDrivableArea(x, y)) continue;
      outside++;
      if (firstFarTick !== null) continue;
      let nearCenterObjects = false;
      if (center.length > 0) {
        let d = Infinity;
        for (const o of center) d = Math.min(d, mm.distanceToLane(o, x, y));
        nearCenterObjects = d < thr;
      }
      if (nearCenterObjects) continue;
      const d = mm.distanceToDrivableArea(x, y);
      if (d === null || d >= thr) firstFarTick = t;
    }
    cornersOutside.push(outside);
  }
  return { score: firstFarTick === null ? 1 : 0, cornersOutside, firstFarTick };
}
