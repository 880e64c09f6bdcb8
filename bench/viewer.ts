/**
 * Viewer frame cost with 200 agents (`npm run bench viewer`): headless Debian Chromium, WebGL on
 * SwiftShader. Prints JS ms per frame, draw calls per frame and the fps ratio to no agents, measured
 * interleaved (none, crowd, none, crowd) so that drift in the machine's load affects both.
 * Software WebGL makes absolute timings only comparable with each other on the same machine.
 */
import type { Page } from 'playwright-core';
import { collectErrors, launchChromium, openViewer } from '../test/e2e/browser.ts';
import { runLogOf, withCrowd } from '../test/e2e/fixtures.ts';
import { runViewOf, startViewer } from '../viewer/index.ts';

type Bench = {
  jsMsPerFrame: number;
  updateMsPerFrame: number;
  drawCalls: number;
  fps: number;
  agents: number;
};
type Hooks = { setCamera(m: string): void; bench(frames: number, withAgents: boolean): Promise<Bench> };
const hooks = (page: Page) =>
  page.evaluateHandle(() => (window as unknown as { __edgeplan: Hooks }).__edgeplan);

export async function viewerBench(frames = 60): Promise<string> {
  const { log, map } = runLogOf('dense_highway');
  const crowd = withCrowd(log, map, 200);
  const started = await startViewer({ runs: [runViewOf(crowd, map)], live: false });
  if (!started.ok) throw new Error(started.error.message);
  const browser = await launchChromium();
  try {
    const p = await browser.newPage({ viewport: { width: 960, height: 540 } });
    const errs = collectErrors(p);
    await openViewer(p, started.value.url);
    const h = await hooks(p);
    await h.evaluate((x) => x.setCamera('top'));
    const none1 = await h.evaluate((x, f) => x.bench(f, false), frames);
    const crowd1 = await h.evaluate((x, f) => x.bench(f, true), frames);
    const none2 = await h.evaluate((x, f) => x.bench(f, false), frames);
    const crowd2 = await h.evaluate((x, f) => x.bench(f, true), frames);
    const fpsNone = (none1.fps + none2.fps) / 2;
    const fpsCrowd = (crowd1.fps + crowd2.fps) / 2;
    const js = (crowd1.jsMsPerFrame + crowd2.jsMsPerFrame) / 2;
    const jsNone = (none1.jsMsPerFrame + none2.jsMsPerFrame) / 2;
    const upd = (crowd1.updateMsPerFrame + crowd2.updateMsPerFrame) / 2;
    return [
      `## Viewer with 200 agents (SwiftShader, ${frames} frames × 2 each, 960×540)`,
      `agents drawn ${crowd1.agents} (200 added + the scenario's)`,
      `JS per frame (scene update + render submission): ${js.toFixed(2)} ms with agents, ${jsNone.toFixed(2)} ms without (aim ≤ 4 ms); of which scene update ${upd.toFixed(2)} ms`,
      `draw calls per frame: ${crowd1.drawCalls} with agents, ${none1.drawCalls} without (aim: independent of agent count)`,
      `fps: ${fpsCrowd.toFixed(1)} with agents / ${fpsNone.toFixed(1)} without = ratio ${(fpsCrowd / fpsNone).toFixed(2)} (aim ≥ 0.8)`,
      ...(errs.length > 0 ? [`page errors: ${errs.join(' | ')}`] : []),
    ].join('\n');
  } finally {
    await browser.close();
    await started.value.close();
  }
}
