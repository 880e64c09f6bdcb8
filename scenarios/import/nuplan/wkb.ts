/**
 * Well-Known Binary (OGC Simple Features 1.2.1 §8.2) reader and writer for the 2-D geometries
 * nuPlan maps use: Point, LineString, Polygon, MultiLineString, MultiPolygon, little or big
 * endian. Z/M (ISO 1000/2000/3000 offsets and EWKB flags) are read and dropped. No dependency:
 * there is no well-kept JavaScript WKB/GeoPackage library worth the weight for five types.
 */
import type { Vec2 } from '../../../core/index.ts';

export type Geometry =
  | { type: 'Point'; point: Vec2 }
  | { type: 'LineString'; points: Vec2[] }
  | { type: 'Polygon'; rings: Vec2[][] }
  | { type: 'MultiLineString'; lines: Vec2[][] }
  | { type: 'MultiPolygon'; polygons: Vec2[][][] };

const CODES = { Point: 1, LineString: 2, Polygon: 3, MultiLineString: 5, MultiPolygon: 6 } as const;

/** Thrown by readWkb on malformed bytes; importers turn it into a Result naming the row. */
export class WkbError extends Error {}

class Reader {
  off: number;
  constructor(
    readonly view: DataView,
    start: number,
  ) {
    this.off = start;
  }
  need(n: number): void {
    if (this.off + n > this.view.byteLength) {
      throw new WkbError(
        `truncated WKB: need ${n} bytes at offset ${this.off}, have ${this.view.byteLength - this.off}`,
      );
    }
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.off++);
  }
  u32(le: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.off, le);
    this.off += 4;
    return v;
  }
  f64(le: boolean): number {
    this.need(8);
    const v = this.view.getFloat64(this.off, le);
    this.off += 8;
    return v;
  }
}

function readPoints(r: Reader, le: boolean, dims: number): Vec2[] {
  const n = r.u32(le);
  r.need(n * dims * 8);
  const out: Vec2[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = r.f64(le);
    const y = r.f64(le);
    for (let d = 2; d < dims; d++) r.f64(le);
    out[i] = { x, y };
  }
  return out;
}

function readGeometry(r: Reader): Geometry {
  const order = r.u8();
  if (order > 1) throw new WkbError(`bad WKB byte order ${order} at offset ${r.off - 1}`);
  const le = order === 1;
  let code = r.u32(le);
  let dims = 2;
  // EWKB flags (PostGIS): Z 0x80000000, M 0x40000000, SRID 0x20000000.
  if (code & 0x20000000) r.u32(le);
  if (code & 0x80000000) dims++;
  if (code & 0x40000000) dims++;
  code &= 0x0fffffff;
  // ISO: 1000s = Z, 2000s = M, 3000s = ZM.
  const iso = Math.floor(code / 1000);
  if (iso === 1 || iso === 2) dims++;
  if (iso === 3) dims += 2;
  code %= 1000;
  switch (code) {
    case 1: {
      const x = r.f64(le);
      const y = r.f64(le);
      for (let d = 2; d < dims; d++) r.f64(le);
      return { type: 'Point', point: { x, y } };
    }
    case 2:
      return { type: 'LineString', points: readPoints(r, le, dims) };
    case 3: {
      const n = r.u32(le);
      const rings: Vec2[][] = [];
      for (let i = 0; i < n; i++) rings.push(readPoints(r, le, dims));
      return { type: 'Polygon', rings };
    }
    case 5: {
      const n = r.u32(le);
      const lines: Vec2[][] = [];
      for (let i = 0; i < n; i++) {
        const g = readGeometry(r);
        if (g.type !== 'LineString') throw new WkbError(`MultiLineString member ${i} is a ${g.type}`);
        lines.push(g.points);
      }
      return { type: 'MultiLineString', lines };
    }
    case 6: {
      const n = r.u32(le);
      const polygons: Vec2[][][] = [];
      for (let i = 0; i < n; i++) {
        const g = readGeometry(r);
        if (g.type !== 'Polygon') throw new WkbError(`MultiPolygon member ${i} is a ${g.type}`);
        polygons.push(g.rings);
      }
      return { type: 'MultiPolygon', polygons };
    }
    default:
      throw new WkbError(`unsupported WKB geometry type ${code}`);
  }
}

/** Parses WKB starting at byte `offset` of `bytes`. Throws WkbError on malformed input. */
export function readWkb(bytes: Uint8Array, offset = 0): Geometry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return readGeometry(new Reader(view, offset));
}

function size(g: Geometry): number {
  const pts = (n: number) => 4 + 16 * n;
  switch (g.type) {
    case 'Point':
      return 5 + 16;
    case 'LineString':
      return 5 + pts(g.points.length);
    case 'Polygon':
      return 5 + 4 + g.rings.reduce((a, r) => a + pts(r.length), 0);
    case 'MultiLineString':
      return 5 + 4 + g.lines.reduce((a, l) => a + 5 + pts(l.length), 0);
    case 'MultiPolygon':
      return 5 + 4 + g.polygons.reduce((a, p) => a + 5 + 4 + p.reduce((b, r) => b + pts(r.length), 0), 0);
  }
}

function write(view: DataView, off: number, g: Geometry, le: boolean): number {
  view.setUint8(off, le ? 1 : 0);
  view.setUint32(off + 1, CODES[g.type], le);
  let o = off + 5;
  const pts = (ps: Vec2[]) => {
    view.setUint32(o, ps.length, le);
    o += 4;
    for (const p of ps) {
      view.setFloat64(o, p.x, le);
      view.setFloat64(o + 8, p.y, le);
      o += 16;
    }
  };
  switch (g.type) {
    case 'Point':
      view.setFloat64(o, g.point.x, le);
      view.setFloat64(o + 8, g.point.y, le);
      return o + 16;
    case 'LineString':
      pts(g.points);
      return o;
    case 'Polygon':
      view.setUint32(o, g.rings.length, le);
      o += 4;
      for (const r of g.rings) pts(r);
      return o;
    case 'MultiLineString':
      view.setUint32(o, g.lines.length, le);
      o += 4;
      for (const l of g.lines) o = write(view, o, { type: 'LineString', points: l }, le);
      return o;
    case 'MultiPolygon':
      view.setUint32(o, g.polygons.length, le);
      o += 4;
      for (const p of g.polygons) o = write(view, o, { type: 'Polygon', rings: p }, le);
      return o;
  }
}

/** Encodes a geometry as WKB (little endian unless `littleEndian` is false). */
export function writeWkb(g: Geometry, littleEndian = true): Uint8Array {
  const out = new Uint8Array(size(g));
  write(new DataView(out.buffer), 0, g, littleEndian);
  return out;
}
