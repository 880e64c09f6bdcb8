/**
 * Fuzz smoke test (issue 7, kept small for `npm test`): 100 randomised closed-loop scenarios with
 * the full stack (IDM planner → gate → LQR tracker → bicycle), gate off vs on. The full 1000-case
 * campaign with a rotating seed is `fuzz.long.test.ts`, run by `npm run test:long`.
 */
import { describe, expect, it } from 'vitest';
import { fuzzTable, runFuzz, runFuzzCase } from './fuzz.ts';

describe('gate fuzz smoke', () => {
  it('100 randomised closed-loop runs: at-fault collisions with the gate on stay ≤ 3, ≤ 1 caused by the gate, clean CLS within 2 points', async () => {
    // In this thread, on the module graph vitest already loaded: two worker threads would each load
    // the sources through tsx again (2.7 s more CPU for the same runs; the result does not depend on
    // the worker count). The worker path runs in the 1000-case campaign (fuzz.long.test.ts, 2 workers).
    const report = await runFuzz({ n: 100, seed: 7, planner: 'idm', durationS: 6, workers: 1 });
    console.log(`\n${fuzzTable(report)}\n`);
    expect(report.errors).toBe(0);
    expect(report.runs.length).toBe(100);
    expect(report.collidedOn).toBeLessThan(report.collidedOff);
    // nine families since issue 14 (lane change, oncoming drift, robot crossing added; world text in
    // 30 % of runs). Second pass (vru.stepOut, ramped RSS response): this campaign measured 16 runs
    // with an at-fault collision gate-off, 0 gate-on, none caused by the gate, clean CLS 92.1 vs 91.0
    expect(report.collidedOn).toBeLessThanOrEqual(3);
    expect(report.summary.causedByGate).toBeLessThanOrEqual(1);
    expect(report.summary.cleanScoreOn).toBeGreaterThanOrEqual(report.summary.cleanScoreOff - 2);
  }, 600_000);
  it('the report breaks clean progress down by family and names the rules that held each family back', async () => {
    const report = await runFuzz({ n: 9, seed: 7, planner: 'idm', durationS: 3, workers: 1 });
    const table = fuzzTable(report);
    for (const [family, p] of Object.entries(report.perFamily)) {
      expect(p.runs, family).toBe(1);
      const clean = report.runs.filter((r) => r.family === family && r.atFaultOff === 0 && r.atFaultOn === 0);
      expect(p.cleanRuns, family).toBe(clean.length);
      if (clean.length) expect(p.cleanProgressOn, family).toBeCloseTo(clean[0]!.progressOn, 9);
      for (const [rule, ticks] of p.topRules)
        expect(clean[0]?.rulesOn?.[rule], `${family} ${rule}`).toBe(ticks);
      expect(table).toContain(`| ${family} | 1 |`);
    }
    // the robot's worker and the pedestrian are the VRU rules' (seed 7: runs 8 and 2; in run 2 the ego
    // can stop for the person's step-out as the gate's emergency stop would, so only its crossing caps)
    expect(report.perFamily.robot_crossing!.topRules.map(([r]) => r)).toContain('iso15066.ssm');
    expect(report.perFamily.pedestrian_crossing!.topRules.map(([r]) => r)).toContain('vru.proximity');
  }, 120_000);
  it('pedestrians waiting at the kerb: the gate keeps the ego able to stop short of them instead of letting it slide to where a step-out meets its front (seeds 11: 38, 173; 20789: 344; 3: 389; 5: 911)', () => {
    for (const [seed, index] of [
      [11, 38],
      [11, 173],
      [20789, 344],
      [3, 389],
      [5, 911],
    ] as const) {
      const r = runFuzzCase(seed, index, 'idm', 6);
      expect(r.family).toBe('pedestrian_crossing');
      expect(r.atFaultOff, `${seed}: ${index} gate-off`).toBe(0);
      expect(r.atFaultOn, `${seed}: ${index} gate-on`).toBe(0);
    }
  }, 120_000);
});
