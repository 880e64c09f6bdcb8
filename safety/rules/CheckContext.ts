/**
 * What every rule sees (the roll-out, the agents' forecast, the scene, the parameters) and where
 * it writes (a `RuleSink`: one result per rule plus the fix it suggests). Rules are pure functions
 * of the context; the gate owns the context and reuses it between checks.
 */
import type { MidLevelCommand, RuleResult, VehicleParams, WorldSnapshot } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import type { AgentForecast } from '../AgentForecast.ts';
import type { Rollout } from '../Rollout.ts';
import type { SafetyParams } from '../SafetyParams.ts';

export interface CheckContext {
  snapshot: WorldSnapshot;
  map: RoadMap;
  vehicle: VehicleParams;
  params: SafetyParams;
  /** The command under check (for trajectory checks: the command derived from it). */
  command: MidLevelCommand;
  rollout: Rollout;
  forecast: AgentForecast;
  /** The roll-out came from a trajectory (kinematics are checked more strictly then). */
  fromTrajectory: boolean;
}

/** A rule's suggested repair: the gate combines them into one modified command. */
export interface Fix {
  /** Cap the target speed, m/s. */
  capSpeedMps?: number;
  /** Keep the lane (postpone the lane change / borrow). */
  postponeLaneChange?: boolean;
  /** Stop with the rear axle at this arc length of the lane path, m. */
  stopBeforeS?: number;
  /** Keep moving at least this fast (never stop here), m/s. */
  minSpeedMps?: number;
  /** No modification can repair it (input errors). */
  unfixable?: boolean;
  /** A collision or near-collision is predicted (the MRM must be an emergency stop). */
  critical?: boolean;
}

export interface RuleOutcome {
  result: RuleResult;
  fix?: Fix;
}

export class RuleSink {
  readonly outcomes: RuleOutcome[] = [];
  violations = 0;
  pass(rule: string, message: string, values: RuleResult['values'] = {}): void {
    this.outcomes.push({ result: { rule, decision: 'ALLOW', values, message } });
  }
  fail(rule: string, message: string, values: RuleResult['values'], fix: Fix): void {
    this.violations++;
    this.outcomes.push({
      result: { rule, decision: fix.unfixable ? 'VETO' : 'MODIFY', values, message },
      fix,
    });
  }
  clear(): void {
    this.outcomes.length = 0;
    this.violations = 0;
  }
}

/** Rear-axle → footprint centre distance and half extents of the ego. */
export function egoCentre(
  ctx: CheckContext,
  k: number,
  out: { x: number; y: number; c: number; s: number },
): void {
  const r = ctx.rollout;
  const h = r.h[k]!;
  out.c = Math.cos(h);
  out.s = Math.sin(h);
  out.x = r.x[k]! + ctx.vehicle.rearAxleToCenterM * out.c;
  out.y = r.y[k]! + ctx.vehicle.rearAxleToCenterM * out.s;
}

/** Arc length from the rear axle to the front bumper, m. */
export function frontOffset(v: VehicleParams): number {
  return v.rearAxleToCenterM + v.lengthM / 2;
}

export const round = (v: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
