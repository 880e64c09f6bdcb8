/** Browser entry: loads the session from the server, starts the app, exposes the test hooks. */
import type { ViewerSession } from '../server/protocol.ts';
import { type CameraMode, ViewerApp } from './ViewerApp.ts';

declare global {
  interface Window {
    __edgeplan?: Record<string, unknown>;
  }
}

async function boot(): Promise<void> {
  const res = await fetch('/api/session');
  const session = (await res.json()) as ViewerSession;
  const app = new ViewerApp(document.getElementById('app')!, session);
  // Hooks for the browser test and for scripted screenshots (not used by the page itself).
  window.__edgeplan = {
    ready: true,
    runs: app.runs.length,
    seek: (tS: number) => app.seek(tS),
    step: (n: number) => app.step(n),
    state: () => ({ tick: app.runs[0]!.tick, ticks: app.runs[0]!.ticks.length, duration: app.durationS }),
    setCamera: (m: CameraMode) => app.setCamera(m),
    screenOf: (run: number, id: string) => app.screenOf(run, id),
    screenOfPoint: (run: number, x: number, y: number) => app.screenOfPoint(run, x, y),
    pickAt: (x: number, y: number) => app.pickAt(x, y),
    agentIds: (run: number) => app.runs[run]!.ticks[app.runs[run]!.tick]!.agents.map((a) => a.id),
    bench: (frames: number, withAgents: boolean) => app.bench(frames, withAgents),
    /** Frames drawn since the page loaded (three.js counts each render). */
    framesDrawn: () => app.renderer.info.render.frame,
    drawCalls: () => {
      app.renderFrame();
      return app.renderer.info.render.calls;
    },
  };
}

boot().catch((e: unknown) => {
  document.getElementById('error')!.textContent = `viewer failed to start: ${(e as Error).message}`;
  console.error(e);
});
