/**
 * tuplan_garage's `BatchKinematicBicycleModel.propagate_state` for one proposal: nuPlan's
 * kinematic bicycle about the rear axle with first-order lags on acceleration (0.2 s) and steering
 * angle (0.05 s), and nothing else. Unlike edgeplan's `stepBicycle` it does not clip the commanded
 * acceleration or steering rate to the vehicle's limits, does not cap the speed and lets the
 * speed go negative (a tracker braking hard behind a stop pose reverses); only the steering angle
 * is clipped (±π/3 in PDM; the vehicle's maxSteerRad here). PDM-Closed simulates its proposals
 * with this, so its scores see what this model does.
 */
import { type EgoState, normalizeAngle, type VehicleParams } from '../../../core/index.ts';
import {
  ACCEL_TIME_CONSTANT_S,
  type BicycleCommand,
  STEER_TIME_CONSTANT_S,
} from '../../../core/vehicle/index.ts';

/**
 * One step of `dtS` seconds from `s` under `cmd` (accel m/s², steering rate rad/s); writes the
 * new state into `out` (may be `s`) and returns it. Position and heading integrate the old speed,
 * heading and steering angle (explicit Euler, as the original).
 */
export function stepBatchBicycle(
  s: EgoState,
  cmd: BicycleCommand,
  v: VehicleParams,
  dtS: number,
  out: EgoState,
): EgoState {
  const accel = s.accelMps2 + (dtS / (dtS + ACCEL_TIME_CONSTANT_S)) * (cmd.accelMps2 - s.accelMps2);
  const steerIdeal = s.steerRad + dtS * cmd.steerRateRadps;
  const steerF = s.steerRad + (dtS / (dtS + STEER_TIME_CONSTANT_S)) * (steerIdeal - s.steerRad);
  const speed = s.speedMps;
  const h = s.headingRad;
  const x = s.x + speed * Math.cos(h) * dtS;
  const y = s.y + speed * Math.sin(h) * dtS;
  const heading = normalizeAngle(h + ((speed * Math.tan(s.steerRad)) / v.wheelBaseM) * dtS);
  const newSpeed = speed + accel * dtS;
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
