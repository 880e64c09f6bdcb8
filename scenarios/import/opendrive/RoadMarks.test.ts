import { describe, expect, it } from 'vitest';
import { laneChangeAllowedAt, laneMarks, markAt } from '../../../core/map/index.ts';
import { parseOpenDrive } from './index.ts';

/**
 * A straight 100 m road along +x: lane 1 (left, drives −x), lanes −1 and −2 (right, drive +x). The
 * centre line is yellow `solid broken` (the solid on lane 1's side, +t: its lines are named left to
 * right) for s < 40, then a yellow broken line 0.12 m wide; lane −1's outer border is a white broken
 * line of 3 m paint / 9 m gap (a `<type><line>` detail) with `laneChange="both"`; lane −2's a curb;
 * lane 1's a solid line with `laneChange="none"`.
 */
const XODR = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="3" length="100" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0" length="100"><line/></geometry></planView>
 <lanes>
  <laneSection s="0">
   <left><lane id="1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>
     <roadMark sOffset="0" type="solid" color="standard" laneChange="none"/></lane></left>
   <center><lane id="0" type="none">
     <roadMark sOffset="0" type="solid broken" color="yellow"/>
     <roadMark sOffset="40" type="broken" color="yellow" width="0.12"/></lane></center>
   <right>
    <lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>
     <roadMark sOffset="0" type="broken" color="white" laneChange="both">
      <type name="urban"><line length="3" space="9" tOffset="0" sOffset="0" width="0.15"/></type>
     </roadMark></lane>
    <lane id="-2" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>
     <roadMark sOffset="0" type="curb"/></lane>
   </right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;

function lanes() {
  const r = parseOpenDrive(XODR, 'marks.xodr');
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return (id: string) => r.value.map.lanes.find((l) => l.id === id)!;
}

describe('OpenDRIVE road marks', () => {
  it('reads each roadMark record with its sOffset, colour and width along the lane', () => {
    const l = lanes()('3_0_-1');
    expect(l.leftMarks).toEqual([
      { sM: 0, type: 'broken_solid', color: 'yellow' },
      { sM: 40, type: 'broken', color: 'yellow', widthM: 0.12 },
    ]);
  });

  it('reads the dash pattern of a <type><line> detail and laneChange as an explicit permission', () => {
    const l = lanes()('3_0_-1');
    expect(l.rightMarks).toEqual([
      { sM: 0, type: 'broken', color: 'white', widthM: 0.15, dashM: 3, gapM: 9, crossable: true },
    ]);
    expect(lanes()('3_0_-2').rightMarks).toEqual([{ sM: 0, type: 'curb', color: 'white' }]);
  });

  it('names a double centre line from each lane outward and turns its sOffset round for the lane against s', () => {
    const l1 = lanes()('3_0_1');
    // lane 1 drives −x: the broken stretch (s 40…100) comes first, the solid one from 60 m on
    expect(l1.leftMarks).toEqual([
      { sM: 0, type: 'broken', color: 'yellow', widthM: 0.12 },
      { sM: 60, type: 'solid_broken', color: 'yellow' },
    ]);
    expect(l1.rightMarks).toEqual([{ sM: 0, type: 'solid', color: 'white', crossable: false }]);
  });

  it('gives the lane-change permission of the stretch at an arc length (the solid side forbids it)', () => {
    const get = lanes();
    const l1 = get('3_0_1');
    const lm1 = get('3_0_-1');
    // lane −1 may cross the centre line everywhere (the broken line is on its side) …
    expect(laneChangeAllowedAt(lm1, 'left', 10)).toBe(true);
    expect(laneChangeAllowedAt(lm1, 'left', 70)).toBe(true);
    // … lane 1 not where the solid line is on its side (its s 60…100 = road s 0…40)
    expect(laneChangeAllowedAt(l1, 'left', 20)).toBe(true);
    expect(laneChangeAllowedAt(l1, 'left', 80)).toBe(false);
    expect(laneChangeAllowedAt(l1, 'right', 50)).toBe(false);
    expect(markAt(laneMarks(lm1, 'left'), 39.9).type).toBe('broken_solid');
    expect(markAt(laneMarks(lm1, 'left'), 40).type).toBe('broken');
  });
});

describe('OpenDRIVE road marks never refuse a map', () => {
  it('leaves out what the contract cannot hold (a 500 m dash, a 5 m wide line, a bad sOffset) with warnings', () => {
    const odd = XODR.replace('<line length="3" space="9"', '<line length="500" space="9"')
      .replace('width="0.12"', 'width="5"')
      .replace(
        '<roadMark sOffset="0" type="curb"/>',
        '<roadMark sOffset="x" type="curb"/><roadMark sOffset="0" type="zigzag"/>',
      );
    const r = parseOpenDrive(odd, 'odd.xodr');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const lane = (id: string) => r.value.map.lanes.find((l) => l.id === id)!;
    expect(lane('3_0_-1').rightMarks).toEqual([
      { sM: 0, type: 'broken', color: 'white', widthM: 0.15, crossable: true },
    ]);
    expect(lane('3_0_-1').leftMarks![1]).toEqual({ sM: 40, type: 'broken', color: 'yellow' });
    expect(lane('3_0_-2').rightMarks).toEqual([{ sM: 0, type: 'none', color: 'white' }]);
    expect(r.value.warnings.some((w) => w.includes('roadMark[0]@sOffset'))).toBe(true);
    expect(r.value.warnings.some((w) => w.includes('"zigzag"'))).toBe(true);
  });
});
