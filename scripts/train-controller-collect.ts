/**
 * The training data collector of `npm run train:controller` (scripts/train-controller.ts): a
 * controller that records (features, expert action) at every step it is given and executes the
 * expert with seeded OU noise (DART), or — in DAgger — the learner mixed with the expert (β): the
 * full-depth network, or the early-exit controller under a budget, so that the aggregate holds the
 * states early exit visits.
 */
import {
  ACTION_DIM,
  actionToControl,
  type Budget,
  ClassicalParamsSchema,
  type ClassicalState,
  controlToAction,
  createEarlyExitController,
  createExpertController,
  type EarlyExitState,
  type ExpertState,
  FEATURE_DIM,
  featuresFor,
  initialReference,
  type PolicyRunner,
} from '../controller/index.ts';
import { createRng, type Pose } from '../core/index.ts';
import type { CommandController, ControlRequest, PlannerContext } from '../core/planning/index.ts';

/** Noise on the executed controls (expert roll-outs): accel m/s², steer rad (OU process, 1 s). */
export const NOISE_ACCEL = 0.6;
export const NOISE_STEER = 0.04;
/** DAgger mixing: probability that the learner's action is executed at a step. */
export const BETA_LEARNER = 0.7;

export interface Rows {
  x: number[];
  y: number[];
  run: number[];
}

/**
 * A controller that records (features, expert action) into `rows` and executes the expert with
 * noise (no learner), or the learner with probability β: the full-depth network, or with `early`
 * the early-exit controller under that budget (stepped every step, so its reference and governor
 * follow the run). `info.exit` is the learner's exit on the steps whose control it gave.
 */
export function collector(
  rows: Rows,
  runId: number,
  seed: number,
  learner: PolicyRunner | undefined,
  early?: Budget,
): CommandController<{
  ref: ClassicalState;
  expert: ExpertState;
  na: number;
  ns: number;
  early?: EarlyExitState;
}> {
  const expert = createExpertController();
  const earlyCtl =
    learner && early
      ? createEarlyExitController({ runner: learner, mode: 'early', budget: early })
      : undefined;
  const cp = ClassicalParamsSchema.parse({});
  const feats = new Float32Array(FEATURE_DIM);
  const act = new Float32Array(ACTION_DIM);
  const scratch: Pose = { x: 0, y: 0, headingRad: 0 };
  const rnd = createRng(seed * 7919 + runId);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  return {
    name: 'collector',
    init: (ctx: PlannerContext) => ({
      ref: initialReference(),
      expert: expert.init(ctx),
      na: 0,
      ns: 0,
      ...(earlyCtl ? { early: earlyCtl.init(ctx) } : {}),
    }),
    step(state, req: ControlRequest, ctx: PlannerContext) {
      const ref = featuresFor(state.ref, req, ctx, cp, feats, scratch);
      const e = expert.step(state.expert, req, ctx);
      controlToAction(e.control, req.ego, req.dtS, act, 0);
      for (let i = 0; i < FEATURE_DIM; i++) rows.x.push(feats[i]!);
      rows.y.push(act[0]!, act[1]!);
      rows.run.push(runId);
      const decay = Math.exp(-req.dtS / 1);
      const k = Math.sqrt(1 - decay * decay);
      const na = decay * state.na + k * gauss();
      const ns = decay * state.ns + k * gauss();
      let control = e.control;
      // the early-exit controller steps every step (its reference and governor state follow the run)
      let earlyState = state.early;
      let exit: number | undefined;
      if (earlyCtl && earlyState) {
        const o = earlyCtl.step(earlyState, req, ctx);
        earlyState = o.state;
        if (!o.info.fallback && rnd() < BETA_LEARNER) {
          control = o.control;
          exit = o.info.exit;
        }
      } else if (learner && rnd() < BETA_LEARNER) {
        const r = learner.run(feats, { mode: 'full' });
        if (r.ok) {
          control = actionToControl(r.action[0]!, r.action[1]!, req.ego, ctx.vehicle, req.dtS);
          exit = r.exit;
        }
      } else if (!learner) {
        control =
          control.kind === 'ackermann'
            ? {
                ...control,
                accelMps2: control.accelMps2 + NOISE_ACCEL * na,
                steerRad: control.steerRad + NOISE_STEER * ns,
              }
            : {
                ...control,
                vMps: Math.max(0, control.vMps + NOISE_ACCEL * na * req.dtS),
                omegaRadps: control.omegaRadps + 4 * NOISE_STEER * ns,
              };
      }
      return {
        state: { ref, expert: e.state, na, ns, ...(earlyState ? { early: earlyState } : {}) },
        control,
        info: { controller: 'collector', ...(exit ? { exit } : {}) },
      };
    },
  };
}
