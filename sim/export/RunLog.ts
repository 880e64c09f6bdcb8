/**
 * The run-log file as written by `edgeplan run --out` and `edgeplan eval --out`: a SimLog (ticks
 * with ego, agents, lights, command, plan) plus its `metrics`. This schema is the boundary where
 * the viewer, the MCAP export and the HTML report read those files; a bad file becomes an error
 * naming the field, never a crash.
 *
 * `verdict` and `bevPng` on a tick are optional fields that the safety gate and the BEV transform
 * will add; the readers show "no safety data" / "no BEV" when they are absent.
 */

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import {
  AgentStateSchema,
  EgoStateSchema,
  fail,
  MidLevelCommandSchema,
  ok,
  parseWith,
  type Result,
  TrackPointSchema,
  TrafficLightStateSchema,
  VehicleParamsSchema,
  VerdictSchema,
} from '../../core/index.ts';
import { readTextFile } from '../../core/readTextFile.ts';
import { type ScenarioMetrics, ScenarioMetricsSchema } from '../metrics/index.ts';
import type { SimLog } from '../SimLog.ts';

export const RunTickSchema = z.object({
  tS: z.number(),
  ego: EgoStateSchema,
  agents: z.array(AgentStateSchema),
  lights: z.array(TrafficLightStateSchema).default([]),
  command: MidLevelCommandSchema.optional(),
  /** Planned rear-axle poses from this tick, flattened (x, y, headingRad) every 0.5 s. */
  plan: z.array(z.number()).optional(),
  /** The safety gate's verdict on this tick's command (recorded by gated planners and stacks). */
  verdict: VerdictSchema.optional(),
  /** The planner's BEV input as a PNG, base64 (not recorded by the engine yet). */
  bevPng: z.string().optional(),
});
export type RunTick = z.infer<typeof RunTickSchema>;

export const RunLogSchema = z.object({
  scenarioId: z.string(),
  planner: z.string(),
  mode: z.enum(['nonreactive', 'reactive']),
  seed: z.number().default(0),
  dtS: z.number().positive(),
  vehicle: VehicleParamsSchema,
  routeLaneIds: z.array(z.string()).default([]),
  expert: z.array(TrackPointSchema).default([]),
  ticks: z.array(RunTickSchema).min(1),
  staticAgentIds: z.array(z.string()).default([]),
  /** The run ended early at the end of the ego's route (`SimLog.endedAtRouteEnd`). */
  endedAtRouteEnd: z.boolean().optional(),
  /** A live storyboard's event starts (`SimLog.storyboardEvents`). */
  storyboardEvents: z.array(z.object({ name: z.string(), tS: z.number() })).optional(),
  metrics: ScenarioMetricsSchema.optional(),
  /**
   * Where the scenario came from, so that a reader (viewer, MCAP export) can load its map again:
   * a built-in id, an absolute scenario file path, `<abs file>#<id>` or `carla:<abs routes.xml>#<id>`.
   * Absent in logs written before it existed; readers then fall back to `scenarioId`.
   */
  scenarioRef: z.string().optional(),
  /**
   * `scenarioRef` with its file part relative to the run log's own folder (POSIX separators), so
   * that a results folder moved or copied together with its scenarios (to another machine) still
   * finds them; absent for a built-in id and in logs written before round 21.
   */
  scenarioRelRef: z.string().optional(),
  /** SHA-256 (hex) of the scenario file as it was run: a file found at either place is checked against it. */
  scenarioSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Absolute map file or map root the scenario needed (CARLA routes, nuPlan logs). */
  mapPath: z.string().optional(),
  /** `mapPath` relative to the run log's folder (as `scenarioRelRef`). */
  mapRelPath: z.string().optional(),
  /** Wall-clock start of the scenario (Unix seconds) when its source has one (e.g. a recorded log). */
  startUnixS: z.number().optional(),
});
export type RunLog = z.infer<typeof RunLogSchema>;

/** Where a run's scenario came from (see `RunLog.scenarioRef`). */
export interface RunSource {
  scenarioRef: string;
  mapPath?: string;
  startUnixS?: number;
}

/**
 * `ref` with its file part made absolute when that file exists (`a.json`, `log.db#id`,
 * `carla:routes.xml#id`), so that a run log still resolves from another working directory.
 * Built-in ids and unknown refs come back unchanged.
 */
export function absoluteScenarioRef(ref: string): string {
  const carla = ref.startsWith('carla:');
  const body = carla ? ref.slice('carla:'.length) : ref;
  const hash = body.lastIndexOf('#');
  const file = hash < 0 ? body : body.slice(0, hash);
  if (!file || !existsSync(file)) return ref;
  return `${carla ? 'carla:' : ''}${resolve(file)}${hash < 0 ? '' : body.slice(hash)}`;
}

/**
 * The JSON object of a run-log file: the engine's log without wall-clock planner times (not
 * reproducible), its metrics and where its scenario came from.
 */
export function runLogRecord(log: SimLog, metrics: ScenarioMetrics, source: RunSource): RunLog {
  const ticks = log.ticks.map(({ planMs: _wall, ...t }) => t);
  return {
    ...log,
    ticks,
    metrics,
    scenarioRef: absoluteScenarioRef(source.scenarioRef),
    ...(source.mapPath ? { mapPath: resolve(source.mapPath) } : {}),
    ...(source.startUnixS !== undefined ? { startUnixS: source.startUnixS } : {}),
  } as RunLog;
}

/** The file part of a scenario reference (`a.json`, `log.db#id`, `carla:routes.xml#id`) and a rebuild with another file; no file for a built-in id. */
function splitRef(ref: string): { file: string; with: (file: string) => string } | undefined {
  const carla = ref.startsWith('carla:');
  const body = carla ? ref.slice('carla:'.length) : ref;
  const hash = body.lastIndexOf('#');
  const file = hash < 0 ? body : body.slice(0, hash);
  if (!/[/\\.]/.test(file)) return undefined;
  return { file, with: (f) => `${carla ? 'carla:' : ''}${f}${hash < 0 ? '' : body.slice(hash)}` };
}

const toPosix = (p: string): string => p.split(sep).join('/');

function sha256Of(file: string): string | undefined {
  try {
    return statSync(file).isFile()
      ? createHash('sha256').update(readFileSync(file)).digest('hex')
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a run log to `path` with where its scenario and map lie relative to it and the scenario
 * file's content hash (`scenarioRelRef`, `mapRelPath`, `scenarioSha256`): a results folder moved
 * with its scenarios resolves them again (`resolveRunLogSources`).
 */
export function writeRunLog(path: string, record: RunLog): void {
  const folder = dirname(resolve(path));
  const rel = (abs: string) => toPosix(relative(folder, abs)) || '.';
  const out: RunLog = { ...record };
  const split = record.scenarioRef ? splitRef(record.scenarioRef) : undefined;
  if (split && isAbsolute(split.file) && existsSync(split.file)) {
    out.scenarioRelRef = split.with(rel(split.file));
    const h = sha256Of(split.file);
    if (h) out.scenarioSha256 = h;
  }
  if (record.mapPath && isAbsolute(record.mapPath) && existsSync(record.mapPath))
    out.mapRelPath = rel(record.mapPath);
  writeFileSync(path, JSON.stringify(out));
}

/**
 * Where a run log's scenario (and map) are now: the path it ran with, else the same file relative
 * to the log (a folder moved with its scenarios, to another machine too), the first whose content
 * matches `scenarioSha256` when the log has one. Old logs (no relative ref) resolve as before.
 * When neither is there (or neither matches) the error says, in one line, what is missing and where
 * it was looked for. `scenario` (`--scenario`) overrides.
 */
export function resolveRunLogSources(
  log: Pick<
    RunLog,
    'scenarioId' | 'scenarioRef' | 'scenarioRelRef' | 'scenarioSha256' | 'mapPath' | 'mapRelPath'
  >,
  logPath: string,
  scenario?: string,
): Result<{ ref: string; mapPath?: string }> {
  const folder = dirname(resolve(logPath));
  const mapPath = (() => {
    if (log.mapPath && existsSync(log.mapPath)) return log.mapPath;
    if (log.mapRelPath) {
      const m = resolve(folder, log.mapRelPath);
      if (existsSync(m)) return m;
    }
    return log.mapPath;
  })();
  const withMap = (ref: string) => ok({ ref, ...(mapPath ? { mapPath } : {}) });
  if (scenario) return withMap(scenario);
  const ref = log.scenarioRef ?? log.scenarioId;
  const abs = splitRef(ref);
  if (!abs) return withMap(ref); // a built-in id
  const rel = log.scenarioRelRef ? splitRef(log.scenarioRelRef) : undefined;
  const candidates = [abs.file, ...(rel ? [resolve(folder, rel.file)] : [])];
  const changed: string[] = [];
  for (const f of candidates) {
    if (!existsSync(f)) continue;
    if (log.scenarioSha256 && sha256Of(f) !== undefined && sha256Of(f) !== log.scenarioSha256) {
      changed.push(f);
      continue;
    }
    return withMap(abs.with(f));
  }
  const where = candidates
    .map((f, i) => `${f} (${i === 0 ? 'where it ran' : 'beside the log'})`)
    .join(' nor at ');
  return fail(
    'NOT_FOUND',
    logPath,
    changed.length > 0
      ? `its scenario file changed since the run (sha256 differs: ${changed.join(', ')}); pass --scenario <file> to use it anyway`
      : `its scenario is missing: not at ${where}${rel ? '' : ' (a log written before round 21 keeps no path relative to itself)'}; pass --scenario <its path now>`,
  );
}

/** Reads and validates one run-log JSON file. */
export function readRunLog(path: string): Result<RunLog> {
  const read = readTextFile(path);
  if (!read.ok) return read;
  const text = read.value;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail('PARSE_ERROR', path, `not valid JSON (${(e as Error).message})`);
  }
  return parseWith(RunLogSchema, data, path);
}

/**
 * Run-log files under `path`: the file itself, or every `*.json` below a results folder except
 * `summary.json`, sorted so that output is deterministic.
 */
export function findRunLogs(path: string): Result<string[]> {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return fail('NOT_FOUND', path, 'no such file or folder');
  }
  if (!st.isDirectory()) return ok([path]);
  const found: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return; // an unreadable folder in the tree holds no run log we can read
    }
    for (const name of names) {
      const p = join(dir, name);
      let sub: boolean;
      try {
        sub = statSync(p).isDirectory();
      } catch {
        continue; // a dangling link
      }
      if (sub) walk(p);
      else if (name.endsWith('.json') && name !== 'summary.json') found.push(p);
    }
  };
  walk(path);
  if (found.length === 0) return fail('NOT_FOUND', path, 'holds no run-log .json files');
  return ok(found);
}
