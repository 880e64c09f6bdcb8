/**
 * Parameters of the environment transform, as data (STYLE habit 7). One schema for cars and
 * robots; `perceptionDefaultsFor('robot')` swaps in the robot-sized raster and people-first text.
 */
import { z } from 'zod';

const positive = () => z.number().finite().positive();

/** Channel switches: a disabled channel is not allocated and its index is given to the next one. */
export const BevChannelSwitchSchema = z.object({
  drivable: z.boolean().default(true),
  centerline: z.boolean().default(true),
  boundarySolid: z.boolean().default(true),
  boundaryDashed: z.boolean().default(true),
  route: z.boolean().default(true),
  crosswalk: z.boolean().default(true),
  stopLine: z.boolean().default(true),
  vehicle: z.boolean().default(true),
  pedestrian: z.boolean().default(true),
  cyclist: z.boolean().default(true),
  static: z.boolean().default(true),
  ego: z.boolean().default(true),
});
export type BevChannelSwitch = z.infer<typeof BevChannelSwitchSchema>;

export const PerceptionParamsSchema = z.object({
  /** Raster side along the ego's heading (forward/back), m. ARCHITECTURE.md: 64 m. */
  lengthM: positive().default(64),
  /** Raster side across the ego's heading (left/right), m. ARCHITECTURE.md: 64 m. */
  widthM: positive().default(64),
  /** Cell size, m. ARCHITECTURE.md: 0.25 m (256 × 256 cells for 64 m). */
  resolutionM: positive().default(0.25),
  /**
   * How far ahead of the rear axle the raster centre sits, m. 0 = ego-centred (the issue); a
   * positive value trades rear view for look-ahead.
   */
  forwardOffsetM: z.number().finite().default(0),
  channels: BevChannelSwitchSchema.default(BevChannelSwitchSchema.parse({})),
  /**
   * Motion-history channels: agent footprints 1..N ticks ago (one channel per tick). 0 = off.
   * Kept by the raster across ticks (a ring buffer), so the raster must be reused per tick.
   */
  historyLength: z.number().int().min(0).max(10).default(0),
  /** Capacity of the history ring per tick (agents beyond it are not drawn in history). */
  maxAgents: z.number().int().positive().default(512),
  /** Lane-graph radius around the ego, m (lanes whose centreline comes this close are listed). */
  laneGraphRadiusM: positive().default(50),
  /** How far ahead along the route successors, junctions, stop lines and crosswalks are looked for, m. */
  lookaheadM: positive().default(120),
  /** How far behind in a lane a following agent is looked for, m. */
  lookbehindM: positive().default(50),
  /** Prediction horizon for path-crossing agents, s (nuPlan's 8 s horizon is longer; 6 s covers urban crossings). */
  predictionHorizonS: positive().default(6),
  /** Extra lateral margin when testing whether a predicted path enters the ego corridor, m. */
  corridorMarginM: z.number().finite().nonnegative().default(0.5),
  /**
   * Forecast a lane-following vehicle pulling away at its sustained acceleration (decaying, up to
   * its lane's limit; `AgentAccelHistory`) instead of at constant speed. Off by default, as Autoware
   * `map_based_prediction`'s `use_vehicle_acceleration`: on the held-out CommonRoad 67 it listed cars
   * pulling away earlier and the ego yielded to them more, CLS-NR 72.97 → 72.92, CLS-R down
   * (ESP_Almansa-6_1 96.8 → 83.8), branch perc26 (perception/README.md).
   */
  useVehicleAcceleration: z.boolean().default(false),
  /** Scene-text budget, tokens (≈ characters / 4, the OpenAI rule of thumb for English). */
  tokenBudget: z.number().int().positive().default(600),
  /** Untrusted text longer than this is cut (characters) before quoting. */
  untrustedMaxChars: z.number().int().positive().default(200),
  /** Text relevance: 'vehicle' ranks by TTC then distance; 'people-first' ranks pedestrians first (robots). */
  relevance: z.enum(['vehicle', 'people-first']).default('vehicle'),
});
export type PerceptionParams = z.infer<typeof PerceptionParamsSchema>;
export type PerceptionParamsInput = z.input<typeof PerceptionParamsSchema>;

/**
 * Robot defaults: 16 m × 16 m at 0.05 m (320 × 320 cells; a 0.5 m-wide AMR spans 10 cells), a
 * shorter look-ahead (aisle speeds ≤ 1.5 m/s) and people-first relevance (ISO 3691-4 puts persons
 * in the path first).
 */
export const ROBOT_PERCEPTION_DEFAULTS: PerceptionParamsInput = {
  lengthM: 16,
  widthM: 16,
  resolutionM: 0.05,
  laneGraphRadiusM: 15,
  lookaheadM: 30,
  lookbehindM: 10,
  predictionHorizonS: 8,
  corridorMarginM: 0.3,
  relevance: 'people-first',
};

/** Parsed defaults for a platform kind, with `overrides` applied on top. */
export function perceptionDefaultsFor(
  kind: 'car' | 'robot',
  overrides: PerceptionParamsInput = {},
): PerceptionParams {
  return PerceptionParamsSchema.parse(
    kind === 'robot' ? { ...ROBOT_PERCEPTION_DEFAULTS, ...overrides } : overrides,
  );
}
