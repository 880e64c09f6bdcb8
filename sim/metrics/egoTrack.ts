/**
 * Per-tick ego quantities every metric reads, computed once per run from a `SimLog`: timestamps in
 * µs (nuPlan keeps integer µs, which makes `int(1e6 / mean(dt))` exact), the centre pose, |speed|,
 * the centre box and its corners in nuPlan's order.
 *
 * History length: nuPlan's `SimulationHistory` holds iterations 0 … N−2 (N−1 samples, see
 * nuplan/planning/simulation/simulation.py `reached_end`), while our engine logs ticks 0 … N. We
 * evaluate every logged tick; a metric on the devkit would see one sample less at the end.
 */
import { egoBox, type OrientedBox } from '../../core/index.ts';
import type { SimLog } from '../SimLog.ts';
import { cornersNuplanOrder } from './metricGeometry.ts';

export interface EgoTrack {
  n: number;
  /** Timestamps, µs (rounded). */
  tUs: Float64Array;
  /** Rear-axle pose (the logged pose). */
  rx: Float64Array;
  ry: Float64Array;
  headingRad: Float64Array;
  /** Centre point, m. */
  cx: Float64Array;
  cy: Float64Array;
  /** |rear-axle speed|, m/s (nuPlan `dynamic_car_state.speed`). */
  speedMps: Float64Array;
  /** Centre footprint per tick. */
  boxes: OrientedBox[];
  /** Corners per tick, FL, RL, RR, FR as x0,y0,…,x3,y3. */
  corners: Float64Array[];
}

/** Extracts the ego track of a log. */
export function egoTrack(log: SimLog): EgoTrack {
  const n = log.ticks.length;
  const t: EgoTrack = {
    n,
    tUs: new Float64Array(n),
    rx: new Float64Array(n),
    ry: new Float64Array(n),
    headingRad: new Float64Array(n),
    cx: new Float64Array(n),
    cy: new Float64Array(n),
    speedMps: new Float64Array(n),
    boxes: [],
    corners: [],
  };
  for (let i = 0; i < n; i++) {
    const e = log.ticks[i]!.ego;
    const box = egoBox(e, log.vehicle);
    t.tUs[i] = Math.round(log.ticks[i]!.tS * 1e6);
    t.rx[i] = e.x;
    t.ry[i] = e.y;
    t.headingRad[i] = e.headingRad;
    t.cx[i] = box.cx;
    t.cy[i] = box.cy;
    t.speedMps[i] = Math.abs(e.speedMps);
    t.boxes.push(box);
    t.corners.push(cornersNuplanOrder(box));
  }
  return t;
}

/** NumPy `np.mean(np.diff(tUs))`; NaN for fewer than 2 samples. */
export function meanStepUs(tUs: ArrayLike<number>): number {
  const n = tUs.length;
  if (n < 2) return Number.NaN;
  let s = 0;
  for (let i = 1; i < n; i++) s += tUs[i]! - tUs[i - 1]!;
  return s / (n - 1);
}
