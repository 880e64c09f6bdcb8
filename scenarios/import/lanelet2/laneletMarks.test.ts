import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { laneChangeAllowedAt } from '../../../core/map/index.ts';
import { importLanelet2 } from './index.ts';

/**
 * Three lanelets along +x, 10 m long, 3.5 m wide: A (y 0…3.5), B (y 3.5…7) beside it the same way,
 * C (y 7…10.5) the other way. A|B share way 202, a thick yellow `solid_dashed` drawn +x (solid on
 * its left, B's side); B|C share way 203, a thin `dashed` line drawn −x with `lane_change=no`; A's
 * right bound is a curbstone, C's a virtual line.
 */
const OSM = `<?xml version="1.0"?>
<osm version="0.6">
  ${[
    [1, 0, 0],
    [2, 10, 0],
    [3, 0, 3.5],
    [4, 10, 3.5],
    [5, 0, 7],
    [6, 10, 7],
    [7, 0, 10.5],
    [8, 10, 10.5],
  ]
    .map(
      ([id, x, y]) =>
        `<node id="${id}" lat="0" lon="0"><tag k="local_x" v="${x}"/><tag k="local_y" v="${y}"/></node>`,
    )
    .join('\n  ')}
  <way id="201"><nd ref="1"/><nd ref="2"/><tag k="type" v="curbstone"/></way>
  <way id="202"><nd ref="3"/><nd ref="4"/><tag k="type" v="line_thick"/><tag k="subtype" v="solid_dashed"/><tag k="color" v="yellow"/></way>
  <way id="203"><nd ref="6"/><nd ref="5"/><tag k="type" v="line_thin"/><tag k="subtype" v="dashed"/><tag k="lane_change" v="no"/></way>
  <way id="204"><nd ref="7"/><nd ref="8"/><tag k="type" v="virtual"/></way>
  <relation id="11"><member type="way" ref="202" role="left"/><member type="way" ref="201" role="right"/><tag k="type" v="lanelet"/><tag k="subtype" v="road"/></relation>
  <relation id="12"><member type="way" ref="203" role="left"/><member type="way" ref="202" role="right"/><tag k="type" v="lanelet"/><tag k="subtype" v="road"/></relation>
  <relation id="13"><member type="way" ref="203" role="left"/><member type="way" ref="204" role="right"/><tag k="type" v="lanelet"/><tag k="subtype" v="road"/></relation>
</osm>`;

function lanes() {
  const dir = mkdtempSync(join(tmpdir(), 'll2marks-'));
  const f = join(dir, 'marks.osm');
  writeFileSync(f, OSM);
  const r = importLanelet2(f);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return (id: string) => r.value.map!.lanes.find((l) => l.id === id)!;
}

describe('Lanelet2 line strings as lane markings', () => {
  const lane = lanes();

  it('names a double line from each lanelet outward (Lanelet2 names it left to right along the way)', () => {
    // way 202 runs +x: its left (solid) line is on B's side, its dashed line on A's
    expect(lane('11').leftMarks).toEqual([{ sM: 0, type: 'broken_solid', color: 'yellow', widthM: 0.3 }]);
    expect(lane('12').rightMarks).toEqual([{ sM: 0, type: 'solid_broken', color: 'yellow', widthM: 0.3 }]);
    expect(laneChangeAllowedAt(lane('11'), 'left', 5)).toBe(true);
    expect(laneChangeAllowedAt(lane('12'), 'right', 5)).toBe(false);
  });

  it('reads curbstone as a curb, virtual as no marking, and lane_change=no as an explicit prohibition', () => {
    expect(lane('11').rightMarks).toEqual([{ sM: 0, type: 'curb', color: 'white' }]);
    expect(lane('13').rightMarks).toEqual([{ sM: 0, type: 'none', color: 'white' }]);
    expect(lane('12').leftMarks).toEqual([{ sM: 0, type: 'broken', color: 'white', crossable: false }]);
    expect(laneChangeAllowedAt(lane('12'), 'left', 5)).toBe(false);
  });
});
