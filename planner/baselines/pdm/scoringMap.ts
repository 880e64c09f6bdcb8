/**
 * The map facts PDM's scorer reads, built once per planner: the route's lanes and its roadblock
 * (as masks over lane indices), and the junction polygons flattened with their bounding boxes.
 * PDM-Closed and the hierarchical planner's proposal scorer build them the same way.
 */
import type { RoadMap } from '../../../core/map/index.ts';

/**
 * `routeLanes[i]` = 1 for the route's lanes; `onRoute[i]` = 1 for the route lanes and their
 * same-direction neighbours, transitively (a nuPlan roadblock). `onRoute` has `polygonCount`
 * entries (the lanes' indices come first); `laneIndexById` maps a lane id to its index.
 */
export function routeRoadblock(
  map: RoadMap,
  routeLaneIds: readonly string[],
  laneIndexById: ReadonlyMap<string, number>,
  polygonCount: number,
): { routeLanes: Uint8Array; onRoute: Uint8Array } {
  const routeLanes = new Uint8Array(map.lanes.length);
  const onRoute = new Uint8Array(polygonCount);
  const queue: number[] = [];
  for (const id of routeLaneIds) {
    const i = laneIndexById.get(id);
    if (i === undefined) continue;
    routeLanes[i] = 1;
    queue.push(i);
  }
  while (queue.length > 0) {
    const i = queue.pop()!;
    if (onRoute[i]) continue;
    onRoute[i] = 1;
    const d = map.lanes[i]!.data;
    for (const nb of [d.left, d.right]) {
      if (!nb || nb.opposite) continue;
      const j = laneIndexById.get(nb.laneId);
      if (j !== undefined && !onRoute[j]) queue.push(j);
    }
  }
  return { routeLanes, onRoute };
}

/** The map's junction polygons as flat x, y arrays with bounds [minX, minY, maxX, maxY]. */
export function junctionPolygons(map: RoadMap): { flat: Float64Array; bounds: number[] }[] {
  const out: { flat: Float64Array; bounds: number[] }[] = [];
  for (const j of map.data.junctions) {
    if (!j.polygon) continue;
    const flat = new Float64Array(j.polygon.length * 2);
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    j.polygon.forEach((v, i) => {
      flat[2 * i] = v.x;
      flat[2 * i + 1] = v.y;
      b[0] = Math.min(b[0]!, v.x);
      b[1] = Math.min(b[1]!, v.y);
      b[2] = Math.max(b[2]!, v.x);
      b[3] = Math.max(b[3]!, v.y);
    });
    out.push({ flat, bounds: b });
  }
  return out;
}
