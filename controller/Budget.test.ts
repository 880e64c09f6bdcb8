import { describe, expect, it } from 'vitest';
import { type CalibrationSet, calibrate, type LatencyModel, mixtureQuantile, parseBudget } from './Budget.ts';

/** Synthetic held-out set: K exits whose actions converge on the label at a per-row rate. */
function synthetic(n: number, K: number): CalibrationSet {
  const rows = new Float32Array(n * (2 * K + 2));
  let seed = 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < n; i++) {
    const o = i * (2 * K + 2);
    const label = [rnd() * 2 - 1, rnd() * 2 - 1];
    const hard = rnd(); // how slowly the exits converge on this row
    for (let k = 0; k < K; k++) {
      const err = hard * 0.5 ** (k / (0.2 + hard));
      rows[o + 2 * k] = label[0]! + err;
      rows[o + 2 * k + 1] = label[1]! - err;
    }
    rows[o + 2 * K] = label[0]!;
    rows[o + 2 * K + 1] = label[1]!;
  }
  return { rows, exits: K, exitFlops: Array.from({ length: K }, (_, k) => (k + 1) * 1e6) };
}

describe('budget parsing', () => {
  it('reads average-compute and p99-latency budgets', () => {
    expect(parseBudget('avg:40%')).toEqual({ ok: true, value: { kind: 'avg', fraction: 0.4 } });
    expect(parseBudget('p99:0.5ms')).toEqual({ ok: true, value: { kind: 'p99', ms: 0.5 } });
  });
  it('rejects malformed budgets with a message naming the expected forms', () => {
    for (const bad of ['avg:0%', 'avg:140%', '40%', 'p99:-1ms', 'p99:1s']) {
      const r = parseBudget(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain('avg:<percent>%');
    }
  });
});

describe('DeeR threshold calibration', () => {
  const set = synthetic(2000, 6);
  it('meets an average-compute budget on the held-out rows', () => {
    const cal = calibrate(set, { kind: 'avg', fraction: 0.5 });
    expect(cal.met).toBe(true);
    expect(cal.meanComputeFraction).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(cal.meanComputeFraction).toBeGreaterThan(0.4);
  });
  it('spends less and errs more as the budget tightens', () => {
    const loose = calibrate(set, { kind: 'avg', fraction: 0.8 });
    const tight = calibrate(set, { kind: 'avg', fraction: 0.4 });
    expect(tight.meanComputeFraction).toBeLessThan(loose.meanComputeFraction);
    expect(tight.maeToFullDepth).toBeGreaterThan(loose.maeToFullDepth);
    expect(tight.maeToExpert).toBeGreaterThan(loose.maeToExpert);
  });
  it('per-exit thresholds stay within the budget and at least as close to full depth as one common η', () => {
    const budget = { kind: 'avg', fraction: 0.45 } as const;
    const common = calibrate(set, budget, [], [1]);
    const perExit = calibrate(set, budget);
    expect(common.ratio).toBe(1);
    expect(perExit.met).toBe(true);
    expect(perExit.meanComputeFraction).toBeLessThanOrEqual(0.45 + 1e-9);
    expect(perExit.maeToFullDepth).toBeLessThanOrEqual(common.maeToFullDepth);
    // the exit rule with the chosen thresholds: η_k = η · r^(k−2)
    for (let k = 2; k < 6; k++)
      expect(perExit.thresholds[k]).toBeCloseTo(perExit.thresholds[1]! * perExit.ratio ** (k - 1), 12);
  });
  it('says so when a budget is below the earliest exit the rule allows', () => {
    // the rule compares two exits, so exit 2 (2/6 of the compute) is the earliest stop
    const cal = calibrate(set, { kind: 'avg', fraction: 0.2 });
    expect(cal.met).toBe(false);
    expect(cal.exitShare[1]).toBeCloseTo(1, 6);
    // whatever the agreement: exit 2's threshold is infinite
    expect(cal.thresholds[1]).toBe(Number.POSITIVE_INFINITY);
  });
  it('meets a p99 latency budget from the per-exit latencies', () => {
    const lat = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const cal = calibrate(set, { kind: 'p99', ms: 0.35 }, lat);
    expect(cal.met).toBe(true);
    expect(cal.p99LatencyMs).toBeLessThanOrEqual(0.35);
    expect(cal.exitShare[4]! + cal.exitShare[5]!).toBeLessThanOrEqual(0.01);
  });
  it('a p99 budget from a latency distribution holds the p99 of the whole mixture of steps', () => {
    // 3 % of steps have a 0.55 ms tail at full depth; each exit skipped saves 0.03 ms
    const samples = Array.from({ length: 200 }, (_, i) => (i < 194 ? 0.3 : 0.55));
    const m: LatencyModel = { fullDepthMs: samples, savedMs: [0.15, 0.12, 0.09, 0.06, 0.03, 0] };
    const cal = calibrate(set, { kind: 'p99', ms: 0.5 }, m);
    expect(cal.met).toBe(true);
    expect(cal.p99LatencyMs).toBeLessThanOrEqual(0.5);
    // brute force: every held-out row's exit with every sample, shifted by that exit's saving
    const all: number[] = [];
    const K = 6;
    const stride = 2 * K + 2;
    for (let i = 0; i < set.rows.length / stride; i++) {
      let e = K;
      for (let k = 1; k < K - 1; k++) {
        const o = i * stride;
        const d = Math.hypot(
          set.rows[o + 2 * k]! - set.rows[o + 2 * k - 2]!,
          set.rows[o + 2 * k + 1]! - set.rows[o + 2 * k - 1]!,
        );
        if (d < cal.thresholds[k]!) {
          e = k + 1;
          break;
        }
      }
      for (const t of samples) all.push(t - m.savedMs[e - 1]!);
    }
    all.sort((a, b) => a - b);
    expect(all[Math.ceil(0.99 * all.length) - 1]!).toBeLessThanOrEqual(0.5 + 1e-9);
    // the old model (median + the exits' savings) would have called full depth 0.3 ms
    expect(cal.exitShare[5]!).toBeLessThan(0.5);
  });
  it("says a p99 budget cannot be met when even the earliest exit's tail is above it", () => {
    const m: LatencyModel = { fullDepthMs: [0.3, 0.3, 0.3, 0.7], savedMs: [0.15, 0.12, 0.09, 0.06, 0.03, 0] };
    const cal = calibrate(set, { kind: 'p99', ms: 0.5 }, m);
    expect(cal.met).toBe(false);
    expect(cal.exitShare[1]).toBeCloseTo(1, 6);
    expect(cal.p99LatencyMs).toBeCloseTo(0.58, 9);
  });
  it("the mixture quantile of one exit is that exit's shifted sample quantile", () => {
    const ex = new Int32Array(50).fill(3);
    const m: LatencyModel = {
      fullDepthMs: Array.from({ length: 100 }, (_, i) => i + 1),
      savedMs: [5, 4, 3, 2, 1, 0],
    };
    expect(mixtureQuantile(ex, m, 0.99)).toBeCloseTo(99 - 3, 6);
    expect(mixtureQuantile(ex, m, 0.5)).toBeCloseTo(50 - 3, 6);
  });
});
