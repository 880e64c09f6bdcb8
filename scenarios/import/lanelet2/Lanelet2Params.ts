/** Parameters of the Lanelet2 importer (data, with units and sources). */
import { z } from 'zod';

export const Lanelet2ParamsSchema = z.object({
  /**
   * Speed limits when a lanelet has no speed_limit tag, m/s: Lanelet2's German traffic rules
   * (lanelet2_traffic_rules GermanTrafficRules.cpp: urban 50 km/h, nonurban 100 km/h, play street 7 km/h).
   */
  urbanSpeedLimitMps: z
    .number()
    .positive()
    .default(50 / 3.6),
  nonurbanSpeedLimitMps: z
    .number()
    .positive()
    .default(100 / 3.6),
  playStreetSpeedLimitMps: z
    .number()
    .positive()
    .default(7 / 3.6),
  /** Lanelets narrower than this are widened to it, m (keeps RoadMap lane polygons valid). */
  minLaneWidthM: z.number().positive().default(0.5),
  /** Bound endpoints closer than this count as shared when node ids differ, m. */
  joinToleranceM: z.number().positive().default(0.05),
});
export type Lanelet2Params = z.infer<typeof Lanelet2ParamsSchema>;
