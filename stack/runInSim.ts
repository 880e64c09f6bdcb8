/**
 * The closed-loop simulator as the stack's source and sink: snapshots from the engine, controls
 * into its kinematic model at the stack's control rate (sub-steps of the 0.1 s tick), agents and
 * lights advancing once per tick. Deterministic per scenario, mode and seed: the stack runs on the
 * simulated clock and the engine awaits in-flight plans before moving time on.
 */
import type { Control, Scenario, WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { canonicalJson } from '../safety/index.ts';
import {
  type AgentMode,
  type AgentModel,
  SimEngine,
  type SimLog,
  type SimTick,
  type StoryboardSourceFactory,
} from '../sim/index.ts';
import type { Sink, Source } from './SourceSink.ts';
import type { Stack, StackTick } from './Stack.ts';

export interface StackRunOptions {
  mode: AgentMode;
  /** Reactive agent model (`idm` = nuPlan's IDM agents, `interactive`); default DEFAULT_AGENT_MODEL. */
  agents?: AgentModel;
  seed?: number;
  /** Time from control to actuator, s. Default 0. */
  actuationDelayS?: number;
  /** Called after each 0.1 s tick is recorded. */
  onTick?: (tick: SimTick, index: number, total: number) => void;
  /** Called at every control step (tests, telemetry). */
  onControl?: (out: StackTick, snap: WorldSnapshot) => void;
  /** Wall-clock reader for timing (injected; defaults to performance.now). */
  nowMs?: () => number;
  /** A live storyboard for a storyboard-driven scenario (`EngineOptions.storyboard`). */
  storyboard?: StoryboardSourceFactory;
}

/** Snapshots from the engine. */
export class SimSource implements Source {
  constructor(private readonly engine: SimEngine) {}
  latest(): WorldSnapshot {
    return this.engine.snapshot();
  }
}

/** Controls into the engine's kinematic model for one control period. */
export class SimSink implements Sink {
  constructor(
    private readonly engine: SimEngine,
    private readonly dtS: number,
  ) {}
  send(control: Control, _tick?: StackTick): void {
    this.engine.applyControl(control, this.dtS);
  }
}

/** Runs `scenario` closed-loop with the ego driven by `stack`'s controls; returns the log. */
export async function runStackScenario(
  scenario: Scenario,
  map: RoadMap,
  stack: Stack,
  opts: StackRunOptions,
): Promise<SimLog> {
  const engine = new SimEngine(scenario, map, {
    mode: opts.mode,
    ...(opts.agents ? { agents: opts.agents } : {}),
    seed: opts.seed ?? 0,
    ...(opts.actuationDelayS !== undefined ? { actuationDelayS: opts.actuationDelayS } : {}),
    ...(opts.storyboard ? { storyboard: opts.storyboard } : {}),
  });
  const sub = Math.max(1, Math.round(engine.dtS * stack.rates.controlHz));
  const source = new SimSource(engine);
  const sink = new SimSink(engine, engine.dtS / sub);
  const now = opts.nowMs ?? (() => performance.now());
  stack.init(engine.ctx, source.latest());
  let plannerError: string | undefined;
  let tick: SimTick | undefined;
  /** What drove the previous control step (a later one that differs is recorded on the tick). */
  let prev: StackTick | undefined;
  for (;;) {
    for (let j = 0; j < sub; j++) {
      const snap = source.latest();
      const t0 = now();
      const out = stack.tick(snap);
      const planMs = now() - t0;
      // a failed plan is kept for the next recorded tick (plans may land between recorded ticks)
      if (out.plannerError) plannerError = out.plannerError;
      // a plan in flight lands in simulated time: wait for it before time moves on
      if (stack.planning) await stack.settle();
      opts.onControl?.(out, snap);
      if (j === 0) {
        tick = engine.record({
          command: out.command,
          drivenReason: out.driven.reason,
          planMs,
          controller: out.controllerInfo,
        });
        if (out.verdict) tick.verdict = out.verdict;
        if (out.vetoed) tick.vetoed = [...out.vetoed];
        if (out.plans) tick.plans = [...out.plans];
        if (out.llm) tick.llm = [...out.llm];
        if (plannerError) tick.plannerError = plannerError;
        plannerError = undefined;
        if (engine.last) {
          opts.onTick?.(tick, engine.k, engine.steps + 1);
          return engine.toLog(stack.name);
        }
      } else if (tick) {
        if (out.vetoed) (tick.vetoed ??= []).push(...out.vetoed);
        if (out.plans) (tick.plans ??= []).push(...out.plans);
        if (out.llm) (tick.llm ??= []).push(...out.llm);
        if (prev && tookOver(prev, out))
          (tick.laterCommands ??= []).push({
            tS: snap.tS,
            command: out.command,
            reason: out.driven.reason,
            ...(out.verdict ? { verdict: out.verdict } : {}),
          });
      }
      prev = out;
      sink.send(out.control, out);
    }
    // handed on once its control steps have run: with the commands that took over within it
    if (tick) opts.onTick?.(tick, engine.k, engine.steps + 1);
    engine.endTick();
  }
}

/**
 * A different command took over at this control step: another reason, or another command than a
 * re-issue of the same (a stop is issued afresh every step; its times do not count).
 */
function tookOver(prev: StackTick, out: StackTick): boolean {
  if (prev.driven.reason !== out.driven.reason) return true;
  const a = prev.command;
  const b = out.command;
  if (a === b) return false;
  const { issuedAtS: _ai, expiresAtS: _ae, ...ka } = a;
  const { issuedAtS: _bi, expiresAtS: _be, ...kb } = b;
  return canonicalJson(ka) !== canonicalJson(kb);
}
