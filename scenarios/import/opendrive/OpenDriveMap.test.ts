import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { importOpenDrive, loadOpenDrive, parseOpenDrive } from './index.ts';
import {
  BORDER_LANES_XODR,
  LANE_OFFSET_EXAMPLE_XODR,
  NEGATIVE_WIDTH_XODR,
  straightRoadXodr,
} from './testRoads.ts';

const TOWN02 = new URL('../../../data/carla/Town02.xodr', import.meta.url).pathname;

function mustParse(text: string) {
  const r = parseOpenDrive(text, 'test.xodr');
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('OpenDRIVE lanes', () => {
  it('places right lane -1 centre at t = -w/2 and drives it along the reference line (RHT)', () => {
    const m = mustParse(straightRoadXodr()).map;
    const l = m.lanes.find((x) => x.id === '7_0_-1')!;
    expect(l.centerline[0]).toEqual({ x: 0, y: -1.75 });
    expect(l.centerline[l.centerline.length - 1]!.x).toBeCloseTo(100, 9);
    expect(l.widthM).toBeCloseTo(3.5, 9);
  });

  it('moves a lane in where the lane inside it has a negative width polynomial (libOpenDRIVE, esmini stack it so)', () => {
    const l = mustParse(NEGATIVE_WIDTH_XODR).map.lanes.find((x) => x.id === '1_0_-2')!;
    // libOpenDRIVE at s = 8: lane -2 between t = 0.3 and -2.7 (testRoads.ts), centre -1.2.
    const p = l.centerline.find((q) => Math.abs(q.x - 8) < 1e-9)!;
    expect(p.y).toBeCloseTo(-1.2, 9);
  });

  it('reads a road link whose contactPoint names the far end of the linked road at the end that touches (crdesigner cr2odr maps)', () => {
    // Road 1 ends at x = 10 where road 2 (x 20 -> 10) ends, but names road 2's start. libOpenDRIVE
    // c3a5c8c8a3a16483f6a8ae9efb6fcb096f7ce2fb routes 1/-1 -> 2/1 (scripts/reference/libopendrive-dump
    // on this document: "edges":[["1",0,-1,"2",0,1]]); read by the letter the lanes met end to end.
    const xodr = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="1" length="10" junction="-1">
 <link><successor elementType="road" elementId="2" contactPoint="start"/></link>
 <planView><geometry s="0" x="0" y="0" hdg="0" length="10"><line/></geometry></planView>
 <lanes><laneSection s="0">
  <center><lane id="0" type="none"/></center>
  <right><lane id="-1" type="driving"><link><successor id="1"/></link><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></right>
 </laneSection></lanes>
</road>
<road id="2" length="10" junction="-1">
 <link><successor elementType="road" elementId="1" contactPoint="end"/></link>
 <planView><geometry s="0" x="20" y="0" hdg="3.141592653589793" length="10"><line/></geometry></planView>
 <lanes><laneSection s="0">
  <left><lane id="1" type="driving"><link><successor id="-1"/></link><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></left>
  <center><lane id="0" type="none"/></center>
 </laneSection></lanes>
</road>
</OpenDRIVE>`;
    const r = mustParse(xodr);
    expect(r.map.lanes.find((x) => x.id === '1_0_-1')!.successors).toEqual(['2_0_1']);
    expect(r.warnings.some((w) => w.includes('contactPoint start of road 2'))).toBe(true);
  });

  it("reads a junction connection's contactPoint at the connecting road's end that links the incoming road when the file names the other (cr2odr BEL_Wervik)", () => {
    // Connecting road 2 links road 1 at its start (its lane -1 no predecessor: only the connection
    // joins the lanes), the connection says end. libOpenDRIVE
    // c3a5c8c8a3a16483f6a8ae9efb6fcb096f7ce2fb routes 1/-1 -> 2/-1 -> 3/-1 (libopendrive-dump:
    // "edges":[["1",0,-1,"2",0,-1],["2",0,-1,"3",0,-1]]).
    const xodr = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="1" length="10" junction="-1">
 <link><successor elementType="junction" elementId="100"/></link>
 <planView><geometry s="0" x="0" y="0" hdg="0" length="10"><line/></geometry></planView>
 <lanes><laneSection s="0">
  <center><lane id="0" type="none"/></center>
  <right><lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></right>
 </laneSection></lanes>
</road>
<road id="2" length="10" junction="100">
 <link><predecessor elementType="road" elementId="1" contactPoint="end"/><successor elementType="road" elementId="3" contactPoint="start"/></link>
 <planView><geometry s="0" x="10" y="0" hdg="0" length="10"><line/></geometry></planView>
 <lanes><laneSection s="0">
  <center><lane id="0" type="none"/></center>
  <right><lane id="-1" type="driving"><link><successor id="-1"/></link><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></right>
 </laneSection></lanes>
</road>
<road id="3" length="10" junction="-1">
 <link><predecessor elementType="junction" elementId="100"/></link>
 <planView><geometry s="0" x="20" y="0" hdg="0" length="10"><line/></geometry></planView>
 <lanes><laneSection s="0">
  <center><lane id="0" type="none"/></center>
  <right><lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></right>
 </laneSection></lanes>
</road>
<junction id="100">
 <connection id="0" incomingRoad="1" connectingRoad="2" contactPoint="end"><laneLink from="-1" to="-1"/></connection>
</junction>
</OpenDRIVE>`;
    const r = mustParse(xodr);
    expect(r.map.lanes.find((x) => x.id === '1_0_-1')!.successors).toEqual(['2_0_-1']);
    expect(r.warnings.some((w) => w.includes('@contactPoint: end of road 2'))).toBe(true);
  });

  it('drives left lane 1 against the reference line (RHT)', () => {
    const m = mustParse(straightRoadXodr()).map;
    const l = m.lanes.find((x) => x.id === '7_0_1')!;
    expect(l.centerline[0]!.x).toBeCloseTo(100, 9);
    expect(l.centerline[0]!.y).toBeCloseTo(1.75, 9);
  });

  it('reverses the directions for rule="LHT"', () => {
    const m = mustParse(straightRoadXodr({ rule: 'LHT' })).map;
    expect(m.lanes.find((x) => x.id === '7_0_1')!.centerline[0]!.x).toBeCloseTo(0, 9);
    expect(m.lanes.find((x) => x.id === '7_0_-1')!.centerline[0]!.x).toBeCloseTo(100, 9);
    // the driving side reaches the map contract (the MRM's shoulder, the turn across oncoming lanes)
    expect(m.lanes.every((x) => x.drivingSide === 'LEFT')).toBe(true);
    expect(
      mustParse(straightRoadXodr({ rule: 'RHT' })).map.lanes.every((x) => x.drivingSide === 'RIGHT'),
    ).toBe(true);
    expect(mustParse(straightRoadXodr()).map.lanes.every((x) => x.drivingSide === undefined)).toBe(true);
  });

  it('finds our lane for an OpenDRIVE lane at s, and reports an s beyond the road as an error', () => {
    const r = mustParse(straightRoadXodr());
    expect(r.laneAt('7', -1, 30)).toEqual({ ok: true, value: { laneId: '7_0_-1', sM: 30, forward: true } });
    expect(r.laneAt('7', 1, 30)).toEqual({ ok: true, value: { laneId: '7_0_1', sM: 70, forward: false } });
    const past = r.laneAt('7', -1, 100.5);
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.error.message).toBe('s 100.5 is beyond road 7 (s from 0 to 100 m)');
    expect(r.laneAt('7', -1, -0.5).ok).toBe(false);
    expect(r.laneAt('7', -5, 30).ok).toBe(false);
    expect(r.laneAt('8', -1, 30).ok).toBe(false);
  });

  it('shifts all lanes by the laneOffset', () => {
    const m = mustParse(straightRoadXodr({ laneOffsetM: 1 })).map;
    expect(m.lanes.find((x) => x.id === '7_0_-1')!.centerline[0]!.y).toBeCloseTo(-0.75, 9);
  });

  it('has no lane offset before the first laneOffset record (the spec example opens at s = 25; libOpenDRIVE so)', () => {
    const r = mustParse(LANE_OFFSET_EXAMPLE_XODR);
    const g = r.geometry;
    expect(g.laneCenterT('1', -1, 0)!.tM).toBeCloseTo(-1.5, 12);
    expect(g.laneCenterT('1', -1, 20)!.tM).toBeCloseTo(-1.5, 12);
    expect(g.laneCenterT('1', 0, 10)!.tM).toBe(0);
    expect(g.laneCenterT('1', -1, 50)!.tM).toBeCloseTo(1.625 - 1.5, 12);
    expect(g.laneCenterT('1', 1, 90)!.tM).toBeCloseTo(3.25 + 1.5, 12);
    const l = r.map.lanes.find((x) => x.id === '1_0_-1')!;
    expect(l.centerline[0]).toEqual({ x: 0, y: -1.5 });
    expect(l.centerline.find((p) => Math.abs(p.x - 50) < 1e-9)!.y).toBeCloseTo(1.625 - 1.5, 12);
  });

  it('reads the lanes of a second <left> / <right> element and keeps the first of a lane id given twice', () => {
    const r = mustParse(
      straightRoadXodr().replace(
        '</right>',
        '</right><right><lane id="-3" type="shoulder"><width sOffset="0" a="1" b="0" c="0" d="0"/></lane></right>' +
          '<left><lane id="1" type="sidewalk"><width sOffset="0" a="9" b="0" c="0" d="0"/></lane></left>',
      ),
    );
    expect(r.geometry.laneCenterT('7', -3, 10)!.tM).toBeCloseTo(-7.5, 12);
    expect(r.geometry.laneTypeAt('7', 1, 10)).toBe('driving');
    expect(r.geometry.laneWidthAt('7', 1, 10)).toBeCloseTo(3.5, 12);
    expect(r.warnings.some((w) => w.includes('left[1]/lane[0]') && w.includes('given twice'))).toBe(true);
  });

  it("reads an OpenDRIVE 1.4-1.6 `stop` lane (a motorway's hard shoulder) as a shoulder beside the driving lanes", () => {
    const r = mustParse(
      straightRoadXodr().replace(
        '</right>',
        '<lane id="-3" type="stop"><width sOffset="0" a="2.5" b="0" c="0" d="0"/></lane></right>',
      ),
    );
    const stop = r.map.lanes.find((x) => x.id === '7_0_-3')!;
    expect(stop.type).toBe('shoulder');
    expect(stop.centerline[0]!.y).toBeCloseTo(-8.25, 9);
    // the driving lane beside it has it as its right neighbour, where the minimal-risk stop looks
    const map = new RoadMap(r.map);
    expect(map.lane('7_0_-2')!.data.right?.laneId).toBe('7_0_-3');
    expect(map.lane('7_0_-2')!.data.right?.opposite).toBe(false);
    expect(r.geometry.laneTypeAt('7', -3, 10)).toBe('stop');
  });

  it('allows a lane change across a broken mark and not across a solid one', () => {
    const m = mustParse(straightRoadXodr()).map;
    const l1 = m.lanes.find((x) => x.id === '7_0_-1')!;
    expect(l1.right).toEqual({ laneId: '7_0_-2', changeAllowed: true, opposite: false });
    // The centre line is solid: lane 1 is the opposite-direction neighbour, no change allowed.
    expect(l1.left).toEqual({ laneId: '7_0_1', changeAllowed: false, opposite: true });
    expect(l1.leftBoundary).toBe('solid');
    expect(l1.rightBoundary).toBe('dashed');
  });

  it('reads the road-type speed limit in km/h', () => {
    const m = mustParse(straightRoadXodr()).map;
    expect(m.lanes[0]!.speedLimitMps).toBeCloseTo(10, 9);
  });

  it('lists the lanes whose file posts no speed (no record, or max="no limit")', () => {
    // A road-type speed is a posted limit: no lane is unposted.
    expect(mustParse(straightRoadXodr()).unpostedSpeedLaneIds).toEqual([]);
    const noType = straightRoadXodr().replace(/<type .*?<\/type>/, '');
    const none = mustParse(noType);
    expect(none.unpostedSpeedLaneIds.sort()).toEqual(none.map.lanes.map((l) => l.id).sort());
    expect(none.map.lanes[0]!.speedLimitMps).toBeCloseTo(50 / 3.6, 9);
    const noLimit = mustParse(straightRoadXodr().replace('max="36" unit="km/h"', 'max="no limit"'));
    expect(noLimit.unpostedSpeedLaneIds.length).toBe(noLimit.map.lanes.length);
    // A lane <speed> posts that lane only.
    const laneSpeed = mustParse(
      noType.replace(
        '<lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>',
        '<lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/><speed sOffset="0" max="20"/>',
      ),
    );
    expect(laneSpeed.unpostedSpeedLaneIds).not.toContain('7_0_-1');
    expect(laneSpeed.unpostedSpeedLaneIds).toContain('7_0_1');
  });

  it('marks the lanes whose file posts no speed on the lane itself (speedLimitPosted false)', () => {
    const posted = mustParse(straightRoadXodr()).map.lanes;
    expect(posted.every((l) => l.speedLimitPosted === undefined)).toBe(true);
    const noType = straightRoadXodr().replace(/<type .*?<\/type>/, '');
    const laneSpeed = mustParse(
      noType.replace(
        '<lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>',
        '<lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/><speed sOffset="0" max="20"/>',
      ),
    ).map.lanes;
    expect(laneSpeed.find((l) => l.id === '7_0_-1')!.speedLimitPosted).toBeUndefined();
    expect(laneSpeed.find((l) => l.id === '7_0_1')!.speedLimitPosted).toBe(false);
  });
});

describe('OpenDRIVE: whether a limit binds where none is posted', () => {
  // straightRoadXodr's road 7 has one type record: <type s="0" type="town"><speed max="36" unit="km/h"/></type>
  const withType = (type: string, speed: string) =>
    straightRoadXodr().replace(
      /<type .*?<\/type>/,
      `<type s="0" type="${type}">${speed ? `<speed max="${speed}"/>` : ''}</type>`,
    );
  const advisory = (xodr: string) => mustParse(xodr).map.lanes.map((l) => l.speedLimitAdvisory);

  it('a motorway with <speed max="no limit"> has no general limit: its unposted lanes are advisory', () => {
    const r = mustParse(withType('motorway', 'no limit'));
    expect(r.unpostedSpeedLaneIds.length).toBe(r.map.lanes.length);
    expect(r.map.lanes.every((l) => l.speedLimitPosted === false && l.speedLimitAdvisory === true)).toBe(
      true,
    );
  });

  it('a motorway whose limit is "undefined" or not given is advisory too (no general motorway limit)', () => {
    expect(advisory(withType('motorway', 'undefined')).every((a) => a === true)).toBe(true);
    expect(advisory(withType('motorway', '')).every((a) => a === true)).toBe(true);
  });

  it('a town or rural road without a number binds its statutory limit: not advisory', () => {
    expect(advisory(withType('town', '')).every((a) => a === false)).toBe(true);
    expect(advisory(withType('rural', 'undefined')).every((a) => a === false)).toBe(true);
  });

  it("gives each lane its road class (town / lowSpeed → town, rural, motorway; none for unknown) — StVO §5(4)'s passing clearance reads it", () => {
    const cls = (xodr: string) => [...new Set(mustParse(xodr).map.lanes.map((l) => l.roadClass))];
    expect(cls(withType('town', ''))).toEqual(['town']);
    expect(cls(withType('lowSpeed', ''))).toEqual(['town']);
    expect(cls(withType('rural', '27'))).toEqual(['rural']);
    expect(cls(withType('motorway', ''))).toEqual(['motorway']);
    expect(cls(withType('unknown', ''))).toEqual([undefined]);
  });

  it('says nothing without a type record, or with type unknown', () => {
    expect(advisory(straightRoadXodr().replace(/<type .*?<\/type>/, '')).every((a) => a === undefined)).toBe(
      true,
    );
    expect(advisory(withType('unknown', '')).every((a) => a === undefined)).toBe(true);
  });

  it('a posted motorway lane is a limit, not advice', () => {
    const lanes = mustParse(withType('motorway', '36')).map.lanes;
    expect(lanes.every((l) => l.speedLimitPosted === undefined && l.speedLimitAdvisory === undefined)).toBe(
      true,
    );
  });

  it('a later "no limit" record ends an earlier posted speed', () => {
    // two lane sections (s = 0 and s = 50), the road posts 36 km/h from 0 and no limit from 50
    const xodr = straightRoadXodr()
      .replace(
        /<type .*?<\/type>/,
        '<type s="0" type="motorway"><speed max="36" unit="km/h"/></type><type s="50" type="motorway"><speed max="no limit"/></type>',
      )
      .replace(
        /(<laneSection s="0">[\s\S]*?<\/laneSection>)/,
        (sec) => `${sec}${sec.replace('s="0"', 's="50"')}`,
      );
    const lanes = mustParse(xodr).map.lanes;
    expect(lanes.find((l) => l.id === '7_0_-1')!.speedLimitPosted).toBeUndefined();
    expect(lanes.find((l) => l.id === '7_1_-1')!.speedLimitAdvisory).toBe(true);
  });

  it('reads a lane <speed max="no limit"> as nothing posted on the lane (it was an import error)', () => {
    const r = parseOpenDrive(
      withType('motorway', '').replace(
        '<lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/>',
        '<lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/><speed sOffset="0" max="no limit"/>',
      ),
      'test.xodr',
    );
    expect(r.ok && r.value.map.lanes.find((l) => l.id === '7_0_-1')!.speedLimitAdvisory).toBe(true);
  });
});

describe('OpenDRIVE errors', () => {
  it('names the element path of a bad attribute', () => {
    const r = parseOpenDrive(
      straightRoadXodr().replace('length="100"><line/>', 'length="abc"><line/>'),
      'bad.xodr',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.path).toBe('bad.xodr:/OpenDRIVE/road[id=7]/planView/geometry[0]@length');
    }
  });

  it('reads `0.000000+0` by its leading number as esmini and libOpenDRIVE do (strtod), and says so', () => {
    // maliput's files write `s="0.000000+0"` (an exponent that lost its `e`)
    const r = parseOpenDrive(
      straightRoadXodr().replace('<geometry s="0" x="0"', '<geometry s="0.000000+0" x="0"'),
      'maliput.xodr',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.warnings.join('\n')).toContain(
      '/OpenDRIVE/road[id=7]/planView/geometry[0]@s: "0.000000+0" is not a number; read as 0',
    );
    const lane = r.value.map.lanes.find((l) => l.id.endsWith('_-1'));
    expect(lane?.centerline[0]?.x).toBeCloseTo(0, 9);
    // a value with no leading number is still refused (above); strict readers elsewhere stay strict
    const plain = parseOpenDrive(straightRoadXodr(), 'plain.xodr');
    expect(plain.ok).toBe(true);
    if (plain.ok) expect(plain.value.warnings.some((w) => w.includes('leading number'))).toBe(false);
  });

  it('reports a truncated file as one parse error with its position', () => {
    const text = straightRoadXodr();
    const r = parseOpenDrive(text.slice(0, text.length / 2), 'cut.xodr');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PARSE_ERROR');
      expect(r.error.path).toMatch(/^cut\.xodr/);
    }
  });

  it('refuses a file whose root is not <OpenDRIVE>', () => {
    const r = parseOpenDrive('<?xml version="1.0"?><OpenSCENARIO/>', 'x.xodr');
    expect(r.ok).toBe(false);
  });

  it('reports a missing file as an IO error', () => {
    const r = importOpenDrive('/nonexistent/Town99.xodr');
    expect(r.ok ? '' : r.error.code).toBe('IO_ERROR');
  });
});

describe('CARLA Town02 (vendored)', () => {
  const r = loadOpenDrive(TOWN02);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const town = r.value;

  it('loads all 84 roads and 8 junctions', () => {
    expect(town.stats.roads).toBe(84);
    expect(town.stats.junctions).toBe(8);
    expect((readFileSync(TOWN02, 'utf8').match(/<road /g) ?? []).length).toBe(84);
  });

  it('links driving lanes with gaps under 5 cm', () => {
    expect(town.worstGapM).toBeLessThan(0.05);
  });

  it('builds a RoadMap whose every reference resolves', () => {
    const m = RoadMap.fromData(town.map, 'Town02');
    expect(m.ok).toBe(true);
  });

  it('connects incoming roads through junction connecting lanes', () => {
    const junctionLanes = town.map.lanes.filter((l) => l.junctionId !== undefined && l.type === 'driving');
    expect(junctionLanes.length).toBeGreaterThan(0);
    for (const l of junctionLanes) {
      expect(l.successors.length).toBeGreaterThan(0);
      expect(l.predecessors.length).toBeGreaterThan(0);
    }
  });

  it('places stop lines at signalised junction entries', () => {
    expect(town.map.stopLines.length).toBeGreaterThan(0);
  });
});

describe('OpenDRIVE lane widths along s', () => {
  /** Lane -2 tapers open from 0 to 3.5 m over the 100 m road (a = 0, b = 0.035). */
  const taper = () =>
    mustParse(
      straightRoadXodr().replace(
        /(<lane id="-2" type="driving"><width sOffset="0") a="3.5" b="0"/,
        '$1 a="0" b="0.035"',
      ),
    );

  it('evaluates the width polynomial at every centreline point, not as a mean', () => {
    const l = taper().map.lanes.find((x) => x.id === '7_0_-2')!;
    expect(l.widthsM).toHaveLength(l.centerline.length);
    l.centerline.forEach((p, i) => {
      expect(l.widthsM![i]).toBeCloseTo(0.035 * p.x, 6);
      // The centre follows the taper: t = −3.5 − w / 2.
      expect(p.y).toBeCloseTo(-3.5 - (0.035 * p.x) / 2, 6);
    });
    // Constant-width lanes keep the single width.
    expect(taper().map.lanes.find((x) => x.id === '7_0_-1')!.widthsM).toBeUndefined();
  });

  it('gives the RoadMap a lane area that widens along the taper', () => {
    const rm = RoadMap.fromData(taper().map);
    if (!rm.ok) throw new Error(rm.error.message);
    const map = rm.value;
    // s runs along the slanted centreline (1.00015 × x), hence 3 digits.
    expect(map.laneWidthAt('7_0_-2', 20)).toBeCloseTo(0.7, 3);
    expect(map.laneWidthAt('7_0_-2', 80)).toBeCloseTo(2.8, 3);
    expect(map.laneWidthAt('7_0_-1', 80)).toBeCloseTo(3.5, 9);
    // 1.2 m outside the lane -1 border: inside lane -2 at s = 90 (width 3.15) but not at s = 10 (0.35).
    const at = (x: number) => map.lanesAt(x, -4.7).map((l) => l.data.id);
    expect(at(90)).toContain('7_0_-2');
    expect(at(10)).not.toContain('7_0_-2');
  });
});

describe('OpenDRIVE lanes given by <border> records', () => {
  it('reads each lane from its inner border out to the border record (t from the reference line)', () => {
    const r = mustParse(BORDER_LANES_XODR);
    const g = r.geometry;
    // Lane 2 at s = 10: 3.5 … 7 + 0.5 = 7.5.
    expect(g.laneCenterT('3', 2, 10)!.tM).toBeCloseTo(5.5, 12);
    expect(g.laneWidthAt('3', 2, 10)).toBeCloseTo(4, 12);
    expect(g.laneWidthAt('3', 1, 10)).toBeCloseTo(3.5, 12);
    // Lane -2: -3.25 … -6.25 before s = 10, … -6.5 from there (records relative to the section start).
    expect(g.laneCenterT('3', -2, 5)!.tM).toBeCloseTo(-4.75, 12);
    expect(g.laneWidthAt('3', -2, 15)).toBeCloseTo(3.25, 12);
    // Lane -3 has a width too: the width wins (1 m outside -6.5), not the border at -20.
    expect(g.laneCenterT('3', -3, 15)!.tM).toBeCloseTo(-7, 12);
    expect(g.laneWidthAt('3', -3, 15)).toBeCloseTo(1, 12);
    expect(g.outerT(g.road('3')!, 15, -1)).toBeCloseTo(-7.5, 12);
    expect(g.laneAtT('3', 15, 6)).toEqual({ laneId: 2, offsetM: expect.closeTo(6 - 5.625, 12) });
    // The RoadMap lanes: lane -1 centre at y = -1.625, lane 2 widening along s.
    const m = r.map;
    const l1 = m.lanes.find((x) => x.id === '3_0_-1')!;
    expect(l1.centerline[0]!.y).toBeCloseTo(-1.625, 12);
    expect(l1.widthM).toBeCloseTo(3.25, 12);
    const l2 = m.lanes.find((x) => x.id === '3_0_2')!;
    expect(l2.widthsM![0]).toBeCloseTo(4.5, 6); // lane 2 drives against s: its first point is s = 20
    expect(l2.widthsM![l2.widthsM!.length - 1]).toBeCloseTo(3.5, 6);
    expect(r.unsupported.filter((u) => u.includes('border'))).toEqual([]);
    expect(r.warnings.filter((w) => w.includes('border'))).toEqual([]);
  });

  it('reads a border on the far side of the reference line as a distance on the lane side, with a warning', () => {
    // Some exporters write a right lane's border as +distance (Digibus Koppl 2018: lane -1 at +3.44).
    const r = mustParse(
      BORDER_LANES_XODR.replace(
        '<border sOffset="0" a="-3.25" b="0" c="0" d="0"/>',
        '<border sOffset="0" a="3.25" b="0.01" c="0" d="0"/>',
      ),
    );
    expect(r.geometry.laneCenterT('3', -1, 10)!.tM).toBeCloseTo(-(3.25 + 0.1) / 2, 12);
    expect(r.geometry.laneWidthAt('3', -1, 10)).toBeCloseTo(3.35, 12);
    expect(r.warnings.some((w) => w.includes('lane[0]/border') && w.includes('distance'))).toBe(true);
  });
});

describe('OpenDRIVE border and centre lanes', () => {
  /** The straight test road with a 0.5 m border lane -3 outside lane -2 and a centre lane of type none. */
  const withBorder = () =>
    mustParse(
      straightRoadXodr().replace(
        '</right>',
        '<lane id="-3" type="border"><width sOffset="0" a="0.5" b="0" c="0" d="0"/></lane></right>',
      ),
    );

  it('keeps a border lane in the map as a non-drivable lane without neighbours', () => {
    const r = withBorder();
    const b = r.map.lanes.find((x) => x.id === '7_0_-3')!;
    expect(b.type).toBe('border');
    expect(b.widthM).toBeCloseTo(0.5, 9);
    expect(b.centerline[0]!.y).toBeCloseTo(-7.25, 9);
    expect(r.map.lanes.find((x) => x.id === '7_0_-2')!.right).toBeUndefined();
    const rm = RoadMap.fromData(r.map);
    if (!rm.ok) throw new Error(rm.error.message);
    expect(rm.value.lanesAt(50, -7.3).map((l) => l.data.id)).toEqual(['7_0_-3']);
    expect(rm.value.isDrivable(50, -7.3)).toBe(false);
    expect(rm.value.isDrivable(50, -6.9)).toBe(true);
  });

  it('keeps border and centre lanes in the road model with their types', () => {
    const g = withBorder().geometry;
    expect(g.laneIdsAt('7', 50)).toEqual([1, -1, -2, -3]);
    expect(g.laneTypeAt('7', -3, 50)).toBe('border');
    expect(g.laneTypeAt('7', 0, 50)).toBe('none');
    expect(g.laneCenterT('7', -3, 50)).toEqual({ tM: -7.25, widthM: 0.5 });
    expect(g.laneAtT('7', 50, -7.3).laneId).toBe(-3);
  });
});

describe('OpenDRIVE spiral curvatures', () => {
  it('reads a missing curvStart as 0 with a warning, as esmini (Scenario Designer writes only curvEnd)', () => {
    const spiral = straightRoadXodr().replace(
      '<line/></geometry>',
      '<spiral curvStart="0" curvEnd="0.02"/></geometry>',
    );
    const full = mustParse(spiral);
    const bare = mustParse(spiral.replace('curvStart="0" ', ''));
    const end = (m: typeof full.map) => m.lanes.find((x) => x.id === '7_0_-1')!.centerline.at(-1)!;
    expect(end(bare.map).x).toBeCloseTo(end(full.map).x, 9);
    expect(end(bare.map).y).toBeCloseTo(end(full.map).y, 9);
    // The curve is there: 100 m of curvature rising to 0.02 turns the road by 1 rad.
    expect(end(full.map).y).toBeGreaterThan(10);
    expect(bare.warnings.some((w) => /spiral: no curvStart, read as 0/.test(w))).toBe(true);
  });
});
