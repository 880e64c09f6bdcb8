/**
 * The controller contract: turns the current mid-level command into one control at the control
 * rate (20–50 Hz). A pure step function with explicit state; `info` says what the step cost and
 * which path produced the control (an early exit, the full network, a fallback).
 */
import type { Control, EgoState, MidLevelCommand, WorldSnapshot } from '../index.ts';
import type { PlannerContext } from './Planner.ts';

export interface ControlRequest {
  /** The ego now (rear axle). */
  ego: EgoState;
  /** The command in force (already allowed or repaired by the gate). */
  command: MidLevelCommand;
  /** The latest snapshot (agents may be up to one perception period old). */
  snapshot: WorldSnapshot;
  /** Control period, s. */
  dtS: number;
  /**
   * The ego's route position (index into `ctx.route.laneIds`) as the caller tracks it: where the
   * route uses a lane twice, lane paths follow the route from the occurrence nearest it (without
   * it, from the first).
   */
  routeIndex?: number;
}

export interface ControllerInfo {
  controller: string;
  /** Early-exit controllers: the exit taken (1-based), and how many there are. */
  exit?: number;
  exits?: number;
  /** Compute spent on this step, as a fraction of the full-depth model (1 for single-path controllers). */
  computeFraction?: number;
  /** Agreement between the last two exits' actions (early exit's consistency score). */
  agreement?: number;
  /** Set when a fallback produced the control (a failure of the path that should have), with the reason. */
  fallback?: string;
  /**
   * Set when the controller's verified path (the classical tracker) produced the control by design,
   * not after a failure, with the reason: e.g. an emergency stop at the platform's braking limit,
   * which a learned policy is not trusted to execute. Kept apart from `fallback` so that counts of
   * fallbacks stay counts of failures.
   */
  verifiedPath?: string;
}

export interface ControlStep<S> {
  state: S;
  control: Control;
  info: ControllerInfo;
}

export interface CommandController<S = unknown> {
  readonly name: string;
  init(ctx: PlannerContext): S;
  step(state: S, req: ControlRequest, ctx: PlannerContext): ControlStep<S>;
}
