/**
 * Reflection (PlanAgent, PDM-Closed): before a command is committed, it and a few alternatives are
 * expanded into trajectories by the roll-out function the stack hands in (planner/ never reaches
 * into the simulator or the gate), scored with nuPlan's closed-loop metrics (`ProposalScorer`) and
 * the command is kept or revised. Revision is conservative: the rules' command stands unless an
 * alternative scores clearly better and is no faster — except when the command itself ends in an
 * at-fault collision, where any alternative may replace it (e.g. going on through a conflict
 * rather than stopping in it).
 */
import type { MidLevelCommand, Trajectory, WorldSnapshot } from '../../core/index.ts';
import type { PlannerContext } from '../../core/planning/Planner.ts';
import { STANDSTILL_TARGET_MPS } from '../../core/vehicle/index.ts';
import type { CandidateScore, ProposalScorer } from './ProposalScorer.ts';
import type { EgoAccelHistory } from './RunComfort.ts';

/**
 * Expands a command into the ego's predicted rear-axle poses (0.1 s apart, ≥ 4 s) from the snapshot.
 * `routeIndex`: the ego's route position the planner tracks (which occurrence of a lane the route
 * uses twice the ego is at).
 */
export type RolloutFn = (
  command: MidLevelCommand,
  snapshot: WorldSnapshot,
  ctx: PlannerContext,
  routeIndex?: number,
) => Trajectory | undefined;

/**
 * The other agents' centres, forecast against one ego trajectory (reactive agents): row i of `x` /
 * `y` is agent `ids[i]` at `steps` instants `dtS` apart from the snapshot time.
 */
export interface AgentForecast {
  dtS: number;
  steps: number;
  ids: string[];
  x: Float64Array;
  y: Float64Array;
}

/** Forecasts the agents reacting to the ego driving `egoTrajectory` (handed in by the stack). */
export type ForecastFn = (
  egoTrajectory: Trajectory,
  snapshot: WorldSnapshot,
  ctx: PlannerContext,
) => AgentForecast | undefined;

export interface ReflectionResult {
  command: MidLevelCommand;
  trajectory: Trajectory | undefined;
  /** Index of the kept candidate (0 = the command as proposed). */
  chosen: number;
  scores: CandidateScore[];
  /** Score of the kept candidate (0…1). */
  score: number;
  revised: boolean;
  why: string;
}

/** An alternative must beat the proposal by this much to replace it. */
const REVISE_MARGIN = 0.05;
/**
 * "Ease off a little": three quarters of the speed at 1.5 m/s² (between holding it and the halving
 * at 2 m/s²; PDM-Closed's proposal ladder steps by a fifth of the limit, and nuPlan's expert eases
 * off at ≈ 1.2–1.7 m/s² in the imported scenes).
 */
const EASE_LITTLE_FRACTION = 0.75;
const EASE_LITTLE_DECEL_MPS2 = 1.5;

/**
 * The comfortable stop builds its braking up at this jerk (the command's braking onset, which the
 * trackers and the gate's roll-out honour): applied at once, 3 m/s² through the actuator's lag is a
 * jerk of 5–8 m/s³ at its start, over nuPlan's comfort bound of 4.13 (`ego_lon_jerk`). Below the
 * classical tracker's own jerk limit (4 m/s³): at 4 the tracked ego's braking grows at ≈ 3.6 m/s³,
 * but a stop that starts with the run is read by nuPlan's Savitzky–Golay derivative at the first
 * ticks, which extrapolates the growing braking: −4.91 m/s³ at t = 0 on USA_US101-3_3_T-1
 * (`ego_lon_jerk` failed, CLS-NR 83.8); at 3, −3.47 and comfortable (97.1). The firm stop stays a step.
 */
const COMFORT_STOP_JERK_MPS3 = 3;

/**
 * How many candidates reflection scores: the proposal and its alternatives (`alternativesOf`).
 */
export const REFLECTION_CANDIDATES = 7;

/**
 * The proposal and its alternatives: hold speed, ease off a little, ease off, stop comfortably,
 * stop hard, stay in lane (or speed up). The two ease-offs are a ladder of slower speeds, as
 * PDM-Closed's proposals are (its IDM at fractions of the limit): with one halving the speed only,
 * a proposal that fails the time-to-collision bound gives way to it plan after plan, and the ego,
 * re-planned every 0.1 s, brakes on at 2 m/s² long after a little less speed would have done.
 */
export function alternativesOf(
  cmd: MidLevelCommand,
  egoSpeedMps: number,
  /** The vehicle's top speed, m/s: "speed up" asks no more (the gate rejects a target above it). */
  topSpeedMps = Number.POSITIVE_INFINITY,
): MidLevelCommand[] {
  const v = Math.max(0, egoSpeedMps);
  const base = { ...cmd };
  const out: MidLevelCommand[] = [base];
  // the proposal's braking onset is its own (a lead pulling away); the alternatives brake as they say
  const plain = { ...cmd };
  delete plain.jerkMps3;
  out.push({ ...plain, speed: 'KEEP', targetSpeedMps: v, rationale: `${cmd.rationale} [alt: hold speed]` });
  out.push({
    ...plain,
    speed: 'DECELERATE',
    targetSpeedMps: v * EASE_LITTLE_FRACTION,
    decelMps2: EASE_LITTLE_DECEL_MPS2,
    rationale: `${cmd.rationale} [alt: ease off a little]`,
  });
  out.push({
    ...plain,
    speed: 'DECELERATE',
    targetSpeedMps: v * 0.5,
    decelMps2: 2,
    rationale: `${cmd.rationale} [alt: ease off]`,
  });
  out.push({
    ...plain,
    speed: 'STOP',
    targetSpeedMps: 0,
    decelMps2: 3,
    jerkMps3: COMFORT_STOP_JERK_MPS3,
    rationale: `${cmd.rationale} [alt: comfortable stop]`,
  });
  delete out[out.length - 1]!.stopAt;
  out.push({
    ...plain,
    speed: 'STOP',
    targetSpeedMps: 0,
    decelMps2: 6,
    rationale: `${cmd.rationale} [alt: firm stop]`,
  });
  delete out[out.length - 1]!.stopAt;
  if (cmd.path !== 'FOLLOW_LANE') {
    const stay: MidLevelCommand = {
      ...plain,
      path: 'FOLLOW_LANE',
      rationale: `${cmd.rationale} [alt: stay in lane]`,
    };
    delete stay.targetLaneId;
    out.push(stay);
  } else {
    out.push({
      ...plain,
      speed: 'ACCELERATE',
      targetSpeedMps: Math.min(v + 2, topSpeedMps),
      rationale: `${cmd.rationale} [alt: speed up]`,
    });
  }
  // slowing down while moving over in front of the target lane's follower is no way to change
  // lanes: a change's slower alternatives stay in the lane (and, being another path, replace the
  // change only when it collides or scores nothing)
  if (cmd.path === 'LEFT_CHANGE' || cmd.path === 'RIGHT_CHANGE') {
    for (let i = 2; i <= 5; i++) {
      out[i] = { ...out[i]!, path: 'FOLLOW_LANE' };
      delete out[i]!.targetLaneId;
    }
  }
  // a stop point belongs to STOP only (the gate rejects it on any other speed decision)
  for (const c of out) if (c.speed !== 'STOP' && c.stopAt) delete c.stopAt;
  return out;
}

/** Speed the candidate aims for (for the "no faster" rule), m/s. */
function aimMps(c: MidLevelCommand, v: number): number {
  if (c.speed === 'STOP') return 0;
  return c.targetSpeedMps ?? v;
}

/**
 * Whether alternative `c` is "no faster" than proposal `c0`: it aims at most 0.1 m/s above it —
 * except above a proposal which stands (a STOP, or a target at or below `STANDSTILL_TARGET_MPS`):
 * there no faster at all, so a stop gives way only to stops. The slack let the hold-speed alternative at
 * 0.09 m/s replace a stop plan after plan: a creep for 37 s towards a walker who waited for the
 * ego to stand (CARLA ScenarioRunner PedestrianCrossingFront).
 */
export function noFaster(c: MidLevelCommand, c0: MidLevelCommand, v: number): boolean {
  const a0 = aimMps(c0, v);
  const a = aimMps(c, v);
  return a <= a0 + (a0 <= STANDSTILL_TARGET_MPS ? 0 : 0.1);
}

/** Expands, scores and picks (see the module comment). */
export function reflect(
  candidates: ReadonlyArray<MidLevelCommand>,
  snap: WorldSnapshot,
  ctx: PlannerContext,
  rollout: RolloutFn,
  scorer: ProposalScorer,
  borrowApproved: boolean,
  forecast?: ForecastFn,
  routeIndex?: number,
  /** The ego's past accelerations: comfort judged as the run's (`ProposalScorer`). */
  accelHistory?: EgoAccelHistory,
): ReflectionResult {
  const trajs: Trajectory[] = [];
  const kept: MidLevelCommand[] = [];
  for (const c of candidates.slice(0, scorer.capacity)) {
    const t = rollout(c, snap, ctx, routeIndex);
    if (!t || t.points.length < 2) continue;
    trajs.push(t);
    kept.push(c);
  }
  if (kept.length === 0 || kept[0] !== candidates[0]) {
    return {
      command: candidates[0]!,
      trajectory: undefined,
      chosen: 0,
      scores: [],
      score: 0,
      revised: false,
      why: 'no roll-out for the proposal',
    };
  }
  const exempt = kept.map((c) => borrowApproved && (c.path === 'LEFT_BORROW' || c.path === 'RIGHT_BORROW'));
  // reactive agents: each candidate is scored against the agents' answer to it
  const forecasts = forecast ? trajs.map((t) => forecast(t, snap, ctx)) : undefined;
  const anyForecast = forecasts?.some((f) => f !== undefined) === true;
  const scores = scorer.score(
    snap,
    ctx.vehicle,
    trajs,
    exempt,
    anyForecast ? forecasts : undefined,
    accelHistory,
  );
  const v = snap.ego.speedMps;
  const s0 = scores[0]!;
  const collides = s0.noCollision === 0;
  let best = 0;
  for (let i = 1; i < scores.length; i++) {
    if (!collides && !noFaster(kept[i]!, kept[0]!, v)) continue;
    if (kept[i]!.path !== kept[0]!.path && !collides && s0.score > 0) continue;
    if (scores[i]!.score > scores[best]!.score + (best === 0 ? REVISE_MARGIN : 0)) best = i;
  }
  const revised = best !== 0;
  return {
    command: kept[best]!,
    trajectory: trajs[best],
    chosen: best,
    scores,
    score: scores[best]!.score,
    revised,
    why: revised
      ? `revised: proposal scored ${s0.score.toFixed(2)} (collision ${s0.noCollision}, drivable ${s0.drivableArea}, ttc ${s0.ttc}), alternative ${best} scored ${scores[best]!.score.toFixed(2)}`
      : `kept: proposal scored ${s0.score.toFixed(2)}`,
  };
}
