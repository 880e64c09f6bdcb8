/**
 * Resolves a scenario reference: a built-in id (`cut_in`), a Scenario JSON file, a CARLA route
 * (`carla:<routes.xml>#<routeId>`) or any importable file (`.xosc`, CommonRoad `.xml`, …, with an
 * optional `#<id>`). Map files referenced by a scenario may be JSON or any importable map
 * (`.xodr`, `.osm`, …). Every failure is a Result naming the file and field, never a throw.
 */

import { dirname, extname, resolve } from 'node:path';
import { fail, ok, parseWith, type Result, type Scenario, ScenarioSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/RoadMap.ts';
import { readTextFile } from '../core/readTextFile.ts';
import { BUILTIN_IDS, builtinScenario } from './builtin/builtin.ts';
import { importCarlaRoutes, importFile } from './import/index.ts';

export interface LoadedScenario {
  scenario: Scenario;
  map: RoadMap;
}

function readJson(path: string): Result<unknown> {
  const text = readTextFile(path);
  if (!text.ok) return text;
  try {
    return ok(JSON.parse(text.value));
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
    if (extname(p).toLowerCase() === '.json') {
      const j = readJson(p);
      if (!j.ok) return j;
      mapData = j.value;
    } else {
      const imp = importFile(p);
      if (!imp.ok) return imp;
      if (!imp.value.map) return fail('INVALID_INPUT', `${where}:map.path`, `${p} holds no road map`);
      mapData = imp.value.map;
    }
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

export interface LoadOptions {
  /** Map file for references that need one (CARLA routes whose town is not found beside them). */
  mapPath?: string;
}

/** Splits `file#id`. */
function splitId(ref: string): { file: string; id?: string } {
  const i = ref.lastIndexOf('#');
  return i < 0 ? { file: ref } : { file: ref.slice(0, i), id: ref.slice(i + 1) };
}

/** The first scenario of an import, with its map (inline from the import, or from its map reference). */
function fromImport(
  r: Result<{ map?: unknown; scenarios: Scenario[] }>,
  where: string,
): Result<LoadedScenario> {
  if (!r.ok) return r;
  const s = r.value.scenarios[0];
  if (!s) return fail('NOT_FOUND', where, 'the file holds no scenario');
  if (s.map.kind === 'file' && r.value.map) {
    const map = RoadMap.fromData(r.value.map, `${where}:map`);
    if (!map.ok) return map;
    return ok({ scenario: s, map: map.value });
  }
  return scenarioFromData(s, where, dirname(where));
}

/** Loads a built-in scenario, a Scenario JSON file, a CARLA route or an importable scenario file. */
export function loadScenario(ref: string, opts: LoadOptions = {}): Result<LoadedScenario> {
  const b = builtinScenario(ref);
  if (b) return ok(b);
  if (ref.startsWith('carla:')) {
    const { file, id } = splitId(ref.slice('carla:'.length));
    if (id === undefined) return fail('INVALID_INPUT', ref, 'expected carla:<routes.xml>#<routeId>');
    return fromImport(
      importCarlaRoutes(file, { id, ...(opts.mapPath ? { mapPath: opts.mapPath } : {}) }),
      file,
    );
  }
  if (!ref.endsWith('.json')) {
    const { file, id } = splitId(ref);
    const ext = extname(file).toLowerCase();
    if (['.xosc', '.xml', '.osm', '.db'].includes(ext))
      return fromImport(
        importFile(file, {
          ...(id !== undefined ? { id } : {}),
          ...(opts.mapPath ? { mapPath: opts.mapPath } : {}),
        }),
        file,
      );
    return fail(
      'NOT_FOUND',
      ref,
      `not a built-in scenario (${BUILTIN_IDS.join(', ')}), a .json file, carla:<routes.xml>#<id> nor an importable file (.xosc, .xml, .osm, .db)`,
    );
  }
  const j = readJson(ref);
  if (!j.ok) return j;
  return scenarioFromData(j.value, ref, dirname(ref));
}
