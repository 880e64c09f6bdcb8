/**
 * Resolves a scenario reference: a built-in id (`cut_in`) or a Scenario JSON file. Every failure
 * is a Result naming the file and field, never a throw.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fail, ok, parseWith, type Result, type Scenario, ScenarioSchema } from '../core/index.ts';
import { RoadMap } from './RoadMap.ts';
import { BUILTIN_IDS, builtinScenario } from './scenarios/builtin.ts';

export interface LoadedScenario {
  scenario: Scenario;
  map: RoadMap;
}

function readJson(path: string): Result<unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(
      'IO_ERROR',
      path,
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e),
    );
  }
  try {
    return ok(JSON.parse(text));
  } catch (e) {
    return fail('PARSE_ERROR', path, `not valid JSON (${(e as Error).message})`);
  }
}

/** Parses scenario JSON (already read) whose relative map paths resolve against `baseDir`. */
export function scenarioFromData(data: unknown, where: string, baseDir = '.'): Result<LoadedScenario> {
  const parsed = parseWith(ScenarioSchema, data, where);
  if (!parsed.ok) return parsed;
  const scenario = parsed.value;
  let mapData: unknown;
  let mapWhere = `${where}:map.map`;
  if (scenario.map.kind === 'inline') mapData = scenario.map.map;
  else {
    const p = resolve(baseDir, scenario.map.path);
    const j = readJson(p);
    if (!j.ok) return j;
    mapData = j.value;
    mapWhere = p;
  }
  const map = RoadMap.fromData(mapData, mapWhere);
  if (!map.ok) return map;
  for (const [i, id] of scenario.route.laneIds.entries()) {
    if (!map.value.lane(id))
      return fail('INVALID_INPUT', `${where}:route.laneIds.${i}`, `lane ${id} is not in the map`);
  }
  return ok({ scenario, map: map.value });
}

/** Loads a built-in scenario by id or a Scenario JSON file by path. */
export function loadScenario(ref: string): Result<LoadedScenario> {
  const b = builtinScenario(ref);
  if (b) return ok(b);
  if (!ref.endsWith('.json')) {
    return fail('NOT_FOUND', ref, `not a built-in scenario (${BUILTIN_IDS.join(', ')}) nor a .json file`);
  }
  const j = readJson(ref);
  if (!j.ok) return j;
  return scenarioFromData(j.value, ref, dirname(ref));
}
