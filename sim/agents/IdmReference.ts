/**
 * The reference that pins nuPlan-style IDM agents (`--agents idm`): recorded reactive runs of the
 * built-in suite (the scenario, the ego states tick by tick, and a digest of every agent state),
 * replayed through `AgentFleet` with the same ego. Same ego in, same agents out means the same
 * CLS-R, whatever later happens to the planners or the scenario library.
 *
 * Regenerate on purpose only: `node --import tsx sim/agents/IdmReference.ts --write`; record only
 * the built-in scenarios the reference does not cover yet (a new scenario), leaving the recorded
 * runs as they are: `node --import tsx sim/agents/IdmReference.ts --add`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type AgentState, type EgoState, type Scenario, ScenarioSchema } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { egoAtRest } from '../../core/vehicle/index.ts';
import { type AgentFleet, lightsAt } from './AgentFleet.ts';

export const IDM_REFERENCE_FILE = fileURLToPath(new URL('./fixtures/reactive-idm.json.gz', import.meta.url));

export interface IdmReferenceRun {
  scenarioId: string;
  planner: string;
  scenario: Scenario;
  /** Ego per tick: x, y, headingRad, speedMps, flattened. */
  ego: number[];
  /** sha256 of the agent states of every tick after the first (JSON, full precision). */
  agentDigest: string;
  /** The run's CLS-R score (0–1) when it was recorded, for the record. */
  score: number;
}

export interface IdmReference {
  note: string;
  runs: IdmReferenceRun[];
}

/** Digest of a list of per-tick agent lists. */
export function digestAgents(ticks: ReadonlyArray<ReadonlyArray<AgentState>>): string {
  const h = createHash('sha256');
  for (const agents of ticks) h.update(JSON.stringify(agents));
  return h.digest('hex');
}

/** Replays a recorded run's ego through a reactive fleet; returns the agent states of ticks 1…n. */
export function replayFleet(
  run: IdmReferenceRun,
  fleetOf: (s: Scenario, m: RoadMap) => AgentFleet,
): AgentState[][] {
  const scenario = run.scenario;
  if (scenario.map.kind !== 'inline') throw new Error(`${run.scenarioId}: reference needs an inline map`);
  const map = new RoadMap(scenario.map.map);
  const fleet = fleetOf(scenario, map);
  const out: AgentState[][] = [];
  const n = run.ego.length / 4;
  const ego: EgoState = egoAtRest();
  for (let k = 0; k < n - 1; k++) {
    const tS = Math.round(k * scenario.dtS * 1e6) / 1e6;
    ego.tS = tS;
    ego.x = run.ego[4 * k]!;
    ego.y = run.ego[4 * k + 1]!;
    ego.headingRad = run.ego[4 * k + 2]!;
    ego.speedMps = run.ego[4 * k + 3]!;
    fleet.step(tS, scenario.dtS, ego, scenario.vehicle, lightsAt(scenario, tS));
    out.push(fleet.current());
  }
  return out;
}

export function readIdmReference(file = IDM_REFERENCE_FILE): IdmReference {
  const raw = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as IdmReference;
  return { ...raw, runs: raw.runs.map((r) => ({ ...r, scenario: ScenarioSchema.parse(r.scenario) })) };
}

/** Records reactive IDM runs of the built-in suite; with `onlyNew`, appends those of scenarios not yet recorded. */
async function write(onlyNew: boolean): Promise<void> {
  const { createBaselinePlanner } = await import('../../planner/index.ts');
  const { runScenario } = await import('../runScenario.ts');
  const { evaluateRun } = await import('../metrics/index.ts');
  const { BUILTIN_IDS, builtinScenario } = await import('../../scenarios/builtin/index.ts');
  const old = onlyNew ? readIdmReference() : undefined;
  const runs: IdmReferenceRun[] = old ? [...old.runs] : [];
  for (const id of BUILTIN_IDS) {
    if (old?.runs.some((r) => r.scenarioId === id)) continue;
    const { scenario, map } = builtinScenario(id)!;
    for (const name of ['constant-velocity', 'pdm-closed']) {
      const planner = createBaselinePlanner(name);
      if (!planner.ok) throw new Error(planner.error.message);
      const log = runScenario(scenario, map, planner.value, { mode: 'reactive', agents: 'idm', seed: 0 });
      const ego = log.ticks.flatMap((t) => [t.ego.x, t.ego.y, t.ego.headingRad, t.ego.speedMps]);
      runs.push({
        scenarioId: id,
        planner: name,
        scenario: { ...scenario, expert: scenario.expert.slice(0, 2) },
        ego,
        agentDigest: digestAgents(log.ticks.slice(1).map((t) => t.agents)),
        score: evaluateRun(log, map).score,
      });
      console.log(`${id} ${name} ${(100 * runs[runs.length - 1]!.score).toFixed(1)}`);
    }
  }
  const ref: IdmReference = {
    note: 'Reactive runs with nuPlan-style IDM agents; regenerate: node --import tsx sim/agents/IdmReference.ts --write',
    runs,
  };
  writeFileSync(IDM_REFERENCE_FILE, gzipSync(JSON.stringify(ref), { level: 9 }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--write')) await write(false);
  else if (process.argv.includes('--add')) await write(true);
}
