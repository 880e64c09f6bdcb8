import { describe, expect, it } from 'vitest';
import { parseGeoReference, toProjectedFrame } from './GeoReference.ts';
import { esminiOffsetPoint, parseOpenDrive } from './index.ts';
import { straightRoadXodr } from './testRoads.ts';

describe('GeoReference', () => {
  it('splits a PROJ string into numeric and text parameters and bare flags', () => {
    expect(parseGeoReference('+proj=utm +lat_0=37.5 +zone=32 +datum=WGS84 +no_defs')).toEqual({
      proj: 'utm',
      lat_0: 37.5,
      zone: 32,
      datum: 'WGS84',
      no_defs: true,
    });
  });

  it('is read from the header of an OpenDRIVE file (CDATA included) and absent when the header has none', () => {
    const plain = straightRoadXodr();
    const withGeo = plain.replace(
      '<header revMajor="1" revMinor="6"/>',
      '<header revMajor="1" revMinor="6"><geoReference><![CDATA[+proj=tmerc +lat_0=57.7 +lon_0=11.9 +k=1]]></geoReference></header>',
    );
    const a = parseOpenDrive(withGeo, 'geo.xodr');
    const b = parseOpenDrive(plain, 'plain.xodr');
    if (!a.ok || !b.ok) throw new Error('parse failed');
    expect(a.value.geoReference).toEqual({ proj: 'tmerc', lat_0: 57.7, lon_0: 11.9, k: 1 });
    expect(b.value.geoReference).toBeUndefined();
  });

  it('reads the header offset beside the map, leaves the map local and maps points by ASAM 1.8 §8.5', () => {
    const plain = straightRoadXodr();
    const header = (off: string) =>
      plain.replace(
        '<header revMajor="1" revMinor="6"/>',
        `<header revMajor="1" revMinor="6"><geoReference><![CDATA[+proj=utm +zone=10]]></geoReference>${off}</header>`,
      );
    const a = parseOpenDrive(header('<offset x="573650.4" y="4170359.1" z="2.5" hdg="0.5"/>'), 'off.xodr');
    const b = parseOpenDrive(plain, 'plain.xodr');
    const c = parseOpenDrive(header('<offset x="10" y="-4"/>'), 'partial.xodr');
    if (!a.ok || !b.ok || !c.ok) throw new Error('parse failed');
    expect(a.value.geoOffset).toEqual({ x: 573650.4, y: 4170359.1, z: 2.5, hdg: 0.5 });
    expect(b.value.geoOffset).toBeUndefined();
    // Missing attributes read as 0 (esmini's as_double()).
    expect(c.value.geoOffset).toEqual({ x: 10, y: -4, z: 0, hdg: 0 });
    // By default the roads keep the file's coordinates (libOpenDRIVE does not move them).
    const pa = a.value.geometry.pose('7', 10, 0);
    const pb = b.value.geometry.pose('7', 10, 0);
    if (!pa.ok || !pb.ok) throw new Error('pose failed');
    expect(pa.value.x).toBeCloseTo(pb.value.x, 12);
    expect(pa.value.y).toBeCloseTo(pb.value.y, 12);
    // Rotate by hdg, then translate: local (2, 0) at hdg π/2 lies 2 m north of the offset.
    const w = toProjectedFrame({ x: 100, y: 200, z: 1, hdg: Math.PI / 2 }, 2, 0, 3);
    expect(w.x).toBeCloseTo(100, 12);
    expect(w.y).toBeCloseTo(202, 12);
    expect(w.z).toBe(4);
    const v = toProjectedFrame({ x: 5, y: 7, z: 0, hdg: 0 }, 1, 2);
    expect(v).toEqual({ x: 6, y: 9, z: 0 });
  });

  it("moves the map by the offset as esmini's RoadManager does when asked: shift, then rotate; z onto the elevation", () => {
    const xodr = straightRoadXodr()
      .replace(
        '<header revMajor="1" revMinor="6"/>',
        '<header revMajor="1" revMinor="6"><offset x="-1000" y="-500" z="2" hdg="0.5"/></header>',
      )
      .replace(
        '<planView>',
        '<elevationProfile><elevation s="0" a="1" b="0.1" c="0" d="0"/></elevationProfile><planView>',
      );
    const kept = parseOpenDrive(xodr, 'off.xodr');
    const moved = parseOpenDrive(xodr, 'off.xodr', { headerOffset: 'esmini' });
    if (!kept.ok || !moved.ok) throw new Error('parse failed');
    expect(kept.value.offsetApplied).toBeUndefined();
    expect(moved.value.offsetApplied).toBe(true);
    const o = moved.value.geoOffset!;
    for (const [s, t] of [
      [0, 0],
      [10, -1.75],
      [40, 3],
    ] as const) {
      const k = kept.value.geometry.pose('7', s, t);
      const m = moved.value.geometry.pose('7', s, t);
      if (!k.ok || !m.ok) throw new Error('pose failed');
      const e = esminiOffsetPoint(o, k.value.x, k.value.y, k.value.hRoad);
      expect(m.value.x).toBeCloseTo(e.x, 9);
      expect(m.value.y).toBeCloseTo(e.y, 9);
      expect(m.value.hRoad).toBeCloseTo(e.hdg, 12);
      expect(m.value.z).toBeCloseTo(k.value.z + 2, 12);
    }
    // esmini's order (shift, then rotate) against ASAM's (rotate, then shift): (0, 0) goes to
    // (−1000, −500) rotated by 0.5 rad, not to (−1000, −500).
    const e = esminiOffsetPoint(o, 0, 0, 0);
    expect(e.x).toBeCloseTo(-1000 * Math.cos(0.5) + 500 * Math.sin(0.5), 9);
    expect(e.y).toBeCloseTo(-1000 * Math.sin(0.5) - 500 * Math.cos(0.5), 9);
    expect(toProjectedFrame(o, 0, 0)).toEqual({ x: -1000, y: -500, z: 2 });
  });

  it('names the field of a header offset that is not a number', () => {
    const bad = straightRoadXodr().replace(
      '<header revMajor="1" revMinor="6"/>',
      '<header revMajor="1" revMinor="6"><offset x="east" y="0" z="0" hdg="0"/></header>',
    );
    const r = parseOpenDrive(bad, 'bad.xodr');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.error)).toContain('/OpenDRIVE/header/offset@x');
  });
});
