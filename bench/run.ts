/**
 * `npm run bench [section…]`: measurements printed side by side from one run. No assertions: the
 * numbers are for people (and the README quotes only what this prints). Sections (all by default):
 *
 * - sim: simulator throughput on the built-in suite, one thread: simulated seconds per wall second
 *   per baseline planner, both agent modes, planner time per tick.
 * - import: CARLA town load times (OpenDRIVE) beside the bare XML parse (bench/import.ts).
 * - nuplan: nuPlan log read rate vs naive per-row queries and JSON (bench/nuplan.ts).
 * - perception: BEV + lane graph per tick on a dense CARLA scene vs @napi-rs/canvas (bench/perception.ts).
 * - safety: gate check p50/p99 vs the unculled gate and bare RSS (bench/safety.ts).
 * - bridge: odometry → control latency through a real rosbridge, state → control through mosquitto (bench/bridge.ts).
 * - viewer: JS ms per frame, draw calls and fps ratio with 200 agents in headless Chromium (bench/viewer.ts).
 * - planner: hierarchical plan() p50/p99 without / with reflection, llama time per call (bench/planner.ts).
 * - stack: the full tick of a command stack (transform + plan + gate + control + audit), wall and CPU,
 *   peak RSS and GC pauses (bench/stack.ts).
 * - controller: expert, classical, full-depth network and early exit at three budgets through the
 *   stack: closed-loop score, step latency, FLOPs (bench/controller.ts).
 * - scale: evaluation throughput, local thread pool vs BullMQ queue workers, 1/2/4 (bench/scale.ts).
 *
 * Every section's markdown (and, where it returns them, its figures as data) goes to
 * bench/results.json with the machine (cores, CPU, Node, load average at start and end).
 */

import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from '../cli/table.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { runScenario } from '../sim/index.ts';
import { createPlanner } from '../stack/index.ts';
import { agentsBench } from './agents.ts';
import { benchBridge } from './bridge.ts';
import { benchController } from './controller.ts';
import { importBench } from './import.ts';
import { benchNuplan } from './nuplan.ts';
import { bevAllocationCheck, perceptionBench } from './perception.ts';
import { benchPlanner } from './planner.ts';
import { benchSafety } from './safety.ts';
import { benchScale } from './scale.ts';
import { benchStack } from './stack.ts';
import { viewerBench } from './viewer.ts';

function throughput(
  plannerName: string,
  repeats: number,
): { rt: number; planShare: number; tickMsP50: number; tickMsP99: number } {
  const suite = BUILTIN_IDS.map((id) => builtinScenario(id)!);
  let simS = 0;
  let wallMs = 0;
  let planMs = 0;
  const planTicks: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const mode of ['nonreactive', 'reactive'] as const) {
      for (const { scenario, map } of suite) {
        const planner = createPlanner(plannerName);
        if (!planner.ok) throw new Error(planner.error.message);
        const t0 = performance.now();
        const log = runScenario(scenario, map, planner.value, { mode });
        wallMs += performance.now() - t0;
        simS += scenario.durationS;
        for (const t of log.ticks) {
          planMs += t.planMs ?? 0;
          planTicks.push(t.planMs ?? 0);
        }
      }
    }
  }
  planTicks.sort((a, b) => a - b);
  return {
    rt: simS / (wallMs / 1000),
    planShare: planMs / wallMs,
    tickMsP50: planTicks[Math.floor(planTicks.length * 0.5)]!,
    tickMsP99: planTicks[Math.floor(planTicks.length * 0.99)]!,
  };
}

function simBench(): string {
  const planners = ['constant-velocity', 'idm', 'pdm-closed'];
  // Warm-up (JIT) on one pass, then measure.
  for (const p of planners) throughput(p, 1);
  const rows = planners.map((p) => {
    const r = throughput(p, 2);
    return [
      p,
      `${r.rt.toFixed(0)}×`,
      `${(100 * r.planShare).toFixed(0)}%`,
      r.tickMsP50.toFixed(3),
      r.tickMsP99.toFixed(3),
    ];
  });
  return [
    `## Simulator throughput — built-in suite (${BUILTIN_IDS.length} scenarios × 2 modes × 2 repeats), one thread`,
    markdownTable(['planner', 'real-time factor', 'planner share', 'plan ms p50', 'plan ms p99'], rows, [
      'l',
      'r',
      'r',
      'r',
      'r',
    ]),
  ].join('\n');
}

/** What a section returns: its markdown, and where it has them, its figures as data. */
export type SectionResult = string | { markdown: string; figures?: unknown };

const SECTIONS: Record<string, () => SectionResult | Promise<SectionResult>> = {
  sim: () => `${simBench()}\n\n${agentsBench()}`,
  import: () => importBench(),
  nuplan: () => benchNuplan(),
  perception: async () => `${perceptionBench()}\n${await bevAllocationCheck()}`,
  safety: () => benchSafety(),
  viewer: () => viewerBench(),
  stack: () => benchStack(),
  scale: () => benchScale(),
  controller: () => benchController(),
  bridge: () => benchBridge(),
  planner: () => benchPlanner(),
};

/** The machine a run measured: every figure is read beside it. */
function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg1m: loadavg()[0]!,
  };
}

const wanted = process.argv.slice(2);
// every name checked before anything runs: a typo exits 2 with nothing measured and no results.json written
const unknown = wanted.filter((name) => !Object.hasOwn(SECTIONS, name));
if (unknown.length > 0) {
  console.error(
    `bench: unknown section${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (${Object.keys(SECTIONS).join(', ')}); nothing run, nothing written`,
  );
  process.exit(2);
}
const start = machine();
const startedAt = new Date().toISOString();
// one machine line first, so a pasted table never loses its context
console.log(
  `machine: ${start.cores} cores · ${start.cpuModel} · Node ${start.node} · ${start.platform} · load average (1 min) at start ${start.loadAvg1m.toFixed(1)}`,
);
const sections: Record<string, { markdown: string; figures?: unknown; wallS: number }> = {};
for (const name of wanted.length > 0 ? wanted : Object.keys(SECTIONS)) {
  const section = SECTIONS[name]!;
  const t0 = performance.now();
  const r = await section();
  const entry = typeof r === 'string' ? { markdown: r } : r;
  sections[name] = { ...entry, wallS: (performance.now() - t0) / 1000 };
  console.log(`\n${entry.markdown}`);
}
const endLoad = loadavg()[0]!;
console.log(
  `\nmachine: load average (1 min) at start ${start.loadAvg1m.toFixed(1)}, at end ${endLoad.toFixed(1)}`,
);
const out = join(import.meta.dirname, 'results.json');
writeFileSync(
  out,
  `${JSON.stringify({ startedAt, machine: { ...start, loadAvg1mEnd: endLoad }, sections }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
