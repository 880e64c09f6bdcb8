/**
 * The route of a CARLA ScenarioRunner hero the file does not move (`module: external_control`).
 *
 * ScenarioRunner hands a route only to an actor the file routes: an AssignRouteAction's waypoints,
 * an AcquirePositionAction's position, a FollowTrajectoryAction's vertices
 * (srunner/scenarios/open_scenario.py → `ChangeActorWaypoints`). An OpenSCENARIO hero under
 * external control gets none (scenario_runner.py: agents run route scenarios only): whoever drives
 * it drives where the scenario happens. So:
 *
 * 1. where the storyboard routes the hero, its route runs through those waypoints (lane routes
 *    between them, as ScenarioRunner's global planner joins them);
 * 2. else its route is the lane path from its start that passes the places the hero's own
 *    triggers name: a ReachPosition / Distance condition's position (within its tolerance or
 *    value), an actor a RelativeDistance condition waits for the hero to come near (within its
 *    value; the actor where it starts). Of every lane path out to a horizon, the one that misses
 *    these places by the least (the sum of the distances beyond each tolerance), the straightest
 *    first among equals (the import's default route), then on by the straightest successors.
 *
 * Without either the import's route stays (its straightest successors).
 */

import { normalizeAngle } from '../../../core/index.ts';
import type { RoadMap } from '../../../core/map/RoadMap.ts';
import { attr, kid, kids, type XNode } from '../opendrive/XmlTree.ts';
import type { EntityState, PositionResolver } from './OscExecutor.ts';

/** A place the hero's route should pass: within `radiusM` of (x, y). */
export interface RouteTarget {
  x: number;
  y: number;
  radiusM: number;
  /** The condition or action it comes from (for the import's note). */
  what: string;
}

/** How far the route runs on past its last waypoint or target, m (the import's default extension). */
export const ROUTE_ON_M = 100;
/** Lane paths are explored this far beyond the farthest target (and at most `HORIZON_MAX_M`), m. */
const HORIZON_PAST_TARGET_M = 50;
const HORIZON_MAX_M = 600;
/** At most this many lane paths are compared (a town's junctions branch 2–3 ways every ~100 m). */
const MAX_PATHS = 512;

type Resolve = (pos: XNode, path: string) => { x: number; y: number; headingRad?: number } | undefined;

/** Every element below `n` (depth first) with its path. */
function* walk(n: XNode, path: string): Generator<[XNode, string]> {
  yield [n, path];
  for (const [k, v] of Object.entries(n)) {
    if (k === '$' || k === '#text' || !Array.isArray(v)) continue;
    for (const [i, c] of v.entries())
      if (typeof c === 'object' && c !== null) yield* walk(c as XNode, `${path}/${k}[${i}]`);
  }
}

const LESS = new Set(['lessThan', 'lessOrEqual']);

/**
 * Places the hero's triggers wait for it to come near (see the file comment). `startOf` gives an
 * entity's start position.
 */
export function egoRouteTargets(
  storyboard: XNode,
  egoName: string,
  resolve: Resolve,
  startOf: (entity: string) => { x: number; y: number } | undefined,
): RouteTarget[] {
  const out: RouteTarget[] = [];
  for (const [c, p] of walk(storyboard, '/OpenSCENARIO/Storyboard')) {
    const be = kid(c, 'ByEntityCondition');
    if (!be) continue;
    const what = `condition ${attr(c, 'name') ?? '(unnamed)'}`;
    const triggering = kids(kid(be, 'TriggeringEntities'), 'EntityRef').map((e) => attr(e, 'entityRef'));
    const ec = kid(be, 'EntityCondition');
    const heroTriggers = triggering.includes(egoName);
    const reach = kid(ec, 'ReachPositionCondition');
    const dist = kid(ec, 'DistanceCondition');
    const rel = kid(ec, 'RelativeDistanceCondition');
    if (heroTriggers && (reach || (dist && LESS.has(attr(dist, 'rule') ?? '')))) {
      const n = (reach ?? dist)!;
      const pos = kid(n, 'Position');
      const at = pos && resolve(pos, `${p}/ByEntityCondition/EntityCondition`);
      const r = Number(attr(n, reach ? 'tolerance' : 'value'));
      if (at && Number.isFinite(r)) out.push({ x: at.x, y: at.y, radiusM: Math.max(r, 0), what });
    } else if (rel && LESS.has(attr(rel, 'rule') ?? '')) {
      // the hero comes near an actor, or an actor's trigger waits for the hero to come near it
      const other = heroTriggers
        ? attr(rel, 'entityRef')
        : attr(rel, 'entityRef') === egoName
          ? triggering[0]
          : undefined;
      const at = other && other !== egoName ? startOf(other) : undefined;
      const r = Number(attr(rel, 'value'));
      if (at && Number.isFinite(r)) out.push({ x: at.x, y: at.y, radiusM: Math.max(r, 0), what });
    }
  }
  return out;
}

/**
 * Positions the storyboard routes the hero through, in order: AssignRouteAction waypoints (an
 * inline Route, or one from a catalog via `catalogRoute`), AcquirePositionAction positions and
 * FollowTrajectoryAction polyline vertices of the hero's Init and of maneuver groups it acts in.
 */
export function egoWaypoints(
  storyboard: XNode,
  egoName: string,
  resolve: Resolve,
  catalogRoute?: (ref: XNode | undefined, path: string) => XNode | undefined,
): { x: number; y: number }[] {
  const scopes: [XNode, string][] = [];
  kids(kid(kid(storyboard, 'Init'), 'Actions'), 'Private').forEach((pr, i) => {
    if (attr(pr, 'entityRef') === egoName)
      scopes.push([pr, `/OpenSCENARIO/Storyboard/Init/Actions/Private[${i}]`]);
  });
  for (const [g, p] of walk(storyboard, '/OpenSCENARIO/Storyboard'))
    if (
      kids(kid(g, 'Actors'), 'EntityRef').some((e) => attr(e, 'entityRef') === egoName) &&
      kid(g, 'Maneuver')
    )
      scopes.push([g, p]);
  const out: { x: number; y: number }[] = [];
  const add = (pos: XNode | undefined, p: string) => {
    const at = pos && resolve(pos, p);
    if (at) out.push({ x: at.x, y: at.y });
  };
  for (const [scope, sp] of scopes)
    for (const [n, p] of walk(scope, sp)) {
      const ar = kid(n, 'AssignRouteAction');
      if (ar) {
        const route =
          kid(ar, 'Route') ?? catalogRoute?.(kid(ar, 'CatalogReference'), `${p}/AssignRouteAction`);
        for (const [i, w] of kids(route, 'Waypoint').entries())
          add(kid(w, 'Position'), `${p}/AssignRouteAction/Route/Waypoint[${i}]`);
      }
      const acq = kid(n, 'AcquirePositionAction');
      if (acq) add(kid(acq, 'Position'), `${p}/AcquirePositionAction`);
      const ft = kid(n, 'FollowTrajectoryAction');
      if (ft) {
        const line = kid(
          kid(kid(kid(ft, 'TrajectoryRef'), 'Trajectory') ?? kid(ft, 'Trajectory'), 'Shape'),
          'Polyline',
        );
        for (const [i, v] of kids(line, 'Vertex').entries())
          add(kid(v, 'Position'), `${p}/FollowTrajectoryAction/Vertex[${i}]`);
      }
    }
  return out;
}

/** The drivable lane nearest to (x, y), facing `headingRad` where given. */
function laneAt(map: RoadMap, x: number, y: number, headingRad?: number): string | undefined {
  const cands: string[] = [];
  for (const k of map.lanesNear(x, y, 8)) if (map.lanes[k]!.drivable) cands.push(map.lanes[k]!.data.id);
  return map.locate(x, y, headingRad, 8, cands)?.laneId;
}

/** The straightest successor of `laneId` not in `avoid`. */
function straightest(map: RoadMap, laneId: string, avoid: ReadonlySet<string>): string | undefined {
  const l = map.lane(laneId)!;
  const h = l.line.headingAt(l.line.length);
  let best: string | undefined;
  let bestErr = Infinity;
  for (const s of l.data.successors) {
    const o = map.lane(s);
    if (!o || avoid.has(s)) continue;
    const e = Math.abs(normalizeAngle(o.line.headingAt(Math.min(5, o.line.length)) - h));
    if (e < bestErr) {
      bestErr = e;
      best = s;
    }
  }
  return best;
}

/** Successors of `laneId`, straightest first. */
function successorsStraightFirst(map: RoadMap, laneId: string): string[] {
  const l = map.lane(laneId)!;
  const h = l.line.headingAt(l.line.length);
  const err = (id: string) => {
    const o = map.lane(id)!;
    return Math.abs(normalizeAngle(o.line.headingAt(Math.min(5, o.line.length)) - h));
  };
  return l.data.successors.filter((s) => map.lane(s)).sort((a, b) => err(a) - err(b));
}

/** Appends straightest successors to `lanes` until `onM` more metres are covered. */
function extend(map: RoadMap, lanes: string[], onM: number): string[] {
  const seen = new Set(lanes);
  let left = onM;
  let cur = lanes[lanes.length - 1];
  while (cur && left > 0) {
    const next = straightest(map, cur, seen);
    if (!next) break;
    lanes.push(next);
    seen.add(next);
    left -= map.lane(next)!.line.length;
    cur = next;
  }
  return lanes;
}

/** Distance from (x, y) to a lane's centreline (clamped to its ends), m. */
function laneDistance(map: RoadMap, laneId: string, x: number, y: number): number {
  const l = map.lane(laneId)!;
  const f = l.line.project(x, y);
  const p = l.line.poseAt(Math.min(Math.max(f.sM, 0), l.line.length));
  return Math.hypot(p.x - x, p.y - y);
}

/**
 * The hero's route (lane ids) from lane `startLane` at (x0, y0): through `waypoints` where there
 * are any, else the lane path that passes `targets` best; undefined with neither (or where no
 * lane path reaches a waypoint).
 */
export function scenarioRunnerRoute(
  map: RoadMap,
  startLane: string,
  start: { x: number; y: number },
  waypoints: ReadonlyArray<{ x: number; y: number }>,
  targets: ReadonlyArray<RouteTarget>,
): string[] | undefined {
  if (!map.lane(startLane)) return undefined;
  if (waypoints.length > 0) {
    const lanes = [startLane];
    for (const w of waypoints) {
      const to = laneAt(map, w.x, w.y);
      const last = lanes[lanes.length - 1]!;
      if (!to || to === last) continue;
      const r = map.route(last, to);
      if (!r.ok) return undefined;
      lanes.push(...r.value.slice(1));
    }
    return extend(map, lanes, ROUTE_ON_M);
  }
  if (targets.length === 0) return undefined;
  const far = Math.max(...targets.map((t) => Math.hypot(t.x - start.x, t.y - start.y) + t.radiusM));
  const horizon = Math.min(far + HORIZON_PAST_TARGET_M, HORIZON_MAX_M);
  // distance of each target to each lane, once per lane met
  const dist = new Map<string, number[]>();
  const distOf = (id: string) => {
    let d = dist.get(id);
    if (!d) {
      d = targets.map((t) => laneDistance(map, id, t.x, t.y));
      dist.set(id, d);
    }
    return d;
  };
  const start0 = map.lane(startLane)!;
  const startS = Math.max(0, start0.line.project(start.x, start.y).sM);
  let best: { lanes: string[]; cost: number } | undefined;
  let paths = 0;
  // depth first, straightest successor first: the first of equally good paths is the straightest
  const stack: { lanes: string[]; lenM: number; near: number[] }[] = [
    { lanes: [startLane], lenM: start0.line.length - startS, near: distOf(startLane) },
  ];
  while (stack.length > 0 && paths < MAX_PATHS) {
    const cur = stack.pop()!;
    const last = cur.lanes[cur.lanes.length - 1]!;
    const succ =
      cur.lenM < horizon ? successorsStraightFirst(map, last).filter((s) => !cur.lanes.includes(s)) : [];
    if (succ.length === 0) {
      paths++;
      const cost = cur.near.reduce((a, d, i) => a + Math.max(0, d - targets[i]!.radiusM), 0);
      if (!best || cost < best.cost - 1e-9) best = { lanes: cur.lanes, cost };
      continue;
    }
    for (let i = succ.length - 1; i >= 0; i--) {
      const s = succ[i]!;
      const ds = distOf(s);
      stack.push({
        lanes: [...cur.lanes, s],
        lenM: cur.lenM + map.lane(s)!.line.length,
        near: cur.near.map((d, k) => Math.min(d, ds[k]!)),
      });
    }
  }
  if (!best) return undefined;
  // keep the lanes up to the last one a target is nearest to, then on by the straightest successors
  let lastUseful = 0;
  for (let k = 0; k < targets.length; k++) {
    let nearest = 0;
    for (let j = 1; j < best.lanes.length; j++)
      if (distOf(best.lanes[j]!)[k]! < distOf(best.lanes[nearest]!)[k]! - 1e-9) nearest = j;
    lastUseful = Math.max(lastUseful, nearest);
  }
  return extend(map, best.lanes.slice(0, lastUseful + 1), ROUTE_ON_M);
}

/**
 * The hero's route of a prepared ScenarioRunner file after its import run (`states`: every
 * entity's recorded track; relative positions resolve against where the entities start), and the
 * import's note on it; undefined where the storyboard neither routes the hero nor names a place
 * its triggers wait for it at (the import's route stays).
 */
export function heroRoute(
  prep: {
    storyboard: XNode;
    map: RoadMap;
    resolvePos: PositionResolver;
    catalogRoute?: (ref: XNode | undefined, path: string) => XNode | undefined;
  },
  states: ReadonlyMap<string, EntityState>,
  egoName: string,
  startLane: string,
): { laneIds: string[]; note: string } | undefined {
  const atStart = new Map<string, EntityState>();
  for (const [n, st] of states) {
    const p = st.track[0];
    atStart.set(n, p ? { ...st, x: p.x, y: p.y, headingRad: p.headingRad } : st);
  }
  const resolve: Resolve = (pos, path) => prep.resolvePos(pos, path, atStart);
  const startOf = (e: string) => atStart.get(e);
  const ego = atStart.get(egoName);
  if (!ego) return undefined;
  const waypoints = egoWaypoints(prep.storyboard, egoName, resolve, prep.catalogRoute);
  const targets = waypoints.length > 0 ? [] : egoRouteTargets(prep.storyboard, egoName, resolve, startOf);
  const laneIds = scenarioRunnerRoute(prep.map, startLane, ego, waypoints, targets);
  if (!laneIds) return undefined;
  const via =
    waypoints.length > 0
      ? `the ${waypoints.length} waypoint(s) the storyboard routes it through`
      : `the places its triggers wait for it at (${[...new Set(targets.map((t) => t.what))].join(', ')})`;
  return {
    laneIds,
    note: `the ego ${egoName}'s route (ScenarioRunner gives an external_control hero none): through ${via}, then ${ROUTE_ON_M} m on`,
  };
}
