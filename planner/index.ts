/**
 * The planner registry: names on the command line → planner factories.
 */
import { fail, ok, type Result } from '../core/index.ts';
import { createGatedPlanner } from '../safety/index.ts';
import { constantVelocityPlanner } from './baselines/ConstantVelocity.ts';
import { idmPlanner } from './baselines/IdmPlanner.ts';
import { PDM_CLOSED_PLUS, pdmClosedPlanner } from './baselines/PdmClosed.ts';
import type { Planner } from './Planner.ts';

export type { Planner, PlannerContext, PlanOutput } from './Planner.ts';

const REGISTRY: Record<string, () => Planner> = {
  'constant-velocity': () => constantVelocityPlanner() as Planner,
  idm: () => idmPlanner() as Planner,
  'pdm-closed': () => pdmClosedPlanner() as Planner,
  'pdm-closed-plus': () => pdmClosedPlanner(PDM_CLOSED_PLUS, 'pdm-closed-plus') as Planner,
};

export const PLANNER_NAMES: readonly string[] = Object.keys(REGISTRY);

/** Suffix that wraps a planner in the situational-safety gate (`idm+gate`). */
export const GATE_SUFFIX = '+gate';

/**
 * A fresh planner by name (each run gets its own instance: planners keep scratch buffers).
 * `<name>+gate` runs it behind the safety gate (verdicts recorded per tick, MRM on veto).
 */
export function createPlanner(name: string): Result<Planner> {
  const gated = name.endsWith(GATE_SUFFIX);
  const base = gated ? name.slice(0, -GATE_SUFFIX.length) : name;
  const f = REGISTRY[base];
  if (!f) {
    const known = `${PLANNER_NAMES.join(', ')}, each also as <name>${GATE_SUFFIX}`;
    return fail('NOT_FOUND', 'planner', `unknown planner "${name}" (known: ${known})`);
  }
  if (!gated) return ok(f());
  return ok({ ...createGatedPlanner(f()), name } as Planner);
}
