/**
 * How far short of a commanded stop point (`MidLevelCommand.stopAt`, where the front bumper is to
 * stop) the executor's stop law keeps the front bumper, m: the classical controller's `stopMarginM`
 * default (a buffer against overshoot; the gate checks the stop at the point itself). Shared with
 * what aims a stop at a point that is to be reached, not kept clear of: a mission's goal
 * (bridge/Mission.ts `withGoalStop`) puts its stop point this much beyond the goal.
 */
export const STOP_POINT_MARGIN_M = 0.3;
