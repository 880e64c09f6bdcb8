import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { laneMarks } from '../../../core/map/index.ts';
import { importCommonRoad } from './index.ts';

const TWO = fileURLToPath(new URL('../../../data/commonroad/edgeplan_two_lanes_2020a.xml', import.meta.url));

/** The two-lane file with lanelet 3's left bound broad_solid, lanelet 1's right no_marking, lanelet 2's right unknown. */
function lanes() {
  const text = readFileSync(TWO, 'utf8')
    .replace(
      '<point><x>50</x><y>7</y></point><lineMarking>solid</lineMarking>',
      '<point><x>50</x><y>7</y></point><lineMarking>broad_solid</lineMarking>',
    )
    .replace(
      '<point><x>50</x><y>0</y></point><lineMarking>solid</lineMarking>',
      '<point><x>50</x><y>0</y></point><lineMarking>no_marking</lineMarking>',
    )
    .replace(
      '<point><x>100</x><y>0</y></point></rightBound>',
      '<point><x>100</x><y>0</y></point><lineMarking>unknown</lineMarking></rightBound>',
    );
  const f = join(mkdtempSync(join(tmpdir(), 'crmarks-')), 'marks.xml');
  writeFileSync(f, text);
  const r = importCommonRoad(f);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return (id: string) => r.value.map!.lanes.find((l) => l.id === id)!;
}

describe('CommonRoad lineMarking as lane markings', () => {
  const lane = lanes();

  it('reads dashed, broad_solid (0.3 m) and no_marking', () => {
    expect(lane('1').leftMarks).toEqual([{ sM: 0, type: 'broken', color: 'white' }]);
    expect(lane('3').leftMarks).toEqual([{ sM: 0, type: 'solid', color: 'white', widthM: 0.3 }]);
    expect(lane('1').rightMarks).toEqual([{ sM: 0, type: 'none', color: 'white' }]);
  });

  it('leaves unknown and absent markings to the default from the boundary kind', () => {
    expect(lane('2').rightMarks).toBeUndefined();
    expect(lane('2').leftMarks).toBeUndefined();
    expect(laneMarks(lane('2'), 'right')).toEqual([{ sM: 0, type: 'solid', color: 'white' }]);
  });
});
