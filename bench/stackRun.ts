/**
 * One stack's measured loop, run alone in its own process by bench/stackChild.ts (started by the
 * stack section, bench/stack.ts): transform + plan + gate + control + audit per
 * control step over the built-in suite, reactive mode, each stage timed.
 */

import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
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
  /** Process CPU time of each tick, ms (process.cpuUsage: every thread of the process). */
  cpu: number[];
  /**
   * CPU time of each tick spent on the other threads of the process (V8's GC helpers and
   * background compiler, libuv), ms: the change of their run times in Linux's per-thread schedstat,
   * read around the two process.cpuUsage() calls (the same kernel counters getrusage sums for them,
   * so `cpu - helperCpu` is the stack's own thread). NaN where /proc is unavailable.
   */
  helperCpu: number[];
  planned: boolean[];
  /** Wall time of each stage over all ticks, ms. */
  stage: Record<Stage, number>;
  /**
   * Process CPU time of each stage in each tick, ms (process.cpuUsage around each call: exact for
   * the calling thread, which getrusage brings up to date; other threads' time appears only as far as
   * the kernel has counted it at that moment). Index = tick.
   */
  stageCpu: Record<Stage, number[]>;
  /** Largest resident set seen after any tick, bytes (process.memoryUsage.rss, sampled per tick). */
  rssPeakB: number;
  /** GC pauses during the measured run, ms (perf_hooks 'gc' entries). */
  gcMs: number[];
  /**
   * Bytes allocated on the JS heap during the measured run, the simulator's share included (what the
   * young generation's collections have to clear): `heapAllocationMeter`.
   */
  allocatedB: number;
}

/**
 * Counts the bytes allocated on the JS heap from `start()` to `stop()`, exactly: V8's GC profiler
 * reports the used heap before and after every collection, and what was allocated is each
 * collection's "before" less the previous one's "after" (the start's reading for the first), plus
 * the last stretch. No per-allocation cost (nothing but the collections is observed).
 */
export function heapAllocationMeter(): { start: () => void; stop: () => number } {
  let profiler: v8.GCProfiler | undefined;
  let used0 = 0;
  return {
    start: () => {
      profiler = new v8.GCProfiler();
      used0 = v8.getHeapStatistics().used_heap_size;
      profiler.start();
    },
    stop: () => {
      const used1 = v8.getHeapStatistics().used_heap_size;
      const stats = profiler?.stop()?.statistics ?? [];
      profiler = undefined;
      // (the profiler's heap statistics are camelCase at run time; @types/node types them as
      // getHeapStatistics()'s snake_case)
      const used = (h: unknown): number => (h as { usedHeapSize: number }).usedHeapSize;
      let allocated = 0;
      let prev = used0;
      for (const g of stats) {
        allocated += used(g.beforeGC.heapStatistics) - prev;
        prev = used(g.afterGC.heapStatistics);
      }
      return allocated + used1 - prev;
    },
  };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Sum of the run times (ms) of this process's threads other than the calling one, from
 * /proc/self/task/<tid>/schedstat: for a thread not on a CPU the value is exact, for one running it
 * is what the kernel counted at its last tick — the same counter getrusage adds for it. Threads are
 * listed at creation (`relist()` picks up new ones; call it between scenarios, not per tick); a
 * thread that ends keeps its last reading (getrusage keeps its time: what it ran after that last
 * reading shows as the calling thread's, the one way this errs).
 */
export function otherThreadsRunClock(): { read: () => number; relist: () => void } {
  const self = readSelfTid();
  let fds: number[] = [];
  /** Each thread's run time as last read, ns: an ended thread (its file reads ESRCH) keeps it. */
  let last: number[] = [];
  const buf = Buffer.alloc(96);
  const relist = () => {
    if (self === undefined) return;
    for (const fd of fds) closeSync(fd);
    fds = [];
    last = [];
    for (const tid of readdirSync('/proc/self/task')) {
      if (Number(tid) === self) continue;
      try {
        fds.push(openSync(`/proc/self/task/${tid}/schedstat`, 'r'));
        last.push(0);
      } catch {
        // the thread ended between the listing and the open
      }
    }
  };
  relist();
  const read = () => {
    if (self === undefined) return Number.NaN;
    let ns = 0;
    for (let f = 0; f < fds.length; f++) {
      let n = 0;
      try {
        n = readSync(fds[f]!, buf, 0, 96, 0);
      } catch {
        ns += last[f]!; // an ended thread: its file reads ESRCH; its last reading stands
        continue;
      }
      let v = 0;
      for (let i = 0; i < n; i++) {
        const c = buf[i]!;
        if (c < 48 || c > 57) break;
        v = v * 10 + (c - 48);
      }
      last[f] = v;
      ns += v;
    }
    return ns / 1e6;
  };
  return { read, relist };
}

function readSelfTid(): number | undefined {
  try {
    // /proc/thread-self -> <pid>/task/<tid>
    const buf = Buffer.alloc(256);
    const fd = openSync('/proc/thread-self/stat', 'r');
    const n = readSync(fd, buf, 0, 256, 0);
    closeSync(fd);
    return Number(buf.toString('latin1', 0, n).split(' ', 1)[0]);
  } catch {
    return undefined;
  }
}

/**
 * Wraps an object's methods so their wall time adds to `into[stage]` and their process CPU time to
 * `cur[stage index]` (the current tick's per-stage CPU).
 */
function timed<T extends object>(
  obj: T,
  methods: (keyof T)[],
  into: Record<Stage, number>,
  cur: Float64Array,
  stage: Stage,
): T {
  const out = Object.create(obj) as T;
  const k = STAGES.indexOf(stage);
  for (const m of methods) {
    const f = obj[m] as unknown as (...a: unknown[]) => unknown;
    (out as Record<keyof T, unknown>)[m] = (...a: unknown[]) => {
      const c0 = cpuMs();
      const t0 = performance.now();
      const r = f.apply(obj, a);
      into[stage] += performance.now() - t0;
      cur[k]! += cpuMs() - c0;
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
    helperCpu: [],
    planned: [],
    stage: { transform: 0, plan: 0, gate: 0, control: 0, audit: 0 },
    stageCpu: { transform: [], plan: [], gate: [], control: [], audit: [] },
    rssPeakB: process.memoryUsage.rss(),
    gcMs: [],
    allocatedB: 0,
  };
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) t.gcMs.push(e.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const cur = new Float64Array(STAGES.length);
  const others = otherThreadsRunClock();
  const allocation = heapAllocationMeter();
  allocation.start();
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
      others.relist();
      const planner = timed(
        commandFromTrajectory(inner.value),
        ['plan'],
        t.stage,
        cur,
        'plan',
      ) as CommandPlanner;
      const stack = createStack({
        planner,
        perception: timed<Perception>(
          { transform: (s, route, prev) => transform.value.transform(s, route, prev) },
          ['transform'],
          t.stage,
          cur,
          'transform',
        ),
        gate: timed(createSafetyGate(), ['checkCommand', 'checkControl'], t.stage, cur, 'gate') as SafetyGate,
        controller: timed(
          createClassicalController(),
          ['step'],
          t.stage,
          cur,
          'control',
        ) as CommandController,
        audit: timed(audit, ['append'], t.stage, cur, 'audit'),
      });
      // time each control step from outside the stack: the whole tick, as a bridge would see it
      const origTick = stack.tick.bind(stack);
      stack.tick = (snap) => {
        cur.fill(0);
        const h0 = others.read();
        const c0 = cpuMs();
        const w0 = performance.now();
        const out = origTick(snap);
        const w1 = performance.now();
        const c1 = cpuMs();
        const h1 = others.read();
        t.wall.push(w1 - w0);
        t.cpu.push(c1 - c0);
        t.helperCpu.push(h1 - h0);
        t.planned.push(out.planned);
        for (let k = 0; k < STAGES.length; k++) t.stageCpu[STAGES[k]!].push(cur[k]!);
        const rss = process.memoryUsage.rss();
        if (rss > t.rssPeakB) t.rssPeakB = rss;
        return out;
      };
      await runStackScenario(scenario, map, stack, { mode: 'reactive' });
      audit.close();
      await drainGcEntries(0);
    }
  }
  t.allocatedB = allocation.stop();
  await drainGcEntries(50);
  gc.disconnect();
  return t;
}

/** GC entries reach the observer on a later turn of the event loop (not a microtask, not setImmediate). */
const drainGcEntries = (ms: number) => new Promise((r) => setTimeout(r, ms));
