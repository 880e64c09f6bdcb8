import { describe, expect, it } from 'vitest';
import { angleDiff, boxCorners, boxesOverlap, normalizeAngle, Polyline, pointInPolygon } from './geometry.ts';

describe('angles', () => {
  it('wraps to (-π, π]', () => {
    expect(normalizeAngle(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(normalizeAngle(-Math.PI / 2 - 2 * Math.PI)).toBeCloseTo(-Math.PI / 2, 12);
    expect(angleDiff(0.1, 2 * Math.PI - 0.1)).toBeCloseTo(0.2, 12);
  });
});

describe('Polyline', () => {
  const l = new Polyline([
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
  ]);
  it('measures arc length', () => {
    expect(l.length).toBe(20);
    expect(Array.from(l.s)).toEqual([0, 10, 20]);
  });
  it('projects to Frenet s/d with d positive to the left', () => {
    const f = l.project(5, 2);
    expect(f.sM).toBeCloseTo(5, 12);
    expect(f.dM).toBeCloseTo(2, 12);
    const g = l.project(12, 5);
    expect(g.sM).toBeCloseTo(15, 12);
    expect(g.dM).toBeCloseTo(-2, 12);
  });
  it('maps Frenet back to the same point', () => {
    const p = l.toCartesian(15, -2);
    expect(p.x).toBeCloseTo(12, 12);
    expect(p.y).toBeCloseTo(5, 12);
  });
  it('extends straight beyond both ends', () => {
    expect(l.poseAt(25).y).toBeCloseTo(15, 12);
    expect(l.project(-3, 0).sM).toBeCloseTo(-3, 12);
  });
  it('interpolates the heading per segment', () => {
    expect(l.poseAt(5).headingRad).toBeCloseTo(0, 12);
    expect(l.poseAt(15).headingRad).toBeCloseTo(Math.PI / 2, 12);
  });
  it('drops duplicate points and rejects degenerate input', () => {
    expect(
      new Polyline([
        { x: 0, y: 0 },
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ]).size,
    ).toBe(2);
    expect(
      () =>
        new Polyline([
          { x: 1, y: 1 },
          { x: 1, y: 1 },
        ]),
    ).toThrow(/two distinct/);
  });
  it('resamples at a fixed step keeping the end point', () => {
    const r = l.resample(3);
    // Samples every 3 m along the original; the chord across the corner makes it slightly shorter.
    expect(r.size).toBe(8);
    expect(r.length).toBeGreaterThan(19);
    expect(r.length).toBeLessThan(20);
    expect(r.xs[7]).toBe(10);
    expect(r.ys[7]).toBe(10);
  });
});

describe('oriented boxes', () => {
  const a = { cx: 0, cy: 0, headingRad: 0, lengthM: 4, widthM: 2 };
  it('computes corners FL, FR, RR, RL', () => {
    expect(Array.from(boxCorners(a))).toEqual([2, 1, 2, -1, -2, -1, -2, 1]);
  });
  it('detects overlap and separation on all four axes', () => {
    expect(boxesOverlap(a, { ...a, cx: 3.9 })).toBe(true);
    expect(boxesOverlap(a, { ...a, cx: 4.1 })).toBe(false);
    expect(boxesOverlap(a, { ...a, cy: 2.1 })).toBe(false);
    // A box rotated 45° whose bounding box overlaps but whose body does not.
    const r = { cx: 3.2, cy: 2.2, headingRad: Math.PI / 4, lengthM: 2, widthM: 0.5 };
    expect(boxesOverlap(a, r)).toBe(false);
    expect(boxesOverlap(a, { ...r, cx: 2.4, cy: 1.4 })).toBe(true);
  });
});

describe('polygons', () => {
  const sq = [
    { x: 0, y: 0 },
    { x: 2, y: 0 },
    { x: 2, y: 2 },
    { x: 0, y: 2 },
  ];
  it('tests containment for Vec2 lists and flat arrays alike', () => {
    expect(pointInPolygon(1, 1, sq)).toBe(true);
    expect(pointInPolygon(3, 1, sq)).toBe(false);
    expect(pointInPolygon(1, 1, new Float64Array([0, 0, 2, 0, 2, 2, 0, 2]))).toBe(true);
    expect(pointInPolygon(1, 2.5, new Float64Array([0, 0, 2, 0, 2, 2, 0, 2]))).toBe(false);
  });
});
