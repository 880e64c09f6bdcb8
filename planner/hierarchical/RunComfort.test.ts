import { describe, expect, it } from 'vitest';
import { NUPLAN_METRIC_PARAMS } from '../../sim/metrics/params.ts';
import {
  emptyAccelHistory,
  RUN_COMFORT,
  RUN_COMFORT_HISTORY,
  RunComfort,
  recordAccel,
} from './RunComfort.ts';

const STEPS = 41;
const DT = 0.1;

/** The ego's acceleration, tick by tick from `a0`, commanded `cmd(t)` through nuPlan's 0.2 s actuator lag. */
function lagged(cmd: (tS: number) => number, n = STEPS, a0 = 0): Float64Array {
  const a = new Float64Array(n);
  a[0] = a0;
  for (let i = 1; i < n; i++) a[i] = a[i - 1]! + (DT / (DT + 0.2)) * (cmd((i - 1) * DT) - a[i - 1]!);
  return a;
}

/** A history of `n` ticks at acceleration `a`, the last one at `lastTS`. */
function steadyHistory(n: number, a: number, lastTS: number) {
  const h = emptyAccelHistory();
  for (let i = n - 1; i >= 0; i--) recordAccel(h, lastTS - i * DT, a);
  return h;
}

describe('RunComfort', () => {
  it('uses nuPlan’s comfort bounds and windows (sim/metrics)', () => {
    const C = NUPLAN_METRIC_PARAMS.comfort;
    expect(RUN_COMFORT.minLonAccelMps2).toBe(C.minLonAccelMps2);
    expect(RUN_COMFORT.maxLonAccelMps2).toBe(C.maxLonAccelMps2);
    expect(RUN_COMFORT.maxAbsLonJerkMps3).toBe(C.maxAbsLonJerkMps3);
    expect(RUN_COMFORT.maxAbsMagJerkMps3).toBe(C.maxAbsMagJerkMps3);
    expect([RUN_COMFORT.accelWindow, RUN_COMFORT.accelPolyOrder]).toEqual([C.accelWindow, C.accelPolyOrder]);
    expect([RUN_COMFORT.jerkWindow, RUN_COMFORT.jerkPolyOrder]).toEqual([C.jerkWindow, C.jerkPolyOrder]);
  });

  it('a braking step to −3 m/s² fails at the run’s first tick (the edge fit) and passes inside the run', () => {
    const rc = new RunComfort(STEPS, DT);
    const step = lagged(() => -3);
    // at the run's start the metric fits one quadratic to the first 1.4 s: the step reads ≈ −5.4 m/s³
    expect(rc.comfortable(emptyAccelHistory(), 0, step, 0)).toBe(false);
    // after 2 s of steady driving the centred window reads it ≈ −2.7 m/s³
    expect(rc.comfortable(steadyHistory(RUN_COMFORT_HISTORY, 0, 1.9), 2, step, 0)).toBe(true);
  });

  it('at the run’s first tick the same braking built up at 3 m/s³ passes', () => {
    const rc = new RunComfort(STEPS, DT);
    expect(
      rc.comfortable(
        emptyAccelHistory(),
        0,
        lagged((t) => -Math.min(3, 3 * t)),
        0,
      ),
    ).toBe(true);
  });

  it('braking harder than −4.05 m/s² fails wherever it is', () => {
    const rc = new RunComfort(STEPS, DT);
    const ramp = lagged((t) => -Math.min(5, 3 * t));
    expect(rc.comfortable(emptyAccelHistory(), 0, ramp, 0)).toBe(false);
    expect(rc.comfortable(steadyHistory(RUN_COMFORT_HISTORY, 0, 1.9), 2, ramp, 0)).toBe(false);
  });

  it('reads the candidate after the ego’s past: a release of braking held so far is judged with it', () => {
    const rc = new RunComfort(STEPS, DT);
    // braking at 3 m/s² for the last 2.2 s; a candidate that lets go to +2 at once reads a jerk over 4.13
    const past = steadyHistory(RUN_COMFORT_HISTORY, -3, 1.9);
    const letGo = lagged(() => 2, STEPS, -3);
    const easeOff = lagged((t) => Math.min(0, -3 + 2 * t), STEPS, -3);
    expect(rc.comfortable(past, 2, letGo, 0)).toBe(false);
    expect(rc.comfortable(past, 2, easeOff, 0)).toBe(true);
  });

  it('a candidate’s end is no end of the run: braking that ramps up in its last second is not read as an edge', () => {
    const rc = new RunComfort(STEPS, DT);
    const late = lagged((t) => (t > 3.2 ? -2 : 0));
    expect(rc.comfortable(steadyHistory(RUN_COMFORT_HISTORY, 0, 1.9), 2, late, 0)).toBe(true);
  });

  it('records one sample per 0.1 s tick: a re-plan replaces it, a gap starts afresh, the oldest drop out', () => {
    const h = emptyAccelHistory();
    recordAccel(h, 0, -1);
    recordAccel(h, 0, -2);
    expect([h.count, h.accelMps2[0], h.fromRunStart]).toEqual([1, -2, true]);
    recordAccel(h, 0.1, -3);
    expect([h.count, h.fromRunStart]).toEqual([2, true]);
    recordAccel(h, 0.5, -4);
    expect([h.count, h.accelMps2[0], h.fromRunStart]).toEqual([1, -4, false]);
    const full = emptyAccelHistory();
    for (let i = 0; i <= RUN_COMFORT_HISTORY; i++) recordAccel(full, i * DT, i);
    expect([
      full.count,
      full.accelMps2[0],
      full.accelMps2[RUN_COMFORT_HISTORY - 1],
      full.fromRunStart,
    ]).toEqual([RUN_COMFORT_HISTORY, 1, RUN_COMFORT_HISTORY, false]);
  });
});
