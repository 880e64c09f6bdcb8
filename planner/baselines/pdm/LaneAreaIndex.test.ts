import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/index.ts';
import { LaneAreaIndex } from './LaneAreaIndex.ts';

// A curved lane (quarter circle, r = 30 m, 2 m sampling), a straight lane with a long single
// segment, a sidewalk (not drivable) and an extra drivable polygon.
const arc = Array.from({ length: 25 }, (_, i) => {
  const a = (i / 24) * (Math.PI / 2);
  return { x: 30 * Math.sin(a), y: 30 - 30 * Math.cos(a) };
});
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'mixed',
    lanes: [
      { id: 'curve', centerline: arc, widthM: 3.5, speedLimitMps: 10 },
      {
        id: 'long',
        centerline: [
          { x: -40, y: -10 },
          { x: 60, y: -4 },
        ],
        widthM: 3.5,
        speedLimitMps: 10,
      },
      {
        id: 'walk',
        type: 'sidewalk',
        centerline: [
          { x: -40, y: -14 },
          { x: 60, y: -14 },
        ],
        widthM: 2,
        speedLimitMps: 2,
      },
    ],
    drivableAreas: [
      [
        { x: 40, y: 10 },
        { x: 55, y: 10 },
        { x: 55, y: 25 },
        { x: 40, y: 25 },
      ],
    ],
  }),
);

describe('LaneAreaIndex', () => {
  const index = new LaneAreaIndex(map);
  const out = new Int32Array(8);

  it('agrees with RoadMap.isDrivable everywhere', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let onRoad = 0;
    for (let k = 0; k < 20000; k++) {
      const x = -45 + 110 * rnd();
      const y = -20 + 55 * rnd();
      const expected = map.isDrivable(x, y);
      if (expected) onRoad++;
      expect(index.polygonsAt(x, y, out) > 0, `(${x}, ${y})`).toBe(expected);
    }
    expect(onRoad).toBeGreaterThan(1000); // the sample really covers the road
  });

  it('names the polygons: lanes by map index, extra areas after them', () => {
    expect(index.polygonCount).toBe(4);
    expect([...out.subarray(0, index.polygonsAt(10, -7, out))]).toEqual([1]);
    expect([...out.subarray(0, index.polygonsAt(50, 20, out))]).toEqual([3]);
    expect(index.polygonsAt(0, -14, out)).toBe(0); // sidewalk
  });
});

describe('LaneAreaIndex variable widths', () => {
  it('cuts a tapering lane at its per-vertex widths, as its RoadMap polygon is, when asked', () => {
    // 2 m wide at x = 0, 6 m at x = 40 (mean widthM 4): at x = 38, y = 2.6 lies inside the taper.
    const taper = new RoadMap(
      RoadMapSchema.parse({
        id: 'taper',
        lanes: [
          {
            id: 'T',
            centerline: [
              { x: 0, y: 0 },
              { x: 40, y: 0 },
            ],
            widthM: 4,
            widthsM: [2, 6],
            speedLimitMps: 10,
          },
        ],
      }),
    );
    const scratch = new Int32Array(8);
    expect(taper.isDrivable(38, 2.6)).toBe(true);
    expect(new LaneAreaIndex(taper, { variableWidths: true }).isDrivable(38, 2.6, scratch)).toBe(true);
    expect(new LaneAreaIndex(taper).isDrivable(38, 2.6, scratch)).toBe(false);
    expect(new LaneAreaIndex(taper, { variableWidths: true }).isDrivable(2, 1.5, scratch)).toBe(false);
  });
});
