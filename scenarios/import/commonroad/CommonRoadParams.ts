/** Parameters of the CommonRoad importer (data, with units and sources). */
import { z } from 'zod';
import { kmhToMps, mphToMps } from '../../../core/index.ts';

const positive = () => z.number().positive();

/**
 * Speeds to drive at where no limit is posted, by road class, m/s. A lanelet's class is its
 * `laneletType` (interstate / highway → motorway, country → rural, urban → urban), else the
 * scenario's tags (interstate / highway, rural, urban), else urban.
 */
const RoadClassSpeedsSchema = z.object({
  urbanMps: positive(),
  ruralMps: positive(),
  motorwayMps: positive(),
  /**
   * The motorway figure is advice, not a limit (the law sets no general motorway limit): lanes
   * driven at it are `speedLimitAdvisory`. Urban and rural defaults are always statutory limits.
   */
  motorwayAdvisory: z.boolean().default(false),
});
export type RoadClassSpeeds = z.infer<typeof RoadClassSpeedsSchema>;

export const CommonRoadParamsSchema = z.object({
  /**
   * Unposted speeds for every country but the USA (CommonRoad's fictional ZAM included: its
   * formalised traffic rules are the German StVO's). StVO §3 (3): 50 km/h in built-up areas, 100 km/h
   * outside them for cars; motorways have no general limit, the Autobahn-Richtgeschwindigkeits-
   * Verordnung (1978) advises 130 km/h.
   */
  unpostedSpeeds: RoadClassSpeedsSchema.default({
    urbanMps: kmhToMps(50),
    ruralMps: kmhToMps(100),
    motorwayMps: kmhToMps(130),
    motorwayAdvisory: true,
  }),
  /**
   * Unposted speeds for USA_ benchmarks (NGSIM's US101 and Lankershim are in Los Angeles):
   * California Vehicle Code §22352 (a)(2) 25 mph in business and residence districts, §22349 (b)
   * 55 mph on two-lane undivided highways, §22349 (a) 65 mph on highways.
   */
  unpostedSpeedsUsa: RoadClassSpeedsSchema.default({
    urbanMps: mphToMps(25),
    ruralMps: mphToMps(55),
    motorwayMps: mphToMps(65),
    motorwayAdvisory: false,
  }),
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
