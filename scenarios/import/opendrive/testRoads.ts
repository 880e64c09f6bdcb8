/** Tiny hand-written OpenDRIVE documents for tests (values chosen so expected results are easy to compute by hand). */

export interface StraightOptions {
  rule?: 'RHT' | 'LHT';
  lengthM?: number;
  widthM?: number;
  centerMark?: string;
  laneOffsetM?: number;
}

/** One straight road along +x from (0, 0) with lanes 1 and -1 (and -2 with a broken mark between -1 and -2). */
export function straightRoadXodr(o: StraightOptions = {}): string {
  const len = o.lengthM ?? 100;
  const w = o.widthM ?? 3.5;
  const rule = o.rule ? ` rule="${o.rule}"` : '';
  const lane = (id: number, mark: string) =>
    `<lane id="${id}" type="driving"><width sOffset="0" a="${w}" b="0" c="0" d="0"/><roadMark sOffset="0" type="${mark}"/></lane>`;
  return `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="7" length="${len}" junction="-1"${rule}>
 <type s="0" type="town"><speed max="36" unit="km/h"/></type>
 <planView><geometry s="0" x="0" y="0" hdg="0" length="${len}"><line/></geometry></planView>
 <lanes><laneOffset s="0" a="${o.laneOffsetM ?? 0}" b="0" c="0" d="0"/>
  <laneSection s="0">
   <left>${lane(1, 'solid')}</left>
   <center><lane id="0" type="none"><roadMark sOffset="0" type="${o.centerMark ?? 'solid'}"/></lane></center>
   <right>${lane(-1, 'broken')}${lane(-2, 'solid')}</right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;
}

/**
 * A straight 10 m road whose shoulder -1 narrows from 0.5 m by 0.1 m per m, below 0 after s = 5
 * (as fitted width records dip near a section's end), with driving lane -2 (3 m) outside it.
 * libOpenDRIVE c3a5c8c8a3a16483f6a8ae9efb6fcb096f7ce2fb (`/tmp/libopendrive-dump negw.xodr 4`,
 * scripts/reference/): at s = 8 lane -1's outer border t = 0.3 (width -0.3), lane -2's t = -2.7.
 */
export const NEGATIVE_WIDTH_XODR = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="1" length="10" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0" length="10"><line/></geometry></planView>
 <lanes>
  <laneSection s="0">
   <center><lane id="0" type="none"/></center>
   <right><lane id="-1" type="shoulder"><width sOffset="0" a="0.5" b="-0.1" c="0" d="0"/></lane><lane id="-2" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane></right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;

/**
 * A straight 20 m road whose lanes are given by `<border>` records (t of each lane's outer border
 * from the reference line, ASAM OpenDRIVE 1.8 §11.6.2): lane 1 out to t = 3.5, lane 2 out to
 * t = 7 + 0.05·ds (widening 3.5 → 4.5 m), lane -1 out to t = -3.25, lane -2 out to -6.5 from
 * s = 10 on (a second record: -6.25 before); lane -3 has both a width (1 m) and a border (t = -20):
 * the width wins. Hand-computed: lane 2 at s = 10 spans 3.5 … 7.5 (centre 5.5, width 4).
 */
export const BORDER_LANES_XODR = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="7"/>
<road id="3" length="20" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0" length="20"><line/></geometry></planView>
 <lanes>
  <laneSection s="0">
   <left>
    <lane id="2" type="driving"><border sOffset="0" a="7" b="0.05" c="0" d="0"/></lane>
    <lane id="1" type="driving"><border sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>
   </left>
   <center><lane id="0" type="none"/></center>
   <right>
    <lane id="-1" type="driving"><border sOffset="0" a="-3.25" b="0" c="0" d="0"/></lane>
    <lane id="-2" type="driving"><border sOffset="0" a="-6.25" b="0" c="0" d="0"/><border sOffset="10" a="-6.5" b="0" c="0" d="0"/></lane>
    <lane id="-3" type="shoulder"><width sOffset="0" a="1" b="0" c="0" d="0"/><border sOffset="0" a="-20" b="0" c="0" d="0"/></lane>
   </right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;

/**
 * ASAM OpenDRIVE 1.8 §11.4's lane-offset example on a straight 100 m road: records at s = 25
 * (a = 0, c = 3.9e-3, d = -5.2e-5) and s = 75 (a = 3.25), one 3 m lane each side. Hand-computed
 * offset: 0 before s = 25, 1.625 at s = 50 (c·25² + d·25³), 3.25 from s = 75.
 */
export const LANE_OFFSET_EXAMPLE_XODR = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="7"/>
<road id="1" length="100" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0" length="100"><line/></geometry></planView>
 <lanes>
  <laneOffset s="25.0" a="0.0" b="0.0" c="3.9e-03" d="-5.2e-05"/>
  <laneOffset s="75.0" a="3.25" b="0.0" c="0.0" d="0.0"/>
  <laneSection s="0">
   <left><lane id="1" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane></left>
   <center><lane id="0" type="none"/></center>
   <right><lane id="-1" type="driving"><width sOffset="0" a="3" b="0" c="0" d="0"/></lane></right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;
