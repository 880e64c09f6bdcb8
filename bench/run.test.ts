import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairedDifference, startsHeading } from './controller.ts';
import { llamaPerCall } from './planner.ts';

const RESULTS = join(import.meta.dirname, 'results.json');

describe('npm run bench', () => {
  it('an unknown section exits 2 before anything runs: nothing measured, results.json not written', () => {
    // ux20 D1: `npm run bench nope` wrote bench/results.json, then exited 2
    const before = existsSync(RESULTS) ? statSync(RESULTS).mtimeMs : -1;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run.ts'), 'nope'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /bench: unknown section nope \(sim, .*controller.*\); nothing run, nothing written/,
    );
    expect(r.stdout).not.toMatch(/machine:|wrote/);
    expect(existsSync(RESULTS) ? statSync(RESULTS).mtimeMs : -1).toBe(before);
  });

  it('bench controller with one start says there is no interval instead of "starts 1–0" and "± NaN"', () => {
    // ux20 #13
    expect(startsHeading(1)).not.toMatch(/1–0/);
    expect(startsHeading(1)).toMatch(/over 1 ego start per scenario \(start 0 as built; no perturbed starts/);
    expect(startsHeading(6)).toMatch(/over 6 ego starts .*starts 1–5/);
    expect(pairedDifference(0.85, Number.NaN, 1)).toBe('+0.85 ± n/a (1 start)');
    expect(pairedDifference(-1.2, 0.6, 6)).toBe('-1.20 ± 0.60');
  });

  it('bench planner times llama calls on the loaded tiny model, not LOADING fallbacks', async () => {
    // the client loads in the background and answers LOADING until then: the bench timed 30
    // instant fallbacks ("0/10 schema-valid (10 LOADING)") until it waited for ready()
    const { loadMs, rows } = await llamaPerCall(1);
    expect(loadMs).toBeGreaterThan(0);
    expect(rows.map((r) => r.schemaName)).toEqual([
      'scene_analysis',
      'lateral_decision',
      'longitudinal_decision',
    ]);
    for (const r of rows)
      expect({ schema: r.schemaName, ok: r.ok, failures: r.failures }).toEqual({
        schema: r.schemaName,
        ok: 1,
        failures: {},
      });
  }, 120_000);
});
