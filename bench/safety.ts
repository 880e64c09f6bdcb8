/**
 * Safety-gate benchmark: time per command check (wall and CPU, p50 / p99; again beside one busy
 * background thread, a fixed load the bench starts itself) on every tick of the built-in suite
 * (IDM baseline driving, the derived command checked with its trajectory), side by side with the
 * same gate without spatial culling, and with the bare RSS formula per agent as a floor.
 * Run: node --import tsx bench/safety.ts
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { markdownTable } from '../cli/table.ts';
import type { WorldSnapshot } from '../core/index.ts';
import { createSafetyGate, deriveCommand, rss, type SafetyScene } from '../safety/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { runScenario } from '../sim/index.ts';
import { createPlanner } from '../stack/index.ts';

interface Case {
  scene: SafetyScene;
  command: ReturnType<typeof deriveCommand>;
}

function collect(): Case[] {
  const cases: Case[] = [];
  for (const id of BUILTIN_IDS) {
    const { scenario, map } = builtinScenario(id)!;
    const p = createPlanner('idm');
    if (!p.ok) throw new Error(p.error.message);
    const log = runScenario(scenario, map, p.value, { mode: 'nonreactive' });
    for (const t of log.ticks) {
      const snapshot: WorldSnapshot = {
        tS: t.tS,
        ego: t.ego,
        agents: t.agents,
        lights: t.lights,
        route: scenario.route,
      };
      // a straight KEEP is what the gate sees most; the derived command keeps the planner's intent
      const command = deriveCommand({ points: [] }, snapshot, map);
      cases.push({
        scene: { snapshot, map, vehicle: scenario.vehicle },
        command: { ...command, speed: 'KEEP', targetSpeedMps: t.ego.speedMps },
      });
    }
  }
  return cases;
}

function percentiles(xs: number[]): { p50: number; p99: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p50: s[Math.floor(s.length * 0.5)]!,
    p99: s[Math.floor(s.length * 0.99)]!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}

/** Wall time and this thread's CPU time per check, ms (CPU time is immune to preemption on a shared machine). */
function timeGate(
  cases: Case[],
  gate: ReturnType<typeof createSafetyGate>,
  repeats: number,
  cpu: number[] = [],
): number[] {
  const out: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const c of cases) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      gate.checkCommand(c.command, c.scene);
      out.push(performance.now() - t0);
      const d = process.cpuUsage(c0);
      cpu.push((d.user + d.system) / 1000);
    }
  }
  return out;
}

function timeRss(cases: Case[], repeats: number): number[] {
  const out: number[] = [];
  const ego = { speedLonMps: 0, speedLatMps: 0, dynamics: rss.defaultDynamics.ego };
  const other = { speedLonMps: 0, speedLatMps: 0, dynamics: rss.defaultDynamics.other };
  let sink = 0;
  for (let r = 0; r < repeats; r++) {
    for (const c of cases) {
      const t0 = performance.now();
      ego.speedLonMps = c.scene.snapshot.ego.speedMps;
      for (const a of c.scene.snapshot.agents) {
        other.speedLonMps = a.speedMps;
        sink += rss.longitudinalSameDirection(ego, other) + rss.lateral(ego, other);
      }
      out.push(performance.now() - t0);
    }
  }
  if (sink < 0) console.log(sink);
  return out;
}

/**
 * This thread's CPU time, ms (Linux /proc/thread-self/stat, utime + stime at 100 ticks/s), or NaN
 * elsewhere. Coarse (10 ms), so it is read around a whole batch: the mean CPU time per check,
 * untouched by other threads and processes (process.cpuUsage counts the load thread too).
 */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** A fixed background load: one worker thread spinning on arithmetic until terminated. */
function startLoad(): Worker {
  return new Worker('let x = 0; for (;;) x = Math.sqrt(x + 1) + Math.sin(x);', { eval: true });
}

interface Timing {
  wall: { p50: number; p99: number; mean: number };
  cpu?: { p50: number; p99: number };
  threadCpuMeanMs: number;
}

function measure(
  cases: Case[],
  gate: ReturnType<typeof createSafetyGate>,
  repeats: number,
  perCheckCpu: boolean,
): Timing {
  const cpu: number[] = [];
  const t0 = threadCpuMs();
  const wall = percentiles(timeGate(cases, gate, repeats, cpu));
  const threadCpuMeanMs = (threadCpuMs() - t0) / (cases.length * repeats);
  return { wall, ...(perCheckCpu ? { cpu: percentiles(cpu) } : {}), threadCpuMeanMs };
}

export async function benchSafety(): Promise<string> {
  const cases = collect();
  const gate = createSafetyGate();
  const unculled = createSafetyGate({ cullMarginM: 1e6 });
  timeGate(cases, gate, 1); // JIT warm-up
  timeGate(cases, unculled, 1);
  const quiet = measure(cases, gate, 3, true);
  const u = measure(cases, unculled, 3, true);
  // the same checks with one busy thread beside them (a fixed, reproducible background load)
  const load = startLoad();
  await new Promise((r) => setTimeout(r, 200));
  const loaded = measure(cases, gate, 3, false);
  await load.terminate();
  const r = percentiles(timeRss(cases, 3));
  const decisions = { ALLOW: 0, MODIFY: 0, VETO: 0 };
  for (const c of cases) decisions[gate.checkCommand(c.command, c.scene).decision]++;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const row = (name: string, t: Timing, vs: string): string[] => [
    name,
    fmt(t.wall.p50),
    fmt(t.wall.p99),
    fmt(t.wall.mean),
    t.cpu ? fmt(t.cpu.p50) : '',
    t.cpu ? fmt(t.cpu.p99) : '',
    fmt(t.threadCpuMeanMs),
    vs,
  ];
  const table = markdownTable(
    [
      'check',
      'wall p50 ms',
      'wall p99 ms',
      'wall mean ms',
      'CPU p50 ms',
      'CPU p99 ms',
      'thread CPU mean ms',
      'mean vs gate',
    ],
    [
      row('gate (roll-out + all rules, culled), no added load', quiet, '1.00×'),
      row('gate, 1 busy background thread', loaded, `${(loaded.wall.mean / quiet.wall.mean).toFixed(2)}×`),
      row('gate without spatial culling, no added load', u, `${(u.wall.mean / quiet.wall.mean).toFixed(2)}×`),
      [
        'RSS formulas alone (all agents)',
        fmt(r.p50),
        fmt(r.p99),
        fmt(r.mean),
        '',
        '',
        '',
        `${(r.mean / quiet.wall.mean).toFixed(3)}×`,
      ],
    ],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  return `Safety gate: ${cases.length} command checks (every tick of the ${BUILTIN_IDS.length} built-in scenarios, IDM driving), ×3; ${cpus().length} CPUs, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(
      ' ',
    )}\n${table}\nCPU p50/p99: process CPU per check (runs without the added load only: the load thread would count); thread CPU mean: this thread's CPU time over the batch per check (not preemption, not the load).\nverdicts: ALLOW ${decisions.ALLOW}, MODIFY ${decisions.MODIFY}, VETO ${decisions.VETO}`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchSafety());
