/**
 * Which side traffic drives on, on roads whose OpenDRIVE file gives no `rule` attribute, read from
 * the scenario the way esmini reads it. esmini moves every entity along its own heading and takes
 * lane-relative directions (RelativeTargetLane, RelativeLanePosition) from the entity's heading,
 * so a scenario whose vehicles start facing along s in the left lanes (positive ids) drives on the
 * left although the road's rule is the default right-hand one: esmini's smoke test runs
 * `left-hand-traffic_by_heading.xosc` (e6mini.xodr without a rule, the ego turned by a relative
 * Orientation of π) to the same states as `left-hand-traffic_using_road_rule.xosc` (e6mini-lht.xodr,
 * `rule="LHT"`). We build our directed lanes once, so the scenario decides for the whole map: the
 * side most of its vehicles start on.
 */
import type { RoadGeometry } from '../opendrive/RoadGeometry.ts';

export interface TrafficRuleVote {
  /** The rule for roads without a `rule` attribute: LHT only when more vehicles start that way. */
  rule: 'RHT' | 'LHT';
  /** Vehicles that start facing the left-hand / right-hand driving direction of their lane. */
  lht: number;
  rht: number;
}

/**
 * Votes on the traffic rule from the start poses (map frame, heading in rad) of a scenario's
 * vehicles: each one on a driving lane of a road without a `rule` attribute counts for the side
 * whose driving direction its heading follows; others do not count. Ties keep right-hand traffic.
 */
export function trafficRuleByHeading(
  poses: ReadonlyArray<{ x: number; y: number; headingRad: number }>,
  geometry: RoadGeometry,
): TrafficRuleVote {
  let lht = 0;
  let rht = 0;
  for (const p of poses) {
    const c = geometry.worldToRoad(p.x, p.y);
    if (!c || c.laneId === 0 || c.distM > 0.5) continue;
    const road = geometry.road(c.roadId);
    if (!road || road.ruleGiven) continue;
    // On the road: between its outer borders (worldToRoad also answers for points beside it).
    if (c.tM > geometry.outerT(road, c.sM, 1) || c.tM < geometry.outerT(road, c.sM, -1)) continue;
    if (!geometry.drivingLaneIdsAt(c.roadId, c.sM).includes(c.laneId)) continue;
    const frame = geometry.pose(c.roadId, c.sM, 0);
    if (!frame.ok) continue;
    const alongS = Math.cos(p.headingRad - frame.value.hRoad) >= 0;
    // Right-hand traffic drives the right lanes (negative ids) along s, left-hand the left ones.
    if (alongS === c.laneId > 0) lht++;
    else rht++;
  }
  return { rule: lht > rht ? 'LHT' : 'RHT', lht, rht };
}
