/**
 * Kinematic limits of the roll-out: longitudinal acceleration within the vehicle's limits, lateral
 * acceleration v·ψ̇ within nuPlan's bound. Jerk is a comfort matter (STYLE 9: the gate is not a
 * comfort filter); the control-level check limits rising jerk only.
 */
import { angleDiff } from '../../core/index.ts';
import { type CheckContext, laterCheckAvoids, type RuleSink, round } from './CheckContext.ts';

export function kinematicsRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, vehicle: veh, params } = ctx;
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
    const yawRate = angleDiff(r.h[k]!, r.h[k - 1]!) / r.dtS;
    const lat = Math.abs(v * yawRate);
    if (lat > params.maxLatAccelMps2 && v > 1) {
      const cap = Math.sqrt(params.maxLatAccelMps2 / Math.max(Math.abs(yawRate / v), 1e-6));
      // a curve later in the roll-out that braking from the next check on still takes at the
      // bound is not yet this command's (the planner re-plans, the gate re-checks every tick)
      if (laterCheckAvoids(ctx, k, cap, params.commandDecelMps2)) continue;
      sink.fail(
        'kinematics.lateralAccel',
        `lateral acceleration ${round(lat)} m/s² > ${params.maxLatAccelMps2} m/s² at t+${round(k * r.dtS, 1)} s`,
        { lateralAccelMps2: round(lat), limitMps2: params.maxLatAccelMps2, capMps: round(cap) },
        { capSpeedMps: cap },
      );
      return;
    }
  }
  sink.pass('kinematics', 'acceleration and lateral acceleration within limits');
}
