/**
 * Writes the viewer screenshots in docs/viewer/ (run: `node --import tsx viewer/examples/screenshots.ts`):
 * replays of two scenarios, two planners side by side, a 200-agent crowd, and the HTML report.
 * Uses headless Chromium like the browser test; the runs are simulated in-process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RoadMap } from '../../core/map/index.ts';
import type { RunLog } from '../../sim/export/index.ts';
import { buildReport } from '../../sim/report/index.ts';
import { launchChromium, openViewer } from '../../test/e2e/browser.ts';
import { runLogOf, withCommand, withCrowd, withVeto } from '../../test/e2e/fixtures.ts';
import { bevSource, runViewOf, startViewer, type ViewerSession } from '../index.ts';

const OUT = 'docs/viewer';
mkdirSync(OUT, { recursive: true });
const browser = await launchChromium();

type Hooks = {
  seek(tS: number): void;
  setCamera(m: string): void;
  screenOf(run: number, id: string): { x: number; y: number } | null;
};

/** Serves `session`, runs `act` on the page, saves the screenshot as OUT/name. */
async function shot(
  name: string,
  runs: { log: RunLog; map: RoadMap }[],
  act: (p: Page) => Promise<void>,
  /** Drawn in the picture when part of it is synthetic (not what a planner did). */
  note?: string,
): Promise<void> {
  const session: ViewerSession = {
    runs: runs.map((r) => runViewOf(r.log, r.map)),
    live: false,
    ...(note ? { note } : {}),
  };
  const srv = await startViewer(session, { bev: bevSource(runs) });
  if (!srv.ok) throw new Error(srv.error.message);
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    await openViewer(page, srv.value.url);
    await act(page);
    // Let the BEV inset of the tick on screen arrive before the picture is taken.
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#bev-img');
      if (!img) return true;
      const want = /run=(\d+)&tick=(\d+)/.exec(img.getAttribute('src') ?? '');
      return !!want && img.getAttribute('data-shown') === `${want[1]}:${want[2]}` && img.naturalWidth > 0;
    });
    await page.screenshot({ path: join(OUT, name) });
    console.log(`wrote ${join(OUT, name)}`);
  } finally {
    await page.close();
    await srv.value.close();
  }
}
const hooks = (p: Page) => p.evaluateHandle(() => (window as unknown as { __edgeplan: Hooks }).__edgeplan);
async function clickAgent(p: Page, run: number, id: string): Promise<void> {
  const at = await (await hooks(p)).evaluate((h, a) => h.screenOf(a.run, a.id), { run, id });
  if (at) await p.mouse.click(at.x, at.y);
}

// 1. cut_in, follow camera, the cutter clicked; a synthetic command and veto laid on an ungated run
//    show the command panel and the safety overlay in one picture (labelled as such in it).
const cut = runLogOf('cut_in', 'pdm-closed');
await shot(
  'replay-cut-in.png',
  [{ log: withCommand(withVeto(cut.log, 2.5, 3.5), 2.5), map: cut.map }],
  async (p) => {
    await (await hooks(p)).evaluate((h) => h.seek(3));
    await clickAgent(p, 0, 'cutter');
  },
  'synthetic: the command and the veto are test fixtures laid on an ungated pdm-closed run',
);

// 2. red_light, top-down (north up): the signals are red bars across their lanes at the stop lines.
const red = runLogOf('red_light', 'pdm-closed');
await shot('replay-red-light-top.png', [red], async (p) => {
  const h = await hooks(p);
  await h.evaluate((x) => x.setCamera('top'));
  await h.evaluate((x) => x.seek(6));
});

// 3. crosswalk_pedestrian, follow camera, the pedestrian clicked.
const cw = runLogOf('crosswalk_pedestrian', 'pdm-closed');
await shot('replay-crosswalk.png', [cw], async (p) => {
  await (await hooks(p)).evaluate((x) => x.seek(5.5));
  await clickAgent(p, 0, cw.log.ticks[55]!.agents.find((a) => a.kind === 'pedestrian')?.id ?? '');
});

// 4. Two planners side by side on cut_in, top-down: PDM-Closed keeps its gap, IDM hits the cutter.
const idm = runLogOf('cut_in', 'idm');
await shot('side-by-side-cut-in.png', [cut, idm], async (p) => {
  const h = await hooks(p);
  await h.evaluate((x) => x.setCamera('top'));
  const tS = (idm.log.metrics!.details.collisions[0]?.tS ?? 4) + 1;
  await h.evaluate((x, t) => x.seek(t), tS);
});

// 5. 200 agents on the three-lane highway (the performance test's scene), orbit camera.
const dense = runLogOf('dense_highway', 'pdm-closed');
await shot(
  'crowd-200.png',
  [{ log: withCrowd(dense.log, dense.map, 200), map: dense.map }],
  async (p) => {
    const h = await hooks(p);
    await h.evaluate((x) => x.seek(6));
    await h.evaluate((x) => x.setCamera('orbit'));
  },
  'synthetic: 200 agents added to dense_highway for the performance test',
);

// 6. The HTML report of these runs.
const html = buildReport([cut.log, idm.log, cw.log, runLogOf('crosswalk_pedestrian', 'idm').log]);
const reportPath = join(tmpdir(), 'edgeplan-report.html');
writeFileSync(reportPath, html);
const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
await page.goto(`file://${reportPath}`);
await page.screenshot({ path: join(OUT, 'report.png') });
console.log(`wrote ${join(OUT, 'report.png')}`);
await browser.close();
