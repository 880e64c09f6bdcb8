/**
 * The gate's reflection step: a deterministic roll-out of a mid-level command (or of a planned
 * trajectory) into the predicted ego motion over the horizon. Lateral: a cubic in the distance
 * travelled, from the ego's offset and heading to the target lane's centre along the forward path
 * of the lane (branch) the ego is on; a planned trajectory
 * is joined from the ego's own offset and heading (a cubic closing the gap over 2 s, heading along
 * the motion). Longitudinal: the speed decision's reference (towards the target speed, a commanded
 * braking, or a stop at `stopAt`) as the sim's tracker drives it — nuPlan's LQR gain on the
 * reference one second ahead, its proportional stop below 0.2 m/s, the actuator's lag
 * (`modelTracking`); without it, the reference itself (the trajectory handed to the tracker).
 * Storage is preallocated and reused (STYLE habit 10).
 */
import {
  angleDiff,
  FrenetQuery,
  type MidLevelCommand,
  type Trajectory,
  type VehicleParams,
} from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { evasiveMoveS } from '../core/vehicle/index.ts';
import { buildLanePath, type LanePath, pieceAt, projectOnStart } from './LanePath.ts';
import type { SafetyParams } from './SafetyParams.ts';

export type PathKind = MidLevelCommand['path'];

export class Rollout {
  readonly capacity: number;
  n = 0;
  dtS = 0.2;
  readonly tS: Float64Array;
  /** Rear-axle pose and speed / acceleration at each step. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly h: Float64Array;
  readonly v: Float64Array;
  readonly a: Float64Array;
  /** Rear-axle arc length and lateral offset on the base lane path, m. */
  readonly s: Float64Array;
  readonly d: Float64Array;
  path: LanePath | undefined;
  /** Lane the ego is on at the start, the lane it moves to, and the offset of that lane's centre (an in-lane shift: its offset), m (left +). */
  startLaneId = '';
  targetLaneId = '';
  targetOffsetM = 0;
  /**
   * The offset the roll-out moves the ego to, m (left +): the target lane's centre, an in-lane
   * shift's offset, or a borrow's nudge (`lateralOffsetM`: only that far, as the controller drives it).
   */
  shiftToM = 0;
  kind: PathKind = 'FOLLOW_LANE';
  /** The target lane runs the other way (borrowing). */
  targetOpposite = false;
  /** The command shifts the ego within its own lane (`lateralOffsetM` on FOLLOW_LANE): not a lane change. */
  inLaneShift = false;
  /** Arc length of the planned stop (rear axle), or NaN. */
  stopS = Number.NaN;
  /**
   * An evasive move (`lateralAccelMps2`): the peak lateral acceleration of its cubic against the
   * lane, m/s² — exact (the cubic's second derivative is largest at its ends), where the heading
   * read over 4 m windows flattens a short cubic's ends; 0 without one.
   */
  evasivePeakLatAccelMps2 = 0;

  constructor(capacity = 64) {
    this.capacity = capacity;
    this.tS = new Float64Array(capacity);
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.a = new Float64Array(capacity);
    this.s = new Float64Array(capacity);
    this.d = new Float64Array(capacity);
  }
}

/**
 * Whether the roll-out moves the ego sideways by more than 0.5 m towards another lane (a lane
 * change or borrow, or a FOLLOW_LANE that brings a far-off ego back): an in-lane shift never does,
 * and a borrow's nudge only as far as it goes (`shiftToM`; for changes it is the target lane's
 * centre) — a 0.3 m nudge was judged as a full lane change (rear-ends by a follower counted).
 */
export function changesLane(r: Rollout): boolean {
  return !r.inLaneShift && Math.abs(r.shiftToM - r.d[0]!) > 0.5;
}

/** Caches lane paths per start lane (one cache per gate; maps are immutable). */
export class LanePathCache {
  private readonly cache = new Map<string, LanePath | undefined>();
  /**
   * @param maxEntries paths kept, the oldest dropped beyond it: a gate on a bridge runs for days and
   *   is handed route after route on one map, and an unbounded cache grew with each (the paths are
   *   pure functions of map, lane and route, so a dropped one is rebuilt the same; no reordering on
   *   a hit, which the gate makes many times per check)
   */
  constructor(
    readonly map: RoadMap,
    readonly maxEntries = 512,
  ) {}
  get size(): number {
    return this.cache.size;
  }
  get(laneId: string, route: ReadonlyArray<string>): LanePath | undefined {
    return this.lookup(`${laneId}|${route.join(',')}`, () => buildLanePath(this.map, laneId, route));
  }
  /** Another road user's path from `laneId`: through junctions the way that turns least. */
  getStraightest(laneId: string): LanePath | undefined {
    return this.lookup(`${laneId}|>straightest`, () => buildLanePath(this.map, laneId, [], true));
  }
  private lookup(key: string, build: () => LanePath | undefined): LanePath | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const path = build();
    this.cache.set(key, path);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    return path;
  }
}

export interface EgoStart {
  tS: number;
  x: number;
  y: number;
  headingRad: number;
  speedMps: number;
  accelMps2: number;
}

/** Below this speed the closing offset turns the rolled-out heading proportionally less, m/s. */
const CLOSING_MIN_SPEED_MPS = 0.5;
/** The tracker closes a trajectory's start offset over this time, s. */
const CLOSING_S = 2;
const fp = { sM: 0, dM: 0, segment: 0 };
/**
 * The roll-outs' per-step projections onto the whole lane path and points off it, through the
 * query's fields (`FrenetQuery`: no number boxed per step); its window stays the whole line.
 */
const step = new FrenetQuery();

/**
 * The reference speed at `tS` of a constant-deceleration brake from `v0` to `vTarget` at `decel`
 * that the tracker (gain·(v_ref(t + 1 s) − v)) follows: decel/gain below the speed it should have
 * one second earlier until `reachS` + 1 s, then the target; the first second falls at decel/gain.
 * Below zero only when `reverse` (a car: its tracker brakes harder on a reference behind it, and
 * the car stops rather than reverses; a robot's tracker would drive backwards).
 */
function ledReference(
  tS: number,
  v0: number,
  vTarget: number,
  decel: number,
  gain: number,
  reachS: number,
  reverse: boolean,
): number {
  const lead = decel / gain;
  const v = tS <= 1 ? v0 - lead * tS : tS < reachS + 1 ? v0 - decel * (tS - 1) - lead : vTarget;
  return reverse ? v : Math.max(0, v);
}

/** Heading change a trajectory roll-out allows beyond the turn its travel permits, per step (pose noise), rad. */
const HEADING_SLACK_RAD = 0.02;

/** The steepest start of a lateral close, as the slope of the offset against the path (45°). */
const CLOSE_MAX_SLOPE = 1;

/**
 * The lateral close of a command roll-out: a cubic in the distance travelled along the path,
 * from the ego's offset and the slope its heading gives it against the path, to the target
 * offset with the path's heading. Over distance, not time: an ego that stops closes no offset
 * (a vehicle does not slide sideways at a standstill, nor spin on the spot).
 */
interface LateralClose {
  d0: number;
  slope0: number;
  dT: number;
  lengthM: number;
}
const close: LateralClose = { d0: 0, slope0: 0, dT: 0, lengthM: 1 };
/** The return to the lane's centre of an in-lane offset that ends (`lateralOffsetEndAt`). */
const back: LateralClose = { d0: 0, slope0: 0, dT: 0, lengthM: 1 };

/** The offset after `sigmaM` of travel, m (left +). */
function closeOffset(c: LateralClose, sigmaM: number): number {
  const u = Math.min(1, Math.max(0, sigmaM / c.lengthM));
  const u2 = u * u;
  const u3 = u2 * u;
  return (2 * u3 - 3 * u2 + 1) * c.d0 + (u3 - 2 * u2 + u) * c.lengthM * c.slope0 + (3 * u2 - 2 * u3) * c.dT;
}

/** The slope of the offset against the path after `sigmaM` of travel (d offset / d arc length). */
function closeSlope(c: LateralClose, sigmaM: number): number {
  const u = Math.min(1, Math.max(0, sigmaM / c.lengthM));
  if (u >= 1) return 0;
  const u2 = u * u;
  return ((6 * u2 - 6 * u) * c.d0 + (6 * u - 6 * u2) * c.dT) / c.lengthM + (3 * u2 - 4 * u + 1) * c.slope0;
}

/** Where the ego is: lane, path and the neighbour the command's path decision aims at. */
function placeEgo(
  out: Rollout,
  ego: EgoStart,
  kind: PathKind,
  map: RoadMap,
  paths: LanePathCache,
  route: ReadonlyArray<string>,
  startLaneId: string | undefined,
  laneOffsetM?: number,
): boolean {
  out.evasivePeakLatAccelMps2 = 0;
  const laneId =
    startLaneId !== undefined && map.lane(startLaneId)
      ? startLaneId
      : map.locate(ego.x, ego.y, ego.headingRad, 5, undefined)?.laneId;
  if (laneId === undefined) {
    out.path = undefined;
    return false;
  }
  const lane = map.mustLane(laneId);
  out.startLaneId = laneId;
  out.path = paths.get(laneId, route);
  out.kind = kind;
  out.targetLaneId = laneId;
  out.targetOffsetM = 0;
  out.targetOpposite = false;
  out.inLaneShift = kind === 'FOLLOW_LANE' && laneOffsetM !== undefined;
  if (out.inLaneShift) out.targetOffsetM = laneOffsetM!;
  out.shiftToM = out.targetOffsetM;
  const left = kind === 'LEFT_CHANGE' || kind === 'LEFT_BORROW';
  const right = kind === 'RIGHT_CHANGE' || kind === 'RIGHT_BORROW';
  if (left || right) {
    const nb = left ? lane.data.left : lane.data.right;
    const nbLane = nb ? map.lane(nb.laneId) : undefined;
    if (nb && nbLane) {
      out.targetLaneId = nb.laneId;
      out.targetOpposite = nb.opposite;
      const full = (lane.data.widthM + nbLane.data.widthM) / 2;
      out.targetOffsetM = left ? full : -full;
      // a borrow's nudge (`lateralOffsetM`) moves over only that far, as the controller drives it
      // (controller/ClassicalController.ts): rolled out over the whole way, a 0.3 m nudge past a
      // parked van was checked as clearing it and driven into it
      const borrow = kind === 'LEFT_BORROW' || kind === 'RIGHT_BORROW';
      const off = borrow && laneOffsetM !== undefined ? Math.min(full, laneOffsetM) : full;
      out.shiftToM = left ? off : -off;
    }
  }
  return out.path !== undefined;
}

/**
 * Rolls `command` out from `ego` into `out` over the gate's horizon (≥ 3 s), along the forward path
 * of `startLaneId` (`startLane()`: the branch the ego is taking; by default the located lane).
 * Returns false when the ego is off the map (then only a stop is predictable and the map rules fail).
 */
export function rolloutCommand(
  command: MidLevelCommand,
  ego: EgoStart,
  map: RoadMap,
  route: ReadonlyArray<string>,
  vehicle: VehicleParams,
  params: SafetyParams,
  paths: LanePathCache,
  out: Rollout,
  modelTracking = true,
  startLaneId?: string,
): boolean {
  // FOLLOW_LANE: the in-lane shift; a BORROW: its nudge
  const laneOffsetM =
    command.path === 'FOLLOW_LANE' || command.path === 'LEFT_BORROW' || command.path === 'RIGHT_BORROW'
      ? command.lateralOffsetM
      : undefined;
  const placed = placeEgo(out, ego, command.path, map, paths, route, startLaneId, laneOffsetM);
  const dt = params.stepS;
  // the gate's own horizon: the command's horizonS is untrusted and never shortens the check
  const n = Math.min(out.capacity, Math.round(params.horizonS / dt) + 1);
  out.n = n;
  out.dtS = dt;
  const v0 = Math.max(0, ego.speedMps);
  let vTarget = command.targetSpeedMps ?? v0;
  if (command.speed === 'ACCELERATE' && command.targetSpeedMps === undefined)
    vTarget = v0 + params.speedStepMps;
  if (command.speed === 'DECELERATE')
    vTarget = Math.min(v0, command.targetSpeedMps ?? Math.max(0, v0 - params.speedStepMps));
  if (command.speed === 'STOP') vTarget = 0;
  vTarget = Math.min(vTarget, vehicle.maxSpeedMps);
  const accUp = Math.min(params.commandAccelMps2, vehicle.maxAccelMps2);
  // DECELERATE / STOP brake at the commanded intensity when given (RSS proper response), else gently
  const braking = command.speed === 'DECELERATE' || command.speed === 'STOP';
  const accDown = Math.min(
    braking && command.decelMps2 !== undefined ? command.decelMps2 : params.commandDecelMps2,
    vehicle.maxDecelMps2,
  );
  const gain = params.trackingGainPerS;
  // the tracker brakes no harder than gain·(v − floor), its reference one second ahead being at
  // best the floor: a commanded braking's reference floor lies accDown/gain below the target, so
  // that the commanded deceleration holds down to the target itself (then tapers below it)
  const commandedDecel =
    braking &&
    command.decelMps2 !== undefined &&
    command.jerkMps3 === undefined &&
    !(command.speed === 'STOP' && command.stopAt);
  const floorMps = commandedDecel ? Math.max(0, vTarget - accDown / gain) : vTarget;
  // the trajectory handed to the tracker (no tracking model) is that reference: accDown/gain below
  // the speed the tracker should have one second earlier, which falls at accDown (the tracker then
  // brakes at accDown), back at the target from one second after it is reached (reaching it, the
  // tracker holds it); the first second falls at accDown/gain to where the tracker reads it
  // (the braking already under way goes on for the actuator's lag: it is released that much early)
  const vLag = v0 + Math.min(0, ego.accelMps2) * params.accelLagS;
  const led = !modelTracking && commandedDecel && vLag > vTarget;
  const reachS = led ? (vLag - vTarget) / accDown : 0;
  // near a stop the tracker brakes at most gain·v on a reference at rest: a car's reference goes
  // below zero (poses behind it, as PDM-Closed's emergency brake does) so that the commanded
  // deceleration holds down to the stop
  const reverse = led && vehicle.kind === 'car';
  let s = 0;
  let d = 0;
  if (placed && out.path) {
    // the ego is on the path's first lane: its arc length is sought there
    projectOnStart(out.path, ego.x, ego.y, fp);
    s = fp.sM;
    d = fp.dM;
  }
  // an ego that faces against its lane (more than 90° off the path's heading: the wrong way down
  // it) does not follow it — the path leads the other way, and a command rolled along it turned the
  // rolled-out ego round on the spot: the tracker then steered a repair's or an MRM's stop round
  // into the next lane (esmini full_e6mini_reverse, traj_use_cases). It goes on straight along its
  // heading; its arc length and offset are where those poses lie on the lane
  const against = !!out.path && Math.cos(angleDiff(ego.headingRad, out.path.line.headingAt(s))) < 0;
  out.stopS = Number.NaN;
  if (command.speed === 'STOP' && command.stopAt && out.path) {
    // stopAt is where the front bumper stops; the rolled-out pose is the rear axle.
    const toFront = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    if (against) {
      // measured along the heading it goes on along, from where it is (the loop's s starts at s0)
      const along =
        (command.stopAt.x - ego.x) * Math.cos(ego.headingRad) +
        (command.stopAt.y - ego.y) * Math.sin(ego.headingRad);
      out.stopS = s + along - toFront;
    } else {
      out.path.line.project(command.stopAt.x, command.stopAt.y, fp);
      out.stopS = fp.sM - toFront;
    }
  }
  const s0 = s;
  // an in-lane offset that ends (`lateralOffsetEndAt`): the travel to the place along the path where
  // the rear axle's path returns to the centre, m (infinite: the offset holds along the whole path).
  // Sought from 10 m behind the ego on (a route that passes by itself: not the other pass)
  let endM = Number.POSITIVE_INFINITY;
  if (out.inLaneShift && command.lateralOffsetEndAt && out.path && !against) {
    out.path.line.project(command.lateralOffsetEndAt.x, command.lateralOffsetEndAt.y, fp, s - 10);
    endM = fp.sM - s;
  }
  // ended behind the ego: the command rolls out as FOLLOW_LANE without the offset does
  const ended = endM <= 0;
  if (ended) {
    out.targetOffsetM = 0;
    out.shiftToM = 0;
  }
  const shiftClose = out.inLaneShift && !ended;
  // a braking onset (jerk) builds the commanded deceleration up from the current acceleration and
  // releases it towards the target speed at the same rate (comfortable proper response)
  const jerk =
    braking && command.decelMps2 !== undefined && command.jerkMps3 !== undefined
      ? command.jerkMps3
      : Number.POSITIVE_INFINITY;
  const a0 = Math.min(0, ego.accelMps2);
  const lcS = command.path === 'FOLLOW_LANE' ? Math.min(2, params.laneChangeS) : params.laneChangeS;
  // the close takes lcS at the speed of the command (a lane change's duration), never tighter than half
  // the platform's sharpest turn allows (a cubic's peak curvature is ≈ 6·Δd / L²)
  close.d0 = d;
  close.dT = out.shiftToM;
  close.slope0 = 0;
  if (out.path) {
    const rel = angleDiff(ego.headingRad, out.path.line.headingAt(s));
    close.slope0 = Math.max(-CLOSE_MAX_SLOPE, Math.min(CLOSE_MAX_SLOPE, Math.tan(rel)));
  }
  const kMax = Math.tan(Math.min(vehicle.maxSteerRad, 1.5)) / vehicle.wheelBaseM / 2;
  // an in-lane shift is a short evasive move: a cubic at the shift's peak lateral acceleration
  // (6·Δd/T²), not a lane change's duration; the tracker starts it `inLaneShiftLagS` late (during
  // the lag the ego keeps its heading against the path)
  // (with the ego's lateral rate r0 = slope·v at the start, the cubic's end accelerations are
  // (6Δd − 4·r0·T)/T² and (2·r0·T − 6Δd)/T²: T solves (6|Δd| + 4|r0|·T) = a·T²)
  const aShift = params.inLaneShiftLatAccelMps2;
  const r0 = Math.abs(close.slope0) * v0;
  const shiftS =
    (4 * r0 + Math.sqrt(16 * r0 * r0 + 24 * aShift * Math.abs(close.dT - close.d0))) / (2 * aShift);
  // what the tracker makes of it (the gate's check) is slower: a cubic over the tracked duration
  const trackS = Math.max(params.inLaneShiftTrackS, params.inLaneShiftTrackM / Math.max(v0, 1));
  // an evasive change / borrow (`lateralAccelMps2`) crosses as a cubic at that peak lateral
  // acceleration (bounded by the tyres), as the controller steers it, not over a comfortable lcS
  const aEvade = Math.min(command.lateralAccelMps2 ?? 0, params.maxTyreLatAccelMps2);
  const toGo = close.dT - close.d0;
  // (the controller steers the same duration, `evasiveMoveS`: a FOLLOW_LANE close at 0.01 m/s² was
  // checked over 2 s and steered over 3, review 10)
  const evasive = aEvade > 0 && !out.inLaneShift;
  const closeS = shiftClose
    ? modelTracking
      ? Math.max(shiftS, trackS)
      : Math.min(lcS, shiftS)
    : evasive
      ? evasiveMoveS(toGo, Math.sign(toGo) * close.slope0 * v0, aEvade)
      : lcS;
  const swing = Math.abs(close.dT - close.d0) + Math.abs(close.slope0) * v0 * closeS;
  // an ego that speeds up covers more ground over the close (a borrow from standstill)
  const vReach = vTarget > v0 ? Math.min(vTarget, v0 + accUp * closeS) : v0;
  close.lengthM = Math.max(0.5 * (v0 + vReach) * closeS, Math.sqrt((6 * swing) / kMax), 1);
  if (evasive && v0 > 0) {
    // the move as commanded (before the tracker's lag): d(s) = Hermite from (d0, slope0) to (dT, 0)
    // over L, d″ = (6Δd − 4·slope0·L)/L² at its start and (2·slope0·L − 6Δd)/L² at its end (the
    // largest, d″ is linear in s); lateral acceleration v²·d″ at the speed there
    const L = close.lengthM;
    const dd = close.dT - close.d0;
    const start = (v0 * v0 * Math.abs(6 * dd - 4 * close.slope0 * L)) / (L * L);
    const end = (vReach * vReach * Math.abs(2 * close.slope0 * L - 6 * dd)) / (L * L);
    out.evasivePeakLatAccelMps2 = Math.max(start, end);
  }
  // the distance covered during the tracker's lag (the close starts there), m
  // (an evasive change: the controller's pure pursuit starts it `evasiveLagS` late)
  const lagM = !modelTracking
    ? 0
    : shiftClose
      ? v0 * params.inLaneShiftLagS
      : aEvade > 0
        ? v0 * params.evasiveLagS
        : 0;
  if (lagM > 0) close.d0 += close.slope0 * lagM;
  // the return is the close a FOLLOW_LANE without the offset makes from where the offset has
  // brought the ego (over lcS): what the stack drives once the planner's offset has ended, so that
  // the check before the end and the checks after it predict one path. The check starts it the
  // tracker's lag after the end (as it starts the shift: the tracker turns back only as the
  // reference's heading departs; `offsetEnd.test.ts`). Set up when the loop reaches it (its length
  // from the speed there)
  const backM = endM + (modelTracking ? v0 * params.inLaneShiftLagS : 0);
  let backSet = false;
  let v = v0;
  let aAct = ego.accelMps2;
  for (let k = 0; k < n; k++) {
    const t = k * dt;
    // the reference the command asks for: accelerate / brake towards the target, or stop at a point
    let aRef: number;
    let vRef1: number;
    if (led) {
      aRef = (ledReference(t + dt, v0, vTarget, accDown, gain, reachS, reverse) - v) / dt;
      vRef1 = ledReference(t + 1, v0, vTarget, accDown, gain, reachS, reverse);
    } else if (command.speed === 'STOP' && !Number.isNaN(out.stopS)) {
      const room = out.stopS - s;
      const need = room > 0.05 ? (v * v) / (2 * room) : vehicle.maxDecelMps2;
      // the reference brakes harder than needed by 1/gain so that the tracked stop lands on the point
      aRef = v < 1e-3 ? 0 : -Math.min(modelTracking ? need : need / gain, vehicle.maxDecelMps2);
      vRef1 = Math.max(0, v + aRef / gain);
    } else if (v < vTarget) {
      aRef = Math.min(accUp, (vTarget - v) / dt);
      vRef1 = Math.min(vTarget, v + accUp);
    } else if (Number.isFinite(jerk) && Number.isNaN(out.stopS)) {
      // ramp in from the current acceleration, ramp out so that the target speed is met at a = 0
      aRef = Math.max(-accDown, a0 - jerk * t, -Math.sqrt(2 * jerk * Math.max(0, v - vTarget)));
      if (v + aRef * dt < vTarget) aRef = (vTarget - v) / dt;
      vRef1 = Math.max(vTarget, v + aRef / gain);
    } else {
      // the tracker closes gain·(v_ref(t + 1 s) − v): a reference 1/gain further down makes the
      // tracked deceleration the commanded one (the trajectory is that reference)
      aRef = -Math.min(modelTracking ? accDown : accDown / gain, (v - vTarget) / dt);
      vRef1 = Math.max(vTarget, v - accDown / gain);
    }
    let a = aRef;
    const commandedBrake =
      braking && command.decelMps2 !== undefined && Number.isNaN(out.stopS) && v > vTarget;
    // the tracker never brakes harder than gain·(v − floor): its reference one second ahead is at
    // best the floor (nuPlan LQR); below the target the roll-out holds the target (an upper bound
    // on the tracked speed: the gate re-checks every tick)
    const taper = -gain * Math.max(0, v - floorMps);
    if (modelTracking && commandedBrake && Number.isFinite(jerk)) {
      // the ramped reference, through the actuator lag
      aAct += (Math.max(aRef, taper) - aAct) * Math.min(1, dt / params.accelLagS);
      a = Math.max(aAct, (vTarget - v) / dt);
    } else if (modelTracking && commandedBrake) {
      // a commanded braking intensity is a constant-deceleration reference (led by 1/gain) down to
      // the target, which the tracker follows through the actuator lag until the taper
      aAct += (Math.max(-accDown, taper) - aAct) * Math.min(1, dt / params.accelLagS);
      a = Math.max(aAct, (vTarget - v) / dt);
    } else if (modelTracking) {
      // what the tracker makes of it (nuPlan LQR: a = gain·(v_ref(t + 1 s) − v); below its stopping
      // speed a proportional stop), through the actuator's first-order lag; bounded by the platform
      const creep = v <= params.trackerStopSpeedMps && vRef1 <= params.trackerStopSpeedMps;
      const aCmd = creep
        ? -params.trackerStopGainPerS * (v - vRef1)
        : Math.max(-vehicle.maxDecelMps2, Math.min(vehicle.maxAccelMps2, gain * (vRef1 - v)));
      aAct += (aCmd - aAct) * Math.min(1, dt / params.accelLagS);
      a = v < 1e-3 && aAct < 0 ? 0 : aAct;
    }
    const lagged = s - s0 < lagM;
    const returning = !ended && s - s0 >= backM;
    if (returning && !backSet) {
      backSet = true;
      back.d0 = backM < lagM ? d + close.slope0 * backM : closeOffset(close, backM - lagM);
      back.slope0 = backM < lagM ? close.slope0 : closeSlope(close, backM - lagM);
      back.dT = 0;
      const vBack = vTarget > v ? Math.min(vTarget, v + accUp * lcS) : v;
      const swingBack = Math.abs(back.d0) + Math.abs(back.slope0) * v * lcS;
      back.lengthM = Math.max(0.5 * (v + vBack) * lcS, Math.sqrt((6 * swingBack) / kMax), 1);
    }
    const dNow = returning
      ? closeOffset(back, s - s0 - backM)
      : lagged
        ? d + close.slope0 * (s - s0)
        : closeOffset(close, s - s0 - lagM);
    out.tS[k] = ego.tS + t;
    out.v[k] = v;
    out.a[k] = a;
    out.s[k] = s;
    out.d[k] = dNow;
    if (out.path && against) {
      out.x[k] = ego.x + (s - s0) * Math.cos(ego.headingRad);
      out.y[k] = ego.y + (s - s0) * Math.sin(ego.headingRad);
      out.h[k] = ego.headingRad;
      step.x = out.x[k]!;
      step.y = out.y[k]!;
      out.path.line.projectQuery(step);
      out.s[k] = step.sM;
      out.d[k] = step.dM;
    } else if (out.path) {
      step.atS = s;
      step.offsetM = dNow;
      out.path.line.toCartesianQuery(step);
      out.x[k] = step.x;
      out.y[k] = step.y;
      out.h[k] =
        step.headingRad +
        Math.atan(
          returning
            ? closeSlope(back, s - s0 - backM)
            : lagged
              ? close.slope0
              : closeSlope(close, s - s0 - lagM),
        );
    } else {
      out.x[k] = ego.x + s * Math.cos(ego.headingRad);
      out.y[k] = ego.y + s * Math.sin(ego.headingRad);
      out.h[k] = ego.headingRad;
    }
    const vNext = reverse ? v + a * dt : Math.max(0, v + a * dt);
    s += 0.5 * (v + vNext) * dt;
    v = vNext;
  }
  return placed;
}

/**
 * Rolls a planned trajectory (rear-axle poses with speeds) into `out`, resampled at the gate's
 * step; used for trajectory planners and to check what the controller will actually track. Arc
 * length and offset are measured on the forward path of `startLaneId` (default: the located lane).
 */
export function rolloutTrajectory(
  traj: Trajectory,
  ego: EgoStart,
  map: RoadMap,
  route: ReadonlyArray<string>,
  params: SafetyParams,
  paths: LanePathCache,
  kind: PathKind,
  out: Rollout,
  startLaneId?: string,
  /** The platform's sharpest turn bounds how fast the rolled-out heading may swing (none when absent). */
  vehicle?: Pick<VehicleParams, 'maxSteerRad' | 'wheelBaseM'> & Partial<Pick<VehicleParams, 'widthM'>>,
): boolean {
  const placed = placeEgo(out, ego, kind, map, paths, route, startLaneId);
  const halfWidthM = (vehicle?.widthM ?? 0) / 2;
  const pts = traj.points;
  const dt = params.stepS;
  const n = Math.min(out.capacity, Math.round(params.horizonS / dt) + 1);
  out.n = n;
  out.dtS = dt;
  out.stopS = Number.NaN;
  if (reverses(pts)) {
    rolloutBrake(pts, ego, params, out);
    plannedShift(out, kind, map, halfWidthM, params.plannedLaneOverM);
    return placed;
  }
  let j = 0;
  let latX = 0;
  let latY = 0;
  let lat0 = 0;
  let latRate0 = 0;
  const kMaxTurn = vehicle ? Math.tan(Math.min(vehicle.maxSteerRad, 1.5)) / vehicle.wheelBaseM : 0;
  for (let k = 0; k < n; k++) {
    const t = ego.tS + k * dt;
    if (pts.length === 0) {
      out.x[k] = ego.x;
      out.y[k] = ego.y;
      out.h[k] = ego.headingRad;
      out.v[k] = 0;
    } else {
      while (j < pts.length - 2 && pts[j + 1]!.tS <= t) j++;
      const p = pts[j]!;
      const q = pts[Math.min(j + 1, pts.length - 1)]!;
      const u = q.tS > p.tS ? Math.min(1, Math.max(0, (t - p.tS) / (q.tS - p.tS))) : 0;
      out.x[k] = p.x + u * (q.x - p.x);
      out.y[k] = p.y + u * (q.y - p.y);
      out.h[k] = p.headingRad + u * angleDiff(q.headingRad, p.headingRad);
      out.v[k] = Math.max(0, p.speedMps + u * (q.speedMps - p.speedMps));
    }
    out.tS[k] = t;
    if (k === 0) {
      // the trajectory may start away from the ego (a planner that plans from its target lane):
      // the tracker starts from where the ego is and closes the offset over the first 2 s
      // (sideways only: a trajectory that starts a step ahead in time is not moved back), at the
      // closing rate the ego's heading against the trajectory's already gives it
      const c = Math.cos(ego.headingRad);
      const sn = Math.sin(ego.headingRad);
      latX = -sn;
      latY = c;
      lat0 = -(ego.x - out.x[0]!) * sn + (ego.y - out.y[0]!) * c;
      latRate0 = Math.max(0, ego.speedMps) * Math.sin(angleDiff(ego.headingRad, out.h[0]!));
    }
    // cubic Hermite from (lat0, latRate0) to (0, 0) over CLOSING_S
    const u = Math.min(1, (k * dt) / CLOSING_S);
    const off = (2 * u * u * u - 3 * u * u + 1) * lat0 + CLOSING_S * (u * u * u - 2 * u * u + u) * latRate0;
    out.x[k] = out.x[k]! + off * latX;
    out.y[k] = out.y[k]! + off * latY;
    // the rear axle moves along its heading (kinematic bicycle): while the offset closes the ego
    // heads into the trajectory by the closing rate over its speed (a tight turn entered on the
    // outside is driven turned further in than the plan's heading; standing still turns nothing)
    if (u < 1 && (lat0 !== 0 || latRate0 !== 0)) {
      const offDot = ((6 * u * u - 6 * u) * lat0) / CLOSING_S + (3 * u * u - 4 * u + 1) * latRate0;
      const hk = out.h[k]!;
      const c = Math.cos(hk);
      const sn = Math.sin(hk);
      const vk = out.v[k]!;
      const lat = offDot * (-latX * sn + latY * c);
      const lon = offDot * (latX * c + latY * sn);
      const vMin = CLOSING_MIN_SPEED_MPS;
      out.h[k] = hk + Math.atan2(lat, Math.max(vk + lon, vMin)) * Math.min(1, vk / vMin);
    }
    // a car turns no tighter than its steering allows (kinematic bicycle: |Δψ| ≤ κmax·Δs): a plan's
    // heading that swings at a near standstill is driven as a turn that the travel allows, from the
    // ego's own heading (esmini trailer_connect: PDM-Closed's plan from rest turned 1.58 → 0.90 rad
    // over 0.1 m of travel; taken as planned, a corner left the road and the repair held the ego, in
    // the path of a car backing up to its trailer, where the sim's tracker drove the plan off gently)
    if (vehicle) {
      const hPrev = k === 0 ? ego.headingRad : out.h[k - 1]!;
      const ds = k === 0 ? 0 : Math.hypot(out.x[k]! - out.x[k - 1]!, out.y[k]! - out.y[k - 1]!);
      const dhMax = kMaxTurn * ds + HEADING_SLACK_RAD;
      const dh = angleDiff(out.h[k]!, hPrev);
      if (dh > dhMax) out.h[k] = hPrev + dhMax;
      else if (dh < -dhMax) out.h[k] = hPrev - dhMax;
    }
    if (out.path) {
      step.x = out.x[k]!;
      step.y = out.y[k]!;
      out.path.line.projectQuery(step);
      out.s[k] = step.sM;
      out.d[k] = step.dM;
    } else {
      out.s[k] = k * dt * ego.speedMps;
      out.d[k] = 0;
    }
  }
  out.a[0] = ego.accelMps2;
  for (let k = 1; k < n; k++) out.a[k - 1] = (out.v[k]! - out.v[k - 1]!) / dt;
  if (n > 1) out.a[n - 1] = out.a[n - 2]!;
  plannedShift(out, kind, map, halfWidthM, params.plannedLaneOverM);
  return placed;
}

/**
 * The lateral move a planned trajectory that follows its lane makes (`shiftToM`, which
 * `changesLane` reads): none while its poses keep the ego's body (half width `halfWidthM`) within
 * the lane they are on, up to `overM` over its line (an in-lane shift, no lane change for any
 * rule, as a commanded `lateralOffsetM` is), else the offset it strays farthest to from where the
 * ego is. Left at `placeEgo`'s lane centre, the ego's own offset decided: an ego 0.52 m left of the
 * centre on a plan that stayed in its lane read as a lane change, and a car closing from behind in
 * that lane was judged the ego's conflict — an 8 m/s² stop in front of it at 30 m/s (esmini
 * trajectory-test, pdm-closed+gate). Read from the centre alone, a plan drifting to 1.7 m off the
 * centre of a 3.5 m lane (the body 0.7 m into the next) was no lane change, and the car it swiped
 * there was excused as a rear strike (review 13). `map` gives the lanes' widths.
 */
function plannedShift(out: Rollout, kind: PathKind, map: RoadMap, halfWidthM: number, overM: number): void {
  const path = out.path;
  if (kind !== 'FOLLOW_LANE' || !path || out.n === 0) return;
  const d0 = out.d[0]!;
  let far = d0;
  let leaves = false;
  for (let k = 0; k < out.n; k++) {
    const d = out.d[k]!;
    if (Math.abs(d - d0) > Math.abs(far - d0)) far = d;
    const lane = map.lane(pieceAt(path, out.s[k]!).laneId);
    if (!lane || Math.abs(d) + halfWidthM > lane.data.widthM / 2 + (halfWidthM > 0 ? overM : 0))
      leaves = true;
  }
  out.shiftToM = leaves ? far : d0;
}

/** Whether a trajectory asks to move backwards somewhere (a negative speed). */
function reverses(pts: Trajectory['points']): boolean {
  for (const p of pts) if (p.speedMps < -1e-6) return true;
  return false;
}

/**
 * How near the ego a braking trajectory's first pose must lie for the brake to follow its poses, m:
 * one built from the ego's pose (the gate's own stop) starts there.
 */
const BRAKE_PATH_START_M = 0.5;

/**
 * A trajectory that moves backwards is a brake: the ego does not reverse (the sim's bicycle stops
 * at 0), and the tracker brakes at gain·(v − v_ref(t + 1 s)), harder than the 0.9·v a stopping
 * reference gives (PDM-Closed's emergency brake hands the tracker poses behind the ego at a
 * negative speed for this). Rolled out as that brake through the actuator's lag, along the path
 * the trajectory's poses draw forward from the ego (the tracker steers along them) up to where
 * they turn back, then straight on along that path's last heading; along the ego's heading when
 * they draw none (poses behind the ego). A stop the gate built (`rolloutToTrajectory`: its speeds
 * go below zero near the stop, for the tracker) follows the lane: taken straight along the
 * heading, an ego steered 0.03 rad away from an oncoming car by the VETO was rolled 0.45 m further
 * over, off the road, and the stop eased to b_min was refused for the whole release wait (fuzz
 * seed 11 run 898). `out.path` is already placed.
 */
function rolloutBrake(pts: Trajectory['points'], ego: EgoStart, params: SafetyParams, out: Rollout): void {
  const dt = out.dtS;
  const gain = params.trackingGainPerS;
  // the forward path: segment `seg` (pts[seg] → pts[seg + 1]) from arc length `segS`; past its end
  // (`ended`) straight on from (ex, ey) along (ec, es)
  const follows = pts.length > 1 && Math.hypot(pts[0]!.x - ego.x, pts[0]!.y - ego.y) <= BRAKE_PATH_START_M;
  // (the poses moved onto the ego: the first lies within BRAKE_PATH_START_M of it)
  const dx0 = follows ? ego.x - pts[0]!.x : 0;
  const dy0 = follows ? ego.y - pts[0]!.y : 0;
  let seg = 0;
  let segS = 0;
  let ended = !follows;
  let ex = ego.x;
  let ey = ego.y;
  let ec = Math.cos(ego.headingRad);
  let es = Math.sin(ego.headingRad);
  let v = Math.max(0, ego.speedMps);
  let a = ego.accelMps2;
  let dist = 0;
  let j = 0;
  for (let k = 0; k < out.n; k++) {
    const t = ego.tS + k * dt;
    out.tS[k] = t;
    // walk the forward path up to `dist` (a segment that goes back, or none left, ends it)
    while (!ended) {
      const p = pts[seg]!;
      const q = pts[seg + 1];
      const len = q ? Math.hypot(q.x - p.x, q.y - p.y) : 0;
      const forward = q !== undefined && (q.x - p.x) * ec + (q.y - p.y) * es > 0;
      if (!forward || len < 1e-9) {
        if (q && len < 1e-9 && seg + 2 < pts.length) {
          seg++;
          continue;
        }
        ended = true;
        ex = p.x + dx0;
        ey = p.y + dy0;
        break;
      }
      ec = (q.x - p.x) / len;
      es = (q.y - p.y) / len;
      if (segS + len >= dist) break;
      segS += len;
      seg++;
    }
    if (ended) {
      out.x[k] = ex + (dist - segS) * ec;
      out.y[k] = ey + (dist - segS) * es;
    } else {
      const p = pts[seg]!;
      out.x[k] = p.x + dx0 + (dist - segS) * ec;
      out.y[k] = p.y + dy0 + (dist - segS) * es;
    }
    out.h[k] = follows && (k > 0 || dist > 0) ? Math.atan2(es, ec) : ego.headingRad;
    out.v[k] = v;
    if (out.path) {
      step.x = out.x[k]!;
      step.y = out.y[k]!;
      out.path.line.projectQuery(step);
      out.s[k] = step.sM;
      out.d[k] = step.dM;
    } else {
      out.s[k] = dist;
      out.d[k] = 0;
    }
    // the reference one second ahead (the last point's beyond the end)
    while (j < pts.length - 1 && pts[j]!.tS < t + 1 - 1e-9) j++;
    const vRef = pts.length ? pts[j]!.speedMps : 0;
    const aCmd = Math.min(0, gain * (vRef - v));
    a += (aCmd - a) * Math.min(1, dt / params.accelLagS);
    const vNext = Math.max(0, v + a * dt);
    out.a[k] = (vNext - v) / dt;
    dist += 0.5 * (v + vNext) * dt;
    v = vNext;
  }
}

/** The roll-out as a sim trajectory (rear-axle poses every `dtS`, from the first step's time). */
export function rolloutToTrajectory(r: Rollout, dtS = 0.1, durationS = 8): Trajectory {
  const points = [];
  const steps = Math.round(durationS / dtS);
  const last = r.n - 1;
  for (let k = 0; k <= steps; k++) {
    const t = k * dtS;
    const f = t / r.dtS;
    const i = Math.min(last, Math.floor(f));
    if (i >= last) {
      // beyond the horizon: hold the last speed along the last heading
      const extra = t - last * r.dtS;
      const v = r.v[last]!;
      const dist = Math.max(0, v * extra);
      points.push({
        tS: r.tS[0]! + t,
        x: r.x[last]! + dist * Math.cos(r.h[last]!),
        y: r.y[last]! + dist * Math.sin(r.h[last]!),
        headingRad: r.h[last]!,
        speedMps: v,
      });
      continue;
    }
    const u = f - i;
    points.push({
      tS: r.tS[0]! + t,
      x: r.x[i]! + u * (r.x[i + 1]! - r.x[i]!),
      y: r.y[i]! + u * (r.y[i + 1]! - r.y[i]!),
      headingRad: r.h[i]! + u * angleDiff(r.h[i + 1]!, r.h[i]!),
      speedMps: r.v[i]! + u * (r.v[i + 1]! - r.v[i]!),
    });
  }
  return { points };
}
