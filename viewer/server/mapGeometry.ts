/**
 * Turns a RoadMap into the flat geometry the browser draws: lane edges, boundary kinds, crosswalk
 * and drivable polygons, stop lines and signal positions. Map frame throughout (ENU, metres); the
 * browser converts to three.js in viewer/src/frames.ts.
 */
import type { Polygon, Vec2 } from '../../core/index.ts';
import { type RoadMap, RoutePath } from '../../core/map/index.ts';
import type { LaneGeometry, LaneMark, MapGeometry } from './protocol.ts';

const flatOf = (pts: ReadonlyArray<Vec2>): number[] => pts.flatMap((p) => [p.x, p.y]);
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Geometry of every lane, crosswalk, drivable area, stop line and signal of `map`. */
export function mapGeometry(map: RoadMap): MapGeometry {
  const lanes: LaneGeometry[] = [];
  const stopLines: LaneMark[] = [];
  const signals: LaneMark[] = [];
  const pose = { x: 0, y: 0, headingRad: 0 };
  for (const l of map.lanes) {
    const half = l.data.widthM / 2;
    const kind = (k: string, n: { opposite: boolean } | undefined) =>
      (n?.opposite ? 'centre' : k) as LaneGeometry['leftKind'];
    lanes.push({
      id: l.data.id,
      type: l.data.type,
      left: flatOf(l.line.offset(half).points()).map(r3),
      right: flatOf(l.line.offset(-half).points()).map(r3),
      leftKind: kind(l.data.leftBoundary, l.data.left),
      rightKind: kind(l.data.rightBoundary, l.data.right),
      inJunction: l.data.junctionId !== undefined,
    });
    for (const sl of l.stopLines) {
      l.line.poseAt(sl.sM, pose);
      stopLines.push({
        laneId: l.data.id,
        x: pose.x,
        y: pose.y,
        headingRad: pose.headingRad,
        widthM: l.data.widthM,
      });
    }
    // Where a light on this lane is drawn: its signal stop line; else, for a junction connector
    // (nuPlan puts lights on connectors), 3 m in, where connectors from one approach have begun to
    // fan out; else the lane end.
    const sig = l.stopLines.find((s) => s.kind === 'signal');
    const atS = sig
      ? sig.sM
      : l.data.junctionId !== undefined
        ? Math.min(3, l.line.length / 4)
        : l.line.length;
    l.line.poseAt(atS, pose);
    signals.push({
      laneId: l.data.id,
      x: pose.x,
      y: pose.y,
      headingRad: pose.headingRad,
      widthM: l.data.widthM,
    });
  }
  return {
    id: map.id,
    bounds: map.bounds,
    lanes,
    crosswalks: map.data.crosswalks.map((c) => flatOf(c.polygon)),
    drivableAreas: map.data.drivableAreas.map((p: Polygon) => flatOf(p)),
    stopLines,
    signals,
  };
}

/** The route's reference path (flat x, y), or [] when the route lanes do not connect. */
export function referencePath(map: RoadMap, routeLaneIds: ReadonlyArray<string>): number[] {
  if (routeLaneIds.length === 0) return [];
  try {
    return flatOf(RoutePath.build(map, routeLaneIds).line.points()).map(r3);
  } catch {
    // A route that RoutePath cannot chain is still worth viewing without its reference line.
    return [];
  }
}
