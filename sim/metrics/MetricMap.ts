/**
 * A view of a `RoadMap` through nuPlan's map layers, as the metrics query them:
 *
 * - Route objects (nuPlan LANE / LANE_CONNECTOR graph edges) are our drivable lanes. A lane with a
 *   `junctionId` plays a LANE_CONNECTOR, any other a LANE. Non-drivable lanes (sidewalk, biking)
 *   are not route objects, as nuPlan's lane layers hold only vehicle lanes.
 * - Outgoing / incoming edges are successors / predecessors (predecessors also inferred from other
 *   lanes' successor lists, so maps that only list successors still work).
 * - A ROADBLOCK (or ROADBLOCK_CONNECTOR) is approximated by the lane plus its same-direction
 *   left/right neighbours, transitively, of the same kind (connector or not). Its id is the first
 *   member's id in map order; it contains a point when any member's polygon does.
 * - INTERSECTION: the junction polygons; a junction without a polygon is the union of its lanes'
 *   polygons.
 * - DRIVABLE_AREA: `RoadMap.isDrivable` (drivable lanes and extra drivable polygons) plus the
 *   intersections (nuPlan's drivable area covers intersections).
 */
import { pointInPolygon, type Vec2 } from '../../core/index.ts';
import type { LaneInfo, RoadMap } from '../../core/map/RoadMap.ts';
import { polygonDistance } from './metricGeometry.ts';

function flatten(poly: ReadonlyArray<Vec2>): Float64Array {
  const f = new Float64Array(poly.length * 2);
  for (let i = 0; i < poly.length; i++) {
    f[2 * i] = poly[i]!.x;
    f[2 * i + 1] = poly[i]!.y;
  }
  return f;
}

/** How far `distanceToDrivableArea` searches, m (anything beyond is "far" for every metric). */
const DRIVABLE_SEARCH_M = 5;

export class MetricMap {
  readonly map: RoadMap;
  private readonly outgoingById = new Map<string, LaneInfo[]>();
  private readonly incomingById = new Map<string, LaneInfo[]>();
  private readonly roadblockOf = new Map<string, string>();
  private readonly roadblockMembers = new Map<string, LaneInfo[]>();
  /** Intersection areas: junction polygons, or the lane polygons of polygon-less junctions. */
  private readonly intersections: Float64Array[] = [];

  constructor(map: RoadMap) {
    this.map = map;
    const routeLanes = map.lanes.filter((l) => l.drivable);
    for (const l of routeLanes) {
      this.outgoingById.set(l.data.id, []);
      this.incomingById.set(l.data.id, []);
    }
    const link = (from: LaneInfo, to: LaneInfo): void => {
      const out = this.outgoingById.get(from.data.id)!;
      if (!out.includes(to)) out.push(to);
      const inc = this.incomingById.get(to.data.id)!;
      if (!inc.includes(from)) inc.push(from);
    };
    for (const l of routeLanes) {
      for (const s of l.data.successors) {
        const t = map.lane(s);
        if (t?.drivable) link(l, t);
      }
      for (const p of l.data.predecessors) {
        const f = map.lane(p);
        if (f?.drivable) link(f, l);
      }
    }
    // Roadblocks: connected components over same-direction, same-kind neighbours.
    for (const l of routeLanes) {
      if (this.roadblockOf.has(l.data.id)) continue;
      const id = l.data.id;
      const members: LaneInfo[] = [];
      const stack = [l];
      this.roadblockOf.set(id, id);
      while (stack.length > 0) {
        const cur = stack.pop()!;
        members.push(cur);
        for (const nb of [cur.data.left, cur.data.right]) {
          if (!nb || nb.opposite) continue;
          const other = map.lane(nb.laneId);
          if (!other?.drivable || this.roadblockOf.has(other.data.id)) continue;
          if (this.isConnector(other) !== this.isConnector(l)) continue;
          this.roadblockOf.set(other.data.id, id);
          stack.push(other);
        }
      }
      members.sort((a, b) => a.index - b.index);
      this.roadblockMembers.set(id, members);
    }
    for (const j of map.data.junctions) {
      if (j.polygon) this.intersections.push(flatten(j.polygon));
      else for (const l of map.lanes) if (l.data.junctionId === j.id) this.intersections.push(l.flat);
    }
  }

  /** True for a nuPlan LANE_CONNECTOR (a lane inside a junction). */
  isConnector(l: LaneInfo): boolean {
    return l.data.junctionId !== undefined;
  }

  /** nuPlan `contains_point` of a lane / lane connector. */
  contains(l: LaneInfo, x: number, y: number): boolean {
    return pointInPolygon(x, y, l.flat);
  }

  /** nuPlan `outgoing_edges`. */
  outgoing(l: LaneInfo): ReadonlyArray<LaneInfo> {
    return this.outgoingById.get(l.data.id) ?? [];
  }

  /** nuPlan `incoming_edges`. */
  incoming(l: LaneInfo): ReadonlyArray<LaneInfo> {
    return this.incomingById.get(l.data.id) ?? [];
  }

  /** nuPlan `get_one_map_object(point, LANE)`: the first (non-connector) lane containing the point. */
  laneAt(x: number, y: number): LaneInfo | undefined {
    for (const l of this.map.lanesAt(x, y)) if (l.drivable && !this.isConnector(l)) return l;
    return undefined;
  }

  /** nuPlan `get_all_map_objects(point, LANE_CONNECTOR)`. */
  connectorsAt(x: number, y: number): LaneInfo[] {
    return this.map.lanesAt(x, y).filter((l) => l.drivable && this.isConnector(l));
  }

  /** Shapely `polygon.distance(point)` for a lane's polygon, m. */
  distanceToLane(l: LaneInfo, x: number, y: number): number {
    return polygonDistance(x, y, l.flat);
  }

  /** nuPlan `is_in_layer(point, INTERSECTION)`. */
  inIntersection(x: number, y: number): boolean {
    for (const f of this.intersections) if (pointInPolygon(x, y, f)) return true;
    return false;
  }

  /** nuPlan `is_in_layer(point, DRIVABLE_AREA)`. */
  inDrivableArea(x: number, y: number): boolean {
    return this.map.isDrivable(x, y) || this.inIntersection(x, y);
  }

  /**
   * nuPlan `get_distance_to_nearest_map_object(point, DRIVABLE_AREA)`: distance (m) to the nearest
   * drivable-area polygon, or null when none lies within the search radius.
   */
  distanceToDrivableArea(x: number, y: number): number | null {
    let best = this.map.distanceToDrivable(x, y, DRIVABLE_SEARCH_M);
    for (const f of this.intersections) {
      const d = polygonDistance(x, y, f);
      if (d < best) best = d;
    }
    return best < DRIVABLE_SEARCH_M ? best : null;
  }

  /** Id of the roadblock (or roadblock connector) a lane belongs to. */
  roadblockId(l: LaneInfo): string {
    return this.roadblockOf.get(l.data.id) ?? l.data.id;
  }

  /** Roadblock `contains_point`. */
  roadblockContains(roadblockId: string, x: number, y: number): boolean {
    const members = this.roadblockMembers.get(roadblockId);
    if (!members) return false;
    for (const l of members) if (pointInPolygon(x, y, l.flat)) return true;
    return false;
  }
}
