import { describe, expect, it } from 'vitest';
import { parseGeoReference, toProjectedFrame } from './GeoReference.ts';
import { parseOpenDrive } from './index.ts';
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
    // The roads keep the file's coordinates (libOpenDRIVE and esmini do not move them).
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
