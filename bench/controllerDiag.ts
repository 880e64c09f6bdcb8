/**
 * `node --import tsx bench/controllerDiag.ts [split|spend|loss]`: diagnostics behind the controller
 * README's reading of `npm run bench controller` (not part of `npm run bench`; split and spend by
 * default, loss when named).
 *
 * - split: where a network step's on-core time goes, closed loop against the runner's warm probe:
 *   the features alone (stack thread), and a full-depth step split into the stack thread's part and
 *   the policy worker's (Linux schedstat run times read right after each thread slept, as the bench).
 * - spend: per built-in scenario, the mean compute of early exit at avg:40% and avg:60% with the
 *   calibrated thresholds alone and with the budget governor.
 * - loss: where early exit loses points against full depth: each built-in scenario from the bench's
 *   ego starts (EDGEPLAN_BENCH_STARTS, 6) driven by full depth and by early exit
 *   (EDGEPLAN_DIAG_BUDGET, avg:40%; EDGEPLAN_CONTROLLER_MODEL for a candidate model); for each run
 *   more than a point apart, the metrics that differ, the step where the two egos are first 0.3 m
 *   apart (command, speed), the exits taken in the 20 steps before, and the largest gap between the
 *   two runs' accelerations up to there; then the mean difference per scenario.
 */
import { loadavg } from 'node:os';
import {
  ClassicalParamsSchema,
  createClassicalController,
  createEarlyExitController,
  createPolicyRunner,
  FEATURE_DIM,
  featuresFor,
  initialReference,
  settleThread,
  threadAsleepProbe,
  threadRunClock,
} from '../controller/index.ts';
import type { CommandController } from '../core/planning/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';
import { createDriver, runDriver } from '../stack/index.ts';

const q = (a: ArrayLike<number>, p: number): number => {
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const fmt = (a: ArrayLike<number>): string =>
  `p50 ${q(a, 0.5).toFixed(3)}  p90 ${q(a, 0.9).toFixed(3)}  p99 ${q(a, 0.99).toFixed(3)}  (n ${a.length})`;

/** Runs `make()`'s controller over the built-in suite through pdm-closed-stack, non-reactive. */
async function suite(make: () => CommandController): Promise<void> {
  for (const id of BUILTIN_IDS) {
    const { scenario, map } = builtinScenario(id)!;
    const d = createDriver('pdm-closed-stack');
    if (!d.ok) throw new Error(d.error.message);
    await runDriver(d.value, scenario, map, { mode: 'nonreactive', stack: { controller: make() } });
  }
}

async function split(): Promise<void> {
  const runner = createPolicyRunner();
  if (!runner.ready()) throw new Error(runner.loadError);
  const tid = runner.workerThreadId();
  const runNs = threadRunClock();
  const workerNs = threadRunClock(tid);
  const asleep = threadAsleepProbe(tid);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const settled = (): void => {
    for (let i = 0; i < 50 && asleep() === false; i++) Atomics.wait(nap, 0, 0, 1);
  };
  // the warm probe: full-depth runs back to back
  const probe = { stack: [] as number[], worker: [] as number[] };
  const zeros = new Float32Array(FEATURE_DIM);
  for (let i = 0; i < 200; i++) {
    settled();
    settleThread(nap);
    const r0 = runNs();
    const w0 = workerNs();
    runner.run(zeros, { mode: 'full' });
    settleThread(nap);
    const r1 = runNs();
    settled();
    probe.stack.push((r1 - r0) / 1e6);
    probe.worker.push((workerNs() - w0) / 1e6);
  }
  // the closed loop: features alone (with the classical tracker driving), then full-depth steps
  const cp = ClassicalParamsSchema.parse({});
  const feats = new Float32Array(FEATURE_DIM);
  const scratch = { x: 0, y: 0, headingRad: 0 };
  const featureMs: number[] = [];
  await suite(() => {
    const cl = createClassicalController();
    let ref = initialReference();
    return {
      name: 'classical+features',
      init: (c) => cl.init(c),
      step(s, r, c) {
        settleThread(nap);
        const r0 = runNs();
        ref = featuresFor(ref, r, c, cp, feats, scratch);
        settleThread(nap);
        featureMs.push((runNs() - r0) / 1e6);
        return cl.step(s as never, r, c) as never;
      },
    } as CommandController;
  });
  const loop = { stack: [] as number[], worker: [] as number[] };
  await suite(() => {
    const inner = createEarlyExitController({ runner, mode: 'full' });
    return {
      name: inner.name,
      init: (c) => inner.init(c),
      step(s, r, c) {
        settled();
        settleThread(nap);
        const r0 = runNs();
        const w0 = workerNs();
        const o = inner.step(s as never, r, c);
        settleThread(nap);
        const r1 = runNs();
        settled();
        loop.stack.push((r1 - r0) / 1e6);
        loop.worker.push((workerNs() - w0) / 1e6);
        return o;
      },
    } as CommandController;
  });
  runner.close();
  console.log('on-core ms (schedstat; ~5–10 µs of reads included in each figure)');
  console.log(`warm probe, full depth: stack thread ${fmt(probe.stack)}`);
  console.log(`                        worker       ${fmt(probe.worker)}`);
  console.log(`closed loop, features alone:         ${fmt(featureMs)}`);
  console.log(`closed loop, full depth: stack thread ${fmt(loop.stack)}`);
  console.log(`                         worker       ${fmt(loop.worker)}`);
  const total = loop.stack.map((x, i) => x + loop.worker[i]!);
  const probeTotal = probe.stack.map((x, i) => x + probe.worker[i]!);
  console.log(`full-depth step total: closed loop ${fmt(total)}; warm probe ${fmt(probeTotal)}`);
}

async function spend(): Promise<void> {
  const runner = createPolicyRunner();
  if (!runner.ready()) throw new Error(runner.loadError);
  console.log('mean compute, % of full depth: calibrated thresholds alone → with the governor');
  for (const id of BUILTIN_IDS) {
    const cells: string[] = [];
    for (const fraction of [0.4, 0.6]) {
      const pct: number[] = [];
      for (const governor of [false, true]) {
        const { scenario, map } = builtinScenario(id)!;
        const d = createDriver('pdm-closed-stack');
        if (!d.ok) throw new Error(d.error.message);
        const inner = createEarlyExitController({
          runner,
          mode: 'early',
          budget: { kind: 'avg', fraction },
          ...(governor ? {} : { governor: false as const }),
        });
        let s = 0;
        let n = 0;
        const c: CommandController = {
          name: inner.name,
          init: (x) => inner.init(x),
          step(st, r, x) {
            const o = inner.step(st as never, r, x);
            s += o.info.computeFraction ?? 0;
            n++;
            return o;
          },
        };
        await runDriver(d.value, scenario, map, { mode: 'nonreactive', stack: { controller: c } });
        pct.push((100 * s) / n);
      }
      cells.push(`avg:${100 * fraction}% ${pct[0]!.toFixed(1)} → ${pct[1]!.toFixed(1)}`);
    }
    console.log(`${id.padEnd(22)} ${cells.join('   ')}`);
  }
  runner.close();
}

async function loss(): Promise<void> {
  const { perturbedStart } = await import('./controller.ts');
  const starts = Math.max(1, Number(process.env.EDGEPLAN_BENCH_STARTS ?? 6));
  const modelDir = process.env.EDGEPLAN_CONTROLLER_MODEL;
  const runner = createPolicyRunner(modelDir ? { modelDir } : {});
  if (!runner.ready()) throw new Error(runner.loadError);
  const budget = process.env.EDGEPLAN_DIAG_BUDGET ?? 'avg:40%';
  const fraction = Number(/avg:(\d+(?:\.\d+)?)%/.exec(budget)?.[1] ?? 40) / 100;
  console.log(
    `closed-loop loss of early exit ${budget} against full depth, per scenario run (CLS-NR points)`,
  );
  interface Trace {
    x: number[];
    y: number[];
    v: number[];
    cmd: string[];
    exit: number[];
    agree: number[];
    a: number[];
  }
  const runOne = async (
    mode: 'early' | 'full',
    id: string,
    index: number,
    start: number,
  ): Promise<{ score: number; m: Record<string, number>; tr: Trace; frac: number }> => {
    const built = builtinScenario(id)!;
    const scenario = perturbedStart(built.scenario, start, index);
    const d = createDriver('pdm-closed-stack');
    if (!d.ok) throw new Error(d.error.message);
    const inner = createEarlyExitController({
      runner,
      mode,
      ...(mode === 'early' ? { budget: { kind: 'avg' as const, fraction } } : {}),
    });
    const tr: Trace = { x: [], y: [], v: [], cmd: [], exit: [], agree: [], a: [] };
    let frac = 0;
    const c: CommandController = {
      name: inner.name,
      init: (x) => inner.init(x),
      step(st, r, x) {
        const o = inner.step(st as never, r, x);
        tr.x.push(r.ego.x);
        tr.y.push(r.ego.y);
        tr.v.push(r.ego.speedMps);
        tr.cmd.push(
          `${r.command.speed}/${r.command.path}${r.command.decelMps2 ? `@${r.command.decelMps2.toFixed(1)}` : ''}`,
        );
        tr.exit.push(o.info.exit ?? 0);
        tr.agree.push(o.info.agreement ?? Number.NaN);
        tr.a.push(o.control.kind === 'ackermann' ? o.control.accelMps2 : 0);
        frac += o.info.computeFraction ?? 1;
        return o;
      },
    };
    const log = await runDriver(d.value, scenario, built.map, {
      mode: 'nonreactive',
      stack: { controller: c },
    });
    const ev = evaluateRun(log, built.map);
    return {
      score: 100 * ev.score,
      m: { ...ev.multipliers, ...ev.weighted } as Record<string, number>,
      tr,
      frac: frac / tr.x.length,
    };
  };
  const perScenario = new Map<string, number[]>();
  let fracSum = 0;
  let fracN = 0;
  for (let start = 0; start < starts; start++)
    for (const [index, id] of BUILTIN_IDS.entries()) {
      const f = await runOne('full', id, index, start);
      const e = await runOne('early', id, index, start);
      fracSum += e.frac;
      fracN++;
      const dlt = e.score - f.score;
      const arr = perScenario.get(id) ?? [];
      arr.push(dlt);
      perScenario.set(id, arr);
      if (Math.abs(dlt) <= 1) continue;
      // where the trajectories part: the first step the ego is 0.3 m apart
      let k = 0;
      const n = Math.min(f.tr.x.length, e.tr.x.length);
      while (k < n && Math.hypot(f.tr.x[k]! - e.tr.x[k]!, f.tr.y[k]! - e.tr.y[k]!) < 0.3) k++;
      const k0 = Math.max(0, k - 20);
      const exits = e.tr.exit.slice(k0, k).join('');
      const metrics = Object.keys(f.m)
        .filter((m) => Math.abs(f.m[m]! - e.m[m]!) > 0.005)
        .map((m) => `${m} ${f.m[m]!.toFixed(2)}→${e.m[m]!.toFixed(2)}`)
        .join(', ');
      console.log(
        `${id.padEnd(22)} start ${start}: full ${f.score.toFixed(1)} early ${e.score.toFixed(1)} (Δ ${dlt.toFixed(1)}); ${metrics}; ` +
          `apart (0.3 m) at step ${k < n ? k : 'never'} (cmd ${e.tr.cmd[Math.min(k, n - 1)]}, v ${e.tr.v[Math.min(k, n - 1)]?.toFixed(1)}), exits before: ${exits}; ` +
          `accel gap max ${Math.max(...f.tr.a.slice(0, k + 1).map((a, i) => Math.abs(a - e.tr.a[i]!))).toFixed(2)}`,
      );
    }
  console.log('per scenario: mean Δ over starts (points)');
  for (const [id, d] of perScenario)
    console.log(
      `${id.padEnd(22)} ${(d.reduce((a, b) => a + b, 0) / d.length).toFixed(2)}  [${d.map((x) => x.toFixed(1)).join(' ')}]`,
    );
  const all = [...perScenario.values()].flat();
  console.log(
    `suite: mean Δ ${(all.reduce((a, b) => a + b, 0) / all.length).toFixed(2)}, compute ${((100 * fracSum) / fracN).toFixed(1)}% of full depth`,
  );
  runner.close();
}

const which = process.argv.slice(2);
const l0 = loadavg()[0]!;
if (which.includes('loss')) await loss();
if (which.length === 0 || which.includes('split')) await split();
if (which.length === 0 || which.includes('spend')) await spend();
console.log(`load average (1 min): ${l0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`);
