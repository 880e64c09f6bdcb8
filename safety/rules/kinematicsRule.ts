/**
 * Kinematic limits of the roll-out: longitudinal acceleration within the vehicle's limits, lateral
 * acceleration v·ψ̇ within nuPlan's bound. Jerk is a comfort matter (STYLE 9: the gate is not a
 * comfort filter); the control-level check limits rising jerk only.
 *
 * The lateral acceleration is what the vehicle can feel: the roll-out's path (a cubic closing the
 * ego's offset on a lane's polyline) can turn sharper at once than a car can steer — its steering
 * moves from where it is now at most at its steering rate, so by t its path curvature is at most
 * tan(min(δ_max, |δ₀| + δ̇_max·t)) / L. A stop is not failed for a step whose excess no braking
 * could remove (the hardest braking from now, after the actuator's lag, still leaves it over the
 * bound): failing it would hand over to a gentler minimal-risk stop, never a better one.
 */
import { angleDiff } from '../../core/index.ts';
import { type CheckContext, laterCheckAvoids, type RuleSink, round } from './CheckContext.ts';

export function kinematicsRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, vehicle: veh, params } = ctx;
  // (a state without a finite steering angle bounds nothing)
  const steerRad = ctx.snapshot.ego.steerRad;
  const steer0 = Number.isFinite(steerRad) ? Math.abs(steerRad) : veh.maxSteerRad;
  const v0 = r.v[0]!;
  const stopping = ctx.command.speed === 'STOP';
  for (let k = 1; k < r.n; k++) {
    const a = r.a[k - 1]!;
    if (a > veh.maxAccelMps2 + 0.05 || a < -veh.maxDecelMps2 - 0.05) {
      sink.fail(
        'kinematics.accel',
        `acceleration ${round(a)} m/s² outside [−${veh.maxDecelMps2}, ${veh.maxAccelMps2}] at t+${round(k * r.dtS, 1)} s`,
        { accelMps2: round(a), maxAccelMps2: veh.maxAccelMps2, maxDecelMps2: veh.maxDecelMps2 },
        { capSpeedMps: r.v[0]! },
      );
      return;
    }
    const v = r.v[k]!;
    if (v <= 1) continue;
    const tS = k * r.dtS;
    // the path's curvature, bounded by what the steering can reach by then (cars)
    let curv = Math.abs(angleDiff(r.h[k]!, r.h[k - 1]!) / r.dtS) / v;
    if (veh.kind === 'car')
      curv = Math.min(
        curv,
        Math.tan(Math.min(veh.maxSteerRad, steer0 + veh.maxSteerRateRadps * tS)) / veh.wheelBaseM,
      );
    const lat = v * v * curv;
    if (lat > params.maxLatAccelMps2) {
      const cap = Math.sqrt(params.maxLatAccelMps2 / Math.max(curv, 1e-6));
      // a stop is not failed for a step no command gets below the cap by (the hardest braking,
      // after the actuator's lag): that would only hand over to a gentler minimal-risk stop. (Other
      // commands still fail there: their repairs judge a lane change under way at speed.)
      const vMin = v0 - veh.maxDecelMps2 * Math.max(0, tS - params.accelLagS);
      if (stopping && vMin > cap) continue;
      // a curve later in the roll-out that braking from the next check on still takes at the
      // bound is not yet this command's (the planner re-plans, the gate re-checks every tick)
      if (laterCheckAvoids(ctx, k, cap, params.commandDecelMps2)) continue;
      sink.fail(
        'kinematics.lateralAccel',
        `lateral acceleration ${round(lat)} m/s² > ${params.maxLatAccelMps2} m/s² at t+${round(tS, 1)} s`,
        { lateralAccelMps2: round(lat), limitMps2: params.maxLatAccelMps2, capMps: round(cap) },
        { capSpeedMps: cap },
      );
      return;
    }
  }
  sink.pass('kinematics', 'acceleration and lateral acceleration within limits');
}
