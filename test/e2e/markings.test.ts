/**
 * Lane markings in the viewer, read back from the pixels of real headless Chromium: a straight road
 * laid under the ego of a real run, its centre line broken yellow (3 m paint, 6 m gap) and its
 * right edge solid white. Seen from the top-down camera, the centre line must be yellow and broken
 * (paint and gap alternating, about a third paint) and the edge line white and unbroken.
 */
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lane } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { runViewOf, startViewer, type ViewerServer } from '../../viewer/index.ts';
import { collectErrors, launchChromium, openViewer } from './browser.ts';
import { runLogOf } from './fixtures.ts';

type Hooks = {
  seek(tS: number): void;
  setCamera(m: string): void;
  screenOfPoint(run: number, x: number, y: number): { x: number; y: number };
};

describe('lane markings in headless Chromium', () => {
  let browser: Browser;
  let server: ViewerServer;
  let page: Page;
  let errors: string[];
  // the ego's start pose: the road runs through it along its heading
  let x0 = 0;
  let y0 = 0;
  let c = 1;
  let s = 0;
  const at = (alongM: number, leftM: number) => ({
    x: x0 + c * alongM - s * leftM,
    y: y0 + s * alongM + c * leftM,
  });

  beforeAll(async () => {
    const { log } = runLogOf('cut_in');
    const e = log.ticks[0]!.ego;
    x0 = e.x;
    y0 = e.y;
    c = Math.cos(e.headingRad);
    s = Math.sin(e.headingRad);
    const line = (leftM: number, from: number, to: number) => [at(from, leftM), at(to, leftM)];
    const base = { widthM: 3.5, speedLimitMps: 13, successors: [] as string[], predecessors: [] as string[] };
    const lanes: Lane[] = [
      {
        ...base,
        id: 'E',
        type: 'driving',
        centerline: line(0, -200, 200),
        left: { laneId: 'W', changeAllowed: true, opposite: true },
        leftBoundary: 'dashed',
        rightBoundary: 'solid',
        leftMarks: [{ sM: 0, type: 'broken', color: 'yellow', dashM: 3, gapM: 6 }],
        rightMarks: [{ sM: 0, type: 'solid', color: 'white' }],
      },
      {
        ...base,
        id: 'W',
        type: 'driving',
        centerline: line(3.5, 200, -200),
        left: { laneId: 'E', changeAllowed: true, opposite: true },
        leftBoundary: 'dashed',
        rightBoundary: 'solid',
        leftMarks: [{ sM: 0, type: 'broken', color: 'yellow', dashM: 3, gapM: 6 }],
        rightMarks: [{ sM: 0, type: 'solid', color: 'white' }],
      },
    ];
    const map = RoadMap.fromData({
      id: 'marks',
      lanes,
      crosswalks: [],
      stopLines: [],
      junctions: [],
      drivableAreas: [],
    });
    if (!map.ok) throw new Error(map.error.message);
    // no agents, plan or route line over the road: only the map's paint is read back
    const bare = { ...log, ticks: log.ticks.map((t) => ({ ...t, agents: [], plan: undefined })) };
    const started = await startViewer({ runs: [runViewOf(bare, map.value)], live: false });
    if (!started.ok) throw new Error(started.error.message);
    server = started.value;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    errors = collectErrors(page);
    await openViewer(page, server.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Colour class of the pixels around map point (along, left): 'yellow', 'white' or 'road'. */
  async function sampleLine(
    leftM: number,
    fromM: number,
    toM: number,
    stepM: number,
    camera = 'top',
  ): Promise<string[]> {
    const h = await page.evaluateHandle(() => (window as unknown as { __edgeplan: Hooks }).__edgeplan);
    await h.evaluate((x, cam) => {
      x.setCamera(cam);
      x.seek(0);
    }, camera);
    const pts: { x: number; y: number }[] = [];
    for (let a = fromM; a <= toM + 1e-9; a += stepM) {
      const p = at(a, leftM);
      pts.push(await h.evaluate((x, q) => x.screenOfPoint(0, q.x, q.y), p));
    }
    const png = PNG.sync.read(await page.screenshot());
    return pts.map((p) => {
      const classes = new Set<string>();
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++) {
          const i = 4 * (Math.round(p.y) + dy) * png.width + 4 * (Math.round(p.x) + dx);
          const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
          if (r > 150 && g > 110 && b < 90) classes.add('yellow');
          else if (r > 170 && g > 170 && b > 170) classes.add('white');
        }
      return classes.has('yellow') ? 'yellow' : classes.has('white') ? 'white' : 'road';
    });
  }

  const runs = (xs: string[], v: string) => xs.filter((k, i) => k === v && xs[i - 1] !== v).length;

  it('draws the broken yellow centre line yellow and broken, about a third of it paint', async () => {
    const seen = await sampleLine(1.75, -18, 18, 0.25);
    const paint = seen.filter((k) => k === 'yellow').length / seen.length;
    console.log(
      `centre line: ${seen.map((k) => (k === 'yellow' ? 'Y' : k === 'white' ? 'W' : '.')).join('')}`,
    );
    expect(seen.includes('white')).toBe(false);
    // 36 m of a 9 m period: 4 dashes (3 to 5 with the phase), each separated by road
    expect(runs(seen, 'yellow')).toBeGreaterThanOrEqual(3);
    expect(runs(seen, 'road')).toBeGreaterThanOrEqual(3);
    expect(paint).toBeGreaterThan(0.2);
    expect(paint).toBeLessThan(0.5);
    expect(errors).toEqual([]);
  });

  it('draws it broken in the 3D follow view too (the same paint, seen in perspective)', async () => {
    const seen = await sampleLine(1.75, 4, 30, 0.25, 'follow');
    console.log(
      `centre line, follow camera: ${seen.map((k) => (k === 'yellow' ? 'Y' : k === 'white' ? 'W' : '.')).join('')}`,
    );
    expect(runs(seen, 'yellow')).toBeGreaterThanOrEqual(2);
    expect(runs(seen, 'road')).toBeGreaterThanOrEqual(2);
  });

  it('draws the solid white edge line white and unbroken', async () => {
    const seen = await sampleLine(-1.75, -18, 18, 0.25);
    console.log(
      `edge line:   ${seen.map((k) => (k === 'yellow' ? 'Y' : k === 'white' ? 'W' : '.')).join('')}`,
    );
    expect(seen.filter((k) => k === 'white').length / seen.length).toBeGreaterThan(0.95);
  });
});
