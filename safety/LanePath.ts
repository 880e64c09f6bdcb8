/**
 * A lane's forward path: the lane and its successors (route lanes preferred) joined into one
 * polyline, with the lane that governs each arc length. The gate rolls commands out along it.
 */
import { angleDiff, type FrenetPoint, Polyline } from '../core/index.ts';
import { appendLaneLine, nextRouteLane, type RoadMap, routeIndexOf } from '../core/map/index.ts';

export interface LanePiece {
  laneId: string;
  /** Path arc length where the lane starts and ends, m. */
  fromS: number;
  toS: number;
}

export interface LanePath {
  line: Polyline;
  pieces: LanePiece[];
}

/**
 * Length of the path beyond the end of the start lane, m: the ego may stand anywhere on its lane,
 * and signals, stop lines and crosswalks are checked as far as the stopping distance reaches
 * from the end of the roll-out (4 s at 30 m/s, then 255 m to stop at 2 m/s² after 1 s), so the path
 * always reaches 400 m past that lane.
 */
export const PATH_AHEAD_M = 400;

/**
 * Builds the forward path from the start of `laneId`, following successors (the route's: from the
 * first occurrence of `laneId` in `routeLaneIds`, the lane the route takes next, else the successor
 * it takes soonest after — so a route that uses lanes twice is followed the way it goes from here,
 * given the route from the ego's position on; with `straightest`, the one that turns least —
 * another driver's likeliest way when nothing says it turns: the ego's route says nothing about
 * where others go) until `PATH_AHEAD_M` past the end of `laneId`. Undefined for an unknown lane.
 */
export function buildLanePath(
  map: RoadMap,
  laneId: string,
  routeLaneIds: ReadonlyArray<string>,
  straightest = false,
): LanePath | undefined {
  let lane = map.lane(laneId);
  if (!lane) return undefined;
  let pos = straightest ? -1 : routeIndexOf(routeLaneIds, laneId);
  const pts: { x: number; y: number }[] = [];
  const pieces: LanePiece[] = [];
  let s = 0;
  const seen = new Set<string>();
  const minLength = lane.line.length + PATH_AHEAD_M;
  while (lane && !seen.has(lane.data.id)) {
    seen.add(lane.data.id);
    const from = s;
    const line = lane.line;
    appendLaneLine(pts, line);
    s += line.length;
    pieces.push({ laneId: lane.data.id, fromS: from, toS: s });
    if (s >= minLength) break;
    const succ: string[] = lane.data.successors;
    let next: string | undefined;
    if (straightest) next = leastTurning(map, succ);
    else {
      const step = nextRouteLane(routeLaneIds, succ, pos);
      next = step?.laneId;
      pos = step?.index ?? -1;
    }
    lane = next ? map.lane(next) : undefined;
  }
  return { line: new Polyline(pts), pieces };
}

/**
 * A pose on its start lane is sought within this of that lane's ends, m (`RoadMap.locate` takes a
 * pose up to 5 m beyond a lane's end as on it).
 */
const START_SLACK_M = 10;

/**
 * Projects a pose that stands on the path's start lane (the ego on the lane its roll-out starts
 * from) onto the path, searching that lane's stretch only: a path that passes over or near itself
 * (an overpass, a loop) would otherwise place it on the later pass.
 */
export function projectOnStart(path: LanePath, x: number, y: number, out: FrenetPoint): FrenetPoint {
  const first = path.pieces[0]!;
  return path.line.project(x, y, out, first.fromS - START_SLACK_M, first.toS + START_SLACK_M);
}

/** The piece that governs path arc length s (the first before the start, the last after the end). */
export function pieceAt(path: LanePath, sM: number): LanePiece {
  const ps = path.pieces;
  for (let i = ps.length - 1; i > 0; i--) if (sM >= ps[i]!.fromS) return ps[i]!;
  return ps[0]!;
}

/** The successor whose heading changes least from its start to its end (the first of equals). */
function leastTurning(map: RoadMap, ids: ReadonlyArray<string>): string | undefined {
  let best: string | undefined;
  let bestTurn = Number.POSITIVE_INFINITY;
  for (const id of ids) {
    const l = map.lane(id);
    if (!l) continue;
    const turn = Math.abs(angleDiff(l.line.headingAt(l.line.length), l.line.headingAt(0)));
    if (turn < bestTurn - 1e-6) {
      bestTurn = turn;
      best = id;
    }
  }
  return best;
}
