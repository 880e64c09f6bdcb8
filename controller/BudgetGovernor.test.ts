import { afterAll, describe, expect, it } from 'vitest';
import type { ControllerInfo, ControlStep } from '../core/planning/index.ts';
import { builtinScenario } from '../scenarios/builtin/index.ts';
import { createDriver, runDriver, type StackTick } from '../stack/index.ts';
import {
  GOVERNOR_START,
  GovernorParamsSchema,
  type GovernorState,
  governedThresholds,
  governorAfter,
  governorCredit,
} from './BudgetGovernor.ts';
import { createEarlyExitController, type EarlyExitState } from './EarlyExitController.ts';
import { createPolicyRunner, type PolicyRunner } from './PolicyRunner.ts';

/** Cumulative compute per exit of a 6-exit model like the committed one (stem + first block heavier). */
const CUM = [0.184, 0.347, 0.51, 0.674, 0.837, 1];
const P = GovernorParamsSchema.parse({});

/** A small deterministic generator (tests only). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** The exit the DeeR rule takes with thresholds `th` when exit k's agreement with k − 1 is d[k − 1]. */
function exitFor(th: Float64Array, d: number[]): number {
  const K = th.length;
  for (let k = 2; k < K; k++) if (d[k - 1]! < th[k - 1]!) return k;
  return K;
}

/** Runs the governor over `n` steps whose agreements come from `agreements`; every step's running means. */
function simulate(budget: number, n: number, agreements: () => number[]) {
  const base = Float64Array.from([0.03, 0.03, 0.015, 0.0075, 0.00375, 0.001875]);
  const th = new Float64Array(6);
  let st: GovernorState = GOVERNOR_START;
  let total = 0;
  const exits: number[] = [];
  let worstSinceStart = 0;
  let worstWindow = 0;
  for (let i = 0; i < n; i++) {
    governedThresholds(base, CUM, budget, st, P, th);
    const e = exitFor(th, agreements());
    exits.push(e);
    total += CUM[e - 1]!;
    st = governorAfter(st, CUM[e - 1]!, P);
    worstSinceStart = Math.max(worstSinceStart, total / (i + 1));
    worstWindow = Math.max(worstWindow, st.spent / st.steps);
  }
  return { exits, mean: total / n, worstSinceStart, worstWindow, state: st };
}

describe('average-compute budget governor (pure)', () => {
  it('holds the mean at or below the budget at every step when every step wants full depth', () => {
    // agreements far above any threshold: DeeR alone would run every block (100 %)
    const r = simulate(0.4, 2000, () => [1, 1, 1, 1, 1, 1]);
    expect(r.worstSinceStart).toBeLessThanOrEqual(0.4 + 1e-9);
    expect(r.worstWindow).toBeLessThanOrEqual(0.4 + 1e-9);
    // and spends what it may: the steps get exits past the earliest whenever the credit allows
    expect(r.mean).toBeGreaterThan(0.38);
    expect(r.exits.some((e) => e > 2)).toBe(true);
  });

  it('holds the mean on a mix of easy and hard phases (states the calibration never saw)', () => {
    const rnd = lcg(11);
    let t = 0;
    const r = simulate(0.4, 5000, () => {
      t++;
      const hard = Math.floor(t / 300) % 2 === 1; // 15 s phases at 20 Hz
      return Array.from({ length: 6 }, () => (hard ? 0.2 : 0.02) * rnd() * 2);
    });
    expect(r.worstSinceStart).toBeLessThanOrEqual(0.4 + 1e-9);
    expect(r.worstWindow).toBeLessThanOrEqual(0.4 + 1e-9);
    expect(governorCredit(r.state, 0.4)).toBeGreaterThanOrEqual(-1e-9);
  });

  it('spends saved credit: thresholds tighten when credit is above the reserve and loosen below it', () => {
    const base = Float64Array.from([0.03, 0.03, 0.03, 0.03, 0.03, 0.03]);
    const th = new Float64Array(6);
    const poor = governedThresholds(base, CUM, 0.4, { spent: 40, steps: 100 }, P, th);
    expect(poor).toBeGreaterThan(1);
    const rich = governedThresholds(base, CUM, 0.4, { spent: 20, steps: 100 }, P, th);
    expect(rich).toBeLessThan(1);
    expect(th[1]).toBeCloseTo(0.03 * rich, 12);
    // 20 units of credit: nothing is capped
    expect(th.every((x) => Number.isFinite(x))).toBe(true);
  });

  it('forces the earliest exit when the budget is below what any exit costs', () => {
    const r = simulate(0.2, 500, () => [1, 1, 1, 1, 1, 1]);
    expect(r.exits.every((e) => e === 2)).toBe(true);
  });
});

describe('budget governor in closed loop (committed model, onnxruntime-node)', () => {
  const runner = createPolicyRunner();
  afterAll(() => runner.close());

  /** A runner whose actions jerk between hard braking and full throttle (within the controller's limits). */
  function jerky(inner: PolicyRunner): PolicyRunner {
    let i = 0;
    return {
      ...inner,
      dir: inner.dir,
      manifest: inner.manifest,
      loadError: inner.loadError,
      run(f, o) {
        const r = inner.run(f, o);
        if (r.ok) r.action[0] = i++ % 2 === 0 ? 1 : -1.4;
        return r;
      },
    };
  }

  async function drive(id: string, fraction: number, r: PolicyRunner) {
    const { scenario, map } = builtinScenario(id)!;
    const d = createDriver('pdm-closed-stack');
    if (!d.ok) throw new Error(d.error.message);
    // The 200 ms per-step deadline is the runtime's guard (its fallback is tested in EarlyExitController's
    // tests); here it would turn a busy machine's scheduling delay into a fallback, which is not what this measures.
    const inner = createEarlyExitController({
      runner: r,
      mode: 'early',
      budget: { kind: 'avg', fraction },
      timeoutMs: 10_000,
    });
    const infos: ControllerInfo[] = [];
    const ticks: StackTick[] = [];
    const controller = {
      ...inner,
      step(s: EarlyExitState, q: never, c: never): ControlStep<EarlyExitState> {
        const o = inner.step(s, q, c);
        infos.push(o.info);
        return o;
      },
    };
    await runDriver(d.value, scenario, map, {
      mode: 'nonreactive',
      stack: { controller: controller as never },
      onControl: (t) => ticks.push(t),
    });
    const mean = infos.reduce((a, x) => a + (x.computeFraction ?? 0), 0) / infos.length;
    return { infos, ticks, mean };
  }

  // hard_braking_lead: the calibrated thresholds alone spend 67.5 % at avg:40% here (states the held-out rows do not cover)
  it("delivers the budget's mean compute on a closed-loop run through the stack", async () => {
    for (const fraction of [0.4, 0.55]) {
      const { infos, mean } = await drive('hard_braking_lead', fraction, runner);
      // The model drives every step: no unavailable model, failed or late policy, and no action
      // beyond the vehicle's limits. The run ends at a stop close behind the lead with the
      // log-replayed follower driving into the ego, where the speed law's stop-point braking once
      // reached the features unclipped (−198 m/s²) and the network's answer (−12 m/s²) was handed
      // over to the classical controller from 8.55 s (Features.test.ts). The steps that ask for the
      // platform's braking limit there (a stop point nearer than the ego can brake for, the gate's
      // emergency stop) and the release after them run on the classical tracker by design
      // (`info.verifiedPath`, not a fallback).
      const handOvers = infos.flatMap((i, k) => (i.fallback === undefined ? [] : [`${k}: ${i.fallback}`]));
      expect(handOvers, `fallbacks at avg:${fraction}`).toEqual([]);
      expect(mean).toBeLessThanOrEqual(fraction + 1e-9);
      // every prefix of the run too (the governor's guarantee is step by step)
      let s = 0;
      for (let k = 0; k < infos.length; k++) {
        s += infos[k]!.computeFraction!;
        expect(s / (k + 1)).toBeLessThanOrEqual(fraction + 1e-9);
      }
      // not by pinning the earliest exit: later exits are taken too
      expect(infos.some((i) => (i.exit ?? 0) > 2)).toBe(true);
    }
  });

  it('leaves the control-level safety check in place: a jerky model is still clamped by the stack', async () => {
    const { infos, ticks, mean } = await drive('curvy_lane_follow', 0.4, jerky(runner));
    expect(mean).toBeLessThanOrEqual(0.4 + 1e-9);
    expect(infos.every((i) => i.fallback === undefined)).toBe(true);
    // the stack's check fires on the network's jerk and every executed control is finite
    expect(ticks.some((t) => t.controlVerdict !== undefined)).toBe(true);
    for (const t of ticks)
      if (t.control.kind === 'ackermann') expect(Number.isFinite(t.control.accelMps2)).toBe(true);
  });
});
