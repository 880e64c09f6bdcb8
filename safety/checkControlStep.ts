/**
 * The control-level check (Autoware `control_validator` / `vehicle_cmd_gate` limits): each control
 * step is parsed, clamped to the platform's acceleration, steering, steering-rate and lateral
 * acceleration limits, and vetoed (full brake) when the state it was computed from is stale.
 */
import {
  type Control,
  ControlSchema,
  type EgoState,
  parseWith,
  type RuleResult,
  type VehicleParams,
  type Verdict,
} from '../core/index.ts';
import { round } from './rules/CheckContext.ts';
import type { SafetyParams } from './SafetyParams.ts';

/**
 * Checks one control step. `prevAccelMps2`: the acceleration of the control this check passed at the
 * step before (the rising-jerk bound is a bound on the command stream, as Autoware's
 * `VehicleCmdFilter::limitLongitudinalWithJerk` holds each command to its previous one); without it
 * (the first step) the state's measured acceleration stands in. Measured against the measured
 * acceleration, which trails the command by the actuator's lag, the bound held the command 0.62 m/s²
 * above it at every 0.05 s step: a brake let go at ≈ 2.5 m/s³ of the vehicle's own jerk, not the
 * 12.4 m/s³ it states, and the ego braked on to a stand where the planner asked for 2.4 m/s again
 * (CommonRoad ESP_Toledo-11_5_T-1).
 */
export function checkControlStep(
  input: unknown,
  state: EgoState,
  v: VehicleParams,
  params: SafetyParams,
  nowS: number,
  dtS: number,
  prevAccelMps2?: number,
): { verdict: Verdict; control: Control } {
  const brake: Control =
    v.kind === 'robot'
      ? { kind: 'unicycle', vMps: 0, omegaRadps: 0 }
      : { kind: 'ackermann', accelMps2: -v.maxDecelMps2, steerRad: state.steerRad };
  const parsed = parseWith(ControlSchema, input, 'control');
  if (!parsed.ok) {
    return {
      verdict: {
        decision: 'VETO',
        rules: [
          {
            rule: 'input.schema',
            decision: 'VETO',
            values: { path: parsed.error.path },
            message: parsed.error.message,
          },
        ],
        mrm: { kind: 'EMERGENCY_STOP', decelMps2: v.maxDecelMps2 },
        explanation: `VETO: control rejected: ${parsed.error.message}`,
      },
      control: brake,
    };
  }
  const rules: RuleResult[] = [];
  const ageS = nowS - state.tS;
  if (ageS > params.maxInputAgeS || ageS < -params.maxInputAgeS) {
    rules.push({
      rule: 'input.stale',
      decision: 'VETO',
      values: { ageS: round(ageS, 3), maxAgeS: params.maxInputAgeS },
      message: `state is ${round(ageS, 3)} s old`,
    });
    return {
      verdict: {
        decision: 'VETO',
        rules,
        mrm: { kind: 'EMERGENCY_STOP', decelMps2: v.maxDecelMps2 },
        explanation: `VETO: stale state (${round(ageS, 3)} s) → brake`,
      },
      control: brake,
    };
  }
  rules.push({
    rule: 'input.stale',
    decision: 'ALLOW',
    values: { ageS: round(ageS, 3) },
    message: 'state fresh',
  });
  const c = parsed.value;
  let out: Control;
  if (c.kind === 'ackermann') {
    let a = Math.min(v.maxAccelMps2, Math.max(-v.maxDecelMps2, c.accelMps2));
    if (a !== c.accelMps2)
      rules.push({
        rule: 'kinematics.accel',
        decision: 'MODIFY',
        values: { accelMps2: round(c.accelMps2), clampedMps2: round(a) },
        message: `acceleration ${round(c.accelMps2)} m/s² clamped to ${round(a)}`,
      });
    // Jerk: braking harder is always allowed (a safety response must not be rate-limited).
    const jerkLimit = 3 * params.maxJerkMps3;
    const from =
      prevAccelMps2 !== undefined && Number.isFinite(prevAccelMps2) ? prevAccelMps2 : state.accelMps2;
    if (a > from + jerkLimit * dtS) {
      const lim = from + jerkLimit * dtS;
      rules.push({
        rule: 'kinematics.jerk',
        decision: 'MODIFY',
        values: { jerkMps3: round((a - from) / dtS), limitMps3: jerkLimit },
        message: `jerk limited to ${jerkLimit} m/s³`,
      });
      a = lim;
    }
    let steer = Math.min(v.maxSteerRad, Math.max(-v.maxSteerRad, c.steerRad));
    if (steer !== c.steerRad)
      rules.push({
        rule: 'kinematics.steer',
        decision: 'MODIFY',
        values: { steerRad: round(c.steerRad, 3), limitRad: round(v.maxSteerRad, 3) },
        message: 'steering angle clamped',
      });
    const maxDelta = v.maxSteerRateRadps * dtS;
    if (Math.abs(steer - state.steerRad) > maxDelta + 1e-9) {
      const clamped = state.steerRad + Math.sign(steer - state.steerRad) * maxDelta;
      rules.push({
        rule: 'kinematics.steerRate',
        decision: 'MODIFY',
        values: { steerRateRadps: round((steer - state.steerRad) / dtS, 3), limitRadps: v.maxSteerRateRadps },
        message: `steering rate limited to ${v.maxSteerRateRadps} rad/s`,
      });
      steer = clamped;
    }
    const speed = Math.max(0, state.speedMps);
    const lat = (speed * speed * Math.tan(steer)) / v.wheelBaseM;
    if (Math.abs(lat) > params.maxTyreLatAccelMps2) {
      const s2 = Math.atan(
        (Math.sign(steer) * params.maxTyreLatAccelMps2 * v.wheelBaseM) / Math.max(speed * speed, 1e-6),
      );
      rules.push({
        rule: 'kinematics.lateralAccel',
        decision: 'MODIFY',
        values: { lateralAccelMps2: round(lat), limitMps2: round(params.maxTyreLatAccelMps2) },
        message: `lateral acceleration ${round(lat)} m/s² limited`,
      });
      steer = s2;
    }
    out = { kind: 'ackermann', accelMps2: a, steerRad: steer };
  } else {
    const vv = Math.min(v.maxSpeedMps, Math.max(0, c.vMps));
    const w = Math.min(v.maxYawRateRadps, Math.max(-v.maxYawRateRadps, c.omegaRadps));
    if (vv !== c.vMps || w !== c.omegaRadps)
      rules.push({
        rule: 'kinematics.unicycle',
        decision: 'MODIFY',
        values: { vMps: round(c.vMps), omegaRadps: round(c.omegaRadps, 3) },
        message: 'speed / yaw rate clamped',
      });
    out = { kind: 'unicycle', vMps: vv, omegaRadps: w };
  }
  const modified = rules.some((r) => r.decision === 'MODIFY');
  return {
    verdict: {
      decision: modified ? 'MODIFY' : 'ALLOW',
      rules: modified
        ? rules
        : [...rules, { rule: 'kinematics', decision: 'ALLOW', values: {}, message: 'control within limits' }],
      explanation: modified
        ? `MODIFY: ${rules
            .filter((r) => r.decision === 'MODIFY')
            .map((r) => r.message)
            .join('; ')}`
        : 'ALLOW: control within limits',
    },
    control: out,
  };
}
