import { describe, expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/index.ts';
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

  it('gives each point its width, so that two lanelets sharing a bound leave no crack between them', () => {
    // Two lanes along +x sharing the bound y = 0, both widening from 3.5 m to 4 m over 100 m
    // (ZAM_Tutorial-1_1_T-1#100's lanes 1 and 2 do by a few centimetres): with the mean width
    // (3.75 m) alone, each lane's area stops short of the shared bound near the end — at x = 90 by
    // (3.95 − 3.75) / 2 = 0.1 m on either side — and a footprint corner there is off the road
    const shared = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
    ];
    const a = laneFromBounds(
      [
        { x: 0, y: 3.5 },
        { x: 100, y: 4 },
      ],
      shared,
    )!;
    const b = laneFromBounds(shared, [
      { x: 0, y: -3.5 },
      { x: 100, y: -4 },
    ])!;
    expect(a.widthsM.length).toBe(a.centerline.length);
    expect(a.widthsM[0]).toBeCloseTo(3.5, 3);
    expect(a.widthsM[a.widthsM.length - 1]).toBeCloseTo(4, 3);
    const lane = (id: string, g: NonNullable<ReturnType<typeof laneFromBounds>>, perPoint: boolean) => ({
      id,
      type: 'driving' as const,
      centerline: g.centerline,
      widthM: g.widthM,
      ...(perPoint ? { widthsM: g.widthsM } : {}),
      speedLimitMps: 10,
      successors: [],
      predecessors: [],
    });
    const mapOf = (perPoint: boolean) => {
      const m = RoadMap.fromData({ id: 'crack', lanes: [lane('a', a, perPoint), lane('b', b, perPoint)] });
      if (!m.ok) throw new Error(m.error.message);
      return m.value;
    };
    const mean = mapOf(false);
    expect(mean.isDrivable(90, 0.05)).toBe(false);
    const exact = mapOf(true);
    for (let x = 1; x < 100; x += 1)
      for (const y of [-0.05, -0.01, -0.001, 0.001, 0.01, 0.05])
        expect(exact.isDrivable(x, y), `(${x}, ${y})`).toBe(true);
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
