import { describe, expect, it } from 'vitest';
import { unwrap } from '../../../core/index.ts';
import { parseOpenDrive } from './index.ts';
import { bodyOrientation, wrap2Pi } from './RoadGeometry.ts';
import { NEGATIVE_WIDTH_XODR, straightRoadXodr } from './testRoads.ts';

/** The straight test road with a slope (z = 1 + 0.1 s) and a constant superelevation of 0.05 rad. */
function slopedRoad() {
  const xodr = straightRoadXodr({ lengthM: 100 }).replace(
    '<lanes>',
    '<elevationProfile><elevation s="0" a="1" b="0.1" c="0" d="0"/></elevationProfile>' +
      '<lateralProfile><superelevation s="0" a="0.05" b="0" c="0" d="0"/></lateralProfile><lanes>',
  );
  const r = parseOpenDrive(xodr, 'sloped.xodr');
  if (!r.ok) throw new Error(r.error.message);
  return r.value.geometry;
}

function straightRoad() {
  const r = parseOpenDrive(straightRoadXodr({ lengthM: 100 }), 'straight.xodr');
  if (!r.ok) throw new Error(r.error.message);
  return r.value.geometry;
}

describe('RoadGeometry', () => {
  it('puts a point at (s, t) on the elevated, banked road surface', () => {
    const g = slopedRoad();
    const p = unwrap(g.pose('7', 10, 2));
    const pitch = -Math.atan(0.1);
    // Lateral vector (0, 2, 0) rotated by Rz(0) Ry(pitch) Rx(0.05).
    expect(p.x).toBeCloseTo(10 + 2 * Math.sin(pitch) * Math.sin(0.05), 9);
    expect(p.y).toBeCloseTo(2 * Math.cos(0.05), 9);
    expect(p.z).toBeCloseTo(2 + 2 * Math.cos(pitch) * Math.sin(0.05), 9);
    expect(p.pRoad).toBeCloseTo(pitch, 12);
    expect(p.rRoad).toBeCloseTo(0.05, 12);
  });

  it('reports an s beyond the road as an error naming the road and its s range, not a clamped pose', () => {
    const g = slopedRoad();
    const past = g.pose('7', 100.5, 0);
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.error.message).toBe('s 100.5 is beyond road 7 (s from 0 to 100 m)');
    expect(g.pose('7', -0.2, 0).ok).toBe(false);
    expect(g.pose('8', 10, 0).ok).toBe(false);
    // Both ends themselves are on the road.
    expect(unwrap(g.pose('7', 100, 0)).x).toBeCloseTo(100, 9);
    expect(unwrap(g.pose('7', 0, 0)).x).toBeCloseTo(0, 9);
  });

  it('reports the curvature at an s beyond the road as an error, not the curvature at its end', () => {
    const xodr = straightRoadXodr({ lengthM: 50 }).replace('<line/>', '<arc curvature="0.02"/>');
    const g = unwrap(parseOpenDrive(xodr, 'arc.xodr')).geometry;
    expect(unwrap(g.curvature('7', 50))).toBeCloseTo(0.02, 12);
    const past = g.curvature('7', 50.5);
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.error.message).toBe('s 50.5 is beyond road 7 (s from 0 to 50 m)');
    expect(g.curvature('7', -1).ok).toBe(false);
    expect(g.curvature('8', 1).ok).toBe(false);
  });

  it('measures LanePosition s along the reference line and finds the lane centre by width', () => {
    const g = slopedRoad();
    expect(g.laneCenterT('7', -2, 30)).toEqual({ tM: -5.25, widthM: 3.5 });
    expect(g.laneCenterT('7', 1, 30)).toEqual({ tM: 1.75, widthM: 3.5 });
    expect(g.laneCenterT('7', -3, 30)).toBeUndefined();
    expect(g.laneIdsAt('7', 30)).toEqual([1, -1, -2]);
  });

  it('maps a world point back to road, lane and offset', () => {
    const g = straightRoad();
    const c = g.worldToRoad(42, -5)!;
    expect(c.roadId).toBe('7');
    expect(c.sM).toBeCloseTo(42, 9);
    expect(c.tM).toBeCloseTo(-5, 9);
    expect(c.laneId).toBe(-2);
    expect(c.offsetM).toBeCloseTo(0.25, 9);
  });

  it('maps a world point on a pitched and rolled road to the surface point above it, not the plan-view normal', () => {
    // The lateral vector leans along s by sin(pitch)·sin(roll) (esmini's two_pitched_and_rolled_roads).
    const g = slopedRoad();
    const c = g.worldToRoad(42, -5)!;
    const pitch = -Math.atan(0.1);
    const t = -5 / Math.cos(0.05);
    expect(c.tM).toBeCloseTo(t, 9);
    expect(c.sM).toBeCloseTo(42 - t * Math.sin(pitch) * Math.sin(0.05), 9);
    const p = unwrap(g.pose('7', c.sM, c.tM));
    expect(p.x).toBeCloseTo(42, 9);
    expect(p.y).toBeCloseTo(-5, 9);
  });

  it('follows the lane link over a lane section boundary (given on either side), and the nearest lane where an unlinked lane opens', () => {
    // Section 2 (from s 50) adds lane -3 opening from width 0 without a predecessor; lane -2 links to -1.
    const xodr = straightRoadXodr({ lengthM: 100 }).replace(
      '</laneSection>',
      '</laneSection><laneSection s="50"><left><lane id="1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></left>' +
        '<center><lane id="0" type="none"/></center><right>' +
        '<lane id="-1" type="driving"><link><predecessor id="-2"/></link><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>' +
        '<lane id="-2" type="driving"><link><predecessor id="-1"/></link><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane>' +
        '<lane id="-3" type="driving"><width sOffset="0" a="0" b="0.1" c="0" d="0"/></lane></right></laneSection>',
    );
    const r = parseOpenDrive(xodr, 'sections.xodr');
    if (!r.ok) throw new Error(r.error.message);
    const g = r.value.geometry;
    expect(g.moveAlongS('7', -2, 40, 20)?.laneId).toBe(-1);
    expect(g.moveAlongS('7', -1, 60, -20)?.laneId).toBe(-2);
    // Lane -3 has width 0 at s 50: its centre there is the outer border of -2, the lane it continues as.
    expect(g.moveAlongS('7', -3, 60, -20)?.laneId).toBe(-2);
  });

  it('gives a point on a banked road t·cos(roll) beside the reference line, which worldToRoad reads back as t', () => {
    const xodr = straightRoadXodr({ lengthM: 100 }).replace(
      '<lanes>',
      '<lateralProfile><superelevation s="0" a="0.5" b="0" c="0" d="0"/></lateralProfile><lanes>',
    );
    const r = parseOpenDrive(xodr, 'banked.xodr');
    if (!r.ok) throw new Error(r.error.message);
    const g = r.value.geometry;
    const p = g.planPoint('7', 30, -1.75);
    if (!p.ok) throw new Error(p.error.message);
    // The surface point lies at t·cos(roll) beside the line (esmini Track2XYZ, libOpenDRIVE get_xyz),
    // and so does the lane (the map's centreline); worldToRoad divides by cos(roll) again.
    expect(p.value.y).toBeCloseTo(-1.75 * Math.cos(0.5), 12);
    expect(g.worldToRoad(p.value.x, p.value.y)?.tM).toBeCloseTo(-1.75, 9);
    const lane = r.value.map.lanes.find((l) => l.id.endsWith('_-1'))!;
    const mid = lane.centerline[Math.floor(lane.centerline.length / 2)]!;
    expect(mid.y).toBeCloseTo(-1.75 * Math.cos(0.5), 9);
  });

  it('pitches a body on a lane where the superelevation changes (the surface at t rises by t·roll′)', () => {
    // Roll grows at 0.01 rad/m: at t = −2 the surface falls 0.02 m per m along s, pitch atan(0.02) nose down.
    const xodr = straightRoadXodr({ lengthM: 100 }).replace(
      '<lanes>',
      '<lateralProfile><superelevation s="0" a="0" b="0.01" c="0" d="0"/></lateralProfile><lanes>',
    );
    const r = parseOpenDrive(xodr, 'rolling.xodr');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.geometry.superelevationPitch('7', 10, -2)).toBeCloseTo(Math.atan(Math.tan(0.01) * 2), 12);
    const o = bodyOrientation(0, 0, 0, 0, 0.02);
    expect(o.p).toBeCloseTo(0.02, 12);
    // With the road rolled, the body pitch tilts into a heading change (esmini: h 1.4019 on a 1.4 road).
    const rolled = bodyOrientation(0, 0, 0.5, 0, 0.02);
    expect(rolled.h).toBeCloseTo(Math.atan2(Math.sin(0.02) * Math.sin(0.5), Math.cos(0.02)), 9);
    expect(rolled.p).toBeCloseTo(Math.asin(Math.sin(0.02) * Math.cos(0.5)), 9);
  });

  it('gives a body driving against s the road pitch and roll with flipped signs', () => {
    const o = bodyOrientation(0, -0.1, 0.05, Math.PI);
    expect(o.h).toBeCloseTo(Math.PI, 9);
    expect(o.p).toBeCloseTo(0.1, 9);
    expect(o.r).toBeCloseTo(wrap2Pi(-0.05), 9);
  });

  it('marks the outermost road lane of each side as the road edge, and the centre lane where a side has none', () => {
    const both = parseOpenDrive(straightRoadXodr(), 'both.xodr');
    const rightOnly = parseOpenDrive(straightRoadXodr().replace(/<left>.*<\/left>/, ''), 'right.xodr');
    if (!both.ok || !rightOnly.ok) throw new Error('parse failed');
    expect(both.value.geometry.roadEdgeLaneIds('7', 0).sort()).toEqual([-2, 1].sort());
    expect(rightOnly.value.geometry.roadEdgeLaneIds('7', 0).sort()).toEqual([-2, 0].sort());
  });

  it('reads s off the centre lane where the lane offset slopes, t off the reference line (esmini XYZ2TrackPos)', () => {
    // Lane 0 runs along y = 0.1 x. (50, 3) lies 2 m right of it: its foot on lane 0 is at
    // x = (50 + 0.1·3) / 1.01 = 49.8020, not at the reference line's x = 50.
    const xodr = straightRoadXodr({ lengthM: 100 }).replace(
      '<laneOffset s="0" a="0" b="0" c="0" d="0"/>',
      '<laneOffset s="0" a="0" b="0.1" c="0" d="0"/>',
    );
    const g = unwrap(parseOpenDrive(xodr, 'sloped-offset.xodr')).geometry;
    const c = g.worldToRoad(50, 3);
    expect(c?.sM).toBeCloseTo(50.3 / 1.01, 6);
    expect(c?.tM).toBeCloseTo(3, 9);
  });

  it('finds a point inside a road whose lane offset slopes on that road, off it past its ends', () => {
    // rev13: lane 0's s (49.80 for (50, 3)) put the point 0.2 m "past" the reference-line normal,
    // and roadsAt / worldToRoad's inside test read in-road points as off the road.
    const xodr = straightRoadXodr({ lengthM: 100 }).replace(
      '<laneOffset s="0" a="0" b="0" c="0" d="0"/>',
      '<laneOffset s="0" a="0" b="0.1" c="0" d="0"/>',
    );
    const g = unwrap(parseOpenDrive(xodr, 'sloped-offset.xodr')).geometry;
    for (const [x, y] of [
      [50, 3],
      [50, 8],
      [0.5, 1],
      [99.8, 12],
    ] as const) {
      expect(g.projectOnRoad('7', x, y)?.distM).toBeCloseTo(0, 9);
      expect(g.roadsAt(x, y)).toEqual(['7']);
    }
    expect(g.projectOnRoad('7', 100.3, 10.5)?.distM).toBeCloseTo(0.3, 9);
    expect(g.roadsAt(-0.5, 0)).toEqual([]);
  });

  it('keeps the reference-line foot where the lane offset is constant (lane 0 parallel to it)', () => {
    const g = unwrap(
      parseOpenDrive(straightRoadXodr({ lengthM: 100, laneOffsetM: 1 }), 'offset.xodr'),
    ).geometry;
    expect(g.worldToRoad(50, 3)?.sM).toBeCloseTo(50, 9);
  });
});

/**
 * Reference values below from libOpenDRIVE (pageldev/libOpenDRIVE c3a5c8c8a3a16483f6a8ae9efb6fcb096f7ce2fb),
 * the document saved as FILE.xodr and read by `scripts/reference/build-libopendrive-dump.sh &&
 * /tmp/libopendrive-dump FILE.xodr 5` (samples every 5 m: [s, width, outer-border t, x, y]).
 */
describe('RoadGeometry beside libOpenDRIVE', () => {
  it('stacks a lane beyond a lane id the section skips outside the lanes it has (ZAM_OpenDrive-1_1_T-1.xodr skips -3)', () => {
    // A skipped id has no width: esmini's LaneSection::GetWidth returns 0 for it, libOpenDRIVE
    // stacks the lanes present. gap.xodr:
    const xodr = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="1" length="20" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0.3" length="20"><line/></geometry></planView>
 <lanes>
  <laneSection s="0">
   <left><lane id="1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane><lane id="3" type="sidewalk"><width sOffset="0" a="2" b="0" c="0" d="0"/></lane></left>
   <center><lane id="0" type="none"/></center>
   <right><lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane><lane id="-2" type="border"><width sOffset="0" a="0.35" b="0" c="0" d="0"/></lane><lane id="-4" type="none"><width sOffset="0" a="2" b="0" c="0" d="0"/></lane></right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;
    const g = unwrap(parseOpenDrive(xodr, 'gap.xodr')).geometry;
    // libOpenDRIVE at s = 10: lane -4 outer border t = -5.85, (11.282158100224896, -2.6335163947713989);
    // lane 3 outer border t = 5.5, (7.9280037546186914, 8.2095527568042286).
    const c = g.laneCenterT('1', -4, 10)!;
    expect(c.tM - c.widthM / 2).toBeCloseTo(-5.85, 9);
    const p = unwrap(g.pose('1', 10, c.tM - c.widthM / 2));
    expect(p.x).toBeCloseTo(11.282158100224896, 9);
    expect(p.y).toBeCloseTo(-2.6335163947713989, 9);
    const l = g.laneCenterT('1', 3, 10)!;
    expect(l.tM + l.widthM / 2).toBeCloseTo(5.5, 9);
    expect(g.laneAtT('1', 10, -5).laneId).toBe(-4);
    expect(g.laneAtT('1', 10, 5).laneId).toBe(3);
    expect(g.laneCenterT('1', -3, 10)).toBeUndefined();
  });

  it('moves the lanes outside a lane whose width polynomial dips below 0 in by that much (Issue189.xodr: 1 cm)', () => {
    const g = unwrap(parseOpenDrive(NEGATIVE_WIDTH_XODR, 'negw.xodr')).geometry;
    // libOpenDRIVE at s = 8: lane -2's outer border t = -2.7 (testRoads.ts); lane -1 has no extent.
    const c = g.laneCenterT('1', -2, 8)!;
    expect(c.tM - c.widthM / 2).toBeCloseTo(-2.7, 9);
    expect(c.widthM).toBeCloseTo(3, 9);
    expect(g.laneWidthAt('1', -1, 8)).toBe(0);
    expect(g.laneAtT('1', 8, -2.65).laneId).toBe(-2);
  });

  it('continues the last geometry record to the road length when the plan view ends before it (straight_road.xodr: 500 of 2000 m)', () => {
    // esmini (Geometry::EvaluateDS at s - record start) and libOpenDRIVE both carry the last record
    // on; short.xodr ends its plan view (line, then arc 0.05) at 20 m of its 30:
    const xodr = `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="1" length="30" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0" length="10"><line/></geometry><geometry s="10" x="10" y="0" hdg="0" length="10"><arc curvature="0.05"/></geometry></planView>
 <lanes>
  <laneSection s="0">
   <center><lane id="0" type="none"/></center>
   <right><lane id="-1" type="driving"><width sOffset="0" a="3.5" b="0" c="0" d="0"/></lane></right>
  </laneSection>
 </lanes>
</road>
</OpenDRIVE>`;
    const g = unwrap(parseOpenDrive(xodr, 'short.xodr')).geometry;
    // libOpenDRIVE: s = 25 → (23.632775200466686, 5.3662226225235816), heading 0.75;
    // s = 29.9999999, lane -1 outer border → (29.77456807950005, 7.3028957132258778).
    const p = unwrap(g.pose('1', 25, 0));
    expect(p.x).toBeCloseTo(23.632775200466686, 9);
    expect(p.y).toBeCloseTo(5.3662226225235816, 9);
    expect(p.hRoad).toBeCloseTo(0.75, 12);
    const b = unwrap(g.pose('1', 29.9999999, -3.5));
    expect(b.x).toBeCloseTo(29.77456807950005, 9);
    expect(b.y).toBeCloseTo(7.3028957132258778, 9);
  });
});
