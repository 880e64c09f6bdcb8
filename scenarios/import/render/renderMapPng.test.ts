import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { road } from '../../builtin/index.ts';
import { renderMapPng } from './renderMapPng.ts';

describe('renderMapPng', () => {
  it('draws a PNG whose longest side is the requested size plus the title band', () => {
    const map = road();
    const png = PNG.sync.read(renderMapPng(map, { maxSizePx: 400, routeLaneIds: [map.lanes[0]!.id] }));
    // The longest side spans the map (400 px incl. 40 px margins); the title band adds 30 px in height.
    expect(Math.max(png.width, png.height - 30)).toBe(400);
  });

  it('paints the route colour (#ff2bd6) somewhere', () => {
    const map = road();
    const png = PNG.sync.read(renderMapPng(map, { maxSizePx: 400, routeLaneIds: [map.lanes[0]!.id] }));
    let found = false;
    for (let i = 0; i < png.data.length; i += 4)
      if (png.data[i] === 0xff && png.data[i + 1] === 0x2b && png.data[i + 2] === 0xd6) found = true;
    expect(found).toBe(true);
  });

  it('paints a yellow marking yellow and a broken one with gaps along it', () => {
    const seg = (y: number, x0: number, x1: number) => [
      { x: x0, y },
      { x: x1, y },
    ];
    const base = {
      type: 'driving' as const,
      widthM: 3.5,
      speedLimitMps: 13,
      successors: [],
      predecessors: [],
    };
    const map = {
      id: 'marks',
      crosswalks: [],
      stopLines: [],
      junctions: [],
      drivableAreas: [],
      lanes: [
        {
          ...base,
          id: 'A',
          centerline: seg(0, 0, 90),
          leftBoundary: 'dashed' as const,
          rightBoundary: 'none' as const,
          leftMarks: [{ sM: 0, type: 'broken' as const, color: 'yellow' as const, widthM: 0.3 }],
        },
      ],
    };
    // 90 m over 320 px: 3.6 px/m; the centre line at y = 1.75 m
    const png = PNG.sync.read(renderMapPng(map, { maxSizePx: 400 }));
    const yellowAt = (col: number, row: number) => {
      const i = 4 * (row * png.width + col);
      return png.data[i]! > 180 && png.data[i + 1]! > 140 && png.data[i + 2]! < 90;
    };
    const rows = [...Array(png.height).keys()];
    const row = rows.find((r) => [...Array(png.width).keys()].some((c) => yellowAt(c, r)));
    expect(row).toBeDefined();
    const along = [...Array(png.width).keys()].map((c) => yellowAt(c, row!) || yellowAt(c, row! + 1));
    const painted = along.filter(Boolean).length;
    const dashes = along.filter((v, i) => v && !along[i - 1]).length;
    // 90 m of a 3 m / 6 m pattern: 10 dashes, a third of the length painted
    expect(dashes).toBeGreaterThanOrEqual(9);
    expect(painted / 320).toBeGreaterThan(0.25);
    expect(painted / 320).toBeLessThan(0.45);
  });
});
