/**
 * Wiring of the hierarchical planner into a command stack: its reflection gets the gate's
 * roll-out (the same kinematic prediction the gate checks commands with), and the model client
 * is built from serialisable options (they cross into evaluation worker threads).
 */

import { z } from 'zod';
import { createClassicalController } from '../controller/index.ts';
import type { EgoState, Scenario, TrajectoryPoint, VehicleParams } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { type BicycleCommand, stepBicycle, stepUnicycle } from '../core/vehicle/index.ts';
import {
  createHierarchicalPlanner,
  createLlmClient,
  HierarchicalConfigSchema,
  type LlmClient,
  LlmOptionsSchema,
  type RolloutFn,
} from '../planner/index.ts';
import {
  findInjection,
  gateRouteRank,
  LanePathCache,
  Rollout,
  rolloutCommand,
  rolloutToTrajectory,
  routeAhead,
  SafetyParamsSchema,
  startLane,
} from '../safety/index.ts';
import type { SimLog } from '../sim/index.ts';
import { assistStats, fallbackList } from './AssistStats.ts';
import { reactiveForecast } from './ReactiveForecast.ts';

/** Reflection horizon, s (nuPlan / PDM score 4 s). */
const REFLECT_HORIZON_S = 4.2;

/**
 * The executor's roll-out: the classical controller at 20 Hz driving the kinematic model (bicycle
 * or unicycle) from the snapshot's ego for 4 s, agents ignored — what the stack will actually do
 * with the command (rear-axle poses every 0.1 s). Unlike the gate's roll-out, a lane change or
 * borrow started from a standstill swings out as pure pursuit steers it, not sideways.
 */
export function controllerRollout(): RolloutFn {
  const controller = createClassicalController();
  const cmd: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
  const dtS = 0.05;
  return (command, snap, ctx, routeIndex) => {
    const vehicle = ctx.vehicle;
    // the tracker goes on from the braking under way (its jerk limit and a commanded braking
    // onset build up from there), not from rest: a stop ramped in from 0 while the ego already
    // brakes at 3 m/s² is predicted to brake far later than it will
    let state = { ...controller.init(ctx), accelMps2: snap.ego.accelMps2 };
    let ego: EgoState = { ...snap.ego };
    const next: EgoState = { ...ego };
    const points: TrajectoryPoint[] = [];
    const cmdLive = { ...command, expiresAtS: Number.POSITIVE_INFINITY };
    for (let k = 0; k <= 80; k++) {
      if (k % 2 === 0)
        points.push({
          tS: snap.tS + k * dtS,
          x: ego.x,
          y: ego.y,
          headingRad: ego.headingRad,
          speedMps: ego.speedMps,
        });
      if (k === 80) break;
      const req = {
        ego,
        command: cmdLive,
        snapshot: snap,
        dtS,
        ...(routeIndex !== undefined ? { routeIndex } : {}),
      };
      const step = controller.step(state, req, ctx);
      state = step.state;
      const c = step.control;
      if (c.kind === 'unicycle') {
        cmd.accelMps2 = (c.vMps - ego.speedMps) / dtS;
        cmd.steerRateRadps = c.omegaRadps;
        stepUnicycle(ego, cmd, vehicle, dtS, next);
      } else {
        const steer = Math.min(vehicle.maxSteerRad, Math.max(-vehicle.maxSteerRad, c.steerRad));
        cmd.accelMps2 = c.accelMps2;
        cmd.steerRateRadps = (steer - ego.steerRad) / dtS;
        stepBicycle(ego, cmd, vehicle, dtS, next);
      }
      next.tS = ego.tS + dtS;
      ego = { ...next };
    }
    return { points };
  };
}

/** The gate's command roll-out as the planner's reflection roll-out (0.1 s poses, 4 s). */
export function gateRollout(map: RoadMap, vehicle: VehicleParams): RolloutFn {
  const params = SafetyParamsSchema.parse({ horizonS: REFLECT_HORIZON_S });
  const paths = new LanePathCache(map);
  const r = new Rollout(64);
  return (command, snap, _ctx, routeIndex) => {
    const e = snap.ego;
    const route = routeAhead({ snapshot: snap, ...(routeIndex !== undefined ? { routeIndex } : {}) });
    // at a junction entry the route's branch, not the located (best-heading) connector
    const start = startLane(map, e.x, e.y, e.headingRad, e.tS, route, paths, undefined, (id) =>
      gateRouteRank(snap.route.laneIds, routeIndex, id),
    );
    rolloutCommand(
      { ...command, horizonS: REFLECT_HORIZON_S },
      { tS: e.tS, x: e.x, y: e.y, headingRad: e.headingRad, speedMps: e.speedMps, accelMps2: e.accelMps2 },
      map,
      route,
      vehicle,
      params,
      paths,
      r,
      true,
      start,
    );
    return r.n > 1 ? rolloutToTrajectory(r, 0.1, 4) : undefined;
  };
}

/** What `--llm …` and friends set (serialisable). */
/**
 * The hierarchical planner's options (`--llm …`, the config): parsed wherever they arrive from
 * outside (a queued evaluation job), as `createHierarchicalPlanner` and this file parse them again.
 */
export const DriverOptionsSchema = z
  .object({
    llm: LlmOptionsSchema.optional(),
    hierarchical: HierarchicalConfigSchema.optional(),
  })
  .strict();
export type DriverOptions = z.input<typeof DriverOptionsSchema>;

/** Builds the hierarchical command stack for one scenario (`build` of the `hierarchical` driver). */
export function hierarchicalPlannerFor(
  scenario: Scenario,
  map: RoadMap,
  o: DriverOptions = {},
  /** The model client for `o.llm` (a driver shares one across its stacks); made here when absent. */
  client?: LlmClient,
) {
  void scenario;
  const rollout = controllerRollout();
  // reflection's agents react to each candidate (the simulator's interactive agent model)
  const forecast = reactiveForecast(map);
  // the gate's own screen: a rules rationale it would flag names its agents by digest
  const screen = (text: string) => findInjection(text) !== '';
  if (!o.llm) return createHierarchicalPlanner(o.hierarchical ?? {}, { rollout, forecast, screen });
  const llm = LlmOptionsSchema.parse(o.llm);
  client ??= createLlmClient(llm);
  const backends = {
    analyst: llm.agents.includes('analyst') ? 'llm' : 'rules',
    lateral: llm.agents.includes('lateral') ? 'llm' : 'rules',
    longitudinal: llm.agents.includes('longitudinal') ? 'llm' : 'rules',
  } as const;
  return createHierarchicalPlanner(
    { ...(o.hierarchical ?? {}), backends, deadlineMs: llm.deadlineMs, assistAlways: llm.always },
    { rollout, forecast, llm: client, screen },
  );
}

/**
 * What LLM-Assist and reflection did in a run, read off the executed commands (each counted once,
 * by issue time): commands from the model, fallbacks to the rules, model commands the gate vetoed
 * as instruction-bearing (each is named by its time in the source of the rules' plans that follow
 * it: the vetoed command never drives) and those plans, reflection revisions, re-plans; every planner
 * command the gate vetoed (from the ticks' `vetoed`), and those vetoed as instruction-bearing
 * whichever backend wrote them; and the ticks a minimal-risk stop drove (no planner command counts
 * them).
 */
export function assistSummary(log: SimLog): string {
  const seen = new Set<number>();
  let llm = 0;
  let fallback = 0;
  const vetoes = new Set<string>();
  let steered = 0;
  let revised = 0;
  let replans = 0;
  let total = 0;
  let mrmTicks = 0;
  // every planner command the gate vetoed (they never drive, so the executed ones above miss them;
  // a run that a minimal-risk stop drove throughout said "vetoed 0": review 14), and those vetoed
  // for instruction-bearing text whatever planned them
  // (each is listed once, at the check that vetoed it; a re-plan is another command)
  let gateVetoes = 0;
  let instructionVetoes = 0;
  for (const t of log.ticks) {
    for (const v of t.vetoed ?? []) {
      if (!v.source.startsWith('hierarchical')) continue;
      gateVetoes++;
      if (v.rules.includes('input.instruction')) instructionVetoes++;
    }
    const c = t.command;
    if (c?.source.startsWith('mrm:')) mrmTicks++;
    if (!c?.source.startsWith('hierarchical') || seen.has(c.issuedAtS)) continue;
    seen.add(c.issuedAtS);
    total++;
    if (c.source.includes('/llm:')) llm++;
    if (/llm-fallback:/.test(c.source)) fallback++;
    const veto = /llm-vetoed:[^@+]*@[^+]*/.exec(c.source);
    if (veto) {
      vetoes.add(veto[0]);
      steered++;
    }
    if (c.source.includes('+reflect')) revised++;
    if (c.source.includes('/replan')) replans++;
  }
  // the fallbacks as the LLM-Assist table counts them: agent calls over every plan gated (re-plans
  // and plans that never drove included), each code with the reason its client gave (review ux21 #1)
  const st = assistStats(log);
  const calls = Object.values(st.fallbacks).reduce((a, b) => a + b, 0);
  const why = calls > 0 ? ` (${fallbackList(st)})` : '';
  // A re-plan follows any verdict other than ALLOW on the previous command: a repair (MODIFY) as
  // well as a veto; "re-plans after a veto N" beside "the gate vetoed 0" read as a contradiction
  // (review ux19 #13).
  return `hierarchical: ${total} commands executed; the model decided (part of) ${llm}, agent calls fallen back to the rules ${calls}${why} in ${fallback} executed command(s), the gate vetoed ${vetoes.size} model command(s) as instruction-bearing, after which the rules planned ${steered} (the model not asked); reflection revised ${revised}; re-plans after a gate repair or veto ${replans}; the gate vetoed ${gateVetoes} planner command(s) in all, ${instructionVetoes} of them as instruction-bearing; a minimal-risk stop drove ${mrmTicks} of ${log.ticks.length} ticks`;
}
