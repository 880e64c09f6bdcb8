import { describe, expect, test } from 'vitest';
import type { EgoState } from '../../core/index.ts';
import { normalizeAngle } from '../../core/index.ts';
import { comfortScore, comfortSignals, phaseUnwrap } from './comfort.ts';
import { egoTrack } from './egoTrack.ts';
import { ego, makeLog } from './testFixtures.ts';

function signalsOf(egos: EgoState[]) {
  const log = makeLog(egos);
  return comfortSignals(log, egoTrack(log).tUs);
}

const N = 20;
const ticks = (f: (t: number) => Partial<EgoState>): EgoState[] =>
  Array.from({ length: N }, (_, t) => ego(t * 0.1, 10 + t, 0, 10, f(t)));

/*
 * Golden vectors generated with NumPy/SciPy 1.17.1, following nuplan/planning/metrics/utils/
 * state_extractors.py:
 *   a = [2 sin(0.3 i) for i in range(20)]; t_us = arange(20) * 100000
 *   acc  = round(savgol_filter(a, polyorder=2, window_length=8), 8)
 *   jerk = round(savgol_filter(acc, polyorder=2, window_length=15, deriv=1, delta=mean(diff(t_us/1e6))), 8)
 */
const ACC = [
  -0.05021161, 0.63396932, 1.17645004, 1.57723055, 1.93978961, 1.98182037, 1.84682102, 1.54685064, 1.10870471,
  0.57152148, -0.01671405, -0.60345657, -1.13629411, -1.56762989, -1.85893395, -1.98418498, -1.98003713,
  -1.84946156, -1.55584617, -1.09919096,
];
const JERK = [
  5.26246243, 4.22708338, 3.19170433, 2.15632528, 1.12094623, 0.08556718, -0.94981188, -1.98519093,
  -2.75093754, -3.25109646, -3.47025961, -3.39344193, -2.98697655, -2.34239538, -1.69781421, -1.05323304,
  -0.40865188, 0.23592929, 0.88051046, 1.52509163,
];

describe('comfort signals', () => {
  test('longitudinal acceleration and jerk match the devkit pipeline (scipy golden)', () => {
    const s = signalsOf(ticks((t) => ({ accelMps2: 2 * Math.sin(0.3 * t) })));
    for (let i = 0; i < N; i++) {
      expect(s.lonAccelMps2[i]).toBeCloseTo(ACC[i]!, 7);
      expect(s.lonJerkMps3[i]).toBeCloseTo(JERK[i]!, 7);
    }
  });

  test('yaw rate is unwrapped across ±π: a steady 3.5 rad/s turn reads 3.5 everywhere', () => {
    const s = signalsOf(ticks((t) => ({ headingRad: normalizeAngle(0.35 * t + 2.5) })));
    for (let i = 0; i < N; i++) {
      expect(s.yawRateRadps[i]).toBeCloseTo(3.5, 8);
      expect(s.yawAccelRadps2[i]).toBeCloseTo(0, 8);
    }
  });

  test('centre longitudinal acceleration adds d·ω² (a steady 0.5 rad/s turn: 1.461 · 0.25)', () => {
    const s = signalsOf(ticks(() => ({ yawRateRadps: 0.5 })));
    for (let i = 0; i < N; i++) expect(s.lonAccelMps2[i]).toBeCloseTo(0.36525, 8);
    expect(Array.from(s.latAccelMps2)).toEqual(Array(N).fill(0));
  });

  test('phase unwrap removes 2π jumps', () => {
    const u = phaseUnwrap([3.0, -3.0, -2.9]);
    expect(u[1]).toBeCloseTo(-3.0 + 2 * Math.PI, 12);
    expect(u[2]).toBeCloseTo(-2.9 + 2 * Math.PI, 12);
  });
});

describe('ego_is_comfortable', () => {
  test('a steady cruise is comfortable', () => {
    const r = comfortScore(signalsOf(ticks(() => ({}))));
    expect(r).toEqual({ score: 1, failed: [] });
  });

  test('braking at 5 m/s² fails only the longitudinal acceleration bound', () => {
    const r = comfortScore(signalsOf(ticks(() => ({ accelMps2: -5 }))));
    expect(r).toEqual({ score: 0, failed: ['ego_lon_acceleration'] });
  });

  test('bounds are strict: exactly 2.4 m/s² fails', () => {
    expect(comfortScore(signalsOf(ticks(() => ({ accelMps2: 2.4 })))).failed).toEqual([
      'ego_lon_acceleration',
    ]);
    expect(comfortScore(signalsOf(ticks(() => ({ accelMps2: 2.39 })))).score).toBe(1);
  });

  test('turning at 1 rad/s fails the yaw-rate bound (0.95 rad/s)', () => {
    const r = comfortScore(signalsOf(ticks((t) => ({ headingRad: 0.1 * t, yawRateRadps: 1 }))));
    expect(r).toEqual({ score: 0, failed: ['ego_yaw_rate'] });
  });

  test('a −3.5 → 1.5 m/s² acceleration step fails only the longitudinal jerk bound', () => {
    const s = signalsOf(ticks((t) => ({ accelMps2: t < 10 ? -3.5 : 1.5 })));
    // SciPy pipeline (see the golden vectors above) gives max |jerk| = 5.02232143 m/s³ > 4.13.
    expect(Math.max(...Array.from(s.lonJerkMps3, Math.abs))).toBeCloseTo(5.02232143, 7);
    expect(comfortScore(s)).toEqual({ score: 0, failed: ['ego_lon_jerk'] });
  });
});
