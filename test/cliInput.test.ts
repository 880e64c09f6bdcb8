/**
 * Input handling of `run` / `eval` / `ros` on damaged and unusual files (review ux19): the XML
 * importers' shared well-formedness check, missing and empty files, a BOM in JSON, an unknown
 * `#id`, import notes shown instead of swallowed, YAML errors with their source line.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './cliRun.ts';

const ROOT = join(import.meta.dirname, '..');
const XOSC = join(ROOT, 'data/esmini/resources/xosc/cut-in_simple.xosc');
const XODR = join(ROOT, 'data/esmini/resources/xodr/straight_500m.xodr');
const ROUTES = join(ROOT, 'data/carla/routes_town02.xml');
const CR = join(ROOT, 'data/commonroad/ZAM_Tutorial-1_2_T-1.xml');
const dir = mkdtempSync(join(tmpdir(), 'ep-input-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const xosc = readFileSync(XOSC, 'utf8');

/** One line on stderr, exit 2, no stack. */
async function oneLineError(...args: string[]): Promise<string> {
  const r = await runMain(...args);
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('XML well-formedness, for every XML importer (ux19 #3, #8)', () => {
  it.each([
    ['OpenSCENARIO, mismatched end tag', 'ms.xosc', xosc.replace('</Storyboard>', '</Storybord>')],
    ['OpenSCENARIO, an element never closed', 'uc.xosc', xosc.replace('<Storyboard>', '<Storyboard><Foo>')],
    [
      'CARLA routes, mismatched end tag',
      'rt.xml',
      readFileSync(ROUTES, 'utf8').replace('</route>', '</rout>'),
    ],
  ])('%s: a parse error at line:col naming both tags', async (_what, name, text) => {
    const p = write(name, text);
    const ref = name.endsWith('.xml') ? `carla:${p}#0` : p;
    const e = await oneLineError('run', ref, '--map', join(ROOT, 'data/carla/Town02.xodr'));
    expect(e).toMatch(
      new RegExp(
        `parse error at ${p.replace(/[.]/g, '\\.')}:\\d+:\\d+: malformed XML: Expected closing tag '\\w+' \\(opened in line \\d+, col \\d+\\) instead of closing tag '\\w+'`,
      ),
    );
  });

  it('OpenDRIVE: a mismatched end tag is refused by import (it wrote the map)', async () => {
    const p = write('mm.xodr', readFileSync(XODR, 'utf8').replace('</road>', '</raod>'));
    const e = await oneLineError('import', p, '--out', join(dir, 'mm.json'));
    expect(e).toMatch(/parse error at .*mm\.xodr:\d+:\d+: malformed XML: Expected closing tag 'road'/);
  });

  it('a file cut off inside nested elements: the end of the file, the innermost open element, no tag dump', async () => {
    const cut = xosc.slice(0, 3000);
    const p = write('trunc.xosc', cut);
    const lines = cut.split('\n');
    const e = await oneLineError('run', p);
    expect(e).toContain(
      `parse error at ${p}:${lines.length}:${lines.at(-1)!.length + 1}: unexpected end of file inside <`,
    );
    expect(e).toMatch(/elements left open, the outermost <OpenSCENARIO>\)$/);
    expect(e).not.toContain('[');
  });

  it('CommonRoad cut off: the same message', async () => {
    const p = write('trunc.xml', readFileSync(CR, 'utf8').slice(0, 4000));
    expect(await oneLineError('run', p)).toMatch(
      /:\d+:\d+: unexpected end of file inside <\w+> \(\d+ elements left open, the outermost <commonRoad>\)$/,
    );
  });
});

describe('missing, empty and BOM files (ux19 #9, #10)', () => {
  it.each(['nope.xml', 'nope.xosc', 'nope.json', 'nope.osm'])('%s: not found: PATH', async (name) => {
    const p = join(dir, name);
    expect(await oneLineError('run', p)).toBe(`edgeplan: not found: ${p}`);
  });

  it.each(['empty.xml', 'empty.xosc', 'empty.json'])('%s: empty file: PATH', async (name) => {
    const p = write(name, name.endsWith('.json') ? '\n' : '');
    expect(await oneLineError('run', p)).toBe(`edgeplan: empty file: ${p}`);
  });

  it('a Scenario JSON with a UTF-8 BOM runs like the same file without one', async () => {
    const plain = join(dir, 'plain.json');
    expect((await runMain('import', XOSC, '--out', plain)).status).toBe(0);
    const bom = write('bom.json', `\uFEFF${readFileSync(plain, 'utf8')}`);
    const a = await runMain('run', plain, '--planner', 'idm');
    const b = await runMain('run', bom, '--planner', 'idm');
    expect(b.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('run and eval show what the import could not use (ux19 #2, #11, #12)', () => {
  it('run prints the unresolved entity references before the score', async () => {
    const p = write('badref.xosc', xosc.replaceAll('entityRef="Ego"', 'entityRef="Egoo"'));
    copyFileSync(XODR, join(dir, 'straight_500m.xodr'));
    const r = await runMain('run', p, '--planner', 'idm', '--map', XODR);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const score = lines.findIndex((l) => l.includes(' · score '));
    expect(lines.slice(0, score).some((l) => /^unsupported: .*unknown entity Egoo/.test(l))).toBe(true);
  });

  it('eval prints a count and the first notes per file, and writes them all to the results folder', async () => {
    const p = write('badref2.xosc', xosc.replaceAll('entityRef="Ego"', 'entityRef="Egoo"'));
    const out = join(dir, 'ev');
    const r = await runMain('eval', `${p},cut_in`, '--planner', 'idm', '--map-root', XODR, '--out', out);
    expect(r.status).toBe(0);
    const m = new RegExp(`^${p.replace(/[.]/g, '\\.')}: (\\d+) import note\\(s\\)$`, 'm').exec(r.stdout);
    expect(m).not.toBeNull();
    const all = readFileSync(join(out, 'import_notes.txt'), 'utf8').trim().split('\n');
    expect(all).toHaveLength(Number(m![1]));
    expect(all.every((l) => l.startsWith(`${p}: `))).toBe(true);
    expect(r.stdout).not.toMatch(/^cut_in: \d+ import note/m);
  });

  it('an .xosc#id the file does not hold is not found, naming the ids there are', async () => {
    const e = await oneLineError('run', `${XOSC}#foo`);
    expect(e).toBe(
      `edgeplan: not found at ${XOSC}#foo: no scenario with this id (the file holds xosc_cut-in_simple)`,
    );
  });

  it('an ego that starts off its route says how far', async () => {
    const plain = join(dir, 'off.json');
    expect((await runMain('import', XOSC, '--out', plain)).status).toBe(0);
    const s = JSON.parse(readFileSync(plain, 'utf8'));
    s.egoStart.x += 3000;
    writeFileSync(plain, JSON.stringify(s));
    const r = await runMain('run', plain, '--planner', 'idm');
    expect(r.stdout).toMatch(/^warning: egoStart \([\d.-]+, [\d.-]+\) is \d+ m from the route's lanes/m);
  });
});

describe('other references (ux19 #19, #21)', () => {
  it('a CARLA route on the map of another town names the town it needs', async () => {
    const p = write(
      'routes_town05.xml',
      readFileSync(ROUTES, 'utf8').replaceAll('town="Town02"', 'town="Town05"'),
    );
    const e = await oneLineError('run', `carla:${p}#0`, '--map', XODR);
    expect(e).toContain('route 0 is in Town05; the map given is straight_500m.xodr');
  });

  it('a YAML config that does not parse: position, message and the line it points at', async () => {
    const p = write('bad.yaml', 'profile: robot\n  bad: [\n');
    const e = await oneLineError(
      'ros',
      '--config',
      p,
      '--map',
      'builtin:cut_in',
      '--url',
      'ws://127.0.0.1:1',
    );
    expect(e).toBe(
      `edgeplan: parse error at ${p}:1:10: Nested mappings are not allowed in compact mappings (line 1: "profile: robot")`,
    );
  });
});

describe('quick ones (ux19 #18, #25, #29)', () => {
  it('import builtin:<id> writes the built-in scenario as a Scenario JSON that runs the same', async () => {
    const p = join(dir, 'wh.json');
    const w = await runMain('import', 'builtin:warehouse_robot', '--out', p);
    expect(w.status).toBe(0);
    expect(w.stdout).toContain(`wrote scenario warehouse_robot`);
    const a = await runMain('run', 'warehouse_robot', '--planner', 'idm');
    const b = await runMain('run', p, '--planner', 'idm');
    expect(b.stdout).toBe(a.stdout);
    expect(await oneLineError('import', 'builtin:nope', '--out', p)).toMatch(
      /builtin:nope: no such built-in scenario \(.*warehouse_robot/,
    );
  });

  it('run on a Lanelet2 .osm says it is a road map (no "planning problem"); the help lists no .osm scenario', async () => {
    const e = await oneLineError('run', join(ROOT, 'data/lanelet2/edgeplan_small.osm'));
    expect(e).toContain('is a Lanelet2 road map, not a scenario');
    expect(e).not.toContain('planning problem');
    const help = await runMain('run', '--help');
    expect(help.stdout).toContain('.xosc');
    expect(help.stdout).not.toContain('.osm');
  });

  it('safety run without --audit says nothing was recorded', async () => {
    const r = await runMain('safety', 'run', 'cut_in', '--planner', 'idm');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^no audit log \(--audit <log> --key <pem>\)/m);
  });
});
