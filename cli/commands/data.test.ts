import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain as run } from '../../test/cliRun.ts';

// Through the CLI's main() in this process (test/cliRun.ts): the binary's own exit status and
// streams are tested in test/cli.test.ts; a fresh node per command here cost ~0.4 s of CPU each.
const ROOT = join(import.meta.dirname, '..', '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'edgeplan-data-'));

describe('edgeplan import / map / check-data', () => {
  it('import without --out (or with --check) prints what it found and the notes, and writes nothing', async () => {
    // ux20 #21: `import leadbrake.xosc` said only "required option '--out <path>' not specified"
    const dir = mkdtempSync(join(tmpdir(), 'ep-import-check-'));
    const before = readdirSync(dir);
    for (const args of [[], ['--check']]) {
      const r = await run('import', join(ROOT, 'data/esmini/resources/xosc/cut-in_simple.xosc'), ...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^scenario xosc_cut-in_simple: 1 agent\(s\), [\d.]+ s/m);
      expect(r.stdout).toMatch(/^event xosc_cut-in_simple: CutInEvent at/m);
      expect(r.stdout).toMatch(
        /^checked .*cut-in_simple\.xosc: \d+ unsupported, \d+ warning\(s\); nothing written/m,
      );
    }
    expect(readdirSync(dir)).toEqual(before);
    const both = await run(
      'import',
      join(ROOT, 'data/esmini/resources/xosc/cut-in_simple.xosc'),
      '--check',
      '--out',
      join(dir, 'x.json'),
    );
    expect(both.status).toBe(2);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('imports an OpenSCENARIO file to a scenario JSON whose map path is relative to it', async () => {
    const out = join(tmp(), 'cutin.json');
    const r = await run('import', join(ROOT, 'data/esmini/resources/xosc/cut-in_simple.xosc'), '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('event xosc_cut-in_simple: CutInEvent at 6.7 s');
    const s = JSON.parse(readFileSync(out, 'utf8')) as { map: { kind: string; path: string } };
    expect(s.map.kind).toBe('file');
    expect(s.map.path.startsWith('/')).toBe(false);
  });

  it('refuses a truncated OpenDRIVE file with one line and exit 2', async () => {
    const dir = tmp();
    const text = readFileSync(join(ROOT, 'data/esmini/resources/xodr/straight_500m.xodr'), 'utf8');
    writeFileSync(join(dir, 'cut.xodr'), text.slice(0, 3000));
    const r = await run('import', join(dir, 'cut.xodr'), '--out', join(dir, 'm.json'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cut.xodr');
  });

  it('draws a map with a CARLA route to PNG', async () => {
    const png = join(tmp(), 't2.png');
    const r = await run(
      'map',
      join(ROOT, 'data/carla/Town02.xodr'),
      '--route',
      `carla:${join(ROOT, 'data/carla/routes_town02.xml')}#2`,
      '--size',
      '400',
      '--png',
      png,
    );
    expect(r.status).toBe(0);
    // PNG signature.
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses a map --size that is no whole pixel count in range with one line and exit 2, writing nothing', async () => {
    // review 14 L4: 0 and 100000 gave "internal error: The canvas has no pixels" (exit 1), "abc" a 300×150 PNG
    const dir = tmp();
    for (const size of ['0', '100000', 'abc', '1.5']) {
      const png = join(dir, `m${size}.png`);
      const r = await run(
        'map',
        join(ROOT, 'data/esmini/resources/xodr/straight_500m.xodr'),
        '--size',
        size,
        '--png',
        png,
      );
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `edgeplan: --size must be a whole number of pixels from 16 to 16384, got "${size}"`,
      ]);
      expect(existsSync(png)).toBe(false);
    }
  });

  it('check-data prints loaded / total per family', async () => {
    const r = await run('check-data', join(ROOT, 'data'), '--no-run');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\| carla\s+\|\s+2\/2 \|/);
  });

  it('check-data runs the hierarchical stack, as `run` does', async () => {
    // A family folder with the hand-written two-lane CommonRoad scenario (one planning problem).
    const dir = tmp();
    mkdirSync(join(dir, 'cr'));
    copyFileSync(join(ROOT, 'data/commonroad/edgeplan_two_lanes_2020a.xml'), join(dir, 'cr', 'two.xml'));
    const r = await run('check-data', dir, '--planner', 'hierarchical');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('CLS-NR (hierarchical)');
    // the family's score beside its runs (issue 17 item 8: a score, not only "ran")
    expect(r.stdout).toMatch(/\| cr\s+\|\s+1\/1 \|.*\|\s+1\/1 \|\s+\d+\.\d \|/);
  });
});
