/**
 * The scene of a scenario at time tS, for `edgeplan safety check`: the scenario is run up to tS
 * with the ego replaying the expert (logged) trajectory, and the last tick becomes the snapshot.
 */
import { fail, ok, type Result, type Scenario, type WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { Planner } from '../planner/index.ts';
import type { SafetyScene } from '../safety/index.ts';
import { runScenario } from '../sim/index.ts';

function expertReplay(s: Scenario): Planner<null> {
  return {
    name: 'expert-replay',
    init: () => null,
    step: (_st, snap) => ({
      state: null,
      output: {
        trajectory: { points: s.expert.filter((p) => p.tS >= snap.tS - 1e-9).map((p) => ({ ...p })) },
      },
    }),
  };
}

export function sceneAt(scenario: Scenario, map: RoadMap, tS: number): Result<SafetyScene> {
  if (!(tS >= 0) || tS > scenario.durationS)
    return fail('INVALID_INPUT', '--at', `time ${tS} s outside the scenario's 0–${scenario.durationS} s`);
  const log = runScenario(
    { ...scenario, durationS: Math.max(scenario.dtS, tS) },
    map,
    expertReplay(scenario),
    { mode: 'nonreactive' },
  );
  let tick = log.ticks[0]!;
  for (const t of log.ticks) if (t.tS <= tS + 1e-9) tick = t;
  const snapshot: WorldSnapshot = {
    tS: tick.tS,
    ego: tick.ego,
    agents: tick.agents,
    lights: tick.lights,
    route: scenario.route,
    ...(scenario.instruction ? { instruction: scenario.instruction } : {}),
    ...(scenario.occlusions ? { occlusions: scenario.occlusions } : {}),
  };
  return ok({ snapshot, map, vehicle: scenario.vehicle });
}
