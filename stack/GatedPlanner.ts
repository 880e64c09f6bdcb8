/**
 * A Planner that runs an inner planner and puts the safety gate between it and the controller:
 * every tick the inner output (its command, or the command derived from its trajectory, and its
 * trajectory) is checked; MODIFY substitutes the modified command's roll-out, VETO starts the
 * minimal-risk manoeuvre, which then drives until it has succeeded. Verdicts go to the optional
 * audit log. The closed-loop engine runs it like any planner (gate on vs off, unchanged engine).
 */
import type { Driven, MidLevelCommand, Trajectory, Verdict, WorldSnapshot } from '../core/index.ts';
import type { Planner, PlannerContext, PlanOutput } from '../planner/index.ts';
import type { AuditLog } from '../safety/AuditLog.ts';
import { CanonicalJsonWriter } from '../safety/canonicalJson.ts';
import { deriveCommand } from '../safety/deriveCommand.ts';
import { egoLaneOccupied } from '../safety/egoLaneOccupied.ts';
import {
  brakesHarder,
  commandRate,
  MRM_INITIAL,
  type MrmParams,
  MrmParamsSchema,
  type MrmState,
  mrmChallenger,
  mrmDrive,
  mrmStep,
} from '../safety/Mrm.ts';
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
  /** The audited snapshot's canonical JSON, as bytes in a buffer kept from digest to digest. */
  const canonical = opts.audit ? new CanonicalJsonWriter() : undefined;
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
      const m = mrmStep(state.mrm, { tS: snap.tS, verdict, egoSpeedMps: snap.ego.speedMps }, mrmParams);
      // the repair and the MRM follow the branch the planner is driving (a junction turn)
      const along = r.output.trajectory;
      // the eased stop is checked on the path it is driven on (the planner's branch at a junction)
      const { drive, stop } = mrmDrive(
        m,
        state.mrm,
        verdict,
        command,
        (eased, decelMps2) =>
          gate.checkCommand(eased, scene, {
            trajectory: gate.trajectoryFor(eased, scene, { commandDecelMps2: decelMps2 }, along),
          }).decision === 'ALLOW',
        () => !egoLaneOccupied(scene),
      );
      let output: PlanOutput = r.output;
      let driven: Driven = { reason: drive.reason, command, ...commandRate(command) };
      if (stop) {
        output = {
          trajectory: gate.trajectoryFor(stop, scene, { commandDecelMps2: drive.decelMps2 }, along),
          command: stop,
        };
        driven = { reason: drive.reason, command: stop, decelMps2: drive.decelMps2 };
        const challenger = mrmChallenger(drive, verdict, command);
        const passed: PlanOutput | undefined = challenger?.repair
          ? {
              trajectory: gate.trajectoryFor(challenger.command, scene, {}, along),
              command: challenger.command,
            }
          : challenger
            ? r.output
            : undefined;
        if (challenger && passed && brakesHarder(passed.trajectory, output.trajectory, snap.tS)) {
          output = { trajectory: passed.trajectory, command: passed.command ?? command };
          driven = {
            reason: 'HARDER_COMMAND',
            command: challenger.command,
            ...commandRate(challenger.command),
          };
        }
      } else if (verdict.decision === 'MODIFY' && verdict.modified) {
        const traj: Trajectory = gate.trajectoryFor(verdict.modified, scene, {}, along);
        output = { trajectory: traj, command: verdict.modified };
        driven = { reason: drive.reason, command: verdict.modified, ...commandRate(verdict.modified) };
      }
      opts.audit?.append({
        tS: snap.tS,
        inputsDigest: canonical!.digest(snap),
        command,
        verdict,
        driven,
      });
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
