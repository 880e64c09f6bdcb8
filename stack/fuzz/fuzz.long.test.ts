/**
 * The gate's full fuzz campaign (issue 7), run by `npm run test:long` and by CI after `npm test`:
 * 1000 randomised closed-loop scenarios, gate off vs on. The seed rotates (one per UTC day) so that
 * CI explores new cases; `FUZZ_SEED=<n>` replays a campaign, and the seed is printed with the table.
 */
import { describe, expect, it } from 'vitest';
import { fuzzTable, runFuzz } from './fuzz.ts';

/** `FUZZ_SEED` when set, else the number of the current UTC day (a new seed every day). */
function campaignSeed(): number {
  const env = process.env.FUZZ_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0) throw new Error(`FUZZ_SEED must be an integer ≥ 0, got "${env}"`);
    return n;
  }
  return Math.floor(Date.now() / 86_400_000);
}

describe('gate fuzz campaign', () => {
  it('1000 randomised closed-loop runs: at-fault collisions with the gate on stay ≤ 2 % and below gate-off', async () => {
    const seed = campaignSeed();
    const report = await runFuzz({ n: 1000, seed, planner: 'idm', durationS: 6, workers: 2 });
    console.log(
      `\nfuzz campaign, seed ${seed} (replay: FUZZ_SEED=${seed} npm run test:long)\n${fuzzTable(report)}\n`,
    );
    expect(report.errors).toBe(0);
    expect(report.runs.length).toBe(1000);
    expect(report.collidedOn).toBeLessThan(report.collidedOff);
    expect(report.collidedOn).toBeLessThanOrEqual(20);
  }, 1_200_000);
});
