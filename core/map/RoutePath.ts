/**
 * A route's reference path: one continuous polyline through the route's lanes, with permitted
 * lane changes blended in (smoothstep lateral transition), and the lane / speed limit that holds
 * at each arc length. Planners follow it; metrics measure progress along it.
 */
import { angleDiff, hypot2, Polyline, type Vec2 } from '../index.ts';
import type { Lane } from '../schemas.ts';
import type { RoadMap } from './RoadMap.ts';
import { crossableStretches, type LaneSide } from './RoadMarks.ts';

/** Sampling step of the reference path, m. */
export const ROUTE_STEP_M = 1;
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
  /** The lane's route position (index into `laneIds`: a route may use a lane more than once). */
  index: number;
}

/** Parameters of the curve-speed profile (`RoutePath.speedCap`). */
export interface CurveSpeedParams {
  /** Comfortable lateral acceleration in curves, m/s² (Bosetti et al. 2014: drivers keep ≲ 2–3 m/s² at urban speeds). */
  latAccelMps2: number;
  /** Braking used to slow down before a curve, m/s² (comfortable). */
  decelMps2: number;
  /** Window over which curvature is measured (smooths the polyline's vertex noise), m. */
  curvatureWindowM: number;
}

export const DEFAULT_CURVE_SPEED: CurveSpeedParams = {
  latAccelMps2: 2.0,
  decelMps2: 2.0,
  curvatureWindowM: 4,
};

/** Scratch projection of `RoutePath.trackS`. */
const trackProbe = { sM: 0, dM: 0, segment: 0 };

/**
 * The mean |curvature| of `line` over [s − halfM, s + halfM] (clipped to the line): the heading
 * change across the window over its length, 1/m. The route's speed-cap profile and the
 * hierarchical planner's off-route bend speeds read curvature this way.
 */
export function windowCurvature(line: Polyline, s: number, halfM: number): number {
  const a = Math.max(0, s - halfM);
  const b = Math.min(line.length, s + halfM);
  const dh = Math.abs(angleDiff(line.headingAt(b), line.headingAt(a)));
  return b > a ? dh / (b - a) : 0;
}

/** Sampling step of the speed-cap profile, m. */
const CAP_STEP_M = 0.5;

/**
 * Where on a lane of length `lengthM` entered at `entryM` the reference path draws its change to the
 * `side` neighbour: the first stretch of the marking there that lets it cross (`crossableStretches`)
 * with `CHANGE_MIN_M` of room after `entryM`, clipped to the lane; [entryM, lengthM] where the
 * marking allows the change all along, or nowhere with that room (as before markings were read).
 */
function changeStretch(
  lane: Lane,
  side: LaneSide,
  lengthM: number,
  entryM: number,
): { fromM: number; toM: number } {
  for (const w of crossableStretches(lane, side, lengthM)) {
    const fromM = Math.max(w.fromM, entryM);
    const toM = Math.min(w.toM, lengthM);
    if (toM - fromM >= CHANGE_MIN_M) return { fromM, toM };
  }
  return { fromM: entryM, toM: lengthM };
}

/**
 * How many lane changes the route makes one after another from route position `i` on (each into
 * the lane that changes next, with no lane followed in between): 1 for a single change.
 */
function changesInRow(map: RoadMap, laneIds: ReadonlyArray<string>, i: number): number {
  let n = 0;
  for (let j = i; j + 1 < laneIds.length; j++) {
    const rel = map.relation(laneIds[j]!, laneIds[j + 1]!);
    if (rel !== 'left' && rel !== 'right') break;
    n++;
  }
  return Math.max(1, n);
}

export class RoutePath {
  readonly line: Polyline;
  readonly pieces: RoutePiece[];
  readonly laneIds: string[];
  private readonly caps = new Map<string, Float64Array>();
  /** The profile `speedCapProfile` returned last and its parameters (no key string per call). */
  private lastCap: { lat: number; decel: number; window: number; v: Float64Array } | undefined;

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
      if (last) pathS += hypot2(x - last.x, y - last.y);
      pts.push({ x, y });
    };
    for (let i = 0; i < laneIds.length; i++) {
      const lane = map.mustLane(laneIds[i]!);
      const nextId = laneIds[i + 1];
      const rel = nextId === undefined ? 'successor' : map.relation(lane.data.id, nextId);
      const len = lane.line.length;
      const piece: RoutePiece = { laneId: lane.data.id, fromS: pathS, toS: pathS, laneS0: entry, index: i };
      if (rel === 'left' || rel === 'right') {
        const next = map.mustLane(nextId!);
        // inside the first stretch of the marking that lets the change cross with room for it (the
        // lane, where the marking allows it all along or nowhere)
        const w = changeStretch(lane.data, rel, len, entry);
        const room = w.toM - w.fromM;
        // changes made one after another across a road share its stretch: each takes its part of
        // the room, not all of it up to CHANGE_MAX_M (CARLA Town06 route 45: 39_0_-5 → 39_0_-4 was
        // drawn over 40 m of the 50.5 m lane and the change on into 39_0_-3 over the last 1.5 m and
        // past the lane's end, a kink in the path whose bend cap held the ego to 1 m/s for 45 s)
        const chain = changesInRow(map, laneIds, i);
        const changeLen = Math.min(CHANGE_MAX_M, Math.max(CHANGE_MIN_M, (room - CHANGE_DELAY_M) / chain));
        const start = w.fromM + Math.max(0, Math.min(CHANGE_DELAY_M, room - changeLen));
        for (let s = entry; s < start; s += ROUTE_STEP_M) {
          lane.line.poseAt(s, p);
          push(p.x, p.y);
        }
        piece.toS = pathS;
        pieces.push(piece);
        const nextPiece: RoutePiece = {
          laneId: next.data.id,
          fromS: pathS,
          toS: pathS,
          laneS0: 0,
          index: i + 1,
        };
        let endOnNext = 0;
        const n = Math.max(2, Math.round(changeLen / ROUTE_STEP_M));
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
        entry = endOnNext + ROUTE_STEP_M;
        continue;
      }
      const last = pieces[pieces.length - 1];
      const continuing = last && last.laneId === lane.data.id;
      for (let s = entry; s < len; s += ROUTE_STEP_M) {
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

  /**
   * The route position (index into `laneIds`) that governs path arc length s: with the ego's
   * tracked arc length (`Polyline.track`), which occurrence of a lane used twice it is on.
   */
  indexAt(sM: number): number {
    return this.pieceAt(sM).index;
  }

  /**
   * The ego's arc length along the path, tracked from `prevSM` (NaN: none yet) over the `dtS` s
   * since (`Polyline.track`, within the distance it can have travelled: a route that passes over or
   * along itself keeps the pass the ego is on), m.
   */
  trackS(
    ego: { x: number; y: number; headingRad: number; speedMps: number; accelMps2?: number | undefined },
    prevSM: number,
    dtS: number,
  ): number {
    const dt = Math.max(0, dtS);
    const reachM = Math.abs(ego.speedMps) * dt + 0.5 * Math.abs(ego.accelMps2 ?? 0) * dt * dt;
    return this.line.track(ego.x, ego.y, ego.headingRad, prevSM, reachM, trackProbe).sM;
  }

  /** Speed limit at path arc length s, m/s. */
  speedLimitAt(map: RoadMap, sM: number): number {
    return map.mustLane(this.pieceAt(sM).laneId).data.speedLimitMps;
  }

  /**
   * The speed cap along the path every 0.5 m: min(speed limit, √(a_lat / |κ|)), lowered where
   * needed so every curve can be reached by braking at `decelMps2` (a backward pass). Computed once
   * per parameter set and cached.
   */
  speedCapProfile(map: RoadMap, p: CurveSpeedParams = DEFAULT_CURVE_SPEED): Float64Array {
    // the same parameters as the last call (a planner samples one profile at every step of its
    // horizon): that profile, without building the cache's key string (three numbers printed, 22 MB
    // per built-in suite of the idm stack, 2026-12-06)
    const last = this.lastCap;
    if (
      last &&
      last.lat === p.latAccelMps2 &&
      last.decel === p.decelMps2 &&
      last.window === p.curvatureWindowM
    )
      return last.v;
    const key = `${p.latAccelMps2}/${p.decelMps2}/${p.curvatureWindowM}`;
    const cached = this.caps.get(key);
    if (cached) {
      this.lastCap = { lat: p.latAccelMps2, decel: p.decelMps2, window: p.curvatureWindowM, v: cached };
      return cached;
    }
    const L = this.line.length;
    const n = Math.max(2, Math.ceil(L / CAP_STEP_M) + 1);
    const v = new Float64Array(n);
    const half = p.curvatureWindowM / 2;
    for (let i = 0; i < n; i++) {
      const s = Math.min(i * CAP_STEP_M, L);
      const kappa = windowCurvature(this.line, s, half);
      const vCurve = kappa > 1e-6 ? Math.sqrt(p.latAccelMps2 / kappa) : Infinity;
      v[i] = Math.min(this.speedLimitAt(map, s), vCurve);
    }
    for (let i = n - 2; i >= 0; i--)
      v[i] = Math.min(v[i]!, Math.sqrt(v[i + 1]! ** 2 + 2 * p.decelMps2 * CAP_STEP_M));
    this.caps.set(key, v);
    this.lastCap = { lat: p.latAccelMps2, decel: p.decelMps2, window: p.curvatureWindowM, v };
    return v;
  }

  /** The speed cap at path arc length s (linear between samples; the end value beyond the end), m/s. */
  speedCapAt(map: RoadMap, sM: number, p: CurveSpeedParams = DEFAULT_CURVE_SPEED): number {
    return RoutePath.capOn(this.speedCapProfile(map, p), sM);
  }

  /** A `speedCapProfile`'s value at arc length s (for loops that sample one profile many times), m/s. */
  static capOn(v: Float64Array, sM: number): number {
    const f = Math.min(Math.max(sM / CAP_STEP_M, 0), v.length - 1);
    const i = Math.min(Math.floor(f), v.length - 2);
    const w = f - i;
    return v[i]! * (1 - w) + v[i + 1]! * w;
  }
}
