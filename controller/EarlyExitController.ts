/**
 * The early-exit controller: features of the command and the scene → the multi-exit ONNX policy
 * (PolicyRunner) → a control. `early-exit` stops at the first exit whose action agrees with the
 * previous exit's within the threshold calibrated to the user's budget (DeeR-VLA); `full-depth`
 * always runs every block. A control that is NaN, beyond the platform's limits, or that the model
 * could not produce (missing files, load failure, timeout) is never returned: the classical tracker
 * takes over and `info.fallback` says why. A command that asks for braking at the platform's limit
 * (an emergency stop: `atBrakingLimit`) is executed by the classical tracker by design, not by the
 * network (`info.verifiedPath`). The stack's control-level check runs after either.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrenetPoint, MidLevelCommand, Pose, VehicleParams } from '../core/index.ts';
import type {
  CommandController,
  ControllerInfo,
  ControlRequest,
  ControlStep,
  PlannerContext,
} from '../core/planning/index.ts';
import { type Budget, type Calibration, calibrate, type LatencyModel } from './Budget.ts';
import {
  GOVERNOR_START,
  type GovernorParams,
  GovernorParamsSchema,
  type GovernorState,
  governedThresholds,
  governorAfter,
} from './BudgetGovernor.ts';
import {
  type ClassicalParams,
  ClassicalParamsSchema,
  type ClassicalState,
  createClassicalController,
} from './ClassicalController.ts';
import {
  ACCEL_SCALE_MPS2,
  actionToControl,
  FEATURE_DIM,
  featuresFor,
  initialReference,
  STEER_SCALE_RAD,
} from './Features.ts';
import type { PolicyRunner } from './PolicyRunner.ts';

export interface EarlyExitOptions {
  runner: PolicyRunner;
  /** 'early' = DeeR exits under `budget`; 'full' = every block. */
  mode: 'early' | 'full';
  budget?: Budget;
  classical?: Partial<ClassicalParams>;
  /** Wait for a policy step at most this long before falling back, ms. */
  timeoutMs?: number;
  /** p99 budgets: on-core times of full-depth steps in this closed loop, ms (calibrateRunner). */
  stepSamplesMs?: ArrayLike<number>;
  /** The runtime governor of `avg` budgets (BudgetGovernor.ts); `false` = calibrated thresholds alone. */
  governor?: Partial<GovernorParams> | false;
}

export interface EarlyExitState {
  ref: ClassicalState;
  fallback: ClassicalState;
  /** Compute spent so far (avg budgets' governor). */
  governor: GovernorState;
  /**
   * The last step executed a command at the platform's braking limit (`atBrakingLimit`) or the
   * release after one, on the classical tracker.
   */
  afterLimitStop: boolean;
}

/**
 * Calibrates the runner's thresholds for a budget on its committed held-out set. p99 budgets model
 * a step's latency (LatencyModel) from `stepSamplesMs` — on-core times of full-depth steps measured
 * in the closed loop the controller will run in (features, hand-off, every block: e.g. the bench's
 * full-depth row) — or, without them, from the runner's warm probe plus a features allowance; a
 * step that stops at exit k saves the later blocks' median times.
 */
export function calibrateRunner(
  runner: PolicyRunner,
  budget: Budget,
  opts: { stepSamplesMs?: ArrayLike<number> } = {},
): Calibration | undefined {
  const m = runner.manifest;
  if (!m || !runner.ready()) return undefined;
  const buf = readFileSync(join(runner.dir, m.calibration.file));
  const rows = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const exitFlops: number[] = [];
  let acc = 0;
  for (const f of m.blockFlops) exitFlops.push((acc += f));
  const set = { rows, exits: m.blocks, exitFlops };
  return budget.kind === 'p99'
    ? calibrate(set, budget, latencyModel(runner, opts.stepSamplesMs))
    : calibrate(set, budget);
}

/** The p99 budgets' latency model of `runner`'s steps (see calibrateRunner). */
export function latencyModel(runner: PolicyRunner, stepSamplesMs?: ArrayLike<number>): LatencyModel {
  const us = runner.blockMicros();
  const savedMs = us.map((_, k) => us.slice(k + 1).reduce((a, u) => a + u / 1000, 0));
  if (stepSamplesMs && stepSamplesMs.length > 0)
    return { fullDepthMs: Float64Array.from(stepSamplesMs).sort(), savedMs };
  const probe = runner.probeMs();
  if (probe.length > 0) return { fullDepthMs: probe.map((t) => t + FEATURES_MS), savedMs };
  return { fullDepthMs: [HANDOFF_FALLBACK_MS + FEATURES_MS + us.reduce((a, u) => a + u / 1000, 0)], savedMs };
}

/**
 * p99 budgets without a closed-loop profile: the features' allowance added to the probe's runs, ms
 * (the classical tracker's on-core p99 in `npm run bench controller`, 0.08 ms at load 4–7: it
 * computes the same reference), and the hand-off where the scheduler statistics are unavailable.
 */
const HANDOFF_FALLBACK_MS = 0.08;
const FEATURES_MS = 0.1;

/**
 * Tolerance of `atBrakingLimit`, m/s²: the gate rounds an MRM's deceleration to 0.001 m/s² and its
 * braking repairs to 0.01 m/s², so a command at the limit can arrive up to 0.005 below it.
 */
export const BRAKING_LIMIT_TOL_MPS2 = 0.01;

/**
 * True when `command` asks for braking at the platform's limit: a STOP or DECELERATE whose
 * `decelMps2` (the deceleration to apply, core's MidLevelCommand) is at least the vehicle's
 * `maxDecelMps2` (less `BRAKING_LIMIT_TOL_MPS2`). That is how the gate's emergency stop reaches a
 * controller: the stack turns an EMERGENCY_STOP MRM into a STOP with `decelMps2` = the MRM's
 * deceleration, which the gate sets to `maxDecelMps2` unless a follower or a farther conflict lets
 * it brake less. The criterion is the braking asked for, not the command's `source` (a provenance
 * string no contract fixes) nor the MRM kind (which the command does not carry): what a learned policy
 * is not trusted with is the platform's limit, where its training rows are few and its action
 * saturates (the committed network brakes at −4.6 to −6.1 m/s² on an 8 m/s² STOP).
 */
export function atBrakingLimit(command: MidLevelCommand, vehicle: VehicleParams): boolean {
  return (
    (command.speed === 'STOP' || command.speed === 'DECELERATE') &&
    command.decelMps2 !== undefined &&
    command.decelMps2 >= vehicle.maxDecelMps2 - BRAKING_LIMIT_TOL_MPS2
  );
}

/**
 * The deceleration that stops the ego at its STOP's `stopAt`, m/s²: v²/(2d), `stopDistanceM` = d from
 * the front bumper to the point along the path (where the gate puts it); a point at or behind the
 * bumper while moving (> 0.05 m/s, the speed law's standstill) needs +∞. NaN without a stop point.
 *
 * The other way a command asks for the platform's limit: a stop point nearer than the ego can brake
 * for, whatever its `decelMps2` (hierarchical's "wait behind parked_truck in 0.0 m" at 5.2 m/s with
 * `decelMps2` 6 at 13.0 s of `parked_truck_borrow`, one step before the gate's emergency stop; the
 * network went on accelerating, and that step alone put the run's minimum TTC at 0.9 s, under
 * nuPlan's 0.95). Pure kinematics, no margin and no actuator lag: the speed law's own stop branch
 * (its 0.3 m margin and 0.2 s lag, where it asks −v²/0.1) also fires in slow creeps up to a stop
 * line, and handing those to the classical tracker's hard stop cost comfort (measured in
 * controller/README.md).
 */
export function decelToStopAtMps2(command: MidLevelCommand, speedMps: number, stopDistanceM: number): number {
  if (command.speed !== 'STOP' || command.stopAt === undefined || !Number.isFinite(stopDistanceM))
    return Number.NaN;
  if (speedMps <= 0.05) return 0;
  return stopDistanceM <= 0 ? Number.POSITIVE_INFINITY : (speedMps * speedMps) / (2 * stopDistanceM);
}

/** `info.verifiedPath` of a step that `atBrakingLimit` handed to the classical tracker. */
export const EMERGENCY_STOP_PATH = 'braking at the platform limit: classical tracker';
/**
 * `info.verifiedPath` of a step after an `atBrakingLimit` command while the ego still brakes harder
 * than the classical tracker's default braking (`decelDefaultMps2`): after a stop at the limit the
 * ego's own acceleration (a feature) stays near the limit for the actuator's lag, as rare in the
 * network's rows as the command was (hard_braking_lead, avg:55%: the gate's emergency stop released
 * at 0.15 m/s with the ego at −7.56 m/s², and the network's first step asked beyond −maxDecel − 0.5).
 * Not after a stop point beyond reach: that is one step at the limit (the next needs less, the point
 * having come within reach), the ego then at −3.7 m/s² in hard_braking_lead, and holding the
 * classical tracker through the rest of that stop braked it at −5.5 m/s² where the network stayed
 * within nuPlan's comfort bound (the run's CLS-NR 100 → 87.5).
 */
export const LEAVING_LIMIT_STOP_PATH = 'leaving a braking-limit stop: classical tracker';
/** `info.verifiedPath` of a STOP whose point needs the platform's limit (`decelToStopAtMps2`). */
export const STOP_BEYOND_REACH_PATH = 'stop point beyond the platform braking: classical tracker';

/** A fresh early-exit (or full-depth) controller on a loaded runner. */
export function createEarlyExitController(opts: EarlyExitOptions): CommandController<EarlyExitState> {
  const cp = ClassicalParamsSchema.parse(opts.classical ?? {});
  const classical = createClassicalController(opts.classical ?? {});
  const feats = new Float32Array(FEATURE_DIM);
  const scratch: Pose = { x: 0, y: 0, headingRad: 0 };
  const stopProbe: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
  /** Front bumper → the command's stop point along the reference path, m (NaN without one). */
  const stopDistanceM = (ref: ClassicalState, req: ControlRequest, ctx: PlannerContext): number => {
    const at = req.command.stopAt;
    if (!at || !ref.path || !Number.isFinite(ref.sM)) return Number.NaN;
    ref.path.project(at.x, at.y, stopProbe);
    return stopProbe.sM - ref.sM - (ctx.vehicle.rearAxleToCenterM + ctx.vehicle.lengthM / 2);
  };
  const runner = opts.runner;
  const K = runner.manifest?.blocks ?? 0;
  const cum: number[] = [];
  let acc = 0;
  for (const f of runner.manifest?.blockFlops ?? []) cum.push((acc += f));
  const name = opts.mode === 'full' ? 'full-depth' : 'early-exit';
  let thresholds: Float64Array | undefined;
  const budget = opts.mode === 'early' ? opts.budget : undefined;
  const gov =
    budget?.kind === 'avg' && opts.governor !== false
      ? GovernorParamsSchema.parse(opts.governor ?? {})
      : undefined;
  const cumFraction = cum.map((c) => c / (cum[K - 1] ?? 1));
  const governed = new Float64Array(K);
  const thresholdsFor = (): Float64Array => {
    if (!thresholds) {
      const cal =
        opts.mode === 'early' && opts.budget
          ? calibrateRunner(
              runner,
              opts.budget,
              opts.stepSamplesMs ? { stepSamplesMs: opts.stepSamplesMs } : {},
            )
          : undefined;
      thresholds = cal?.thresholds ?? new Float64Array(K);
    }
    return thresholds;
  };
  /** The classical tracker's step, reported with `info` (a fallback's reason or the verified path's). */
  const classicalStep = (
    state: EarlyExitState,
    ref: ClassicalState,
    req: ControlRequest,
    ctx: PlannerContext,
    info: ControllerInfo,
  ): ControlStep<EarlyExitState> => {
    const fb = classical.step({ ...state.fallback, accelMps2: req.ego.accelMps2 }, req, ctx);
    const spent = info.computeFraction ?? 0;
    return {
      state: {
        ref,
        fallback: fb.state,
        governor: gov ? governorAfter(state.governor, spent, gov) : state.governor,
        afterLimitStop:
          info.verifiedPath === EMERGENCY_STOP_PATH || info.verifiedPath === LEAVING_LIMIT_STOP_PATH,
      },
      control: fb.control,
      info,
    };
  };
  const fallbackStep = (
    state: EarlyExitState,
    ref: ClassicalState,
    req: ControlRequest,
    ctx: PlannerContext,
    reason: string,
    extra: Partial<ControllerInfo> = {},
  ): ControlStep<EarlyExitState> =>
    classicalStep(state, ref, req, ctx, {
      controller: name,
      ...extra,
      fallback: reason,
    });
  return {
    name,
    init: (ctx: PlannerContext) => ({
      ref: initialReference(),
      fallback: classical.init(ctx),
      governor: GOVERNOR_START,
      afterLimitStop: false,
    }),
    step(state: EarlyExitState, req: ControlRequest, ctx: PlannerContext): ControlStep<EarlyExitState> {
      // the features' reference state advances at every step, so the network's next step (after
      // the emergency stop is released) sees the same history as if it had run throughout
      const ref = featuresFor(state.ref, req, ctx, cp, feats, scratch);
      // an emergency stop runs on the verified path, the network not run (a minimal-risk manoeuvre
      // must be executed exactly; the network under-brakes there)
      const verifiedPath = atBrakingLimit(req.command, ctx.vehicle)
        ? EMERGENCY_STOP_PATH
        : decelToStopAtMps2(req.command, req.ego.speedMps, stopDistanceM(ref, req, ctx)) >=
            ctx.vehicle.maxDecelMps2 - BRAKING_LIMIT_TOL_MPS2
          ? STOP_BEYOND_REACH_PATH
          : state.afterLimitStop && req.ego.accelMps2 < -cp.decelDefaultMps2
            ? LEAVING_LIMIT_STOP_PATH
            : undefined;
      if (verifiedPath)
        return classicalStep(state, ref, req, ctx, { controller: name, computeFraction: 0, verifiedPath });
      if (!runner.ready())
        return fallbackStep(state, ref, req, ctx, `model unavailable: ${runner.loadError}`);
      let th = thresholdsFor();
      if (gov && budget?.kind === 'avg') {
        governedThresholds(th, cumFraction, budget.fraction, state.governor, gov, governed);
        th = governed;
      }
      const r = runner.run(feats, {
        mode: opts.mode,
        thresholds: th,
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      });
      if (!r.ok) return fallbackStep(state, ref, req, ctx, r.error ?? 'policy failed');
      const info: ControllerInfo = {
        controller: name,
        exit: r.exit,
        exits: K,
        computeFraction: (cum[r.exit - 1] ?? 0) / (cum[K - 1] ?? 1),
        agreement: r.agreement,
      };
      const a0 = r.action[0]!;
      const a1 = r.action[1]!;
      if (!Number.isFinite(a0) || !Number.isFinite(a1))
        return fallbackStep(state, ref, req, ctx, 'non-finite action', info);
      const v = ctx.vehicle;
      const accel = a0 * ACCEL_SCALE_MPS2;
      const steer = a1 * STEER_SCALE_RAD;
      const steerMax = v.kind === 'robot' ? v.maxYawRateRadps : v.maxSteerRad;
      if (accel > v.maxAccelMps2 + 0.5 || accel < -v.maxDecelMps2 - 0.5 || Math.abs(steer) > steerMax + 0.05)
        return fallbackStep(state, ref, req, ctx, 'action out of limits', info);
      return {
        state: {
          ref,
          fallback: state.fallback,
          governor: gov ? governorAfter(state.governor, info.computeFraction!, gov) : state.governor,
          afterLimitStop: false,
        },
        control: actionToControl(a0, a1, req.ego, v, req.dtS),
        info,
      };
    },
  };
}
