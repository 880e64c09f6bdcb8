/**
 * The planner registry: names on the command line → planner factories.
 */
import { fail, ok, type Result } from '../core/index.ts';
import { constantVelocityPlanner } from './baselines/ConstantVelocity.ts';
import { idmPlanner } from './baselines/IdmPlanner.ts';
import { pdmClosedPlanner } from './baselines/PdmClosed.ts';
import type { Planner } from './Planner.ts';

export type { Planner, PlannerContext, PlanOutput } from './Planner.ts';

const REGISTRY: Record<string, () => Planner> = {
  'constant-velocity': () => constantVelocityPlanner() as Planner,
  idm: () => idmPlanner() as Planner,
  'pdm-closed': () => pdmClosedPlanner() as Planner,
};

export const PLANNER_NAMES: readonly string[] = Object.keys(REGISTRY);

/** A fresh planner by name (each run gets its own instance: planners keep scratch buffers). */
export function createPlanner(name: string): Result<Planner> {
  const f = REGISTRY[name];
  if (!f)
    return fail('NOT_FOUND', 'planner', `unknown planner "${name}" (known: ${PLANNER_NAMES.join(', ')})`);
  return ok(f());
}
