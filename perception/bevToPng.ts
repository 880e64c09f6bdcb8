/**
 * BEV raster → colour image and PNG with a legend (channel swatches and names drawn with a tiny
 * built-in 3 × 5 bitmap font), for vision-capable models, reports and the viewer. Not on the
 * per-tick hot path: it allocates its image.
 */
import { PNG } from 'pngjs';
import type { BevRaster } from './BevRaster.ts';
import { STOP_LINE_VALUE } from './BevRaster.ts';

type Rgb = readonly [number, number, number];

const BACKGROUND: Rgb = [22, 22, 28];
const PANEL: Rgb = [245, 245, 245];
const INK: Rgb = [20, 20, 20];

/** Paint order (later on top), colour and legend label per channel. */
const STYLE: ReadonlyArray<{ name: string; rgb: Rgb; label: string }> = [
  { name: 'drivable', rgb: [64, 64, 72], label: 'drivable area' },
  { name: 'route', rgb: [38, 78, 128], label: 'route lanes' },
  { name: 'crosswalk', rgb: [150, 150, 150], label: 'crosswalk' },
  { name: 'centerline', rgb: [190, 170, 60], label: 'lane centreline' },
  { name: 'boundaryDashed', rgb: [150, 150, 160], label: 'boundary, dashed' },
  { name: 'boundarySolid', rgb: [240, 240, 240], label: 'boundary, solid/curb' },
  { name: 'stopLine', rgb: [230, 40, 40], label: 'stop line' },
  { name: 'static', rgb: [150, 105, 60], label: 'static object' },
  { name: 'vehicle', rgb: [70, 140, 255], label: 'vehicle / robot' },
  { name: 'cyclist', rgb: [255, 160, 40], label: 'cyclist' },
  { name: 'pedestrian', rgb: [255, 70, 200], label: 'pedestrian' },
  { name: 'ego', rgb: [60, 220, 90], label: 'ego' },
];

const STOP_RGB: ReadonlyArray<[number, Rgb, string]> = [
  [STOP_LINE_VALUE.RED, [230, 40, 40], 'stop line RED'],
  [STOP_LINE_VALUE.YELLOW, [240, 200, 40], 'stop line YELLOW'],
  [STOP_LINE_VALUE.GREEN, [40, 200, 70], 'stop line GREEN'],
  [STOP_LINE_VALUE.NONE, [200, 200, 200], 'stop line, no signal'],
];

const HISTORY_RGB: Rgb = [120, 120, 200];

/**
 * Colour composite of the raster as RGBA (widthPx × heightPx × 4), forward up. History channels
 * are drawn under the current agents, fading with age.
 */
export function bevToRgba(
  raster: BevRaster,
  out = new Uint8Array(raster.widthPx * raster.heightPx * 4),
): Uint8Array {
  const n = raster.widthPx * raster.heightPx;
  for (let i = 0; i < n; i++) {
    out[4 * i] = BACKGROUND[0];
    out[4 * i + 1] = BACKGROUND[1];
    out[4 * i + 2] = BACKGROUND[2];
    out[4 * i + 3] = 255;
  }
  const history = raster.channels.filter((c) => c.name.startsWith('history')).reverse();
  const paint = (plane: Uint8Array, colour: (v: number) => Rgb | undefined, alpha = 1) => {
    for (let i = 0; i < n; i++) {
      const v = plane[i]!;
      if (v === 0) continue;
      const c = colour(v);
      if (!c) continue;
      out[4 * i] = Math.round(out[4 * i]! * (1 - alpha) + c[0] * alpha);
      out[4 * i + 1] = Math.round(out[4 * i + 1]! * (1 - alpha) + c[1] * alpha);
      out[4 * i + 2] = Math.round(out[4 * i + 2]! * (1 - alpha) + c[2] * alpha);
    }
  };
  for (const s of STYLE) {
    if (s.name === 'static') {
      // History goes under the agents.
      history.forEach((h) => {
        const age = Number(h.name.slice('history'.length));
        paint(raster.channel(h.name)!, () => HISTORY_RGB, 0.6 / age);
      });
    }
    const plane = raster.channel(s.name);
    if (!plane) continue;
    if (s.name === 'stopLine') paint(plane, (v) => STOP_RGB.find((x) => x[0] === v)?.[1] ?? s.rgb);
    else if (s.name === 'crosswalk') paint(plane, () => s.rgb, 0.55);
    else paint(plane, () => s.rgb);
  }
  return out;
}

// --- a tiny 3 × 5 bitmap font (our own glyphs, rows top to bottom); lower case is drawn as upper case
const GLYPHS: Readonly<Record<string, string>> = {
  A: '.#. #.# ### #.# #.#',
  B: '##. #.# ##. #.# ##.',
  C: '.## #.. #.. #.. .##',
  D: '##. #.# #.# #.# ##.',
  E: '### #.. ##. #.. ###',
  F: '### #.. ##. #.. #..',
  G: '.## #.. #.# #.# .##',
  H: '#.# #.# ### #.# #.#',
  I: '### .#. .#. .#. ###',
  J: '..# ..# ..# #.# .#.',
  K: '#.# #.# ##. #.# #.#',
  L: '#.. #.. #.. #.. ###',
  M: '#.# ### ### #.# #.#',
  N: '##. #.# #.# #.# #.#',
  O: '.#. #.# #.# #.# .#.',
  P: '##. #.# ##. #.. #..',
  Q: '.#. #.# #.# ##. .##',
  R: '##. #.# ##. #.# #.#',
  S: '.## #.. .#. ..# ##.',
  T: '### .#. .#. .#. .#.',
  U: '#.# #.# #.# #.# ###',
  V: '#.# #.# #.# #.# .#.',
  W: '#.# #.# ### ### #.#',
  X: '#.# #.# .#. #.# #.#',
  Y: '#.# #.# .#. .#. .#.',
  Z: '### ..# .#. #.. ###',
  '0': '### #.# #.# #.# ###',
  '1': '.#. ##. .#. .#. ###',
  '2': '##. ..# .#. #.. ###',
  '3': '##. ..# .#. ..# ##.',
  '4': '#.# #.# ### ..# ..#',
  '5': '### #.. ##. ..# ##.',
  '6': '.## #.. ### #.# ###',
  '7': '### ..# .#. .#. .#.',
  '8': '### #.# ### #.# ###',
  '9': '### #.# ### ..# ##.',
  ' ': '... ... ... ... ...',
  '.': '... ... ... ... .#.',
  ',': '... ... ... .#. #..',
  '-': '... ... ### ... ...',
  '/': '..# ..# .#. #.. #..',
  '(': '.#. #.. #.. #.. .#.',
  ')': '.#. ..# ..# ..# .#.',
  ':': '... .#. ... .#. ...',
  '=': '... ### ... ### ...',
  '+': '... .#. ### .#. ...',
  '%': '#.# ..# .#. #.. #.#',
  _: '... ... ... ... ###',
  '>': '#.. .#. ..# .#. #..',
  '<': '..# .#. #.. .#. ..#',
  "'": '.#. .#. ... ... ...',
};

/** The 15 cells (5 rows × 3) of a glyph; unknown characters draw as '-'. */
function glyph(ch: string): string {
  return (GLYPHS[ch.toUpperCase()] ?? GLYPHS['-']!).replaceAll(' ', '');
}

function drawText(png: PNG, x: number, y: number, text: string, rgb: Rgb, scale: number): void {
  let cx = x;
  for (const ch of text) {
    const g = glyph(ch);
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        if (g[r * 3 + c] !== '#') continue;
        fillRect(png, cx + c * scale, y + r * scale, scale, scale, rgb);
      }
    }
    cx += 4 * scale;
  }
}

function fillRect(png: PNG, x: number, y: number, w: number, h: number, rgb: Rgb): void {
  for (let yy = Math.max(0, y); yy < Math.min(png.height, y + h); yy++) {
    for (let xx = Math.max(0, x); xx < Math.min(png.width, x + w); xx++) {
      const i = (yy * png.width + xx) * 4;
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
      png.data[i + 3] = 255;
    }
  }
}

export interface BevPngOptions {
  /** Title line drawn above the legend (e.g. the scenario id and time). */
  title?: string;
  /** Extra lines under the title (e.g. the ego speed). */
  notes?: string[];
  /** Pixels per raster cell (default: 2 for rasters up to 320 cells, else 1). */
  scale?: number;
  /** Draw the legend panel (default true). */
  legend?: boolean;
}

/**
 * Encodes the raster as a PNG: the colour composite (forward up, ego-centred) scaled by `scale`,
 * with a 1 m / 10 m scale bar, and a legend panel on the right listing each enabled channel's
 * swatch and name.
 */
export function bevToPng(raster: BevRaster, opts: BevPngOptions = {}): Buffer {
  const scale = opts.scale ?? (Math.max(raster.widthPx, raster.heightPx) <= 320 ? 2 : 1);
  const fs = 2; // font scale: 6 × 10 px glyphs, 8 px advance
  const panelW = opts.legend === false ? 0 : 300;
  const bevW = raster.widthPx * scale;
  const bevH = raster.heightPx * scale;
  const legendRows = STYLE.length + STOP_RGB.length + 6 + (opts.notes?.length ?? 0);
  const height = Math.max(bevH, opts.legend === false ? 0 : 16 + legendRows * 16);
  const png = new PNG({ width: bevW + panelW, height });
  fillRect(png, 0, 0, png.width, png.height, PANEL);
  const rgba = bevToRgba(raster);
  for (let r = 0; r < raster.heightPx; r++) {
    for (let c = 0; c < raster.widthPx; c++) {
      const s = (r * raster.widthPx + c) * 4;
      fillRect(png, c * scale, r * scale, scale, scale, [rgba[s]!, rgba[s + 1]!, rgba[s + 2]!]);
    }
  }
  // Scale bar: 10 m along the bottom-left corner.
  const tenM = Math.round((10 / raster.params.resolutionM) * scale);
  const barLen = Math.min(tenM, bevW - 20);
  fillRect(png, 8, bevH - 14, barLen, 3, [255, 255, 255]);
  const barLabel =
    barLen === tenM ? '10 M' : `${((barLen / scale) * raster.params.resolutionM).toFixed(1)} M`;
  drawText(png, 8, bevH - 26, barLabel, [255, 255, 255], fs);
  if (panelW === 0) return PNG.sync.write(png);

  const x0 = bevW + 12;
  let y = 10;
  const line = (text: string, rgb: Rgb = INK) => {
    drawText(png, x0, y, text.slice(0, 35), rgb, fs);
    y += 16;
  };
  if (opts.title) line(opts.title);
  for (const n of opts.notes ?? []) line(n);
  const p = raster.params;
  line(`${p.lengthM}X${p.widthM} M AT ${p.resolutionM} M, FWD UP`);
  if (p.forwardOffsetM !== 0) line(`CENTRE ${p.forwardOffsetM} M AHEAD OF EGO`);
  y += 6;
  const swatch = (rgb: Rgb, label: string) => {
    fillRect(png, x0, y, 20, 10, rgb);
    drawText(png, x0 + 28, y, label, INK, fs);
    y += 16;
  };
  for (const s of STYLE) {
    if (!raster.channel(s.name)) continue;
    if (s.name === 'stopLine') for (const [, rgb, label] of STOP_RGB) swatch(rgb, label);
    else swatch(s.rgb, s.label);
  }
  const hist = raster.channels.filter((c) => c.name.startsWith('history')).length;
  if (hist > 0) swatch(HISTORY_RGB, `agent history 1-${hist} ticks`);
  return PNG.sync.write(png);
}
