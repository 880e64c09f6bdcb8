/**
 * GeoPackage geometry blobs (OGC GeoPackage 1.3 §2.1.3): 'GP', version, flags, srs_id, an
 * optional envelope whose size the flags give, then standard WKB.
 */
import type { Vec2 } from '../../../core/index.ts';
import { type Geometry, readWkb, WkbError, writeWkb } from './wkb.ts';

/** Envelope bytes by the flags' envelope indicator (0 none, 1 xy, 2 xyz, 3 xym, 4 xyzm). */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

export interface GpkgGeometry {
  srsId: number;
  /** Null for an empty geometry (flags bit 4). */
  geometry: Geometry | null;
}

/** Parses a GeoPackage geometry blob. Throws WkbError on malformed bytes. */
export function readGpkgGeometry(blob: Uint8Array): GpkgGeometry {
  if (blob.byteLength < 8) throw new WkbError(`GeoPackage blob too short (${blob.byteLength} bytes)`);
  if (blob[0] !== 0x47 || blob[1] !== 0x50)
    throw new WkbError('not a GeoPackage geometry (magic "GP" missing)');
  const flags = blob[3]!;
  const headerLe = (flags & 1) === 1;
  const envelope = (flags >> 1) & 7;
  if (envelope > 4) throw new WkbError(`bad envelope indicator ${envelope}`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const srsId = view.getInt32(4, headerLe);
  const start = 8 + ENVELOPE_BYTES[envelope]!;
  if ((flags >> 4) & 1) return { srsId, geometry: null };
  if (start >= blob.byteLength) throw new WkbError('GeoPackage blob ends inside its header');
  return { srsId, geometry: readWkb(blob, start) };
}

function bounds(g: Geometry): [number, number, number, number] {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  const add = (p: Vec2) => {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  };
  switch (g.type) {
    case 'Point':
      add(g.point);
      break;
    case 'LineString':
      for (const p of g.points) add(p);
      break;
    case 'Polygon':
      for (const p of g.rings.flat()) add(p);
      break;
    case 'MultiLineString':
      for (const p of g.lines.flat()) add(p);
      break;
    case 'MultiPolygon':
      for (const p of g.polygons.flat(2)) add(p);
      break;
  }
  return [minX, maxX, minY, maxY];
}

/** Encodes a geometry as a GeoPackage blob (version 0, little endian, xy envelope). */
export function writeGpkgGeometry(g: Geometry, srsId: number): Uint8Array {
  const wkb = writeWkb(g, true);
  const out = new Uint8Array(8 + 32 + wkb.byteLength);
  const view = new DataView(out.buffer);
  out[0] = 0x47;
  out[1] = 0x50;
  out[2] = 0;
  out[3] = 1 | (1 << 1); // little-endian header, xy envelope
  view.setInt32(4, srsId, true);
  const [minX, maxX, minY, maxY] = bounds(g);
  view.setFloat64(8, minX, true);
  view.setFloat64(16, maxX, true);
  view.setFloat64(24, minY, true);
  view.setFloat64(32, maxY, true);
  out.set(wkb, 40);
  return out;
}

export { bounds as geometryBounds };
