import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edgeplan.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('edgeplan safety fuzz', () => {
  it('--runs writes one JSON line per run with its family, progress gate off / on and the rules that held it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ep-fuzz-')), 'runs.jsonl');
    const r = run('safety', 'fuzz', '--n', '9', '--workers', '1', '--seed', '3', '--runs', file);
    expect(r.status, r.stderr).toBe(0);
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // the nine families in order, each with the numbers the gap is made of
    expect(new Set(rows.map((x) => x.family)).size).toBe(9);
    for (const x of rows) {
      expect(typeof x.progressOff).toBe('number');
      expect(typeof x.progressOn).toBe('number');
      expect(typeof x.rulesOn).toBe('object');
    }
    expect(r.stdout).toContain(`wrote ${file} (9 runs)`);
  });
});

describe('edgeplan safety run (review 14 H3, L2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-safety-run-'));

  it('runs a command stack and the hierarchical planner, whose own gate writes a log that verifies', () => {
    for (const planner of ['hierarchical', 'idm-stack']) {
      const log = join(dir, `${planner}.jsonl`);
      const key = join(dir, `${planner}.pem`);
      const r = run('safety', 'run', 'cut_in', '--planner', planner, '--audit', log, '--key', key);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`cut_in · ${planner} \\(its gate\\) · score`));
      const records = Number(/\((\d+) records, head/.exec(r.stdout)?.[1]);
      expect(records).toBeGreaterThan(100);
      const v = run('audit', 'verify', log, '--pubkey', `${key}.pub`);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toContain(`${records} records`);
    }
  });

  it('refuses a +gate planner (a second gate around the gated one) and says what to give', () => {
    const r = run('safety', 'run', 'cut_in', '--planner', 'idm+gate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give it without \+gate \(idm\)/);
    // and lists as known only what it takes
    const u = run('safety', 'run', 'cut_in', '--planner', 'nope');
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/unknown planner "nope" \(known: .*idm-stack.*hierarchical/);
    expect(u.stderr).not.toMatch(/\+gate/);
  });

  it('says at once that a log written without --key cannot verify', () => {
    const r = run('safety', 'run', 'cut_in', '--audit', join(dir, 'unsigned.jsonl'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/written without a key \(--key <pem>\).*audit verify` will fail it/);
  });
});
