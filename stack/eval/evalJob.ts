/**
 * One evaluation job: a scenario × planner × mode × seed, run closed-loop and scored. Runs inline
 * or inside a worker thread (evalWorker).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatError } from '../../core/index.ts';
import { loadScenario } from '../../scenarios/loadScenario.ts';
import { runLogRecord, writeRunLog } from '../../sim/export/RunLog.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import type { AgentMode, AgentModel } from '../../sim/SimLog.ts';
import { type AssistStats, assistStats } from '../AssistStats.ts';
import { type ControllerStats, controllerStats } from '../ControllerSummary.ts';
import type { DriverOptions } from '../registry.ts';
import { createDriver, HIERARCHICAL, runDriver } from '../registry.ts';

export interface EvalJob {
  scenario: string;
  planner: string;
  mode: AgentMode;
  /** Reactive agent model; the default when undefined. */
  agents?: AgentModel;
  seed: number;
  /** Where to write the run's log (JSON), or undefined for none. */
  logDir?: string;
  /** Map file or map root for references that need one (CARLA routes, nuPlan logs). */
  mapPath?: string;
  /** Command stacks: the controller by name and its budget (early-exit). */
  controller?: string;
  budget?: string;
  /** Planner options (serialisable: `--llm` etc. for `hierarchical`). */
  driverOptions?: DriverOptions;
  /**
   * The run's name in the results and its log file, when the scenario's own id is not unique in
   * the suite (two files with one benchmark id): without it the second log overwrote the first.
   */
  label?: string;
}

export interface JobResult {
  id: string;
  tags: string[];
  score: number;
  metrics: Record<string, number>;
  collisions: number;
  /** Mean planner time per tick, ms (not part of summary.json: wall time is not reproducible). */
  planMsMean: number;
  simSeconds: number;
  /** Ticks at which a plan failed (the command in force ran on), and the first message. */
  plannerErrors?: { ticks: number; first: string };
  /** Command stacks: what the controller did (exits, compute, fallbacks); `eval` sums them per planner and mode. */
  controller?: ControllerStats;
  /** The hierarchical planner with `--llm` or `--tips`: LLM-Assist and tips over the run; `eval` sums them. */
  assist?: AssistStats;
  error?: string;
}

export async function runJob(job: EvalJob): Promise<JobResult> {
  const loaded = loadScenario(job.scenario, job.mapPath ? { mapPath: job.mapPath } : {});
  if (!loaded.ok) return failedResult(job, formatError(loaded.error));
  const driver = createDriver(job.planner, {
    ...job.driverOptions,
    ...(job.controller !== undefined ? { controller: job.controller } : {}),
    ...(job.budget !== undefined ? { budget: job.budget } : {}),
  });
  if (!driver.ok) return failedResult(job, formatError(driver.error));
  const { scenario, map, storyboard } = loaded.value;
  let log: Awaited<ReturnType<typeof runDriver>>;
  try {
    // a local model loads before the run (in the background otherwise: its first plans would fall
    // back as LOADING); one that cannot load leaves every call's TRANSPORT fallback with the reason
    if (driver.value.kind === 'stack') await driver.value.ready?.();
    log = await runDriver(driver.value, scenario, map, {
      mode: job.mode,
      ...(job.agents ? { agents: job.agents } : {}),
      seed: job.seed,
      recordPlans: !!job.logDir,
      ...(storyboard ? { storyboard } : {}),
    });
  } finally {
    if (driver.value.kind === 'stack') driver.value.close?.();
  }
  const m = evaluateRun(log, map);
  const metrics: Record<string, number> = { ...m.multipliers, ...m.weighted };
  const planMs = log.ticks.reduce((a, t) => a + (t.planMs ?? 0), 0) / log.ticks.length;
  if (job.logDir) {
    mkdirSync(job.logDir, { recursive: true });
    const record = runLogRecord(log, m, {
      scenarioRef: job.scenario,
      ...(job.mapPath ? { mapPath: job.mapPath } : {}),
      ...(scenario.source.startUnixS !== undefined ? { startUnixS: scenario.source.startUnixS } : {}),
    });
    writeRunLog(join(job.logDir, `${logFileStem(job.label ?? scenario.id)}.json`), record);
  }
  const failedTicks = log.ticks.filter((t) => t.plannerError !== undefined);
  const ctrl = controllerStats(log);
  const assisted =
    job.planner === HIERARCHICAL &&
    (job.driverOptions?.llm !== undefined || job.driverOptions?.hierarchical?.tips !== undefined);
  return {
    id: job.label ?? scenario.id,
    tags: scenario.tags,
    ...(failedTicks.length > 0
      ? { plannerErrors: { ticks: failedTicks.length, first: failedTicks[0]!.plannerError! } }
      : {}),
    score: m.score,
    metrics,
    collisions: m.details.collisions.filter((c) => c.atFault).length,
    planMsMean: planMs,
    simSeconds: scenario.durationS,
    ...(ctrl ? { controller: ctrl } : {}),
    ...(assisted ? { assist: assistStats(log) } : {}),
  };
}

/** The result of a run that could not be made (bad scenario, unknown planner, lost job): score 0 and why. */
export function failedResult(job: EvalJob, error: string): JobResult {
  return {
    id: job.label ?? job.scenario,
    tags: [],
    score: 0,
    metrics: {},
    collisions: 0,
    planMsMean: 0,
    simSeconds: 0,
    error,
  };
}

/** A run name as a file name: path separators and characters file systems refuse become `_`. */
export function logFileStem(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
}
