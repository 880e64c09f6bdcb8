/**
 * A route's reference path: one continuous polyline through the route's lanes, with permitted
 * lane changes blended in (smoothstep lateral transition), and the lane / speed limit that holds
 * at each arc length. Planners follow it; metrics measure progress along it.
 */
import { Polyline, type Vec2 } from '../core/index.ts';
import type { RoadMap } from './RoadMap.ts';

/** Sampling step of the reference path, m. */
const STEP_M = 1;
/** Length of a lane-change transition, m (bounds). */
const CHANGE_MIN_M = 12;
const CHANGE_MAX_M = 40;
/** Distance after entering a lane before a lane change may start, m. */
const CHANGE_DELAY_M = 8;

export interface RoutePiece {
  laneId: string;
  /** Path arc length where this lane starts / ends governing, m. */
  fromS: number;
  toS: number;
  /** Lane arc length at `fromS` (path s − fromS + laneS0 ≈ lane s). */
  laneS0: number;
}

export class RoutePath {
  readonly line: Polyline;
  readonly pieces: RoutePiece[];
  readonly laneIds: string[];

  private constructor(line: Polyline, pieces: RoutePiece[], laneIds: string[]) {
    this.line = line;
    this.pieces = pieces;
    this.laneIds = laneIds;
  }

  /**
   * Builds the path through `laneIds` (consecutive lanes must be successors or neighbours) starting
   * at arc length `startLaneS` on the first lane (default 0).
   */
  static build(map: RoadMap, laneIds: ReadonlyArray<string>, startLaneS = 0): RoutePath {
    const pts: Vec2[] = [];
    const pieces: RoutePiece[] = [];
    const p = { x: 0, y: 0, headingRad: 0 };
    const q = { x: 0, y: 0, headingRad: 0 };
    let pathS = 0;
    let entry = Math.max(0, startLaneS);
    const push = (x: number, y: number): void => {
      const last = pts[pts.length - 1];
      if (last) pathS += Math.hypot(x - last.x, y - last.y);
      pts.push({ x, y });
    };
    for (let i = 0; i < laneIds.length; i++) {
      const lane = map.mustLane(laneIds[i]!);
      const nextId = laneIds[i + 1];
      const rel = nextId === undefined ? 'successor' : map.relation(lane.data.id, nextId);
      const len = lane.line.length;
      const piece: RoutePiece = { laneId: lane.data.id, fromS: pathS, toS: pathS, laneS0: entry };
      if (rel === 'left' || rel === 'right') {
        const next = map.mustLane(nextId!);
        const room = len - entry;
        const changeLen = Math.min(CHANGE_MAX_M, Math.max(CHANGE_MIN_M, room - CHANGE_DELAY_M));
        const start = entry + Math.max(0, Math.min(CHANGE_DELAY_M, room - changeLen));
        for (let s = entry; s < start; s += STEP_M) {
          lane.line.poseAt(s, p);
          push(p.x, p.y);
        }
        piece.toS = pathS;
        pieces.push(piece);
        const nextPiece: RoutePiece = { laneId: next.data.id, fromS: pathS, toS: pathS, laneS0: 0 };
        let endOnNext = 0;
        const n = Math.max(2, Math.round(changeLen / STEP_M));
        const f = { sM: 0, dM: 0, segment: 0 };
        for (let k = 0; k <= n; k++) {
          const u = k / n;
          const w = u * u * (3 - 2 * u);
          lane.line.poseAt(start + u * changeLen, p);
          next.line.project(p.x, p.y, f);
          next.line.poseAt(f.sM, q);
          if (k === 0) nextPiece.laneS0 = f.sM;
          endOnNext = f.sM;
          push(p.x + w * (q.x - p.x), p.y + w * (q.y - p.y));
        }
        // The change is governed by the target lane from its midpoint on.
        nextPiece.fromS = (nextPiece.fromS + pathS) / 2;
        piece.toS = nextPiece.fromS;
        pieces.push(nextPiece);
        // The next iteration walks the rest of `next` from here and extends its piece.
        entry = endOnNext + STEP_M;
        continue;
      }
      const last = pieces[pieces.length - 1];
      const continuing = last && last.laneId === lane.data.id;
      for (let s = entry; s < len; s += STEP_M) {
        lane.line.poseAt(s, p);
        push(p.x, p.y);
      }
      if (nextId === undefined) {
        lane.line.poseAt(len, p);
        push(p.x, p.y);
      }
      if (continuing) last.toS = pathS;
      else {
        piece.toS = pathS;
        pieces.push(piece);
      }
      entry = 0;
    }
    return new RoutePath(new Polyline(pts), pieces, [...laneIds]);
  }

  /** The route piece that governs path arc length s. */
  pieceAt(sM: number): RoutePiece {
    const ps = this.pieces;
    for (let i = ps.length - 1; i >= 0; i--) if (sM >= ps[i]!.fromS) return ps[i]!;
    return ps[0]!;
  }

  /** Speed limit at path arc length s, m/s. */
  speedLimitAt(map: RoadMap, sM: number): number {
    return map.mustLane(this.pieceAt(sM).laneId).data.speedLimitMps;
  }
}
