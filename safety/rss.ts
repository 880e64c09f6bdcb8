/**
 * Responsibility-Sensitive Safety (Shalev-Shwartz, Shammah, Shashua 2017, arXiv:1708.06374) safe
 * distances, following the formulas of Intel's ad-rss-lib (`ad_rss/src/structured/RssFormulas.cpp`
 * and `ad_rss/src/core/Physics.cpp`, LGPL-2.1; re-derived here, not copied). Magnitudes are
 * positive here (ad-rss-lib stores braking as negative accelerations); lateral speed is positive
 * towards the right, as in ad-rss-lib.
 */
import { z } from 'zod';

const mag = () => z.number().finite().nonnegative();

/** RSS dynamics of one vehicle (ad-rss-lib `world::RssDynamics`, magnitudes). */
export const RssDynamicsSchema = z.object({
  /** ρ: response time, s. */
  responseTimeS: mag(),
  /** α_lon,accel,max: longitudinal acceleration during the response time, m/s². */
  accelMaxMps2: mag(),
  /** α_lon,brake,min: braking the follower is guaranteed to apply, m/s². */
  brakeMinMps2: z.number().finite().positive(),
  /** α_lon,brake,max: the hardest the leader may brake, m/s². */
  brakeMaxMps2: z.number().finite().positive(),
  /** α_lon,brake,min,correct: braking of the vehicle in its correct lane (opposite direction), m/s². */
  brakeMinCorrectMps2: z.number().finite().positive(),
  /** α_lat,accel,max, m/s². */
  latAccelMaxMps2: mag(),
  /** α_lat,brake,min, m/s². */
  latBrakeMinMps2: z.number().finite().positive(),
  /** μ: lateral fluctuation margin, m (each vehicle contributes half). */
  lateralFluctuationMarginM: mag(),
  /** Acceleration during the response time stops at this speed, m/s. */
  maxSpeedOnAccelerationMps: mag(),
  /** ad-rss-lib ≥ 4: extra distance added to the longitudinal safe distance, m (default 0). */
  minLongitudinalSafetyDistanceM: mag().default(0),
});
export type RssDynamics = z.input<typeof RssDynamicsSchema>;

export interface RssVehicle {
  /** Longitudinal speed (≥ 0), m/s. */
  speedLonMps: number;
  /** Lateral speed, positive towards the right, m/s. */
  speedLatMps: number;
  dynamics: RssDynamics;
}

/**
 * ad-rss-lib's defaults: the values of its test parameters (`tests/test_support/RssTestParameters.hpp`:
 * ρ ego 1 s, others 2 s; α_lon accel 3.5, brake min 4, brake max 8, brake min correct 3; α_lat
 * accel 0.2, brake min 0.8; `TestSupport.cpp`: μ 0.1 m) which are also CARLA's RSS sensor defaults, and
 * `RssDynamics.hpp`: max_speed_on_acceleration 100 m/s, min_longitudinal_safety_distance 0 m.
 */
const base = {
  accelMaxMps2: 3.5,
  brakeMinMps2: 4,
  brakeMaxMps2: 8,
  brakeMinCorrectMps2: 3,
  latAccelMaxMps2: 0.2,
  latBrakeMinMps2: 0.8,
  lateralFluctuationMarginM: 0.1,
  maxSpeedOnAccelerationMps: 100,
  minLongitudinalSafetyDistanceM: 0,
} as const;
export const defaultDynamics: { readonly ego: Required<RssDynamics>; readonly other: Required<RssDynamics> } =
  {
    ego: { ...base, responseTimeS: 1 },
    other: { ...base, responseTimeS: 2 },
  };

/**
 * A vehicle at rest with ad-rss-lib's default ego dynamics: the starting value of a rule's scratch
 * vehicle, whose speed and dynamics the rule sets before each check (no allocation per check).
 */
export function rssVehicleAtRest(): RssVehicle {
  return new RssVehicleScratch();
}

/**
 * The scratch vehicle as a class, not an object literal: its speeds are overwritten at every step of
 * a roll-out, and a literal's number fields sat in a hidden class whose fields were tagged, so that
 * each store allocated a heap number (core's `PoseScratch` says why).
 */
class RssVehicleScratch implements RssVehicle {
  speedLonMps = 0;
  speedLatMps = 0;
  dynamics: RssDynamics = defaultDynamics.ego;
}

/**
 * Distance covered in `durationS` starting at `speedMps` ≥ 0 with `accelMps2` (signed), the speed
 * clamped at 0 and at max(maxSpeed, speed) (ad-rss-lib `calculateAcceleratedLimitedMovement`).
 * Writes the end speed into `out[0]` and returns the distance, m.
 */
export function acceleratedLimitedMovement(
  speedMps: number,
  maxSpeedOnAccelerationMps: number,
  accelMps2: number,
  durationS: number,
  out: number[] | Float64Array,
): number {
  let v = Math.max(0, speedMps + accelMps2 * durationS);
  v = Math.min(Math.max(maxSpeedOnAccelerationMps, speedMps), v);
  const tAccel = accelMps2 !== 0 ? (v - speedMps) / accelMps2 : 0;
  out[0] = v;
  return speedMps * durationS + 0.5 * accelMps2 * tAccel * tAccel + (v - speedMps) * (durationS - tAccel);
}

const scratch = new Float64Array(1);

/**
 * Longitudinal distance driven while accelerating for ρ, then braking with `brakeMps2` to a stop
 * (ad-rss-lib `calculateLongitudinalDistanceOffsetAfterStatedBrakingPattern`), m.
 */
export function longitudinalStatedBraking(
  speedMps: number,
  maxSpeedOnAccelerationMps: number,
  responseTimeS: number,
  accelMps2: number,
  brakeMps2: number,
): number {
  const d = acceleratedLimitedMovement(
    speedMps,
    maxSpeedOnAccelerationMps,
    accelMps2,
    responseTimeS,
    scratch,
  );
  const v = scratch[0]!;
  return d + (v > 0 ? (v * v) / (2 * brakeMps2) : 0);
}

/**
 * Signed lateral offset while accelerating with signed `accelMps2` for ρ (no speed clamp), then
 * braking to zero lateral speed with signed `decelMps2` (ad-rss-lib
 * `calculateLateralDistanceOffsetAfterStatedBrakingPattern`), m.
 */
export function lateralStatedBraking(
  speedMps: number,
  responseTimeS: number,
  accelMps2: number,
  decelMps2: number,
): number {
  const v = speedMps + accelMps2 * responseTimeS;
  const d = speedMps * responseTimeS + 0.5 * accelMps2 * responseTimeS * responseTimeS;
  // Braking only adds distance while the speed still points against the braking direction.
  const braking = Math.sign(v) !== Math.sign(decelMps2) && v !== 0 ? (v * v) / (2 * -decelMps2) : 0;
  return d + braking;
}

function minLonSafety(d: RssDynamics): number {
  return d.minLongitudinalSafetyDistanceM ?? 0;
}

/**
 * RSS Definition 1: the minimal safe longitudinal distance, m, for a `following` vehicle behind a
 * `leading` one in the same direction: the follower accelerates for ρ then brakes with brakeMin,
 * the leader brakes with brakeMax.
 */
export function longitudinalSameDirection(following: RssVehicle, leading: RssVehicle): number {
  const f = following.dynamics;
  const dFollow = longitudinalStatedBraking(
    following.speedLonMps,
    f.maxSpeedOnAccelerationMps,
    f.responseTimeS,
    f.accelMaxMps2,
    f.brakeMinMps2,
  );
  const vLead = leading.speedLonMps;
  const dLead = (vLead * vLead) / (2 * leading.dynamics.brakeMaxMps2);
  return Math.max(dFollow - dLead, 0) + minLonSafety(f);
}

/**
 * RSS Definition 2: the minimal safe longitudinal distance, m, between two vehicles driving towards
 * each other; the one in its correct lane brakes with brakeMinCorrect, the other with brakeMin.
 */
export function longitudinalOppositeDirection(inCorrectLane: RssVehicle, inWrongLane: RssVehicle): number {
  const c = inCorrectLane.dynamics;
  const w = inWrongLane.dynamics;
  const dC = longitudinalStatedBraking(
    inCorrectLane.speedLonMps,
    c.maxSpeedOnAccelerationMps,
    c.responseTimeS,
    c.accelMaxMps2,
    c.brakeMinCorrectMps2,
  );
  const dW = longitudinalStatedBraking(
    inWrongLane.speedLonMps,
    w.maxSpeedOnAccelerationMps,
    w.responseTimeS,
    w.accelMaxMps2,
    w.brakeMinMps2,
  );
  return dC + dW + Math.max(minLonSafety(c), minLonSafety(w));
}

/**
 * RSS Definition 4: the minimal safe lateral distance, m, between a vehicle on the `left` and one
 * on the `right`: each accelerates towards the other for ρ then brakes laterally, plus μ/2 each.
 */
export function lateral(left: RssVehicle, right: RssVehicle): number {
  const l = left.dynamics;
  const r = right.dynamics;
  const dLeft = lateralStatedBraking(
    left.speedLatMps,
    l.responseTimeS,
    l.latAccelMaxMps2,
    -l.latBrakeMinMps2,
  );
  const dRight = lateralStatedBraking(
    right.speedLatMps,
    r.responseTimeS,
    -r.latAccelMaxMps2,
    r.latBrakeMinMps2,
  );
  const margin = 0.5 * (l.lateralFluctuationMarginM + r.lateralFluctuationMarginM);
  return Math.max(dLeft - dRight + margin, 0);
}

/** The RSS formulas as one namespace (`rss.longitudinalSameDirection(...)`). */
export const rss = {
  longitudinalSameDirection,
  longitudinalOppositeDirection,
  lateral,
  defaultDynamics,
  longitudinalStatedBraking,
  lateralStatedBraking,
} as const;
