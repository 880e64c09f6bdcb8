/**
 * The gate's fuzz campaign: N randomised closed-loop scenarios, each run twice with the full stack
 * (the same inner planner, gate off and gate on), counting at-fault collisions with nuPlan's
 * classification (sim/metrics evaluateRun). Runs in worker threads when `workers` > 1.
 */
import { Worker } from 'node:worker_threads';
import { runScenario } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { createGatedPlanner } from '../GatedPlanner.ts';
import { createPlanner } from '../registry.ts';
import { buildFuzzMaps, FUZZ_FAMILIES, type FuzzFamily, type FuzzMaps, fuzzCase } from './fuzzScenario.ts';

export interface FuzzOptions {
  n: number;
  seed: number;
  /** Inner planner (planner/ createPlanner name). */
  planner?: string;
  durationS?: number;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface FuzzRun {
  index: number;
  family: FuzzFamily;
  atFaultOff: number;
  atFaultOn: number;
  vetoTicks: number;
  modifyTicks: number;
  progressOff: number;
  progressOn: number;
  /** nuPlan closed-loop score of the run ×100, gate off / on. */
  scoreOff?: number;
  scoreOn?: number;
  /** Gate-on ticks on which each rule did not ALLOW (rule name → ticks): where the progress went. */
  rulesOn?: Record<string, number>;
  error?: string;
}

/** The campaign's headline numbers (issue 14's acceptance). */
export interface FuzzSummary {
  /** Runs with an at-fault collision gate-off that have none gate-on, over those gate-off. */
  removedShare: number;
  /** Runs with an at-fault collision gate-on but none gate-off: caused by the gate. */
  causedByGate: number;
  /** Runs without any at-fault collision either way. */
  cleanRuns: number;
  /** Mean score ×100 and progress over the clean runs, gate off / on. */
  cleanScoreOff: number;
  cleanScoreOn: number;
  cleanProgressOff: number;
  cleanProgressOn: number;
}

/** One family's share of the campaign. */
export interface FuzzFamilyStats {
  runs: number;
  collidedOff: number;
  collidedOn: number;
  /** Runs without any at-fault collision either way, and their mean progress gate off / on. */
  cleanRuns: number;
  cleanProgressOff: number;
  cleanProgressOn: number;
  /** The rules that held the clean runs back: rule → gate-on ticks it did not ALLOW, most first (≤ 3). */
  topRules: Array<[string, number]>;
}

export interface FuzzReport {
  n: number;
  seed: number;
  planner: string;
  runs: FuzzRun[];
  /** Runs with ≥ 1 at-fault collision, gate off / on. */
  collidedOff: number;
  collidedOn: number;
  perFamily: Record<string, FuzzFamilyStats>;
  summary: FuzzSummary;
  errors: number;
}

/** Runs one fuzz case gate-off and gate-on. */
export function runFuzzCase(
  seed: number,
  index: number,
  plannerName: string,
  durationS: number,
  maps: FuzzMaps = buildFuzzMaps(),
): FuzzRun {
  const c = fuzzCase(seed, index, durationS, maps);
  const mk = () => {
    const p = createPlanner(plannerName);
    if (!p.ok) throw new Error(p.error.message);
    return p.value;
  };
  const off = evaluateRun(runScenario(c.scenario, c.map, mk(), { mode: 'nonreactive', seed }), c.map);
  let vetoTicks = 0;
  let modifyTicks = 0;
  const rulesOn: Record<string, number> = {};
  const gated = createGatedPlanner(mk(), {
    onVerdict: (_t, v) => {
      if (v.decision === 'VETO') vetoTicks++;
      else if (v.decision === 'MODIFY') modifyTicks++;
      for (const rule of new Set(v.rules.filter((x) => x.decision !== 'ALLOW').map((x) => x.rule)))
        rulesOn[rule] = (rulesOn[rule] ?? 0) + 1;
    },
  });
  const on = evaluateRun(runScenario(c.scenario, c.map, gated, { mode: 'nonreactive', seed }), c.map);
  const faults = (m: typeof off) => m.details.collisions.filter((x) => x.atFault).length;
  return {
    index,
    family: c.family,
    atFaultOff: faults(off),
    atFaultOn: faults(on),
    vetoTicks,
    modifyTicks,
    progressOff: off.weighted.ego_progress_along_expert_route ?? 0,
    progressOn: on.weighted.ego_progress_along_expert_route ?? 0,
    scoreOff: 100 * off.score,
    scoreOn: 100 * on.score,
    rulesOn,
  };
}

/** Headline numbers of a set of runs. */
export function fuzzSummary(runs: ReadonlyArray<FuzzRun>): FuzzSummary {
  const ok = runs.filter((r) => !r.error);
  const hitOff = ok.filter((r) => r.atFaultOff > 0);
  const clean = ok.filter((r) => r.atFaultOff === 0 && r.atFaultOn === 0);
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    removedShare: hitOff.length ? hitOff.filter((r) => r.atFaultOn === 0).length / hitOff.length : 1,
    causedByGate: ok.filter((r) => r.atFaultOn > 0 && r.atFaultOff === 0).length,
    cleanRuns: clean.length,
    cleanScoreOff: mean(clean.map((r) => r.scoreOff ?? 0)),
    cleanScoreOn: mean(clean.map((r) => r.scoreOn ?? 0)),
    cleanProgressOff: mean(clean.map((r) => r.progressOff)),
    cleanProgressOn: mean(clean.map((r) => r.progressOn)),
  };
}

function summarise(opts: FuzzOptions, runs: FuzzRun[]): FuzzReport {
  const perFamily: FuzzReport['perFamily'] = {};
  for (const f of FUZZ_FAMILIES) {
    const mine = runs.filter((r) => r.family === f);
    const clean = mine.filter((r) => !r.error && r.atFaultOff === 0 && r.atFaultOn === 0);
    const rules: Record<string, number> = {};
    for (const r of clean)
      for (const [rule, ticks] of Object.entries(r.rulesOn ?? {})) rules[rule] = (rules[rule] ?? 0) + ticks;
    const m = fuzzSummary(clean);
    perFamily[f] = {
      runs: mine.length,
      collidedOff: mine.filter((r) => r.atFaultOff > 0).length,
      collidedOn: mine.filter((r) => r.atFaultOn > 0).length,
      cleanRuns: clean.length,
      cleanProgressOff: m.cleanProgressOff,
      cleanProgressOn: m.cleanProgressOn,
      topRules: Object.entries(rules)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, 3),
    };
  }
  return {
    n: opts.n,
    seed: opts.seed,
    planner: opts.planner ?? 'idm',
    runs,
    collidedOff: runs.filter((r) => r.atFaultOff > 0).length,
    collidedOn: runs.filter((r) => r.atFaultOn > 0).length,
    perFamily,
    summary: fuzzSummary(runs),
    errors: runs.filter((r) => r.error).length,
  };
}

/** Runs the campaign; deterministic for (n, seed, planner, durationS) whatever the worker count. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const planner = opts.planner ?? 'idm';
  const durationS = opts.durationS ?? 8;
  const workers = Math.max(1, Math.min(opts.workers ?? 1, opts.n));
  const runs: FuzzRun[] = new Array(opts.n);
  let done = 0;
  let maps: FuzzMaps | undefined;
  const safeRun = (i: number): FuzzRun => {
    try {
      maps ??= buildFuzzMaps();
      return runFuzzCase(opts.seed, i, planner, durationS, maps);
    } catch (e) {
      return {
        index: i,
        family: FUZZ_FAMILIES[i % FUZZ_FAMILIES.length]!,
        atFaultOff: 0,
        atFaultOn: 0,
        vetoTicks: 0,
        modifyTicks: 0,
        progressOff: 0,
        progressOn: 0,
        error: String(e),
      };
    }
  };
  if (workers === 1) {
    for (let i = 0; i < opts.n; i++) {
      runs[i] = safeRun(i);
      opts.onProgress?.(++done, opts.n);
    }
    return summarise(opts, runs);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, () => {
      const w = new Worker(new URL('./fuzzWorker.mjs', import.meta.url));
      return new Promise<void>((resolve, reject) => {
        const feed = () => {
          if (next >= opts.n) {
            void w.terminate().then(() => resolve());
            return;
          }
          w.postMessage({ seed: opts.seed, index: next++, planner, durationS });
        };
        w.on('message', (r: FuzzRun) => {
          runs[r.index] = r;
          opts.onProgress?.(++done, opts.n);
          feed();
        });
        w.on('error', reject);
        feed();
      });
    }),
  );
  return summarise(opts, runs);
}

/** The side-by-side table (markdown). */
export function fuzzTable(r: FuzzReport): string {
  const rows = [
    '| family | runs | at-fault collisions, gate off | at-fault collisions, gate on | clean runs: progress off / on | rules not allowing (clean runs, ticks) |',
    '|---|---:|---:|---:|---|---|',
    ...Object.entries(r.perFamily).map(
      ([f, p]) =>
        `| ${f} | ${p.runs} | ${p.collidedOff} | ${p.collidedOn} | ${p.cleanProgressOff.toFixed(3)} / ${p.cleanProgressOn.toFixed(3)} | ${p.topRules.map(([rule, n]) => `${rule} ${n}`).join(', ') || '–'} |`,
    ),
    `| **all** | ${r.runs.length} | ${r.collidedOff} | ${r.collidedOn} | ${r.summary.cleanProgressOff.toFixed(3)} / ${r.summary.cleanProgressOn.toFixed(3)} | |`,
  ];
  const m = r.summary;
  rows.push(
    '',
    `at-fault collisions removed: ${(100 * m.removedShare).toFixed(1)} % (${r.collidedOff} runs gate-off); caused by the gate: ${m.causedByGate}`,
    `collision-free runs (${m.cleanRuns}): CLS ${m.cleanScoreOff.toFixed(1)} gate-off vs ${m.cleanScoreOn.toFixed(1)} gate-on; progress ${m.cleanProgressOff.toFixed(3)} vs ${m.cleanProgressOn.toFixed(3)}`,
  );
  // name the runs to replay (`fuzzCase(seed, index)`): every gate-on collision, the gate's own marked
  const named = (pick: (x: FuzzRun) => boolean): string =>
    r.runs
      .filter((x) => !x.error && pick(x))
      .map((x) => `${x.index} (${x.family})`)
      .join(', ') || 'none';
  rows.push(
    `runs with an at-fault collision gate-on, also gate-off: ${named((x) => x.atFaultOn > 0 && x.atFaultOff > 0)}`,
    `runs with an at-fault collision caused by the gate: ${named((x) => x.atFaultOn > 0 && x.atFaultOff === 0)}`,
  );
  return rows.join('\n');
}
