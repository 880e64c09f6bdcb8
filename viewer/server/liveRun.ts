/**
 * Live view: runs a scenario in-process and streams its ticks to the browser over the viewer's
 * WebSocket, paced at `speed` × real time. The engine (runScenario) is synchronous, so ticks are
 * produced by its onTick callback and sent on a timer at their simulated time / speed. Streaming
 * starts when the first browser connects (a view opened late still watches the run from t = 0);
 * later browsers get the backlog first, so they replay from the start too.
 */
import { fail, ok, type Result } from '../../core/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import type { RunLog, RunTick } from '../../sim/export/index.ts';
import { type AgentMode, runScenario } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { createPlanner } from '../../stack/index.ts';
import { bevSource } from './bevSource.ts';
import { runViewOf } from './runView.ts';
import { startViewer, type ViewerServer, type ViewerServerOptions } from './ViewerServer.ts';

export interface LiveOptions extends ViewerServerOptions {
  planner?: string;
  mode?: AgentMode;
  seed?: number;
  /** Playback speed factor (1 = real time). 0 streams as fast as possible. */
  speed?: number;
  /** When streaming starts: when the first browser connects (default) or at once. */
  startOn?: 'first-viewer' | 'now';
}

export interface LiveRun {
  server: ViewerServer;
  /** Resolves when every tick has been sent (and the metrics' collisions as events). */
  done: Promise<RunLog>;
}

/**
 * Starts the viewer on an empty live run of `scenarioRef` and streams it. `edgeplan run --view`
 * and `edgeplan view --live` call this.
 */
export async function startLiveRun(scenarioRef: string, opts: LiveOptions = {}): Promise<Result<LiveRun>> {
  const loaded = loadScenario(scenarioRef);
  if (!loaded.ok) return loaded;
  const plannerName = opts.planner ?? 'pdm-closed';
  const planner = createPlanner(plannerName);
  if (!planner.ok) return planner;
  const speed = opts.speed ?? 1;
  if (!(speed >= 0)) return fail('INVALID_INPUT', 'speed', 'must be ≥ 0');
  const { scenario, map, storyboard } = loaded.value;
  const mode = opts.mode ?? 'nonreactive';
  const seed = opts.seed ?? 0;
  // The browser starts from an empty run; its header (vehicle, route) is known before the first tick.
  const header: RunLog = {
    scenarioId: scenario.id,
    planner: plannerName,
    mode,
    seed,
    dtS: scenario.dtS,
    vehicle: scenario.vehicle,
    routeLaneIds: scenario.route.laneIds,
    expert: [],
    ticks: [],
    staticAgentIds: [],
  };
  const view = runViewOf(header, map, `${scenario.id} · ${plannerName} · ${mode} · live`);
  const server = await startViewer(
    { runs: [view], live: true },
    { ...opts, bev: bevSource([{ log: header, map }]) },
  );
  if (!server.ok) return server;
  const srv = server.value;
  const queue: RunTick[] = [];
  const log = runScenario(scenario, map, planner.value, {
    mode,
    seed,
    recordPlans: true,
    ...(storyboard ? { storyboard } : {}),
    onTick: (t) => {
      const { planMs: _wall, ...tick } = t;
      queue.push(tick as RunTick);
    },
  });
  const done = new Promise<RunLog>((resolve) => {
    let i = 0;
    const sendNext = () => {
      const tick = queue[i++];
      if (!tick) {
        const metrics = evaluateRun(log, map);
        for (const c of metrics.details.collisions)
          srv.send({
            type: 'event',
            run: 0,
            event: { tS: c.tS, kind: 'collision', label: `collision with ${c.agentId} (${c.type})` },
          });
        srv.send({ type: 'end' });
        resolve({ ...header, metrics });
        return;
      }
      // The BEV source reads the header's ticks: only ticks the browser has been sent.
      header.ticks.push(tick);
      srv.send({ type: 'tick', run: 0, tick });
      const next = queue[i];
      const waitMs = next && speed > 0 ? ((next.tS - tick.tS) * 1000) / speed : 0;
      setTimeout(sendNext, waitMs);
    };
    if (opts.startOn === 'now') sendNext();
    else void srv.firstClient.then(sendNext);
  });
  return ok({ server: srv, done });
}
