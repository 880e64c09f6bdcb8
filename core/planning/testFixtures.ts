/** A planner context for tests (test-only helper, imported by *.test.ts in any folder). */

import { type RoadMap, RoutePath } from '../map/index.ts';
import { type VehicleParams, VehicleParamsSchema } from '../schemas.ts';
import type { PlannerContext } from './Planner.ts';

/** The context of a planner on `map` along the route `laneIds`: 0.1 s plan period, seed 0, the default car. */
export function plannerContext(
  map: RoadMap,
  laneIds: string[],
  vehicle: VehicleParams = VehicleParamsSchema.parse({}),
): PlannerContext {
  return { map, route: RoutePath.build(map, laneIds), vehicle, dtS: 0.1, seed: 0 };
}
