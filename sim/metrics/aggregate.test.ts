import { describe, expect, test } from 'vitest';
import { scenarioScore, suiteScore } from './aggregate.ts';

const allOnes = {
  no_ego_at_fault_collisions: 1,
  drivable_area_compliance: 1,
  ego_is_making_progress: 1,
  driving_direction_compliance: 1,
};

describe('aggregation', () => {
  test('a perfect scenario scores 1', () => {
    const w = {
      ego_progress_along_expert_route: 1,
      time_to_collision_within_bound: 1,
      speed_limit_compliance: 1,
      ego_is_comfortable: 1,
    };
    expect(scenarioScore(allOnes, w)).toBe(1);
  });

  test('worked example: 0.5 · (5·0.8 + 5·1 + 4·0.9 + 2·0) / 16 = 0.39375', () => {
    const score = scenarioScore(
      { ...allOnes, no_ego_at_fault_collisions: 0.5 },
      {
        ego_progress_along_expert_route: 0.8,
        time_to_collision_within_bound: 1,
        speed_limit_compliance: 0.9,
        ego_is_comfortable: 0,
      },
    );
    expect(score).toBeCloseTo(0.39375, 12);
  });

  test('any zero multiplier zeroes the scenario', () => {
    const w = {
      ego_progress_along_expert_route: 1,
      time_to_collision_within_bound: 1,
      speed_limit_compliance: 1,
      ego_is_comfortable: 1,
    };
    expect(scenarioScore({ ...allOnes, drivable_area_compliance: 0 }, w)).toBe(0);
    expect(scenarioScore({ ...allOnes, driving_direction_compliance: 0.5 }, w)).toBe(0.5);
  });

  test('only comfort failing costs 2/16', () => {
    const w = {
      ego_progress_along_expert_route: 1,
      time_to_collision_within_bound: 1,
      speed_limit_compliance: 1,
      ego_is_comfortable: 0,
    };
    expect(scenarioScore(allOnes, w)).toBeCloseTo(14 / 16, 12);
  });

  test('the suite score is the plain mean over scenarios', () => {
    expect(suiteScore([0.39375, 1, 0])).toBeCloseTo(1.39375 / 3, 12);
    expect(suiteScore([])).toBe(0);
  });
});
