/**
 * A live mission: a goal pose on the map, the lane route to it from where the ego is, the planning
 * context the stack runs with, and the stop at the goal. Pure functions over core/ (no connection,
 * no clock), shared by the ROS and MQTT bridges.
 */

import {
  angleDiff,
  type EgoState,
  fail,
  type MidLevelCommand,
  ok,
  type Pose,
  type Result,
  type Route,
  type Scenario,
  ScenarioSchema,
  type VehicleParams,
} from '../core/index.ts';
import { type RoadMap, RoutePath } from '../core/map/index.ts';
import type { CommandPlanner, CommandPlanStep, PlannerContext } from '../core/planning/index.ts';
import { STOP_POINT_MARGIN_M } from '../core/vehicle/index.ts';

/** Planning period handed to planners, s (nuPlan's 0.1 s). */
export const PLAN_DT_S = 0.1;
/** An inner STOP this close to the route's end is the planner's end-of-route stop, m. */
const ROUTE_END_STOP_M = 4;
/** Route localisation tolerance: how far off a lane the ego or the goal may be, m. */
const LOCATE_M = 5;

/** The pose lies on a lane of the map (within the route localisation tolerance). */
export function onSomeLane(map: RoadMap, p: Pose): boolean {
  return map.locate(p.x, p.y, p.headingRad, LOCATE_M) !== undefined;
}

/** What the platform can do that routing needs to know. */
export interface RouteOptions {
  /**
   * The vehicle can turn on the spot (`VehicleParams.turnInPlace`: a differential-drive robot): it
   * may start on a lane that runs against its heading — a goal behind it on a two-way aisle — after
   * turning round where it stands.
   */
  turnInPlace?: boolean;
}

interface LaneAt {
  laneId: string;
  sM: number;
  headingRad: number;
  /** Starting on it needs the ego turned round first. */
  turn: boolean;
}

/** The lanes whose polygon contains (x, y); none: the nearest within the tolerance (no heading). */
function lanesOfPosition(map: RoadMap, x: number, y: number): LaneAt[] {
  const at = (id: string, line: RoadMap['lanes'][number]['line']): LaneAt => {
    const sM = line.project(x, y).sM;
    return {
      laneId: id,
      sM,
      headingRad: line.headingAt(Math.min(Math.max(sM, 0), line.length)),
      turn: false,
    };
  };
  const inside = map.lanesAt(x, y).filter((l) => l.drivable);
  if (inside.length > 0) return inside.map((l) => at(l.data.id, l.line));
  const near = map.locate(x, y, undefined, LOCATE_M);
  const l = near ? map.lane(near.laneId) : undefined;
  return l && near ? [at(near.laneId, l.line)] : [];
}

/**
 * The lane route from the ego to `goal` (Dijkstra over successors and permitted lane changes);
 * the route's goal is the goal pose.
 *
 * What a goal pose means (as Nav2's and move_base's goals): its **position** is the goal, its
 * heading the orientation wanted there. The goal's lane is chosen by position — a lane whose
 * polygon contains it (none: the nearest within 5 m) — and among several (overlapping junction
 * lanes, a shared aisle), the ones the ego can reach first, then the one whose direction is
 * nearest the goal's heading, then the shortest route. So a goal in the ego's own lane whose
 * heading points backwards (RViz's arrow dragged the other way) is the goal in that lane, not one
 * in the oncoming lane beside it. The ego's lane is chosen by its heading (it drives the way it
 * faces); with `turnInPlace` also the lanes under it and their opposite neighbours, which need it
 * turned round first (taken only when no route starts the way it faces).
 */
export function routeToGoal(map: RoadMap, ego: Pose, goal: Pose, opts: RouteOptions = {}): Result<Route> {
  const plan = planGoalRoute(map, ego, goal, opts);
  return plan.ok ? ok(plan.value.route) : plan;
}

/** A goal's route and whether the ego must turn round before driving it. */
export interface GoalRoute {
  route: Route;
  /** The ego starts on a lane that runs against its heading: it turns on the spot to this heading first, rad. */
  turnToRad?: number;
}

/** `routeToGoal` with the turn the start needs (see there). */
export function planGoalRoute(
  map: RoadMap,
  ego: Pose,
  goal: Pose,
  opts: RouteOptions = {},
): Result<GoalRoute> {
  const from = map.locate(ego.x, ego.y, ego.headingRad, LOCATE_M);
  if (!from)
    return fail(
      'NO_ROUTE',
      'ego',
      `the ego (${ego.x.toFixed(1)}, ${ego.y.toFixed(1)}) is on no lane of map ${map.id}`,
    );
  const tos = lanesOfPosition(map, goal.x, goal.y);
  if (tos.length === 0)
    return fail(
      'NO_ROUTE',
      'goal',
      `the goal (${goal.x.toFixed(1)}, ${goal.y.toFixed(1)}) is on no lane of map ${map.id}`,
    );
  const fromLane = map.lane(from.laneId)!;
  const froms: LaneAt[] = [
    {
      laneId: from.laneId,
      sM: from.sM,
      headingRad: fromLane.line.headingAt(Math.min(Math.max(from.sM, 0), fromLane.line.length)),
      turn: false,
    },
  ];
  if (opts.turnInPlace) {
    // turned round where it stands: the lanes under it that run the other way, and the opposite
    // neighbours of its lane (a two-way aisle or road: the lane beside it, back the way it came)
    const cands = lanesOfPosition(map, ego.x, ego.y);
    for (const nb of [fromLane.data.left, fromLane.data.right])
      if (nb?.opposite) {
        const l = map.lane(nb.laneId);
        if (l) {
          const sM = l.line.project(ego.x, ego.y).sM;
          cands.push({
            laneId: nb.laneId,
            sM,
            headingRad: l.line.headingAt(Math.min(Math.max(sM, 0), l.line.length)),
            turn: false,
          });
        }
      }
    for (const c of cands)
      if (
        Math.abs(angleDiff(c.headingRad, ego.headingRad)) > Math.PI / 2 &&
        !froms.some((f) => f.laneId === c.laneId)
      )
        froms.push({ ...c, turn: true });
  }
  let best: { g: GoalRoute; key: [number, number, number] } | undefined;
  let why: string | undefined;
  for (const f of froms)
    for (const t of tos) {
      // (no loop routing: a route through a lane twice needs the goal judged on its last pass)
      if (f.laneId === t.laneId && t.sM < f.sM - 0.5) {
        why ??= behindMessage(map, f, t, opts, fromLane);
        continue;
      }
      const lanes = map.route(f.laneId, t.laneId);
      if (!lanes.ok) {
        why ??= lanes.error.message;
        continue;
      }
      let lengthM = -f.sM + t.sM;
      for (const id of lanes.value.slice(0, -1)) lengthM += map.lane(id)?.line.length ?? 0;
      const key: [number, number, number] = [
        f.turn ? 1 : 0,
        Math.abs(angleDiff(goal.headingRad, t.headingRad)),
        lengthM,
      ];
      if (!best || lexLess(key, best.key))
        best = {
          g: { route: { laneIds: lanes.value, goal }, ...(f.turn ? { turnToRad: f.headingRad } : {}) },
          key,
        };
    }
  if (best) return ok(best.g);
  if (!opts.turnInPlace && planGoalRoute(map, ego, goal, { turnInPlace: true }).ok)
    why = `${why ?? 'no route'}: the goal is reached by turning round where the vehicle stands, and this one does not turn on the spot (vehicle.turnInPlace)`;
  return fail('NO_ROUTE', 'goal', why ?? `no route to the goal on map ${map.id}`);
}

function lexLess(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (Math.abs(a[i]! - b[i]!) > 1e-6) return a[i]! < b[i]!;
  return false;
}

const deg = (rad: number): string => ((rad * 180) / Math.PI).toFixed(0);

/** Why a goal behind the ego on its lane has no route: what the map and the platform lack. */
function behindMessage(
  map: RoadMap,
  f: LaneAt,
  t: LaneAt,
  opts: RouteOptions,
  lane: NonNullable<ReturnType<RoadMap['lane']>>,
): string {
  const back = `the goal lies ${(f.sM - t.sM).toFixed(1)} m behind the ego on its lane ${f.laneId}`;
  const opposite = [lane.data.left, lane.data.right].some((n) => n?.opposite);
  if (f.turn) return `${back}, turned round`;
  if (opposite)
    return `${back}, which runs one way (${deg(f.headingRad)}°), and edgeplan routes no loops: the lane beside it runs the other way, but the goal lies on this one — driving back on the other lane passes it ${lane.data.widthM.toFixed(1)} m or so to the side${opts.turnInPlace ? '' : ', and this vehicle does not turn on the spot (vehicle.turnInPlace)'}: set the goal on the other lane`;
  return `${back}, which runs one way (${deg(f.headingRad)}°) with no lane beside it the other way on map ${map.id}, and edgeplan routes no loops back to it${opts.turnInPlace ? ': turning on the spot would leave the robot facing against a one-way lane' : ''}`;
}

/** The planning context of a route: the reference path from just behind the ego. */
export function plannerContextFor(
  map: RoadMap,
  route: Route,
  ego: Pose,
  vehicle: VehicleParams,
  seed = 0,
): PlannerContext {
  const first = map.lane(route.laneIds[0]!);
  const startS = first ? Math.max(0, first.line.project(ego.x, ego.y).sM - 10) : 0;
  return { map, route: RoutePath.build(map, route.laneIds, startS), vehicle, dtS: PLAN_DT_S, seed };
}

/** Distance from the ego to the goal, m (rear axle to goal point). */
export function distanceToGoalM(ego: Pose, goal: Pose): number {
  return Math.hypot(goal.x - ego.x, goal.y - ego.y);
}

/** The goal is reached: within `toleranceM` and (nearly) standing. */
export function goalReached(ego: EgoState, goal: Pose, toleranceM: number, standingMps = 0.2): boolean {
  return distanceToGoalM(ego, goal) <= toleranceM && Math.abs(ego.speedMps) <= standingMps;
}

/** What the mission does next: drive on, hold the vehicle (arriving), or end. */
export type ArrivalState = 'ahead' | 'arriving' | 'reached' | 'passed';

export interface GoalArrival {
  state: ArrivalState;
  /** Rear axle to the goal along the route, m (negative: beyond it). */
  alongM: number;
  distanceM: number;
  /** Where a stop begun now would leave the rear axle, along the route short of the goal, m (negative: beyond it). */
  landingM: number;
}

export interface ArrivalParams {
  /** The goal's tolerance disc, m. */
  toleranceM: number;
  /** How long the vehicle goes on with its last control (`ControlLatency`), s. */
  latencyS: number;
  /** The braking of the hold (the minimal-risk control), m/s². */
  holdDecelMps2: number;
  /** At most this fast counts as standing, m/s. */
  standingMps?: number;
}

/**
 * The mission's goal check on one reading, with the stop budgeted for the control latency (what a
 * navigation stack's goal checker does, with the stop made to fit the delay it measures):
 * - `reached`: standing within `toleranceM` of the goal (a disc: off to the side counts as much as
 *   along), however it got there;
 * - `passed`: more than `toleranceM` beyond the goal along the route (driving forward can no longer
 *   reach it), or standing beside or beyond it outside the disc;
 * - `arriving`: moving, and a stop begun now — after the latency at the present speed, then at
 *   `holdDecelMps2` — would leave the vehicle at or beyond the goal: the mission holds it now
 *   (the minimal-risk control) and judges where it stands; while `holding`, also any reading of a
 *   vehicle still moving;
 * - `ahead` otherwise, also when a held vehicle stands short of the disc (the mission drives on).
 * Position-based, so a goal passed between two readings is seen on the second.
 */
export function goalArrival(
  ego: EgoState,
  goal: Pose,
  line: { project(x: number, y: number): { sM: number } },
  p: ArrivalParams,
  holding: boolean,
): GoalArrival {
  const alongM = line.project(goal.x, goal.y).sM - line.project(ego.x, ego.y).sM;
  const distanceM = distanceToGoalM(ego, goal);
  const v = Math.max(0, ego.speedMps);
  const landingM = alongM - v * p.latencyS - (v * v) / (2 * p.holdDecelMps2);
  const standing = Math.abs(ego.speedMps) <= (p.standingMps ?? 0.2);
  const state: ArrivalState =
    standing && distanceM <= p.toleranceM
      ? 'reached'
      : alongM < -p.toleranceM
        ? 'passed'
        : standing
          ? holding && alongM <= 0
            ? 'passed'
            : 'ahead'
          : holding || landingM <= 0
            ? 'arriving'
            : 'ahead';
  return { state, alongM, distanceM, landingM };
}

/**
 * The fastest approach from which the hold still stops the vehicle within `toleranceM` after
 * `latencyS` at that speed and braking at `holdDecelMps2`: v·L + v²/(2a) = tolerance, m/s.
 */
export function approachCapMps(toleranceM: number, latencyS: number, holdDecelMps2: number): number {
  const a = holdDecelMps2;
  const L = Math.max(0, latencyS);
  return a * (-L + Math.sqrt(L * L + (2 * toleranceM) / a));
}

/** What the goal stop needs to budget the approach for the control latency (the mission's hold). */
export interface ApproachBudget {
  /** The goal's tolerance, m. */
  toleranceM: number;
  /** The braking of the hold (the minimal-risk control), m/s². */
  holdDecelMps2: number;
  /** The control latency measured now (`ControlLatency`), s. */
  latencyS(): number;
}

export interface GoalStopParams {
  /** Comfortable braking toward the goal, m/s². */
  comfortDecelMps2: number;
  /** Start stopping this far before the braking distance, m. */
  marginM: number;
  /**
   * How far short of a stop point the executor keeps the front bumper, m (core/vehicle
   * `STOP_POINT_MARGIN_M`, the classical controller's `stopMarginM`): the goal's stop point lies this
   * much beyond the goal, so that the vehicle stops on the goal, not that far short of it.
   */
  executorMarginM?: number;
}

/**
 * Wraps a command planner so that the mission ends at the goal: once the goal (along the route) is
 * within the comfortable braking distance plus a margin, the command becomes STOP at the goal —
 * `stopAt` is where the front bumper stops, put where the front bumper is with the ego's pose (its
 * rear axle, `base_link`) on the goal, plus the executor's stop margin (`executorMarginM`): the stop
 * law keeps that far short of a stop point, and every goal was reached 0.4 m short (acceptance
 * review ux19 #6). The gate checks the STOP at that point, the executor's margin beyond where the
 * vehicle stops. Planners know routes, not goals; this is the mission's part.
 */
export function withGoalStop<S>(
  inner: CommandPlanner<S>,
  goal: Pose,
  p: GoalStopParams = { comfortDecelMps2: 1.5, marginM: 3 },
  arrival?: ApproachBudget,
): CommandPlanner<S> {
  return {
    name: inner.name,
    ...(inner.needsScene ? { needsScene: true } : {}),
    init: (ctx, first) => inner.init(ctx, first),
    plan(state, req, ctx) {
      const ego = req.snapshot.ego;
      const front = ctx.vehicle.rearAxleToCenterM + ctx.vehicle.lengthM / 2;
      const aimM = front + (p.executorMarginM ?? STOP_POINT_MARGIN_M);
      const fRoute = ctx.route.line.project(goal.x, goal.y);
      const routeHeadingRad = ctx.route.line.headingAt(
        Math.min(Math.max(fRoute.sM, 0), ctx.route.line.length),
      );
      const fEgo = ctx.route.line.project(ego.x, ego.y);
      const alongM = fRoute.sM - fEgo.sM;
      const v = Math.max(0, ego.speedMps);
      const brakingM = (v * v) / (2 * p.comfortDecelMps2);
      const stop = alongM <= brakingM + p.marginM;
      // the approach cap: near the goal no faster than the hold can stop from within the
      // tolerance after the latency measured now (a loaded machine lowers it)
      const capMps = arrival
        ? approachCapMps(arrival.toleranceM, arrival.latencyS(), arrival.holdDecelMps2)
        : Number.POSITIVE_INFINITY;
      const decide = (s: CommandPlanStep<S>): CommandPlanStep<S> => {
        const c = s.output.command;
        if (!stop) {
          const wantMps = Math.max(v, c.targetSpeedMps ?? v);
          const capZoneM =
            Math.max(0, wantMps * wantMps - capMps * capMps) / (2 * p.comfortDecelMps2) +
            p.marginM +
            (arrival?.toleranceM ?? 0);
          if (c.speed === 'STOP' || wantMps <= capMps || alongM > capZoneM) return s;
          const command: MidLevelCommand = {
            ...c,
            speed: v > capMps ? 'DECELERATE' : c.speed === 'DECELERATE' ? 'DECELERATE' : 'KEEP',
            targetSpeedMps: Math.min(c.targetSpeedMps ?? capMps, capMps),
            decelMps2: p.comfortDecelMps2,
            rationale: `mission: approach the goal ${alongM.toFixed(1)} m ahead at most at ${capMps.toFixed(2)} m/s (stop within ${arrival?.toleranceM} m after ${arrival?.latencyS().toFixed(2)} s latency)`,
          };
          const { jerkMps3: _j, ...withoutJerk } = command;
          const { trajectory: _t, ...rest } = s.output;
          return { state: s.state, output: { ...rest, command: withoutJerk } };
        }
        // keep the inner planner's STOP if it stops earlier for something other than the end of
        // the route (planners stop short of a route's end; the goal often is that end — the gate
        // still checks our STOP against obstacles)
        if (c.speed === 'STOP' && c.stopAt) {
          const stopS = ctx.route.line.project(c.stopAt.x, c.stopAt.y).sM;
          if (stopS < fRoute.sM + front && stopS < ctx.route.line.length - ROUTE_END_STOP_M) return s;
        }
        const command: MidLevelCommand = {
          ...c,
          speed: 'STOP',
          path: 'FOLLOW_LANE',
          targetSpeedMps: 0,
          // along the route at the goal: the goal's heading is its orientation there, not the way
          // the vehicle arrives (a goal facing back put the stop point before the goal, ux20 #1)
          stopAt: {
            x: goal.x + aimM * Math.cos(routeHeadingRad),
            y: goal.y + aimM * Math.sin(routeHeadingRad),
          },
          decelMps2: Math.min(6, Math.max(0.3, (v * v) / (2 * Math.max(alongM, 0.5)))),
          rationale: `mission: stop at the goal ${Math.max(0, alongM).toFixed(1)} m ahead`,
        };
        // the inner trajectory drives on past the goal: the gate rolls the STOP out itself
        const { trajectory: _t, ...rest } = s.output;
        return { state: s.state, output: { ...rest, command } };
      };
      const r = inner.plan(state, req, ctx);
      return r instanceof Promise ? r.then(decide) : decide(r);
    },
  };
}

/**
 * The Scenario a live mission amounts to (stack builders take one): the vehicle, the map by
 * reference, the ego's pose now and the goal (the two points of the "expert" track: a live run
 * has no log to compare with).
 */
export function liveScenario(mapId: string, vehicle: VehicleParams, ego: Pose, route: Route): Scenario {
  const goal = route.goal ?? ego;
  return ScenarioSchema.parse({
    formatVersion: 1,
    id: `live-${mapId}`,
    description: 'a live mission',
    map: { kind: 'file', path: `live:${mapId}` },
    vehicle,
    egoStart: { tS: 0, x: ego.x, y: ego.y, headingRad: ego.headingRad, speedMps: 0 },
    route,
    expert: [
      { tS: 0, x: ego.x, y: ego.y, headingRad: ego.headingRad, speedMps: 0 },
      { tS: 1, x: goal.x, y: goal.y, headingRad: goal.headingRad, speedMps: 0 },
    ],
    source: { origin: 'live' },
  });
}
