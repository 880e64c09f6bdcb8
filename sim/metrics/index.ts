/**
 * nuPlan closed-loop score (CLS-NR / CLS-R) of one simulated run, faithful to nuplan-devkit (see
 * params.ts for the sources of every threshold). Public surface of `sim/metrics`.
 */
import type { RoadMap } from '../../core/map/RoadMap.ts';
import type { SimLog } from '../SimLog.ts';
import { scenarioScore } from './aggregate.ts';
import { findCollisions, noAtFaultCollisionsScore } from './collisions.ts';
import { comfortScore, comfortSignals } from './comfort.ts';
import { drivableAreaCompliance } from './drivableArea.ts';
import { drivingDirectionCompliance } from './drivingDirection.ts';
import { egoTrack } from './egoTrack.ts';
import { assignLanes } from './laneAssignment.ts';
import { MetricMap } from './MetricMap.ts';
import { makingProgressScore, progressAlongExpertRoute } from './progress.ts';
import type { ScenarioMetrics } from './ScenarioMetrics.ts';
import { speedLimitCompliance } from './speedLimit.ts';
import { timeToCollision, ttcScore } from './ttc.ts';

export { type Multipliers, scenarioScore, suiteScore, type Weighted } from './aggregate.ts';
export { MetricMap } from './MetricMap.ts';
export { NUPLAN_METRIC_PARAMS, type NuplanMetricParams } from './params.ts';
export {
  type CollisionRecord,
  CollisionRecordSchema,
  type ComfortCheckName,
  type ScenarioMetrics,
  ScenarioMetricsSchema,
} from './ScenarioMetrics.ts';

/**
 * The ticks nuplan-devkit's metrics see. Its simulation records a history sample when it leaves an
 * iteration (simulation.py `propagate`) and stops once the time controller reaches the scenario's
 * last iteration (step_simulation_time_controller.py `reached_end`: index ≥ iterations − 1), so
 * the state of the last iteration is never recorded: 150 samples of a 151-iteration scenario.
 * The expert trajectory keeps all its samples. Returns the log without its last tick (a log of
 * one tick is kept as it is). A run that ended early because the ego reached the end of its route
 * (`endedAtRouteEnd`, an edgeplan rule the devkit has no counterpart of) is kept whole: its last
 * tick is the ego's arrival, not an iteration the time controller skips.
 */
export function devkitHistory(log: SimLog): SimLog {
  return log.ticks.length > 1 && !log.endedAtRouteEnd ? { ...log, ticks: log.ticks.slice(0, -1) } : log;
}

/**
 * The expert poses a run is scored against: all of them (as the devkit, whose runs always last the
 * scenario's duration), or, for a run that ended early because the ego reached the end of its
 * route (`endedAtRouteEnd`), those up to the run's last tick: ego and expert over the same span, so
 * an ego that copies the expert to the route's end scores full progress. Scored against the whole
 * expert, and without its arrival tick, an ego that finished its route sooner than another lost
 * progress for arriving first.
 */
export function expertSpan(log: SimLog): SimLog['expert'] {
  if (!log.endedAtRouteEnd || log.ticks.length === 0) return log.expert;
  const endS = log.ticks[log.ticks.length - 1]!.tS + 1e-6;
  return log.expert.filter((p) => p.tS <= endS);
}

/**
 * Scores a run as nuplan-devkit does: the ego of every tick but the last (`devkitHistory`; rear-
 * axle poses, converted to the centre box with `log.vehicle`), the agents of those ticks and the
 * whole expert trajectory, on `map`. Pass a prebuilt `MetricMap` to reuse its lane graph across
 * runs on the same map. Returns scores in [0, 1]; `perTick` and `details.ticks` cover the
 * scored ticks.
 */
export function evaluateRun(fullLog: SimLog, map: RoadMap | MetricMap): ScenarioMetrics {
  const log = devkitHistory(fullLog);
  const mm = map instanceof MetricMap ? map : new MetricMap(map);
  const track = egoTrack(log);
  const lanes = assignLanes(mm, track.cx, track.cy, track.corners);

  const collisions = findCollisions(log, track, lanes.inCommonOrConnected);
  const ttc = timeToCollision(log, track, mm, collisions, lanes.inCommonOrConnected);
  const drivable = drivableAreaCompliance(mm, track, lanes);
  const direction = drivingDirectionCompliance(track, lanes.egoDrivenRoute);
  const speed = speedLimitCompliance(mm, track, lanes.egoDrivenRoute);

  const d = log.vehicle.rearAxleToCenterM;
  const expert = expertSpan(fullLog);
  const ex = expert.map((p) => p.x + d * Math.cos(p.headingRad));
  const ey = expert.map((p) => p.y + d * Math.sin(p.headingRad));
  const progress = progressAlongExpertRoute(mm, track.cx, track.cy, ex, ey);
  // An ego that reached the end of its route has made all the progress asked of it. Measured
  // against the expert, arrival would be judged by where within one tick's travel (2.8 m at
  // 28 m/s) each crossed the end margin.
  const progressRatio = fullLog.endedAtRouteEnd ? 1 : progress.ratio;
  const signals = comfortSignals(log, track.tUs);
  const comfort = comfortScore(signals);

  const multipliers = {
    no_ego_at_fault_collisions: noAtFaultCollisionsScore(collisions),
    drivable_area_compliance: drivable.score,
    driving_direction_compliance: direction.score,
    ego_is_making_progress: makingProgressScore(progressRatio),
  };
  const weighted = {
    time_to_collision_within_bound: ttcScore(ttc),
    ego_progress_along_expert_route: progressRatio,
    speed_limit_compliance: speed.score,
    ego_is_comfortable: comfort.score,
  };

  let minTtc = Infinity;
  const ttcS: (number | null)[] = [];
  for (const v of ttc) {
    if (v < minTtc) minTtc = v;
    ttcS.push(Number.isFinite(v) ? v : null);
  }
  const arr = (a: ArrayLike<number>): number[] => Array.from(a);
  return {
    score: scenarioScore(multipliers, weighted),
    multipliers,
    weighted,
    details: {
      ticks: track.n,
      collisions,
      minTtcS: Number.isFinite(minTtc) ? minTtc : null,
      egoProgressM: progress.egoProgressM,
      expertProgressM: progress.expertProgressM,
      progressRatio,
      maxOverspeedMps: speed.maxOverspeedMps,
      maxBackwardM: direction.maxBackwardM,
      drivableViolationTS: drivable.firstFarTick === null ? null : log.ticks[drivable.firstFarTick]!.tS,
      comfortFailed: comfort.failed,
    },
    perTick: {
      tS: log.ticks.map((t) => t.tS),
      ttcS,
      overspeedMps: arr(speed.overspeedMps),
      cornersOutsideDrivable: drivable.cornersOutside,
      inOneLane: lanes.inCommonOrConnected.map((b) => (b ? 1 : 0)),
      directionProgressM: arr(direction.progressOverHorizonM),
      routeProgressM: arr(progress.egoPerTickM),
      lonAccelMps2: arr(signals.lonAccelMps2),
      latAccelMps2: arr(signals.latAccelMps2),
      lonJerkMps3: arr(signals.lonJerkMps3),
      jerkMps3: arr(signals.magJerkMps3),
      yawRateRadps: arr(signals.yawRateRadps),
      yawAccelRadps2: arr(signals.yawAccelRadps2),
    },
  };
}
