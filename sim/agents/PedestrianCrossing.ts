/**
 * A pedestrian who keeps the scripted intent (walk this path at this pace from this time) but
 * looks before the last `pedestrianLookM` to the kerb and waits (where it stands, at most up to
 * the kerb) until the road is safe to cross: every approaching vehicle either yields (stopped, or
 * braking so that it stops before the crossing) or gets there only after the pedestrian has
 * cleared its lane with a margin. Once on the road the pedestrian keeps walking. A vehicle hidden
 * behind a parked one (no line of sight) is not seen: a pedestrian stepping out from behind a van
 * is as blind as the driver.
 */
import { type OrientedBox, Polyline, type TrackPoint } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import type { BodyForecast } from './BodyForecast.ts';
import type { InteractiveAgentParams } from './InteractiveParams.ts';

/** The scripted intent, derived once from the track. */
export interface WalkScript {
  path: Polyline;
  /** When the script starts walking, s. */
  startS: number;
  speedMps: number;
  /** Path arc length where the walk enters the road / leaves it again, m (Infinity: never). */
  kerbInS: number;
  kerbOutS: number;
}

export interface WalkerState {
  sM: number;
  speedMps: number;
  /** True while standing at the kerb for traffic. */
  waiting: boolean;
}

/** Step along the path when looking for the kerb, m. */
const KERB_STEP_M = 0.1;
/** Where a waiting pedestrian stands: this far before the road's edge (centre), m. */
const KERB_SETBACK_M = 0.4;
/** Lanes where traffic moves: the kerb is their edge (a shoulder or a parking strip is not road yet). */
const TRAFFIC_LANES = new Set(['driving', 'bus', 'aisle', 'biking', 'other']);

/** True where vehicles move at (x, y): a traffic lane, or a drivable area no lane covers (a junction). */
function trafficAt(map: RoadMap, x: number, y: number): boolean {
  const lanes = map.lanesAt(x, y);
  for (const l of lanes) if (TRAFFIC_LANES.has(l.data.type)) return true;
  return lanes.length === 0 && map.isDrivable(x, y);
}

/**
 * The walk a track describes (first to last distinct point, pace = fastest speed, start = first
 * moving sample) and where it enters and leaves the traffic lanes; undefined for a track that does
 * not move.
 */
export function walkScript(track: ReadonlyArray<TrackPoint>, map: RoadMap): WalkScript | undefined {
  const first = track[0]!;
  const last = track[track.length - 1]!;
  if (Math.hypot(last.x - first.x, last.y - first.y) < 0.5) return undefined;
  let path: Polyline;
  try {
    path = new Polyline(track);
  } catch {
    return undefined;
  }
  let startS = first.tS;
  let speedMps = 0;
  for (let i = 1; i < track.length; i++) {
    const p = track[i]!;
    const q = track[i - 1]!;
    const moved = Math.hypot(p.x - q.x, p.y - q.y);
    if (moved > 1e-6 && speedMps === 0) startS = q.tS;
    if (p.tS > q.tS) speedMps = Math.max(speedMps, moved / (p.tS - q.tS));
  }
  if (speedMps <= 0) return undefined;
  let kerbInS = Infinity;
  let kerbOutS = Infinity;
  const pose = { x: 0, y: 0, headingRad: 0 };
  for (let s = 0; s <= path.length; s += KERB_STEP_M) {
    path.poseAt(s, pose);
    if (trafficAt(map, pose.x, pose.y)) {
      if (kerbInS === Infinity) kerbInS = s;
      kerbOutS = s;
    }
  }
  return { path, startS, speedMps, kerbInS, kerbOutS };
}

/** True when the segment a→b passes through `box` (slab clipping in the box's frame). */
export function segmentHitsBox(ax: number, ay: number, bx: number, by: number, box: OrientedBox): boolean {
  const c = Math.cos(box.headingRad);
  const s = Math.sin(box.headingRad);
  const px = (ax - box.cx) * c + (ay - box.cy) * s;
  const py = -(ax - box.cx) * s + (ay - box.cy) * c;
  const dx = (bx - ax) * c + (by - ay) * s;
  const dy = -(bx - ax) * s + (by - ay) * c;
  let t0 = 0;
  let t1 = 1;
  const hx = box.lengthM / 2;
  const hy = box.widthM / 2;
  for (const [p, d, h] of [
    [px, dx, hx],
    [py, dy, hy],
  ] as const) {
    if (Math.abs(d) < 1e-12) {
      if (p < -h || p > h) return false;
      continue;
    }
    let u0 = (-h - p) / d;
    let u1 = (h - p) / d;
    if (u0 > u1) [u0, u1] = [u1, u0];
    t0 = Math.max(t0, u0);
    t1 = Math.min(t1, u1);
    if (t0 > t1) return false;
  }
  return true;
}

/**
 * True when the pedestrian at `sM` may step onto the road: no vehicle of the forecast (current
 * poses, speeds, accelerations) is on course to reach the crossing before the pedestrian has left
 * its lane, unless it yields.
 */
export function safeToCross(
  script: WalkScript,
  sM: number,
  fc: BodyForecast,
  self: number,
  p: InteractiveAgentParams,
  pose = { x: 0, y: 0, headingRad: 0 },
  occluders: ReadonlyArray<OrientedBox> = [],
): boolean {
  script.path.poseAt(Math.max(0, Math.min(sM, script.path.length)), pose);
  const eyeX = pose.x;
  const eyeY = pose.y;
  script.path.poseAt(Math.max(0, Math.min(script.kerbInS, script.path.length)), pose);
  const ax = pose.x;
  const ay = pose.y;
  script.path.poseAt(Math.min(script.kerbOutS, script.path.length), pose);
  const ex = pose.x - ax;
  const ey = pose.y - ay;
  const crossLen = Math.hypot(ex, ey);
  if (crossLen < 1e-6) return true;
  for (let b = 0; b < fc.capacity; b++) {
    if (b === self || fc.valid[b]! < 1 || !fc.vehicle[b]) continue;
    const i = b * fc.samples;
    const x = fc.xs[i]!;
    const y = fc.ys[i]!;
    let hidden = false;
    for (let o = 0; o < occluders.length && !hidden; o++)
      hidden = segmentHitsBox(eyeX, eyeY, x, y, occluders[o]!);
    if (hidden) continue;
    const c = Math.cos(fc.hs[i]!);
    const s = Math.sin(fc.hs[i]!);
    // Where does the vehicle's line of travel cross the crossing? x + u·dir = a + w·e.
    const den = c * ey - s * ex;
    if (Math.abs(den) < 1e-6) continue;
    const rx = ax - x;
    const ry = ay - y;
    const u = (rx * ey - ry * ex) / den; // distance of the vehicle centre to the crossing line, m
    const w = (rx * s - ry * c) / den; // where along the crossing (0 = kerb in, 1 = kerb out)
    const halfW = fc.widthM[b]! / 2 + 0.5;
    if (w * crossLen < -halfW || w * crossLen > crossLen + halfW) continue;
    const halfL = fc.lengthM[b]! / 2;
    const toFront = u - halfL - 0.5;
    if (u + halfL + 0.5 < 0) continue; // past the crossing
    const v = fc.speedMps[b]!;
    const a = fc.accelMps2[b]!;
    if (toFront < 0) {
      if (v < p.yieldingSpeedMps) continue; // stopped across the crossing: it is not coming
      return false;
    }
    if (v < p.yieldingSpeedMps) continue;
    if (a <= -p.brakingMps2 && (v * v) / (-2 * a) <= toFront) continue;
    const clearS = script.kerbInS + w * crossLen + halfW;
    const tClear = Math.max(0, clearS - sM) / script.speedMps;
    if (toFront / v > tClear + p.pedestrianGapMarginS) continue;
    return false;
  }
  return true;
}

/**
 * Advances a pedestrian by one step (mutates and returns `state`). Before the script's start time
 * the pedestrian stands; then walks at the scripted pace, except that at the kerb it waits while
 * `safeToCross` says no.
 */
export function stepWalker(
  state: WalkerState,
  script: WalkScript,
  tS: number,
  dtS: number,
  fc: BodyForecast,
  self: number,
  p: InteractiveAgentParams,
  pose = { x: 0, y: 0, headingRad: 0 },
  occluders: ReadonlyArray<OrientedBox> = [],
): WalkerState {
  if (tS < script.startS - 1e-9 || state.sM >= script.path.length) {
    state.speedMps = 0;
    state.waiting = false;
    return state;
  }
  let next = Math.min(script.path.length, state.sM + script.speedMps * dtS);
  const waitS = Math.max(0, script.kerbInS - KERB_SETBACK_M);
  const lookS = Math.max(0, script.kerbInS - p.pedestrianLookM);
  const beforeKerb = state.sM <= waitS + 1e-6;
  if (beforeKerb && next > lookS && !safeToCross(script, state.sM, fc, self, p, pose, occluders)) {
    next = state.sM < lookS ? Math.min(next, lookS) : state.sM;
    state.waiting = true;
  } else {
    state.waiting = false;
  }
  state.speedMps = (next - state.sM) / dtS;
  state.sM = next;
  return state;
}
