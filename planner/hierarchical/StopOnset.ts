/**
 * A stop at a point, braked with the braking built up at a comfortable jerk: the deceleration that,
 * grown from the ego's present braking at `jerkMps3` and then held, brings it to rest in the room
 * left. The executor brakes onto a stop point at once (`MidLevelCommand.stopAt`: no braking onset),
 * and a stop decided while the ego is barely braking then steps its braking up through the
 * actuator's lag at 6–7 m/s³ — over nuPlan's comfort bound of 4.13 (`ego_lon_jerk`; CommonRoad
 * ARG_Carcarana-4_5_T-1, where the yield to a crossing car 24 m ahead came 0.4 s into reflection's
 * comfortable stop and cut its 3 m/s³ onset short). While that braking is still building up, the
 * stop is commanded without its point, at this braking with its onset (the executor and the gate's
 * roll-out honour a point-free stop's onset), and re-decided every plan from the room then left.
 */

import { STOP_POINT_MARGIN_M } from '../../core/vehicle/index.ts';

/**
 * The executor's stop law aims this far short of a stop point: its stop margin (core's
 * `STOP_POINT_MARGIN_M`, 0.3 m, the controller's default) and 0.2 s of travel (controller/
 * `ClassicalController` `targetSpeed`). The built-up stop aims there too, so that the stop point,
 * commanded again once the braking has built up, asks for the braking already held.
 */
export const EXECUTOR_STOP_SHORT_M = STOP_POINT_MARGIN_M;
export const EXECUTOR_STOP_SHORT_S = 0.2;

/**
 * A creep stop: a stop point under `CREEP_STOP_M` ahead while the ego is below `CREEP_STOP_MPS` is
 * commanded without the point, at the decision's braking (`HierarchicalPlanner` compose: a point at
 * the bumper makes the executor brake as hard as it can, and the jerk limit then holds the ego still
 * for seconds after the way is clear). The braking alone then sets where the ego stands.
 */
export const CREEP_STOP_M = 1;
export const CREEP_STOP_MPS = 1.5;

/**
 * Distance to rest, m, from speed `vMps` braking at `brakingMps2` (≥ 0) now, the braking grown at
 * `jerkMps3` to `targetMps2` and held (no release at the end: the executor's release near a
 * standstill only shortens the last few centimetres' braking).
 */
export function rampedStopDistanceM(
  vMps: number,
  brakingMps2: number,
  targetMps2: number,
  jerkMps3: number,
): number {
  const b0 = Math.max(0, Math.min(brakingMps2, targetMps2));
  const tRampS = (targetMps2 - b0) / jerkMps3;
  // speed left at the end of the ramp; the ego may come to rest inside it
  const vEnd = vMps - b0 * tRampS - 0.5 * jerkMps3 * tRampS * tRampS;
  if (vEnd <= 0) {
    // at rest inside the ramp: the time t with v − b0·t − j·t²/2 = 0
    const t = (-b0 + Math.sqrt(b0 * b0 + 2 * jerkMps3 * vMps)) / jerkMps3;
    return vMps * t - 0.5 * b0 * t * t - (jerkMps3 * t * t * t) / 6;
  }
  const ramp = vMps * tRampS - 0.5 * b0 * tRampS * tRampS - (jerkMps3 * tRampS * tRampS * tRampS) / 6;
  return ramp + (vEnd * vEnd) / (2 * targetMps2);
}

/**
 * The held braking, m/s², that with its onset at `jerkMps3` from the present braking stops the ego
 * in `roomM`; `null` when even `maxMps2` does not (the stop is not for a built-up braking).
 */
export function rampedStopDecelMps2(
  vMps: number,
  brakingMps2: number,
  roomM: number,
  jerkMps3: number,
  maxMps2: number,
): number | null {
  if (!(vMps > 0) || !(roomM > 0)) return null;
  if (rampedStopDistanceM(vMps, brakingMps2, maxMps2, jerkMps3) > roomM) return null;
  // the stop distance falls as the held braking grows: bisect on it
  let lo = 0.05;
  let hi = maxMps2;
  for (let i = 0; i < 40; i++) {
    const mid = 0.5 * (lo + hi);
    if (rampedStopDistanceM(vMps, brakingMps2, mid, jerkMps3) > roomM) lo = mid;
    else hi = mid;
  }
  return hi;
}
