import { describe, expect, it } from 'vitest';
import { obbDistance, obbOverlap, segmentIntersectsObb } from './obb.ts';

const c45 = Math.SQRT1_2;

describe('oriented-box predicates', () => {
  it('measures the gap between disjoint boxes and 0 for overlapping ones', () => {
    // 4×2 boxes, centres 7 m apart along x: faces 3 m apart.
    expect(obbDistance(0, 0, 1, 0, 2, 1, 7, 0, 1, 0, 2, 1)).toBeCloseTo(3, 12);
    expect(obbDistance(0, 0, 1, 0, 2, 1, 3.9, 0, 1, 0, 2, 1)).toBe(0);
    // Diagonal offset: corner (2, 1) to corner (5, 5) → 5 m.
    expect(obbDistance(0, 0, 1, 0, 2, 1, 7, 6, 1, 0, 2, 1)).toBeCloseTo(5, 12);
  });

  it('finds the separating axis of a rotated box', () => {
    // A 45° unit-half-size square whose corner points at the first box: corner at x = 3 − √2.
    expect(obbOverlap(0, 0, 1, 0, 2, 1, 3, 0, c45, c45, 1, 1)).toBe(true);
    expect(obbOverlap(0, 0, 1, 0, 2, 1, 3.5, 0, c45, c45, 1, 1)).toBe(false);
    expect(obbDistance(0, 0, 1, 0, 2, 1, 3.5, 0, c45, c45, 1, 1)).toBeCloseTo(1.5 - Math.SQRT2, 12);
  });

  it('touching counts as overlap (shapely intersects)', () => {
    expect(obbOverlap(0, 0, 1, 0, 2, 1, 4, 0, 1, 0, 2, 1)).toBe(true);
  });

  it('clips a segment against a box', () => {
    expect(segmentIntersectsObb(-5, 0.5, 5, 0.5, 0, 0, 1, 0, 2, 1)).toBe(true);
    expect(segmentIntersectsObb(-5, 1.5, 5, 1.5, 0, 0, 1, 0, 2, 1)).toBe(false);
    expect(segmentIntersectsObb(3, -1, 3, 1, 0, 0, 1, 0, 2, 1)).toBe(false);
  });
});
