/**
 * The old experts stay reproducible (the original PDM-Closed's reference was measured against
 * them), and a reference ratio converts to a new expert as nuPlan's progress rule implies.
 */
import { describe, expect, it } from 'vitest';
import { idmPlanner } from '../../core/vehicle/index.ts';
import { runScenario } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { BUILTIN_IDS, builtinScenario } from './builtin.ts';
import { LEGACY_IDM_EXPERT_IDS, legacyExpert, referenceAgainstExpert } from './legacyExpert.ts';

/**
 * nuPlan progress (m) of the old experts, as the IDM expert drove them on main at 22aef71, before
 * the speed-profile experts (printed by evaluateRun's details.expertProgressM).
 */
const OLD_EXPERT_PROGRESS_M: Record<string, number> = {
  hard_braking_lead: 110.534,
  stop_and_go: 56.345,
  cut_in: 156.168,
  unprotected_left: 111.282,
  crosswalk_pedestrian: 184.744,
  occluded_pedestrian: 160.411,
  warehouse_robot: 19.863,
};

const REF = {
  no_ego_at_fault_collisions: 1,
  drivable_area_compliance: 1,
  driving_direction_compliance: 1,
  ego_is_making_progress: 1,
  time_to_collision_within_bound: 1,
  ego_progress_along_expert_route: 0.5,
  speed_limit_compliance: 1,
  ego_is_comfortable: 1,
  score: 0.84375,
};

describe('legacyExpert', () => {
  it('drives the old IDM expert of the scenarios that changed, and is the current expert elsewhere', () => {
    expect(Object.keys(OLD_EXPERT_PROGRESS_M).sort()).toEqual([...LEGACY_IDM_EXPERT_IDS].sort());
    for (const id of BUILTIN_IDS) {
      const { scenario, map } = builtinScenario(id)!;
      const old = legacyExpert(id)!;
      expect(old).toHaveLength(scenario.expert.length);
      const log = runScenario({ ...scenario, durationS: 1 }, map, idmPlanner(), { mode: 'nonreactive' });
      const oldM = evaluateRun({ ...log, expert: old }, map).details.expertProgressM;
      const newM = evaluateRun(log, map).details.expertProgressM;
      if (LEGACY_IDM_EXPERT_IDS.includes(id)) {
        expect(oldM, id).toBeCloseTo(OLD_EXPERT_PROGRESS_M[id]!, 3);
        expect(Math.abs(newM - oldM), id).toBeGreaterThan(0.1); // the expert did change
      } else expect(old, id).toEqual(scenario.expert);
    }
    expect(legacyExpert('no_such_scenario')).toBeUndefined();
  });
});

describe('referenceAgainstExpert', () => {
  it('rescales a ratio under 1 by old / new expert progress and recomputes the score', () => {
    const r = referenceAgainstExpert(REF, 100, 80);
    expect(r.exact).toBe(true);
    expect(r.metrics.ego_progress_along_expert_route).toBe(0.625);
    // (5 · 0.625 + 5 · TTC + 4 · speed + 2 · comfort) / 16, all multipliers 1.
    expect(r.metrics.score).toBeCloseTo((5 * 0.625 + 5 + 4 + 2) / 16, 12);
  });

  it('clips at 1, and keeps a clipped ratio at 1 against a slower expert', () => {
    expect(referenceAgainstExpert(REF, 100, 40).metrics.ego_progress_along_expert_route).toBe(1);
    const r = referenceAgainstExpert({ ...REF, ego_progress_along_expert_route: 1, score: 1 }, 100, 60);
    expect(r).toEqual({ metrics: { ...REF, ego_progress_along_expert_route: 1, score: 1 }, exact: true });
  });

  it('gives only a lower bound when a clipped ratio meets a faster expert', () => {
    const r = referenceAgainstExpert({ ...REF, ego_progress_along_expert_route: 1, score: 1 }, 100, 125);
    expect(r.exact).toBe(false);
    expect(r.metrics.ego_progress_along_expert_route).toBe(0.8);
  });

  it('drops ego_is_making_progress (and the score) below a ratio of 0.2', () => {
    const r = referenceAgainstExpert({ ...REF, ego_progress_along_expert_route: 0.25 }, 100, 150);
    expect(r.metrics.ego_progress_along_expert_route).toBe(0.1667);
    expect(r.metrics.ego_is_making_progress).toBe(0);
    expect(r.metrics.score).toBe(0);
  });

  it("uses nuPlan's 2 m floor for both experts and leaves a ratio of 0 (ego went backwards) alone", () => {
    // An ego that moved ≤ 2 m scored 2 / 50 against a 50 m expert: 2 / 10 against a 10 m one.
    const r = referenceAgainstExpert({ ...REF, ego_progress_along_expert_route: 0.04 }, 50, 10);
    expect(r.metrics.ego_progress_along_expert_route).toBe(0.2);
    expect(r.metrics.ego_is_making_progress).toBe(1);
    expect(referenceAgainstExpert(REF, 1, 0.5).metrics).toEqual(REF);
    const back = { ...REF, ego_progress_along_expert_route: 0, ego_is_making_progress: 0, score: 0 };
    expect(referenceAgainstExpert(back, 100, 50).metrics).toEqual(back);
  });
});
