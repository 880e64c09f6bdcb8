import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { BevRaster } from './BevRaster.ts';
import { bevToPng, bevToRgba } from './bevToPng.ts';
import { PerceptionParamsSchema } from './PerceptionParams.ts';
import { agent, snapshot, straightRoad } from './testing/scenes.ts';

const params = PerceptionParamsSchema.parse({});
const raster = () => {
  const snap = snapshot(0, 0, 0, 5, [agent('car', 'vehicle', 20, 4)]);
  return new BevRaster(straightRoad(), params).render(snap, snap.route);
};

describe('bevToPng', () => {
  it('colours each channel: the vehicle cell is vehicle blue, the ego cell ego green', () => {
    const r = raster();
    const rgba = bevToRgba(r);
    const at = (f: number, l: number) => {
      const [row, col] = r.cellOf(f, l);
      const i = (row * r.widthPx + col) * 4;
      return [rgba[i], rgba[i + 1], rgba[i + 2]];
    };
    expect(at(20, 4)).toEqual([70, 140, 255]);
    expect(at(1.5, 0)).toEqual([60, 220, 90]);
    expect(at(0, -20)).toEqual([22, 22, 28]); // off-road background
  });

  it('encodes a PNG of the scaled raster plus a 300 px legend panel', () => {
    const png = PNG.sync.read(bevToPng(raster(), { title: 'TEST' }));
    expect(png.width).toBe(256 * 2 + 300);
    expect(png.height).toBe(512);
    // The legend panel is light, with dark text pixels somewhere in its first rows.
    let dark = 0;
    for (let y = 10; y < 20; y++)
      for (let x = 512; x < 812; x++) if (png.data[(y * png.width + x) * 4]! < 100) dark++;
    expect(dark).toBeGreaterThan(0);
  });

  it('leaves the legend out on request', () => {
    const png = PNG.sync.read(bevToPng(raster(), { legend: false, scale: 1 }));
    expect([png.width, png.height]).toEqual([256, 256]);
  });
});
