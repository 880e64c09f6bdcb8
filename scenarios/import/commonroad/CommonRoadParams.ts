/** Parameters of the CommonRoad importer (data, with units and sources). */
import { z } from 'zod';

export const CommonRoadParamsSchema = z.object({
  /** Speed limit for lanelets with no speedLimit / max-speed sign, m/s (50 km/h: German urban default, StVO §3). */
  defaultSpeedLimitMps: z.number().positive().default(13.89),
  /** Lanelets narrower than this are widened to it, m (keeps RoadMap lane polygons valid). */
  minLaneWidthM: z.number().positive().default(0.5),
  /**
   * A successor whose centreline starts farther than this from its predecessor's end is a broken
   * reference and is dropped, m (CommonRoad successors share their bound end points: the gap is 0
   * in well-formed files; 2 m stays under the lateral shift to a neighbouring lane, ~3 m).
   */
  maxLinkGapM: z.number().positive().default(2),
  /** Route length when the goal gives no lanelet, m (covers 15 s at 20 m/s). */
  minRouteM: z.number().positive().default(300),
  /** Scenario length when neither obstacles nor goal time give one, s (nuPlan's 15 s). */
  defaultDurationS: z.number().positive().default(15),
  /** Shortest and longest scenario, s. */
  minDurationS: z.number().positive().default(2),
  maxDurationS: z.number().positive().default(30),
});
export type CommonRoadParams = z.infer<typeof CommonRoadParamsSchema>;
