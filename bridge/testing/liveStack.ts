/**
 * Tests and bench: the stack factory the command line builds (cli/commands/bridge.ts), without the
 * command line — the registry's command stack, its planner stopping at the mission's goal.
 */
import type { VehicleParams } from '../../core/index.ts';
import { createDriver } from '../../stack/registry.ts';
import type { StackRates } from '../../stack/Stack.ts';
import type { MakeStack } from '../LiveDriver.ts';
import { liveScenario, withGoalStop } from '../Mission.ts';

export function testStackFactory(
  vehicle: VehicleParams,
  rates: Partial<StackRates> = {},
  name = 'pdm-closed-stack',
): MakeStack {
  const d = createDriver(name);
  if (!d.ok || d.value.kind !== 'stack') throw new Error(`${name} is not a command stack`);
  const driver = d.value;
  return (goal, route, ego, map, budget) =>
    driver.build(liveScenario(map.id, vehicle, ego, route), map, {
      rates,
      wrap: (p) => withGoalStop(p, goal, undefined, budget),
    });
}
