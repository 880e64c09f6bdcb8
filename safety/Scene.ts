/** What the gate looks at: the world snapshot, the map, the route and the ego platform. */
import type { VehicleParams, WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';

export interface SafetyScene {
  snapshot: WorldSnapshot;
  map: RoadMap;
  vehicle: VehicleParams;
  /** The time the check runs at, s (defaults to the snapshot time; later means the inputs are older). */
  nowS?: number;
}
