/**
 * The tick pipeline: perception → planner (mid-level commands) → safety gate → controller
 * (controls) → control-level check → actuator. The plan loop runs apart from the control loop:
 * `tick` is one control step and never waits for a plan; a plan is started when one is due and
 * none is in flight, and its command is gated when it lands. The controller keeps executing the
 * last allowed command until it expires (then a controlled stop) or a new one is allowed, and the
 * gate re-checks the command in force at every control step as well as every new command.
 *
 * Two clocks: `sim` (deterministic) — a plan's result lands at its request time plus the modelled
 * latency `planLatencyS`, and the simulator awaits `settle()` before advancing time, so a run
 * replays bit for bit whatever the planner's wall time; `realtime` — results land on the first
 * control step after their promise resolves (bridges).
 */
import { z } from 'zod';
import {
  type Control,
  DEFAULT_COMMAND_LIFETIME_S,
  type Driven,
  type LlmCallRecord,
  type MidLevelCommand,
  type Trajectory,
  type Verdict,
  type WorldSnapshot,
} from '../core/index.ts';
import type {
  CommandController,
  CommandPlan,
  CommandPlanner,
  CommandPlanStep,
  ControllerInfo,
  PlannerContext,
  PlanRequest,
} from '../core/planning/index.ts';
import type { SceneContextData } from '../core/sceneContext.ts';
import {
  type AuditLog,
  brakesHarder,
  CanonicalJsonWriter,
  commandRate,
  egoLaneOccupied,
  MRM_INITIAL,
  type MrmDrive,
  type MrmParams,
  MrmParamsSchema,
  type MrmState,
  mrmChallenger,
  mrmDrive,
  mrmStep,
  mrmStopCommand,
  type SafetyGate,
  type SafetyScene,
} from '../safety/index.ts';
import {
  AGENT_HISTORY_INITIAL,
  type AgentHistory,
  agentHistoryParams,
  agentHistoryStep,
  agentSightingsStep,
} from './AgentHistory.ts';

export const StackRatesSchema = z.object({
  /** Plan loop rate, Hz (PlanAgent / nuPlan: 10 Hz). */
  planHz: z.number().positive().max(100).default(10),
  /** Control loop rate, Hz (20–50 Hz on embedded CPUs). */
  controlHz: z.number().positive().max(1000).default(20),
  /** Clock `sim`: modelled time from a plan's request to its command being available, s. */
  planLatencyS: z.number().nonnegative().default(0),
  /** Lifetime given to commands that carry none beyond their issue time, s. */
  commandLifetimeS: z.number().positive().default(DEFAULT_COMMAND_LIFETIME_S),
  /** Deceleration of the controlled stop when the command in force expires, m/s². */
  expiryDecelMps2: z.number().positive().default(2),
  /** Re-plans (with the gate's reasons) allowed right after a veto, per plan. */
  maxReplans: z.number().int().nonnegative().default(1),
});
export type StackRates = z.infer<typeof StackRatesSchema>;

/**
 * A planner's roll-out (`CommandPlan.trajectory`) judges the re-checks of its command while it is
 * at most this old, s: one plan period at 10 Hz and a control step. The roll-out covers the gate's
 * horizon from the plan's time (the controller's roll-out 4 s, the gate's horizon), so an older one
 * would leave the horizon's end standing at its last pose; a command that outlives it (a slow or failed
 * planner) is re-checked on the gate's own roll-out, as before.
 */
export const PLAN_ROLLOUT_MAX_AGE_S = 0.15;

/** What the stack needs of perception: the environment transform of one snapshot. */
export interface Perception {
  /**
   * `prevEgoLaneId`: the ego lane of the previous scene (the stack's state), for lane continuity;
   * `routeIndex`: the ego's route position the stack tracks (which occurrence of a lane the route
   * uses twice the ego is at).
   */
  transform(
    snap: WorldSnapshot,
    route: WorldSnapshot['route'],
    prevEgoLaneId?: string,
    routeIndex?: number,
  ): SceneContextData;
  /** The last transform's BEV as PNG (encoded on demand). */
  png?(): Uint8Array;
}

export interface StackOptions {
  name?: string;
  perception?: Perception;
  planner: CommandPlanner;
  gate: SafetyGate;
  controller: CommandController;
  audit?: AuditLog;
  rates?: Partial<StackRates>;
  mrm?: Partial<MrmParams>;
  clock?: 'sim' | 'realtime';
}

/** One control step's output. */
export interface StackTick {
  control: Control;
  /** The command the controller executed (the planner's, its repair, an MRM or expiry stop). */
  command: MidLevelCommand;
  /** The newest verdict (on a new command or the re-check of the command in force). */
  verdict: Verdict | undefined;
  controllerInfo: ControllerInfo;
  /** The control-level check's verdict when it changed the control. */
  controlVerdict?: Verdict;
  /** A new command was gated at this step. */
  planned: boolean;
  /** The minimal-risk manoeuvre's stop is driven (a passed command that brakes harder is not). */
  mrm: boolean;
  /**
   * What is driven and why (`command` with its braking rate and the reason: the checked command, its
   * repair, the MRM's stop held, eased to b_min or released, a harder passed command, the stack's stop).
   */
  driven: Driven;
  /** The command in force had expired (controlled stop). */
  expired: boolean;
  /** A plan that landed at this step failed (the planner threw or rejected): its message. */
  plannerError?: string;
  /**
   * The planner's commands the gate vetoed at this step (a vetoed command never drives, so no tick
   * shows it otherwise): its issue time, source and the rules that vetoed it.
   */
  vetoed?: VetoedCommand[];
  /** The diagnostics (`CommandPlan.info`) of each plan gated at this step, in order (a re-plan is a second). */
  plans?: NonNullable<CommandPlan['info']>[];
  /** The model calls behind the plans gated at this step (LLM-driven plans). */
  llm?: LlmCallRecord[];
}

/** A planner command the gate vetoed: when it was issued, by what, and the rules that failed. */
export interface VetoedCommand {
  issuedAtS: number;
  source: string;
  rules: string[];
}

export interface StackStats {
  plans: number;
  replans: number;
  /** Commands that landed from the planner and were gated. */
  commands: number;
  controlSteps: number;
  verdicts: { ALLOW: number; MODIFY: number; VETO: number };
  expiredSteps: number;
  controlClamps: number;
  plannerErrors: number;
  /**
   * Snapshots whose clock had gone back by more than the gate's `maxInputAgeS` (a replay restarted,
   * a simulator reset): the stack started afresh on each, as `init` does.
   */
  clockRestarts: number;
  /** The newest planner failure, with the simulated time its plan was requested. */
  lastPlannerError?: { tS: number; message: string };
}

export interface Stack {
  readonly name: string;
  readonly rates: StackRates;
  readonly stats: StackStats;
  init(ctx: PlannerContext, first: WorldSnapshot): void;
  /** One control step at `snap.tS`; never waits for the planner. */
  tick(snap: WorldSnapshot): StackTick;
  /** Resolves when every plan started so far has landed (the simulator calls it before advancing time). */
  settle(): Promise<void>;
  /** True while a plan is in flight. */
  readonly planning: boolean;
}

interface Landed {
  readyAtS: number;
  plan: CommandPlan | undefined;
  error?: string;
  feedback: boolean;
}

/** Builds a stack; rates and MRM params are validated (invalid values throw: a programming error). */
export function createStack(opts: StackOptions): Stack {
  const rates = StackRatesSchema.parse(opts.rates ?? {});
  const mrmParams = MrmParamsSchema.parse(opts.mrm ?? {});
  const clock = opts.clock ?? 'sim';
  const { planner, gate, controller, audit, perception } = opts;
  const planPeriodS = 1 / rates.planHz;
  const controlPeriodS = 1 / rates.controlHz;
  const stats: StackStats = {
    plans: 0,
    replans: 0,
    commands: 0,
    controlSteps: 0,
    verdicts: { ALLOW: 0, MODIFY: 0, VETO: 0 },
    expiredSteps: 0,
    controlClamps: 0,
    plannerErrors: 0,
    clockRestarts: 0,
  };
  let ctx: PlannerContext | undefined;
  let plannerState: unknown;
  let controllerState: unknown;
  /** The acceleration of the control the control-level check passed last, m/s² (its jerk bound; none after a (re)start). */
  let lastControlAccelMps2: number | undefined;
  let nextPlanS = 0;
  let inFlight: Promise<void> | undefined;
  /** A plan started before the clock went back, still running: no new plan starts beside it. */
  let orphan: Promise<void> | undefined;
  /** Commands gated since the last (re)start: before the first, the fallback stop is no expiry. */
  let commandsSinceStart = 0;
  let landed: Landed | undefined;
  /** The message of a failed plan that landed during the current tick. */
  let failedPlan: string | undefined;
  /**
   * The planner's command (or its repair) the gate last allowed; re-checked every step. A planner's
   * command keeps the roll-out it was planned with (`trajectory`: what the controller will do with
   * it, reflection's roll-out), and every re-check judges that, as the check that passed it did: the
   * gate's own kinematic roll-out, judged in between, read the controller's join of a lane 0.6 rad
   * off the ego's heading as 7.5–9.8 m/s² sideways, and ACCELERATE (passed on the plan's roll-out)
   * and its repair to DECELERATE alternated every control step for 0.6 s (CommonRoad USA_Lanker-1_11_T-1).
   */
  let proposed:
    | { command: MidLevelCommand; decision: Verdict['decision']; trajectory?: Trajectory }
    | undefined;
  let lastVerdict: Verdict | undefined;
  /** The planner's commands vetoed at the current control step (StackTick.vetoed). */
  let vetoedNow: VetoedCommand[] | undefined;
  /** The diagnostics of the plans gated at the current control step (StackTick.plans). */
  let plansNow: NonNullable<CommandPlan['info']>[] | undefined;
  /** The model calls behind the plans gated at the current control step (StackTick.llm). */
  let llmNow: LlmCallRecord[] | undefined;
  let mrm: MrmState = MRM_INITIAL;
  /**
   * What the last check left driving (`mrmDrive`): the MRM's stop, its rate and why, or the reason the
   * command in force drives; `yielded`: a passed command brakes harder than the stop and drives.
   * Kept between checks (control steps with no new snapshot to check, or no command in force).
   */
  let lastDrive: { drive: MrmDrive; yielded: boolean } | undefined;
  let replansLeft = rates.maxReplans;
  let lastCheckedS = Number.NaN;
  /** The newest snapshot time ticked; a snapshot older by more than `lateS` restarts the stack. */
  let lastTickS = Number.NaN;
  /** Counts restarts: a plan started before one lands into nothing. */
  let epoch = 0;

  const landedBy = (tS: number): boolean => landed !== undefined && landed.readyAtS <= tS + 1e-9;
  /**
   * The ego's route position, tracked along the route's reference path (`Polyline.track`: near the
   * last estimate, so a route that passes over or along itself keeps the pass the ego is on) and
   * handed to perception, the gate and the controller: where the route uses a lane twice, the
   * route position says which occurrence the ego is at.
   */
  const route = { sM: Number.NaN, tS: Number.NaN, index: undefined as number | undefined };
  const trackRoute = (snap: WorldSnapshot): void => {
    if (snap.tS <= route.tS) return; // the same snapshot, or a late one: the estimate stands
    if (ctx!.route.line.length <= 0) return;
    const dt = Number.isFinite(route.tS) ? snap.tS - route.tS : 0;
    route.sM = ctx!.route.trackS(snap.ego, route.sM, dt);
    route.tS = snap.tS;
    route.index = ctx!.route.indexAt(route.sM);
  };
  /**
   * The agents' first sightings, stepped on every new snapshot (not only those the gate checks: the
   * gate counts RSS's response time to a newly perceived agent from then), and their speeds, stepped
   * on each snapshot the gate checks (`agentHistoryStep` at control rate: accelerations over at
   * least `ACCEL_WINDOW_S`, sustained braking), so that the gate knows a lead that does not brake
   * and a car braking for its light.
   */
  const historyParams = agentHistoryParams(gate.params, 'control');
  let agents: AgentHistory = AGENT_HISTORY_INITIAL;
  let gateSnap: { from: WorldSnapshot; to: WorldSnapshot } | undefined;
  const sceneOf = (snap: WorldSnapshot): SafetyScene => {
    if (gateSnap?.from !== snap) {
      const r = agentHistoryStep(agents, snap, ctx!.map, historyParams);
      agents = r.state;
      gateSnap = { from: snap, to: r.gateSnapshot };
    }
    return {
      snapshot: gateSnap.to,
      map: ctx!.map,
      vehicle: ctx!.vehicle,
      ...(route.index !== undefined ? { routeIndex: route.index } : {}),
    };
  };

  /**
   * One check: counts and keeps the verdict, updates the command in force (`recheck`: an ALLOW of the
   * command in force keeps it as it is), steps the MRM and decides what is driven — the same
   * `mrmStep` + `mrmDrive` as the simulator's gated planner: the stop eased to b_min where the gate
   * passes the eased stop (checked on the gate's own roll-out of it: the controller executes it along
   * the lane), a passed command that brakes harder taking over — and audits it with what is driven.
   * `superseded`: a planner's command refused and re-planned on the same tick — counted and audited
   * (without `driven`), nothing else: the re-plan's check takes over.
   */
  /**
   * The audit's digest of a snapshot: the one of the last snapshot digested is kept, since a plan
   * step audits the same snapshot more than once (a superseded command and its re-plan, a control
   * clamp); `tick` forgets it, so a snapshot object reused from tick to tick is digested afresh.
   */
  let digested: { snap: WorldSnapshot; digest: string } | undefined;
  /** The snapshot's canonical JSON, as bytes in a buffer kept from digest to digest. */
  const canonical = new CanonicalJsonWriter();
  const inputsDigest = (snap: WorldSnapshot): string => {
    if (digested?.snap !== snap) digested = { snap, digest: canonical.digest(snap) };
    return digested.digest;
  };
  const record = (
    snap: WorldSnapshot,
    command: MidLevelCommand,
    verdict: Verdict,
    recheck = false,
    llm?: LlmCallRecord[],
    superseded = false,
    trajectory?: Trajectory,
  ): void => {
    stats.verdicts[verdict.decision]++;
    lastVerdict = verdict;
    if (!recheck && verdict.decision === 'VETO')
      (vetoedNow ??= []).push({
        issuedAtS: command.issuedAtS,
        source: command.source,
        rules: [...new Set(verdict.rules.filter((r) => r.decision !== 'ALLOW').map((r) => r.rule))],
      });
    if (superseded) {
      // audited without `driven`: the re-plan's record, same time, says what was driven
      audit?.append({
        tS: snap.tS,
        inputsDigest: inputsDigest(snap),
        command,
        verdict,
        ...(llm && llm.length > 0 ? { llm } : {}),
      });
      return;
    }
    if (verdict.decision === 'ALLOW') {
      if (!recheck) proposed = { command, decision: 'ALLOW', ...(trajectory ? { trajectory } : {}) };
    } else if (verdict.decision === 'MODIFY' && verdict.modified)
      proposed = { command: verdict.modified, decision: 'MODIFY' };
    else proposed = undefined;
    const scene = sceneOf(snap);
    // the gate passing a repair in force again is no all-clear: the planner's own command still
    // needs repairing (the gated planner checks the planner's command and gets MODIFY); taken as an
    // ALLOW it eased the stop to b_min every other control step (review 8)
    const mrmVerdict: Verdict =
      recheck && proposed?.decision === 'MODIFY' && verdict.decision === 'ALLOW'
        ? { ...verdict, decision: 'MODIFY' }
        : verdict;
    const m = mrmStep(mrm, { tS: snap.tS, verdict: mrmVerdict, egoSpeedMps: snap.ego.speedMps }, mrmParams);
    const { drive, stop } = mrmDrive(
      m,
      mrm,
      mrmVerdict,
      mrmTemplate(snap, m.state),
      (eased) => gate.checkCommand(eased, scene).decision === 'ALLOW',
      () => !egoLaneOccupied(scene),
    );
    mrm = m.state;
    let yielded = false;
    const challenger = mrmChallenger(drive, verdict, command, recheck && proposed?.decision === 'MODIFY');
    if (stop && challenger && proposed) {
      const stopTraj = gate.trajectoryFor(stop, scene, { commandDecelMps2: drive.decelMps2 });
      const passedTraj = gate.trajectoryFor(challenger.command, scene);
      yielded = brakesHarder(passedTraj, stopTraj, snap.tS);
    }
    lastDrive = { drive, yielded };
    audit?.append({
      tS: snap.tS,
      inputsDigest: inputsDigest(snap),
      command,
      verdict,
      driven: drivenNow(snap),
      ...(llm && llm.length > 0 ? { llm } : {}),
    });
  };

  /** The fields an MRM stop takes from the stack (now, its lifetime, a 5 s horizon) and, for a comfortable stop, the MRM's rate. */
  const mrmTemplate = (snap: WorldSnapshot, s: MrmState): MidLevelCommand =>
    stopCommand(snap, `mrm:${s.kind}`, s.decelMps2);

  /** What the stack drives at `snap` after the last check: the MRM's stop, the command in force, or its own stop. */
  const drivenNow = (snap: WorldSnapshot): Driven => {
    const d = lastDrive;
    if (d?.drive.active && mrm.mode !== 'NORMAL') {
      if (d.yielded && proposed)
        return { reason: 'HARDER_COMMAND', command: proposed.command, ...commandRate(proposed.command) };
      return {
        reason: d.drive.reason,
        command: mrmStopCommand(mrmTemplate(snap, mrm), d.drive),
        decelMps2: d.drive.decelMps2,
      };
    }
    if (proposed)
      return {
        reason: d && !d.drive.active ? d.drive.reason : proposed.decision === 'MODIFY' ? 'REPAIR' : 'COMMAND',
        command: proposed.command,
        ...commandRate(proposed.command),
      };
    const source = commandsSinceStart > 0 ? 'stack:expired' : 'stack:no-command';
    const stop = stopCommand(snap, source, rates.expiryDecelMps2);
    return { reason: 'STACK_STOP', command: stop, decelMps2: stop.decelMps2! };
  };

  /** Starts a plan; in the sim clock a synchronous planner's result is stored at once. */
  /** The ego lane of the last scene (perception's continuity hint). */
  let egoLaneId: string | undefined;
  const startPlan = (snap: WorldSnapshot, feedback?: PlanRequest['feedback']): void => {
    stats.plans++;
    if (feedback) stats.replans++;
    const req: PlanRequest = { snapshot: snap };
    if (perception) {
      req.scene = perception.transform(snap, snap.route, egoLaneId, route.index);
      egoLaneId = req.scene.laneGraph.egoLane?.laneId;
      if (perception.png) req.bevPng = () => perception.png!();
    }
    if (feedback) req.feedback = feedback;
    const requestedAtS = snap.tS;
    const startedIn = epoch;
    const land = (step: CommandPlanStep<unknown> | undefined, error?: string): void => {
      if (startedIn !== epoch) return; // started before the clock went back: its world is gone
      if (step) plannerState = step.state;
      else {
        stats.plannerErrors++;
        stats.lastPlannerError = { tS: requestedAtS, message: error ?? 'planner failed' };
      }
      landed = {
        readyAtS: clock === 'sim' ? requestedAtS + rates.planLatencyS : Number.NEGATIVE_INFINITY,
        plan: step?.output,
        feedback: feedback !== undefined,
        ...(error ? { error } : {}),
      };
    };
    let r: CommandPlanStep<unknown> | Promise<CommandPlanStep<unknown>>;
    try {
      r = planner.plan(plannerState, req, ctx!);
    } catch (e) {
      land(undefined, (e as Error).message);
      return;
    }
    if (r instanceof Promise) {
      const p: Promise<void> = r
        .then(
          (step) => land(step),
          (e: unknown) => land(undefined, e instanceof Error ? e.message : String(e)),
        )
        .finally(() => {
          if (inFlight === p) inFlight = undefined;
          if (orphan === p) orphan = undefined;
        });
      inFlight = p;
    } else {
      land(r);
    }
  };

  /** Gates a landed command; a veto asks for one re-plan with the gate's reasons. */
  const accept = (snap: WorldSnapshot): void => {
    const l = landed!;
    landed = undefined;
    if (!l.plan) {
      // planner failed: keep the command in force (it expires on its own), say so on this tick
      failedPlan = l.error ?? 'planner failed';
      return;
    }
    stats.commands++;
    commandsSinceStart++;
    if (l.plan.info) (plansNow ??= []).push(l.plan.info);
    if (l.plan.llm && l.plan.llm.length > 0) (llmNow ??= []).push(...l.plan.llm);
    let command = l.plan.command;
    if (!(command.expiresAtS > command.issuedAtS))
      command = { ...command, expiresAtS: command.issuedAtS + rates.commandLifetimeS };
    const verdict = gate.checkCommand(
      command,
      sceneOf(snap),
      l.plan.trajectory ? { trajectory: l.plan.trajectory } : {},
    );
    lastCheckedS = snap.tS;
    if (verdict.decision !== 'ALLOW' && replansLeft > 0) {
      replansLeft--;
      startPlan(snap, { command, verdict });
      // A re-plan that lands on this tick supersedes the refused command before anything drives it:
      // its own check decides what is driven and steps the minimal-risk stop. A proposal refused and
      // replaced at once left no moment without a passed command, so it starts no MRM (it did: a
      // LEFT_CHANGE refused over a solid line at t = 0, re-planned as a passed FOLLOW_LANE, held
      // the comfortable stop's release wait, braking at 1 m/s² for the first 0.5 s of CommonRoad
      // USA_Lanker-1_11). A re-plan still running (a model's, the realtime clock) leaves the refusal
      // in force meanwhile: that check steps the MRM as any other.
      if (landedBy(snap.tS)) {
        record(snap, command, verdict, false, l.plan.llm, true);
        accept(snap);
        return;
      }
    }
    record(snap, command, verdict, false, l.plan.llm, false, l.plan.trajectory);
  };

  const stopCommand = (
    snap: WorldSnapshot,
    source: string,
    decelMps2: number,
    shoulder = false,
  ): MidLevelCommand => ({
    speed: 'STOP',
    path: shoulder ? 'RIGHT_CHANGE' : 'FOLLOW_LANE',
    targetSpeedMps: 0,
    decelMps2: Math.max(0.1, Math.min(12, decelMps2)),
    horizonS: 5,
    rationale: source,
    issuedAtS: snap.tS,
    expiresAtS: snap.tS + rates.commandLifetimeS,
    source,
  });

  /** A fresh start at `first`: what `init` does, and a tick whose clock went back. */
  const start = (first: WorldSnapshot): void => {
    epoch++;
    // a plan still running lands into nothing (`epoch`); kept aside, so that no second plan runs
    // beside it (one planner, one request at a time) and `settle` still waits for it
    if (inFlight) orphan = inFlight;
    inFlight = undefined;
    commandsSinceStart = 0;
    landed = undefined;
    failedPlan = undefined;
    proposed = undefined;
    lastVerdict = undefined;
    mrm = MRM_INITIAL;
    lastDrive = undefined;
    replansLeft = rates.maxReplans;
    lastCheckedS = Number.NaN;
    lastTickS = first.tS;
    egoLaneId = undefined;
    route.sM = Number.NaN;
    route.tS = Number.NaN;
    route.index = undefined;
    agents = AGENT_HISTORY_INITIAL;
    gateSnap = undefined;
    plannerState = planner.init(ctx!, first);
    controllerState = controller.init(ctx!);
    lastControlAccelMps2 = undefined;
    nextPlanS = first.tS;
  };

  return {
    name: opts.name ?? `stack(${planner.name}, ${controller.name})`,
    rates,
    stats,
    get planning() {
      return inFlight !== undefined || orphan !== undefined;
    },
    init(c: PlannerContext, first: WorldSnapshot): void {
      ctx = c;
      start(first);
    },
    tick(snap: WorldSnapshot): StackTick {
      if (!ctx) throw new Error('stack.tick before init');
      // (a caller may hand the same object in again changed: digests are kept within a tick only)
      digested = undefined;
      const tS = snap.tS;
      if (tS < lastTickS - historyParams.lateS - 1e-9) {
        // The clock went back (a replay restarted, the simulator was reset): every time the stack
        // holds — the next plan, the command in force and its expiry, the MRM's timers, the route
        // position — belongs to the old run, and kept, it would hold the planner off until the clock
        // caught up. Start afresh, as init does. A snapshot late by less is only stale.
        stats.clockRestarts++;
        start(snap);
      }
      if (!(tS <= lastTickS)) lastTickS = tS;
      trackRoute(snap);
      agents = agentSightingsStep(agents, snap, historyParams);
      let planned = false;
      failedPlan = undefined;
      vetoedNow = undefined;
      plansNow = undefined;
      llmNow = undefined;
      // 1. a plan that has landed is gated now
      if (landedBy(tS)) {
        accept(snap);
        planned = true;
      }
      // 2. start the next plan when due (never two at once)
      if (tS >= nextPlanS - 1e-9 && !inFlight && !orphan && !landed) {
        replansLeft = rates.maxReplans;
        while (nextPlanS <= tS + 1e-9) nextPlanS = Math.round((nextPlanS + planPeriodS) * 1e9) / 1e9;
        startPlan(snap);
        if (landedBy(tS)) {
          accept(snap);
          planned = true;
        }
      }
      // 3. the command in force: re-checked at every control step on a new snapshot
      let expired = false;
      if (proposed && tS > proposed.command.expiresAtS + 1e-9) {
        proposed = undefined;
        expired = true;
      }
      if (proposed && !(tS === lastCheckedS)) {
        const plan = proposed.trajectory;
        const fresh =
          plan && tS - (plan.points[0]?.tS ?? Number.NEGATIVE_INFINITY) <= PLAN_ROLLOUT_MAX_AGE_S + 1e-9;
        const verdict = gate.checkCommand(proposed.command, sceneOf(snap), fresh ? { trajectory: plan } : {});
        record(snap, proposed.command, verdict, true);
        lastCheckedS = tS;
      }
      const driven = drivenNow(snap);
      const command = driven.command;
      const mrmActive = driven.reason.startsWith('MRM_') && driven.reason !== 'MRM_RELEASED';
      if (driven.reason === 'STACK_STOP' && commandsSinceStart > 0) expired = true;
      if (expired) stats.expiredSteps++;
      // 4. the controller, then the control-level check
      const step = controller.step(
        controllerState,
        {
          ego: snap.ego,
          command,
          snapshot: snap,
          dtS: controlPeriodS,
          ...(route.index !== undefined ? { routeIndex: route.index } : {}),
        },
        ctx,
      );
      controllerState = step.state;
      const cc = gate.checkControl(step.control, snap.ego, {
        vehicle: ctx.vehicle,
        nowS: tS,
        dtS: controlPeriodS,
        ...(lastControlAccelMps2 !== undefined ? { prevAccelMps2: lastControlAccelMps2 } : {}),
      });
      lastControlAccelMps2 = cc.control.kind === 'ackermann' ? cc.control.accelMps2 : undefined;
      stats.controlSteps++;
      const out: StackTick = {
        control: cc.control,
        command,
        verdict: lastVerdict,
        controllerInfo: step.info,
        planned,
        mrm: mrmActive,
        driven,
        expired,
      };
      if (failedPlan !== undefined) out.plannerError = failedPlan;
      if (vetoedNow) out.vetoed = vetoedNow;
      if (plansNow) out.plans = plansNow;
      if (llmNow) out.llm = llmNow;
      if (cc.verdict.decision !== 'ALLOW') {
        stats.controlClamps++;
        out.controlVerdict = cc.verdict;
        audit?.append({ tS, inputsDigest: inputsDigest(snap), command, verdict: cc.verdict });
      }
      return out;
    },
    async settle(): Promise<void> {
      while (inFlight || orphan) await (inFlight ?? orphan);
    },
  };
}
