/**
 * The expert of a scenario whose storyboard runs live (`Scenario.storyboard`): the file does not
 * move its ego (CARLA ScenarioRunner's hero under external control), so the import's expert is a
 * hero standing at its start, and nuPlan's progress metrics, which measure the ego against the
 * expert, measure nothing (an ego stuck 47 s behind a stopped lead scored 100). nuPlan scores
 * against a logged human; where there is no log the built-in suite drives its expert
 * (`builtin.ts`: the attentive IDM driver along the route), and so do we here: the attentive IDM
 * driver (nuPlan's IDM, braking up to 6 m/s² as a human does when needed) drives the scenario's
 * route (for ScenarioRunner's files the one through where its triggers wait,
 * `ScenarioRunnerRoute.ts`) at the lanes' speed limits, keeping behind what is ahead in its lane,
 * non-reactive, with the storyboard live against it: its actors do to the expert what the file
 * has them do to any ego. Deterministic: the same scenario gives the same expert.
 */
import type { Scenario, TrackPoint } from '../core/index.ts';
import type { RoadMap } from '../core/map/RoadMap.ts';
import { runScenario, type StoryboardSourceFactory } from '../sim/index.ts';
import { attentiveIdmExpert, egoTrack } from './builtin/builtin.ts';

/** An expert that moves less than this from its start stands (the import's `EGO_STILL_M`), m. */
const STANDING_M = 1;

/** Whether the scenario's expert stands at its start (moves less than 1 m). */
export function expertStands(scenario: Scenario): boolean {
  const e0 = scenario.expert[0]!;
  return scenario.expert.every((p) => Math.hypot(p.x - e0.x, p.y - e0.y) < STANDING_M);
}

/**
 * The expert track (rear axle, one pose per tick) of the attentive IDM driver on `scenario` with
 * its live storyboard (`storyboard`: a fresh source per run, as for any run).
 */
export function liveExpert(
  scenario: Scenario,
  map: RoadMap,
  storyboard: StoryboardSourceFactory,
): TrackPoint[] {
  const log = runScenario(scenario, map, attentiveIdmExpert(), {
    mode: 'nonreactive',
    seed: 0,
    nowMs: () => 0,
    storyboard,
  });
  return egoTrack(log);
}
