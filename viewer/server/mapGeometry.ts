/**
 * Turns a RoadMap into the flat geometry the browser draws: lane edges, boundary lines by their marking (each physical line once), crosswalk
 * and drivable polygons, stop lines and signal positions. Map frame throughout (ENU, metres); the
 * browser converts to three.js in viewer/src/frames.ts.
 */
import type { Polygon, Polyline, Vec2 } from '../../core/index.ts';
import { drawsBoundary, type LaneInfo, laneMarks, type RoadMap, RoutePath } from '../../core/map/index.ts';
import type { LaneGeometry, LaneMark, MapGeometry, MarkLine } from './protocol.ts';

const flatOf = (pts: ReadonlyArray<Vec2>): number[] => pts.flatMap((p) => [p.x, p.y]);
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Width of a painted line where the map gives none, m (RMS Schmalstrich 0.12–0.15; MUTCD 3A.05 4–6 in). */
export const LINE_WIDTH_M = 0.15;
/**
 * Dash pattern of a broken line where the map gives none: 3 m paint, 6 m gap (RMS Leitlinie in
 * town, 1:2; MUTCD's 10 ft / 30 ft is 3 m / 9 m), m.
 */
export const DASH_M = 3;
export const GAP_M = 6;

/** The points of `line` offset by `dM` (left +) from arc length s0 to s1, flat x, y, rounded to mm. */
function stretchOf(line: Polyline, dM: number, s0: number, s1: number): number[] {
  const out: number[] = [];
  const p = { x: 0, y: 0, headingRad: 0 };
  const push = (s: number) => {
    line.toCartesian(s, dM, p);
    out.push(r3(p.x), r3(p.y));
  };
  push(s0);
  for (let i = 0; i < line.s.length; i++)
    if (line.s[i]! > s0 + 1e-6 && line.s[i]! < s1 - 1e-6) push(line.s[i]!);
  push(s1);
  return out;
}

/** The boundary lines lane `l` draws (none in junctions): one per stretch of its marking. */
function markLines(map: RoadMap, l: LaneInfo): MarkLine[] {
  if (l.data.junctionId !== undefined) return [];
  const out: MarkLine[] = [];
  const half = l.data.widthM / 2;
  const len = l.line.length;
  for (const side of ['left', 'right'] as const) {
    if (!drawsBoundary(l.data, side, (id) => map.lane(id)?.data)) continue;
    const own = side === 'left' ? l.data.leftMarks : l.data.rightMarks;
    const marks = laneMarks(l.data, side);
    const n = side === 'left' ? l.data.left : l.data.right;
    marks.forEach((m, i) => {
      const s0 = Math.min(Math.max(m.sM, 0), len);
      const s1 = Math.min(marks[i + 1]?.sM ?? len, len);
      if (m.type === 'none' || s1 - s0 < 1e-3) return;
      out.push({
        pts: stretchOf(l.line, side === 'left' ? half : -half, s0, s1),
        type: m.type,
        // a map without markings of its own: the line between opposite lanes is drawn yellow (as before)
        color: !own && n?.opposite ? 'yellow' : m.color,
        widthM: m.widthM ?? LINE_WIDTH_M,
        dashM: m.dashM ?? DASH_M,
        gapM: m.gapM ?? GAP_M,
        laneOnLeft: side === 'right',
      });
    });
  }
  return out;
}

/** Geometry of every lane, crosswalk, drivable area, stop line and signal of `map`. */
export function mapGeometry(map: RoadMap): MapGeometry {
  const lanes: LaneGeometry[] = [];
  const stopLines: LaneMark[] = [];
  const signals: LaneMark[] = [];
  const pose = { x: 0, y: 0, headingRad: 0 };
  for (const l of map.lanes) {
    const half = l.data.widthM / 2;
    lanes.push({
      id: l.data.id,
      type: l.data.type,
      left: flatOf(l.line.offset(half).points()).map(r3),
      right: flatOf(l.line.offset(-half).points()).map(r3),
      inJunction: l.data.junctionId !== undefined,
      marks: markLines(map, l),
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
