import { describe, expect, it } from 'vitest';
import { parseGeoReference } from './GeoReference.ts';
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
});
