/**
 * A Planner that runs an inner planner and puts the safety gate between it and the controller:
 * every tick the inner output (its command, or the command derived from its trajectory, and its
 * trajectory) is checked; MODIFY substitutes the modified command's roll-out, VETO starts the
 * minimal-risk manoeuvre, which then drives until it has succeeded. Verdicts go to the optional
 * audit log. The closed-loop engine runs it like any planner (gate on vs off, unchanged engine).
 */
import type { MidLevelCommand, Trajectory, Verdict, WorldSnapshot } from '../core/index.ts';
import type { Planner, PlannerContext, PlanOutput } from '../planner/index.ts';
import type { AuditLog } from '../safety/AuditLog.ts';
import { canonicalJson, sha256Hex } from '../safety/canonicalJson.ts';
import { deriveCommand } from '../safety/deriveCommand.ts';
import { MRM_INITIAL, type MrmParams, MrmParamsSchema, type MrmState, mrmStep } from '../safety/Mrm.ts';
import { createSafetyGate, type SafetyGate } from '../safety/SafetyGate.ts';
import type { SafetyParamsInput } from '../safety/SafetyParams.ts';
import type { SafetyScene } from '../safety/Scene.ts';
import {
  AGENT_HISTORY_INITIAL,
  type AgentHistory,
  agentHistoryParams,
  agentHistoryStep,
} from './AgentHistory.ts';
import { clockWentBack } from './AgentsSeen.ts';

export interface GatedPlannerOptions {
  gate?: SafetyGate;
  params?: SafetyParamsInput;
  mrm?: Partial<MrmParams>;
  audit?: AuditLog;
  /** Called with every verdict (tests, live view). */
  onVerdict?: (tS: number, verdict: Verdict, command: MidLevelCommand) => void;
}

export interface GatedState<S> {
  inner: S;
  mrm: MrmState;
  /** The agents' first sightings and recent speeds, stepped once per tick (`agentHistoryStep`). */
  agents: AgentHistory;
  verdicts: { ALLOW: number; MODIFY: number; VETO: number };
  /**
   * The ego's arc length along the route at the last step (NaN: none), tracked so that the gate is
   * told the ego's route position (which occurrence of a lane the route uses twice it is at).
   */
  routeSM?: number;
}

export function createGatedPlanner<S>(
  inner: Planner<S>,
  opts: GatedPlannerOptions = {},
): Planner<GatedState<S>> {
  const gate = opts.gate ?? createSafetyGate(opts.params ?? {});
  const mrmParams = MrmParamsSchema.parse(opts.mrm ?? {});
  const historyParams = agentHistoryParams(gate.params, 'plan');
  return {
    name: `gated(${inner.name})`,
    init(ctx: PlannerContext, first: WorldSnapshot): GatedState<S> {
      return {
        inner: inner.init(ctx, first),
        mrm: MRM_INITIAL,
        agents: AGENT_HISTORY_INITIAL,
        verdicts: { ALLOW: 0, MODIFY: 0, VETO: 0 },
      };
    },
    step(state: GatedState<S>, snap: WorldSnapshot, ctx: PlannerContext) {
      const r = inner.step(state.inner, snap, ctx);
      // the route position is tracked on from the last tick's, over the time since it (none after a
      // clock that went back: that time is of another time line)
      const lastS = state.agents.speeds[state.agents.speeds.length - 1]?.tS;
      const sinceS =
        lastS !== undefined && !clockWentBack(lastS, snap.tS, historyParams.lateS) ? snap.tS - lastS : 0;
      const routeSM =
        ctx.route.line.length > 0
          ? ctx.route.trackS(snap.ego, state.routeSM ?? Number.NaN, sinceS)
          : Number.NaN;
      const agents = agentHistoryStep(state.agents, snap, ctx.map, historyParams);
      const scene: SafetyScene = {
        snapshot: agents.gateSnapshot,
        map: ctx.map,
        vehicle: ctx.vehicle,
        ...(Number.isFinite(routeSM) ? { routeIndex: ctx.route.indexAt(routeSM) } : {}),
      };
      const command =
        r.output.command ??
        deriveCommand(r.output.trajectory, snap, ctx.map, `derived:${inner.name}`, ctx.vehicle);
      const verdict = gate.checkCommand(command, scene, { trajectory: r.output.trajectory });
      const verdicts = { ...state.verdicts, [verdict.decision]: state.verdicts[verdict.decision] + 1 };
      opts.onVerdict?.(snap.tS, verdict, command);
      opts.audit?.append({ tS: snap.tS, inputsDigest: sha256Hex(canonicalJson(snap)), command, verdict });
      const m = mrmStep(state.mrm, { tS: snap.tS, verdict, egoSpeedMps: snap.ego.speedMps }, mrmParams);
      let output: PlanOutput = r.output;
      // the repair and the MRM follow the branch the planner is driving (a junction turn)
      const along = r.output.trajectory;
      if (m.output.active) {
        const stop: MidLevelCommand = {
          ...command,
          speed: 'STOP',
          path: m.output.kind === 'SHOULDER_STOP' ? 'RIGHT_CHANGE' : 'FOLLOW_LANE',
          targetSpeedMps: 0,
          source: `mrm:${m.output.kind}`,
        };
        delete stop.stopAt;
        delete stop.targetLaneId;
        let decel = Math.max(m.output.decelMps2, 0.1);
        // an emergency stop is a commanded deceleration: the tracker is led to brake at it down to
        // the stop (a reference at rest gives at most gain·v near it); a comfortable stop tapers
        if (m.output.kind === 'EMERGENCY_STOP') stop.decelMps2 = decel;
        // this tick's emergency stop moves away from an encroaching vehicle within the lane
        if (stop.path === 'FOLLOW_LANE' && verdict.mrm?.lateralOffsetM !== undefined)
          stop.lateralOffsetM = verdict.mrm.lateralOffsetM;
        else delete stop.lateralOffsetM;
        // the stop eased to b_min is a command of its own: the gate passed the planner's, not it —
        // eased only where the gate passes the eased stop too (the VETO's rate may be what stops
        // short of the conflict it was for: a stopped car 20 m ahead of an ego at 12 m/s)
        let eased = m.output.decelMps2 < m.state.decelMps2 - 1e-9;
        if (eased && m.output.kind === 'EMERGENCY_STOP') {
          stop.decelMps2 = decel;
          // checked on the path it is driven on (the planner's branch at a junction)
          const driven = gate.trajectoryFor(stop, scene, { commandDecelMps2: decel }, along);
          if (gate.checkCommand(stop, scene, { trajectory: driven }).decision !== 'ALLOW') {
            eased = false;
            decel = Math.max(m.state.decelMps2, 0.1);
          }
        }
        if (m.output.kind === 'EMERGENCY_STOP') stop.decelMps2 = decel;
        output = {
          trajectory: gate.trajectoryFor(stop, scene, { commandDecelMps2: decel }, along),
          command: stop,
        };
        // a passed command that brakes harder than the running MRM wins (the MRM never slows a
        // response): a repair, or the planner's own where the stop has eased to b_min below the
        // VETO's rate (only there: a stop at its own rate keeps control over the planner's
        // trajectory, as before — handing it over lost 13 points on CommonRoad USA_Lanker-1_11 and
        // ARG_Carcarana)
        eased &&= verdict.decision === 'ALLOW';
        const passed: PlanOutput | undefined =
          verdict.decision === 'MODIFY' && verdict.modified
            ? {
                trajectory: gate.trajectoryFor(verdict.modified, scene, {}, along),
                command: verdict.modified,
              }
            : eased
              ? r.output
              : undefined;
        if (
          passed &&
          speedAt(passed.trajectory, snap.tS + 1) < speedAt(output.trajectory, snap.tS + 1) - 1e-6
        )
          output = { trajectory: passed.trajectory, command: passed.command ?? command };
      } else if (verdict.decision === 'MODIFY' && verdict.modified) {
        const traj: Trajectory = gate.trajectoryFor(verdict.modified, scene, {}, along);
        output = { trajectory: traj, command: verdict.modified };
      }
      return {
        state: {
          inner: r.state,
          mrm: m.state,
          verdicts,
          agents: agents.state,
          routeSM,
        },
        output: { ...output, verdict },
      };
    },
  };
}

/** Planned speed at time tS (the last point's beyond the end), m/s. */
function speedAt(traj: Trajectory, tS: number): number {
  const pts = traj.points;
  for (const p of pts) if (p.tS >= tS - 1e-9) return p.speedMps;
  return pts.length ? pts[pts.length - 1]!.speedMps : 0;
}
