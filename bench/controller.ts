/**
 * `npm run bench controller`: the command controllers side by side on the built-in suite driven
 * through the stack (`pdm-closed-stack`: PDM-Closed's command → safety gate → controller → control
 * check → simulator), non-reactive agents, one run: closed-loop score, controller step latency (mean,
 * p99; wall time around `step` on the stack's thread, worker hand-off included), CPU time per step on
 * one core (the stack thread's plus the policy worker's run time from Linux's per-thread schedstat:
 * the two threads run one after the other), FLOPs per step, and for the network the exits taken and
 * the fallbacks.
 */
import { cpus, loadavg } from 'node:os';
import { markdownTable } from '../cli/table.ts';
import {
  calibrateRunner,
  controllerFactory,
  createExpertController,
  type PolicyRunner,
  parseBudget,
  settleThread,
  threadAsleepProbe,
  threadRunClock,
} from '../controller/index.ts';
import type { CommandController, ControllerInfo } from '../core/planning/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';
import { createDriver, runDriver } from '../stack/index.ts';

/** Classical tracker FLOPs per step, estimated from its code (windowed projection over ~40 segments, pure pursuit, speed law). */
const CLASSICAL_FLOPS_EST = 1500;

interface Row {
  name: string;
  score: number;
  meanMs: number;
  p99Ms: number;
  cpuMeanMs: number;
  cpuP99Ms: number;
  flops: number;
  exits: string;
  fallbacks: number;
  computePct: number;
  /** Steps left out of the on-core figures: the worker was not asleep within 50 ms before or after the step. */
  unclean: number;
}

async function runSuite(
  name: string,
  make: () => CommandController,
  flopsOf: (info: ControllerInfo, c: CommandController) => number,
  runner?: PolicyRunner,
): Promise<Row> {
  const runNs = threadRunClock();
  const tid = runner?.workerThreadId() ?? 0;
  const workerRunNs = tid ? threadRunClock(tid) : () => 0;
  const workerAsleep = tid ? threadAsleepProbe(tid) : () => true;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  /** Waits (sleeping 1 ms at a time, up to 50 ms) until the worker sleeps; false if it did not. */
  const workerSettled = (): boolean => {
    for (let i = 0; i < 50 && workerAsleep() === false; i++) Atomics.wait(nap, 0, 0, 1);
    return workerAsleep() !== false;
  };
  let unclean = 0;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let flops = 0;
  let fallbacks = 0;
  let frac = 0;
  const exitCount = new Map<number, number>();
  let total = 0;
  for (const id of BUILTIN_IDS) {
    const { scenario, map } = builtinScenario(id)!;
    const d = createDriver('pdm-closed-stack');
    if (!d.ok) throw new Error(d.error.message);
    const inner = make();
    const timed: CommandController = {
      name: inner.name,
      init: (ctx) => inner.init(ctx),
      step(s, r, c) {
        // CPU time on one core: each thread's run time, read where the kernel has just brought it up
        // to date (after the thread slept): the stack's thread settles before and after the step,
        // the worker is asleep before the step and again after it
        const clean0 = workerSettled();
        settleThread(nap);
        const r0 = runNs();
        const rw0 = workerRunNs();
        const t0 = performance.now();
        const o = inner.step(s, r, c);
        times.push(performance.now() - t0);
        settleThread(nap);
        const r1 = runNs();
        const clean1 = workerSettled();
        const rw1 = workerRunNs();
        if (clean0 && clean1) cpuTimes.push((r1 - r0 + (rw1 - rw0)) / 1e6);
        else unclean++;
        flops += flopsOf(o.info, inner);
        frac += o.info.computeFraction ?? 1;
        if (o.info.fallback) fallbacks++;
        if (o.info.exit) exitCount.set(o.info.exit, (exitCount.get(o.info.exit) ?? 0) + 1);
        return o;
      },
    };
    const log = await runDriver(d.value, scenario, map, {
      mode: 'nonreactive',
      stack: { controller: timed },
    });
    total += evaluateRun(log, map).score;
  }
  const n = times.length;
  const sorted = [...times].sort((a, b) => a - b);
  const cpuSorted = [...cpuTimes].sort((a, b) => a - b);
  const exits = [...exitCount.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([e, c]) => `${e}:${((100 * c) / n).toFixed(0)}%`)
    .join(' ');
  return {
    name,
    score: (100 * total) / BUILTIN_IDS.length,
    meanMs: times.reduce((a, b) => a + b, 0) / n,
    p99Ms: sorted[Math.floor(0.99 * n)]!,
    cpuMeanMs: cpuTimes.reduce((a, b) => a + b, 0) / cpuTimes.length,
    cpuP99Ms: cpuSorted[Math.floor(0.99 * cpuTimes.length)]!,
    unclean,
    flops: flops / n,
    exits,
    fallbacks,
    computePct: (100 * frac) / n,
  };
}

export async function benchController(): Promise<string> {
  const load0 = loadavg()[0]!;
  const rows: Row[] = [];
  const notes: string[] = [];
  const classical = controllerFactory('classical');
  if (!classical.ok) throw new Error(classical.error.message);
  const expert = createExpertController();
  rows.push(
    await runSuite(
      'expert (iLQR)',
      () => expert,
      () => expert.lastFlops(),
    ),
  );
  rows.push(
    await runSuite(
      'classical',
      () => classical.value.create(),
      () => CLASSICAL_FLOPS_EST,
    ),
  );
  // a candidate model (e.g. EDGEPLAN_MODEL_OUT of train:controller) instead of the committed one
  const modelDir = process.env.EDGEPLAN_CONTROLLER_MODEL;
  if (modelDir) notes.push(`model: ${modelDir} (EDGEPLAN_CONTROLLER_MODEL), not the committed one`);
  const full = controllerFactory('full-depth', modelDir ? { modelDir } : {});
  if (!full.ok) throw new Error(full.error.message);
  const runner = full.value.runner!;
  if (!runner.ready()) {
    notes.push(`network unavailable (${runner.loadError}): the network rows ran on the classical fallback`);
  }
  const fullFlops = runner.manifest?.blockFlops.reduce((a, b) => a + b, 0) ?? 0;
  const netFlops = (info: ControllerInfo) =>
    info.fallback ? CLASSICAL_FLOPS_EST : (info.computeFraction ?? 1) * fullFlops;
  rows.push(await runSuite('full-depth network', () => full.value.create(), netFlops, runner));
  for (const spec of ['avg:40%', 'avg:60%', 'p99:0.5ms']) {
    const f = controllerFactory('early-exit', { budget: spec, ...(modelDir ? { modelDir } : {}) });
    if (!f.ok) throw new Error(f.error.message);
    const b = parseBudget(spec);
    if (b.ok && f.value.runner?.ready()) {
      const cal = calibrateRunner(f.value.runner, b.value);
      if (cal)
        notes.push(
          `${spec}: η₂ = ${cal.thresholds[1]!.toFixed(4)}, η_k = η₂ · ${cal.ratio}^(k−2), on ${runner.manifest?.calibration.rows} held-out rows → ` +
            `mean compute ${(100 * cal.meanComputeFraction).toFixed(1)}% of full depth` +
            (b.value.kind === 'p99' ? `, p99 latency model ${cal.p99LatencyMs.toFixed(3)} ms` : '') +
            `${cal.met ? '' : ' (budget NOT met: earliest exit the rule allows)'}` +
            (b.value.kind === 'p99'
              ? ` (model: hand-off ${f.value.runner.handoffMs().toFixed(3)} ms measured on-core p90 + features 0.1 ms + block medians)`
              : ''),
        );
    }
    rows.push(await runSuite(`early exit ${spec}`, () => f.value.create(), netFlops, f.value.runner));
    f.value.close();
  }
  full.value.close();
  const expertRow = rows[0]!;
  const fullRow = rows[2]!;
  const us = runner.blockMicros?.() ?? [];
  const load1 = loadavg()[0]!;
  return [
    `## Controllers — built-in suite (${BUILTIN_IDS.length} scenarios) through the stack (pdm-closed-stack), non-reactive, one run`,
    markdownTable(
      [
        'controller',
        'CLS-NR',
        'step ms mean',
        'step ms p99',
        'on-core ms mean',
        'on-core ms p99',
        'MFLOP / step',
        'compute vs full depth',
        'exits taken',
        'fallback steps',
      ],
      rows.map((r) => [
        r.name,
        r.score.toFixed(2),
        r.meanMs.toFixed(3),
        r.p99Ms.toFixed(3),
        r.cpuMeanMs.toFixed(3),
        r.cpuP99Ms.toFixed(3),
        (r.flops / 1e6).toFixed(3),
        r.name.includes('network') || r.name.startsWith('early') ? `${r.computePct.toFixed(1)}%` : '',
        r.exits,
        String(r.fallbacks),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
    ),
    '',
    `Step ms: wall time around \`step\` on the stack's thread (worker hand-off and waiting for a core included); on-core ms: CPU time of the step on one core, the stack thread's plus the policy worker's (Linux schedstat run time, read right after each thread has slept, when the kernel has brought it up to date; V8's background GC and compiler threads, which run beside it, not included; ~5 µs of the reads included). ` +
      `Load average (1 min) on ${cpus().length} cores: ${load0.toFixed(1)} at the start of this section, ${load1.toFixed(1)} at the end.`,
    `Expert / full-depth FLOPs: ${(expertRow.flops / fullRow.flops).toFixed(2)}× (aim ≥ 20×). Full depth vs expert: ${(fullRow.score - expertRow.score).toFixed(2)} points.`,
    `Per-block session.run in the worker (median, µs): ${us.map((u) => u.toFixed(0)).join(', ')}; ` +
      `the stack's thread is blocked for the whole step (Atomics.wait on the worker): ${((100 * fullRow.meanMs) / 50).toFixed(2)}% of a 20 Hz control period at full depth.`,
    `Classical FLOPs are an estimate from its code (${CLASSICAL_FLOPS_EST}); feature extraction (shared by the network rows) is not counted in FLOPs but is in the latency.`,
    `On-core figures leave out the steps at which the policy worker was not asleep within 50 ms before or after the step (its run time not up to date): ${rows
      .map((r) => `${r.name} ${r.unclean}`)
      .join(', ')}.`,
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
}
