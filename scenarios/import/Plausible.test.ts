import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importFile } from './index.ts';
import { implausible } from './Plausible.ts';

const data = (f: string) => fileURLToPath(new URL(`../../data/${f}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'plausible-'));

/** `file` with `from` replaced by `to` (which must occur), written to the temp dir as `name`. */
function variant(file: string, name: string, from: string, to: string): string {
  const text = readFileSync(file, 'utf8');
  expect(text.includes(from), `${from} in ${file}`).toBe(true);
  const p = join(dir, name);
  writeFileSync(p, text.replace(from, to));
  return p;
}

function errorOf(path: string): string {
  const r = importFile(path);
  if (r.ok) throw new Error(`${path} imported (${r.value.warnings.join('; ')})`);
  return `${r.error.path}: ${r.error.message}`;
}

describe('implausible', () => {
  it('refuses non-finite values and values beyond each quantity bound, and takes the ones in range', () => {
    expect(implausible(Number.NaN, 'offset', 'NaN')).toMatch(/"NaN" is not a finite number/);
    expect(implausible(1e308, 'coordinate')).toMatch(/plausible range of a coordinate \(±10000000 m\)/);
    expect(implausible(4.6e6, 'coordinate')).toBeUndefined();
    expect(implausible(101, 'dimension')).toMatch(/body dimension/);
    expect(implausible(0, 'dimension')).toBeUndefined();
    expect(implausible(151, 'speed')).toMatch(/speed/);
    expect(implausible(69.4, 'speed')).toBeUndefined();
  });
});

describe('importers refuse absurd numbers naming the file’s own element (review ux21 #4)', () => {
  // the scenario's road by absolute path, so that the copy in the temp dir finds it
  const xosc = data('esmini-compare/loop.xosc');
  const road = data('esmini-compare/loop.xodr');
  const withRoad = (p: string) => {
    writeFileSync(p, readFileSync(p, 'utf8').replace('"loop.xodr"', `"${road}"`));
    return p;
  };
  const oscVariant = (name: string, centre: string) =>
    withRoad(variant(xosc, name, '<Center x="1.4" y="0" z="0.75"/>', centre));

  it('OpenSCENARIO: the copy with its own numbers imports; BoundingBox Center x = NaN or 1e308 does not', () => {
    const same = oscVariant('same.xosc', '<Center x="1.4" y="0" z="0.75"/>');
    expect(importFile(same).ok).toBe(true);
    expect(errorOf(oscVariant('nan.xosc', '<Center x="NaN" y="0" z="0.75"/>'))).toMatch(
      /nan\.xosc:\/OpenSCENARIO\/Entities\[0\]\/ScenarioObject\[0\]\/Vehicle\[0\]\/BoundingBox\[0\]\/Center\[0\]@x: "NaN" is not a finite number/,
    );
    expect(errorOf(oscVariant('huge.xosc', '<Center x="1e308" y="0" z="0.75"/>'))).toMatch(
      /Center\[0\]@x: "1e308" is outside the plausible range/,
    );
  });

  it('OpenSCENARIO: a LanePosition s of 1e308 is refused by its attribute', () => {
    const p = withRoad(variant(xosc, 'far.xosc', 'offset="0" s="10"', 'offset="0" s="1e308"'));
    expect(errorOf(p)).toMatch(/LanePosition\[0\]@s: "1e308" is outside the plausible range of a coordinate/);
  });

  it('Lanelet2: local_x = 1e300 is refused naming the node and the tag', () => {
    const p = variant(
      data('lanelet2/edgeplan_small.osm'),
      'hugex.osm',
      '<tag k="local_x" v="0"/>',
      '<tag k="local_x" v="1e300"/>',
    );
    expect(errorOf(p)).toMatch(
      /osm\/node\[0\]\[id=1\]\/tag\[k=local_x\]@v: "1e300" is outside the plausible range/,
    );
  });

  it('CommonRoad: a point x of 1e308 is refused naming the point, not a derived field', () => {
    const p = variant(
      data('commonroad/edgeplan_two_lanes_2020a.xml'),
      'huge_cr.xml',
      '<point><x>0</x><y>3.5</y></point>',
      '<point><x>1e308</x><y>3.5</y></point>',
    );
    expect(errorOf(p)).toMatch(
      /commonRoad\/lanelet\[0\]\/leftBound\/point\[0\]\/x: "1e308" is outside the plausible range/,
    );
  });

  it('OpenDRIVE: a geometry x of 1e308 is refused naming the geometry', () => {
    const p = variant(
      data('esmini/resources/xodr/straight_500m.xodr'),
      'huge.xodr',
      ' x="',
      ' x="1e308" xx="',
    );
    expect(errorOf(p)).toMatch(/geometry.*@x: "1e308" is outside the plausible range of a coordinate/);
  });
});
