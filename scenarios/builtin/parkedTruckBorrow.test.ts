/**
 * parked_truck_borrow: a truck half on the shoulder, an oncoming car, an expert that waits and then
 * passes over the centre line. The scenario must let a planner that borrows well score (the
 * expert's own drive, scored as an ego, does), and its expert progress must be the distance driven
 * (the devkit's multi-roadblock progress once counted 693 m for one frame of a borrow).
 */
import { describe, expect, it } from 'vitest';
import { agentBox, boxesOverlap, type EgoState, egoBox } from '../../core/index.ts';
import { idmPlanner } from '../../core/vehicle/index.ts';
import { pdmClosedPlanner } from '../../planner/baselines/PdmClosed.ts';
import { runScenario, type SimLog } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { builtinScenario } from './builtin.ts';

const built = builtinScenario('parked_truck_borrow')!;
const { scenario, map } = built;
const expert = scenario.expert;
const R0_HALF_WIDTH_M = 1.75;

/** A run whose ego is the expert (the agents replayed as in any non-reactive run). */
function expertAsEgo(): SimLog {
  const log = runScenario(scenario, map, idmPlanner(), { mode: 'nonreactive' });
  const L = scenario.vehicle.wheelBaseM;
  const ticks = log.ticks.map((t, k) => {
    const p = expert[k]!;
    const prev = expert[Math.max(0, k - 1)]!;
    const next = expert[Math.min(expert.length - 1, k + 1)]!;
    const yawRate = (next.headingRad - prev.headingRad) / (next.tS - prev.tS || 0.1);
    const ego: EgoState = {
      tS: t.tS,
      x: p.x,
      y: p.y,
      headingRad: p.headingRad,
      speedMps: p.speedMps,
      accelMps2: (next.speedMps - prev.speedMps) / (next.tS - prev.tS || 0.1),
      steerRad: p.speedMps > 0.1 ? Math.atan((yawRate * L) / p.speedMps) : 0,
      yawRateRadps: yawRate,
    };
    return { ...t, ego };
  });
  return { ...log, planner: 'expert', ticks };
}

describe('parked_truck_borrow', () => {
  it('has an expert that waits, then passes truck and oncoming car without contact, centre in its lane', () => {
    const log = expertAsEgo();
    let minSpeed = Infinity;
    let maxLateral = 0;
    for (const t of log.ticks) {
      const box = egoBox(t.ego, scenario.vehicle);
      for (const a of t.agents) expect(boxesOverlap(box, agentBox(a)), `${a.id} at ${t.tS} s`).toBe(false);
      const cy = t.ego.y + scenario.vehicle.rearAxleToCenterM * Math.sin(t.ego.headingRad);
      maxLateral = Math.max(maxLateral, cy);
      if (t.tS > 5 && t.tS < 8) minSpeed = Math.min(minSpeed, t.ego.speedMps);
    }
    expect(minSpeed).toBeLessThan(0.1); // stops for the oncoming car
    expect(maxLateral).toBeGreaterThan(1.3); // over the centre line with its left side…
    expect(maxLateral).toBeLessThan(R0_HALF_WIDTH_M - 0.3); // …its centre in its own lane
    const last = log.ticks[log.ticks.length - 1]!.ego;
    expect(last.x).toBeGreaterThan(95); // past the truck (x 75…85) and back in lane
    expect(Math.abs(last.y)).toBeLessThan(0.05);
  });

  it('scores the expert drive as an ego at full marks but progress (the devkit scores 150 of 151 ticks)', () => {
    const m = evaluateRun(expertAsEgo(), map);
    expect(Object.values(m.multipliers)).toEqual([1, 1, 1, 1]);
    expect(m.weighted.time_to_collision_within_bound).toBe(1);
    expect(m.details.comfortFailed).toEqual([]);
    expect(m.weighted.ego_is_comfortable).toBe(1);
    expect(m.weighted.ego_progress_along_expert_route).toBeGreaterThan(0.98);
    expect(m.score).toBeGreaterThan(0.99);
    // The expert's progress is the road it covered, about 83 m, not a multi-roadblock jump.
    expect(m.details.expertProgressM).toBeGreaterThan(80);
    expect(m.details.expertProgressM).toBeLessThan(86);
  });

  it('leaves a planner that only stops behind the truck with part of the progress, not zero', () => {
    const log = runScenario(scenario, map, pdmClosedPlanner(), { mode: 'nonreactive' });
    const m = evaluateRun(log, map);
    expect(m.details.collisions).toHaveLength(0);
    expect(m.multipliers.ego_is_making_progress).toBe(1);
    expect(m.weighted.ego_progress_along_expert_route).toBeGreaterThan(0.5);
    expect(m.weighted.ego_progress_along_expert_route).toBeLessThan(0.7);
    const last = log.ticks[log.ticks.length - 1]!.ego;
    expect(last.x + 4.049).toBeLessThan(75); // still behind the truck
  });
});
