/**
 * The scene of a scenario at time tS, for `edgeplan safety check`: the scenario is run up to tS
 * with the ego replaying the expert (logged) trajectory, and the last tick becomes the snapshot.
 */
import { fail, ok, type Result, type Scenario, type WorldSnapshot } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { Planner } from '../planner/index.ts';
import type { SafetyScene } from '../safety/index.ts';
import { runScenario, type StoryboardSourceFactory } from '../sim/index.ts';
import { type SpeedSample, speedSampleOf } from './AgentBraking.ts';
import { withCourse } from './AgentCourse.ts';

function expertReplay(s: Scenario): Planner<null> {
  return {
    name: 'expert-replay',
    init: () => null,
    step: (_st, snap) => ({
      state: null,
      output: {
        // from the last expert point at or before now: a sparse expert (two points 15 s apart, the
        // README's own example) left one point ahead, and the tracker braked the ego to 4.6 m/s
        // within 1 s where the expert slows from 10 to 9.7 (red team 3)
        trajectory: {
          points: s.expert.slice(Math.max(0, lastAtOrBefore(s.expert, snap.tS))).map((p) => ({ ...p })),
        },
      },
    }),
  };
}

/** Index of the last point with tS ≤ t (−1 when all are later). */
function lastAtOrBefore(points: ReadonlyArray<{ tS: number }>, t: number): number {
  let i = -1;
  for (let k = 0; k < points.length; k++) if (points[k]!.tS <= t + 1e-9) i = k;
  return i;
}

export function sceneAt(
  scenario: Scenario,
  map: RoadMap,
  tS: number,
  storyboard?: StoryboardSourceFactory,
): Result<SafetyScene> {
  if (!(tS >= 0) || tS > scenario.durationS)
    return fail('INVALID_INPUT', '--at', `time ${tS} s outside the scenario's 0–${scenario.durationS} s`);
  const log = runScenario(
    { ...scenario, durationS: Math.max(scenario.dtS, tS) },
    map,
    expertReplay(scenario),
    // a live storyboard's agents at tS are what it did with the expert's ego up to then
    { mode: 'nonreactive', ...(storyboard ? { storyboard } : {}) },
  );
  let tick = log.ticks[0]!;
  for (const t of log.ticks) if (t.tS <= tS + 1e-9) tick = t;
  // the agents' courses from their positions in the ticks before, as the stack measures them
  // (`withCourse`): a car reversing moves against its heading, and only its course says so
  const history: SpeedSample[] = [];
  for (const t of log.ticks)
    if (t.tS < tick.tS - 1e-9)
      history.push(
        speedSampleOf({ tS: t.tS, ego: t.ego, agents: t.agents, lights: t.lights, route: scenario.route }),
      );
  const seen: WorldSnapshot = {
    tS: tick.tS,
    ego: tick.ego,
    agents: tick.agents,
    lights: tick.lights,
    route: scenario.route,
    ...(scenario.instruction ? { instruction: scenario.instruction } : {}),
    ...(scenario.occlusions ? { occlusions: scenario.occlusions } : {}),
  };
  return ok({ snapshot: withCourse(seen, history), map, vehicle: scenario.vehicle });
}
