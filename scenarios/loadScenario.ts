/**
 * Resolves a scenario reference: a built-in id (`cut_in`), a Scenario JSON file, a CARLA route
 * (`carla:<routes.xml>#<routeId>`) or any importable file (`.xosc`, CommonRoad `.xml`, …, with an
 * optional `#<id>`). Map files referenced by a scenario may be JSON or any importable map
 * (`.xodr`, `.osm`, …). Every failure is a Result naming the file and field, never a throw.
 */

import { existsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import {
  boxCorners,
  EMPTY_FILE,
  egoBox,
  fail,
  NO_SUCH_FILE,
  ok,
  parseWith,
  type Result,
  type Scenario,
  ScenarioSchema,
} from '../core/index.ts';
import { RoadMap } from '../core/map/RoadMap.ts';
import { readTextFile } from '../core/readTextFile.ts';
import type { StoryboardSourceFactory } from '../sim/index.ts';
import { BUILTIN_IDS, builtinScenario } from './builtin/builtin.ts';
import { importCarlaRoutes, importFile, loadOpenDrive } from './import/index.ts';
import { liveStoryboardFactory } from './import/openscenario/index.ts';
import { expertStands, liveExpert } from './liveExpert.ts';

export interface LoadedScenario {
  scenario: Scenario;
  map: RoadMap;
  /**
   * For a scenario whose agents are storyboard-driven (`Scenario.storyboard`): the live storyboard
   * to hand the simulator (`runDriver` / `runScenario` option `storyboard`); without it they replay.
   */
  storyboard?: StoryboardSourceFactory;
  /**
   * What the importers could not use or warn about (`unsupported: …`, `warning: …`, as `edgeplan
   * import` prints them), and a start off the route's lanes: `run` and `eval` show them, so a
   * damaged input never gives a score without a word (review ux19 #2, #12).
   */
  notes?: string[];
}

/** The lines `edgeplan import` prints for what an import could not use or warns about. */
function importNotes(r: { unsupported: string[]; warnings: string[] }): string[] {
  return [...r.unsupported.map((u) => `unsupported: ${u}`), ...r.warnings.map((w) => `warning: ${w}`)];
}

/** A start this far (m) beyond the edge of every route lane is off the road. */
const OFF_ROUTE_M = 5;

/** A warning when the ego starts off its route's lanes (it would score 0 with no word why). */
function egoStartNote(scenario: Scenario, map: RoadMap): string | undefined {
  const { x, y } = scenario.egoStart;
  let best = Infinity;
  let bestId = '';
  for (const id of scenario.route.laneIds) {
    const l = map.lane(id);
    if (!l) continue;
    const f = l.line.project(x, y);
    // project and poseAt extrapolate beyond the ends: clamp to the lane
    const p = l.line.poseAt(Math.min(Math.max(f.sM, 0), l.line.length));
    const d = Math.hypot(x - p.x, y - p.y) - l.data.widthM / 2;
    if (d < best) {
      best = d;
      bestId = id;
    }
  }
  if (!(best > OFF_ROUTE_M)) return undefined;
  return `warning: egoStart (${x.toFixed(1)}, ${y.toFixed(1)}) is ${best.toFixed(0)} m from the route's lanes (nearest: ${bestId}): the ego starts off the road`;
}

/** nuPlan drivable_area_compliance's max_violation_threshold, m: a corner farther out scores the run 0. */
const DRIVABLE_VIOLATION_M = 0.3;
const CORNER_NAMES = ['front-left', 'front-right', 'rear-right', 'rear-left'];

/**
 * A warning when the ego's footprint at t = 0 already has a corner more than 0.3 m off the
 * drivable area (a rear overhang beyond a lane with no predecessor): nuPlan's
 * drivable_area_compliance then scores the run 0 whatever the planner does (review ux19 #12 /
 * ux21 #11). Measured as the metric measures it (lanes, extra drivable areas, junction polygons).
 */
export function egoFootprintNote(scenario: Scenario, map: RoadMap): string | undefined {
  const c = boxCorners(egoBox(scenario.egoStart, scenario.vehicle));
  const out: string[] = [];
  for (let k = 0; k < 4; k++) {
    const x = c[2 * k]!;
    const y = c[2 * k + 1]!;
    if (map.isDrivable(x, y) || map.inJunctionArea(x, y)) continue;
    const d = map.distanceToDrivable(x, y, 10);
    if (d >= DRIVABLE_VIOLATION_M) out.push(`${CORNER_NAMES[k]} ${d >= 10 ? '≥ 10' : d.toFixed(1)} m`);
  }
  if (out.length === 0) return undefined;
  return `warning: at t = 0 the ego's footprint is outside the drivable area (${out.join(', ')}): nuPlan's drivable_area_compliance (a corner more than ${DRIVABLE_VIOLATION_M} m out) scores the run 0 whatever the planner does; start the ego further along its lane`;
}

/** `r` with `notes` before its own and, last, a start off the route's lanes or off the drivable area. */
function withNotes(r: Result<LoadedScenario>, notes: string[], checkStart: boolean): Result<LoadedScenario> {
  if (!r.ok) return r;
  const all = [...notes, ...(r.value.notes ?? [])];
  const off = checkStart
    ? (egoStartNote(r.value.scenario, r.value.map) ?? egoFootprintNote(r.value.scenario, r.value.map))
    : undefined;
  if (off) all.push(off);
  return all.length > 0 ? ok({ ...r.value, notes: all }) : r;
}

function readJson(path: string): Result<unknown> {
  const text = readTextFile(path);
  if (!text.ok) return text;
  // A UTF-8 byte order mark (Windows editors write one) is not part of the JSON (review ux19 #10).
  const body = text.value.charCodeAt(0) === 0xfeff ? text.value.slice(1) : text.value;
  if (body.trim() === '') return fail('PARSE_ERROR', path, EMPTY_FILE);
  try {
    return ok(JSON.parse(body));
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
  const notes: string[] = [];
  if (scenario.map.kind === 'inline') mapData = scenario.map.map;
  else {
    const mapRef = scenario.map.path;
    const p = resolve(baseDir, mapRef);
    if (extname(p).toLowerCase() === '.json') {
      const j = readJson(p);
      if (!j.ok) return j;
      mapData = j.value;
    } else if (extname(p).toLowerCase() === '.xodr') {
      // loadOpenDrive, not importFile: the latter adds import's boundary-gap measure to the warnings
      const od = loadOpenDrive(p, {
        ...(scenario.map.headerOffset ? { headerOffset: scenario.map.headerOffset } : {}),
        ...(scenario.map.defaultRule ? { defaultRule: scenario.map.defaultRule } : {}),
      });
      if (!od.ok) return od;
      notes.push(...importNotes(od.value).map((n) => `${n} (map ${mapRef})`));
      mapData = od.value.map;
    } else {
      const imp = importFile(p);
      if (!imp.ok) return imp;
      if (!imp.value.map) return fail('INVALID_INPUT', `${where}:map.path`, `${p} holds no road map`);
      notes.push(...importNotes(imp.value).map((n) => `${n} (map ${mapRef})`));
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
  return ok({ scenario, map: map.value, ...(notes.length > 0 ? { notes } : {}) });
}

export interface LoadOptions {
  /** Map file for references that need one (CARLA routes whose town is not found beside them). */
  mapPath?: string;
}

/** How to run on a file that holds only a road map (said wherever one is given as a scenario). */
const RUN_ON_A_MAP =
  'a run needs a scenario on it: a Scenario JSON whose "map" is {"kind":"file","path":"<the map file>"} (with egoStart, route and expert), an OpenSCENARIO .xosc that uses it, or carla:<routes.xml>#<id> --map <town.xodr>; `edgeplan map <source file> --png map.png` draws the map';

/** Splits `file#id`. */
function splitId(ref: string): { file: string; id?: string } {
  const i = ref.lastIndexOf('#');
  return i < 0 ? { file: ref } : { file: ref.slice(0, i), id: ref.slice(i + 1) };
}

/** The first scenario of an import, with its map (inline from the import, or from its map reference). */
function fromImport(
  r: Result<{ map?: unknown; scenarios: Scenario[]; unsupported: string[]; warnings: string[] }>,
  where: string,
): Result<LoadedScenario> {
  if (!r.ok) return r;
  const notes = importNotes(r.value);
  const s = r.value.scenarios[0];
  if (!s && r.value.map)
    return fail(
      'INVALID_INPUT',
      where,
      `holds a road map but no scenario (no planning problem): ${RUN_ON_A_MAP}`,
    );
  if (!s) return fail('NOT_FOUND', where, 'the file holds no scenario');
  if (s.map.kind === 'file' && r.value.map) {
    const map = RoadMap.fromData(r.value.map, `${where}:map`);
    if (!map.ok) return map;
    return ok({ scenario: s, map: map.value, ...(notes.length > 0 ? { notes } : {}) });
  }
  return withNotes(scenarioFromData(s, where, dirname(where)), notes, false);
}

/** Extensions of scenario files that loadScenario imports (with an optional `#<id>`); maps (.xodr, .osm) are no scenarios. */
export const IMPORTABLE_SCENARIO_EXTENSIONS: readonly string[] = ['.xosc', '.xml', '.db'];

/**
 * Every kind of scenario reference loadScenario takes, for help texts and error messages (one
 * list, so that what the help says and what the loader does cannot drift apart).
 */
export const SCENARIO_REF_KINDS: ReadonlyArray<{ ref: string; what: string }> = [
  { ref: '<built-in id>', what: `a built-in scenario (${BUILTIN_IDS.join(', ')})` },
  { ref: '<file>.json', what: 'a Scenario JSON file (formatVersion 1), e.g. written by edgeplan import' },
  { ref: '<file>.xosc[#<id>]', what: 'OpenSCENARIO 1.x (its road network .xodr is found beside it)' },
  { ref: '<file>.xml[#<id>]', what: 'CommonRoad scenario with a planning problem' },
  { ref: '<log>.db#<id>', what: 'nuPlan SQLite log and scenario token (--map: the maps root)' },
  {
    ref: 'carla:<routes.xml>#<id>',
    what: 'CARLA leaderboard route (--map: the town .xodr if not beside it)',
  },
];

/**
 * Loads a built-in scenario, a Scenario JSON file, a CARLA route or an importable scenario file,
 * with its import notes and, for a storyboard-driven scenario, its live storyboard (its `.xosc` read
 * again: an error names it).
 */
export function loadScenario(ref: string, opts: LoadOptions = {}): Result<LoadedScenario> {
  const r = withNotes(loadAny(ref, opts), [], true);
  return r.ok ? withLiveStoryboard(r.value) : r;
}

/**
 * A loaded scenario with its live storyboard where it has one (`Scenario.storyboard`: its `.xosc`
 * read again, an error names it) and, where the file does not move its ego, the expert driven
 * with it (`liveExpert.ts`); any other scenario as it is.
 */
export function withLiveStoryboard(loaded: LoadedScenario): Result<LoadedScenario> {
  const spec = loaded.scenario.storyboard;
  if (!spec) return ok(loaded);
  const live = liveStoryboardFactory(spec, loaded.scenario);
  if (!live.ok) return live;
  // an ego the file does not move has no expert: the attentive IDM driver's drive with the storyboard is (liveExpert.ts)
  if (!expertStands(loaded.scenario)) return ok({ ...loaded, storyboard: live.value });
  const scenario = { ...loaded.scenario, expert: liveExpert(loaded.scenario, loaded.map, live.value) };
  const notes = [
    ...(loaded.notes ?? []),
    `warning: the expert (progress yardstick) is the attentive IDM driver's drive of the route with the live storyboard: the file does not move its ego ${spec.egoEntity}`,
  ];
  return ok({ ...loaded, scenario, notes, storyboard: live.value });
}

function loadAny(ref: string, opts: LoadOptions): Result<LoadedScenario> {
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
    if ((ext === '.xodr' || ext === '.osm') && !existsSync(file)) return fail('IO_ERROR', file, NO_SUCH_FILE);
    if (ext === '.xodr')
      return fail('INVALID_INPUT', file, `is an OpenDRIVE road map, not a scenario: ${RUN_ON_A_MAP}`);
    // a Lanelet2 file is a map only (no ego, route or goal); the help listed it as "a map with a
    // route" and the run said "no planning problem", a CommonRoad term (review ux19 #18)
    if (ext === '.osm')
      return fail('INVALID_INPUT', file, `is a Lanelet2 road map, not a scenario: ${RUN_ON_A_MAP}`);
    if (IMPORTABLE_SCENARIO_EXTENSIONS.includes(ext)) {
      const r = importFile(file, {
        ...(id !== undefined ? { id } : {}),
        ...(opts.mapPath ? { mapPath: opts.mapPath } : {}),
      });
      // An OpenSCENARIO file's `#<id>` names its scenario (or a variant of a distribution); the
      // importer reads the file whole, so an id it does not hold is said here (review ux19 #11).
      if (ext === '.xosc' && id !== undefined && r.ok && !r.value.scenarios.some((s) => s.id === id))
        return fail(
          'NOT_FOUND',
          `${file}#${id}`,
          `no scenario with this id (the file holds ${r.value.scenarios.map((s) => s.id).join(', ') || 'none'})`,
        );
      return fromImport(r, file);
    }
    return fail(
      'NOT_FOUND',
      ref,
      `not a built-in scenario (${BUILTIN_IDS.join(', ')}), a .json file, carla:<routes.xml>#<id> nor an importable file (${IMPORTABLE_SCENARIO_EXTENSIONS.join(', ')})`,
    );
  }
  const j = readJson(ref);
  if (!j.ok) return j;
  const notScenario = roadMapNotScenario(j.value, ref);
  if (notScenario) return notScenario;
  return scenarioFromData(j.value, ref, dirname(ref));
}

/**
 * A RoadMap JSON (what `edgeplan import` writes for a bare `.xodr` or a CommonRoad file without a
 * planning problem) handed where a scenario is expected: says what the file is and how to use it,
 * instead of listing every Scenario field it lacks.
 */
function roadMapNotScenario(data: unknown, ref: string): Result<never> | undefined {
  if (!data || typeof data !== 'object' || 'formatVersion' in data) return undefined;
  const lanes = (data as { lanes?: unknown }).lanes;
  if (!Array.isArray(lanes)) return undefined;
  return fail('INVALID_INPUT', ref, `is a road map (${lanes.length} lanes), not a scenario: ${RUN_ON_A_MAP}`);
}
