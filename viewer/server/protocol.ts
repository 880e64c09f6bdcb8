/**
 * What the viewer server sends the browser: the session (one or two runs, each with its map
 * geometry and timeline events) over `GET /api/session`, and live ticks over the WebSocket `/ws`.
 * The server builds these from run logs that were parsed at the file boundary (sim/export
 * RunLogSchema); the browser imports the types only.
 */
import { z } from 'zod';
import { RunLogSchema, RunTickSchema } from '../../sim/export/index.ts';

/** Flat [x0, y0, x1, y1, …] in the map frame (ENU, metres). */
const flat = () => z.array(z.number());

/**
 * One stretch of a painted (or physical) boundary line to draw: the boundary polyline of that
 * stretch in driving direction of the lane it came from, its marking, and on which side the lane
 * lies (`laneOnLeft`: double lines are named from the lane outward, core `RoadMark`).
 */
export const MarkLineSchema = z.object({
  pts: flat(),
  type: z.string(),
  color: z.string(),
  widthM: z.number(),
  dashM: z.number(),
  gapM: z.number(),
  laneOnLeft: z.boolean(),
});
export type MarkLine = z.infer<typeof MarkLineSchema>;

export const LaneGeometrySchema = z.object({
  id: z.string(),
  type: z.string(),
  /** Left and right edges (same point count, driving direction). */
  left: flat(),
  right: flat(),
  inJunction: z.boolean(),
  /**
   * The lane's boundary lines to draw, each physical line once (a boundary shared with a neighbour
   * is drawn by one of the two lanes); empty in junctions.
   */
  marks: z.array(MarkLineSchema).default([]),
});
export type LaneGeometry = z.infer<typeof LaneGeometrySchema>;

/** A line across a lane at a stop position: centre, heading of the lane, lane width. */
export const LaneMarkSchema = z.object({
  laneId: z.string(),
  x: z.number(),
  y: z.number(),
  headingRad: z.number(),
  widthM: z.number(),
});
export type LaneMark = z.infer<typeof LaneMarkSchema>;

export const MapGeometrySchema = z.object({
  id: z.string(),
  bounds: z.object({ minX: z.number(), minY: z.number(), maxX: z.number(), maxY: z.number() }),
  lanes: z.array(LaneGeometrySchema),
  crosswalks: z.array(flat()),
  drivableAreas: z.array(flat()),
  stopLines: z.array(LaneMarkSchema),
  /** Where each signalled lane's light is drawn (signal stop line; connector: 3 m in; else lane end). */
  signals: z.array(LaneMarkSchema),
});
export type MapGeometry = z.infer<typeof MapGeometrySchema>;

export const TimelineEventSchema = z.object({
  tS: z.number(),
  kind: z.enum(['veto', 'collision', 'command']),
  label: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const RunViewSchema = z.object({
  /** Shown above the view, e.g. `cut_in · pdm-closed · nonreactive`. */
  label: z.string(),
  log: RunLogSchema,
  map: MapGeometrySchema,
  /** The route's reference path (lane centrelines of the route), flat x, y. */
  refPath: flat(),
  events: z.array(TimelineEventSchema),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const ViewerSessionSchema = z.object({
  runs: z.array(RunViewSchema).min(1).max(2),
  /** True when ticks arrive over /ws while the run simulates. */
  live: z.boolean(),
  /** True when the server renders the BEV inset at /api/bev (set by the server). */
  bev: z.boolean().optional(),
  /**
   * A banner drawn over the views, e.g. that a picture's commands or vetoes are synthetic test
   * fixtures and not what a planner did.
   */
  note: z.string().optional(),
});
export type ViewerSession = z.infer<typeof ViewerSessionSchema>;

export const LiveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tick'), run: z.number().int().nonnegative(), tick: RunTickSchema }),
  z.object({ type: z.literal('event'), run: z.number().int().nonnegative(), event: TimelineEventSchema }),
  z.object({ type: z.literal('end') }),
]);
export type LiveMessage = z.infer<typeof LiveMessageSchema>;
