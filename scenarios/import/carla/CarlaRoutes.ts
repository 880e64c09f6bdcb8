/**
 * CARLA leaderboard routes → Scenarios on an OpenDRIVE town. v1.0 (`<route id town><waypoint x y
 * yaw/>`, scenario triggers in a separate JSON keyed by town) and v2.x (`<waypoints><position/>`,
 * `<scenarios><scenario type><trigger_point/>`). Waypoints are located on driving lanes, joined by
 * the shortest lane route, and the expert drives that route with an IDM at the speed limit (as the
 * built-in library does). Trigger points that lie on the route become events (see README).
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  angleDiff,
  fail,
  normalizeAngle,
  ok,
  type Result,
  type Scenario,
  ScenarioSchema,
  type TrackPoint,
  type Vec2,
} from '../../../core/index.ts';
import { type LaneRoutePlan, RoadMap } from '../../../core/map/RoadMap.ts';
import { RoutePath } from '../../../core/map/RoutePath.ts';
import { readTextFile } from '../../../core/readTextFile.ts';
import { repoPath } from '../../../core/repoPath.ts';
import { coverEgoSpeed, egoSpeeds } from '../EgoTopSpeed.ts';
import { loadOpenDrive } from '../opendrive/index.ts';
import { attr, guard, kid, kids, num, parseXml, type XNode } from '../opendrive/XmlTree.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { carlaToMap } from './CarlaFrame.ts';
import { expertAlongPath } from './RouteExpert.ts';

/** Leaderboard matches a trigger to a route within 2 m and 10° (leaderboard route_manipulation / route_scenario). */
const TRIGGER_MATCH_M = 2;
const TRIGGER_MATCH_RAD = (10 * Math.PI) / 180;
/** How far a waypoint may lie from a driving lane's centreline, m (CARLA waypoints sit on lane centres). */
const LOCATE_MAX_M = 3;
/** Time budget for the expert run: route length at 40 % of the mean speed limit plus 20 s (slow turns, starting). */
const BUDGET_SPEED_FRACTION = 0.4;
/** The scenario lasts this long after the expert stops at the goal, s. */
const AFTER_ARRIVAL_S = 10;

export interface RouteEvent {
  type: string;
  /** Arc length of the trigger along the route's reference path, m. */
  sM: number;
  x: number;
  y: number;
}

export interface CarlaRoute {
  id: string;
  town: string;
  waypoints: { x: number; y: number; headingRad?: number }[];
  triggers: { type: string; x: number; y: number; headingRad?: number }[];
}

/** Reads the routes of a leaderboard file (CARLA frame converted to ours). */
export function readCarlaRoutes(root: XNode): CarlaRoute[] {
  return kids(root, 'route').map((r, i) => {
    const id = attr(r, 'id') ?? String(i);
    const path = `/routes/route[id=${id}]`;
    const town = attr(r, 'town') ?? '';
    const v1 = kids(r, 'waypoint');
    const v2 = kids(kid(r, 'waypoints'), 'position');
    const wps = (v1.length > 0 ? v1 : v2).map((w, k) => {
      const p = `${path}/${v1.length > 0 ? 'waypoint' : 'waypoints/position'}[${k}]`;
      const yaw = attr(w, 'yaw');
      const m = carlaToMap(num(w, 'x', p), num(w, 'y', p), yaw === undefined ? 0 : num(w, 'yaw', p));
      return yaw === undefined ? { x: m.x, y: m.y } : m;
    });
    const triggers = kids(kid(r, 'scenarios'), 'scenario').flatMap((s, k) => {
      const tp = kid(s, 'trigger_point');
      if (!tp) return [];
      const p = `${path}/scenarios/scenario[${k}]/trigger_point`;
      const m = carlaToMap(num(tp, 'x', p), num(tp, 'y', p), num(tp, 'yaw', p, 0));
      return [{ type: attr(s, 'type') ?? attr(s, 'name') ?? 'scenario', ...m }];
    });
    return { id, town, waypoints: wps, triggers };
  });
}

/** Leaderboard 1.0 scenario JSON: town → scenario type → trigger transforms (numbers as strings). */
export function readScenarioTriggers(json: unknown, town: string): CarlaRoute['triggers'] {
  const out: CarlaRoute['triggers'] = [];
  const avail = (json as { available_scenarios?: Record<string, unknown>[] })?.available_scenarios;
  if (!Array.isArray(avail)) return out;
  for (const entry of avail) {
    const list = entry?.[town];
    if (!Array.isArray(list)) continue;
    for (const sc of list as { scenario_type?: string; available_event_configurations?: unknown[] }[]) {
      for (const ev of sc.available_event_configurations ?? []) {
        const t = (ev as { transform?: Record<string, string> }).transform;
        if (!t) continue;
        const x = Number(t.x);
        const y = Number(t.y);
        const yaw = Number(t.yaw ?? 0);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        out.push({
          type: sc.scenario_type ?? 'scenario',
          ...carlaToMap(x, y, Number.isFinite(yaw) ? yaw : 0),
        });
      }
    }
  }
  return out;
}

/**
 * The map a `--map` option gives for `town`: the file itself, or, when it is a folder (a folder of
 * CARLA towns, review ux21 #10), its `<town>.xodr` (case as written, else any case); undefined when
 * the folder has none.
 */
export function townFromMapOption(mapPath: string, town: string): string | undefined {
  let isDir = false;
  try {
    isDir = statSync(mapPath).isDirectory();
  } catch {
    return mapPath; // a missing file: the loader names it
  }
  if (!isDir) return mapPath;
  const exact = join(mapPath, `${town}.xodr`);
  if (existsSync(exact)) return exact;
  const want = `${town}.xodr`.toLowerCase();
  const hit = readdirSync(mapPath).find((f) => f.toLowerCase() === want);
  return hit ? join(mapPath, hit) : undefined;
}

/** Where a town's .xodr may be: beside the routes, in ../carla_towns (shared/scenarios layout), or the repo's data/carla. */
export function findTown(routesPath: string, town: string): string | undefined {
  const dir = dirname(resolve(routesPath));
  const repoData = repoPath('data', 'carla');
  const candidates = [
    join(dir, `${town}.xodr`),
    join(dir, '..', 'carla_towns', `${town}.xodr`),
    join(dir, '..', '..', 'carla_towns', `${town}.xodr`),
    join(repoData, `${town}.xodr`),
  ];
  return candidates.find((c) => existsSync(c));
}

function findScenarioJson(routesPath: string, town: string): string | undefined {
  const dir = dirname(resolve(routesPath));
  return [
    join(dir, 'all_towns_traffic_scenarios_public.json'),
    join(dir, `scenarios_${town.toLowerCase()}.json`),
  ].find((c) => existsSync(c));
}

function drivingCandidates(map: RoadMap, x: number, y: number): string[] {
  const out: string[] = [];
  for (const i of map.lanesNear(x, y, 10)) {
    const l = map.lanes[i]!;
    if (l.data.type === 'driving') out.push(l.data.id);
  }
  return out;
}

/** Builds the Scenario of one route on its town map. */
export function routeScenario(
  route: CarlaRoute,
  map: RoadMap,
  mapPath: string,
  where: string,
): Result<{ scenario: Scenario; events: RouteEvent[]; warnings: string[] }> {
  if (route.waypoints.length < 2) return fail('INVALID_INPUT', where, 'a route needs at least two waypoints');
  const located: { laneId: string; sM: number }[] = [];
  for (const [k, w] of route.waypoints.entries()) {
    const next = route.waypoints[k + 1] ?? w;
    const prev = route.waypoints[k - 1] ?? w;
    const heading =
      w.headingRad ??
      (k + 1 < route.waypoints.length
        ? Math.atan2(next.y - w.y, next.x - w.x)
        : Math.atan2(w.y - prev.y, w.x - prev.x));
    const loc = map.locate(w.x, w.y, heading, LOCATE_MAX_M, drivingCandidates(map, w.x, w.y));
    if (!loc || map.lane(loc.laneId)?.data.type !== 'driving')
      return fail(
        'NOT_FOUND',
        `${where}/waypoint[${k}]`,
        `no driving lane within ${LOCATE_MAX_M} m of (${w.x.toFixed(1)}, ${w.y.toFixed(1)}) in the map frame (CARLA y ${(-w.y).toFixed(1)})`,
      );
    located.push({ laneId: loc.laneId, sM: loc.sM });
  }
  const legs = routeLegs(map, route.waypoints, located, where);
  if (!legs.ok) return legs;
  const laneIds = legs.value.laneIds;
  const start = located[0]!;
  const startLane = map.mustLane(start.laneId);
  const s0 = Math.min(Math.max(start.sM, 0), startLane.line.length - 0.1);
  const p = startLane.line.toCartesian(s0, 0);
  const path = RoutePath.build(map, laneIds, s0);
  const lengthM = path.line.length;
  let lenSum = 0;
  let vSum = 0;
  for (const id of laneIds) {
    const l = map.mustLane(id);
    lenSum += l.line.length;
    vSum += l.line.length * l.data.speedLimitMps;
  }
  const vMean = lenSum > 0 ? vSum / lenSum : 10;
  const budgetS = Math.ceil(lengthM / (BUDGET_SPEED_FRACTION * vMean) + 20);
  const goalLoc = located[located.length - 1]!;
  const goalLane = map.mustLane(goalLoc.laneId);
  const goalPose = goalLane.line.toCartesian(Math.min(Math.max(goalLoc.sM, 0), goalLane.line.length), 0);
  const sGoal = lengthM - (goalLane.line.length - Math.min(Math.max(goalLoc.sM, 0), goalLane.line.length));
  const events: RouteEvent[] = [];
  const f = { sM: 0, dM: 0, segment: 0 };
  for (const t of route.triggers) {
    const pr = path.line.project(t.x, t.y, f);
    if (pr.sM < 0 || pr.sM > lengthM || Math.abs(pr.dM) > TRIGGER_MATCH_M) continue;
    if (
      t.headingRad !== undefined &&
      Math.abs(angleDiff(t.headingRad, path.line.headingAt(pr.sM))) > TRIGGER_MATCH_RAD
    )
      continue;
    events.push({ type: t.type, sM: pr.sM, x: t.x, y: t.y });
  }
  events.sort((a, b) => a.sM - b.sM);
  const egoStart = { tS: 0, x: p.x, y: p.y, headingRad: normalizeAngle(p.headingRad), speedMps: 0 };
  const still: TrackPoint[] = [
    { tS: 0, x: p.x, y: p.y, headingRad: egoStart.headingRad, speedMps: 0 },
    { tS: 0.1, x: p.x, y: p.y, headingRad: egoStart.headingRad, speedMps: 0 },
  ];
  const draft = ScenarioSchema.parse({
    formatVersion: 1,
    id: `carla_${route.town}_route${route.id}`,
    description: `CARLA leaderboard route ${route.id} on ${route.town}, ${lengthM.toFixed(0)} m${
      events.length ? `; events: ${events.map((e) => `${e.type}@${e.sM.toFixed(0)}m`).join(', ')}` : ''
    }`,
    tags: ['carla', route.town, ...new Set(events.map((e) => `carla:${e.type}`))],
    map: { kind: 'file', path: mapPath, format: 'opendrive' },
    egoStart,
    route: {
      laneIds,
      goal: { x: goalPose.x, y: goalPose.y, headingRad: normalizeAngle(goalPose.headingRad) },
    },
    expert: still,
    durationS: budgetS,
    source: {
      origin: `${where} (CARLA leaderboard)`,
      license: 'MIT (leaderboard); map BSD-3-Clause (Scenic)',
    },
  });
  // The expert drives the route to the goal (rear axle on the path) and stops there.
  const { track, arrivalS } = expertAlongPath(map, path, sGoal, draft.dtS, budgetS);
  const durationS = Math.min(budgetS, Math.ceil(arrivalS + AFTER_ARRIVAL_S));
  const expert = track.filter((t) => t.tS <= durationS + 1e-9);
  // A route on a road posted above the default top speed (a highway town) raises it to the expert's.
  const covered = coverEgoSpeed(draft.vehicle, draft.id, egoSpeeds(egoStart.speedMps, expert));
  return ok({
    scenario: { ...draft, vehicle: covered.vehicle, durationS, expert },
    events,
    warnings: [...legs.value.notes, ...(covered.warning ? [covered.warning] : [])],
  });
}

/** How far a waypoint may lie from the route's lanes when a leg passes it in a lane beside it, m (three lane widths of 3.5 m). */
const PASS_ALONGSIDE_M = 11;
/** How many legs back a leg whose changes cannot be placed on the marking is routed from instead. */
const JOIN_BACK_MAX = 4;

/**
 * The route's lanes through the located waypoints, leg by leg (`RoadMap.planRoute`: each lane
 * change inside a stretch whose marking lets it cross, where the change before leaves room, the
 * ego's place on the lane carried from leg to leg). A waypoint whose lane can only be left across a
 * solid line in time for the next (CARLA Town06 route 48: 50_0_-4 at 71 m, then 50_0_-6 at 96 m past
 * the 35 m of broken line) is passed in a neighbouring lane when routing on to the next waypoint
 * places the changes on the marking (earlier, where the line is broken) and passes within
 * `PASS_ALONGSIDE_M` of it, as CARLA's route planner does with a lane change it may make before the
 * waypoint. Where neither does, the changes stay where the lanes allow them at all and a note says
 * so (the gate may refuse the move there).
 */
function routeLegs(
  map: RoadMap,
  waypoints: CarlaRoute['waypoints'],
  located: { laneId: string; sM: number }[],
  where: string,
): Result<{ laneIds: string[]; notes: string[] }> {
  interface Leg {
    /** Waypoint indices the leg runs between. */
    a: number;
    b: number;
    /** The lane it starts on and the ego's place there (`planRoute`'s entryM). */
    fromLaneId: string;
    entryM: number;
    plan: LaneRoutePlan;
  }
  const rank = { marked: 0, slow: 1, unplaced: 2 } as const;
  const better = (x: LaneRoutePlan, y: LaneRoutePlan): boolean => rank[x.placement] < rank[y.placement];
  const notes: string[] = [];
  const legs: Leg[] = [];
  let lane = located[0]!.laneId;
  let entryM = Math.max(0, located[0]!.sM);
  let a = 0;
  for (let b = 1; b < located.length; b++) {
    if (located[b]!.laneId === lane) continue;
    const r = map.planRoute(lane, located[b]!.laneId, entryM);
    if (!r.ok) return fail('NO_ROUTE', `${where}/waypoint[${b}]`, r.error.message);
    let leg: Leg = { a, b, fromLaneId: lane, entryM, plan: r.value };
    // a leg whose changes cannot all be placed on the marking: route from the waypoint before
    // (making the changes earlier) or on to the next one, passing this leg's end alongside
    while (leg.plan.placement !== 'marked') {
      let joined = false;
      for (let back = 1; back <= JOIN_BACK_MAX && back <= legs.length && !joined; back++) {
        const first = legs[legs.length - back]!;
        const j = map.planRoute(first.fromLaneId, located[leg.b]!.laneId, first.entryM);
        if (!j.ok || !better(j.value, leg.plan)) continue;
        const passed = legs.slice(legs.length - back).map((l) => l.b);
        if (!passed.every((k) => passesNear(map, j.value.laneIds, waypoints[k]!, PASS_ALONGSIDE_M))) continue;
        for (const k of passed)
          if (!j.value.laneIds.includes(located[k]!.laneId))
            notes.push(alongside(where, k, located[k]!.laneId));
        legs.length -= back;
        leg = { ...first, b: leg.b, plan: j.value };
        joined = true;
      }
      if (joined) continue;
      if (leg.b + 1 < located.length) {
        const j = map.planRoute(leg.fromLaneId, located[leg.b + 1]!.laneId, leg.entryM);
        if (
          j.ok &&
          better(j.value, leg.plan) &&
          passesNear(map, j.value.laneIds, waypoints[leg.b]!, PASS_ALONGSIDE_M)
        ) {
          if (!j.value.laneIds.includes(located[leg.b]!.laneId))
            notes.push(alongside(where, leg.b, located[leg.b]!.laneId));
          leg = { ...leg, b: leg.b + 1, plan: j.value };
          continue;
        }
      }
      break;
    }
    legs.push(leg);
    b = leg.b;
    a = b;
    lane = located[b]!.laneId;
    entryM = leg.plan.exitEntryM;
  }
  const laneIds: string[] = [located[0]!.laneId];
  for (const leg of legs) {
    laneIds.push(...leg.plan.laneIds.slice(1));
    if (leg.plan.placement !== 'marked')
      notes.push(
        `${where}/waypoint[${leg.b}]: the lane changes from ${leg.fromLaneId} to ${located[leg.b]!.laneId} ${
          leg.plan.placement === 'slow'
            ? 'have the room they need where the line is broken only at low speed'
            : 'cannot all be made where the line is broken; placed where the lanes allow a change at all (the gate may refuse them there)'
        }`,
      );
  }
  return ok({ laneIds, notes });
}

function alongside(where: string, k: number, laneId: string): string {
  return `${where}/waypoint[${k}]: passed in a lane beside ${laneId} — the lane changes after it would cross a solid line; made earlier, where the line is broken`;
}

/** Whether a point lies within `maxM` of the centreline of one of lanes `laneIds`. */
function passesNear(
  map: RoadMap,
  laneIds: readonly string[],
  p: { x: number; y: number },
  maxM: number,
): boolean {
  const f = { sM: 0, dM: 0, segment: 0 };
  for (const id of laneIds) {
    const l = map.lane(id);
    if (!l) continue;
    const q = l.line.project(p.x, p.y, f);
    if (q.sM >= -1 && q.sM <= l.line.length + 1 && Math.abs(q.dM) <= maxM) return true;
  }
  return false;
}

/** Imports a leaderboard routes file: one Scenario per route whose town map is available. */
export function importCarlaRoutes(path: string, opts: ImportOptions = {}): Result<ImportResult> {
  const read = readTextFile(path);
  if (!read.ok) return read;
  const text = read.value;
  return guard(path, () => {
    const root = parseXml(text, path, 'routes');
    if (!root.ok) return root;
    let routes = readCarlaRoutes(root.value);
    if (opts.id !== undefined) {
      routes = routes.filter((r) => r.id === opts.id);
      if (routes.length === 0) return fail('NOT_FOUND', `${path}#${opts.id}`, 'no route with this id');
    }
    if (opts.limit !== undefined) routes = routes.slice(0, opts.limit);
    const warnings: string[] = [];
    const scenarios: Scenario[] = [];
    const events: NonNullable<ImportResult['events']> = [];
    let lastMap: ImportResult['map'];
    const triggerCache = new Map<string, CarlaRoute['triggers']>();
    for (const route of routes) {
      const where = `${basename(path)}:/routes/route[id=${route.id}]`;
      const mapPath = opts.mapPath ? townFromMapOption(opts.mapPath, route.town) : findTown(path, route.town);
      if (!mapPath) {
        const msg = opts.mapPath
          ? `needs ${route.town}.xodr; the map folder ${opts.mapPath} has none`
          : `needs ${route.town}.xodr; pass --map <town.xodr or a folder of towns> (looked beside the routes, in ../carla_towns and data/carla)`;
        if (opts.id !== undefined) return fail('NOT_FOUND', where, msg);
        warnings.push(`${where}: ${msg}`);
        continue;
      }
      const odr = loadOpenDrive(mapPath);
      if (!odr.ok) return odr;
      const map = new RoadMap(odr.value.map);
      if (!triggerCache.has(route.town)) {
        const jp = opts.scenariosPath ?? findScenarioJson(path, route.town);
        let trig: CarlaRoute['triggers'] = [];
        if (jp) {
          try {
            trig = readScenarioTriggers(JSON.parse(readFileSync(jp, 'utf8')), route.town);
          } catch (e) {
            warnings.push(`${jp}: scenario triggers not read (${(e as Error).message})`);
          }
        }
        triggerCache.set(route.town, trig);
      }
      const r = routeScenario(
        { ...route, triggers: [...route.triggers, ...triggerCache.get(route.town)!] },
        map,
        resolve(mapPath),
        where,
      );
      if (!r.ok) {
        // a route on a map given for another town fails on geometry: say what it needs (ux19 #19)
        const other =
          opts.mapPath !== undefined && !basename(mapPath).toLowerCase().includes(route.town.toLowerCase());
        const msg = other
          ? `route ${route.id} is in ${route.town}; the map given is ${basename(mapPath)} (${r.error.message})`
          : r.error.message;
        if (opts.id !== undefined) return fail(r.error.code, r.error.path, msg);
        warnings.push(`${r.error.path}: ${msg}`);
        continue;
      }
      scenarios.push(r.value.scenario);
      warnings.push(...r.value.warnings);
      for (const e of r.value.events)
        events.push({ scenarioId: r.value.scenario.id, name: e.type, sM: e.sM });
      lastMap = odr.value.map;
    }
    return ok({ ...(lastMap ? { map: lastMap } : {}), scenarios, unsupported: [], warnings, events });
  });
}

export type { Vec2 };
