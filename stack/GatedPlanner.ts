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
import { BRAKING_HISTORY_S, type SpeedSample, speedSampleOf, withSustainedBraking } from './AgentBraking.ts';
import {
  AGENTS_SEEN_INITIAL,
  type AgentsSeen,
  agentsSeenStep,
  CLOCK_NOISE_S,
  clockWentBack,
  withSeenFor,
} from './AgentsSeen.ts';

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
  /** The newest snapshot's time and agent speeds so far (to estimate the agents' accelerations). */
  prev?: SpeedSample;
  /** When each agent was first seen (the gate counts RSS's response time to it from then). */
  seen: AgentsSeen;
  /** Agent speeds of the snapshots before, oldest first, over `BRAKING_HISTORY_S` (sustained braking). */
  history?: SpeedSample[];
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
  return {
    name: `gated(${inner.name})`,
    init(ctx: PlannerContext, first: WorldSnapshot): GatedState<S> {
      return {
        inner: inner.init(ctx, first),
        mrm: MRM_INITIAL,
        seen: AGENTS_SEEN_INITIAL,
        verdicts: { ALLOW: 0, MODIFY: 0, VETO: 0 },
      };
    },
    step(state0: GatedState<S>, snap: WorldSnapshot, ctx: PlannerContext) {
      // a clock that went back: the speeds kept are of another time line (the first sightings
      // start afresh in agentsSeenStep); the route position is tracked on from where it was. A
      // snapshot older than the last by at most maxInputAgeS came late: the history ignores it
      const lateS = gate.params.maxInputAgeS;
      let state = state0;
      if (state0.prev && clockWentBack(state0.prev.tS, snap.tS, lateS)) {
        const { prev: _prev, history: _history, ...rest } = state0;
        state = rest;
      }
      const late = state.prev !== undefined && snap.tS < state.prev.tS - CLOCK_NOISE_S;
      const r = inner.step(state.inner, snap, ctx);
      const routeSM =
        ctx.route.line.length > 0
          ? ctx.route.trackS(snap.ego, state.routeSM ?? Number.NaN, state.prev ? snap.tS - state.prev.tS : 0)
          : Number.NaN;
      const seen = agentsSeenStep(state.seen, snap, gate.params.rssEgo.responseTimeS, lateS);
      const sample = speedSampleOf(snap, ctx.map);
      const scene: SafetyScene = {
        snapshot: withSeenFor(
          withSustainedBraking(withAccelerations(snap, state.prev), state.history ?? [], sample),
          seen,
        ),
        map: ctx.map,
        vehicle: ctx.vehicle,
        ...(Number.isFinite(routeSM) ? { routeIndex: ctx.route.indexAt(routeSM) } : {}),
      };
      const prev = late ? state.prev : sample;
      const history = late
        ? state.history
        : [...(state.history ?? []).filter((h) => snap.tS - h.tS < BRAKING_HISTORY_S - 1e-9), prev!];
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
        const decel = Math.max(m.output.decelMps2, 0.1);
        // an emergency stop is a commanded deceleration: the tracker is led to brake at it down to
        // the stop (a reference at rest gives at most gain·v near it); a comfortable stop tapers
        if (m.output.kind === 'EMERGENCY_STOP') stop.decelMps2 = decel;
        // this tick's emergency stop moves away from an encroaching vehicle within the lane
        if (stop.path === 'FOLLOW_LANE' && verdict.mrm?.lateralOffsetM !== undefined)
          stop.lateralOffsetM = verdict.mrm.lateralOffsetM;
        else delete stop.lateralOffsetM;
        output = {
          trajectory: gate.trajectoryFor(stop, scene, { commandDecelMps2: decel }, along),
          command: stop,
        };
        if (verdict.decision === 'MODIFY' && verdict.modified) {
          // a repair that brakes harder than the running MRM wins (the MRM never slows a response)
          const repaired = gate.trajectoryFor(verdict.modified, scene, {}, along);
          if (speedAt(repaired, snap.tS + 1) < speedAt(output.trajectory, snap.tS + 1) - 1e-6)
            output = { trajectory: repaired, command: verdict.modified };
        }
      } else if (verdict.decision === 'MODIFY' && verdict.modified) {
        const traj: Trajectory = gate.trajectoryFor(verdict.modified, scene, {}, along);
        output = { trajectory: traj, command: verdict.modified };
      }
      return {
        state: {
          inner: r.state,
          mrm: m.state,
          verdicts,
          seen,
          routeSM,
          ...(prev ? { prev } : {}),
          ...(history ? { history } : {}),
        },
        output: { ...output, verdict },
      };
    },
  };
}

/**
 * The snapshot with each agent's acceleration (m/s²) estimated from its speed in `prev` (an older
 * snapshot's speeds; agents not in it, or no older one, are left as they are). A value the agent
 * carries already (a tracker's) is kept only up to this estimate: the smaller of the two. The gate
 * grants a lead "known not to brake" (`accelMps2` ≥ −comfortLeadDecel) the relaxed, ramped RSS
 * response on the strength of this value, which no outside source can vouch for alone (the trust
 * rule of `seenForS` and `sustainedDecelMps2`); without an estimate of its own the supplied value
 * stands (as the gate's other inputs from the tracker do).
 */
export function withAccelerations(
  snap: WorldSnapshot,
  prev: { tS: number; speeds: Map<string, number> } | undefined,
): WorldSnapshot {
  if (!prev) return snap;
  const dt = snap.tS - prev.tS;
  if (!(dt > 1e-6)) return snap;
  let changed = false;
  const agents = snap.agents.map((a) => {
    const v0 = prev.speeds.get(a.id);
    if (v0 === undefined) return a;
    const own = (a.speedMps - v0) / dt;
    if (a.accelMps2 !== undefined && a.accelMps2 <= own) return a;
    changed = true;
    return { ...a, accelMps2: own };
  });
  return changed ? { ...snap, agents } : snap;
}

/** Planned speed at time tS (the last point's beyond the end), m/s. */
function speedAt(traj: Trajectory, tS: number): number {
  const pts = traj.points;
  for (const p of pts) if (p.tS >= tS - 1e-9) return p.speedMps;
  return pts.length ? pts[pts.length - 1]!.speedMps : 0;
}
