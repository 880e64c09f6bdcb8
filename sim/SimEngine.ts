/**
 * The closed-loop engine's state and step, shared by both ways of driving the ego:
 *
 * - trajectory mode (`trackTrajectory`): a planned trajectory tracked for one 0.1 s tick by
 *   nuPlan's two-stage controller (LQR + kinematic bicycle; a unicycle tracker for robots), kept
 *   so that trajectory baselines stay comparable with nuPlan;
 * - control mode (`applyControl`): the ego driven by `Control`s (`{accelMps2, steerRad}` for cars,
 *   `{vMps, omegaRadps}` for robots) at the control rate, through the same kinematic model with
 *   the platform's actuator limits and a configurable actuation delay.
 *
 * Agents and lights advance once per tick (`endTick`), reacting to the ego as it was at the start
 * of the tick. Deterministic: nothing reads a wall clock or Math.random.
 */
import {
  angleDiff,
  type Control,
  type EgoState,
  type Scenario,
  type TrafficLightState,
  type Trajectory,
  type VehicleParams,
  type WorldSnapshot,
} from '../core/index.ts';
import { type RoadMap, RoutePath } from '../core/map/index.ts';
import type { PlannerContext } from '../core/planning/index.ts';
import { type BicycleCommand, LqrTracker, stepBicycle, stepUnicycle } from '../core/vehicle/index.ts';
import { AgentFleet, lightsAt } from './agents/AgentFleet.ts';
import type { StoryboardAgentSource, StoryboardSourceFactory } from './agents/StoryboardAgents.ts';
import type { AgentMode, AgentModel, SimLog, SimTick } from './SimLog.ts';

/** Reference poses the tracker needs (up to 8 s). */
const TRACK_POSES = 81;

export interface EngineOptions {
  mode: AgentMode;
  /** Reactive agent model (`idm` = nuPlan's IDM agents, `interactive`); default DEFAULT_AGENT_MODEL. */
  agents?: AgentModel;
  seed?: number;
  /**
   * Control mode: time from a control being sent to the actuator applying it, s (a FIFO of the
   * controls of the last `delayS`; 0 = applied in the same step). Default 0.
   */
  actuationDelayS?: number;
  /**
   * A live storyboard for a scenario whose agents are storyboard-driven (`Scenario.storyboard`),
   * built by whoever loads the scenario: a fresh source per run. Without it such a scenario's
   * agents replay their import-time tracks.
   */
  storyboard?: StoryboardSourceFactory;
}

/** Samples a time-stamped trajectory at t0 + k·dt into xs/ys/hs; returns the count. */
export function sampleTrajectory(
  traj: Trajectory,
  t0S: number,
  dtS: number,
  xs: Float64Array,
  ys: Float64Array,
  hs: Float64Array,
): number {
  const pts = traj.points;
  if (pts.length === 0) return 0;
  const tEnd = pts[pts.length - 1]!.tS;
  let j = 0;
  let n = 0;
  for (let k = 0; k < xs.length; k++) {
    const t = t0S + k * dtS;
    if (t > tEnd + 1e-9 && k > 1) break;
    while (j < pts.length - 2 && pts[j + 1]!.tS <= t) j++;
    const a = pts[j]!;
    const b = pts[Math.min(j + 1, pts.length - 1)]!;
    const u = b.tS > a.tS ? Math.min(1, Math.max(0, (t - a.tS) / (b.tS - a.tS))) : 0;
    xs[k] = a.x + u * (b.x - a.x);
    ys[k] = a.y + u * (b.y - a.y);
    hs[k] = a.headingRad + u * angleDiff(b.headingRad, a.headingRad);
    n = k + 1;
  }
  return n;
}

/**
 * Unicycle tracker for robots: speed from the reference poses, yaw rate from heading and cross-track
 * error (a kinematic Stanley-style law; gains tuned for ≤ 2 m/s platforms).
 */
function unicycleCommand(
  ego: EgoState,
  xs: Float64Array,
  ys: Float64Array,
  hs: Float64Array,
  n: number,
  dtS: number,
  out: BicycleCommand,
): BicycleCommand {
  const k = Math.min(n - 1, 5);
  const vRef = k > 0 ? Math.hypot(xs[k]! - xs[0]!, ys[k]! - ys[0]!) / (k * dtS) : 0;
  out.accelMps2 = 2.0 * (vRef - ego.speedMps);
  const look = Math.min(n - 1, 3);
  const rh = hs[0]!;
  const e = -(ego.x - xs[0]!) * Math.sin(rh) + (ego.y - ys[0]!) * Math.cos(rh);
  const headingErr = angleDiff(hs[look]!, ego.headingRad);
  out.steerRateRadps = 2.0 * headingErr - 1.5 * e;
  return out;
}

/** Builds the planner's context (map, route reference path from the ego's start lane). */
export function plannerContext(scenario: Scenario, map: RoadMap, seed: number): PlannerContext {
  const first = map.lane(scenario.route.laneIds[0]!);
  let startS = first ? Math.max(0, first.line.project(scenario.egoStart.x, scenario.egoStart.y).sM - 10) : 0;
  // An ego placed beyond the end of a one-lane route (project extrapolates past the end) left a
  // reference path of one point, and the run stopped with an internal error (review ux19 #12): the
  // path then starts 10 m before the lane's end. Starts on the lane are untouched.
  if (first && scenario.route.laneIds.length === 1 && startS > first.line.length - 0.01)
    startS = Math.max(0, first.line.length - 10);
  return {
    map,
    route: RoutePath.build(map, scenario.route.laneIds, startS),
    vehicle: scenario.vehicle,
    dtS: scenario.dtS,
    seed,
  };
}

const round6 = (t: number): number => Math.round(t * 1e6) / 1e6;

/** A run ends when the ego is this close to the end of its route, m. */
export const ROUTE_END_MARGIN_M = 1;
/** …and at most this far beside the route's reference path (not merely abreast of its end), m. */
export const ROUTE_END_LATERAL_M = 5;
/** Window of the local route tracking around the last progress: behind / ahead, m (≥ 30 m/s × 0.1 s). */
const ROUTE_TRACK_BACK_M = 5;
const ROUTE_TRACK_AHEAD_M = 20;

export class SimEngine {
  readonly scenario: Scenario;
  readonly map: RoadMap;
  readonly ctx: PlannerContext;
  readonly mode: AgentMode;
  readonly seed: number;
  readonly dtS: number;
  /** Number of steps; ticks are 0..steps. */
  readonly steps: number;
  readonly vehicle: VehicleParams;
  readonly ticks: SimTick[] = [];
  /** Index of the current tick. */
  k = 0;
  /** The ego now (advances with each control sub-step). */
  ego: EgoState;
  private egoAtTick: EgoState;
  private lights: TrafficLightState[];
  private agentsNow: WorldSnapshot['agents'];
  private readonly fleet: AgentFleet;
  private readonly storyboard?: StoryboardAgentSource;
  private readonly tracker = new LqrTracker();
  private readonly xs = new Float64Array(TRACK_POSES);
  private readonly ys = new Float64Array(TRACK_POSES);
  private readonly hs = new Float64Array(TRACK_POSES);
  private readonly cmd: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
  private readonly delayS: number;
  private readonly delayed: { tS: number; control: Control }[] = [];
  private lastApplied: Control | undefined;
  /** Ego progress along the route reference path at the last check, m (local tracking). */
  private routeS: number | undefined;
  private routeEndK = -1;
  private routeEndNow = false;

  constructor(scenario: Scenario, map: RoadMap, opts: EngineOptions) {
    this.scenario = scenario;
    this.map = map;
    this.mode = opts.mode;
    this.seed = opts.seed ?? 0;
    this.dtS = scenario.dtS;
    this.vehicle = scenario.vehicle;
    this.ctx = plannerContext(scenario, map, this.seed);
    this.storyboard = opts.storyboard?.(scenario);
    this.fleet = new AgentFleet(scenario, map, opts.mode, {
      ...(opts.agents ? { agents: opts.agents } : {}),
      ...(this.storyboard ? { storyboard: this.storyboard } : {}),
    });
    this.steps = Math.round(scenario.durationS / this.dtS);
    this.delayS = Math.max(0, opts.actuationDelayS ?? 0);
    this.ego = { ...scenario.egoStart, tS: 0 };
    this.egoAtTick = this.ego;
    this.lights = lightsAt(scenario, 0);
    this.agentsNow = this.fleet.current();
  }

  /** Time of the current tick, s. */
  get tickS(): number {
    return round6(this.k * this.dtS);
  }

  /**
   * True at the last tick (record it, then stop): the scenario's duration is up, or the ego has
   * reached the end of its route (beyond it there may be no map: an imported scenario's route can
   * be shorter than its duration allows to drive).
   */
  get last(): boolean {
    return this.k >= this.steps || this.atRouteEnd();
  }

  /**
   * Whether the ego's front (as of this tick) is within ROUTE_END_MARGIN_M of the end of its route.
   * Progress along the route is tracked locally from tick to tick, so a route that loops back past
   * its own end does not end the run early.
   */
  atRouteEnd(): boolean {
    if (this.routeEndK === this.k) return this.routeEndNow;
    const line = this.ctx.route.line;
    const e = this.egoAtTick;
    const f =
      this.routeS === undefined
        ? line.project(e.x, e.y)
        : line.project(
            e.x,
            e.y,
            undefined,
            this.routeS - ROUTE_TRACK_BACK_M,
            this.routeS + ROUTE_TRACK_AHEAD_M,
          );
    this.routeS = f.sM;
    const frontM = this.vehicle.rearAxleToCenterM + this.vehicle.lengthM / 2;
    this.routeEndK = this.k;
    this.routeEndNow =
      f.sM + frontM >= line.length - ROUTE_END_MARGIN_M && Math.abs(f.dM) < ROUTE_END_LATERAL_M;
    return this.routeEndNow;
  }

  /** What the ego's sensors see now: the ego now, agents and lights of the current tick. */
  snapshot(): WorldSnapshot {
    const s = this.scenario;
    return {
      tS: this.ego.tS,
      ego: { ...this.ego },
      agents: this.agentsNow,
      lights: this.lights,
      route: s.route,
      ...(s.instruction ? { instruction: s.instruction } : {}),
      ...(s.occlusions ? { occlusions: s.occlusions } : {}),
    };
  }

  /** Records the current tick (ego, agents and lights as of its start) with what drove it. */
  record(extra: Omit<SimTick, 'tS' | 'ego' | 'agents' | 'lights'>): SimTick {
    const tick: SimTick = {
      tS: this.tickS,
      ego: { ...this.egoAtTick },
      agents: this.agentsNow,
      lights: this.lights,
      ...extra,
    };
    this.ticks.push(tick);
    return tick;
  }

  /**
   * Trajectory mode: tracks `traj` for one whole tick (LQR + bicycle, or the unicycle tracker) and
   * advances agents and lights. An invalid trajectory (fewer than two poses, NaN) brakes in place.
   */
  trackTrajectory(traj: Trajectory): void {
    const { xs, ys, hs, cmd, vehicle, dtS } = this;
    const ego = this.ego;
    const n = sampleTrajectory(traj, this.tickS, dtS, xs, ys, hs);
    let valid = n >= 2;
    for (let i = 0; i < n && valid; i++)
      valid = Number.isFinite(xs[i]!) && Number.isFinite(ys[i]!) && Number.isFinite(hs[i]!);
    if (!valid) {
      cmd.accelMps2 = -vehicle.maxDecelMps2 / 2;
      cmd.steerRateRadps = 0;
    } else if (vehicle.kind === 'robot') {
      unicycleCommand(ego, xs, ys, hs, n, dtS, cmd);
    } else {
      this.tracker.command(ego, xs, ys, hs, n, vehicle, cmd);
    }
    const next: EgoState = { ...ego };
    if (vehicle.kind === 'robot') stepUnicycle(ego, cmd, vehicle, dtS, next);
    else stepBicycle(ego, cmd, vehicle, dtS, next);
    next.tS = round6(this.tickS + dtS);
    this.ego = next;
    this.endTick();
  }

  /**
   * Control mode: applies `control` (after the actuation delay) for `dtS` seconds of ego motion.
   * Cars: the commanded steering angle becomes a steering rate limited by the platform; robots: the
   * commanded speed becomes an acceleration limited by the platform. A control of the wrong kind
   * or with a non-finite field brakes (half the maximum deceleration) and holds the wheel.
   */
  applyControl(control: Control, dtS: number): void {
    const applied = this.delay(control);
    const { cmd, vehicle } = this;
    const ego = this.ego;
    if (vehicle.kind === 'robot') {
      if (
        applied?.kind === 'unicycle' &&
        Number.isFinite(applied.vMps) &&
        Number.isFinite(applied.omegaRadps)
      ) {
        cmd.accelMps2 = (applied.vMps - ego.speedMps) / dtS;
        cmd.steerRateRadps = applied.omegaRadps;
      } else {
        cmd.accelMps2 = -vehicle.maxDecelMps2 / 2;
        cmd.steerRateRadps = 0;
      }
    } else if (
      applied?.kind === 'ackermann' &&
      Number.isFinite(applied.accelMps2) &&
      Number.isFinite(applied.steerRad)
    ) {
      const steer = Math.min(vehicle.maxSteerRad, Math.max(-vehicle.maxSteerRad, applied.steerRad));
      cmd.accelMps2 = applied.accelMps2;
      cmd.steerRateRadps = (steer - ego.steerRad) / dtS;
    } else {
      cmd.accelMps2 = -vehicle.maxDecelMps2 / 2;
      cmd.steerRateRadps = 0;
    }
    const next: EgoState = { ...ego };
    if (vehicle.kind === 'robot') stepUnicycle(ego, cmd, vehicle, dtS, next);
    else stepBicycle(ego, cmd, vehicle, dtS, next);
    next.tS = round6(ego.tS + dtS);
    this.ego = next;
  }

  /** Control mode: ends the tick after its control sub-steps (agents and lights advance). */
  endTick(): void {
    const t = this.tickS;
    this.fleet.step(t, this.dtS, this.egoAtTick, this.vehicle, this.lights, this.ego);
    this.k++;
    // sub-steps accumulate rounding; the tick boundary is exact
    this.ego = { ...this.ego, tS: this.tickS };
    this.egoAtTick = this.ego;
    this.lights = lightsAt(this.scenario, this.tickS);
    this.agentsNow = this.fleet.current();
  }

  /** The control the actuator applies now: the one sent `delayS` ago (the very first until one is that old). */
  private delay(control: Control): Control | undefined {
    if (this.delayS <= 0) return control;
    const now = this.ego.tS;
    this.delayed.push({ tS: now, control });
    while (this.delayed.length > 0 && this.delayed[0]!.tS <= now - this.delayS + 1e-9)
      this.lastApplied = this.delayed.shift()!.control;
    return this.lastApplied ?? this.delayed[0]!.control;
  }

  /** The run's log. */
  toLog(plannerName: string): SimLog {
    const s = this.scenario;
    return {
      scenarioId: s.id,
      planner: plannerName,
      mode: this.mode,
      ...(this.mode === 'reactive' ? { agents: this.fleet.agents } : {}),
      seed: this.seed,
      dtS: this.dtS,
      vehicle: this.vehicle,
      routeLaneIds: s.route.laneIds,
      expert: s.expert,
      ticks: this.ticks,
      // a storyboard-driven actor imported standing is a body that moves here, not an object
      staticAgentIds: s.agents
        .filter(
          (a) =>
            (a.kind === 'static' || a.behavior.type === 'static') && !this.fleet.drivenByStoryboard(a.id),
        )
        .map((a) => a.id),
      ...(this.storyboard ? { storyboardEvents: this.storyboard.eventStarts() } : {}),
      ...(this.k < this.steps && this.atRouteEnd() ? { endedAtRouteEnd: true } : {}),
    };
  }
}
