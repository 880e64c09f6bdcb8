/**
 * Fuzz smoke test (issue 7, kept small for `npm test`): 100 randomised closed-loop scenarios with
 * the full stack (IDM planner → gate → LQR tracker → bicycle), gate off vs on. The full 1000-case
 * campaign with a rotating seed is `fuzz.long.test.ts`, run by `npm run test:long`.
 */
import { describe, expect, it } from 'vitest';
import { fuzzTable, runFuzz } from './fuzz.ts';

describe('gate fuzz smoke', () => {
  it('100 randomised closed-loop runs: at-fault collisions with the gate on stay ≤ 2 % and below gate-off', async () => {
    const report = await runFuzz({ n: 100, seed: 7, planner: 'idm', durationS: 6, workers: 2 });
    console.log(`\n${fuzzTable(report)}\n`);
    expect(report.errors).toBe(0);
    expect(report.runs.length).toBe(100);
    expect(report.collidedOn).toBeLessThan(report.collidedOff);
    expect(report.collidedOn).toBeLessThanOrEqual(2);
  }, 300_000);
});
