/**
 * Every built-in scenario's expert (the yardstick for progress) must drive its scenario without
 * touching anyone: the expert's poses are put in the ego's place in a non-reactive run (agents
 * replay independently of the ego there) and checked with nuPlan's collision detection.
 *
 * Known defect, found by this test: the experts of the scenarios in EXPERT_COLLIDES collide. Most
 * are an IDM run (the built-in library's finish()), which does not handle a cut-in, oncoming traffic
 * or a crossing pedestrian; parked_truck_borrow's scripted borrow meets the oncoming car. Those cases are `it.fails`, named in the output: when a scenario's
 * expert is fixed its case fails until it is taken off the list, so the list cannot go stale.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { runScenario } from '../sim/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';
import { createPlanner } from '../stack/index.ts';

/** Built-ins whose expert collides today (agent, time, nuPlan collision type). */
const EXPERT_COLLIDES: Record<string, string> = {
  hard_braking_lead: 'rear-ended by follower at 9.9 s, runs into the stopped lead at 10.8 s (at fault)',
  cut_in: 'hits the cutter at 3.5 s (at fault)',
  parked_truck_borrow: 'hits the oncoming car at 8.4 s (at fault)',
  unprotected_left: 'hits oncoming_1 at 5.0 s (at fault)',
  crosswalk_pedestrian: 'touches the pedestrian at 6.2 s (lateral)',
  occluded_pedestrian: 'hits the pedestrian at 4.9 s (at fault)',
};

/** Collisions of the expert track of built-in `id`, as `agent at t s TYPE`. */
function expertCollisions(id: string): string[] {
  const { scenario, map } = builtinScenario(id)!;
  const planner = createPlanner('constant-velocity');
  if (!planner.ok) throw new Error(planner.error.message);
  const run = runScenario(scenario, map, planner.value, { mode: 'nonreactive', seed: 0 });
  const ticks = run.ticks.map((t, k) => {
    // The expert is sampled on the engine's 0.1 s grid, one point per tick.
    const e = scenario.expert[k]!;
    expect(Math.abs(e.tS - t.tS)).toBeLessThan(1e-6);
    return { ...t, ego: { ...t.ego, x: e.x, y: e.y, headingRad: e.headingRad, speedMps: e.speedMps } };
  });
  const m = evaluateRun({ ...run, ticks }, map);
  return m.details.collisions.map((c) => `${c.agentId} at ${c.tS.toFixed(1)} s ${c.type}`);
}

describe('built-in scenarios: the expert drives collision-free', () => {
  for (const id of BUILTIN_IDS) {
    const known = EXPERT_COLLIDES[id];
    if (known)
      it.fails(`${id}: KNOWN DEFECT, the expert ${known}`, () => {
        expect(expertCollisions(id)).toEqual([]);
      });
    else
      it(`${id}: the expert track collides with no agent`, () => {
        expect(expertCollisions(id)).toEqual([]);
      });
  }

  it('the check is not blind: constant-velocity itself runs into the cutter in cut_in', () => {
    const { scenario, map } = builtinScenario('cut_in')!;
    const planner = createPlanner('constant-velocity');
    if (!planner.ok) throw new Error(planner.error.message);
    const m = evaluateRun(runScenario(scenario, map, planner.value, { mode: 'nonreactive', seed: 0 }), map);
    expect(m.details.collisions.length).toBeGreaterThan(0);
  });
});
