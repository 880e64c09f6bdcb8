/**
 * IDM lane follower (nuPlan's IDMPlanner idea): follows the route's reference path, with the
 * Intelligent Driver Model choosing the speed against the nearest obstacle in its corridor and
 * red/yellow lights on route lanes ahead. Parameters from nuPlan's idm_planner.yaml.
 */
import { z } from 'zod';
import type { FrenetPoint } from '../index.ts';
import { DEFAULT_CURVE_SPEED } from '../map/index.ts';
import type { Planner } from '../planning/Planner.ts';
import { findLead, idmAccel, type LeadInfo } from './idm.ts';
import {
  egoArcLength,
  frontOffset,
  HORIZON_STEPS,
  obstaclesOf,
  STEP_S,
  stopForLights,
  trajectoryAlong,
} from './pathFollowing.ts';

export const IdmPlannerParamsSchema = z.object({
  /** nuPlan idm_planner.yaml: min_gap_to_lead_agent 1.0 m. */
  minGapM: z.number().nonnegative().default(1.0),
  /** nuPlan idm_planner.yaml: headway_time 1.5 s. */
  headwayS: z.number().nonnegative().default(1.5),
  /** nuPlan idm_planner.yaml: accel_max 1.0 m/s². */
  accelMaxMps2: z.number().positive().default(1.0),
  /** nuPlan idm_planner.yaml: decel_max 3.0 m/s². */
  decelMaxMps2: z.number().positive().default(3.0),
  /** Treiber's acceleration exponent. */
  exponent: z.number().positive().default(4),
  /** Look-ahead for the lead, m. */
  lookaheadM: z.number().positive().default(80),
  /**
   * Comfortable lateral acceleration in curves, m/s² (edgeplan addition: nuPlan's IDM planner
   * drives the speed limit into any curve); the target speed is capped by RoutePath.speedCapAt.
   * 0 disables the cap.
   */
  curveLatAccelMps2: z.number().nonnegative().default(2.0),
});
export type IdmPlannerParams = z.infer<typeof IdmPlannerParamsSchema>;

interface State {
  sM: number;
}

export function idmPlanner(params: Partial<IdmPlannerParams> = {}): Planner<State> {
  const p = IdmPlannerParamsSchema.parse(params);
  const scratch: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
  const lead: LeadInfo = { sM: Infinity, speedMps: 0, index: -1 };
  const s = new Float64Array(HORIZON_STEPS + 1);
  const v = new Float64Array(HORIZON_STEPS + 1);
  const curve =
    p.curveLatAccelMps2 > 0 ? { ...DEFAULT_CURVE_SPEED, latAccelMps2: p.curveLatAccelMps2 } : undefined;
  return {
    name: 'idm',
    init: () => ({ sM: Number.NaN }),
    step(state, snap, ctx) {
      const path = ctx.route.line;
      const s0 = egoArcLength(path, snap.ego, state.sM, scratch);
      const front = frontOffset(ctx.vehicle);
      findLead(
        path,
        s0 + front,
        p.lookaheadM,
        ctx.vehicle.widthM / 2,
        obstaclesOf(snap.agents),
        lead,
        scratch,
      );
      const stopS = stopForLights(ctx.route, s0 + front, snap.lights);
      // The lead is assumed to keep its speed along our path (constant-velocity forecast).
      let leadS = lead.sM;
      const leadV = lead.speedMps;
      s[0] = s0;
      v[0] = snap.ego.speedMps;
      for (let k = 1; k <= HORIZON_STEPS; k++) {
        const fs = s[k - 1]! + front;
        let gap = leadS - fs;
        let lv = leadV;
        if (stopS - fs < gap) {
          gap = stopS - fs;
          lv = 0;
        }
        const limit = ctx.route.speedLimitAt(ctx.map, s[k - 1]!);
        const cap = curve ? ctx.route.speedCapAt(ctx.map, s[k - 1]!, curve) : Infinity;
        const a = idmAccel(v[k - 1]!, Math.min(limit, cap), gap, lv, p);
        // IDM's free-road term brakes only gently above its target (a_max·(1 − (v/v0)^δ)); the cap
        // already includes the braking before each curve, so it bounds the speed directly.
        v[k] = Math.min(
          Math.max(0, v[k - 1]! + a * STEP_S),
          Math.max(cap, v[k - 1]! - p.decelMaxMps2 * STEP_S),
        );
        s[k] = s[k - 1]! + 0.5 * (v[k - 1]! + v[k]!) * STEP_S;
        leadS += leadV * STEP_S;
      }
      return {
        state: { sM: s0 },
        output: { trajectory: trajectoryAlong(path, snap.tS, s, v, HORIZON_STEPS + 1) },
      };
    },
  };
}
