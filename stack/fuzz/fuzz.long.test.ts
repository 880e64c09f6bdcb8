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
  it('1000 randomised closed-loop runs: at-fault collisions with the gate on stay ≤ 4.5 %, ≤ 8 caused by the gate, clean CLS and progress close to gate-off', async () => {
    const seed = campaignSeed();
    const report = await runFuzz({ n: 1000, seed, planner: 'idm', durationS: 6, workers: 2 });
    console.log(
      `\nfuzz campaign, seed ${seed} (replay: FUZZ_SEED=${seed} npm run test:long)\n${fuzzTable(report)}\n`,
    );
    expect(report.errors).toBe(0);
    expect(report.runs.length).toBe(1000);
    expect(report.collidedOn).toBeLessThan(report.collidedOff);
    // nine families since issue 14 (lane change, oncoming drift, robot crossing, world text). Second
    // pass: seeds 7 and 11 measured 22 and 36 gate-on runs with an at-fault collision of 1000 (156 and
    // 173 gate-off), 4 and 4 caused by the gate, clean CLS 92.1/91.7 and 91.6/91.1, progress
    // 0.880/0.818 and 0.878/0.816 (margins for the rotating seed). Tracker-model pass (cut-in braking
    // ≤ 8 m/s²): seeds 7, 11 and 20789 measured 12, 25 and 21 gate-on (153, 172, 169 gate-off), 0, 3 and
    // 4 caused by the gate, clean CLS 92.1/91.3, 91.7/91.3, 91.0/90.5, progress 0.881/0.809,
    // 0.878/0.809, 0.862/0.796. Main after both gate passes merged: 13, 29 and 20 gate-on, 1, 3 and 3
    // caused by the gate, clean CLS 92.0/91.3, 91.7/91.4, 91.0/90.2, progress 0.880/0.818,
    // 0.878/0.817, 0.862/0.804. Third pass (tracked stop in the proper response, cutIn.closing, people
    // starting as bodies do, cut-ins an attentive driver avoids): 6, 11 and 11 gate-on (149, 165, 158
    // gate-off), 0, 3 and 2 caused by the gate, clean CLS 92.3/91.4, 91.8/91.2, 90.9/90.4, progress
    // 0.882/0.815, 0.880/0.814, 0.865/0.801
    expect(report.collidedOn).toBeLessThanOrEqual(45);
    expect(report.summary.causedByGate).toBeLessThanOrEqual(8);
    expect(report.summary.cleanScoreOn).toBeGreaterThanOrEqual(report.summary.cleanScoreOff - 1.5);
    expect(report.summary.cleanProgressOn).toBeGreaterThanOrEqual(report.summary.cleanProgressOff - 0.09);
  }, 1_200_000);
});
