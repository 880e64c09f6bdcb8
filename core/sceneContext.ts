/**
 * SceneContext contracts: what the planner and the controller see each tick (produced by
 * perception's environment transform). The serialisable parts (lane graph, scene text, raster
 * metadata) are zod schemas here; the raster itself is perception's `BevRaster` (a reused typed
 * array, not serialised per tick).
 *
 * Distances ahead (`distanceM`, `startM`) are measured along the lanes from the ego's FRONT bumper
 * (stop lines are defined for the front bumper, nuPlan/CARLA); gaps are bumper to bumper.
 */
import { z } from 'zod';
import { AgentKindSchema, RoadMarkColorSchema, RoadMarkTypeSchema, SignalStateSchema } from './schemas.ts';

const finite = () => z.number().finite();

/** A stretch of the boundary marking toward a neighbour, as the lane graph reports it. */
const BoundaryMarkingSchema = z.object({
  type: RoadMarkTypeSchema,
  color: RoadMarkColorSchema,
  /** The marking allows a lane change across it from the ego's lane (core/map `roadMarkCrossable`). */
  crossable: z.boolean(),
});

export const NeighbourLaneSchema = z.object({
  laneId: z.string(),
  /** Lane change into it is permitted (dashed marking). */
  changeAllowed: z.boolean(),
  /** It runs the opposite way (entering it is borrowing against traffic). */
  opposite: z.boolean(),
  /**
   * The marking between the ego's lane and this one at the ego's position, and its next change
   * further along the ego's lane (`inM` ahead of the ego's position), where the map gives the lane
   * markings of its own (`Lane.leftMarks` / `rightMarks`); absent otherwise. Data only: no planner
   * or gate rule reads it yet.
   */
  marking: BoundaryMarkingSchema.extend({
    next: BoundaryMarkingSchema.extend({ inM: finite() }).optional(),
  }).optional(),
});
export type NeighbourLane = z.infer<typeof NeighbourLaneSchema>;

export const NearbyLaneSchema = z.object({
  laneId: z.string(),
  type: z.string(),
  widthM: finite(),
  speedLimitMps: finite(),
  onRoute: z.boolean(),
  /** Shortest distance from the ego rear axle to the lane centreline, m. */
  distanceM: finite(),
  junctionId: z.string().optional(),
});
export type NearbyLane = z.infer<typeof NearbyLaneSchema>;

export const SuccessorSchema = z.object({
  laneId: z.string(),
  /** How the lane follows the previous one on the route. */
  relation: z.enum(['successor', 'left', 'right']),
  /** Distance from the front bumper to the start of the lane, m (negative: the lane runs alongside). */
  startM: finite(),
  lengthM: finite(),
  junctionId: z.string().optional(),
});
export type Successor = z.infer<typeof SuccessorSchema>;

export const LaneAgentSchema = z.object({
  agentId: z.string(),
  kind: AgentKindSchema,
  /** Bumper-to-bumper gap along the lane, m (≤ 0: overlapping). */
  gapM: finite(),
  /** Agent speed along the lane direction, m/s. */
  speedMps: finite(),
  /** Agent along-lane speed minus ego speed, m/s (negative: the lead is slower). */
  relSpeedMps: finite(),
  /** Time to collision at constant speeds, s; null when the gap is not closing. */
  ttcS: finite().nullable(),
  /**
   * `false`: its speed is not measured (`AgentState.speedKnown`, a first sighting): `speedMps`,
   * `relSpeedMps` and `ttcS` are read from the placeholder 0 — a standing lead's numbers, which a
   * planner may brake for but must not take as a car parked for good, nor as a gap to enter.
   */
  speedKnown: z.boolean().optional(),
});
export type LaneAgent = z.infer<typeof LaneAgentSchema>;

export const LaneSlotSchema = z.object({
  laneId: z.string(),
  lead: LaneAgentSchema.nullable(),
  follow: LaneAgentSchema.nullable(),
});
export type LaneSlot = z.infer<typeof LaneSlotSchema>;

export const CrossingAgentSchema = z.object({
  agentId: z.string(),
  kind: AgentKindSchema,
  speedMps: finite(),
  /** Straight-line distance from the ego rear axle to the agent centre, m. */
  distanceM: finite(),
  /** Where its constant-velocity path first enters the ego corridor: distance ahead of the front bumper, m. */
  conflictM: finite(),
  /** When the agent gets there, s. */
  agentTimeS: finite(),
  /** When the ego front gets there at its current speed, s; null when the ego is stopped. */
  egoTimeS: finite().nullable(),
});
export type CrossingAgent = z.infer<typeof CrossingAgentSchema>;

export const LaneGraphSchema = z.object({
  egoLane: z
    .object({
      laneId: z.string(),
      /** Rear-axle arc length along the lane, m. */
      sM: finite(),
      /** Lateral offset from the centreline, m (left positive). */
      dM: finite(),
      headingErrRad: finite(),
      type: z.string(),
      speedLimitMps: finite(),
      onRoute: z.boolean(),
      junctionId: z.string().optional(),
    })
    .nullable(),
  /** Lanes whose centreline is within the lane-graph radius, nearest first. */
  lanes: z.array(NearbyLaneSchema),
  left: NeighbourLaneSchema.nullable(),
  right: NeighbourLaneSchema.nullable(),
  /** Lanes after the ego lane along the route (then first successors), up to the look-ahead. */
  successors: z.array(SuccessorSchema),
  nextJunction: z.object({ junctionId: z.string(), distanceM: finite() }).nullable(),
  nextStopLine: z
    .object({
      id: z.string(),
      laneId: z.string(),
      distanceM: finite(),
      kind: z.string(),
      signal: z.union([SignalStateSchema, z.literal('NONE')]),
    })
    .nullable(),
  nextCrosswalk: z.object({ id: z.string(), distanceM: finite() }).nullable(),
  /** Lead and follow agents in the ego lane and its neighbours. */
  ego: LaneSlotSchema.nullable(),
  leftSlot: LaneSlotSchema.nullable(),
  rightSlot: LaneSlotSchema.nullable(),
  /** Agents whose predicted path enters the ego corridor ahead, soonest first. */
  crossing: z.array(CrossingAgentSchema),
});
export type LaneGraph = z.infer<typeof LaneGraphSchema>;

export const SceneTextSchema = z.object({
  text: z.string(),
  /** Estimated tokens: ceil(characters / 4) (OpenAI's rule of thumb for English text). */
  tokens: z.number().int().nonnegative(),
  /** Items left out to stay within the budget (least relevant first). */
  dropped: z.number().int().nonnegative(),
});
export type SceneText = z.infer<typeof SceneTextSchema>;

export const BevMetaSchema = z.object({
  widthPx: z.number().int().positive(),
  heightPx: z.number().int().positive(),
  resolutionM: finite(),
  forwardOffsetM: finite(),
  channels: z.array(
    z.object({ name: z.string(), index: z.number().int().nonnegative(), meaning: z.string() }),
  ),
});
export type BevMeta = z.infer<typeof BevMetaSchema>;

/** The serialisable part of a SceneContext (logs, the viewer, LLM prompts). */
export const SceneContextDataSchema = z.object({
  tS: finite(),
  mapId: z.string(),
  platform: z.enum(['car', 'robot']),
  laneGraph: LaneGraphSchema,
  text: SceneTextSchema,
  bev: BevMetaSchema,
});
export type SceneContextData = z.infer<typeof SceneContextDataSchema>;
