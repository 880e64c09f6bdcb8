import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edgeplan.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('edgeplan profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-profile-'));

  it('writes a .cpuprofile that parses as a V8 profile with nodes and samples', () => {
    const out = join(dir, 'cut_in.cpuprofile');
    const r = run('profile', 'cut_in', '--planner', 'idm', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const p = JSON.parse(readFileSync(out, 'utf8')) as {
      nodes: { id: number; callFrame: { functionName: string } }[];
      samples: number[];
      timeDeltas: number[];
      startTime: number;
      endTime: number;
    };
    expect(p.nodes.length).toBeGreaterThan(1);
    expect(p.samples.length).toBeGreaterThan(0);
    expect(p.timeDeltas).toHaveLength(p.samples.length);
    expect(p.endTime).toBeGreaterThan(p.startTime);
    const ids = new Set(p.nodes.map((n) => n.id));
    expect(p.samples.every((s) => ids.has(s))).toBe(true);
    expect(r.stdout).toContain(`wrote ${out}`);
  });

  it('rejects an unknown scenario with one line and exit code 2', () => {
    const r = run('profile', 'no_such_scenario', '--out', join(dir, 'x.cpuprofile'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
