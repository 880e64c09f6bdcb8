/**
 * The SceneContext the environment transform returns: the serialisable contracts (lane graph,
 * scene text, raster metadata) live in core/sceneContext.ts; here they gain the raster itself.
 */
import type { SceneContextData } from '../core/index.ts';
import type { BevRaster } from './BevRaster.ts';

export {
  type BevMeta,
  BevMetaSchema,
  type CrossingAgent,
  CrossingAgentSchema,
  type LaneAgent,
  LaneAgentSchema,
  type LaneGraph,
  LaneGraphSchema,
  type LaneSlot,
  LaneSlotSchema,
  type NearbyLane,
  NearbyLaneSchema,
  type NeighbourLane,
  NeighbourLaneSchema,
  type SceneContextData,
  SceneContextDataSchema,
  type SceneText,
  SceneTextSchema,
  type Successor,
  SuccessorSchema,
} from '../core/index.ts';

/** The full per-tick context: the serialisable data plus the live raster (valid until the next tick). */
export type SceneContext = SceneContextData & { raster: BevRaster };
