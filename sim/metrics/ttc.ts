/**
 * time_to_collision_within_bound (weight 5), after M/time_to_collision_within_bound.py. Per tick,
 * ego and the kept tracks are projected at constant speed and heading in 0.1 s steps up to (not
 * including) 3 s; TTC is the first step at which ego's box meets a relevant track's box (∞ when
 * none). Tracks: those not yet in any collision, ahead of ego (< 30°), or — while ego straddles
 * lanes, leaves them, or its rear axle is in an intersection — anything not behind (≤ 150°).
 * At-fault collision ticks have TTC 0. Score 1 when every TTC > 0.95 s, else 0.
 */
import { agentBox, boxesOverlap, type OrientedBox } from '../../core/index.ts';
import type { SimLog } from '../SimLog.ts';
import { isStaticObject } from './collisions.ts';
import type { EgoTrack } from './egoTrack.ts';
import type { MetricMap } from './MetricMap.ts';
import { relativeAngle } from './metricGeometry.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';
import type { CollisionRecord } from './ScenarioMetrics.ts';

const P = NUPLAN_METRIC_PARAMS.ttc;
const AHEAD_RAD = (P.aheadAngleDeg * Math.PI) / 180;
const BEHIND_RAD = (P.behindAngleDeg * Math.PI) / 180;

/** Scratch for one tick's projection (reused across ticks). */
interface Scratch {
  x: number[];
  y: number[];
  dx: number[];
  dy: number[];
  relevant: boolean[];
}

function box(): OrientedBox {
  return { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 };
}

/**
 * nuPlan `_compute_time_to_collision_at_timestamp` for the non-at-fault case: TTC (s) from the ego
 * centre box moving at `speedMps` and the given tracks (centre boxes, speeds), or Infinity.
 */
export function ttcAtTick(
  egoBox: OrientedBox,
  speedMps: number,
  tracks: ReadonlyArray<{ b: OrientedBox; speedMps: number }>,
  s: Scratch = { x: [], y: [], dx: [], dy: [], relevant: [] },
): number {
  if (tracks.length === 0 || speedMps <= P.egoStoppedSpeedMps) return Infinity;
  const step = P.timeStepS;
  const horizon = P.timeHorizonS;
  const steps = horizon / step; // 29.999999999999996, as in the devkit
  const h = egoBox.headingRad;
  const edx = Math.cos(h) * speedMps * step;
  const edy = Math.sin(h) * speedMps * step;
  const egoLong: OrientedBox = {
    cx: (steps / 2) * edx + egoBox.cx,
    cy: (steps / 2) * edy + egoBox.cy,
    headingRad: h,
    lengthM: egoBox.lengthM + Math.hypot((edx * horizon) / step, (edy * horizon) / step),
    widthM: egoBox.widthM,
  };
  const longBox = box();
  let anyRelevant = false;
  for (let i = 0; i < tracks.length; i++) {
    const tb = tracks[i]!.b;
    const v = tracks[i]!.speedMps;
    const dx = Math.cos(tb.headingRad) * v * step;
    const dy = Math.sin(tb.headingRad) * v * step;
    s.x[i] = tb.cx;
    s.y[i] = tb.cy;
    s.dx[i] = dx;
    s.dy[i] = dy;
    longBox.cx = (steps / 2) * dx + tb.cx;
    longBox.cy = (steps / 2) * dy + tb.cy;
    longBox.headingRad = tb.headingRad;
    longBox.lengthM = tb.lengthM + Math.hypot((dx * horizon) / step, (dy * horizon) / step);
    longBox.widthM = tb.widthM;
    s.relevant[i] = boxesOverlap(egoLong, longBox);
    if (s.relevant[i]) anyRelevant = true;
  }
  if (!anyRelevant) return Infinity;
  // np.arange(step, horizon, step): ceil((horizon − step) / step) values step + k·step.
  const count = Math.ceil((horizon - step) / step);
  const ego: OrientedBox = { ...egoBox };
  const tb = box();
  for (let k = 0; k < count; k++) {
    const tau = step + k * step;
    ego.cx += edx;
    ego.cy += edy;
    for (let i = 0; i < tracks.length; i++) {
      s.x[i] = s.x[i]! + s.dx[i]!;
      s.y[i] = s.y[i]! + s.dy[i]!;
      if (!s.relevant[i]) continue;
      const src = tracks[i]!.b;
      tb.cx = s.x[i]!;
      tb.cy = s.y[i]!;
      tb.headingRad = src.headingRad;
      tb.lengthM = src.lengthM;
      tb.widthM = src.widthM;
      if (boxesOverlap(ego, tb)) return tau;
    }
  }
  return Infinity;
}

/** TTC per tick, s (Infinity: no collision within the horizon). */
export function timeToCollision(
  log: SimLog,
  track: EgoTrack,
  mm: MetricMap,
  collisions: ReadonlyArray<CollisionRecord>,
  inCommonOrConnected: ReadonlyArray<boolean>,
): Float64Array {
  const staticIds = new Set(log.staticAgentIds);
  const atFaultTicks = new Set<number>();
  const collidedAt = new Map<number, string[]>();
  for (const c of collisions) {
    if (c.atFault) atFaultTicks.add(c.tick);
    const list = collidedAt.get(c.tick) ?? [];
    list.push(c.agentId);
    collidedAt.set(c.tick, list);
  }
  const excluded = new Set<string>();
  const out = new Float64Array(track.n);
  const kept: { b: OrientedBox; speedMps: number }[] = [];
  const scratch: Scratch = { x: [], y: [], dx: [], dy: [], relevant: [] };
  for (let t = 0; t < track.n; t++) {
    // Tracks in any collision at or before this tick are excluded (the union comes first).
    for (const id of collidedAt.get(t) ?? []) excluded.add(id);
    if (atFaultTicks.has(t)) {
      out[t] = 0;
      continue;
    }
    const rx = track.rx[t]!;
    const ry = track.ry[t]!;
    const h = track.headingRad[t]!;
    const lateralToo = !inCommonOrConnected[t] || mm.inIntersection(rx, ry);
    kept.length = 0;
    for (const a of log.ticks[t]!.agents) {
      if (excluded.has(a.id)) continue;
      const ang = relativeAngle(rx, ry, h, a.x, a.y);
      if (!(ang < AHEAD_RAD || (lateralToo && !(ang > BEHIND_RAD)))) continue;
      kept.push({ b: agentBox(a), speedMps: isStaticObject(a, staticIds) ? 0 : a.speedMps });
    }
    out[t] = ttcAtTick(track.boxes[t]!, track.speedMps[t]!, kept, scratch);
  }
  return out;
}

/** Score: 1 when every tick's TTC is strictly above 0.95 s, else 0. */
export function ttcScore(ttcS: ArrayLike<number>): number {
  for (let i = 0; i < ttcS.length; i++) if (!(ttcS[i]! > P.leastMinTtcS)) return 0;
  return 1;
}
