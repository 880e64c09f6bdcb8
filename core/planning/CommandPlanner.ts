/**
 * The command-planner contract: planners that decide mid-level commands (DriveMLM's speed × path
 * decision states with AD-H's targets), never raw controls. The stack calls `plan` at the plan
 * rate (10 Hz by default); a plan may be synchronous (rules) or a promise (a model behind a
 * network), and the controller keeps executing the last allowed command meanwhile.
 */
import type { LlmCallRecord, MidLevelCommand, Trajectory, Verdict, WorldSnapshot } from '../index.ts';
import type { SceneContextData } from '../sceneContext.ts';
import type { PlannerContext } from './Planner.ts';

export interface PlanRequest {
  snapshot: WorldSnapshot;
  /** The environment transform of this snapshot (lane graph, scene text, BEV layout), when the stack runs perception. */
  scene?: SceneContextData;
  /** The BEV raster as a PNG, encoded on demand (for models that take images). */
  bevPng?: () => Uint8Array;
  /**
   * The gate's verdict on this planner's previous command when it was not allowed as issued
   * (MODIFY or VETO): the reasons to re-plan. Absent on a regular plan.
   */
  feedback?: { command: MidLevelCommand; verdict: Verdict };
}

export interface CommandPlan {
  command: MidLevelCommand;
  /** The trajectory behind the command, when the planner made one (the gate checks it instead of its own roll-out). */
  trajectory?: Trajectory;
  /** Small diagnostics (which agent decided, scores, fallbacks), logged with the tick. */
  info?: Record<string, number | string | boolean>;
  /** The model calls behind the command (LLM-driven plans): logged with the tick and audited with its check. */
  llm?: LlmCallRecord[];
}

export interface CommandPlanStep<S> {
  state: S;
  output: CommandPlan;
}

export interface CommandPlanner<S = unknown> {
  readonly name: string;
  /** The planner reads `PlanRequest.scene` (the stack then runs the environment transform). */
  readonly needsScene?: boolean;
  init(ctx: PlannerContext, first: WorldSnapshot): S;
  plan(state: S, req: PlanRequest, ctx: PlannerContext): CommandPlanStep<S> | Promise<CommandPlanStep<S>>;
}
