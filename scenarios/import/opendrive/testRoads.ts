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
