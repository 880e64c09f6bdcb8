/**
 * Kinematic bicycle about the rear axle with first-order actuator lags, as nuPlan's
 * `KinematicBicycleModel` (nuplan/planning/simulation/controller/motion_model/kinematic_bicycle.py):
 * accel time constant 0.2 s, steering time constant 0.05 s, steering clipped to ±max. On top of
 * nuPlan we clip the commanded acceleration and steering rate to the vehicle's limits (the issue's
 * actuator limits) and never let the speed go negative.
 */
import { type EgoState, normalizeAngle, type VehicleParams } from '../index.ts';

export const ACCEL_TIME_CONSTANT_S = 0.2; // nuPlan kinematic_bicycle.py
export const STEER_TIME_CONSTANT_S = 0.05; // nuPlan kinematic_bicycle.py

export interface BicycleCommand {
  accelMps2: number;
  steerRateRadps: number;
}

/**
 * One step of dt seconds. Writes the new state into `out` (may be `s` itself) and returns it.
 * Pure: no state outside its arguments.
 */
export function stepBicycle(
  s: EgoState,
  cmd: BicycleCommand,
  v: VehicleParams,
  dtS: number,
  out: EgoState,
): EgoState {
  const aCmd = Math.min(v.maxAccelMps2, Math.max(-v.maxDecelMps2, cmd.accelMps2));
  const rateCmd = Math.min(v.maxSteerRateRadps, Math.max(-v.maxSteerRateRadps, cmd.steerRateRadps));
  const aF = s.accelMps2 + (dtS / (dtS + ACCEL_TIME_CONSTANT_S)) * (aCmd - s.accelMps2);
  const steerIdeal = s.steerRad + dtS * rateCmd;
  const steerF = s.steerRad + (dtS / (dtS + STEER_TIME_CONSTANT_S)) * (steerIdeal - s.steerRad);
  const speed = s.speedMps;
  const h = s.headingRad;
  const x = s.x + speed * Math.cos(h) * dtS;
  const y = s.y + speed * Math.sin(h) * dtS;
  const heading = normalizeAngle(h + ((speed * Math.tan(s.steerRad)) / v.wheelBaseM) * dtS);
  let newSpeed = speed + aF * dtS;
  let accel = aF;
  if (newSpeed < 0) {
    // A car that brakes to a halt stops; it does not reverse.
    accel = -speed / dtS;
    newSpeed = 0;
  }
  newSpeed = Math.min(newSpeed, v.maxSpeedMps);
  const steer = Math.min(v.maxSteerRad, Math.max(-v.maxSteerRad, steerF));
  out.tS = s.tS + dtS;
  out.x = x;
  out.y = y;
  out.headingRad = heading;
  out.speedMps = newSpeed;
  out.accelMps2 = accel;
  out.steerRad = steer;
  out.yawRateRadps = (newSpeed * Math.tan(steer)) / v.wheelBaseM;
  return out;
}

/**
 * Unicycle step for robots: the command's accel drives speed, steerRate is read as the yaw-rate
 * command (rad/s), clipped to the platform's maxYawRateRadps.
 */
export function stepUnicycle(
  s: EgoState,
  cmd: BicycleCommand,
  v: VehicleParams,
  dtS: number,
  out: EgoState,
): EgoState {
  const a = Math.min(v.maxAccelMps2, Math.max(-v.maxDecelMps2, cmd.accelMps2));
  const omega = Math.min(v.maxYawRateRadps, Math.max(-v.maxYawRateRadps, cmd.steerRateRadps));
  const speed = s.speedMps;
  out.tS = s.tS + dtS;
  out.x = s.x + speed * Math.cos(s.headingRad) * dtS;
  out.y = s.y + speed * Math.sin(s.headingRad) * dtS;
  out.headingRad = normalizeAngle(s.headingRad + omega * dtS);
  out.speedMps = Math.min(v.maxSpeedMps, Math.max(0, speed + a * dtS));
  out.accelMps2 = (out.speedMps - speed) / dtS;
  out.steerRad = 0;
  out.yawRateRadps = omega;
  return out;
}
