import { describe, expect, it } from 'vitest';
import { readGpkgGeometry, writeGpkgGeometry } from './gpkgGeometry.ts';
import { type Geometry, readWkb, WkbError, writeWkb } from './wkb.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('readWkb', () => {
  it('reads a little-endian point (OGC SFA example POINT(1 2))', () => {
    // 01 | 01000000 | 1.0 LE | 2.0 LE
    const g = readWkb(hex('01 01000000 000000000000F03F 0000000000000040'));
    expect(g).toEqual({ type: 'Point', point: { x: 1, y: 2 } });
  });

  it('reads a big-endian linestring LINESTRING(0 0, 3 4)', () => {
    const g = readWkb(
      hex('00 00000002 00000002 0000000000000000 0000000000000000 4008000000000000 4010000000000000'),
    );
    expect(g).toEqual({
      type: 'LineString',
      points: [
        { x: 0, y: 0 },
        { x: 3, y: 4 },
      ],
    });
  });

  it('drops Z from an ISO PointZ (type 1001)', () => {
    const g = readWkb(hex('01 E9030000 000000000000F03F 0000000000000040 0000000000000840'));
    expect(g).toEqual({ type: 'Point', point: { x: 1, y: 2 } });
  });

  // Hand-written from the OGC Simple Features WKB layout (OGC 06-103r4 §8.2): byte order (01 = little
  // endian, 00 = big), uint32 type (3 Polygon, 6 MultiPolygon), uint32 counts, IEEE-754 doubles.
  // Doubles: 0 = 0000000000000000, 1 = 3FF0000000000000, 2 = 4000000000000000, 4 = 4010000000000000
  // (big-endian; little-endian reverses the 8 bytes).
  const POLYGON_LE = hex(`01 03000000 01000000 04000000
    0000000000000000 0000000000000000
    0000000000000040 0000000000000000
    0000000000000000 0000000000000040
    0000000000000000 0000000000000000`);
  const triangle = [
    { x: 0, y: 0 },
    { x: 2, y: 0 },
    { x: 0, y: 2 },
    { x: 0, y: 0 },
  ];

  it('reads and writes POLYGON((0 0, 2 0, 0 2, 0 0)) as the spec bytes, little endian', () => {
    expect(readWkb(POLYGON_LE)).toEqual({ type: 'Polygon', rings: [triangle] });
    expect(Buffer.from(writeWkb({ type: 'Polygon', rings: [triangle] }, true))).toEqual(
      Buffer.from(POLYGON_LE),
    );
  });

  it('reads a big-endian polygon with a hole: POLYGON((0 0, 4 0, 4 4, 0 0), (1 1, 2 1, 2 2, 1 1))', () => {
    const bytes = hex(`00 00000003 00000002
      00000004 0000000000000000 0000000000000000 4010000000000000 0000000000000000
               4010000000000000 4010000000000000 0000000000000000 0000000000000000
      00000004 3FF0000000000000 3FF0000000000000 4000000000000000 3FF0000000000000
               4000000000000000 4000000000000000 3FF0000000000000 3FF0000000000000`);
    const g = readWkb(bytes);
    expect(g).toEqual({
      type: 'Polygon',
      rings: [
        [
          { x: 0, y: 0 },
          { x: 4, y: 0 },
          { x: 4, y: 4 },
          { x: 0, y: 0 },
        ],
        [
          { x: 1, y: 1 },
          { x: 2, y: 1 },
          { x: 2, y: 2 },
          { x: 1, y: 1 },
        ],
      ],
    });
    expect(Buffer.from(writeWkb(g, false))).toEqual(Buffer.from(bytes));
  });

  it('reads a MultiPolygon whose member polygons carry their own byte order (LE outer, LE + BE members)', () => {
    // MULTIPOLYGON(((0 0, 2 0, 0 2, 0 0)), ((0 0, 1 0, 0 1, 0 0))): the second member is big endian,
    // which the spec allows (every WKB geometry starts with its own byte-order byte).
    const bytes = hex(`01 06000000 02000000
      ${Buffer.from(POLYGON_LE).toString('hex')}
      00 00000003 00000001 00000004
        0000000000000000 0000000000000000 3FF0000000000000 0000000000000000
        0000000000000000 3FF0000000000000 0000000000000000 0000000000000000`);
    const unit = [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 0, y: 1 },
      { x: 0, y: 0 },
    ];
    expect(readWkb(bytes)).toEqual({ type: 'MultiPolygon', polygons: [[triangle], [unit]] });
  });

  it('writes a little-endian MultiPolygon as the spec bytes (each member with its own header)', () => {
    const expected = hex(`01 06000000 01000000 ${Buffer.from(POLYGON_LE).toString('hex')}`);
    expect(Buffer.from(writeWkb({ type: 'MultiPolygon', polygons: [[triangle]] }, true))).toEqual(
      Buffer.from(expected),
    );
  });

  it('round-trips polygons, multipolygons and multilinestrings in both byte orders', () => {
    const sq = [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 1, y: 1 },
      { x: 0, y: 0 },
    ];
    const gs: Geometry[] = [
      { type: 'Polygon', rings: [sq] },
      { type: 'MultiPolygon', polygons: [[sq], [sq, sq]] },
      { type: 'MultiLineString', lines: [sq, sq.slice(0, 2)] },
    ];
    for (const g of gs) {
      expect(readWkb(writeWkb(g, true))).toEqual(g);
      expect(readWkb(writeWkb(g, false))).toEqual(g);
    }
  });

  it('reports truncated bytes instead of reading past the end', () => {
    const bytes = writeWkb({
      type: 'LineString',
      points: [
        { x: 0, y: 0 },
        { x: 3, y: 4 },
      ],
    }).slice(0, 20);
    expect(() => readWkb(bytes)).toThrow(WkbError);
    expect(() => readWkb(bytes)).toThrow(/truncated WKB/);
  });
});

describe('GeoPackage geometry blobs', () => {
  it('writes the GP header with srs id and xy envelope, then WKB', () => {
    const b = writeGpkgGeometry(
      {
        type: 'LineString',
        points: [
          { x: 0, y: 0 },
          { x: 3, y: 4 },
        ],
      },
      32611,
    );
    expect([b[0], b[1], b[2], b[3]]).toEqual([0x47, 0x50, 0, 0b11]);
    const v = new DataView(b.buffer);
    expect(v.getInt32(4, true)).toBe(32611);
    // Envelope order is minx, maxx, miny, maxy (GeoPackage 1.3 §2.1.3.1.1).
    expect([
      v.getFloat64(8, true),
      v.getFloat64(16, true),
      v.getFloat64(24, true),
      v.getFloat64(32, true),
    ]).toEqual([0, 3, 0, 4]);
    expect(readGpkgGeometry(b)).toEqual({
      srsId: 32611,
      geometry: {
        type: 'LineString',
        points: [
          { x: 0, y: 0 },
          { x: 3, y: 4 },
        ],
      },
    });
  });

  it('reads a blob with no envelope and a big-endian header', () => {
    const wkb = writeWkb({ type: 'Point', point: { x: 5, y: 6 } }, false);
    const b = new Uint8Array(8 + wkb.length);
    b.set([0x47, 0x50, 0, 0], 0);
    new DataView(b.buffer).setInt32(4, 4326, false);
    b.set(wkb, 8);
    expect(readGpkgGeometry(b)).toEqual({ srsId: 4326, geometry: { type: 'Point', point: { x: 5, y: 6 } } });
  });

  it('rejects a blob without the GP magic', () => {
    expect(() => readGpkgGeometry(hex('0101000000000000000000F03F0000000000000040'))).toThrow(/magic/);
  });
});
