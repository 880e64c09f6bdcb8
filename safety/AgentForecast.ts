/**
 * Predicted motion of the other agents over the gate's horizon: vehicles and cyclists that sit
 * on a lane and point along it follow that lane (and, through a junction, the successor that turns
 * least: the ego's route says nothing about where they go) at constant speed;
 * everyone else moves at constant velocity along their heading (the usual non-reactive
 * predictions of nuPlan's TTC metric). A lane-following vehicle that drifts sideways towards the
 * ego (an oncoming car over the centre line, a cut-in) gets a second slot (same `index`): its drift
 * goes on until it reaches the ego's lateral offset and it then follows the lane there, the worse
 * case the rules check beside the half-lane-capped one; one going against the lane it is on (a car
 * over the centre line) and drifting towards the ego gets the same worse case beside its
 * straight-line forecast. A vehicle whose own light (red or yellow)
 * stops it — it can stop at its line comfortably, or is braking hard enough already
 * (`core/map` `stopsForLight`, the rule the planner reads other drivers' lights by) — is forecast
 * to brake to a stop at that line, not to run through it; one that cannot goes on, except while the
 * ego clears its junction on red: then one whose light is red brakes comfortably and rests over its
 * line (`ForecastSignals.clearingOnRed`). A vehicle
 * crossing the ego's way that has been seen braking for a while is forecast to rest at a share of
 * that braking (`ForecastBraking`), in its lane-following slot only. Storage is preallocated and
 * reused.
 */
import {
  type AgentState,
  angleDiff,
  FrenetQuery,
  type Polyline,
  type TrafficLightState,
} from '../core/index.ts';
import {
  brakingDistanceM,
  isActiveEmergency,
  type LaneInfo,
  RED_OVERSHOOT_MARGIN_M,
  type RoadMap,
  restsClearOf,
  signalStopAhead,
  signalStopBehind,
  stopsForLight,
} from '../core/map/index.ts';
import type { LanePath } from './LanePath.ts';
import type { LanePathCache } from './Rollout.ts';

/** Heading error below which a vehicle is taken to follow its lane, rad. */
const LANE_FOLLOW_HEADING_RAD = 0.5;
/** A drifting vehicle's predicted sideways motion stops after half a lane, m: enough to see a cut-in start (it then overlaps the ego's lane), without extrapolating every swerve into a head-on (our choice). */
const MAX_DRIFT_M = 1.75;
/** Sideways speed above which a lane-following vehicle also gets the "keeps drifting into the ego's path" hypothesis, m/s. */
const DRIFT_TOWARDS_EGO_MPS = 0.5;
/**
 * A vehicle that eases off at least this much as it nears a fork is taken to be slowing for a turn, m/s²
 * (our choice: a car going straight on keeps its speed; one about to turn sheds it — the LTAP/OD
 * target of esmini's `ltap-od-relative-speed` slows at ≈ 1.1 m/s² for its left turn).
 */
const TURN_SLOWING_MPS2 = 0.3;
/**
 * Braking harder than this is braking for something (a light, a queue, a car across its way — the
 * ego it yields to), not easing off for a turn, m/s² (the comfortable stop for a yellow, 3 m/s²;
 * drivers shed speed for a turn at 1–2 m/s²).
 */
const TURN_SLOWING_MAX_MPS2 = 3;
/**
 * A vehicle whose measured course (`courseRad`) is within this of its heading's reverse is reversing,
 * rad (the course's own limit off the heading, `stack/AgentCourse.ts` COURSE.maxOffHeadingRad).
 */
const REVERSING_COURSE_RAD = Math.PI / 4;
/**
 * A reversing course is taken alone only where the speed its positions show (`courseSpeedMps`)
 * agrees with the reported speed within this share or `REVERSE_SPEED_AGREE_MPS`, whichever is
 * larger (review 13: an id switch moved an oncoming car's position 6 m back in 0.3 s, 20 m/s against
 * a reported 11, and it was forecast driving away; our choice). Otherwise the vehicle is forecast
 * both ways: forwards as any other, and backwards along the course at its reported speed.
 */
const REVERSE_SPEED_AGREE_SHARE = 0.3;
const REVERSE_SPEED_AGREE_MPS = 1;
/**
 * A vehicle seen for less than this has no measured course yet, s (`stack/AgentCourse.ts`
 * COURSE.windowS: three 10 Hz snapshots): its heading is the only sign of a drift.
 */
const COURSE_WINDOW_S = 0.3;
/**
 * …over which it must travel this far for its course to be measured, m (`COURSE.minTravelM`): a
 * slower vehicle gets no course for longer than the window, and its heading keeps counting from its
 * first sighting on (the exemption below only bridges the window, it never stands in for a course).
 */
const COURSE_MIN_TRAVEL_M = 2;
/**
 * Until its course is measured, a vehicle (not a cyclist) whose heading is at most `FIRST_SIGHT_MAX_ERR_RAD` off its
 * lane and lies among its lane's own directions within `LANE_SPAN_S` of travel (at least
 * `LANE_SPAN_MIN_M`) either way, widened by `HEADING_NOISE_RAD`, follows its lane: a coarse map's
 * chords and a smooth road's tangent disagree there, not the car and its lane. CommonRoad
 * DEU_A9-3_1_T-1: the lanelets run as straight chords and kink by 0.03 rad where the road bends;
 * cr_3536 at its first sighting heads 0.0179 rad, its chord −0.006, the lane 25 m on +0.0155 and
 * +0.023 (the ego's logged heading likewise): forecast 0.65 m/s sideways, it was a lead in the
 * ego's lane at t + 2 s and the gate braked at 4 m/s² at t = 0 (nuPlan comfort failed). A cut-in on
 * a straight lane shows its angle (0.5 m/s sideways at 30 m/s is 0.017 rad), and the course measured
 * 0.3 s later bears any drift out (our choices).
 */
const FIRST_SIGHT_MAX_ERR_RAD = 0.03;
const HEADING_NOISE_RAD = 0.005;
const LANE_SPAN_S = 1;
const LANE_SPAN_MIN_M = 20;
/** Spacing of the lane directions sampled over that span, m. */
const LANE_SPAN_STEP_M = 2;
/** Lane directions sampled under a vehicle's body, from its rear to its front (`alongBody`). */
const BODY_SAMPLES = 8;
/** A branch turning by at least this much is a turn (a slight fork is the straightest way's business), rad. */
const TURN_MIN_RAD = Math.PI / 6;
/** Lateral acceleration above which a vehicle cannot take a turn at its speed, m/s² (≈ 0.8 g, the friction of a dry road). */
const TURN_MAX_LAT_MPS2 = 8;
/** A vehicle this far into a junction lane may still take a sibling branch (the branches part gradually), m. */
const BRANCH_EARLY_M = 6;

export class AgentForecast {
  /** Number of agents kept (after culling) and of steps. */
  count = 0;
  n = 0;
  readonly maxAgents: number;
  readonly capacity: number;
  /** Index into the snapshot's agent array, per kept agent. */
  readonly index: Int32Array;
  /** Centre pose per agent and step: [agent * capacity + k]. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly h: Float64Array;
  /** Speed per agent and step, m/s. */
  readonly v: Float64Array;
  /** Step length, s. */
  dtS = 0.2;
  /**
   * The time `poseAtQuery` takes, s after now: written in place by a hot loop, so that no number
   * crosses the call (a number handed to a call V8 does not inline is boxed, 16 B; `poseAt` is too
   * large to be inlined, and the TTC rule asks it per agent, roll-out step and τ).
   */
  atS = 0;

  constructor(maxAgents = 128, capacity = 64) {
    this.maxAgents = maxAgents;
    this.capacity = capacity;
    this.index = new Int32Array(maxAgents);
    this.x = new Float64Array(maxAgents * capacity);
    this.y = new Float64Array(maxAgents * capacity);
    this.h = new Float64Array(maxAgents * capacity);
    this.v = new Float64Array(maxAgents * capacity);
  }

  /**
   * The pose of kept agent `j` at `tS` after now (linear between steps; past the last step it goes
   * on along its last heading at its last speed) into `out`.
   */
  poseAt(j: number, tS: number, out: { x: number; y: number; headingRad: number; speedMps: number }): void {
    this.atS = tS;
    this.poseAtQuery(j, out);
  }

  /** `poseAt(j, this.atS, out)`. */
  poseAtQuery(j: number, out: { x: number; y: number; headingRad: number; speedMps: number }): void {
    const tS = this.atS;
    const base = j * this.capacity;
    const last = Math.max(0, this.n - 1);
    const f = Math.max(0, tS / this.dtS);
    const i = Math.min(last, Math.floor(f));
    if (i >= last) {
      const b = base + last;
      const extra = Math.max(0, tS - last * this.dtS);
      const v = this.v[b]!;
      const h = this.h[b]!;
      out.x = this.x[b]! + v * extra * Math.cos(h);
      out.y = this.y[b]! + v * extra * Math.sin(h);
      out.headingRad = h;
      out.speedMps = v;
      return;
    }
    const u = f - i;
    const b = base + i;
    out.x = this.x[b]! + u * (this.x[b + 1]! - this.x[b]!);
    out.y = this.y[b]! + u * (this.y[b + 1]! - this.y[b]!);
    const dh = Math.atan2(Math.sin(this.h[b + 1]! - this.h[b]!), Math.cos(this.h[b + 1]! - this.h[b]!));
    out.headingRad = this.h[b]! + u * dh;
    out.speedMps = this.v[b]! + u * (this.v[b + 1]! - this.v[b]!);
  }
}

/** The lights the agents obey and the braking a driver accepts to stop for one. */
export interface ForecastSignals {
  lights: ReadonlyArray<TrafficLightState>;
  /** A driver who can stop for a red or yellow with at most this braking does, m/s². */
  comfortDecelMps2: number;
  /**
   * The ego is clearing its junction on red (`core/map` `clearingOnRed`): a driver whose light is
   * red and who cannot stop at its line is forecast to brake at `comfortDecelMps2` and rest over it
   * (Autoware's intersection module, fully prioritized: the tolerable overshoot).
   */
  clearingOnRed?: boolean;
  /**
   * The ego's path (its lane path's centreline) and half width, m: a red-light overshoot is forecast
   * only where the vehicle rests `RED_OVERSHOOT_MARGIN_M` or more short of it (else it stays a
   * conflict at constant speed, as Autoware's intersection module keeps it).
   */
  egoPath?: Polyline;
  egoHalfWidthM?: number;
}

/**
 * Observed braking: a vehicle seen braking over several snapshots (`AgentState.sustainedDecelMps2`)
 * that crosses the ego's way (more than `sameWayRad` off both the ego's heading and head-on: a lead
 * keeps its RSS worst case, a follower and an oncoming vehicle their constant speed) is forecast to
 * brake on to rest at `share` of that deceleration — the driver may ease off; one who lets go
 * altogether shows it within a step, and the next check forecasts it at constant speed again. Only
 * its lane-following slot: the worse-case drift slot never counts on it.
 */
export interface ForecastBraking {
  share: number;
  egoHeadingRad: number;
  sameWayRad: number;
}

/**
 * Where a vehicle seen braking comes to rest at `share` of that braking, m along its way — only when
 * it does so within `horizonS`: a driver braking that firmly is stopping (for a light, a queue, a
 * car across its way); one shedding a little of a high speed is adjusting it and is forecast on at
 * constant speed (Infinity: no stop forecast).
 */
function observedStopM(
  ag: AgentState,
  vLonMps: number,
  braking: ForecastBraking | undefined,
  horizonS: number,
): number {
  if (!braking || ag.kind !== 'vehicle' || ag.sustainedDecelMps2 === undefined || !(vLonMps > 0))
    return Number.POSITIVE_INFINITY;
  const dh = Math.abs(
    Math.atan2(
      Math.sin(ag.headingRad - braking.egoHeadingRad),
      Math.cos(ag.headingRad - braking.egoHeadingRad),
    ),
  );
  // only a vehicle crossing the ego's way: a lead or follower (within `sameWayRad` of the ego's
  // heading) and an oncoming one (within it of head-on, `rss.longitudinalOpposite`'s) keep theirs
  if (dh <= braking.sameWayRad || dh >= Math.PI - braking.sameWayRad) return Number.POSITIVE_INFINITY;
  const b = braking.share * ag.sustainedDecelMps2;
  if (!(b > 0) || vLonMps / b > horizonS) return Number.POSITIVE_INFINITY;
  return (vLonMps * vLonMps) / (2 * b);
}

/** How far along its path (m) an agent that brakes at `b` to rest after `stopM` is after `t`, and its speed. */
const lon = { dist: 0, v: 0 };
function alongAt(v0: number, stopM: number, t: number): void {
  if (!Number.isFinite(stopM)) {
    lon.dist = v0 * t;
    lon.v = v0;
    return;
  }
  if (stopM <= 0.05 || v0 <= 0) {
    lon.dist = 0;
    lon.v = 0;
    return;
  }
  const b = (v0 * v0) / (2 * stopM);
  const tStop = v0 / b;
  if (t >= tStop) {
    lon.dist = stopM;
    lon.v = 0;
    return;
  }
  lon.dist = v0 * t - 0.5 * b * t * t;
  lon.v = v0 - b * t;
}

/**
 * The angle (rad, positive: to the lane's left) at which a lane-following vehicle whose heading is
 * `headingErrRad` off its lane moves off the lane's axis: its course's angle (`courseRad`) where
 * it has one that is nearer the axis, else its heading's. Never more than the heading's: the course
 * lags a turn into a cut-in by half its window, and the heading leads it. Before a course can be
 * measured (seen for less than its window), a heading among its lane's own directions nearby is
 * none (`amongLaneHeadings`).
 */
function driftAngleRad(ag: AgentState, headingErrRad: number, path: LanePath, s0: number): number {
  if (ag.courseRad === undefined) {
    // first seen: no positions yet to bear a small heading error out (a car that has been seen
    // for a window and still has no course turns its heading, or is slow: its heading counts)
    // (vehicles only: a cyclist rides anywhere across its lane, its heading is where it goes — a
    // bike 0.005 rad off its shoulder lane drawing level with a right turn, red team 8)
    const unmeasured = ag.seenForS === undefined || ag.seenForS < COURSE_WINDOW_S - 1e-9;
    const measurable = ag.speedMps * COURSE_WINDOW_S >= COURSE_MIN_TRAVEL_M;
    if (
      ag.kind === 'vehicle' &&
      unmeasured &&
      measurable &&
      Math.abs(headingErrRad) <= FIRST_SIGHT_MAX_ERR_RAD &&
      amongLaneHeadings(ag, ag.headingRad, path, s0)
    )
      return 0;
    if (ag.kind === 'vehicle' && alongBody(ag, ag.headingRad, path, s0)) return 0;
    return headingErrRad;
  }
  const courseErr = headingErrRad + angleDiff(ag.courseRad, ag.headingRad);
  const byCourse = Math.abs(courseErr) < Math.abs(headingErrRad);
  const err = byCourse ? courseErr : headingErrRad;
  // measured: the way it goes (its course where that is nearer its lane's axis) among its lane's own
  // directions nearby is the lane's bend on a coarse map, as at the first sighting (CommonRoad
  // DEU_A9-3_1_T-1: cr_3536's course 0.009–0.015 rad off its lanelet's chord, the lane 25 m on
  // +0.0155…+0.023 off it: 0.4 m/s sideways across the chord, forecast into the ego's lane)
  if (
    ag.kind === 'vehicle' &&
    Math.abs(err) <= FIRST_SIGHT_MAX_ERR_RAD &&
    amongLaneHeadings(ag, byCourse ? ag.courseRad : ag.headingRad, path, s0)
  )
    return 0;
  if (ag.kind === 'vehicle' && alongBody(ag, byCourse ? ag.courseRad : ag.headingRad, path, s0)) return 0;
  return err;
}

/** The lane headings sampled by `alongBody` and `amongLaneHeadings` (`FrenetQuery`: no number boxed per sample). */
const heading = new FrenetQuery();

/**
 * Whether direction `directionRad` (`ag`'s heading or course) lies within `HEADING_NOISE_RAD` of the
 * range of its lane path's directions under its own body (its centre at `s0`, half its length either
 * way): a rigid vehicle whose wheels follow a bending lane heads along the chord between its axles,
 * between the lane's directions at its ends, not along the tangent at its centre — a body on the
 * bend, not a drift. CommonRoad DEU_Lohmar-44_1_T-1: a 7.1 m truck 3.9 m into a left-turn connector
 * (1.47 rad over 16.8 m) headed 0.07 rad inside the tangent at its centre; forecast 0.27 m/s
 * sideways off the lane it turned along, it reached 1.4 m into the ego's lane at t + 4 s and the
 * gate's emergency stop braked the ego from 6.3 m/s at t = 0.1 s. On a straight lane the range is
 * the lane's direction alone, and any angle off it still drifts (a cut-in).
 */
function alongBody(ag: AgentState, directionRad: number, path: LanePath, s0: number): boolean {
  const half = ag.lengthM / 2;
  return amongPathHeadings(directionRad, path, s0, s0 - half, 2 * half, BODY_SAMPLES);
}

/**
 * Whether direction `directionRad` (`ag`'s heading or course) lies within `HEADING_NOISE_RAD` of the range of its lane path's directions
 * over `LANE_SPAN_S` of its travel (at least `LANE_SPAN_MIN_M`) behind and ahead of `s0`.
 */
function amongLaneHeadings(ag: AgentState, directionRad: number, path: LanePath, s0: number): boolean {
  const spanM = Math.max(LANE_SPAN_MIN_M, ag.speedMps * LANE_SPAN_S);
  // samples every LANE_SPAN_STEP_M from s0 − span up to s0 + span
  const n = Math.floor((2 * spanM + 1e-9) / LANE_SPAN_STEP_M);
  return amongPathHeadings(directionRad, path, s0, s0 - spanM, n * LANE_SPAN_STEP_M, n);
}

/**
 * Whether `directionRad` lies within `HEADING_NOISE_RAD` of the range of `path`'s directions at
 * n + 1 points evenly from `fromS` over `spanM` (the range taken relative to the heading at `s0`).
 */
function amongPathHeadings(
  directionRad: number,
  path: LanePath,
  s0: number,
  fromS: number,
  spanM: number,
  n: number,
): boolean {
  const ref = path.line.headingAt(Math.max(0, s0));
  let lo = 0;
  let hi = 0;
  for (let i = 0; i <= n; i++) {
    heading.atS = Math.min(path.line.length, Math.max(0, fromS + (spanM * i) / n));
    path.line.headingAtQuery(heading);
    const off = angleDiff(heading.headingRad, ref);
    lo = Math.min(lo, off);
    hi = Math.max(hi, off);
  }
  const err = angleDiff(directionRad, ref);
  return err >= lo - HEADING_NOISE_RAD && err <= hi + HEADING_NOISE_RAD;
}

const fp = { sM: 0, dM: 0, segment: 0 };
/** Where a vehicle braking for its red comes to rest (scratch). */
const restAt = { x: 0, y: 0, headingRad: 0 };
/** The forecasts' per-step points along a lane, through the query's fields (`FrenetQuery`: no number boxed per step). */
const along = new FrenetQuery();

/**
 * Predicts every agent within `radiusM` of (cx, cy) for `n` steps of `dtS` into `out` (`route`, the
 * ego's lane ids, steers no forecast in `out`; it picks the turns that meet the ego's way). With `turns`, a vehicle that may
 * turn at the fork ahead (`slowsForTurn`, `turnPaths`) also gets its turn forecast there: a
 * hypothesis the ego must stay able to answer (`crossing.mayTurn`), not a forecast the footprint
 * rules brake for (they read `out` only).
 */
export function forecastAgents(
  agents: ReadonlyArray<AgentState>,
  map: RoadMap,
  paths: LanePathCache,
  route: ReadonlyArray<string>,
  cx: number,
  cy: number,
  radiusM: number,
  n: number,
  dtS: number,
  out: AgentForecast,
  signals?: ForecastSignals,
  braking?: ForecastBraking,
  turns?: AgentForecast,
): void {
  out.n = n;
  out.dtS = dtS;
  out.count = 0;
  if (turns) {
    turns.n = n;
    turns.dtS = dtS;
    turns.count = 0;
  }
  const r2 = radiusM * radiusM;
  for (let i = 0; i < agents.length && out.count < out.maxAgents; i++) {
    const ag = agents[i]!;
    const dx = ag.x - cx;
    const dy = ag.y - cy;
    if (dx * dx + dy * dy > r2) continue;
    const slot = out.count++;
    out.index[slot] = i;
    const base = slot * out.capacity;
    const moving = ag.speedMps > 0.05 && ag.kind !== 'static';
    let path: LanePath | undefined;
    let s0 = 0;
    let d0 = 0;
    let dRate = 0;
    let lonF = 1;
    let dh = 0;
    let onLaneId = '';
    let onLaneS = 0;
    // a vehicle reversing (its positions show it moving backwards) goes the way its course points,
    // not its heading's: straight on along the course at its speed, neither along its lane nor
    // over the centre line (a car 21 m ahead reversing towards the ego at 3 m/s was forecast
    // driving away, and a KEEP towards it was allowed; red team 8, CommonRoad HRV_Pula-27_3)
    const reverseCourse =
      moving &&
      ag.kind === 'vehicle' &&
      ag.courseRad !== undefined &&
      Math.abs(angleDiff(ag.courseRad, ag.headingRad)) >= Math.PI - REVERSING_COURSE_RAD;
    const reverseSpeed = ag.courseSpeedMps;
    const reversing =
      reverseCourse &&
      reverseSpeed !== undefined &&
      Math.abs(reverseSpeed - ag.speedMps) <=
        Math.max(REVERSE_SPEED_AGREE_SHARE * ag.speedMps, REVERSE_SPEED_AGREE_MPS);
    if (reverseCourse && !reversing && out.count < out.maxAgents) {
      // the readings disagree: the backwards forecast in a slot of its own, the forward one below
      const slotR = out.count++;
      out.index[slotR] = i;
      const cr = Math.cos(ag.courseRad!);
      const sr = Math.sin(ag.courseRad!);
      for (let k = 0; k < n; k++) {
        const b = slotR * out.capacity + k;
        out.x[b] = ag.x + ag.speedMps * k * dtS * cr;
        out.y[b] = ag.y + ag.speedMps * k * dtS * sr;
        out.h[b] = ag.headingRad;
        out.v[b] = ag.speedMps;
      }
    }
    if (moving && !reversing && (ag.kind === 'vehicle' || ag.kind === 'cyclist')) {
      const loc = map.locate(ag.x, ag.y, ag.headingRad, 2);
      if (loc && Math.abs(loc.headingErrRad) < LANE_FOLLOW_HEADING_RAD) {
        // (its own way on, not the ego's route: through a junction the branch that turns least)
        path = paths.getStraightest(loc.laneId);
        if (path) {
          onLaneId = loc.laneId;
          onLaneS = loc.sM;
          path.line.project(ag.x, ag.y, fp);
          s0 = fp.sM;
          d0 = fp.dM;
          // a vehicle angled against its lane drifts sideways (cut-ins, lane changes) — as far as
          // its positions bear it out: where its course (`courseRad`, measured over the last
          // snapshots) is nearer the lane's axis than its heading, it moves that much sideways and
          // no more (a heading off its lane by noise or on a coarse map is no drift)
          const err = driftAngleRad(ag, loc.headingErrRad, path, s0);
          dRate = ag.speedMps * Math.sin(err);
          lonF = Math.cos(err);
          dh = err;
        }
      }
    }
    const travelRad = reversing ? ag.courseRad! : ag.headingRad;
    const c = Math.cos(travelRad);
    const s = Math.sin(travelRad);
    // a vehicle going against the lane it is on (a car that came over the centre line into the
    // ego's side of the road) and angled towards the ego: the worse case that its sideways motion
    // stops where the ego is and it comes on head-on along the lane there
    let wrongWay: LanePath | undefined;
    if (!path && moving && !reversing && ag.kind === 'vehicle') {
      const loc = map.locate(ag.x, ag.y, ag.headingRad, 2);
      if (loc && Math.abs(loc.headingErrRad) > Math.PI - LANE_FOLLOW_HEADING_RAD)
        wrongWay = paths.getStraightest(loc.laneId);
      if (wrongWay) {
        wrongWay.line.project(ag.x, ag.y, fp);
        s0 = fp.sM;
        d0 = fp.dM;
        // its heading off the lane's reverse, rad (positive: drifting to the lane's right, −d)
        const off = angleDiff(ag.headingRad, wrongWay.line.headingAt(Math.max(0, s0)) + Math.PI);
        dRate = -ag.speedMps * Math.sin(off);
        lonF = Math.cos(off);
        dh = off;
      }
    }
    if (path) {
      // its own red / yellow light ahead, and it stops for it: it brakes to rest at the line
      let stopM = Number.POSITIVE_INFINITY;
      // (not an emergency vehicle on a run: it has the right of way and goes through its red)
      if (signals && ag.kind === 'vehicle' && !isActiveEmergency(ag)) {
        // (while the ego clears on red, the red line it has just driven over is the one that holds it)
        const st =
          (signals.clearingOnRed
            ? signalStopBehind(map, signals.lights, ag.x, ag.y, ag.headingRad, ag.lengthM)
            : undefined) ?? signalStopAhead(map, signals.lights, ag.x, ag.y, ag.headingRad, ag.lengthM);
        const vLon = ag.speedMps * lonF;
        if (st && stopsForLight(vLon, st.distanceM, signals.comfortDecelMps2, ag.accelMps2))
          stopM = Math.max(0, st.distanceM);
        else if (st && st.signal === 'RED' && signals.clearingOnRed && signals.egoPath) {
          // where it rests braking comfortably, over its line: short of the ego's path by the margin
          const rest = brakingDistanceM(vLon, signals.comfortDecelMps2);
          path.line.poseAt(Math.min(s0 + rest, path.line.length), restAt);
          const clearance = (signals.egoHalfWidthM ?? 0) + ag.lengthM / 2 + RED_OVERSHOOT_MARGIN_M;
          if (restsClearOf(signals.egoPath, restAt.x, restAt.y, clearance)) stopM = rest;
        }
      }
      const braked = Math.min(stopM, observedStopM(ag, ag.speedMps * lonF, braking, (n - 1) * dtS));
      fillDrift(out, base, path, s0, d0, dRate, lonF, dh, MAX_DRIFT_M, ag, n, dtS, braked);
      if (Math.abs(dRate) > DRIFT_TOWARDS_EGO_MPS && out.count < out.maxAgents) {
        // worse case: the drift goes on into the ego's path
        path.line.project(cx, cy, fp);
        const towards = (fp.dM - d0) * dRate;
        const reach = Math.abs(fp.dM - d0);
        if (towards > 0 && reach > MAX_DRIFT_M) {
          const slot2 = out.count++;
          out.index[slot2] = i;
          // its light's stop only: the worst case does not count on the driver braking on (a
          // stopping vehicle stops drifting, and this slot is the one where it does not stop)
          fillDrift(out, slot2 * out.capacity, path, s0, d0, dRate, lonF, dh, reach, ag, n, dtS, stopM);
        }
      }
      if (turns && ag.kind === 'vehicle' && slowsForTurn(ag))
        for (const turn of turnPaths(map, paths, path, onLaneId, onLaneS, ag, (n - 1) * dtS, route)) {
          if (turns.count >= turns.maxAgents) break;
          // it may take the turn (across the ego's way, where that is where the turn goes)
          const slot = turns.count++;
          turns.index[slot] = i;
          turn.line.project(ag.x, ag.y, fp);
          fillDrift(turns, slot * turns.capacity, turn, fp.sM, fp.dM, 0, 1, 0, 0, ag, n, dtS, stopM);
        }
      continue;
    }
    // (a confirmed reverse at the speed its positions show)
    const v0 = !moving ? 0 : reversing ? reverseSpeed! : ag.speedMps;
    const stopM = moving ? observedStopM(ag, v0, braking, (n - 1) * dtS) : Number.POSITIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      alongAt(v0, stopM, k * dtS);
      out.x[base + k] = ag.x + lon.dist * c;
      out.y[base + k] = ag.y + lon.dist * s;
      out.h[base + k] = ag.headingRad;
      out.v[base + k] = lon.v;
    }
    if (wrongWay && Math.abs(dRate) > DRIFT_TOWARDS_EGO_MPS && out.count < out.maxAgents) {
      wrongWay.line.project(cx, cy, fp);
      // (its straight line crosses the ego's lane and leaves it again: seed 424242 run 376's car
      // came back straight in the ego's lane, the gate had passed a DECELERATE that met it moving)
      if ((fp.dM - d0) * dRate > 0) {
        const slot2 = out.count++;
        out.index[slot2] = i;
        fillWrongWay(out, slot2 * out.capacity, wrongWay, s0, d0, dRate, lonF, dh, fp.dM - d0, ag, n, dtS);
      }
    }
  }
}

/** True when a vehicle shows that it may turn: its indicator is on, or it eases off (not braking hard). */
function slowsForTurn(ag: AgentState): boolean {
  if (ag.indicator === 'LEFT' || ag.indicator === 'RIGHT') return true;
  return (
    ag.accelMps2 !== undefined && ag.accelMps2 <= -TURN_SLOWING_MPS2 && ag.accelMps2 >= -TURN_SLOWING_MAX_MPS2
  );
}

/** How much a lane's heading changes from its start to its end, rad (positive: a left turn). */
function laneTurnRad(map: RoadMap, laneId: string): number {
  const l = map.lane(laneId);
  if (!l) return 0;
  return angleDiff(l.line.headingAt(l.line.length), l.line.headingAt(0));
}

/**
 * The turns a lane-following vehicle (on `laneId`, `laneS` along it, forecast along `straightest`)
 * may take instead of going on straight: the branches of the fork its lane ends in within the
 * distance it covers over `horizonS`, or — just past a fork, still within `BRANCH_EARLY_M` of a
 * junction lane's start — that lane's siblings; only those that turn by `TURN_MIN_RAD` or more and
 * that it can take at its speed (`TURN_MAX_LAT_MPS2` on the turn's mean radius), and the way its
 * indicator points where it shows one (a car indicating right does not turn left); without one,
 * every branch that meets the ego's route (`routeMeets`). The gate's other drivers otherwise go the
 * way that turns least, and a car turning across the ego's way is seen only when it has begun to
 * turn — too late for an ego at speed (esmini `ltap-od-relative-speed`).
 */
function turnPaths(
  map: RoadMap,
  paths: LanePathCache,
  straightest: LanePath,
  laneId: string,
  laneS: number,
  ag: AgentState,
  horizonS: number,
  route: ReadonlyArray<string>,
): LanePath[] {
  const lane = map.lane(laneId);
  if (!lane) return [];
  const found: LanePath[] = [];
  // the way it turns: where its indicator points, else any way that meets the ego's route — a
  // turn chosen by the ego's side of it missed a car from the left easing off to turn left across
  // (into) the ego's way (LTAP/LD, review 10); a turn that meets no route lane does not cross the
  // ego's way (the oncoming car braking for an ego turning left in front of it, `unprotected_left`)
  const side = ag.indicator === 'LEFT' ? 1 : ag.indicator === 'RIGHT' ? -1 : 0;
  const canTake = (id: string): boolean => {
    const l = map.lane(id);
    const signed = laneTurnRad(map, id);
    const turn = Math.abs(signed);
    if (!l || turn < TURN_MIN_RAD || signed * side < 0) return false;
    if ((ag.speedMps * ag.speedMps * turn) / l.line.length > TURN_MAX_LAT_MPS2) return false;
    return side !== 0 || routeMeets(map, l, route);
  };
  const succ = lane.data.successors;
  if (succ.length > 1 && lane.line.length - laneS <= ag.speedMps * horizonS) {
    const straightOn = straightest.pieces[1]?.laneId;
    for (const id of succ) {
      if (id === straightOn || !canTake(id)) continue;
      const p = paths.get(laneId, [laneId, id]);
      if (p) found.push(p);
    }
  } else if (lane.data.junctionId !== undefined && laneS <= BRANCH_EARLY_M) {
    for (const pred of lane.data.predecessors) {
      const from = map.lane(pred);
      if (!from) continue;
      for (const id of from.data.successors) {
        if (id === laneId || !canTake(id)) continue;
        const p = paths.get(id, [id]);
        if (p) found.push(p);
      }
    }
  }
  return found;
}

/**
 * Whether a turn lane meets the ego's route: it is a route lane, leads into one (a merge), or its
 * centreline crosses one's (polyline intersection).
 */
function routeMeets(map: RoadMap, turn: LaneInfo, route: ReadonlyArray<string>): boolean {
  if (route.includes(turn.data.id)) return true;
  for (const id of turn.data.successors) if (route.includes(id)) return true;
  const a = turn.line;
  for (const id of route) {
    const b = map.lane(id)?.line;
    if (b && polylinesCross(a.xs, a.ys, b.xs, b.ys)) return true;
  }
  return false;
}

/** Whether two polylines (vertex arrays) properly cross: some segment of each straddles the other's. */
function polylinesCross(
  ax: ArrayLike<number>,
  ay: ArrayLike<number>,
  bx: ArrayLike<number>,
  by: ArrayLike<number>,
): boolean {
  for (let i = 0; i + 1 < ax.length; i++) {
    const x1 = ax[i]!;
    const y1 = ay[i]!;
    const x2 = ax[i + 1]!;
    const y2 = ay[i + 1]!;
    for (let j = 0; j + 1 < bx.length; j++) {
      const x3 = bx[j]!;
      const y3 = by[j]!;
      const x4 = bx[j + 1]!;
      const y4 = by[j + 1]!;
      const d1 = (x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1);
      const d2 = (x2 - x1) * (y4 - y1) - (y2 - y1) * (x4 - x1);
      if (d1 * d2 >= 0) continue;
      const d3 = (x4 - x3) * (y1 - y3) - (y4 - y3) * (x1 - x3);
      const d4 = (x4 - x3) * (y2 - y3) - (y4 - y3) * (x2 - x3);
      if (d3 * d4 < 0) return true;
    }
  }
  return false;
}

/**
 * A vehicle going against its lane (from arc length `s0`, offset `d0`), drifting sideways at `dRate`
 * until it has moved `reachM` across (signed), then straight along the lane's reverse at its speed
 * along it, into `out` from `base`.
 */
function fillWrongWay(
  out: AgentForecast,
  base: number,
  path: LanePath,
  s0: number,
  d0: number,
  dRate: number,
  lonF: number,
  dh: number,
  reachM: number,
  ag: AgentState,
  n: number,
  dtS: number,
): void {
  const vLon = ag.speedMps * lonF;
  const lo = Math.min(0, reachM);
  const hi = Math.max(0, reachM);
  for (let k = 0; k < n; k++) {
    const t = k * dtS;
    const drift = Math.max(lo, Math.min(hi, dRate * t));
    along.atS = s0 - vLon * t;
    along.offsetM = d0 + drift;
    path.line.toCartesianQuery(along);
    out.x[base + k] = along.x;
    out.y[base + k] = along.y;
    out.v[base + k] = Math.abs(drift) < Math.abs(reachM) ? ag.speedMps : vLon;
    out.h[base + k] = along.headingRad + Math.PI + (Math.abs(drift) < Math.abs(reachM) ? dh : 0);
  }
  out.x[base] = ag.x;
  out.y[base] = ag.y;
  out.h[base] = ag.headingRad;
  out.v[base] = ag.speedMps;
}

/**
 * Lane-following prediction with sideways drift at `dRate` capped at `maxDriftM`, into `out` from
 * `base`; along the lane at constant speed, or braking to rest `stopM` on (finite: its light).
 */
function fillDrift(
  out: AgentForecast,
  base: number,
  path: LanePath,
  s0: number,
  d0: number,
  dRate: number,
  lonF: number,
  dh: number,
  maxDriftM: number,
  ag: AgentState,
  n: number,
  dtS: number,
  stopM = Number.POSITIVE_INFINITY,
): void {
  const vLon = ag.speedMps * lonF;
  for (let k = 0; k < n; k++) {
    alongAt(vLon, stopM, k * dtS);
    // a stopping vehicle stops drifting too
    const moving = Number.isFinite(stopM) ? Math.min(k * dtS, vLon > 0 ? lon.dist / vLon : 0) : k * dtS;
    const drift = Math.max(-maxDriftM, Math.min(maxDriftM, dRate * moving));
    along.atS = s0 + lon.dist;
    along.offsetM = d0 + drift;
    path.line.toCartesianQuery(along);
    out.x[base + k] = along.x;
    out.y[base + k] = along.y;
    out.v[base + k] = lonF > 0 ? lon.v / lonF : lon.v;
    // keep the agent's own heading offset from the lane (it decays as it follows the lane)
    out.h[base + k] = along.headingRad + (Math.abs(drift) < maxDriftM ? dh : 0);
  }
  // the first step is the observed pose exactly
  out.x[base] = ag.x;
  out.y[base] = ag.y;
  out.h[base] = ag.headingRad;
  out.v[base] = ag.speedMps;
}
