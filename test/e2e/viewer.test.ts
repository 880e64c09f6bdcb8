/**
 * The viewer in real headless Chromium (WebGL through SwiftShader): loads a replay without console
 * errors, steps the timeline, clicks an agent and reads the inspector, shows a veto, and saves a
 * screenshot whose pixels show road and ego; with 200 agents the draw-call count stays flat. Frame
 * timings with 200 agents are a benchmark: `npm run bench viewer` (bench/viewer.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bevSource, runViewOf, startLiveRun, startViewer, type ViewerServer } from '../../viewer/index.ts';
import { CHROMIUM, collectErrors, launchChromium, openViewer } from './browser.ts';
import { runLogOf, withCommand, withCrowd, withVeto } from './fixtures.ts';

type Bench = {
  jsMsPerFrame: number;
  updateMsPerFrame: number;
  drawCalls: number;
  fps: number;
  agents: number;
};
type Hooks = {
  seek(tS: number): void;
  step(n: number): void;
  state(): { tick: number; ticks: number; duration: number };
  screenOf(run: number, id: string): { x: number; y: number } | null;
  setCamera(m: string): void;
  framesDrawn(): number;
  bench(frames: number, withAgents: boolean): Promise<Bench>;
};
const hooks = (page: Page) =>
  page.evaluateHandle(() => (window as unknown as { __edgeplan: Hooks }).__edgeplan);

/** Share of pixels within `tol` (per channel) of colour `hex`. */
function shareOf(png: PNG, hex: number, tol: number): number {
  const r = (hex >> 16) & 255;
  const g = (hex >> 8) & 255;
  const b = hex & 255;
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (
      Math.abs(png.data[i]! - r) <= tol &&
      Math.abs(png.data[i + 1]! - g) <= tol &&
      Math.abs(png.data[i + 2]! - b) <= tol
    )
      n++;
  }
  return n / (png.width * png.height);
}

describe('viewer in headless Chromium', () => {
  let browser: Browser;
  let server: ViewerServer;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/ensure-system.sh`).toBe(true);
    const { log, map } = runLogOf('cut_in');
    const vetoed = withCommand(withVeto(log, 4, 5), 2.5);
    const started = await startViewer(
      { runs: [runViewOf(vetoed, map)], live: false },
      { bev: bevSource([{ log: vetoed, map }]) },
    );
    if (!started.ok) throw new Error(started.error.message);
    server = started.value;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    errors = collectErrors(page);
    await openViewer(page, server.url);
    // Bundling, simulating and starting Chromium take a few seconds on a loaded 2-core machine.
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads a replay with no console errors', async () => {
    expect(await page.textContent('.view-label')).toContain('cut_in · pdm-closed');
    expect(errors).toEqual([]);
  });

  it('steps the timeline one tick at a time', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(0));
    await page.click('#tl-fwd');
    await page.click('#tl-fwd');
    expect(await h.evaluate((x) => x.state().tick)).toBe(2);
    // 2 ticks of 0.1 s (the engine's step), of a 15 s scenario.
    expect(await page.textContent('#tl-time')).toBe('0.2 / 15.0 s');
  });

  it('draws no frame while a replay is paused and unchanged, and draws while it plays', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(1));
    // The page's own animation frames, counted: the app's loop has run n times after this.
    const animationFrames = (n: number) =>
      page.evaluate(
        (k) =>
          new Promise<void>((res) => {
            let i = 0;
            const f = () => (++i >= k ? res() : requestAnimationFrame(f));
            requestAnimationFrame(f);
          }),
        n,
      );
    const paused = await h.evaluate((x) => x.framesDrawn());
    await animationFrames(10);
    expect(await h.evaluate((x) => x.framesDrawn())).toBe(paused);
    await page.click('#tl-play');
    await animationFrames(10);
    const played = await h.evaluate((x) => x.framesDrawn());
    await page.click('#tl-play');
    expect(played - paused).toBeGreaterThanOrEqual(9);
    // pausing draws once more, so the button says so (waited for, not counted in frames: on a
    // loaded machine the click's frame can come later than two of the page's frames)
    const paused2 = await page
      .waitForFunction(() => document.querySelector('#tl-play')?.textContent === 'play', null, {
        polling: 100,
        timeout: 30_000,
      })
      .then(() => 'play')
      .catch(async () => JSON.stringify(await h.evaluate((x) => x.state())));
    expect(paused2).toBe('play');
  });

  it('a replay played to its end stops showing its last tick', async () => {
    const h = await hooks(page);
    const { duration } = await h.evaluate((x) => x.state());
    await h.evaluate((x, d) => x.seek(d - 0.5), duration);
    await page.click('#tl-play');
    // frames drawn while it plays show ticks before the last; only the frame at the end shows it
    await page.waitForFunction(
      () => {
        const s = (window as unknown as { __edgeplan: Hooks }).__edgeplan.state();
        return s.tick === s.ticks - 1;
      },
      undefined,
      { timeout: 10_000 },
    );
    // the button is relabelled when the playback loop sees the end (the frame that drew the last
    // tick may come first): it must come to say 'play' without another click
    await page.waitForFunction(() => document.querySelector('#tl-play')?.textContent === 'play', undefined, {
      timeout: 5_000,
    });
    expect(await page.textContent('#tl-play')).toBe('play');
  });

  it('shows the clicked agent in the inspector', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(3));
    const at = await h.evaluate((x) => x.screenOf(0, 'cutter'));
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    expect(await page.textContent('#insp-id')).toBe('cutter');
    expect(await page.textContent('#insp-kind')).toBe('vehicle');
  });

  it('shows a veto with its rule name in red, and says when a tick has no verdict', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(4.5));
    expect(await page.locator('#verdict .veto').first().textContent()).toContain('VETO');
    expect(await page.textContent('#verdict li.veto')).toContain('rss.longitudinal');
    await h.evaluate((x) => x.seek(1));
    expect(await page.textContent('#verdict')).toContain('no verdict at this tick');
    expect(await page.locator('.tl-veto').count()).toBeGreaterThan(0);
  });

  it('shows the active command with its rationale after it was issued, and a command marker', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(3));
    const text = await page.textContent('#command');
    expect(text).toContain('DECELERATE');
    expect(text).toContain('slow to 9 m/s to restore a 2 s gap');
    expect(await page.locator('.tl-command').count()).toBe(1);
  });

  it('shows the BEV of the current tick in the inset', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(2));
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('#bev-img');
        return !!img && img.complete && img.naturalWidth > 0;
      },
      null,
      // the server renders the PNG on request: under a second alone, past playwright's 30 s
      // default when the 2 cores run other suites beside it (a bound on waiting, not a timing assert)
      { timeout: 100_000 },
    );
    // Tick 20 = 2 s at the engine's 0.1 s step.
    expect(await page.getAttribute('#bev-img', 'src')).toBe('/api/bev?run=0&tick=20');
  });

  it('saves a screenshot whose pixels show road and ego', async () => {
    const h = await hooks(page);
    await h.evaluate((x) => x.seek(2));
    const buf = await page.locator('#app canvas').screenshot();
    mkdirSync('results/e2e', { recursive: true });
    writeFileSync('results/e2e/viewer-replay.png', buf);
    const png = PNG.sync.read(buf);
    // Road grey 0x50555d (palette.road) and ego orange 0xff7a00 (palette.ego), both unlit.
    const road = shareOf(png, 0x50555d, 10);
    const ego = shareOf(png, 0xff7a00, 24);
    console.log(`screenshot: road ${(100 * road).toFixed(1)} % of pixels, ego ${(100 * ego).toFixed(2)} %`);
    expect(road).toBeGreaterThan(0.05);
    expect(ego).toBeGreaterThan(0.002);
  });

  it('live: receives the ticks over the WebSocket while the run streams, without errors', async () => {
    // 20 × real time: the 15 s scenario streams in under a second, while the page watches (at 4 ×
    // the page's per-tick work made this one test 20–30 s on the loaded 2-core machine).
    const live = await startLiveRun('cut_in', { planner: 'idm', speed: 20 });
    if (!live.ok) throw new Error(live.error.message);
    const p = await browser.newPage({ viewport: { width: 960, height: 540 } });
    const errs = collectErrors(p);
    try {
      await openViewer(p, live.value.server.url);
      const h = await hooks(p);
      await p.waitForFunction(
        () => document.querySelector('#status')?.textContent?.includes('live run ended'),
        null,
        // about 4 s on a quiet machine; over a minute when Chromium shares 2 loaded cores with
        // the other vitest worker (a bound on waiting, not a timing assert)
        { timeout: 150_000 },
      );
      // 151 ticks (15 s at 0.1 s) and the view follows the newest one.
      expect(await h.evaluate((x) => x.state())).toMatchObject({ ticks: 151, tick: 150 });
      expect(await p.locator('.tl-collision').count()).toBeGreaterThan(0);
      expect(errs).toEqual([]);
    } finally {
      await p.close();
      await live.value.server.close();
    }
  }, 200_000);

  it('at 1280×720 the side panel of one run fits without being cut', async () => {
    await (await hooks(page)).evaluate((x) => x.seek(4.5));
    const fit = await page.evaluate(() => {
      const side = document.getElementById('side')!;
      return { scroll: side.scrollHeight, client: side.clientHeight };
    });
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
  });

  it('the BEV inset shows the tick the panels and the 3D view show, also between ticks', async () => {
    const h = await hooks(page);
    // 2.07 s is nearer tick 21 (2.1 s) than tick 20: the view is drawn almost at 2.1 s.
    await h.evaluate((x) => x.seek(2.07));
    expect(await page.getAttribute('#bev-img', 'src')).toBe('/api/bev?run=0&tick=21');
    expect(await page.textContent('#status')).toContain('t 2.1 s');
    await page.waitForFunction(
      () => document.querySelector('#bev-img')?.getAttribute('data-shown') === '0:21',
    );
    await page.click('#tl-fwd');
    expect(await page.getAttribute('#bev-img', 'src')).toBe('/api/bev?run=0&tick=22');
    await page.waitForFunction(
      () => document.querySelector('#bev-img')?.getAttribute('data-shown') === '0:22',
    );
  });

  describe('two runs side by side (a gated run with synthetic vetoes and a command at 4 s, and IDM)', () => {
    const note = 'synthetic: the command and the veto are test fixtures';
    let two: ViewerServer;
    let p: Page;
    let errs: string[];
    let gatedVerdictAt1s: { rules: { decision: string }[] };
    /** The tick where the gated run's first command marker sits; it gets a synthetic veto too. */
    let sharedS: number;
    beforeAll(async () => {
      const gated = runLogOf('cut_in', 'pdm-closed+gate');
      gatedVerdictAt1s = gated.log.ticks[10]!.verdict!;
      const idm = runLogOf('cut_in', 'idm');
      const base = withCommand(withVeto(gated.log, 4, 5), 4);
      // A marker is drawn where the command changes; the fixture's command at 4 s repeats the gated
      // run's, so it draws none. A veto on the tick of the run's first command marker makes a pair.
      sharedS = runViewOf(base, gated.map).events.find((e) => e.kind === 'command')!.tS;
      expect(sharedS).toBeLessThan(4);
      const runs = [
        { log: withVeto(base, sharedS, sharedS), map: gated.map },
        { log: idm.log, map: idm.map },
      ];
      const started = await startViewer(
        { runs: runs.map((r) => runViewOf(r.log, r.map)), live: false, note },
        { bev: bevSource(runs) },
      );
      if (!started.ok) throw new Error(started.error.message);
      two = started.value;
      p = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      errs = collectErrors(p);
      await openViewer(p, two.url);
    }, 120_000);
    afterAll(async () => {
      await p?.close();
      await two?.close();
    });

    it('the side panel describes both runs (status, command and safety of each)', async () => {
      await (await hooks(p)).evaluate((x) => x.seek(3));
      expect(await p.textContent('#status')).toContain('Runs (2)');
      expect(await p.locator('#status p').allTextContents()).toEqual([
        expect.stringMatching(/^Run 1 · cut_in · pdm-closed\+gate · nonreactive · score \d+\.\d/),
        expect.stringMatching(/^Run 2 · cut_in · idm · nonreactive · score \d+\.\d/),
      ]);
      const heads = await p.locator('#command h3, #verdict h3').allTextContents();
      expect(heads).toEqual(['Command · run 1', 'Command · run 2', 'Safety · run 1', 'Safety · run 2']);
      // The gated run has a verdict on every tick; the IDM run has none.
      expect(await p.textContent('#verdict')).toContain('no safety data in this run');
      expect(errs).toEqual([]);
    });

    it('the rule list shows the rules that fired and folds the ones that passed', async () => {
      const h = await hooks(p);
      await h.evaluate((x) => x.seek(4.5));
      expect(await p.locator('#verdict ul.fired > li').allTextContents()).toEqual([
        'rss.longitudinal VETO — gap 6.1 m < RSS safe distance 14.2 m',
      ]);
      expect(await p.textContent('#verdict details.passed summary')).toBe('1 rule passed');
      expect(await p.locator('#verdict details.passed').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(
        false,
      );
      // A real gate verdict (1 s): every rule reports, the passing ones folded under one line.
      await h.evaluate((x) => x.seek(1));
      const passed = gatedVerdictAt1s.rules.filter((r) => r.decision === 'ALLOW').length;
      expect(gatedVerdictAt1s.rules.length).toBeGreaterThanOrEqual(15);
      expect(await p.textContent('#verdict details.passed summary')).toBe(`${passed} rules passed`);
      expect(await p.locator('#verdict ul.fired > li').count()).toBe(gatedVerdictAt1s.rules.length - passed);
    });

    it('a command marker and a veto marker at the same tick are both visible', async () => {
      const at = `${sharedS.toFixed(1)} s · run 1 · `;
      const boxes: Record<string, { x: number; y: number; width: number; height: number }> = {};
      for (const kind of ['veto', 'command']) {
        const marker = p.locator(`.tl-${kind}[title^="${at}"]`);
        expect(await marker.count(), kind).toBe(1);
        boxes[kind] = (await marker.boundingBox())!;
      }
      // the same tick: the same place along the timeline
      expect(boxes.veto!.x).toBeCloseTo(boxes.command!.x, 1);
      for (const kind of ['veto', 'command']) {
        const box = boxes[kind]!;
        const topmost = await p.evaluate(
          ([x, y]) => document.elementFromPoint(x!, y!)?.className ?? '',
          [box.x + box.width / 2, box.y + box.height / 2],
        );
        expect(topmost, kind).toContain(`tl-${kind}`);
      }
    });

    it('at 1280×720 the side panel of two runs fits without being cut', async () => {
      await (await hooks(p)).evaluate((x) => x.seek(4.5));
      const fit = await p.evaluate(() => {
        const side = document.getElementById('side')!;
        return { scroll: side.scrollHeight, client: side.clientHeight };
      });
      expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    });

    it('labels the picture when its commands or agents are synthetic', async () => {
      expect(await p.textContent('#note')).toBe(note);
      expect(await p.locator('#note').isVisible()).toBe(true);
    });
  });

  it('with 200 agents moving: one instanced mesh per agent kind, so draw calls do not grow with the count', async () => {
    // Frame timings are a benchmark (`npm run bench viewer`); here only the draw-call count.
    const { log, map } = runLogOf('dense_highway');
    const crowd = withCrowd(log, map, 200);
    const started = await startViewer({ runs: [runViewOf(crowd, map)], live: false });
    if (!started.ok) throw new Error(started.error.message);
    const p = await browser.newPage({ viewport: { width: 960, height: 540 } });
    const errs = collectErrors(p);
    try {
      await openViewer(p, started.value.url);
      const h = await hooks(p);
      await h.evaluate((x) => x.setCamera('top'));
      const none = await h.evaluate((x) => x.bench(3, false));
      const many = await h.evaluate((x) => x.bench(3, true));
      expect(many.agents).toBeGreaterThanOrEqual(200);
      expect(many.drawCalls - none.drawCalls).toBeLessThanOrEqual(5);
      expect(errs).toEqual([]);
    } finally {
      await p.close();
      await started.value.close();
    }
  });
});
