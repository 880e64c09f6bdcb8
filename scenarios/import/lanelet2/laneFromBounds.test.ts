import { describe, expect, it } from 'vitest';
import { laneFromBounds, leftIsLeft, runsAgainst } from './laneFromBounds.ts';

describe('laneFromBounds', () => {
  it('pairs points by arc-length fraction when the bounds have different vertex counts', () => {
    // Left: 3 points over 10 m at y = 3; right: 2 points at y = 0 → centre y = 1.5, width 3.
    const g = laneFromBounds(
      [
        { x: 0, y: 3 },
        { x: 4, y: 3 },
        { x: 10, y: 3 },
      ],
      [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ],
    )!;
    expect(g.widthM).toBeCloseTo(3, 12);
    for (const p of g.centerline) expect(p.y).toBeCloseTo(1.5, 12);
    expect(g.centerline[0]).toEqual({ x: 0, y: 1.5 });
    expect(g.centerline.at(-1)).toEqual({ x: 10, y: 1.5 });
  });

  it('widens a lane narrower than the minimum', () => {
    const g = laneFromBounds(
      [
        { x: 0, y: 0.1 },
        { x: 10, y: 0.1 },
      ],
      [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ],
      0.5,
    )!;
    expect(g.widthM).toBe(0.5);
  });

  it('gives undefined for a degenerate lanelet', () => {
    expect(laneFromBounds([{ x: 0, y: 0 }], [{ x: 0, y: 0 }])).toBeUndefined();
  });
});

describe('orientation helpers', () => {
  const left = [
    { x: 0, y: 3 },
    { x: 10, y: 3 },
  ];
  const right = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
  ];
  it('sees a left bound on the left when driving +x', () => {
    expect(leftIsLeft(left, right)).toBe(true);
    expect(leftIsLeft(right, left)).toBe(false);
  });

  it('detects a bound drawn against the other', () => {
    expect(runsAgainst(left, right)).toBe(false);
    expect(runsAgainst(left, right.slice().reverse())).toBe(true);
  });

  it('keeps a U-turn lanelet oriented (left bound inside the turn)', () => {
    // Semicircles around the origin, driving counter-clockwise from (r, 0) to (−r, 0): the inner
    // (radius 2) bound is on the left, the outer (radius 5) on the right.
    const arc = (r: number) =>
      Array.from({ length: 9 }, (_, i) => ({
        x: r * Math.cos((Math.PI * i) / 8),
        y: r * Math.sin((Math.PI * i) / 8),
      }));
    expect(leftIsLeft(arc(2), arc(5))).toBe(true);
    expect(leftIsLeft(arc(5), arc(2))).toBe(false);
  });
});
