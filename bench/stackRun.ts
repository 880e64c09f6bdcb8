/**
 * One stack's measured loop, run alone in its own process by bench/stackChild.ts (started by the
 * stack section, bench/stack.ts): transform + plan + gate + control + audit per
 * control step over the built-in suite, reactive mode, each stage timed.
 */

import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createClassicalController } from '../controller/index.ts';
import type { CommandController, CommandPlanner } from '../core/planning/index.ts';
import { createEnvironmentTransform } from '../perception/index.ts';
import { createBaselinePlanner } from '../planner/index.ts';
import { AuditLog, createSafetyGate, type SafetyGate } from '../safety/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { commandFromTrajectory, createStack, type Perception, runStackScenario } from '../stack/index.ts';

export type Stage = 'transform' | 'plan' | 'gate' | 'control' | 'audit';
export const STAGES: Stage[] = ['transform', 'plan', 'gate', 'control', 'audit'];

export interface Timing {
  wall: number[];
  cpu: number[];
  planned: boolean[];
  stage: Record<Stage, number>;
  /** Largest resident set seen after any tick, bytes (process.memoryUsage.rss, sampled per tick). */
  rssPeakB: number;
  /** GC pauses during the measured run, ms (perf_hooks 'gc' entries). */
  gcMs: number[];
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Wraps an object's methods so their wall time adds to `stage`. */
function timed<T extends object>(obj: T, methods: (keyof T)[], into: Record<Stage, number>, stage: Stage): T {
  const out = Object.create(obj) as T;
  for (const m of methods) {
    const f = obj[m] as unknown as (...a: unknown[]) => unknown;
    (out as Record<keyof T, unknown>)[m] = (...a: unknown[]) => {
      const t0 = performance.now();
      const r = f.apply(obj, a);
      into[stage] += performance.now() - t0;
      return r;
    };
  }
  return out;
}

export async function measure(
  baseline: string,
  repeats: number,
  dir: string,
  limit = BUILTIN_IDS.length,
): Promise<Timing> {
  const t: Timing = {
    wall: [],
    cpu: [],
    planned: [],
    stage: { transform: 0, plan: 0, gate: 0, control: 0, audit: 0 },
    rssPeakB: process.memoryUsage.rss(),
    gcMs: [],
  };
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) t.gcMs.push(e.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  for (let r = 0; r < repeats; r++) {
    for (const id of BUILTIN_IDS.slice(0, limit)) {
      const { scenario, map } = builtinScenario(id)!;
      const inner = createBaselinePlanner(baseline);
      if (!inner.ok) throw new Error(inner.error.message);
      const transform = createEnvironmentTransform(map, {}, scenario.vehicle);
      if (!transform.ok) throw new Error(transform.error.message);
      const opened = AuditLog.open(join(dir, `${baseline}-${id}-${r}.jsonl`));
      if (!opened.ok) throw new Error(opened.error.message);
      const audit = opened.value.log;
      const planner = timed(commandFromTrajectory(inner.value), ['plan'], t.stage, 'plan') as CommandPlanner;
      const stack = createStack({
        planner,
        perception: timed<Perception>(
          { transform: (s, route, prev) => transform.value.transform(s, route, prev) },
          ['transform'],
          t.stage,
          'transform',
        ),
        gate: timed(createSafetyGate(), ['checkCommand', 'checkControl'], t.stage, 'gate') as SafetyGate,
        controller: timed(createClassicalController(), ['step'], t.stage, 'control') as CommandController,
        audit: timed(audit, ['append'], t.stage, 'audit'),
      });
      // time each control step from outside the stack: the whole tick, as a bridge would see it
      const origTick = stack.tick.bind(stack);
      stack.tick = (snap) => {
        const c0 = cpuMs();
        const w0 = performance.now();
        const out = origTick(snap);
        t.wall.push(performance.now() - w0);
        t.cpu.push(cpuMs() - c0);
        t.planned.push(out.planned);
        const rss = process.memoryUsage.rss();
        if (rss > t.rssPeakB) t.rssPeakB = rss;
        return out;
      };
      await runStackScenario(scenario, map, stack, { mode: 'reactive' });
      audit.close();
      await drainGcEntries(0);
    }
  }
  await drainGcEntries(50);
  gc.disconnect();
  return t;
}

/** GC entries reach the observer on a later turn of the event loop (not a microtask, not setImmediate). */
const drainGcEntries = (ms: number) => new Promise((r) => setTimeout(r, ms));
