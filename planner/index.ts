/**
 * planner/: the trajectory baselines (constant velocity, IDM, PDM-Closed) by name. Composed
 * variants (behind the gate, as command stacks) are named in stack/'s registry.
 */
import { fail, ok, type Result } from '../core/index.ts';
import type { Planner } from '../core/planning/Planner.ts';
import { idmPlanner } from '../core/vehicle/index.ts';
import { constantVelocityPlanner } from './baselines/ConstantVelocity.ts';
import { PDM_CLOSED_PLUS, pdmClosedPlanner } from './baselines/PdmClosed.ts';

export type { Planner, PlannerContext, PlanOutput } from '../core/planning/Planner.ts';

const BASELINES: Record<string, () => Planner> = {
  'constant-velocity': () => constantVelocityPlanner() as Planner,
  idm: () => idmPlanner() as Planner,
  'pdm-closed': () => pdmClosedPlanner() as Planner,
  'pdm-closed-plus': () => pdmClosedPlanner(PDM_CLOSED_PLUS, 'pdm-closed-plus') as Planner,
};

/** Names of the trajectory baselines. */
export const BASELINE_NAMES: readonly string[] = Object.keys(BASELINES);

/** A fresh baseline planner by name (each run gets its own instance: planners keep scratch buffers). */
export function createBaselinePlanner(name: string): Result<Planner> {
  const f = BASELINES[name];
  if (!f)
    return fail('NOT_FOUND', 'planner', `unknown baseline "${name}" (known: ${BASELINE_NAMES.join(', ')})`);
  return ok(f());
}

export * from './hierarchical/index.ts';
