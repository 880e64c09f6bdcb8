/**
 * The result contract of the metrics: one scenario's nuPlan closed-loop score with its parts, the
 * details behind each part and per-tick series for plots. Scores are in [0, 1] (the devkit's
 * scale); the CLI multiplies by 100 for display. JSON-safe: "no collision within the horizon" TTC
 * is `null`.
 */
import { z } from 'zod';

const unit = () => z.number().min(0).max(1);
const series = () => z.array(z.number());

export const CollisionTypeSchema = z.enum([
  'STOPPED_EGO',
  'STOPPED_TRACK',
  'ACTIVE_FRONT',
  'ACTIVE_REAR',
  'ACTIVE_LATERAL',
]);
export type CollisionType = z.infer<typeof CollisionTypeSchema>;

/** nuPlan collision groups: VRU (pedestrian, bicycle), vehicle, object (static). */
export const ObjectGroupSchema = z.enum(['vru', 'vehicle', 'object']);
export type ObjectGroup = z.infer<typeof ObjectGroupSchema>;

export const CollisionRecordSchema = z.object({
  /** Tick index and time of the first overlap with this agent, s. */
  tick: z.number().int().nonnegative(),
  tS: z.number(),
  agentId: z.string(),
  group: ObjectGroupSchema,
  type: CollisionTypeSchema,
  atFault: z.boolean(),
  /** nuPlan collision "energy" (ego delta-v), m/s; informational. */
  deltaVMps: z.number(),
});
export type CollisionRecord = z.infer<typeof CollisionRecordSchema>;

export const ComfortCheckNameSchema = z.enum([
  'ego_lon_acceleration',
  'ego_lat_acceleration',
  'ego_lon_jerk',
  'ego_jerk',
  'ego_yaw_rate',
  'ego_yaw_acceleration',
]);
export type ComfortCheckName = z.infer<typeof ComfortCheckNameSchema>;

export const ScenarioMetricsSchema = z.object({
  /** Scenario score = Π multipliers · (5·progress + 5·ttc + 4·speed + 2·comfort) / 16. */
  score: unit(),
  multipliers: z.object({
    no_ego_at_fault_collisions: unit(),
    drivable_area_compliance: unit(),
    driving_direction_compliance: unit(),
    ego_is_making_progress: unit(),
  }),
  weighted: z.object({
    time_to_collision_within_bound: unit(),
    ego_progress_along_expert_route: unit(),
    speed_limit_compliance: unit(),
    ego_is_comfortable: unit(),
  }),
  details: z.object({
    ticks: z.number().int().nonnegative(),
    collisions: z.array(CollisionRecordSchema),
    /** Smallest TTC over the run, s; null when no tick found one within the horizon. */
    minTtcS: z.number().nullable(),
    egoProgressM: z.number(),
    expertProgressM: z.number(),
    progressRatio: unit(),
    maxOverspeedMps: z.number().nonnegative(),
    /** Largest backward movement within 1 s along the lane direction, m. */
    maxBackwardM: z.number().nonnegative(),
    /** Time of the first corner farther than 0.3 m from the drivable area, s; null if none. */
    drivableViolationTS: z.number().nullable(),
    comfortFailed: z.array(ComfortCheckNameSchema),
  }),
  perTick: z.object({
    tS: series(),
    /** TTC, s; null = no collision within the 3 s horizon. */
    ttcS: z.array(z.number().nullable()),
    overspeedMps: series(),
    cornersOutsideDrivable: series(),
    /** 1 when the 4 corners share or connect through one lane / connector, else 0. */
    inOneLane: series(),
    /** Progress along the lane direction over the last 1 s, m. */
    directionProgressM: series(),
    /** Ego progress along the expert route per tick, m. */
    routeProgressM: series(),
    lonAccelMps2: series(),
    latAccelMps2: series(),
    lonJerkMps3: series(),
    jerkMps3: series(),
    yawRateRadps: series(),
    yawAccelRadps2: series(),
  }),
});
export type ScenarioMetrics = z.infer<typeof ScenarioMetricsSchema>;
