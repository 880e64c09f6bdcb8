/**
 * What the agents read each plan: the perception lane graph plus the objects measured along the
 * route (arc length ahead of the front bumper, lateral offset from the route centreline), the
 * limits in force and the ego's size. Built from the snapshot by `buildWorldView`; hand-built in
 * the tests (one scene per decision rule).
 */
import {
  type AgentKind,
  angleDiff,
  type Lane,
  Polyline,
  type Vec2,
  type VehicleParams,
  type WorldSnapshot,
} from '../../core/index.ts';
import type { CurveSpeedParams, RoadMap, RoutePiece } from '../../core/map/index.ts';
import {
  appendLaneLine,
  crossableStretches,
  DEFAULT_CURVE_SPEED,
  egoClearingOnRed,
  isActiveEmergency,
  nextRouteLane,
  RoutePath,
  routeIndexOf,
  signalStopAhead,
  signalStopBehind,
  windowCurvature,
} from '../../core/map/index.ts';
import type { LaneGraph } from '../../core/sceneContext.ts';
import { type AgentLanePath, type PathEntry, pathMeeting } from './PathEntry.ts';

export interface RouteObject {
  id: string;
  kind: AgentKind;
  /** From the ego front bumper to the object's near end along the route, m (negative: beside or behind). */
  sM: number;
  /** Lateral offset of its centre from the route centreline, m (left positive). */
  dM: number;
  lengthM: number;
  widthM: number;
  speedMps: number;
  /** Speed along the route direction, m/s (negative: oncoming). */
  alongMps: number;
  /** Speed across the route, m/s (left positive). */
  acrossMps: number;
  /** Sine of its heading relative to the route (left positive): +1 faces left across the route, −1 right. */
  headingAcross?: number;
  /** How long it has been standing (speed < 0.2 m/s, measured), s. */
  standingS: number;
  /**
   * How far its centre is from where the planner first saw it, m (absent: not tracked). A vehicle
   * that has moved was seen driving in traffic: where it stops in the lane is not where it parked.
   */
  movedM?: number;
  /** The agent's own facts, where the source gives them: flagged parked, hazard lights on. */
  parked?: boolean;
  hazardLights?: boolean;
  /**
   * `false`: its speed is not measured (`AgentState.speedKnown`, a first sighting): the speeds
   * above are the placeholder 0, and it is no more standing than moving — no standing time (a
   * blocker is one seen standing for `parkedAfterS`), no acceleration from it, no gap beside it.
   */
  speedKnown?: boolean;
  /**
   * In the lane of the route's next lane change (`WorldView.routeChange`): its centre's distance
   * ahead of the ego's front bumper along that lane (the ego placed on it level with where it is
   * along the route), m, and its speed along that lane, m/s.
   */
  changeLane?: { aheadM: number; alongMps: number };
  /**
   * Where its footprint lies across the ego's own lane — the lane FOLLOW_LANE keeps (the lane
   * graph's ego lane and its successors, route lanes first), not the route line, which blends the
   * route's lane changes in before any is commanded: the least and greatest lateral offset of its
   * corners from that lane's centreline, m (left positive). Absent when the ego is in no lane.
   */
  laneSpan?: { minM: number; maxM: number };
  /** Longitudinal acceleration, m/s² (the snapshot's when the tracker gives one, else from its speed over the last plans; 0 when first seen). */
  accelMps2?: number;
  /**
   * Crossing agents: where the ego footprint first enters the strip its body sweeps — along its
   * lane path ahead where it is matched to a lane (`agentLanePaths`), else going straight on.
   */
  entry?: PathEntry;
  /**
   * Crossing agents whose strip our footprint meets only behind their rear (they have gone by):
   * how far their rear is past it, m.
   */
  rearPastM?: number;
  /**
   * Crossing vehicles: the first stop line ahead of its front bumper on its own lane (and a single
   * successor chain) whose signal is RED or YELLOW — from its front bumper, m, and the signal; while
   * the ego clears its junction on red (`WorldView.clearingOnRed`), the red line it has just driven
   * over instead, where there is one (negative: how far its front is past it).
   */
  signalStop?: { distanceM: number; signal: 'RED' | 'YELLOW' };
}

/** What the planner remembers of an agent between plans to estimate its acceleration. */
export interface AgentMotion {
  speedMps: number;
  accelMps2: number;
}

/** Where the planner first saw an agent (map frame, m): how far it has moved since (`RouteObject.movedM`). */
export interface FirstSighting {
  xM: number;
  yM: number;
}

/** Smoothing of the acceleration estimated from speed differences (weight of the new difference per 0.1 s). */
const ACCEL_GAIN_PER_TICK = 0.5;
/** Lateral margin of the crossing strip around the agent's body, m. */
const ENTRY_MARGIN_M = 0.3;

export interface WorldView {
  tS: number;
  platform: 'car' | 'robot';
  egoSpeedMps: number;
  egoLengthM: number;
  egoWidthM: number;
  /** Rear axle → front bumper, m. */
  egoFrontM: number;
  /** Ego offset from the route centreline, m (left positive). */
  egoDM: number;
  /** Rear-axle arc length on the route line, m (where `sM` distances are measured from, plus `egoFrontM`). */
  egoSM: number;
  /**
   * The ego's front is past the stop line of its own light and that light is red now (`core/map`
   * `clearingOnRed`): it is clearing the junction, and a crossing driver whose own light is red is
   * taken to brake for it even over its line (Autoware's intersection module, fully prioritized).
   */
  clearingOnRed?: boolean;
  /**
   * Front bumper → the end of the route, where its last lane leads nowhere (no successor: the road
   * ends there), m; absent when the route's last lane goes on.
   */
  deadEndM?: number;
  /** Width of the ego's lane, m. */
  laneWidthM: number;
  /** Width of the left / right neighbour lane, m (0: none). */
  leftWidthM: number;
  rightWidthM: number;
  /** The lane's posted limit, no higher than the vehicle's top speed (`maxSpeedMps`), m/s. */
  speedLimitMps: number;
  /**
   * The lane posts that limit (false: the road class's statutory default the importer put there,
   * `speedLimitPosted: false`). Absent: posted.
   */
  speedLimitPosted?: boolean;
  /** Curve-speed cap over the next stretch (√(a_lat / |κ|)), m/s. */
  curveCapMps: number;
  /**
   * Highest speed that, held for the command's roll-out, meets no curve sharper than it allows at
   * `horizonLatAccelMps2`, m/s (absent: not computed). A command lives for a second but is judged
   * (by reflection and the gate) on its roll-out, which holds the target speed into the bend.
   */
  horizonCapMps?: number;
  /** Heading change of the route over the next stretch (60 m cars, 8 m robots), rad (left positive). */
  routeTurnRad: number;
  /** The snapshot carries world text (an instruction, a sign): quoted, never obeyed. */
  hasWorldText: boolean;
  /** The route's next move into a neighbour lane, while the ego is not yet in that lane (cars). */
  routeChange?: RouteChange;
  laneGraph: LaneGraph;
  /** Objects within range, nearest first. */
  objects: RouteObject[];
}

/**
 * A lane change the route needs: from `fromLaneId` into its neighbour `laneId` on `side`. The move
 * can be made while the ego is in the from-lane, from where it begins (`startM` ahead of the front
 * bumper; negative: behind) to where it ends (`endM`: a lane that ends must be left before).
 */
export interface RouteChange {
  laneId: string;
  fromLaneId: string;
  side: 'LEFT' | 'RIGHT';
  startM: number;
  endM: number;
  /** The from-lane has successors (false: it ends, as an acceleration lane does). */
  fromContinues: boolean;
  /**
   * Where the marking turns solid before this change, or one of the route's changes right after it
   * (`CHANGE_CHAIN_MAX` within `CHANGE_LOOK_M`), can be made: `changes` moves (this one included)
   * must be done within `aheadM` of the front bumper — the pair that leaves the least room per
   * move. Absent: every one may be made anywhere on its lane.
   */
  crossBy?: { aheadM: number; changes: number };
}

/** How far ahead the route's next lane change is looked for, m. */
const CHANGE_LOOK_M = 250;

/** Range of the object list, m (cars / robots). */
const RANGE_M = { car: 250, robot: 25 } as const;

/** How far past the ego lane's end the ego is sought on its own-lane path, m (the controller's slack). */
const OWN_PATH_START_SLACK_M = 10;

/**
 * The speed a bend at route arc length `sM` allows on its own (no braking ahead of it), m/s: the
 * route's curve profile min(limit, √(a / |κ|)) at lateral acceleration `latAccelMps2`, and no more
 * than the yaw rate `yawRateRadps` allows (v ≤ ω / |κ|, with κ read back from the profile where it
 * is below the limit: κ = a / v²). Infinity on a straight without a limit.
 */
export function bendSpeedAt(
  route: RoutePath,
  map: RoadMap,
  sM: number,
  latAccelMps2: number,
  yawRateRadps: number,
): number {
  return bendSpeedOn(
    route.speedCapProfile(map, bendParams(latAccelMps2)),
    route,
    map,
    sM,
    latAccelMps2,
    yawRateRadps,
  );
}

/** The curve-profile parameters of a bend on its own (no braking ahead), one object per lateral acceleration. */
const BEND_PARAMS = new Map<number, CurveSpeedParams>();
function bendParams(latAccelMps2: number): CurveSpeedParams {
  let p = BEND_PARAMS.get(latAccelMps2);
  if (!p) {
    p = { ...DEFAULT_CURVE_SPEED, latAccelMps2, decelMps2: 1e6 };
    BEND_PARAMS.set(latAccelMps2, p);
  }
  return p;
}

/** `bendSpeedAt` on the bend profile fetched once (the look-ahead loops sample it many times a plan). */
function bendSpeedOn(
  profile: Float64Array,
  route: RoutePath,
  map: RoadMap,
  sM: number,
  latAccelMps2: number,
  yawRateRadps: number,
): number {
  const v = RoutePath.capOn(profile, sM);
  if (!Number.isFinite(v) || !Number.isFinite(yawRateRadps) || v >= route.speedLimitAt(map, sM) - 1e-9)
    return v;
  return Math.min(v, (yawRateRadps * v * v) / latAccelMps2);
}

/** Step of the yaw-rate part of the curve cap's look ahead, m. */
const YAW_LOOK_STEP_M = 0.5;

/**
 * The curve-speed cap at route arc length `sM`, m/s: every bend ahead at the speed `bendSpeedAt`
 * allows, approached braking at `DEFAULT_CURVE_SPEED.decelMps2` (the route's profile for the
 * lateral-acceleration part; the yaw-rate part binds only below a / ω, so it is looked for as far
 * ahead as braking from the speed limit to that takes).
 */
export function curveCapAt(
  route: RoutePath,
  map: RoadMap,
  sM: number,
  latAccelMps2: number,
  yawRateRadps: number,
): number {
  const b = DEFAULT_CURVE_SPEED.decelMps2;
  let cap = route.speedCapAt(map, sM, { ...DEFAULT_CURVE_SPEED, latAccelMps2 });
  if (!Number.isFinite(yawRateRadps)) return cap;
  const L = route.line.length;
  const lookM = Math.min(L - sM, Math.min(cap, 70) ** 2 / (2 * b));
  const profile = route.speedCapProfile(map, bendParams(latAccelMps2));
  for (let d = 0; d <= lookM; d += YAW_LOOK_STEP_M) {
    const v = bendSpeedOn(profile, route, map, sM + d, latAccelMps2, yawRateRadps);
    if (Number.isFinite(v)) cap = Math.min(cap, Math.sqrt(v * v + 2 * b * d));
  }
  return cap;
}

/** What the horizon cap reads (`horizonCapAt`). */
export interface HorizonCapParams {
  /** Lateral acceleration the roll-out may meet in a bend, m/s². */
  latAccelMps2: number;
  /** How long the roll-out holds the command's target speed, s. */
  holdS: number;
  /** Braking the speed profile slows down with before the roll-out would reach a bend too fast, m/s². */
  decelMps2: number;
}

/**
 * The lowest v² with which an ego braking at `a` from `d` metres before a bend of speed `c` can go on
 * to hold its speed for `T` seconds at every point of the approach without that roll-out meeting the
 * bend faster than `c`: min over u ∈ [0, d] of max(c, u / T)² + 2a(d − u) (u: where the ego's speed
 * first meets the hold limit max(c, u / T), counted back from the bend). The minimum lies at
 * u = min(d, cT) (the hold limit's corner), at u = aT² (where braking at `a` is as steep as the
 * hold limit u / T falls) when that is between, or at u = d.
 */
export function horizonApproachSq(c: number, d: number, T: number, a: number): number {
  const f = (u: number) => Math.max(c, u / T) ** 2 + 2 * a * (d - u);
  const u1 = Math.min(d, c * T);
  const u2 = Math.min(Math.max(a * T * T, u1), d);
  return Math.min(f(u1), f(u2), f(d));
}

/**
 * The horizon cap at route arc length `sM` (speed limit `limitMps`), m/s: the highest speed from
 * which the ego can brake at `decelMps2` onto a profile whose every point, held for `holdS`, meets
 * no bend faster than `bendSpeedAt` allows (`horizonApproachSq` for each bend ahead). The hold limit
 * alone, max(bend speed, distance / holdS), falls at speed / holdS per second as the ego closes in
 * (4 m/s² at 16 m/s with 4 s): a command that follows it brakes harder than nuPlan's comfort bound
 * (−4.05 m/s²) before a tight bend taken fast.
 */
export function horizonCapAt(
  route: RoutePath,
  map: RoadMap,
  sM: number,
  limitMps: number,
  h: HorizonCapParams,
  yawRateRadps: number,
): number {
  const T = h.holdS;
  const a = h.decelMps2;
  const L = route.line.length;
  const bends = route.speedCapProfile(map, bendParams(h.latAccelMps2));
  let vt = limitMps;
  // past 2ad − a²T² ≥ vt² (the least the approach can need) no bend can lower vt
  for (let d = 0; sM + d <= L && 2 * a * d - a * a * T * T < vt * vt; d += 1) {
    const c = bendSpeedOn(bends, route, map, sM + d, h.latAccelMps2, yawRateRadps);
    if (Number.isFinite(c) && c < vt) vt = Math.min(vt, Math.sqrt(horizonApproachSq(c, d, T, a)));
  }
  return vt;
}

/** Step of `bendSpeedsAlong`, m. */
const BEND_STEP_M = 0.5;

/**
 * The speed each point of `line` from arc length `fromS` on allows on its own, every 0.5 m, m/s:
 * min(√(a / |κ|), ω / |κ|) on the curvature over `DEFAULT_CURVE_SPEED.curvatureWindowM` (as the
 * route's profile measures it); Infinity on a straight.
 */
export function bendSpeedsAlong(
  line: Polyline,
  fromS: number,
  latAccelMps2: number,
  yawRateRadps: number,
): Float64Array {
  const L = line.length;
  const s0 = Math.min(Math.max(fromS, 0), L);
  const n = Math.max(1, Math.floor((L - s0) / BEND_STEP_M) + 1);
  const out = new Float64Array(n);
  const half = DEFAULT_CURVE_SPEED.curvatureWindowM / 2;
  for (let i = 0; i < n; i++) {
    const k = windowCurvature(line, s0 + i * BEND_STEP_M, half);
    out[i] = k > 1e-6 ? Math.min(Math.sqrt(latAccelMps2 / k), yawRateRadps / k) : Number.POSITIVE_INFINITY;
  }
  return out;
}

/** The curve cap on `bendSpeedsAlong`'s speeds: every bend approached braking at `decelMps2`, m/s. */
export function curveCapOn(bends: Float64Array, decelMps2: number): number {
  let cap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < bends.length; i++) {
    const c = bends[i]!;
    if (Number.isFinite(c)) cap = Math.min(cap, Math.sqrt(c * c + 2 * decelMps2 * i * BEND_STEP_M));
  }
  return cap;
}

/** The horizon cap (`horizonCapAt`) on `bendSpeedsAlong`'s speeds, m/s. */
export function horizonCapOn(bends: Float64Array, limitMps: number, h: HorizonCapParams): number {
  const T = h.holdS;
  const a = h.decelMps2;
  let vt = limitMps;
  for (let i = 0; i < bends.length; i++) {
    const d = i * BEND_STEP_M;
    if (2 * a * d - a * a * T * T >= vt * vt) break;
    const c = bends[i]!;
    if (c < vt) vt = Math.min(vt, Math.sqrt(horizonApproachSq(c, d, T, a)));
  }
  return vt;
}

/**
 * How near the route's end the caps also read the bends past it, m: as far as braking from `topMps`
 * at the curve cap's rate takes, plus the horizon cap's hold at that speed (beyond, no bend can
 * lower either cap below `topMps`).
 */
function pastEndLookM(topMps: number, horizon: HorizonCapParams | undefined): number {
  const brakeM =
    (topMps * topMps) / (2 * Math.min(DEFAULT_CURVE_SPEED.decelMps2, horizon?.decelMps2 ?? Infinity));
  return brakeM + topMps * (horizon?.holdS ?? 0);
}

/** `bends` (every `BEND_STEP_M` from the ego) with the first `fromM` metres cleared to Infinity, in place. */
function beyondM(bends: Float64Array, fromM: number): Float64Array {
  const n = Math.min(bends.length, Math.max(0, Math.floor(fromM / BEND_STEP_M)));
  bends.fill(Number.POSITIVE_INFINITY, 0, n);
  return bends;
}

/**
 * Builds the view of one snapshot. `standing` carries how long each object has been standing
 * (updated in place: id → seconds), `prevTS` the previous plan time. `prevEgoSM` is the ego's arc
 * length in the previous view (NaN: none): the ego is tracked along the route near it
 * (`Polyline.track`), so where the route passes over or near itself the view does not jump to the
 * other pass. `firstSeen` carries where each object was first seen (updated in place; absent: no
 * `movedM`).
 */
export function buildWorldView(
  snap: WorldSnapshot,
  laneGraph: LaneGraph,
  platform: 'car' | 'robot',
  map: RoadMap,
  route: RoutePath,
  vehicle: VehicleParams,
  standing: Map<string, number>,
  dtSinceLastS: number,
  curveLatAccelMps2: number,
  motion?: Map<string, AgentMotion>,
  horizon?: HorizonCapParams,
  prevEgoSM = Number.NaN,
  curveYawRateRadps = Number.POSITIVE_INFINITY,
  firstSeen?: Map<string, FirstSighting>,
): WorldView {
  const ego = snap.ego;
  const line = route.line;
  const dt = Math.max(0, dtSinceLastS);
  const reachM = Math.abs(ego.speedMps) * dt + 0.5 * Math.abs(ego.accelMps2 ?? 0) * dt * dt;
  const f = line.track(ego.x, ego.y, ego.headingRad, prevEgoSM, reachM);
  const egoS = f.sM;
  const egoDM = f.dM;
  const frontM = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
  const egoFrontS = egoS + frontM;
  const range = RANGE_M[platform];
  const objects: RouteObject[] = [];
  const seen = new Set<string>();
  const probe = { sM: 0, dM: 0, segment: 0 };
  const change = platform === 'car' ? nextRouteChange(route, map, egoFrontS, egoS, laneGraph) : undefined;
  const egoLaneId = laneGraph.egoLane?.laneId;
  // the range ahead of the ego wherever it is along its lane (the caps off the route read it)
  const own = egoLaneId
    ? ownLanePath(
        map,
        egoLaneId,
        route.laneIds,
        RANGE_M[platform] + (map.lane(egoLaneId)?.line.length ?? 0),
        route.indexAt(egoS),
      )
    : undefined;
  // the ego is on the path's first lane: a route that comes back by can end the path pointing at
  // the ego, and the straight extension past that end passes through it
  const ownS = own
    ? own.projectAligned(
        ego.x,
        ego.y,
        ego.headingRad,
        undefined,
        (map.lane(egoLaneId!)?.line.length ?? 0) + OWN_PATH_START_SLACK_M,
      ).sM
    : 0;
  const changeRef = change ? changeReference(change, map, ego, egoFrontS - egoS) : undefined;
  for (const a of snap.agents) {
    const dx = a.x - ego.x;
    const dy = a.y - ego.y;
    if (dx * dx + dy * dy > range * range) continue;
    seen.add(a.id);
    const unknown = a.speedKnown === false;
    const still = !unknown && a.speedMps < 0.2;
    const st = still ? (standing.get(a.id) ?? 0) + dtSinceLastS : 0;
    standing.set(a.id, st);
    let movedM: number | undefined;
    if (firstSeen) {
      const f0 = firstSeen.get(a.id);
      if (f0) movedM = Math.hypot(a.x - f0.xM, a.y - f0.yM);
      else {
        firstSeen.set(a.id, { xM: a.x, yM: a.y });
        movedM = 0;
      }
    }
    let accel = a.accelMps2;
    // (an unknown speed is no sample: differenced against the next measured one it would be an
    // acceleration nobody saw)
    if (motion && !unknown) {
      const m = motion.get(a.id);
      if (accel === undefined) {
        accel = m?.accelMps2 ?? 0;
        if (m && dtSinceLastS > 0) {
          const w = Math.min(1, ACCEL_GAIN_PER_TICK * (dtSinceLastS / 0.1));
          accel = (1 - w) * accel + (w * (a.speedMps - m.speedMps)) / dtSinceLastS;
        }
      }
      // updated in place: one record per agent for the run, not one per plan
      if (!m) motion.set(a.id, { speedMps: a.speedMps, accelMps2: accel });
      else if (dtSinceLastS > 0) {
        m.speedMps = a.speedMps;
        m.accelMps2 = accel;
      }
    }
    line.project(a.x, a.y, probe, egoS - range, egoS + range);
    const h = line.headingAt(Math.min(Math.max(probe.sM, 0), line.length));
    const rel = a.headingRad - h;
    const c = Math.abs(Math.cos(rel));
    const s = Math.abs(Math.sin(rel));
    const halfAlong = (a.lengthM * c + a.widthM * s) / 2;
    objects.push({
      id: a.id,
      kind: a.kind,
      sM: probe.sM - halfAlong - egoFrontS,
      dM: probe.dM,
      lengthM: 2 * halfAlong,
      widthM: a.lengthM * s + a.widthM * c,
      speedMps: a.speedMps,
      alongMps: a.speedMps * Math.cos(rel),
      acrossMps: a.speedMps * Math.sin(rel),
      headingAcross: Math.sin(rel),
      standingS: st,
      ...(movedM !== undefined ? { movedM } : {}),
      ...(a.parked !== undefined ? { parked: a.parked } : {}),
      ...(a.indicator === 'HAZARD' ? { hazardLights: true } : {}),
      ...(unknown ? { speedKnown: false } : {}),
      ...(accel !== undefined ? { accelMps2: accel } : {}),
      ...(change && changeRef !== undefined ? changeLaneOf(a, change.laneId, changeRef, map) : {}),
      ...(own ? { laneSpan: spanAcross(own, a, ownS - range, ownS + range) } : {}),
    });
  }
  for (const id of [...standing.keys()]) if (!seen.has(id)) standing.delete(id);
  if (firstSeen) for (const id of [...firstSeen.keys()]) if (!seen.has(id)) firstSeen.delete(id);
  if (motion) for (const id of [...motion.keys()]) if (!seen.has(id)) motion.delete(id);
  // the ego's front past the line of its own light, and that light red: it is clearing the junction
  const clearing = egoClearingOnRed(map, snap, vehicle, route.indexAt(egoS));
  // crossing agents: where our footprint first enters their path
  for (const c of laneGraph.crossing) {
    const a = snap.agents.find((x) => x.id === c.agentId);
    const o = objects.find((x) => x.id === c.agentId);
    if (!a || !o) continue;
    const paths = agentLanePaths(map, a);
    const meeting = pathMeeting(
      line,
      {
        sM: egoS,
        lengthM: vehicle.lengthM,
        widthM: vehicle.widthM,
        rearAxleToCenterM: vehicle.rearAxleToCenterM,
      },
      a,
      frontM + Math.max(0, c.conflictM) + vehicle.lengthM + 5,
      ENTRY_MARGIN_M,
      paths,
    );
    const e = meeting.entry;
    if (e) o.entry = e;
    if (meeting.rearPastM !== undefined) o.rearPastM = meeting.rearPastM;
    // (not an emergency vehicle on a run: it has the right of way and goes through its red)
    if (e && a.kind === 'vehicle' && snap.lights.length > 0 && !isActiveEmergency(a)) {
      // (while we clear on red, the red line it has just driven over is the one that holds it)
      const stop =
        (clearing ? signalStopBehind(map, snap.lights, a.x, a.y, a.headingRad, a.lengthM) : undefined) ??
        signalStopAhead(map, snap.lights, a.x, a.y, a.headingRad, a.lengthM);
      if (stop) o.signalStop = { distanceM: stop.distanceM, signal: stop.signal };
    }
  }
  objects.sort((p, q) => Math.abs(p.sM) - Math.abs(q.sM));
  const here = laneGraph.egoLane ? map.lane(laneGraph.egoLane.laneId) : undefined;
  const widthOf = (id: string | undefined): number => (id ? (map.lane(id)?.data.widthM ?? 0) : 0);
  const sClamp = Math.min(Math.max(egoS, 0), line.length);
  const limit = laneGraph.egoLane?.speedLimitMps ?? route.speedLimitAt(map, sClamp);
  const limitLane = map.lane(laneGraph.egoLane?.laneId ?? route.pieceAt(sClamp).laneId);
  // No faster than the vehicle can go, whatever the road allows: a target above its top speed is
  // one the gate rejects outright (`input.range`), plan after plan — on esmini's velodrome (a
  // 48.6 m/s banked track) the ego stood at its start for the whole run.
  const top = Math.max(Math.min(limit > 0 ? limit : vehicle.maxSpeedMps, vehicle.maxSpeedMps), 0);
  let cap = curveCapAt(route, map, sClamp, curveLatAccelMps2, curveYawRateRadps);
  let horizonCap = horizon ? horizonCapAt(route, map, sClamp, top, horizon, curveYawRateRadps) : undefined;
  if (own && egoLaneId !== undefined && !route.laneIds.includes(egoLaneId)) {
    // off the route (in a lane that is none of its lanes): the bends driven are those of the lane
    // path FOLLOW_LANE keeps, not the route line's (which may lie far away)
    const curve = bendSpeedsAlong(own, ownS, curveLatAccelMps2, curveYawRateRadps);
    cap = Math.min(top, curveCapOn(curve, DEFAULT_CURVE_SPEED.decelMps2));
    if (horizon) {
      const bends =
        horizon.latAccelMps2 === curveLatAccelMps2
          ? curve
          : bendSpeedsAlong(own, ownS, horizon.latAccelMps2, curveYawRateRadps);
      horizonCap = horizonCapOn(bends, top, horizon);
    }
  }
  const lastLane = map.lane(route.laneIds[route.laneIds.length - 1] ?? '');
  const deadEnd = lastLane !== undefined && lastLane.data.successors.length === 0;
  const toEndM = line.length - egoS;
  if (own && !deadEnd && toEndM < pastEndLookM(top, horizon) && route.laneIds.includes(egoLaneId ?? '')) {
    // the route ends but the road goes on: the ego drives on along its own lane path (the route's
    // last lane's first successor, as the gate's and the controller's lane paths do), and the
    // gate's roll-out meets the bends there. Unseen by the route line's caps, a bend just past the
    // end was first braked for by the gate's repair (CARLA VehicleTurningLeft_5, Town02: at 11.1 m/s
    // 0.6 s before the end, `kinematics.lateralAccel` 8.73 m/s² at t+1.2 s; −2.5 m/s² within 0.4 s,
    // lon jerk 4.06 of nuPlan's 4.13 m/s³)
    const curve = beyondM(bendSpeedsAlong(own, ownS, curveLatAccelMps2, curveYawRateRadps), toEndM);
    cap = Math.min(cap, curveCapOn(curve, DEFAULT_CURVE_SPEED.decelMps2));
    if (horizon && horizonCap !== undefined) {
      const bends =
        horizon.latAccelMps2 === curveLatAccelMps2
          ? curve
          : beyondM(bendSpeedsAlong(own, ownS, horizon.latAccelMps2, curveYawRateRadps), toEndM);
      horizonCap = Math.min(horizonCap, horizonCapOn(bends, top, horizon));
    }
  }
  return {
    tS: snap.tS,
    platform,
    egoSpeedMps: Math.max(0, ego.speedMps),
    egoLengthM: vehicle.lengthM,
    egoWidthM: vehicle.widthM,
    egoFrontM: frontM,
    egoDM,
    egoSM: egoS,
    ...(clearing ? { clearingOnRed: true } : {}),
    ...(deadEnd ? { deadEndM: line.length - egoFrontS } : {}),
    laneWidthM: here?.data.widthM ?? (platform === 'robot' ? 2 : 3.5),
    leftWidthM: widthOf(laneGraph.left?.laneId),
    rightWidthM: widthOf(laneGraph.right?.laneId),
    speedLimitMps: top,
    ...(limitLane?.data.speedLimitPosted === false ? { speedLimitPosted: false } : {}),
    curveCapMps: Number.isFinite(cap) ? cap : vehicle.maxSpeedMps,
    ...(horizonCap !== undefined ? { horizonCapMps: horizonCap } : {}),
    routeTurnRad: turnAhead(route, sClamp, platform === 'robot' ? 8 : 60),
    hasWorldText: snap.instruction !== undefined,
    ...(change ? { routeChange: change } : {}),
    laneGraph,
    objects,
  };
}

/**
 * The route's first move into a neighbour lane whose from-lane has not ended behind the front bumper
 * (route arc length `frontS`), unless the ego is in its target lane already. Only the moves from
 * the route piece the ego is in on (`egoPieceIndex`): a route that weaves across one road's lanes
 * (CARLA Town04 route 10: 40_0_6, 40_0_5, 40_0_4, 40_0_5, 40_0_6) has every move's from-lane
 * alongside the ego at once, and the first move, made long ago, was asked for again from the third
 * lane (into 40_0_5 "in 0 m" from 40_0_4, never a move the ego could make): the ego kept 40_0_4
 * off the route and round the town.
 */
function nextRouteChange(
  route: RoutePath,
  map: RoadMap,
  frontS: number,
  egoS: number,
  g: LaneGraph,
): RouteChange | undefined {
  const ps = route.pieces;
  const back = backIntoRoute(ps, map, frontS, egoS, g);
  if (back) return back;
  const from = g.egoLane ? egoPieceIndex(ps, g.egoLane.laneId, egoS) : -1;
  for (let i = Math.max(1, from + 1); i < ps.length; i++) {
    const from = ps[i - 1]!;
    const rel = map.relation(from.laneId, ps[i]!.laneId);
    if (rel !== 'left' && rel !== 'right') continue;
    const lane = map.lane(from.laneId);
    if (!lane) return undefined;
    const laneS0 = from.fromS - from.laneS0;
    const laneEndS = laneS0 + lane.line.length;
    // a from-lane that has ended behind the front bumper while the ego is still on it (a change
    // begun on a connector's last metres, whose line runs on over the next lanes'): the change goes
    // on into its target beside the ego, as the route draws it, rather than being dropped half made
    if (laneEndS < frontS && g.egoLane?.laneId !== from.laneId) continue;
    if (laneS0 - frontS > CHANGE_LOOK_M) return undefined;
    if (g.egoLane?.laneId === ps[i]!.laneId) return undefined;
    // where the line may be crossed: the move begins and ends inside a crossable stretch of the
    // from-lane's marking on that side (the gate refuses a body over a solid stretch)
    const w = crossableStretch(lane.data, rel, frontS - laneS0, lane.line.length);
    const crossBy = changeChainBound(ps, i, map, frontS);
    return {
      laneId: ps[i]!.laneId,
      fromLaneId: from.laneId,
      side: rel === 'left' ? 'LEFT' : 'RIGHT',
      startM: laneS0 + (w?.fromM ?? 0) - frontS,
      endM: laneS0 + (w?.toM ?? lane.line.length) - frontS,
      fromContinues: lane.data.successors.length > 0,
      ...(crossBy ? { crossBy } : {}),
    };
  }
  return undefined;
}

/**
 * The move back into the route of an ego off it in a lane beside the route piece level with it (a
 * change begun too late to be made on its from-lane: the route drew it on a 12 m connector piece
 * whose end the ego passed half-way over, CARLA Town06 764_2_-5 into 764_2_-6, the ego then on
 * 13_0_-5 beside the route's 13_0_-6): from the ego's lane into that piece's, inside the stretch
 * of the ego lane's marking that lets it cross. Without it the first route change ahead was the
 * next one, 125 m on, and the ego kept its lane off the route. Undefined on the route, or where no
 * piece level with the ego (rear axle to front bumper) is a neighbour of its lane.
 */
function backIntoRoute(
  ps: ReadonlyArray<RoutePiece>,
  map: RoadMap,
  frontS: number,
  egoS: number,
  g: LaneGraph,
): RouteChange | undefined {
  const e = g.egoLane;
  if (!e || e.onRoute) return undefined;
  const lane = map.lane(e.laneId);
  if (!lane) return undefined;
  for (const p of ps) {
    if (p.toS < egoS || p.fromS > frontS) continue;
    const rel = map.relation(e.laneId, p.laneId);
    if (rel !== 'left' && rel !== 'right') continue;
    const frontOnLane = e.sM + (frontS - egoS);
    const w = crossableStretch(lane.data, rel, frontOnLane, lane.line.length);
    return {
      laneId: p.laneId,
      fromLaneId: e.laneId,
      side: rel === 'left' ? 'LEFT' : 'RIGHT',
      startM: (w?.fromM ?? 0) - frontOnLane,
      endM: (w?.toM ?? lane.line.length) - frontOnLane,
      fromContinues: lane.data.successors.length > 0,
    };
  }
  return undefined;
}

/** How many of the route's lane changes, the next one included, `RouteChange.crossBy` looks at. */
const CHANGE_CHAIN_MAX = 6;

/**
 * `RouteChange.crossBy` for the change into route piece `i` (route arc length of the front bumper
 * `frontS`): over it and the changes after it within `CHANGE_LOOK_M`, each one's from-lane marking
 * on its side — where the crossable stretch the change may use ends before its lane does (a broken
 * line turning solid) — the n-th change must be made by then; the bound with the least room per
 * change, or undefined when none is bounded.
 */
function changeChainBound(
  ps: ReadonlyArray<RoutePiece>,
  i: number,
  map: RoadMap,
  frontS: number,
): { aheadM: number; changes: number } | undefined {
  let best: { aheadM: number; changes: number } | undefined;
  let n = 0;
  for (let k = i; k < ps.length && n < CHANGE_CHAIN_MAX; k++) {
    const from = ps[k - 1]!;
    const laneS0 = from.fromS - from.laneS0;
    if (laneS0 - frontS > CHANGE_LOOK_M) break;
    const rel = map.relation(from.laneId, ps[k]!.laneId);
    if (rel !== 'left' && rel !== 'right') continue;
    n++;
    const lane = map.lane(from.laneId);
    if (!lane) break;
    const w = crossableStretch(lane.data, rel, Math.max(0, frontS - laneS0), lane.line.length);
    if (!w || w.toM >= lane.line.length) continue;
    const aheadM = laneS0 + w.toM - frontS;
    if (!best || aheadM / n < best.aheadM / best.changes) best = { aheadM, changes: n };
  }
  return best;
}

/**
 * The stretch of lane `lane`'s marking on `side` where a lane change may cross it (lane arc
 * lengths [fromM, toM], within the lane's `lengthM`): of the marking's crossable stretches
 * (`crossableStretches`, the router's), the first that ends beyond `frontM` (the front bumper's
 * arc length on the lane). Undefined when the whole lane may be crossed (the window is the lane) or
 * none of it ahead may (the move is then the gate's to refuse, as before markings were read).
 */
export function crossableStretch(
  lane: Lane,
  side: 'left' | 'right',
  frontM: number,
  lengthM: number,
): { fromM: number; toM: number } | undefined {
  const all = crossableStretches(lane, side, lengthM);
  if (all.length === 1 && all[0]!.fromM <= 0 && all[0]!.toM === Number.POSITIVE_INFINITY) return undefined;
  for (const w of all) {
    const toM = Math.min(w.toM, lengthM);
    if (toM > frontM) return { fromM: w.fromM, toM };
  }
  return undefined;
}

/**
 * The route piece the ego is in: of the pieces of its lane `laneId`, the one whose stretch of the
 * route line [fromS, toS] lies nearest the ego's route arc length `egoS` (the first among equally
 * near); -1 when the lane is none of the route's (or `egoS` is not a number).
 */
function egoPieceIndex(ps: ReadonlyArray<RoutePiece>, laneId: string, egoS: number): number {
  let best = -1;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (p.laneId !== laneId) continue;
    const gap = Math.max(0, p.fromS - egoS, egoS - p.toS);
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * Where the ego's front bumper is along the change's target lane, m: the point of the from-lane
 * level with the front bumper (its start while the ego has not reached it) projected onto the
 * target lane, less the distance still to go to that start.
 */
function changeReference(
  c: RouteChange,
  map: RoadMap,
  ego: WorldSnapshot['ego'],
  frontM: number,
): number | undefined {
  const from = map.lane(c.fromLaneId);
  const to = map.lane(c.laneId);
  if (!from || !to) return undefined;
  let q: { x: number; y: number };
  if (c.startM > 0) q = from.line.poseAt(0);
  else {
    const fx = ego.x + frontM * Math.cos(ego.headingRad);
    const fy = ego.y + frontM * Math.sin(ego.headingRad);
    q = from.line.poseAt(Math.min(from.line.length, Math.max(0, from.line.project(fx, fy).sM)));
  }
  return to.line.project(q.x, q.y).sM - Math.max(0, c.startM);
}

/** The agent's place in the change's target lane, when it is in that lane. */
function changeLaneOf(
  a: WorldSnapshot['agents'][number],
  laneId: string,
  egoLaneS: number,
  map: RoadMap,
): Pick<RouteObject, 'changeLane'> {
  if (a.kind === 'pedestrian') return {};
  const loc = map.locate(a.x, a.y, a.headingRad, 0.5, [laneId]);
  if (loc?.laneId !== laneId) return {};
  return { changeLane: { aheadM: loc.sM - egoLaneS, alongMps: a.speedMps * Math.cos(loc.headingErrRad) } };
}

/**
 * The centreline of lane `laneId` and its successors over at least `lengthM`: the route's way on
 * (`nextRouteLane`) from the lane's occurrence nearest route position `routeIndex` (a route that
 * uses the lane twice), else the first successor.
 */
function ownLanePath(
  map: RoadMap,
  laneId: string,
  routeIds: ReadonlyArray<string>,
  lengthM: number,
  routeIndex: number,
): Polyline | undefined {
  const pts: Vec2[] = [];
  const seen = new Set<string>();
  let lane = map.lane(laneId);
  let pos = routeIndexOf(routeIds, laneId, routeIndex);
  let s = 0;
  while (lane && !seen.has(lane.data.id) && s < lengthM) {
    seen.add(lane.data.id);
    const l = lane.line;
    // a successor beginning a few millimetres off the lane's end joins it (`LANE_JOIN_GAP_M`)
    appendLaneLine(pts, l);
    s += l.length;
    const step = nextRouteLane(routeIds, lane.data.successors, pos);
    pos = step?.index ?? -1;
    lane = step ? map.lane(step.laneId) : undefined;
  }
  return pts.length >= 2 ? new Polyline(pts) : undefined;
}

const spanProbe = { sM: 0, dM: 0, segment: 0 };

/** The least and greatest lateral offset of an agent's footprint corners from `line`, m (left positive). */
function spanAcross(
  line: Polyline,
  a: WorldSnapshot['agents'][number],
  fromS: number,
  toS: number,
): { minM: number; maxM: number } {
  const c = Math.cos(a.headingRad);
  const sn = Math.sin(a.headingRad);
  let minM = Number.POSITIVE_INFINITY;
  let maxM = Number.NEGATIVE_INFINITY;
  for (const [u, w] of [
    [1, 1],
    [1, -1],
    [-1, 1],
    [-1, -1],
  ] as const) {
    const along = (u * a.lengthM) / 2;
    const across = (w * a.widthM) / 2;
    line.project(a.x + along * c - across * sn, a.y + along * sn + across * c, spanProbe, fromS, toS);
    minM = Math.min(minM, spanProbe.dM);
    maxM = Math.max(maxM, spanProbe.dM);
  }
  return { minM, maxM };
}

/** Net heading change of the route line from sM over the next `aheadM`, rad (wrapped, left positive). */
function turnAhead(route: RoutePath, sM: number, aheadM: number): number {
  const line = route.line;
  if (line.length <= 0) return 0;
  const h0 = line.headingAt(sM);
  const h1 = line.headingAt(Math.min(line.length, sM + aheadM));
  return Math.atan2(Math.sin(h1 - h0), Math.cos(h1 - h0));
}

/** A vehicle or cyclist whose heading is within this of its lane's follows that lane, rad (as perception's crossing prediction and the gate's forecast). */
const LANE_FOLLOW_HEADING_RAD = 0.5;
/**
 * Lanes whose direction is within this of the best-aligned one's are told apart by nothing, rad
 * (≈ 6°: where a junction's lanes fork, a car that has turned less than that may take either).
 */
const HEADING_TIE_RAD = 0.1;
/** A crossing agent's lane path reaches this far past the end of the lane it is in, m (beyond: its straight extension). */
const BRANCH_AHEAD_M = 40;
/**
 * At most this many branches per lane (forks in a row), shared out among the successors at the
 * first fork (each keeps at least its straightest continuation: only the first fork's turn tells
 * branches apart, so a deep fan of one successor must not crowd out the others).
 */
const MAX_BRANCHES = 8;

/** One branch of the lane paths from a lane: its centreline and the heading change at its first fork, rad (left positive). */
interface LaneBranch {
  line: Polyline;
  turnRad: number;
}

/** Lane paths per map and starting lane, built once: the map does not change during a run. */
const branchCache = new WeakMap<RoadMap, Map<string, LaneBranch[]>>();

/** The lane and each successor branch up to BRANCH_AHEAD_M past its end (≤ MAX_BRANCHES per first fork), cached. */
function laneBranches(map: RoadMap, laneId: string): LaneBranch[] {
  let perMap = branchCache.get(map);
  if (!perMap) {
    perMap = new Map();
    branchCache.set(map, perMap);
  }
  const hit = perMap.get(laneId);
  if (hit) return hit;
  const out: LaneBranch[] = [];
  const start = map.lane(laneId);
  // successors not yet on the branch, straightest first (depth first, the straight-on path is
  // always the first found under a cap)
  const nextOf = (ids: string[]): string[] =>
    map
      .lane(ids[ids.length - 1]!)!
      .data.successors.filter((id) => map.lane(id) && !ids.includes(id))
      .map((id) => ({ id, turn: Math.abs(laneTurn(map, id)) }))
      .sort((a, b) => a.turn - b.turn)
      .map((n) => n.id);
  const grow = (ids: string[], aheadM: number, budget: { left: number }): void => {
    if (budget.left <= 0) return;
    const next = nextOf(ids);
    if (aheadM >= BRANCH_AHEAD_M || next.length === 0) {
      const line = joinLanes(map, ids);
      if (line) out.push({ line, turnRad: forkTurn(map, ids) });
      budget.left--;
      return;
    }
    for (const id of next) grow([...ids, id], aheadM + map.lane(id)!.line.length, budget);
  };
  if (start) {
    const first = nextOf([laneId]);
    if (first.length === 0) grow([laneId], 0, { left: 1 });
    else {
      // an even share of what is left, at least one each (slots one does not use pass on)
      for (let i = 0; i < first.length; i++) {
        const id = first[i]!;
        const share = Math.max(1, Math.floor((MAX_BRANCHES - out.length) / (first.length - i)));
        grow([laneId, id], map.lane(id)!.line.length, { left: share });
      }
    }
  }
  perMap.set(laneId, out);
  return out;
}

function joinLanes(map: RoadMap, ids: ReadonlyArray<string>): Polyline | undefined {
  const pts: Vec2[] = [];
  for (const id of ids) appendLaneLine(pts, map.lane(id)!.line);
  return pts.length >= 2 ? new Polyline(pts) : undefined;
}

/** Heading change over the first successor lane of a branch, rad (left positive; 0 without one). */
function forkTurn(map: RoadMap, ids: ReadonlyArray<string>): number {
  return ids.length > 1 ? laneTurn(map, ids[1]!) : 0;
}

/** Heading change from a lane's start to its end, rad (left positive). */
function laneTurn(map: RoadMap, id: string): number {
  const l = map.lane(id)!;
  return angleDiff(l.line.headingAt(l.line.length), l.line.headingAt(0));
}

/** |heading error| of an agent against the lane at its projection, rad. */
function headingErrOn(
  lane: ReturnType<RoadMap['lanesAt']>[number],
  a: WorldSnapshot['agents'][number],
): number {
  const f = lane.line.project(a.x, a.y, laneProbe);
  const sIn = Math.min(Math.max(f.sM, 0), lane.line.length);
  return Math.abs(angleDiff(a.headingRad, lane.line.headingAt(sIn)));
}

/** How well a branch fits the indicator's side (1 left, −1 right): the turn that way; 0: the straighter the better. */
function branchScore(b: LaneBranch, side: number): number {
  return side === 0 ? -Math.abs(b.turnRad) : side * b.turnRad;
}

/** Reused lane-path records: a few crossing agents a plan, not an allocation each. */
const pathPool: AgentLanePath[] = [];
const pathsOut: AgentLanePath[] = [];
const laneProbe = { sM: 0, dM: 0, segment: 0 };

/**
 * The lane paths a crossing vehicle or cyclist takes (valid until the next call): from every lane
 * it is in whose direction is within LANE_FOLLOW_HEADING_RAD of its heading (at a fork, every one
 * its heading does not tell apart), the successor branch turning most to the side its indicator
 * shows, or without one the branch turning least (as the gate's forecast: every branch made the
 * rules time their approach behind an oncoming car's possible left turn across us, esmini
 * ltap-od-relative-speed 96.1 → 81.2 / 77.8). Empty for pedestrians and the rest, and for a vehicle in no lane
 * it points along (off the map, across the lanes): those keep the straight strip.
 */
export function agentLanePaths(map: RoadMap, a: WorldSnapshot['agents'][number]): AgentLanePath[] {
  pathsOut.length = 0;
  if (a.kind !== 'vehicle' && a.kind !== 'cyclist') return pathsOut;
  const lanes = map.lanesAt(a.x, a.y);
  // the lanes it points along: at a fork, where the lanes overlap, the one its heading has turned
  // into — every one its heading does not tell apart (unknown: conservative)
  let best = LANE_FOLLOW_HEADING_RAD;
  for (const lane of lanes) best = Math.min(best, headingErrOn(lane, a));
  for (const lane of lanes) {
    if (headingErrOn(lane, a) > Math.min(LANE_FOLLOW_HEADING_RAD, best + HEADING_TIE_RAD)) continue;
    const branches = laneBranches(map, lane.data.id);
    // the one turning least, and with an indicator on also the branch turning most that way (an
    // indicator is a hint, not a promise: left on from a lane change, or for a later junction, it
    // must not drop the straight-on path across ours)
    const side = a.indicator === 'LEFT' ? 1 : a.indicator === 'RIGHT' ? -1 : 0;
    let pick = Number.NEGATIVE_INFINITY;
    let pickStraight = Number.NEGATIVE_INFINITY;
    for (const b of branches) {
      pick = Math.max(pick, branchScore(b, side));
      pickStraight = Math.max(pickStraight, branchScore(b, 0));
    }
    for (const b of branches) {
      if (branchScore(b, side) < pick - 1e-6 && branchScore(b, 0) < pickStraight - 1e-6) continue;
      const p = pathPool[pathsOut.length] ?? { line: b.line, sM: 0, dM: 0 };
      pathPool[pathsOut.length] = p;
      p.line = b.line;
      // on its own lane's stretch of the branch (a branch that comes back by is not the agent's place)
      b.line.project(a.x, a.y, laneProbe, undefined, lane.line.length);
      p.sM = laneProbe.sM;
      p.dM = laneProbe.dM;
      pathsOut.push(p);
    }
  }
  return pathsOut;
}
