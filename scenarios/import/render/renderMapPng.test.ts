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
});
