/**
 * CARLA ScenarioRunner's legacy scenario XML (`<scenarios><scenario name type town><ego_vehicle
 * x y z yaw/><other_actor …/></scenario>`; scenario_runner/srunner/examples/*.xml) → Scenarios.
 *
 * The file holds placements only: what each scenario type does (a cut-in, a leading vehicle that
 * brakes) is Python code in ScenarioRunner, not data. We import the ego start (CARLA frame: y
 * flipped, yaw in degrees clockwise), a route along the ego's lane (ROUTE_AHEAD_M, straightest
 * successors) that an expert drives at the speed limit, and each other actor placed on the
 * surface (z > HIDDEN_Z_M) as a static agent; actors that ScenarioRunner parks underground until
 * it spawns them are left out and named in the warnings.
 */
import { basename, resolve } from 'node:path';
import { angleDiff, fail, ok, type Result, type Scenario, type ScenarioAgent } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { readTextFile } from '../../../core/readTextFile.ts';
import { loadOpenDrive } from '../opendrive/index.ts';
import { attr, guard, kids, num, parseXml, type XNode } from '../opendrive/XmlTree.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { carlaToMap } from './CarlaFrame.ts';
import { findTown, routeScenario } from './CarlaRoutes.ts';

/** Length of the route laid ahead of the ego along its lane, m. */
export const ROUTE_AHEAD_M = 200;
/** Actors below this z are parked by ScenarioRunner until spawned (their z is −100 in the files), m. */
export const HIDDEN_Z_M = -50;
/** How far an ego start may lie from a driving lane, m. */
const LOCATE_MAX_M = 3;

/** The message for a scenario whose town map is not at hand (check-data counts these apart). */
export const needsTown = (town: string): string => `needs ${town}.xodr; pass --map`;

/** Imports a legacy ScenarioRunner `<scenarios>` file: one Scenario per `<scenario>` whose town is available. */
export function importScenarioRunnerXml(path: string, opts: ImportOptions = {}): Result<ImportResult> {
  const read = readTextFile(path);
  if (!read.ok) return read;
  return guard(path, () => {
    const root = parseXml(read.value, path, 'scenarios');
    if (!root.ok) return root;
    const warnings: string[] = [];
    const scenarios: Scenario[] = [];
    let lastMap: ImportResult['map'];
    let list = kids(root.value, 'scenario');
    if (opts.id !== undefined) {
      list = list.filter((s) => attr(s, 'name') === opts.id);
      if (list.length === 0) return fail('NOT_FOUND', `${path}#${opts.id}`, 'no scenario with this name');
    }
    for (const [i, sc] of list.entries()) {
      const name = attr(sc, 'name') ?? `scenario${i}`;
      const town = attr(sc, 'town') ?? '';
      const where = `${basename(path)}:/scenarios/scenario[name=${name}]`;
      const mapPath = opts.mapPath ?? findTown(path, town);
      if (!mapPath) {
        if (opts.id !== undefined) return fail('NOT_FOUND', where, needsTown(town));
        warnings.push(`${where}: ${needsTown(town)}`);
        continue;
      }
      const odr = loadOpenDrive(mapPath);
      if (!odr.ok) return odr;
      const map = new RoadMap(odr.value.map);
      const r = legacyScenario(sc, map, resolve(mapPath), where);
      if (!r.ok) {
        if (opts.id !== undefined) return r;
        warnings.push(`${r.error.path}: ${r.error.message}`);
        continue;
      }
      warnings.push(...r.value.warnings);
      scenarios.push(r.value.scenario);
      lastMap = odr.value.map;
    }
    return ok({ ...(lastMap ? { map: lastMap } : {}), scenarios, unsupported: [], warnings });
  });
}

function legacyScenario(
  sc: XNode,
  map: RoadMap,
  mapPath: string,
  where: string,
): Result<{ scenario: Scenario; warnings: string[] }> {
  const egoN = kids(sc, 'ego_vehicle')[0];
  if (!egoN) return fail('INVALID_INPUT', `${where}/ego_vehicle`, 'a scenario needs an <ego_vehicle>');
  const ep = `${where}/ego_vehicle`;
  const ego = carlaToMap(num(egoN, 'x', ep), num(egoN, 'y', ep), num(egoN, 'yaw', ep, 0));
  const cands: string[] = [];
  for (const k of map.lanesNear(ego.x, ego.y, 10))
    if (map.lanes[k]!.data.type === 'driving') cands.push(map.lanes[k]!.data.id);
  const loc = map.locate(ego.x, ego.y, ego.headingRad, LOCATE_MAX_M, cands);
  if (!loc)
    return fail(
      'NOT_FOUND',
      ep,
      `no driving lane within ${LOCATE_MAX_M} m of the ego start (${ego.x.toFixed(1)}, ${ego.y.toFixed(1)}) in the map frame (CARLA y ${(-ego.y).toFixed(1)})`,
    );
  // Lay the route ahead along the lane: straightest successors until ROUTE_AHEAD_M.
  let lane = map.mustLane(loc.laneId);
  let left = ROUTE_AHEAD_M - (lane.line.length - loc.sM);
  while (left > 0) {
    const h = lane.line.headingAt(lane.line.length);
    let best: string | undefined;
    let bestErr = Infinity;
    for (const s of lane.data.successors) {
      const o = map.lane(s);
      if (o?.data.type !== 'driving') continue;
      const e = Math.abs(angleDiff(o.line.headingAt(Math.min(5, o.line.length)), h));
      if (e < bestErr) {
        bestErr = e;
        best = s;
      }
    }
    if (!best) break;
    lane = map.mustLane(best);
    left -= lane.line.length;
  }
  const endS = left > 0 ? lane.line.length : lane.line.length + left;
  const end = lane.line.toCartesian(Math.max(0, endS - 0.5), 0);
  const type = attr(sc, 'type') ?? 'scenario';
  const r = routeScenario(
    {
      id: attr(sc, 'name') ?? type,
      town: attr(sc, 'town') ?? '',
      waypoints: [ego, { x: end.x, y: end.y, headingRad: end.headingRad }],
      triggers: [],
    },
    map,
    mapPath,
    where,
  );
  if (!r.ok) return r;
  const warnings: string[] = [...r.value.warnings];
  const agents: ScenarioAgent[] = [];
  kids(sc, 'other_actor').forEach((a, k) => {
    const ap = `${where}/other_actor[${k}]`;
    const z = num(a, 'z', ap, 0);
    if (z < HIDDEN_Z_M) {
      warnings.push(`${ap}: parked at z ${z} until ScenarioRunner spawns it; left out`);
      return;
    }
    const m = carlaToMap(num(a, 'x', ap), num(a, 'y', ap), num(a, 'yaw', ap, 0));
    const model = attr(a, 'model') ?? '';
    const walker = model.startsWith('walker');
    agents.push({
      id: `actor${k}`,
      kind: walker ? 'pedestrian' : 'static',
      lengthM: walker ? 0.5 : 4.5,
      widthM: walker ? 0.6 : 1.9,
      start: { x: m.x, y: m.y, headingRad: m.headingRad, speedMps: 0 },
      behavior: { type: 'static' },
      reactive: 'replay',
    });
  });
  const s = r.value.scenario;
  return ok({
    scenario: {
      ...s,
      id: `srunner_${(attr(sc, 'name') ?? type).replace(/[^\w.-]/g, '_')}`,
      description: `ScenarioRunner ${type} on ${attr(sc, 'town')}: placements from the file; the scenario's behaviour is Python code in ScenarioRunner and is not imported`,
      tags: ['carla', 'scenario_runner', `srunner:${type}`, attr(sc, 'town') ?? ''],
      agents,
      source: { origin: `${where} (CARLA ScenarioRunner)`, license: 'MIT (scenario_runner)' },
    },
    warnings,
  });
}
