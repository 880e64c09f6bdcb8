import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain as run } from '../../test/cliRun.ts';
import { loadRunViews } from '../../viewer/server/runView.ts';

const ROOT = join(import.meta.dirname, '..', '..');

describe('edgeplan export', () => {
  it('--time-base zero: two exports of one log are byte-identical; a moved folder finds its scenario beside the log; a missing or edited one is said in one line', async () => {
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
    // the log keeps where its scenario lies relative to itself and its content hash (round 21)
    const rec = JSON.parse(readFileSync(log, 'utf8'));
    expect(rec.scenarioRelRef).toBe('../cut.json');
    expect(rec.scenarioSha256).toMatch(/^[0-9a-f]{64}$/);
    // an old log (written before round 21): no relative ref, still loads where it ran
    const old = join(a, 'run', 'old.json');
    const { scenarioRelRef: _r, scenarioSha256: _h, ...oldRec } = rec;
    writeFileSync(old, JSON.stringify(oldRec));
    expect((await run('export', old, '--mcap', x1)).status).toBe(0);
    // the folder moved (to another machine: the absolute path is gone): found beside the log
    const b = join(dir, 'B');
    renameSync(a, b);
    const movedLog = join(b, 'run', 'xosc_cut-in_simple.json');
    const moved = await run('export', movedLog, '--mcap', x1, '--time-base', 'zero');
    expect(moved.status).toBe(0);
    expect(readFileSync(x1).equals(readFileSync(x2))).toBe(true);
    const views = loadRunViews([movedLog]);
    expect(views.ok && views.value.views.length).toBe(1);
    // the moved old log cannot know: one line saying where it looked and what to pass
    const oldMoved = await run('export', join(b, 'run', 'old.json'), '--mcap', x1);
    expect(oldMoved.status).toBe(2);
    expect(oldMoved.stderr.trim().split('\n')).toHaveLength(1);
    expect(oldMoved.stderr).toMatch(
      /its scenario is missing: not at .*A\/cut\.json \(where it ran\) \(a log written before round 21.*pass --scenario <its path now>/,
    );
    // the scenario edited since the run: refused by its hash, in one line
    writeFileSync(join(b, 'cut.json'), `${readFileSync(join(b, 'cut.json'), 'utf8')} `);
    const edited = await run('export', movedLog, '--mcap', x1);
    expect(edited.status).toBe(2);
    expect(edited.stderr).toMatch(
      /its scenario file changed since the run \(sha256 differs: .*B\/cut\.json\)/,
    );
    const viewsEdited = loadRunViews([movedLog]);
    expect(!viewsEdited.ok && viewsEdited.error.message).toMatch(/changed since the run/);
    // gone: both places named
    rmSync(join(b, 'cut.json'));
    const gone = await run('export', movedLog, '--mcap', x1);
    expect(gone.stderr).toMatch(
      /not at .*A\/cut\.json \(where it ran\) nor at .*B\/cut\.json \(beside the log\)/,
    );
    const given = await run(
      'export',
      movedLog,
      '--mcap',
      x1,
      '--scenario',
      join(ROOT, 'data/esmini/resources/xosc/cut-in_simple.xosc'),
    );
    expect(given.status).toBe(0);
  });
});
