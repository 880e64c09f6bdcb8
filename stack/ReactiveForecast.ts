/**
 * Reactive forecast of the other agents for the hierarchical planner's reflection: the simulator's
 * agent models (`AgentFleet`, reactive mode: nuPlan's IDM agents, or the interactive ones that also
 * yield to bodies forecast to enter their path) driven for the scored horizon against one candidate
 * ego trajectory. Built from the snapshot only (what the planner sees), never from the scenario's
 * scripts: vehicles and cyclists drive IDM along the lanes the map locates them on (first
 * successor on), at their current speed as the desired one; a vehicle off the lane graph drives
 * IDM along its heading; standing vehicles, pedestrians and static objects replay at constant
 * velocity (a standing car stays). planner/ gets this as a function (`ForecastFn`) and never
 * imports sim/.
 */
import {
  type EgoState,
  hypot2,
  type Scenario,
  type ScenarioAgent,
  type TrackPoint,
  type Trajectory,
  type WorldSnapshot,
} from '../core/index.ts';
import {
  brakingDistanceM,
  egoClearingOnRed,
  isActiveEmergency,
  RED_OVERSHOOT_MARGIN_M,
  type RoadMap,
  RoutePath,
  restsClearOf,
  signalStopAhead,
  signalStopBehind,
  stopsForLight,
} from '../core/map/index.ts';
import type { PlannerContext } from '../core/planning/Planner.ts';
import { egoAtRest } from '../core/vehicle/index.ts';
import type { AgentForecast, ForecastFn } from '../planner/index.ts';
import { AgentFleet, type AgentModel } from '../sim/index.ts';

export interface ReactiveForecastOptions {
  /** Agent model (`interactive` as the simulator's CLS-R default, or `idm`). */
  agents?: AgentModel;
  /** Lane sequence length ahead of each agent, m. */
  laneLookM?: number;
  /** Agents farther than this from the ego are forecast at constant velocity by the scorer, m. */
  radiusM?: number;
  /**
   * While the ego clears its junction on red: the braking of a driver whose own light is red, m/s²
   * (the gate's and the planner's `yellowStopDecelMps2`, 3 m/s²).
   */
  redStopDecelMps2?: number;
}

const STANDING_MPS = 0.3;
/** Shorter lane path ahead than this: the vehicle is forecast straight on, not along its lane, m. */
const MIN_LANE_PATH_M = 1;

/** The lanes ahead of `laneId` along first successors, at least `lookM` long. */
function lanesAhead(
  map: RoadMap,
  laneId: string,
  fromSM: number,
  lookM: number,
): { ids: string[]; lenM: number } {
  const ids = [laneId];
  let lane = map.lane(laneId);
  let len = lane ? lane.line.length - fromSM : 0;
  while (lane && len < lookM && ids.length < 12) {
    const next = lane.data.successors[0];
    if (!next || ids.includes(next)) break;
    lane = map.lane(next);
    if (!lane) break;
    ids.push(next);
    len += lane.line.length;
  }
  return { ids, lenM: len };
}

/** A straight constant-velocity track over `horizonS` (replay agents, off-graph vehicles). */
function straightTrack(a: WorldSnapshot['agents'][number], horizonS: number): TrackPoint[] {
  const c = Math.cos(a.headingRad);
  const s = Math.sin(a.headingRad);
  const v = Math.max(0, a.speedMps);
  return [0, horizonS + 1].map((t) => ({
    tS: t,
    x: a.x + c * v * t,
    y: a.y + s * v * t,
    headingRad: a.headingRad,
    speedMps: v,
  }));
}

/**
 * While the ego clears its junction on red (`core/map` `egoClearingOnRed`), a vehicle whose own light
 * is red stops for it, as the planner and the gate read it: at its line where it can stop there at
 * `decelMps2` (or is braking that hard already), else braking at `decelMps2` and coming to rest over
 * it — where that is `RED_OVERSHOOT_MARGIN_M` or more short of the ego's route (`egoPath`). Its track along its lanes (`lanes`, from `startSM`, at its offset from their centre), one point
 * per `dtS` over the horizon; undefined for any other vehicle (the fleet drives it).
 */
function redStopTrack(
  map: RoadMap,
  a: WorldSnapshot['agents'][number],
  lights: WorldSnapshot['lights'],
  path: RoutePath,
  decelMps2: number,
  dtS: number,
  steps: number,
  egoPath: RoutePath,
  egoHalfWidthM: number,
): TrackPoint[] | undefined {
  if (a.kind !== 'vehicle' || isActiveEmergency(a)) return undefined;
  const st =
    signalStopBehind(map, lights, a.x, a.y, a.headingRad, a.lengthM) ??
    signalStopAhead(map, lights, a.x, a.y, a.headingRad, a.lengthM);
  if (!st || st.signal !== 'RED') return undefined;
  const v0 = Math.max(0, a.speedMps);
  const atLine = stopsForLight(v0, st.distanceM, decelMps2, a.accelMps2);
  const stopM = atLine ? Math.max(0, st.distanceM) : brakingDistanceM(v0, decelMps2);
  const line = path.line;
  const f = line.project(a.x, a.y);
  const pose = { x: 0, y: 0, headingRad: 0 };
  // over its line: only where it rests short of the ego's way by the margin (else the fleet drives it)
  line.poseAt(Math.min(line.length, f.sM + stopM), pose);
  if (
    !atLine &&
    !restsClearOf(egoPath.line, pose.x, pose.y, egoHalfWidthM + a.lengthM / 2 + RED_OVERSHOOT_MARGIN_M)
  )
    return undefined;
  const b = stopM > 0.05 && v0 > 0 ? (v0 * v0) / (2 * stopM) : Number.POSITIVE_INFINITY;
  const track: TrackPoint[] = [];
  for (let k = 0; k < steps; k++) {
    const t = k * dtS;
    const tStop = v0 / b;
    const along = t >= tStop ? stopM : v0 * t - 0.5 * b * t * t;
    const speed = t >= tStop ? 0 : v0 - b * t;
    if (k === 0) {
      track.push({ tS: 0, x: a.x, y: a.y, headingRad: a.headingRad, speedMps: v0 });
      continue;
    }
    line.poseAt(Math.min(line.length, f.sM + along), pose);
    track.push({
      tS: t,
      x: pose.x - Math.sin(pose.headingRad) * f.dM,
      y: pose.y + Math.cos(pose.headingRad) * f.dM,
      headingRad: pose.headingRad,
      speedMps: speed,
    });
  }
  return track;
}

/** The forecast's agents for one snapshot and horizon (shared by all candidates of a plan). */
interface AgentSet {
  snap: WorldSnapshot;
  tS: number;
  dtS: number;
  steps: number;
  agents: ScenarioAgent[];
  ids: string[];
  index: Map<string, number>;
  /** The simulator scenario the fleet runs, but for the candidate's `expert` start. */
  scenario: Scenario;
  /** Forecasts made for this snapshot, by ego trajectory (candidates often roll out the same). */
  done: { points: Trajectory['points']; forecast: AgentForecast }[];
  /**
   * The route paths the candidates' fleets drive along (each agent's lanes, the ego's route), built
   * once per plan: every candidate's fleet starts from the same snapshot, so asks for the same.
   */
  routePath: (laneIds: ReadonlyArray<string>, startLaneS: number) => RoutePath;
}

/** `RoutePath.build` on `map`, remembering each path by its exact lanes and start. */
function routePathMemo(map: RoadMap): AgentSet['routePath'] {
  const built = new Map<string, RoutePath>();
  return (laneIds, startLaneS) => {
    // (ids are free text: JSON keeps them apart; a number's own text round-trips exactly and
    // keeps NaN and ±Infinity apart, which JSON would all write as null)
    const key = `${startLaneS} ${JSON.stringify(laneIds)}`;
    let path = built.get(key);
    if (!path) {
      path = RoutePath.build(map, laneIds, startLaneS);
      built.set(key, path);
    }
    return path;
  };
}

/** Same poses and speeds at the same instants (the fleet then does exactly the same). */
function samePoints(a: Trajectory['points'], b: Trajectory['points']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    const q = b[i]!;
    if (
      p.tS !== q.tS ||
      p.x !== q.x ||
      p.y !== q.y ||
      p.headingRad !== q.headingRad ||
      p.speedMps !== q.speedMps
    )
      return false;
  }
  return true;
}

function agentSet(
  map: RoadMap,
  snap: WorldSnapshot,
  ctx: PlannerContext,
  dtS: number,
  steps: number,
  lookM: number,
  radius: number,
  redStopDecelMps2: number,
): AgentSet {
  const horizonS = dtS * (steps - 1);
  const agents: ScenarioAgent[] = [];
  const routePath = routePathMemo(map);
  const clearing = egoClearingOnRed(map, snap, ctx.vehicle);
  for (const a of snap.agents) {
    if (hypot2(a.x - snap.ego.x, a.y - snap.ego.y) > radius) continue;
    const base = {
      id: a.id,
      kind: a.kind,
      lengthM: a.lengthM,
      widthM: a.widthM,
      start: { x: a.x, y: a.y, headingRad: a.headingRad, speedMps: Math.max(0, a.speedMps) },
      reactive: 'idm' as const,
    };
    const drives =
      (a.kind === 'vehicle' || a.kind === 'cyclist' || a.kind === 'robot') && a.speedMps > STANDING_MPS;
    if (a.kind === 'static' || (!drives && a.speedMps <= STANDING_MPS)) {
      agents.push({ ...base, behavior: { type: 'static' } });
      continue;
    }
    const at = drives ? map.locate(a.x, a.y, a.headingRad, 2.5) : undefined;
    // a vehicle at the very end of a lane with nothing after it has no lane path to follow
    const ahead = at ? lanesAhead(map, at.laneId, at.sM, lookM) : undefined;
    if (at && ahead && ahead.lenM > MIN_LANE_PATH_M && Math.abs(at.headingErrRad) < 0.6) {
      const stop = clearing
        ? redStopTrack(
            map,
            a,
            snap.lights,
            routePath(ahead.ids, Math.max(0, at.sM)),
            redStopDecelMps2,
            dtS,
            steps,
            routePath(snap.route.laneIds, 0),
            ctx.vehicle.widthM / 2,
          )
        : undefined;
      if (stop) {
        // (it stops for its light whatever the ego does: the track, not an IDM in its place)
        agents.push({ ...base, reactive: 'replay', behavior: { type: 'replay', track: stop } });
        continue;
      }
      agents.push({
        ...base,
        behavior: {
          type: 'idm',
          laneIds: ahead.ids,
          startSM: Math.max(0, at.sM),
          params: {
            targetSpeedMps: Math.max(1, a.speedMps),
            minGapM: 1,
            headwayS: 1.5,
            accelMaxMps2: 1,
            decelMaxMps2: 2,
          },
          departAtS: 0,
        },
      });
    } else agents.push({ ...base, behavior: { type: 'replay', track: straightTrack(a, horizonS) } });
  }
  const ids = agents.map((a) => a.id);
  const scenario: Scenario = {
    formatVersion: 1,
    id: 'reflection-forecast',
    description: '',
    tags: [],
    map: { kind: 'file', path: '(in memory)' },
    vehicle: ctx.vehicle,
    egoStart: snap.ego,
    route: snap.route,
    expert: [],
    agents,
    signals: [],
    durationS: horizonS,
    dtS,
    source: { origin: 'edgeplan' },
  };
  return {
    snap,
    tS: snap.tS,
    dtS,
    steps,
    agents,
    ids,
    index: new Map(ids.map((id, i) => [id, i])),
    scenario,
    done: [],
    routePath,
  };
}

/**
 * The forecast function handed to the hierarchical planner: for one ego trajectory (rear-axle poses
 * 0.1 s apart from the snapshot time) the agents' centres at the same instants, reacting to it.
 */
export function reactiveForecast(map: RoadMap, opts: ReactiveForecastOptions = {}): ForecastFn {
  const model = opts.agents ?? 'interactive';
  const lookM = opts.laneLookM ?? 120;
  const radius = opts.radiusM ?? 80;
  const redStopDecel = opts.redStopDecelMps2 ?? 3;
  const ego: EgoState = egoAtRest();
  let set: AgentSet | undefined;
  return (egoTraj: Trajectory, snap: WorldSnapshot, ctx: PlannerContext): AgentForecast | undefined => {
    const pts = egoTraj.points;
    if (pts.length < 2) return undefined;
    // nothing near moves: constant velocity (the scorer's own) is the same forecast, and cheaper
    const moving = snap.agents.some(
      (a) => a.speedMps > STANDING_MPS && hypot2(a.x - snap.ego.x, a.y - snap.ego.y) <= radius,
    );
    if (!moving) return undefined;
    const dtS = pts[1]!.tS - pts[0]!.tS;
    const steps = pts.length;
    // the agent set depends on the snapshot and the horizon only: built once per plan, not per candidate
    if (!set || set.snap !== snap || set.tS !== snap.tS || set.dtS !== dtS || set.steps !== steps)
      set = agentSet(map, snap, ctx, dtS, steps, lookM, radius, redStopDecel);
    const { agents, ids, index } = set;
    const same = set.done.find((d) => samePoints(d.points, pts));
    if (same) return same.forecast;
    const x = new Float64Array(ids.length * steps);
    const y = new Float64Array(ids.length * steps);
    if (ids.length === 0) return { dtS, steps, ids, x, y };
    const scenario: Scenario = {
      ...set.scenario,
      expert: [pts[0]!, pts[1]!].map((p) => ({ ...p, speedMps: Math.max(0, p.speedMps) })),
    };
    const fleet = new AgentFleet(scenario, map, 'reactive', { agents: model, routePath: set.routePath });
    for (let k = 0; k < steps; k++) {
      // an agent the fleet does not report at a step keeps its last place
      for (let i = 0; i < ids.length; i++) {
        const j = i * steps + k;
        x[j] = k === 0 ? agents[i]!.start.x : x[j - 1]!;
        y[j] = k === 0 ? agents[i]!.start.y : y[j - 1]!;
      }
      for (const a of fleet.current()) {
        const i = index.get(a.id);
        if (i === undefined) continue;
        x[i * steps + k] = a.x;
        y[i * steps + k] = a.y;
      }
      if (k === steps - 1) break;
      const p = pts[k]!;
      const q = pts[k + 1]!;
      ego.tS = k * dtS;
      ego.x = p.x;
      ego.y = p.y;
      ego.headingRad = p.headingRad;
      ego.speedMps = Math.max(0, p.speedMps);
      ego.accelMps2 = (q.speedMps - p.speedMps) / dtS;
      fleet.step(k * dtS, dtS, ego, ctx.vehicle, snap.lights);
    }
    const forecast = { dtS, steps, ids, x, y };
    set.done.push({ points: pts, forecast });
    return forecast;
  };
}
