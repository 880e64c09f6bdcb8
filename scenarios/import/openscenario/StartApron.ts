/**
 * The pavement under an ego that starts hanging over the start of its road.
 *
 * An OpenSCENARIO position places an entity's reference point — esmini's is the rear axle — and
 * esmini's tests put entities at `s = 0` of a road that starts there, without a predecessor
 * (`LanePosition s="0"`: relative_clearance_freeSpace, angle_condition, loomingTest, …). The body
 * behind the axle then hangs ≈ 1.1 m off the road's start. esmini checks no drivable area; nuPlan's
 * drivable_area_compliance does, from the first tick, so the run scored 0 for every planner before
 * anything was driven. The road is taken to be paved under the ego's start footprint: the same
 * reading as the free-space lane that reaches 20 m behind the ego's start (`OpenScenario.ts`).
 * Only an overhang at the back counts: an ego whose front or side sticks out (a start across a lane
 * border, off the road) keeps its violation.
 */
import { boxCorners, type Polygon, type RoadMapData, type VehicleParams } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';

/** The apron reaches this far beyond the footprint on every side, m: a corner on the polygon's own edge is in or out by rounding. */
const APRON_MARGIN_M = 0.1;

/**
 * The start footprint (rear-axle pose `start`, `vehicle`'s box) as a drivable polygon when its
 * front corners and its rear axle are on the drivable area of `data` and a rear corner is not;
 * undefined otherwise. Corners in map frame, m.
 */
export function startApron(
  data: RoadMapData,
  start: { x: number; y: number; headingRad: number },
  vehicle: VehicleParams,
): Polygon | undefined {
  const map = new RoadMap(data);
  const c = Math.cos(start.headingRad);
  const s = Math.sin(start.headingRad);
  const k = boxCorners({
    cx: start.x + vehicle.rearAxleToCenterM * c,
    cy: start.y + vehicle.rearAxleToCenterM * s,
    headingRad: start.headingRad,
    lengthM: vehicle.lengthM,
    widthM: vehicle.widthM,
  });
  // boxCorners order: FL, FR, RR, RL
  const on = [0, 1, 2, 3].map((i) => map.isDrivable(k[2 * i]!, k[2 * i + 1]!));
  if (!on[0] || !on[1] || (on[2] && on[3]) || !map.isDrivable(start.x, start.y)) return undefined;
  // an off corner must hang over an END of the lane the ego stands on, not over its side (an ego
  // set at an angle with a rear corner over the road's edge keeps its violation; review 11)
  const here = map.locate(start.x, start.y, start.headingRad, 1);
  const lane = here ? map.lane(here.laneId) : undefined;
  if (!lane) return undefined;
  for (const i of [2, 3]) {
    if (on[i]) continue;
    const f = lane.line.project(k[2 * i]!, k[2 * i + 1]!);
    if (f.sM >= 0 && f.sM <= lane.line.length) return undefined;
  }
  const a = boxCorners({
    cx: start.x + vehicle.rearAxleToCenterM * c,
    cy: start.y + vehicle.rearAxleToCenterM * s,
    headingRad: start.headingRad,
    lengthM: vehicle.lengthM + 2 * APRON_MARGIN_M,
    widthM: vehicle.widthM + 2 * APRON_MARGIN_M,
  });
  return [0, 1, 2, 3].map((i) => ({ x: a[2 * i]!, y: a[2 * i + 1]! }));
}
