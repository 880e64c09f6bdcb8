/**
 * The closed-loop engine's trajectory mode: fixed 0.1 s steps (nuPlan), planner at every step, the
 * planned trajectory tracked by nuPlan's two-stage controller (LQR + kinematic bicycle; a unicycle
 * tracker for robots), agents replayed or reactive. Deterministic for a scenario, planner, mode
 * and seed: nothing reads a wall clock or Math.random (planner wall time is logged separately).
 * Command stacks drive the same engine by controls (`SimEngine.applyControl`, stack/).
 */
import type { Scenario, Trajectory } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { Planner } from '../core/planning/index.ts';
import type { StoryboardSourceFactory } from './agents/StoryboardAgents.ts';
import { SimEngine } from './SimEngine.ts';
import type { AgentMode, AgentModel, SimLog, SimTick } from './SimLog.ts';

export { plannerContext, sampleTrajectory } from './SimEngine.ts';

export interface RunOptions {
  mode: AgentMode;
  /** Reactive agent model (`idm` = nuPlan's IDM agents, `interactive`); default DEFAULT_AGENT_MODEL. */
  agents?: AgentModel;
  seed?: number;
  /** Record the planned trajectory of each tick (for the viewer). Default false. */
  recordPlans?: boolean;
  /** Called after each tick (progress, live view). */
  onTick?: (tick: SimTick, index: number, total: number) => void;
  /** Wall-clock reader for planner timing (injected; defaults to performance.now). */
  nowMs?: () => number;
  /** A live storyboard for a storyboard-driven scenario (`EngineOptions.storyboard`). */
  storyboard?: StoryboardSourceFactory;
}

/**
 * Runs `scenario` closed-loop with a trajectory `planner` (trajectory mode: nuPlan's two-stage
 * controller tracks the plan) and returns the full log. Bad planner output (NaN, empty
 * trajectory) makes the ego brake in place rather than crash the run.
 */
export function runScenario(scenario: Scenario, map: RoadMap, planner: Planner, opts: RunOptions): SimLog {
  const engine = new SimEngine(scenario, map, {
    mode: opts.mode,
    ...(opts.agents ? { agents: opts.agents } : {}),
    seed: opts.seed ?? 0,
    ...(opts.storyboard ? { storyboard: opts.storyboard } : {}),
  });
  const ctx = engine.ctx;
  const now = opts.nowMs ?? (() => performance.now());
  let snap = engine.snapshot();
  let plannerState = planner.init(ctx, snap);
  for (;;) {
    const t0 = now();
    const { state, output } = planner.step(plannerState, snap, ctx);
    const planMs = now() - t0;
    plannerState = state;
    const tick = engine.record({ planMs });
    if (output.command) tick.command = output.command;
    if (output.verdict) tick.verdict = output.verdict;
    if (opts.recordPlans) tick.plan = planPoses(output.trajectory);
    opts.onTick?.(tick, engine.k, engine.steps + 1);
    if (engine.last) break;
    engine.trackTrajectory(output.trajectory);
    snap = engine.snapshot();
  }
  return engine.toLog(planner.name);
}

/** Every fifth planned pose as rounded (x, y, heading) triples, for the viewer. */
export function planPoses(traj: Trajectory): number[] {
  const out: number[] = [];
  for (let i = 0; i < traj.points.length; i += 5) {
    const p = traj.points[i]!;
    out.push(round3(p.x), round3(p.y), round3(p.headingRad));
  }
  return out;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
