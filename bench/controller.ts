/**
 * `npm run bench controller`: the command controllers side by side on the built-in suite driven
 * through the stack (`pdm-closed-stack`: PDM-Closed's command → safety gate → controller → control
 * check → simulator), non-reactive agents, one run: closed-loop score, controller step latency (mean,
 * p99; wall time around `step` on the stack's thread, worker hand-off included), CPU time per step on
 * one core (the stack thread's plus the policy worker's run time from Linux's per-thread schedstat:
 * the two threads run one after the other), FLOPs per step, and for the network the exits taken and
 * the fallbacks (failures) apart from the steps the verified path runs by design (a command that asks
 * for the platform's braking limit goes to the classical tracker: `ControllerInfo.verifiedPath`).
 *
 * Each row also runs the suite from perturbed ego starts (`EDGEPLAN_BENCH_STARTS`, default 6: start 0
 * is each scenario as built, starts 1… move the ego sideways, turn it and change its speed a little,
 * seeded), so that a difference in score can be told from the noise of a 14-scenario suite: the
 * second table gives each row's mean over starts, its spread, and the paired difference to the
 * full-depth network with a 95 % interval. The scenarios are fixed and the starts independent, so
 * the interval comes from the spread of each scenario's paired difference across its starts
 * (stratified by scenario: Var(Δ̄) = Σ_j s_j² / (S·J²), S starts, J scenarios, J·(S − 1) degrees of
 * freedom). Latencies are pooled over every start.
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
import { createRng, type Scenario } from '../core/index.ts';
import type { CommandController, ControllerInfo } from '../core/planning/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';
import { createDriver, runDriver } from '../stack/index.ts';

/** Classical tracker FLOPs per step, estimated from its code (windowed projection over ~40 segments, pure pursuit, speed law). */
const CLASSICAL_FLOPS_EST = 1500;

/** Ego starts per scenario: start 0 as built, the others perturbed (EDGEPLAN_BENCH_STARTS). */
const STARTS = Math.max(1, Math.floor(Number(process.env.EDGEPLAN_BENCH_STARTS ?? 6)) || 1);
/** Start perturbation bounds (uniform): lateral offset m, heading rad, relative speed. */
const START_LATERAL_M = 0.2;
const START_HEADING_RAD = 0.02;
const START_SPEED_REL = 0.1;

/** Start `k` of `scenario`: k = 0 as built; otherwise the ego moved sideways, turned and sped up or slowed, seeded by (k, index). */
export function perturbedStart(scenario: Scenario, k: number, index: number): Scenario {
  if (k === 0) return scenario;
  const rnd = createRng(k * 7919 + index * 104729);
  const e = scenario.egoStart;
  const d = (2 * rnd() - 1) * START_LATERAL_M;
  return {
    ...scenario,
    egoStart: {
      ...e,
      x: e.x - Math.sin(e.headingRad) * d,
      y: e.y + Math.cos(e.headingRad) * d,
      headingRad: e.headingRad + (2 * rnd() - 1) * START_HEADING_RAD,
      speedMps: e.speedMps * (1 + (2 * rnd() - 1) * START_SPEED_REL),
    },
  };
}

/** Two-sided 95 % Student t quantile for `df` degrees of freedom. */
function t95(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  // beyond the table: the first term of its expansion in 1/df, z + (z³ + z)/(4·df) (0.023 low at df 11, < 0.003 from df 30)
  return df >= 1 && df <= table.length ? table[df - 1]! : 1.96 + 2.4 / df;
}

interface Row {
  name: string;
  /** CLS-NR of the suite as built (start 0). */
  score: number;
  /** Per start, per scenario: the run's score (0–1). */
  scores: number[][];
  /** On-core times of every clean step, ms (the p99 budget's closed-loop profile). */
  cpuSamples: number[];
  meanMs: number;
  p99Ms: number;
  cpuMeanMs: number;
  cpuP99Ms: number;
  flops: number;
  exits: string;
  fallbacks: number;
  /** Fallback steps by reason, then by scenario run ("<id> start <k>"). */
  fallbackWhy: Map<string, Map<string, number>>;
  /** Steps the classical tracker ran by design (`info.verifiedPath`), by reason, then by scenario run. */
  verified: number;
  verifiedWhy: Map<string, Map<string, number>>;
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
  const fallbackWhy = new Map<string, Map<string, number>>();
  let verified = 0;
  const verifiedWhy = new Map<string, Map<string, number>>();
  let where = '';
  let frac = 0;
  const exitCount = new Map<number, number>();
  const scores: number[][] = [];
  for (let start = 0; start < STARTS; start++) {
    const perStart: number[] = [];
    scores.push(perStart);
    for (const [index, id] of BUILTIN_IDS.entries()) {
      const built = builtinScenario(id)!;
      const map = built.map;
      const scenario = perturbedStart(built.scenario, start, index);
      where = `${id} start ${start}`;
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
          if (o.info.fallback) {
            fallbacks++;
            const w = fallbackWhy.get(o.info.fallback) ?? new Map<string, number>();
            w.set(where, (w.get(where) ?? 0) + 1);
            fallbackWhy.set(o.info.fallback, w);
          }
          if (o.info.verifiedPath) {
            verified++;
            const w = verifiedWhy.get(o.info.verifiedPath) ?? new Map<string, number>();
            w.set(where, (w.get(where) ?? 0) + 1);
            verifiedWhy.set(o.info.verifiedPath, w);
          }
          if (o.info.exit) exitCount.set(o.info.exit, (exitCount.get(o.info.exit) ?? 0) + 1);
          return o;
        },
      };
      const log = await runDriver(d.value, scenario, map, {
        mode: 'nonreactive',
        stack: { controller: timed },
      });
      perStart.push(evaluateRun(log, map).score);
    }
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
    score: (100 * scores[0]!.reduce((a, b) => a + b, 0)) / BUILTIN_IDS.length,
    scores,
    cpuSamples: cpuTimes,
    meanMs: times.reduce((a, b) => a + b, 0) / n,
    p99Ms: sorted[Math.floor(0.99 * n)]!,
    cpuMeanMs: cpuTimes.reduce((a, b) => a + b, 0) / cpuTimes.length,
    cpuP99Ms: cpuSorted[Math.floor(0.99 * cpuTimes.length)]!,
    unclean,
    flops: flops / n,
    exits,
    fallbacks,
    fallbackWhy,
    verified,
    verifiedWhy,
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
    info.fallback || info.verifiedPath ? CLASSICAL_FLOPS_EST : (info.computeFraction ?? 1) * fullFlops;
  rows.push(await runSuite('full-depth network', () => full.value.create(), netFlops, runner));
  const fullRow = rows[2]!;
  for (const spec of ['avg:40%', 'avg:60%', 'p99:0.5ms']) {
    const b = parseBudget(spec);
    // p99 budgets: the full-depth row's on-core steps, measured in this closed loop, are the latency profile
    const profile = b.ok && b.value.kind === 'p99' ? { stepSamplesMs: fullRow.cpuSamples } : {};
    const f = controllerFactory('early-exit', {
      budget: spec,
      ...(modelDir ? { modelDir } : {}),
      ...profile,
    });
    if (!f.ok) throw new Error(f.error.message);
    const fr = f.value.runner;
    if (b.ok && fr?.ready()) {
      const cal = f.value.calibration();
      if (cal) {
        let line =
          `${spec}: η₂ = ${cal.thresholds[1]!.toFixed(4)}, η_k = η₂ · ${cal.ratio}^(k−2), on ${runner.manifest?.calibration.rows} held-out rows → ` +
          `mean compute ${(100 * cal.meanComputeFraction).toFixed(1)}% of full depth`;
        if (b.value.kind === 'avg')
          line +=
            '; in closed loop the budget governor holds the mean (cap and threshold scale from the compute spent)';
        else {
          const probeOnly = calibrateRunner(fr, b.value);
          const pm = fr.probeMs();
          line +=
            `, p99 latency model ${cal.p99LatencyMs.toFixed(3)} ms from the full-depth row's ${fullRow.cpuSamples.length} on-core steps (p99 ${fullRow.cpuP99Ms.toFixed(3)} ms) less the skipped blocks' medians` +
            `${cal.met ? '' : ' (budget NOT met: no exit brings the p99 under it; exits as early as the rule allows)'}` +
            `; from the warm probe alone (${pm.length} full-depth runs, p99 ${quantile(pm, 0.99).toFixed(3)} ms, + features 0.1 ms) the model would say ${probeOnly?.p99LatencyMs.toFixed(3)} ms` +
            ` and spend ${(100 * (probeOnly?.meanComputeFraction ?? Number.NaN)).toFixed(1)}%`;
        }
        notes.push(line);
      }
    }
    rows.push(await runSuite(`early exit ${spec}`, () => f.value.create(), netFlops, fr));
    f.value.close();
  }
  full.value.close();
  const expertRow = rows[0]!;
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
        'braking-limit steps (classical by design)',
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
        r.name.includes('network') || r.name.startsWith('early') ? String(r.verified) : '',
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
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
    `Fallback steps by reason (by scenario run): ${
      rows
        .filter((r) => r.fallbacks > 0)
        .map((r) => `${r.name}: ${byReason(r.fallbackWhy)}`)
        .join('; ') || 'none'
    }.`,
    `Braking-limit steps (a command that asks for the platform's braking limit, executed by the classical tracker by design: not failures, not in the fallback counts) by reason (by scenario run): ${
      rows
        .filter((r) => r.verified > 0)
        .map((r) => `${r.name}: ${byReason(r.verifiedWhy)}`)
        .join('; ') || 'none'
    }.`,
    ...notes.map((n) => `- ${n}`),
    '',
    startsHeading(STARTS),
    markdownTable(
      [
        'controller',
        'CLS-NR mean over starts',
        'sd across starts',
        'Δ vs full depth (paired, 95% CI)',
        'scenario runs better / worse than full depth by > 1 point',
      ],
      rows.map((r) => {
        const suite = r.scores.map((s) => (100 * s.reduce((a, b) => a + b, 0)) / s.length);
        const full = fullRow.scores.map((s) => (100 * s.reduce((a, b) => a + b, 0)) / s.length);
        const d = suite.map((x, i) => x - full[i]!);
        let better = 0;
        let worse = 0;
        for (const [i, s] of r.scores.entries())
          for (const [j, x] of s.entries()) {
            const dd = 100 * (x - fullRow.scores[i]![j]!);
            if (dd > 1) better++;
            else if (dd < -1) worse++;
          }
        const ci = stratifiedCi95(r.scores, fullRow.scores);
        return [
          r.name,
          mean(suite).toFixed(2),
          suite.length > 1 ? sd(suite).toFixed(2) : '',
          r === fullRow ? '' : pairedDifference(mean(d), ci, STARTS),
          r === fullRow ? '' : `${better} / ${worse} of ${d.length * BUILTIN_IDS.length}`,
        ];
      }),
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    STARTS > 1
      ? `A difference whose CI contains 0 is not told from the suite's noise at ${STARTS} starts; the score column of the first table is start 0 alone.`
      : "One start (EDGEPLAN_BENCH_STARTS=1): no interval — a difference needs ≥ 2 starts to be told from the suite's noise.",
  ].join('\n');
}

/** The heading of the over-starts table: which starts ran (start 0 alone when there is one). */
export function startsHeading(starts: number): string {
  return starts > 1
    ? `### The same rows over ${starts} ego starts per scenario (start 0 as built; starts 1–${starts - 1}: lateral ±${START_LATERAL_M} m, heading ±${START_HEADING_RAD} rad, speed ±${100 * START_SPEED_REL}%, seeded)`
    : '### The same rows over 1 ego start per scenario (start 0 as built; no perturbed starts: EDGEPLAN_BENCH_STARTS=1)';
}

/** A row's paired difference to full depth with its 95 % half-width; "± n/a (1 start)" without one. */
export function pairedDifference(meanPoints: number, ci95: number, starts: number): string {
  return starts > 1 && Number.isFinite(ci95)
    ? `${sign(meanPoints)} ± ${ci95.toFixed(2)}`
    : `${sign(meanPoints)} ± n/a (${starts} start${starts === 1 ? '' : 's'})`;
}

/** "reason n (run: k, …), …" of steps counted by reason, then by scenario run. */
function byReason(why: Map<string, Map<string, number>>): string {
  return [...why]
    .map(
      ([reason, w]) =>
        `${reason} ${[...w.values()].reduce((a, b) => a + b, 0)} (${[...w]
          .sort((a, b) => b[1] - a[1])
          .map(([run, k]) => `${run}: ${k}`)
          .join(', ')})`,
    )
    .join(', ');
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return a.length > 0 ? s / a.length : Number.NaN;
}

/**
 * Half-width of the 95 % interval of the suite's mean paired difference (points) between `a` and
 * `b` (per start, per scenario, 0–1), with scenarios as fixed strata: each scenario's variance of
 * the difference across starts, Var(Δ̄) = Σ_j s_j² / (S·J²), J·(S − 1) degrees of freedom.
 */
function stratifiedCi95(a: number[][], b: number[][]): number {
  const S = a.length;
  const J = a[0]?.length ?? 0;
  if (S < 2 || J === 0) return Number.NaN;
  let v = 0;
  for (let j = 0; j < J; j++) v += sd(a.map((s, i) => 100 * (s[j]! - b[i]![j]!))) ** 2;
  return t95(J * (S - 1)) * Math.sqrt(v / (S * J * J));
}

/** Sample standard deviation. */
function sd(a: number[]): number {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, a.length - 1));
}

function sign(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}

/** The q-quantile of ascending `sorted` (NaN when empty). */
function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;
}
