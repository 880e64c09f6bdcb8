/**
 * The planner contract: a pure step function with explicit state (STYLE habit 6). The engine (and
 * the live bridges) call `init` once and `step` every planning tick (10 Hz).
 */
import type { MidLevelCommand, Trajectory, VehicleParams, Verdict, WorldSnapshot } from '../index.ts';
import type { RoadMap, RoutePath } from '../map/index.ts';

export interface PlannerContext {
  map: RoadMap;
  /** Reference path through the mission's route lanes (from the ego's start). */
  route: RoutePath;
  vehicle: VehicleParams;
  /** Planning period, s. */
  dtS: number;
  seed: number;
}

export interface PlanOutput {
  /**
   * Planned rear-axle poses with speeds, the first at the snapshot time, spaced 0.1 s. The
   * simulator's LQR tracker follows it (nuPlan's two-stage controller).
   */
  trajectory: Trajectory;
  /** The mid-level command behind the trajectory, for planners that reason in commands. */
  command?: MidLevelCommand;
  /** The safety gate's verdict on this tick's command, when a gate wraps the planner. */
  verdict?: Verdict;
}

export interface Planner<S = unknown> {
  readonly name: string;
  init(ctx: PlannerContext, first: WorldSnapshot): S;
  step(state: S, snapshot: WorldSnapshot, ctx: PlannerContext): { state: S; output: PlanOutput };
}
