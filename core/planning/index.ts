/** core/planning: the contracts between the stack and its planners and controllers. */
export type { CommandPlan, CommandPlanner, CommandPlanStep, PlanRequest } from './CommandPlanner.ts';
export type { CommandController, ControllerInfo, ControlRequest, ControlStep } from './Controller.ts';
export type { Planner, PlannerContext, PlanOutput } from './Planner.ts';
