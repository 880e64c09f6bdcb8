/**
 * LongitudinalDistanceAction's step as esmini's LongDistanceAction::Step (OSCPrivateAction.cpp):
 * a critically damped spring on the distance error, its tension the DynamicConstraints'
 * maxAcceleration (closing in) or maxDeceleration (falling back) × 0.4, the acceleration clamped
 * to those limits and its change to the jerk limits, the speed to maxSpeed. Without any
 * acceleration limit (no DynamicConstraints) the entity is put at the distance and takes the
 * reference's speed. A pure step function: distances in, speed (and a move along the path) out.
 */
import { LARGE_NUMBER } from '../opendrive/RoadPath.ts';

/** esmini's spring constant of the distance controller, 1/s² per m/s² of tension. */
export const LONG_DIST_SPRING_CONSTANT = 0.4;
/** A non-continuous action ends within this distance error, m (LONGITUDINAL_DISTANCE_THRESHOLD). */
export const LONG_DIST_THRESHOLD_M = 0.1;

export interface LongDistParams {
  /** DynamicConstraints as parseDynamicConstraints reads them (LARGE_NUMBER: no limit, as esmini). */
  maxAccelMps2: number;
  maxDecelMps2: number;
  maxAccelRateMps3: number;
  maxDecelRateMps3: number;
  maxSpeedMps: number;
}

export interface LongDistState {
  /** The controller's acceleration of the last step, m/s² (0 when the action starts). */
  accelMps2: number;
}

export interface LongDistInput {
  /** Distance to the reference along the entity (freespace or reference points), + ahead, m. */
  distanceM: number;
  /** The distance to keep, signed as `distanceM` (trailing +, leading −), m. */
  requestedM: number;
  speedMps: number;
  refSpeedMps: number;
}

export interface LongDistOutput {
  state: LongDistState;
  speedMps: number;
  /** Move along the path before this step's motion, m (rigid mode only; else 0). */
  moveM: number;
  /** The distance error was within the threshold at the start of the step. */
  reached: boolean;
}

/** One step of esmini's LongDistanceAction. */
export function longitudinalDistanceStep(
  state: LongDistState,
  input: LongDistInput,
  p: LongDistParams,
  dtS: number,
): LongDistOutput {
  const diff = input.distanceM - input.requestedM;
  const reached = Math.abs(diff) < LONG_DIST_THRESHOLD_M;
  if (p.maxAccelMps2 >= LARGE_NUMBER && p.maxDecelMps2 >= LARGE_NUMBER)
    return { state, speedMps: input.refSpeedMps, moveM: diff, reached };
  const tension = diff < 0 ? p.maxAccelMps2 : p.maxDecelMps2;
  const k = tension * LONG_DIST_SPRING_CONSTANT;
  const dc = 2 * Math.sqrt(k);
  let acc = diff * k - (input.speedMps - input.refSpeedMps) * dc;
  let jerk: number;
  if (acc < 0) {
    jerk = -p.maxDecelRateMps3;
    if (acc < -p.maxDecelMps2) acc = -p.maxDecelMps2;
  } else {
    jerk = p.maxAccelRateMps3;
    if (acc > p.maxAccelMps2) acc = p.maxAccelMps2;
  }
  if (jerk < 0 && acc < state.accelMps2) acc = Math.max(state.accelMps2 + jerk * dtS, acc);
  else if (jerk > 0 && acc > state.accelMps2) acc = Math.min(state.accelMps2 + jerk * dtS, acc);
  const v = input.speedMps + acc * dtS;
  const speedMps = Math.min(Math.max(v, -p.maxSpeedMps), p.maxSpeedMps);
  return { state: { accelMps2: acc }, speedMps, moveM: 0, reached };
}
