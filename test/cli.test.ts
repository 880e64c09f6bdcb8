import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'edgeplan.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('edgeplan CLI', () => {
  it('lists the built-in scenarios with tags and descriptions', () => {
    const r = run('scenarios', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: string; tags: string[]; description: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) {
      expect(row.tags.length).toBeGreaterThan(0);
      expect(row.description.length).toBeGreaterThan(10);
    }
  });

  it('replay: the same seed gives byte-identical summary.json, across worker counts', () => {
    const a = mkdtempSync(join(tmpdir(), 'ep-a-'));
    const b = mkdtempSync(join(tmpdir(), 'ep-b-'));
    const ra = run('eval', 'builtin', '--planner', 'idm', '--seed', '3', '--workers', '2', '--out', a);
    expect(ra.stderr).toBe('');
    expect(ra.status).toBe(0);
    const rb = run('eval', 'builtin', '--planner', 'idm', '--seed', '3', '--workers', '1', '--out', b);
    expect(rb.status).toBe(0);
    const sa = readFileSync(join(a, 'idm', 'summary.json'), 'utf8');
    expect(sa).toBe(readFileSync(join(b, 'idm', 'summary.json'), 'utf8'));
    const summary = JSON.parse(sa);
    expect(summary.planner).toBe('idm');
    expect(summary.mode).toBe('nonreactive');
    expect(summary.scenarios.length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(summary.scenarios[0].metrics)).toContain('no_ego_at_fault_collisions');
    expect(ra.stdout).toContain('**suite**');
  });

  it.each([
    [['run', 'no_such_scenario'], /not a built-in scenario/],
    [['run', 'cut_in', '--planner', 'magic'], /unknown planner "magic"/],
    [['eval', 'builtin', '--workers', 'two'], /--workers must be an integer/],
    [['eval', 'builtin', '--mode', 'sideways'], /sideways/],
    [['frobnicate'], /unknown command/],
  ])('bad input %j: one line naming the problem, exit code 2', (args, re) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a malformed scenario file names the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-bad-'));
    const f = join(dir, 'bad.json');
    writeFileSync(
      f,
      JSON.stringify({ formatVersion: 1, id: 'x', map: { kind: 'inline', map: { id: 'm', lanes: [] } } }),
    );
    const r = run('run', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.json:/);
    const t = join(dir, 'trunc.json');
    writeFileSync(t, '{"formatVersion": 1, "id": ');
    const r2 = run('run', t);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/not valid JSON/);
  });
});
