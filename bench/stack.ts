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
  };
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
          { transform: (s, route) => transform.value.transform(s, route) },
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
        return out;
      };
      await runStackScenario(scenario, map, stack, { mode: 'reactive' });
      audit.close();
    }
  }
  return t;
}

function pct(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

export async function benchStack(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-stack-'));
  const rows: string[][] = [];
  const shares: string[][] = [];
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
      const total = STAGES.reduce((a, s) => a + t.stage[s], 0);
      shares.push([`${baseline}-stack`, ...STAGES.map((s) => `${((100 * t.stage[s]) / total).toFixed(0)}%`)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    `## Full stack tick — built-in suite (${BUILTIN_IDS.length} scenarios, reactive mode; machine load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}, ${cpus().length} cores), 20 Hz control / 10 Hz plan, one thread`,
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
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchStack());
