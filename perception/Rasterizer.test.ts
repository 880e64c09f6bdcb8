import { describe, expect, it } from 'vitest';
import { Rasterizer } from './Rasterizer.ts';

const count = (b: Uint8Array) => b.reduce((n, v) => n + (v ? 1 : 0), 0);

describe('Rasterizer', () => {
  it('fills exactly the cells whose centres lie inside a square (4 × 4 = 16 cells)', () => {
    const r = new Rasterizer(10, 10);
    const b = new Uint8Array(100);
    r.fillPolygon(b, 0, [1, 5, 5, 1], [1, 1, 5, 5], 4, 7);
    expect(count(b)).toBe(16);
    expect(b[1 * 10 + 1]).toBe(7);
    expect(b[4 * 10 + 4]).toBe(7);
    expect(b[5 * 10 + 5]).toBe(0);
  });

  it('clips polygons that extend beyond the raster', () => {
    const r = new Rasterizer(8, 8);
    const b = new Uint8Array(64);
    r.fillPolygon(b, 0, [-100, 100, 100, -100], [-100, -100, 2, 2], 4, 1);
    expect(count(b)).toBe(16); // rows 0 and 1, all 8 columns
  });

  it('writes into the plane at the given offset only', () => {
    const r = new Rasterizer(4, 4);
    const b = new Uint8Array(32);
    r.fillPolygon(b, 16, [0, 4, 4, 0], [0, 0, 4, 4], 4, 1);
    expect(count(b.subarray(0, 16))).toBe(0);
    expect(count(b.subarray(16))).toBe(16);
  });

  it('fills a triangle by the centre rule (row 0: 1 cell … half of a 4×4 square = 6 cells)', () => {
    const r = new Rasterizer(4, 4);
    const b = new Uint8Array(16);
    // Lower-left triangle (0,0)-(0,4)-(4,4): cell (row, col) covered when col + 0.5 < row + 0.5.
    r.fillPolygon(b, 0, [0, 0, 4], [0, 4, 4], 3, 1);
    // centres strictly below the diagonal: rows 1..3 have 1, 2, 3 cells
    expect(count(b)).toBe(6);
  });

  it('draws a one-cell line along a row and clips it at the raster edges', () => {
    const r = new Rasterizer(16, 8);
    const b = new Uint8Array(128);
    r.drawLine(b, 0, -10, 2.5, 100, 2.5, 1);
    expect(count(b)).toBe(16);
    for (let c = 0; c < 16; c++) expect(b[2 * 16 + c]).toBe(1);
  });

  it('draws a diagonal line with one cell per major-axis step', () => {
    const r = new Rasterizer(8, 8);
    const b = new Uint8Array(64);
    r.drawLine(b, 0, 0.5, 0.5, 7.5, 7.5, 1);
    expect(count(b)).toBe(8);
    for (let k = 0; k < 8; k++) expect(b[k * 8 + k]).toBe(1);
  });

  it('draws nothing for a line entirely outside', () => {
    const r = new Rasterizer(8, 8);
    const b = new Uint8Array(64);
    r.drawLine(b, 0, -5, -5, -1, 20, 1);
    expect(count(b)).toBe(0);
  });

  it('draws a thick line as a rectangle (2 cells wide, 6 long)', () => {
    const r = new Rasterizer(8, 8);
    const b = new Uint8Array(64);
    r.drawLine(b, 0, 1, 4, 7, 4, 1, 2);
    expect(count(b)).toBe(12); // rows 3 and 4, columns 1..6
  });
});

describe('Rasterizer.drawPolyline', () => {
  it('draws an L-shaped polyline: 8 cells along row 1, then 6 more down column 7', () => {
    const r = new Rasterizer(8, 8);
    const b = new Uint8Array(64);
    r.drawPolyline(b, 0, Float64Array.of(0.5, 7.5, 7.5), Float64Array.of(1.5, 1.5, 7.5), 3, 1);
    expect(count(b)).toBe(8 + 6);
    expect(b[1 * 8 + 0]).toBe(1);
    expect(b[7 * 8 + 7]).toBe(1);
  });

  it('skips segments outside the raster and clips the others', () => {
    const r = new Rasterizer(8, 8);
    const b = new Uint8Array(64);
    r.drawPolyline(b, 0, Float64Array.of(-20, -10, 20), Float64Array.of(3.5, 3.5, 3.5), 3, 1);
    expect(count(b)).toBe(8);
  });
});
