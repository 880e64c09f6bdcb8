/**
 * The classical command tracker: executes a `MidLevelCommand` with pure pursuit on the commanded
 * path (the route or the current lane for FOLLOW_LANE, the neighbour lane for a change, the current
 * lane shifted into the opposite lane for a borrow) and a speed law toward the commanded target
 * with the commanded braking intensity. It is the early-exit policy's fallback and its lower
 * baseline. Pure step function; the reference path is rebuilt only when the command's path
 * changes, so a step allocates nothing but its output.
 */
import { z } from 'zod';
import {
  angleDiff,
  type Control,
  type FrenetPoint,
  type MidLevelCommand,
  Polyline,
  type Vec2,
} from '../core/index.ts';
import { nextRouteLane, type RoadMap, routeIndexOf, routeLanesAfter, routeRank } from '../core/map/index.ts';
import type {
  CommandController,
  ControllerInfo,
  ControlRequest,
  ControlStep,
  PlannerContext,
} from '../core/planning/index.ts';
import {
  evasiveMoveS,
  STANDSTILL_BRAKE_MPS2,
  STANDSTILL_TARGET_MPS,
  STOP_POINT_MARGIN_M,
} from '../core/vehicle/index.ts';

export const ClassicalParamsSchema = z.object({
  /** Pure-pursuit look-ahead: time gain, s (look-ahead = gain · speed, clamped below). */
  lookaheadGainS: z.number().positive().default(0.9),
  /** Look-ahead bounds, m (cars). */
  lookaheadMinM: z.number().positive().default(5),
  lookaheadMaxM: z.number().positive().default(25),
  /** Look-ahead bounds for robots, m. */
  robotLookaheadMinM: z.number().positive().default(0.8),
  robotLookaheadMaxM: z.number().positive().default(3),
  /** Speed-error gain, 1/s. */
  speedGainPerS: z.number().positive().default(1.2),
  /** Comfortable acceleration, m/s² (nuPlan comfort bound 2.40). */
  accelComfortMps2: z.number().positive().default(1.5),
  /**
   * Most speeding up of the vehicle's centre along its heading, m/s²: nuPlan's comfort reads the
   * centre's longitudinal acceleration a + d·ω² + d·α (d: rear axle to centre, ω the yaw rate, α its
   * rate; bound 2.40), so speeding up out of a turn while the steering unwinds (α ≈ 0.6 rad/s² at
   * 3–5 m/s) adds ≈ 0.9 m/s² to the 1.5 commanded. Acceleration is held to this less
   * d·(ω² + max(0, α)), α measured over the last step; braking is not held.
   */
  centreAccelMaxMps2: z.number().positive().default(2.0),
  /** Braking when the command names none, m/s². */
  decelDefaultMps2: z.number().positive().default(2.0),
  /** Jerk limit on the commanded acceleration, m/s³ (nuPlan comfort bound 4.13); braking harder than comfortable is not limited. */
  jerkMaxMps3: z.number().positive().default(4.0),
  /**
   * Rate at which braking harder than `decelDefaultMps2` (an emergency stop the gate ran) is released
   * once the command no longer asks for it, m/s³, down to that braking; then `jerkMaxMps3`. Released
   * at the comfort jerk, an 8 m/s² stop took 2 s to let go and stopped the ego outright where the
   * planner, the gate passing it, asked for 3 m/s already (CommonRoad DEU_BadEssen-3_1_T-1). Under the
   * gate's control-level bound (3 × its `maxJerkMps3` 4.13).
   */
  releaseJerkMps3: z.number().positive().default(10),
  /** Distance kept to a commanded stop point, m (core/vehicle `STOP_POINT_MARGIN_M`). */
  stopMarginM: z.number().nonnegative().default(STOP_POINT_MARGIN_M),
  /** Length of a lane path built off the route, m. */
  pathLengthM: z.number().positive().default(200),
  /**
   * A lane change moves over along a cubic from the ego's offset and heading to the target lane's
   * centre over speed × this, s. Re-planned every plan from where the ego is, the move behaves as a
   * damped second-order one (ζ ≈ 0.82): about half done after 0.7 of that length, 95 % after 1.5 —
   * 4–5 s at 3 s, the NGSIM mean lane-change duration (Toledo & Zohar 2007) the gate rolls out.
   */
  changeLengthS: z.number().positive().default(3),
  /**
   * Pure pursuit's look-ahead on an evasive change (`lateralAccelMps2`), s × speed: at 0.9 s the
   * chord cut the evasive cubic to half its lateral progress at 1.4 s (20 m/s, 4 m at 4.9 m/s²);
   * a shorter look-ahead follows the cubic the gate rolled out (`evasiveTracking.test.ts`).
   */
  evasiveLookaheadGainS: z.number().positive().default(0.4),
  /** Bounds of that length, m (RoutePath blends its changes over 12–40 m). */
  changeMinM: z.number().positive().default(12),
  changeMaxM: z.number().positive().default(60),
  /**
   * A FOLLOW_LANE that joins its lane's centre from well off it (`JOIN_OFF_CENTRE_M`: back from a
   * borrow, an aborted change) moves over along the change's cubic, made no shorter than keeps its
   * peak lateral acceleration 6·Δd·v²/L² at this, m/s² (our choice: within ISO 15622's 2 m/s² for
   * ACC curves; a 4 m return over 15 m at 5–8 m/s swung the ego's centre through 0.7 rad/s² of yaw
   * acceleration, nuPlan's ego_lon_acceleration 2.9 m/s² on CARLA StoryAddEntityAction).
   */
  joinLatAccelMps2: z.number().positive().default(1.5),
});
export type ClassicalParams = z.infer<typeof ClassicalParamsSchema>;

export interface ClassicalState {
  /** Key of the path the reference was built for (path decision + lanes). */
  key: string;
  path: Polyline | undefined;
  /** Arc length of the ego on the path at the last step (local projection window). */
  sM: number;
  /** Speed held by KEEP without a target, m/s (set when a KEEP command starts). */
  holdMps: number;
  holdFor: number;
  /** The acceleration commanded at the last step (jerk limit), m/s². */
  accelMps2: number;
  /** The ego's yaw rate at the last step (its rate of change: `centreAccelMaxMps2`), rad/s; absent before the first. */
  yawRateRadps?: number;
}

const INFO: ControllerInfo = { controller: 'classical', computeFraction: 1 };

/** A fresh classical controller (parameters validated; invalid parameters throw). */
export function createClassicalController(
  params: Partial<ClassicalParams> = {},
): CommandController<ClassicalState> {
  const p = ClassicalParamsSchema.parse(params);
  const fp: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
  const pose = { x: 0, y: 0, headingRad: 0 };
  return {
    name: 'classical',
    init: () => ({ key: '', path: undefined, sM: Number.NaN, holdMps: 0, holdFor: Number.NaN, accelMps2: 0 }),
    step(state: ClassicalState, req: ControlRequest, ctx: PlannerContext): ControlStep<ClassicalState> {
      const { ego, command, dtS } = req;
      const vehicle = ctx.vehicle;
      const robot = vehicle.kind === 'robot';
      const ref = referenceFor(state, command, req, ctx, p);
      const path = ref.path;
      // --- lateral: pure pursuit about the rear axle
      const v = Math.max(0, ego.speedMps);
      const gainS = command.lateralAccelMps2 !== undefined ? p.evasiveLookaheadGainS : p.lookaheadGainS;
      const ld = robot
        ? clamp(gainS * v, p.robotLookaheadMinM, p.robotLookaheadMaxM)
        : clamp(gainS * v, p.lookaheadMinM, p.lookaheadMaxM);
      let curvature = 0;
      let sNow = ref.sM;
      if (path) {
        egoOnReference(ref, ego, ctx, fp);
        sNow = fp.sM;
        path.poseAt(Math.min(fp.sM + ld, path.length), pose);
        let dx = pose.x - ego.x;
        let dy = pose.y - ego.y;
        if (fp.sM + ld > path.length) {
          // past the path's end: extend straight along its last heading
          const extra = fp.sM + ld - path.length;
          dx += extra * Math.cos(pose.headingRad);
          dy += extra * Math.sin(pose.headingRad);
        }
        const alpha = Math.atan2(dy, dx) - ego.headingRad;
        const dist = Math.max(Math.hypot(dx, dy), 1e-3);
        curvature = (2 * Math.sin(alpha)) / dist;
      }
      // --- longitudinal: speed law toward the commanded target
      const target = targetSpeed(
        command,
        v,
        ref,
        path,
        sNow + vehicle.rearAxleToCenterM + vehicle.lengthM / 2,
        p,
      );
      const brake = command.decelMps2 ?? p.decelDefaultMps2;
      let a =
        target.accelMps2 ??
        clamp(
          p.speedGainPerS * (target.speedMps - v),
          -brake,
          Math.min(p.accelComfortMps2, vehicle.maxAccelMps2),
        );
      const jerkStep = p.jerkMaxMps3 * dtS;
      const onset = brakingOnset(command, v, target.speedMps);
      if (onset !== undefined) {
        // a commanded braking onset (the gate's comfortable proper response): the deceleration is
        // built up from the current one at that jerk and released so that a = 0 at the target speed
        const aPrev = Math.min(0, state.accelMps2);
        a = Math.max(-brake, aPrev - onset * dtS, -Math.sqrt(2 * onset * (v - target.speedMps)));
        a = Math.min(a, state.accelMps2 + Math.max(jerkStep, onset * dtS));
      } else {
        // standing, the brake that stopped the ego holds it and has nothing left to let go: a start
        // builds up from rest (the ego stood 1.1 s after a 4.4 m/s² stop while the command asked it
        // to go, the jerk limit winding that braking back first; CommonRoad USA_Peach-4_8_T-1)
        const aPrev = v <= 0.01 && a > 0 ? Math.max(0, state.accelMps2) : state.accelMps2;
        const hardBrake = a < -p.decelDefaultMps2 - 1e-6 && a < aPrev;
        if (!hardBrake) {
          // a hard brake no longer asked for lets go fast down to the comfortable braking
          const release = Math.min(-p.decelDefaultMps2, aPrev + p.releaseJerkMps3 * dtS);
          a = clamp(a, aPrev - jerkStep, Math.max(aPrev + jerkStep, release));
        }
      }
      if (v <= 0.01 && target.speedMps <= 0.01) a = Math.min(a, 0);
      if (a > 0) {
        const w = ego.yawRateRadps;
        const yawAccel = state.yawRateRadps !== undefined && dtS > 0 ? (w - state.yawRateRadps) / dtS : 0;
        const turn = vehicle.rearAxleToCenterM * (w * w + Math.max(0, yawAccel));
        // (a NaN yaw rate leaves the acceleration as it was)
        if (turn > 0) a = Math.min(a, Math.max(0, p.centreAccelMaxMps2 - turn));
      }
      a = clamp(a, -vehicle.maxDecelMps2, vehicle.maxAccelMps2);
      const next: ClassicalState = {
        key: ref.key,
        path,
        sM: sNow,
        holdMps: ref.holdMps,
        holdFor: ref.holdFor,
        accelMps2: a,
        yawRateRadps: ego.yawRateRadps,
      };
      let control: Control;
      if (robot) {
        const vCmd = Math.max(0, v + a * dtS);
        control = {
          kind: 'unicycle',
          vMps: vCmd,
          omegaRadps: clamp(vCmd * curvature, -vehicle.maxYawRateRadps, vehicle.maxYawRateRadps),
        };
      } else {
        const steer = clamp(
          Math.atan(vehicle.wheelBaseM * curvature),
          -vehicle.maxSteerRad,
          vehicle.maxSteerRad,
        );
        control = { kind: 'ackermann', accelMps2: a, steerRad: steer };
      }
      return { state: next, control, info: INFO };
    },
  };
}

/** The reference the command selects: its path (cached while the path decision stands) and the KEEP hold speed. */
export interface Reference {
  key: string;
  path: Polyline | undefined;
  sM: number;
  holdMps: number;
  holdFor: number;
}

/** The reference path for the command (cached in the state while the path decision stands). Shared with the expert and the early-exit features. */
export function referenceFor(
  state: ClassicalState,
  command: MidLevelCommand,
  req: ControlRequest,
  ctx: PlannerContext,
  p: ClassicalParams,
): Reference {
  const { ego } = req;
  // KEEP without a target holds the speed the ego had when that command first arrived
  const newKeep = command.speed === 'KEEP' && state.holdFor !== command.issuedAtS;
  const holdMps = newKeep ? ego.speedMps : state.holdMps;
  const holdFor = command.speed === 'KEEP' ? command.issuedAtS : state.holdFor;
  const key = pathKey(command, ctx, ego, state, req.routeIndex);
  if (key === state.key && state.path) return { key, path: state.path, sM: state.sM, holdMps, holdFor };
  const path = buildPath(command, ctx, ego, key, p, req.routeIndex);
  return { key, path, sM: Number.NaN, holdMps, holdFor };
}

/** How far past the end of a fresh lane path's first lane the ego is sought on it, m. */
const FRESH_PATH_SLACK_M = 10;

/**
 * The ego's place on the reference path (`out`, arc length and offset, m): tracked near the last
 * arc length; on a fresh path, the nearest point heading the ego's way (a path that passes over
 * itself: not the crossing pass), and on a lane path (FOLLOW_LANE) only up to its first lane's end
 * (+ `FRESH_PATH_SLACK_M`), the lane the ego is in: a route that comes back by can end its path
 * pointing at the ego, and the straight extension past that end passes through it (CARLA Town04
 * route 8 at route position 61: the ego drove on straight there and stood).
 */
export function egoOnReference(
  ref: Pick<Reference, 'key' | 'path' | 'sM'>,
  ego: ControlRequest['ego'],
  ctx: PlannerContext,
  out: FrenetPoint,
): FrenetPoint {
  const path = ref.path;
  if (!path) return out;
  if (Number.isFinite(ref.sM)) return path.project(ego.x, ego.y, out, ref.sM - 10, ref.sM + 30);
  const first = ref.key.startsWith('lane:') ? ctx.map.lane(laneOfKey(ref.key)) : undefined;
  const toS = first ? first.line.length + FRESH_PATH_SLACK_M : Number.POSITIVE_INFINITY;
  return path.projectAligned(ego.x, ego.y, ego.headingRad, out, toS);
}

/** How far outside a route lane's half-width the rear axle may be and still count as in it, m. */
const IN_LANE_SLACK_M = 0.3;

/** A branch holds the rear axle only heading within this of it, rad (≈ 34°, the gate's `startLane`). */
const BRANCH_HEADING_RAD = 0.6;

/**
 * The lane FOLLOW_LANE keeps: the route lane the rear axle is in (a route lane wins where lanes
 * overlap, as in a junction), else the lane the map locates it in. With the route position
 * `routeIndex`, of the branches that hold the rear axle (the located lane's siblings and the lanes
 * after a sibling's first section) the one the route takes soonest from it (`routeRank`): where a
 * route that uses lanes twice turns at a junction it goes straight through on another pass, both
 * connectors are route lanes, and the straight one heads best at the entry. The route's own
 * lateral moves (a lane change blended into its reference line) are not followed: they are made
 * only when the planner commands the change.
 */
export function followLaneId(
  ctx: PlannerContext,
  ego: ControlRequest['ego'],
  routeIndex?: number,
): string | undefined {
  const map = ctx.map;
  const routeIds = ctx.route.laneIds;
  const onRoute =
    routeIds.length > 0 ? map.locate(ego.x, ego.y, ego.headingRad, IN_LANE_SLACK_M, routeIds) : undefined;
  if (!onRoute || !routeIds.includes(onRoute.laneId)) return map.locate(ego.x, ego.y, ego.headingRad)?.laneId;
  if (routeIndex === undefined || !Number.isFinite(routeIndex)) return onRoute.laneId;
  let best = onRoute.laneId;
  let bestRank = routeRank(routeIds, routeIndex, best);
  const consider = (id: string): void => {
    const rank = routeRank(routeIds, routeIndex, id);
    if (rank >= bestRank || !holdsBranch(ctx, id, ego)) return;
    best = id;
    bestRank = rank;
  };
  for (const predId of map.lane(onRoute.laneId)?.data.predecessors ?? [])
    for (const id of map.lane(predId)?.data.successors ?? []) {
      consider(id);
      for (const next of map.lane(id)?.data.successors ?? []) consider(next);
    }
  return best;
}

/** The rear axle is in lane `laneId` (`stillIn`) heading along it (within `BRANCH_HEADING_RAD`). */
function holdsBranch(ctx: PlannerContext, laneId: string, ego: ControlRequest['ego']): boolean {
  const f = { sM: 0, dM: 0, segment: 0 };
  if (!stillIn(ctx, laneId, ego.x, ego.y, f)) return false;
  const lane = ctx.map.mustLane(laneId);
  return Math.abs(angleDiff(ego.headingRad, lane.line.headingAt(f.sM))) <= BRANCH_HEADING_RAD;
}

/**
 * The rear axle is still within lane `laneId` (its length and half-width + the slack); its
 * projection on the lane is left in `probe`.
 */
function stillIn(
  ctx: PlannerContext,
  laneId: string,
  x: number,
  y: number,
  probe: FrenetPoint = { sM: 0, dM: 0, segment: 0 },
): boolean {
  const lane = ctx.map.lane(laneId);
  if (!lane) return false;
  lane.line.project(x, y, probe);
  const half = (ctx.map.laneWidthAt(laneId, probe.sM) ?? lane.data.widthM) / 2;
  return probe.sM >= 0 && probe.sM <= lane.line.length && Math.abs(probe.dM) <= half + IN_LANE_SLACK_M;
}

/** Marks an in-lane shift in a FOLLOW_LANE path key (map ids are free text: this cannot be one's tail). */
const SHIFT_TAG = '\u0000shift:';
/** The lane a FOLLOW_LANE key (`lane:<id>`, with the shift's tag and offset after it) names. */
function laneOfKey(key: string): string {
  const body = key.slice('lane:'.length);
  const at = body.lastIndexOf(SHIFT_TAG);
  return at >= 0 ? body.slice(0, at) : body;
}

function pathKey(
  command: MidLevelCommand,
  ctx: PlannerContext,
  ego: ControlRequest['ego'],
  state: ClassicalState,
  routeIndex: number | undefined,
): string {
  if (command.path === 'FOLLOW_LANE') {
    // an in-lane shift (`lateralOffsetM`) and where it ends are part of the key: a new offset or end
    // builds a new path (an evasive close onto the centre is rebuilt from where the ego is every command)
    const end = command.lateralOffsetEndAt;
    const shift = command.lateralOffsetM
      ? `${SHIFT_TAG}${command.lateralOffsetM}${end ? `@${end.x},${end.y}` : ''}`
      : command.lateralAccelMps2 !== undefined
        ? `${SHIFT_TAG}evade${command.issuedAtS}`
        : '';
    // the route lane kept so far while the ego is still in it (no map search every step)
    const kept = state.key.startsWith('lane:') ? laneOfKey(state.key) : '';
    const routeIds = ctx.route.laneIds;
    if (kept && routeIds.includes(kept)) {
      if (stillIn(ctx, kept, ego.x, ego.y)) return `lane:${kept}${shift}`;
      // past its end: the lane the route takes next from the kept one, where it holds the ego (a
      // route that uses lanes twice has the straight-on connector of a junction it turns at on
      // this pass on it too, overlapping the turn's start and heading better)
      for (const id of routeLanesAfter(routeIds, kept, routeIndex))
        if (stillIn(ctx, id, ego.x, ego.y)) return `lane:${id}${shift}`;
    }
    return `lane:${followLaneId(ctx, ego, routeIndex) ?? '?'}${shift}`;
  }
  return `${command.path}:${command.targetLaneId ?? ''}:${command.issuedAtS}`;
}

function buildPath(
  command: MidLevelCommand,
  ctx: PlannerContext,
  ego: ControlRequest['ego'],
  key: string,
  p: ClassicalParams,
  routeIndex: number | undefined,
): Polyline | undefined {
  const map = ctx.map;
  const routeIds = ctx.route.laneIds;
  const fallback = ctx.route.line.length > 0 ? ctx.route.line : undefined;
  if (command.path === 'FOLLOW_LANE') {
    // the key names the lane (`lane:<id>`); its path reaches pathLengthM past the lane's end
    const id = laneOfKey(key);
    const own = map.lane(id);
    if (!own) return fallback;
    const centre = lanePath(map, id, routeIds, own.line.length + p.pathLengthM, routeIndex);
    // an in-lane shift: the centre path offset (left +), joined from where the ego is as a change is;
    // one that ends (`lateralOffsetEndAt`) returns to the centre there, and once past it is over
    const end =
      centre && command.lateralOffsetEndAt ? endAlong(centre, command.lateralOffsetEndAt, ego) : undefined;
    const shift = end !== undefined && end.toGoM <= 0 ? 0 : (command.lateralOffsetM ?? 0);
    if (centre && shift === 0 && command.lateralAccelMps2 !== undefined)
      return changePath(centre, ego, p, command.lateralAccelMps2);
    if (centre && shift !== 0)
      return changePath(end ? endingOffset(centre, shift, end.sM, ego, p) : centre.offset(shift), ego, p);
    // an ego well off the centre (back from a borrow, an aborted change, a shift ended) is joined to
    // it as a lane change is: pure pursuit straight at a centre 4 m over turned a borrow's return
    // 0.56 rad off the lane at 6 m/s and on over the far edge (CARLA StoryAddEntityAction)
    return centre && offCentre(centre, ego)
      ? changePath(centre, ego, p, undefined, p.joinLatAccelMps2)
      : centre;
  }
  const here = map.locate(ego.x, ego.y, ego.headingRad);
  const lane = here ? map.lane(here.laneId) : undefined;
  if (!lane) return fallback;
  const left = command.path === 'LEFT_CHANGE' || command.path === 'LEFT_BORROW';
  const borrow = command.path === 'LEFT_BORROW' || command.path === 'RIGHT_BORROW';
  const nb = left ? lane.data.left : lane.data.right;
  if (!borrow) {
    const targetId =
      command.targetLaneId && map.lane(command.targetLaneId) ? command.targetLaneId : nb?.laneId;
    if (!targetId || !map.lane(targetId))
      return lanePath(map, lane.data.id, routeIds, p.pathLengthM, routeIndex);
    const target = lanePath(
      map,
      targetId,
      routeIds,
      map.mustLane(targetId).line.length + p.pathLengthM,
      routeIndex,
    );
    return target ? changePath(target, ego, p, command.lateralAccelMps2) : undefined;
  }
  // borrow: the current lane's path shifted by the distance between the two centrelines
  const own = lanePath(map, lane.data.id, routeIds, p.pathLengthM, routeIndex);
  const other = nb ? map.lane(nb.laneId) : undefined;
  const full = other ? (lane.data.widthM + other.data.widthM) / 2 : lane.data.widthM;
  // a nudge (lateralOffsetM) moves over only that far
  const shift = Math.min(full, command.lateralOffsetM ?? full);
  if (!own) return undefined;
  const moved = own.offset(left ? shift : -shift);
  // an evasive borrow is steered across at its lateral rate, as an evasive change is
  return command.lateralAccelMps2 !== undefined ? changePath(moved, ego, p, command.lateralAccelMps2) : moved;
}

const changeProbe: FrenetPoint = { sM: 0, dM: 0, segment: 0 };

/**
 * Where an in-lane offset ends along `centre` (`lateralOffsetEndAt`): its arc length, and the
 * distance left to it from the ego's rear axle (≤ 0: passed), m. Sought from 10 m behind the ego
 * on, as the gate's roll-out seeks it (a route that passes by itself: not the other pass).
 */
function endAlong(centre: Polyline, end: Vec2, ego: ControlRequest['ego']): { sM: number; toGoM: number } {
  centre.project(ego.x, ego.y, changeProbe);
  const egoS = changeProbe.sM;
  centre.project(end.x, end.y, changeProbe, egoS - 10);
  return { sM: changeProbe.sM, toGoM: changeProbe.sM - egoS };
}

/**
 * `centre` offset by `shiftM` (left +) up to arc length `endS`, then back onto the centre along a
 * cubic Hermite (parallel at both ends) over the length the controller joins an ego that far off
 * the centre with (`changePath` at `joinLatAccelMps2`: what it drives once the offset has ended and
 * the command no longer carries it), then the centre.
 */
function endingOffset(
  centre: Polyline,
  shiftM: number,
  endS: number,
  ego: ControlRequest['ego'],
  p: ClassicalParams,
): Polyline {
  const v = Math.max(0, ego.speedMps);
  const joinM = v * Math.sqrt((6 * Math.abs(shiftM)) / p.joinLatAccelMps2);
  const len = clamp(Math.max(v * p.changeLengthS, joinM), p.changeMinM, p.changeMaxM);
  const pts: Vec2[] = [];
  const pose = { x: 0, y: 0, headingRad: 0 };
  const sv = centre.s;
  for (let i = 0; i < sv.length && sv[i]! < endS - 0.5; i++) {
    centre.toCartesian(sv[i]!, shiftM, pose);
    pts.push({ x: pose.x, y: pose.y });
  }
  const n = Math.max(2, Math.ceil(len));
  for (let k = 0; k <= n; k++) {
    const u = k / n;
    centre.toCartesian(endS + u * len, (2 * u ** 3 - 3 * u ** 2 + 1) * shiftM, pose);
    pts.push({ x: pose.x, y: pose.y });
  }
  for (let i = 0; i < sv.length; i++)
    if (sv[i]! > endS + len + 0.5) pts.push({ x: centre.xs[i]!, y: centre.ys[i]! });
  return pts.length >= 2 ? new Polyline(pts) : centre.offset(shiftM);
}

/**
 * An ego this far off a FOLLOW_LANE path's centre when the path is built is joined to it along a
 * change path, m (the gate's `changesLane` reads a move of more than 0.5 m as leaving for another
 * lane; closer, pure pursuit's chord settles it gently).
 */
export const JOIN_OFF_CENTRE_M = 0.5;

/** The ego's rear axle is more than `JOIN_OFF_CENTRE_M` off `centre` where it is along it. */
function offCentre(centre: Polyline, ego: ControlRequest['ego']): boolean {
  centre.project(ego.x, ego.y, changeProbe);
  return (
    changeProbe.sM >= 0 && changeProbe.sM < centre.length && Math.abs(changeProbe.dM) > JOIN_OFF_CENTRE_M
  );
}

/**
 * The path of a lane change onto `target` (the target lane's forward path): from the ego's rear
 * axle, its lateral offset closes along a cubic Hermite — starting at the ego's offset and its
 * heading against the lane, ending on the centre, parallel — over `changeLengthS` × speed (within
 * the bounds), then the lane's centre. Built when a change command arrives; the plan after rebuilds
 * it from where the ego is then, so the move is a smooth feedback law, not a jump to the centre
 * (pure pursuit straight onto a lane 3.5 m over swings across at several m/s² sideways).
 */
export function changePath(
  target: Polyline,
  ego: ControlRequest['ego'],
  p: ClassicalParams,
  latAccelMps2?: number,
  joinLatAccelMps2?: number,
): Polyline {
  target.project(ego.x, ego.y, changeProbe);
  const s0 = changeProbe.sM;
  const d0 = changeProbe.dM;
  // the target lane has not begun yet, or is behind: its centre as it is
  if (s0 < 0 || s0 >= target.length) return target;
  const slope = Math.tan(clamp(angleDiff(ego.headingRad, target.headingAt(s0)), -0.5, 0.5));
  const v = Math.max(0, ego.speedMps);
  // an evasive change (`lateralAccelMps2`): the cubic whose end accelerations are that, over the
  // duration the gate's roll-out uses too (`evasiveMoveS`, core/vehicle/evasiveClose.ts)
  // (d0 is the ego's offset from the target centre: the way to go is −d0)
  const moveS =
    latAccelMps2 !== undefined && latAccelMps2 > 0
      ? evasiveMoveS(-d0, -Math.sign(d0) * slope * v, latAccelMps2)
      : p.changeLengthS;
  // a join at a bounded lateral acceleration: L ≥ v·√(6·|d0| / a) (the cubic's peak 6·Δd·v²/L²)
  const joinM = joinLatAccelMps2 !== undefined ? v * Math.sqrt((6 * Math.abs(d0)) / joinLatAccelMps2) : 0;
  const len = clamp(Math.max(v * moveS, joinM), p.changeMinM, p.changeMaxM);
  const pts: Vec2[] = [];
  const pose = { x: 0, y: 0, headingRad: 0 };
  const n = Math.max(2, Math.ceil(len));
  for (let k = 0; k <= n; k++) {
    const u = k / n;
    const d = (2 * u ** 3 - 3 * u ** 2 + 1) * d0 + len * (u ** 3 - 2 * u ** 2 + u) * slope;
    target.toCartesian(s0 + u * len, d, pose);
    pts.push({ x: pose.x, y: pose.y });
  }
  const xs = target.xs;
  const ys = target.ys;
  const sv = target.s;
  for (let i = 0; i < xs.length; i++) if (sv[i]! > s0 + len + 0.5) pts.push({ x: xs[i]!, y: ys[i]! });
  return pts.length >= 2 ? new Polyline(pts) : target;
}

/**
 * The lane's centreline and its successors up to `lengthM`: the route's way on (`nextRouteLane`)
 * from the occurrence of the lane nearest route position `routeIndex` (the first without it), so
 * that a route using a lane twice is followed the way it goes from where the ego is.
 */
export function lanePath(
  map: RoadMap,
  laneId: string,
  routeLaneIds: ReadonlyArray<string>,
  lengthM: number,
  routeIndex?: number,
): Polyline | undefined {
  let lane = map.lane(laneId);
  if (!lane) return undefined;
  let pos = routeIndexOf(routeLaneIds, laneId, routeIndex);
  const pts: Vec2[] = [];
  const seen = new Set<string>();
  let s = 0;
  while (lane && !seen.has(lane.data.id)) {
    seen.add(lane.data.id);
    const line = lane.line;
    for (let i = 0; i < line.xs.length; i++) {
      const x = line.xs[i]!;
      const y = line.ys[i]!;
      const last = pts[pts.length - 1];
      if (last && Math.hypot(x - last.x, y - last.y) < 1e-6) continue;
      pts.push({ x, y });
    }
    s += line.length;
    if (s >= lengthM) break;
    const step = nextRouteLane(routeLaneIds, lane.data.successors, pos);
    pos = step?.index ?? -1;
    lane = step ? map.lane(step.laneId) : undefined;
  }
  return pts.length >= 2 ? new Polyline(pts) : undefined;
}

export interface SpeedTarget {
  speedMps: number;
  /** Stops: the acceleration to apply instead of the speed law, m/s² (negative). */
  accelMps2?: number;
}

const stopProbe: FrenetPoint = { sM: 0, dM: 0, segment: 0 };

/** The speed law's target: a speed, or for stops the acceleration to apply (m/s², negative). `sFront` = front bumper arc length on the path, m. */
export function targetSpeed(
  command: MidLevelCommand,
  v: number,
  ref: Reference,
  path: Polyline | undefined,
  sFront: number,
  p: ClassicalParams,
): SpeedTarget {
  const brake = command.decelMps2 ?? p.decelDefaultMps2;
  switch (command.speed) {
    case 'STOP': {
      if (command.stopAt && path) {
        path.project(command.stopAt.x, command.stopAt.y, stopProbe);
        // stopAt is where the front bumper stops (as the gate reads it)
        // the actuator's lag (nuPlan bicycle: 0.2 s) carries the ego on before a brake takes hold
        const d = stopProbe.sM - sFront - p.stopMarginM - v * 0.2;
        // at the point: brake to rest — also from below 0.05 m/s, where no braking at all left the
        // ego creeping on at that speed for as long as the STOP stood (a robot 0.7 m past a goal in 20 s)
        if (d <= 0.05) return { speedMps: 0, accelMps2: v > 0 ? -Math.max(brake, (v * v) / 0.1) : 0 };
        // brake exactly onto the point once that takes the commanded intensity; until then approach
        const need = (v * v) / (2 * d);
        if (need >= 0.9 * brake) return { speedMps: 0, accelMps2: -need };
        return { speedMps: 0.9 * Math.sqrt(2 * brake * d) };
      }
      // no point: brake at the commanded rate, and the last few cm/s gently but to a stand (with
      // no braking below 0.05 m/s the ego crept on at that speed for as long as the STOP stood)
      return {
        speedMps: 0,
        accelMps2: v > 0.05 ? -brake : v > 0 ? -Math.min(brake, STANDSTILL_BRAKE_MPS2) : 0,
      };
    }
    case 'DECELERATE': {
      const t = Math.min(v, command.targetSpeedMps ?? Math.max(0, v - brake));
      return t <= STANDSTILL_TARGET_MPS ? toStand(v, brake, p) : { speedMps: t };
    }
    case 'ACCELERATE':
      return { speedMps: Math.max(command.targetSpeedMps ?? v + 2, 0) };
    default: {
      const t = command.targetSpeedMps ?? ref.holdMps;
      return t <= STANDSTILL_TARGET_MPS ? toStand(v, brake, p) : { speedMps: t };
    }
  }
}

/**
 * A speed target at or below `STANDSTILL_TARGET_MPS` is a stop: the speed law toward 0 (gain × v,
 * at most `brake`) with no less than `STANDSTILL_BRAKE_MPS2` until the ego stands, then held (the
 * law alone fades with the speed and crept on at a few cm/s for as long as the command stood).
 */
function toStand(v: number, brake: number, p: ClassicalParams): SpeedTarget {
  if (v <= 0) return { speedMps: 0, accelMps2: 0 };
  return { speedMps: 0, accelMps2: -Math.min(brake, Math.max(p.speedGainPerS * v, STANDSTILL_BRAKE_MPS2)) };
}

/**
 * The commanded braking onset (`jerkMps3` with `decelMps2`), m/s³, while the ego is above the
 * target of a DECELERATE or of a STOP without a stop point (the gate's roll-out honours it there).
 */
export function brakingOnset(command: MidLevelCommand, v: number, targetMps: number): number | undefined {
  if (command.jerkMps3 === undefined || command.decelMps2 === undefined) return undefined;
  const braking = command.speed === 'DECELERATE' || (command.speed === 'STOP' && !command.stopAt);
  return braking && v > targetMps + 1e-6 ? command.jerkMps3 : undefined;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
