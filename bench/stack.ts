/**
 * The full tick of a command stack, on one thread: transform + plan + gate + control + audit
 * append, per control step, over the built-in suite driven closed-loop. Wall time and this
 * thread's CPU time side by side (CPU time is what a preempted step really cost on a shared
 * machine), split into plan steps (a new command is planned and gated) and control-only steps,
 * with the share of each stage. Run: node --import tsx bench/stack.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { markdownTable } from '../cli/table.ts';
import { createClassicalController } from '../controller/index.ts';
import type { CommandController, CommandPlanner } from '../core/planning/index.ts';
import { createEnvironmentTransform } from '../perception/index.ts';
import { createBaselinePlanner } from '../planner/index.ts';
import { AuditLog, createSafetyGate, type SafetyGate } from '../safety/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { commandFromTrajectory, createStack, type Perception, runStackScenario } from '../stack/index.ts';

type Stage = 'transform' | 'plan' | 'gate' | 'control' | 'audit';
const STAGES: Stage[] = ['transform', 'plan', 'gate', 'control', 'audit'];

interface Timing {
  wall: number[];
  cpu: number[];
  planned: boolean[];
  stage: Record<Stage, number>;
  /** Largest resident set seen after any tick, bytes (process.memoryUsage.rss, sampled per tick). */
  rssPeakB: number;
  /** GC pauses during the measured run, ms (perf_hooks 'gc' entries). */
  gcMs: number[];
}

/** Aims of the edge budget (issue 16): what a small computer in a robot can afford per tick. */
export const AIM_TICK_P99_MS = 10;
export const AIM_RSS_MB = 200;

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

async function measure(
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

function pct(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

export interface StackFigures {
  stack: string;
  ticks: number;
  tickWallMsP50: number;
  tickWallMsP99: number;
  tickCpuMsP99: number;
  rssPeakMb: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

const MB = 1024 * 1024;

/**
 * The stack section: per-tick wall/CPU p50/p99, peak RSS and GC pauses per stack, beside the edge
 * budget's aims. Returns the markdown and the figures as data.
 */
export async function benchStack(): Promise<{ markdown: string; figures: StackFigures[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-stack-'));
  const loadStart = loadavg()[0]!;
  const rows: string[][] = [];
  const shares: string[][] = [];
  const budget: string[][] = [];
  const figures: StackFigures[] = [];
  try {
    for (const baseline of ['idm', 'pdm-closed']) {
      await measure(baseline, 1, dir, 3); // warm-up (JIT)
      const t = await measure(baseline, 1, dir);
      const pick = (planned: boolean, xs: number[]) => xs.filter((_, i) => t.planned[i] === planned);
      for (const planned of [true, false]) {
        const wall = pick(planned, t.wall);
        const cpu = pick(planned, t.cpu);
        rows.push([
          `${baseline}-stack`,
          planned
            ? 'plan step (transform + plan + gate + control + audit)'
            : 'control step (re-check + control + audit)',
          String(wall.length),
          pct(wall, 0.5).toFixed(3),
          pct(wall, 0.99).toFixed(3),
          pct(cpu, 0.5).toFixed(3),
          pct(cpu, 0.99).toFixed(3),
        ]);
      }
      const f: StackFigures = {
        stack: `${baseline}-stack`,
        ticks: t.wall.length,
        tickWallMsP50: pct(t.wall, 0.5),
        tickWallMsP99: pct(t.wall, 0.99),
        tickCpuMsP99: pct(t.cpu, 0.99),
        rssPeakMb: t.rssPeakB / MB,
        gcCount: t.gcMs.length,
        gcTotalMs: t.gcMs.reduce((a, b) => a + b, 0),
        gcMaxMs: t.gcMs.length > 0 ? Math.max(...t.gcMs) : 0,
      };
      figures.push(f);
      const meets = (ok: boolean) => (ok ? 'yes' : 'no');
      budget.push([
        f.stack,
        String(f.ticks),
        f.tickWallMsP99.toFixed(3),
        f.tickCpuMsP99.toFixed(3),
        meets(f.tickCpuMsP99 <= AIM_TICK_P99_MS),
        f.rssPeakMb.toFixed(0),
        meets(f.rssPeakMb <= AIM_RSS_MB),
        String(f.gcCount),
        f.gcTotalMs.toFixed(1),
        f.gcMaxMs.toFixed(2),
      ]);
      const total = STAGES.reduce((a, s) => a + t.stage[s], 0);
      shares.push([`${baseline}-stack`, ...STAGES.map((s) => `${((100 * t.stage[s]) / total).toFixed(0)}%`)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const markdown = [
    `## Full stack tick — built-in suite (${BUILTIN_IDS.length} scenarios, reactive mode; ${cpus().length} cores, load average (1 min) ${loadStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end), 20 Hz control / 10 Hz plan, one thread`,
    '',
    `Edge budget — all ticks; aims: p99 ≤ ${AIM_TICK_P99_MS} ms per tick (CPU), ≤ ${AIM_RSS_MB} MB resident:`,
    markdownTable(
      [
        'stack',
        'ticks',
        'wall ms p99',
        'CPU ms p99',
        `≤ ${AIM_TICK_P99_MS} ms`,
        'peak RSS MB',
        `≤ ${AIM_RSS_MB} MB`,
        'GC pauses',
        'GC total ms',
        'GC max ms',
      ],
      budget,
      ['l', 'r', 'r', 'r', 'l', 'r', 'l', 'r', 'r', 'r'],
    ),
    '(peak RSS: largest process.memoryUsage.rss() after any tick of that stack, the whole process including the bench and its scenarios; GC: perf_hooks gc entries while that stack ran, each pause in wall time, so a preempted pause on a loaded machine counts long.)',
    '',
    markdownTable(
      ['stack', 'step', 'steps', 'wall ms p50', 'wall ms p99', 'CPU ms p50', 'CPU ms p99'],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    'Where the time goes (wall time of each stage, all steps):',
    markdownTable(['stack', ...STAGES], shares, ['l', 'r', 'r', 'r', 'r', 'r']),
    '(CPU ms comes from process.cpuUsage, 1 µs resolution but counts every thread of the process, so a GC on a helper thread can show up.)',
  ].join('\n');
  return { markdown, figures };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await benchStack()).markdown);
