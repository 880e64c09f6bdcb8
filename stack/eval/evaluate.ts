/**
 * Batch evaluation: scenarios × planners × modes in worker threads, a progress callback, and a
 * results folder with one summary.json per planner and mode plus per-scenario logs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { suiteScore } from '../../sim/metrics/index.ts';
import type { AgentMode, AgentModel } from '../../sim/SimLog.ts';
import type { DriverOptions } from '../registry.ts';
import { type EvalJob, type JobResult, runJob } from './evalJob.ts';

export interface EvaluateOptions {
  scenarios: string[];
  /**
   * Names of the runs, one per scenario (`EvalJob.label`), when the scenarios' own ids repeat in
   * the suite (`uniqueRunLabels`).
   */
  labels?: (string | undefined)[];
  planners: string[];
  modes: AgentMode[];
  /** Reactive agent model; the default when undefined. */
  agents?: AgentModel;
  seed: number;
  workers: number;
  /** Results folder; nothing is written when undefined. */
  outDir?: string;
  /** Map file or map root passed to every job (CARLA routes, nuPlan logs). */
  mapPath?: string;
  /** Command stacks: the controller by name and its budget (see controller/ CONTROLLER_NAMES). */
  controller?: string;
  budget?: string;
  /** Planner options passed to every job (`--llm` etc.). */
  driverOptions?: DriverOptions;
  onProgress?: (done: number, total: number, last: JobResult) => void;
  /**
   * Runs the jobs and reports each result by its index (default: the local worker-thread pool).
   * The queue (`stack/eval/queue.ts`) and shards plug in here; the summaries are the same.
   */
  runner?: (jobs: EvalJob[], onDone: (i: number, r: JobResult) => void) => Promise<void>;
}

export interface Summary {
  planner: string;
  mode: AgentMode;
  /** Suite score 0–100 (mean of scenario scores × 100, as nuPlan leaderboards report CLS). */
  score: number;
  scenarios: { id: string; tags: string[]; score: number; metrics: Record<string, number> }[];
}

export interface EvaluateResult {
  summaries: Summary[];
  results: { job: EvalJob; result: JobResult }[];
  /** Where each summary.json went (when outDir was given). */
  files: string[];
}

/** The folder of one planner × mode inside the results folder. */
export function runDir(outDir: string, planner: string, mode: AgentMode, modes: number): string {
  return modes > 1 ? join(outDir, mode, planner) : join(outDir, planner);
}

export async function runPool(
  jobs: EvalJob[],
  workers: number,
  onDone: (i: number, r: JobResult) => void,
): Promise<void> {
  if (workers <= 1 || jobs.length <= 1) {
    for (const [i, j] of jobs.entries()) onDone(i, await runJob(j));
    return;
  }
  const n = Math.min(workers, jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      const w = new Worker(new URL('./evalWorker.mjs', import.meta.url));
      try {
        while (next < jobs.length) {
          const index = next++;
          const result = await new Promise<JobResult>((resolveJob, reject) => {
            const onMsg = (m: { index: number; result: JobResult }) => {
              w.off('error', reject);
              resolveJob(m.result);
            };
            w.once('message', onMsg);
            w.once('error', reject);
            w.postMessage({ index, job: jobs[index] });
          });
          onDone(index, result);
        }
      } finally {
        await w.terminate();
      }
    }),
  );
}

/** The jobs of an evaluation, in their fixed order (mode, planner, scenario). */
export function evaluationJobs(o: Omit<EvaluateOptions, 'workers'>): EvalJob[] {
  const jobs: EvalJob[] = [];
  for (const mode of o.modes) {
    for (const planner of o.planners) {
      for (const [k, scenario] of o.scenarios.entries()) {
        const label = o.labels?.[k];
        const job: EvalJob = {
          scenario,
          ...(label !== undefined ? { label } : {}),
          planner,
          mode,
          ...(o.agents ? { agents: o.agents } : {}),
          seed: o.seed,
          ...(o.mapPath ? { mapPath: o.mapPath } : {}),
          ...(o.controller !== undefined ? { controller: o.controller } : {}),
          ...(o.budget !== undefined ? { budget: o.budget } : {}),
          ...(o.driverOptions ? { driverOptions: o.driverOptions } : {}),
        };
        if (o.outDir) job.logDir = join(runDir(o.outDir, planner, mode, o.modes.length), 'logs');
        jobs.push(job);
      }
    }
  }
  return jobs;
}

export async function evaluate(o: EvaluateOptions): Promise<EvaluateResult> {
  const jobs = evaluationJobs(o);
  const results: JobResult[] = new Array(jobs.length);
  let done = 0;
  const runner = o.runner ?? ((js, onDone) => runPool(js, o.workers, onDone));
  await runner(jobs, (i, r) => {
    if (results[i] !== undefined) return; // a job reported twice (a retried run) counts once
    results[i] = r;
    done++;
    o.onProgress?.(done, jobs.length, r);
  });
  return summarize(o, jobs, results);
}

/** Summaries (and summary.json files) from every job's result, in job order. */
export function summarize(
  o: Pick<EvaluateOptions, 'planners' | 'modes' | 'outDir'>,
  jobs: EvalJob[],
  results: JobResult[],
): EvaluateResult {
  const summaries: Summary[] = [];
  const files: string[] = [];
  for (const mode of o.modes) {
    for (const planner of o.planners) {
      const rs = jobs
        .map((j, i) => ({ j, r: results[i]! }))
        .filter(({ j }) => j.mode === mode && j.planner === planner);
      const summary: Summary = {
        planner,
        mode,
        score: 100 * suiteScore(rs.map(({ r }) => r.score)),
        scenarios: rs.map(({ r }) => ({ id: r.id, tags: r.tags, score: 100 * r.score, metrics: r.metrics })),
      };
      summaries.push(summary);
      if (o.outDir) {
        const dir = runDir(o.outDir, planner, mode, o.modes.length);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, 'summary.json');
        writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
        files.push(file);
      }
    }
  }
  return { summaries, results: jobs.map((job, i) => ({ job, result: results[i]! })), files };
}

/**
 * Run names for a suite whose scenarios' ids repeat (CommonRoad files may share a benchmark id):
 * a repeated id is named `<id> @ <file name>` (and numbered if that repeats too), a unique one keeps
 * its id (undefined). So every row of the table and every log file is its own.
 */
export function uniqueRunLabels(ids: readonly string[], refs: readonly string[]): (string | undefined)[] {
  const count = new Map<string, number>();
  for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1);
  const used = new Set<string>(ids.filter((id) => count.get(id) === 1));
  return ids.map((id, i) => {
    if (count.get(id) === 1) return undefined;
    const base = `${id} @ ${refs[i]!.split(/[\\/]/).pop()}`;
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base} (${n})`;
    used.add(label);
    return label;
  });
}
