/**
 * Run logs for the browser tests and the screenshot script, made in-process (no files): a real
 * closed-loop run of a built-in scenario, optionally with a synthetic safety verdict (the gate
 * does not record verdicts yet) and a crowd of extra agents driving along the map's lanes.
 */
import type { AgentState, MidLevelCommand, Verdict } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import type { RunLog } from '../../sim/export/index.ts';
import { runScenario } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { createPlanner } from '../../stack/index.ts';

/** Runs built-in scenario `id` with `planner` and returns its log (as `run --out` writes it) and map. */
export function runLogOf(id: string, planner = 'pdm-closed'): { log: RunLog; map: RoadMap } {
  const loaded = loadScenario(id);
  if (!loaded.ok) throw new Error(`fixture: ${loaded.error.message}`);
  const p = createPlanner(planner);
  if (!p.ok) throw new Error(`fixture: ${p.error.message}`);
  const { scenario, map } = loaded.value;
  const sim = runScenario(scenario, map, p.value, { mode: 'nonreactive', seed: 0, recordPlans: true });
  const metrics = evaluateRun(sim, map);
  const ticks = sim.ticks.map(({ planMs: _wall, ...t }) => t);
  return { log: { ...sim, ticks, metrics }, map };
}

/** A VETO by `rss.longitudinal` (with an ALLOW by `signal.red`) on every tick in [fromS, toS]. */
export function withVeto(log: RunLog, fromS: number, toS: number): RunLog {
  const verdict: Verdict = {
    decision: 'VETO',
    rules: [
      {
        rule: 'rss.longitudinal',
        decision: 'VETO',
        values: { gapM: 6.1, safeGapM: 14.2 },
        message: 'gap 6.1 m < RSS safe distance 14.2 m',
      },
      { rule: 'signal.red', decision: 'ALLOW', values: {}, message: 'no red signal ahead' },
    ],
    explanation: 'unsafe longitudinal gap to cutter',
  };
  return {
    ...log,
    ticks: log.ticks.map((t) => (t.tS >= fromS && t.tS <= toS ? { ...t, verdict } : t)),
  };
}

/**
 * A DECELERATE command with a rationale issued at `atS` (no built-in planner emits mid-level
 * commands yet), so that the command panel and the command marker have something to show.
 */
export function withCommand(log: RunLog, atS: number): RunLog {
  const command: MidLevelCommand = {
    speed: 'DECELERATE',
    path: 'FOLLOW_LANE',
    targetSpeedMps: 9,
    horizonS: 5,
    rationale: 'cutter merging 7 m ahead from the left lane; slow to 9 m/s to restore a 2 s gap',
    issuedAtS: atS,
    expiresAtS: atS + 5,
    source: 'fixture',
  };
  return { ...log, ticks: log.ticks.map((t) => (Math.abs(t.tS - atS) < 1e-6 ? { ...t, command } : t)) };
}

/**
 * Adds `n` agents moving along the map's driving lanes (vehicles, with every tenth a pedestrian
 * and every tenth + 1 a cyclist), so that the viewer draws a crowd. Deterministic.
 */
export function withCrowd(log: RunLog, map: RoadMap, n: number): RunLog {
  const lanes = map.lanes.filter((l) => l.data.type === 'driving');
  const pose = { x: 0, y: 0, headingRad: 0 };
  const ticks = log.ticks.map((t) => {
    const extra: AgentState[] = [];
    for (let j = 0; j < n; j++) {
      const lane = lanes[j % lanes.length]!;
      const kind = j % 10 === 0 ? 'pedestrian' : j % 10 === 1 ? 'cyclist' : 'vehicle';
      const speedMps = kind === 'pedestrian' ? 1.4 : kind === 'cyclist' ? 5 : 6 + (j % 7);
      const len = lane.line.length;
      const sM = (((j * 37.1) % len) + speedMps * t.tS) % len;
      lane.line.poseAt(sM, pose);
      const dims = kind === 'pedestrian' ? [0.6, 0.6] : kind === 'cyclist' ? [1.8, 0.7] : [4.6, 1.9];
      extra.push({
        id: `crowd_${j}`,
        kind,
        x: pose.x,
        y: pose.y,
        headingRad: pose.headingRad,
        speedMps,
        lengthM: dims[0]!,
        widthM: dims[1]!,
      });
    }
    return { ...t, agents: [...t.agents, ...extra] };
  });
  return { ...log, ticks };
}
