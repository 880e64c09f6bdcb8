import { mkdirSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain as run } from '../../test/cliRun.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('edgeplan export', () => {
  it('--time-base zero: two exports of one log are byte-identical; a moved scenario is named with the --scenario hint', async () => {
    // ux20 #19 (exports differed from byte 117: the export time) and #8 (a moved folder: "not found", no hint)
    const dir = mkdtempSync(join(tmpdir(), 'ep-export-'));
    const a = join(dir, 'A');
    mkdirSync(a);
    const imp = await run(
      'import',
      join(ROOT, 'data/esmini/resources/xosc/cut-in_simple.xosc'),
      '--out',
      join(a, 'cut.json'),
    );
    expect(imp.status).toBe(0);
    const r = await run('run', join(a, 'cut.json'), '--planner', 'idm', '--out', join(a, 'run'));
    expect(r.status).toBe(0);
    const log = join(a, 'run', 'xosc_cut-in_simple.json');
    const x1 = join(dir, 'x1.mcap');
    const x2 = join(dir, 'x2.mcap');
    for (const x of [x1, x2]) {
      const e = await run('export', log, '--mcap', x, '--time-base', 'zero');
      expect(e.status).toBe(0);
      expect(e.stdout).toContain('timestamps start at 1970-01-01T00:00:00.000Z (--time-base)');
    }
    expect(readFileSync(x1).equals(readFileSync(x2))).toBe(true);
    expect((await run('export', log, '--mcap', x1, '--time-base', 'soon')).status).toBe(2);
    // the folder moved: the log's scenarioRef no longer resolves
    const b = join(dir, 'B');
    renameSync(a, b);
    const moved = await run('export', join(b, 'run', 'xosc_cut-in_simple.json'), '--mcap', x1);
    expect(moved.status).toBe(2);
    expect(moved.stderr).toMatch(/if the scenario moved, pass --scenario <its path now>/);
    const given = await run(
      'export',
      join(b, 'run', 'xosc_cut-in_simple.json'),
      '--mcap',
      x1,
      '--scenario',
      join(b, 'cut.json'),
    );
    expect(given.status).toBe(0);
  });
});
