/**
 * The closed-loop engine: fixed 0.1 s steps (nuPlan), planner at every step, the planned
 * trajectory tracked by nuPlan's two-stage controller (LQR + kinematic bicycle; a unicycle
 * tracker for robots), agents replayed or reactive. Deterministic for a scenario, planner, mode
 * and seed: nothing reads a wall clock or Math.random (planner wall time is logged separately).
 */
import {
  angleDiff,
  type EgoState,
  type Scenario,
  type TrafficLightState,
  type Trajectory,
  type VehicleParams,
  type WorldSnapshot,
} from '../core/index.ts';
import type { Planner, PlannerContext } from '../planner/Planner.ts';
import { AgentFleet, lightsAt } from './agents/AgentFleet.ts';
import { type BicycleCommand, stepBicycle, stepUnicycle } from './ego/KinematicBicycle.ts';
import { LqrTracker } from './ego/LqrTracker.ts';
import type { RoadMap } from './RoadMap.ts';
import { RoutePath } from './RoutePath.ts';
import type { AgentMode, SimLog, SimTick } from './SimLog.ts';

export interface RunOptions {
  mode: AgentMode;
  seed?: number;
  /** Record the planned trajectory of each tick (for the viewer). Default false. */
  recordPlans?: boolean;
  /** Called after each tick (progress, live view). */
  onTick?: (tick: SimTick, index: number, total: number) => void;
  /** Wall-clock reader for planner timing (injected; defaults to performance.now). */
  nowMs?: () => number;
}

/** Reference poses the tracker needs (up to 8 s). */
const TRACK_POSES = 81;

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
  const startS = first
    ? Math.max(0, first.line.project(scenario.egoStart.x, scenario.egoStart.y).sM - 10)
    : 0;
  return {
    map,
    route: RoutePath.build(map, scenario.route.laneIds, startS),
    vehicle: scenario.vehicle,
    dtS: scenario.dtS,
    seed,
  };
}

/**
 * Runs `scenario` closed-loop with `planner` and returns the full log. Bad planner output (NaN,
 * empty trajectory) makes the ego brake in place rather than crash the run.
 */
export function runScenario(scenario: Scenario, map: RoadMap, planner: Planner, opts: RunOptions): SimLog {
  const seed = opts.seed ?? 0;
  const dtS = scenario.dtS;
  const vehicle: VehicleParams = scenario.vehicle;
  const ctx = plannerContext(scenario, map, seed);
  const fleet = new AgentFleet(scenario, map, opts.mode);
  const tracker = new LqrTracker();
  const xs = new Float64Array(TRACK_POSES);
  const ys = new Float64Array(TRACK_POSES);
  const hs = new Float64Array(TRACK_POSES);
  const cmd: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
  const now = opts.nowMs ?? (() => performance.now());
  const steps = Math.round(scenario.durationS / dtS);
  const ticks: SimTick[] = [];
  let ego: EgoState = { ...scenario.egoStart, tS: 0 };
  const snapshotAt = (tS: number, lights: TrafficLightState[]): WorldSnapshot => ({
    tS,
    ego: { ...ego },
    agents: fleet.current(),
    lights,
    route: scenario.route,
    ...(scenario.instruction ? { instruction: scenario.instruction } : {}),
    ...(scenario.occlusions ? { occlusions: scenario.occlusions } : {}),
  });
  let lights = lightsAt(scenario, 0);
  let snap = snapshotAt(0, lights);
  let plannerState = planner.init(ctx, snap);
  for (let k = 0; k <= steps; k++) {
    const tS = Math.round(k * dtS * 1e6) / 1e6;
    const t0 = now();
    const { state, output } = planner.step(plannerState, snap, ctx);
    const planMs = now() - t0;
    plannerState = state;
    const tick: SimTick = { tS, ego: snap.ego, agents: snap.agents, lights: snap.lights, planMs };
    if (output.command) tick.command = output.command;
    if (output.verdict) tick.verdict = output.verdict;
    if (opts.recordPlans) {
      tick.plan = [];
      for (let i = 0; i < output.trajectory.points.length; i += 5) {
        const p = output.trajectory.points[i]!;
        tick.plan.push(round3(p.x), round3(p.y), round3(p.headingRad));
      }
    }
    ticks.push(tick);
    opts.onTick?.(tick, k, steps + 1);
    if (k === steps) break;
    // --- control: track the plan for one step
    const n = sampleTrajectory(output.trajectory, tS, dtS, xs, ys, hs);
    let valid = n >= 2;
    for (let i = 0; i < n && valid; i++)
      valid = Number.isFinite(xs[i]!) && Number.isFinite(ys[i]!) && Number.isFinite(hs[i]!);
    if (!valid) {
      cmd.accelMps2 = -vehicle.maxDecelMps2 / 2;
      cmd.steerRateRadps = 0;
    } else if (vehicle.kind === 'robot') {
      unicycleCommand(ego, xs, ys, hs, n, dtS, cmd);
    } else {
      tracker.command(ego, xs, ys, hs, n, vehicle, cmd);
    }
    const next: EgoState = { ...ego };
    if (vehicle.kind === 'robot') stepUnicycle(ego, cmd, vehicle, dtS, next);
    else stepBicycle(ego, cmd, vehicle, dtS, next);
    next.tS = Math.round((tS + dtS) * 1e6) / 1e6;
    fleet.step(tS, dtS, ego, vehicle, lights);
    ego = next;
    lights = lightsAt(scenario, next.tS);
    snap = snapshotAt(next.tS, lights);
  }
  return {
    scenarioId: scenario.id,
    planner: planner.name,
    mode: opts.mode,
    seed,
    dtS,
    vehicle,
    routeLaneIds: scenario.route.laneIds,
    expert: scenario.expert,
    ticks,
    staticAgentIds: scenario.agents
      .filter((a) => a.kind === 'static' || a.behavior.type === 'static')
      .map((a) => a.id),
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
