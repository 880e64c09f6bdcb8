import { describe, expect, test } from 'vitest';
import { evaluateRun, ScenarioMetricsSchema } from './index.ts';
import { car, cruise, makeLog, straightRoad } from './testFixtures.ts';

describe('evaluateRun', () => {
  test('a clean run that matches the expert scores 1', () => {
    const m = evaluateRun(makeLog(cruise(151, 10, 0, 5)), straightRoad());
    expect(m.score).toBe(1);
    expect(Object.values(m.multipliers)).toEqual([1, 1, 1, 1]);
    expect(Object.values(m.weighted)).toEqual([1, 1, 1, 1]);
    expect(m.details.egoProgressM).toBeCloseTo(75, 9);
    expect(m.details.minTtcS).toBeNull();
    expect(m.perTick.ttcS).toHaveLength(151);
  });

  test('the result is valid, JSON-safe ScenarioMetrics', () => {
    const m = evaluateRun(makeLog(cruise(30, 10, 0, 5)), straightRoad());
    const round = JSON.parse(JSON.stringify(m));
    expect(ScenarioMetricsSchema.parse(round)).toEqual(m);
  });

  test('hitting a stopped car zeroes the score and forces TTC 0', () => {
    const egos = cruise(40, 10, 0, 5); // rear axle x = 10 + 0.5·t
    const stoppedX = 10 + 3 + 4.049 + 2.25 - 0.1; // the car's rear is 0.1 m behind ego's front at tick 6
    const m = evaluateRun(
      makeLog(egos, () => [car('parked', stoppedX, 0, 0)]),
      straightRoad(),
    );
    expect(m.details.collisions).toHaveLength(1);
    expect(m.details.collisions[0]).toMatchObject({ tick: 6, type: 'STOPPED_TRACK', atFault: true });
    expect(m.multipliers.no_ego_at_fault_collisions).toBe(0);
    expect(m.weighted.time_to_collision_within_bound).toBe(0);
    expect(m.details.minTtcS).toBe(0);
    expect(m.score).toBe(0);
  });

  test('standing still while the expert drives away fails making progress', () => {
    const expert = cruise(31, 10, 0, 10).map((e) => ({
      tS: e.tS,
      x: e.x,
      y: 0,
      headingRad: 0,
      speedMps: 10,
    }));
    const m = evaluateRun(
      makeLog(cruise(31, 10, 0, 0), () => [], { expert }),
      straightRoad(),
    );
    // Ego 0 m vs expert 30 m: ratio max(0, 2) / 30 = 1/15 < 0.2.
    expect(m.weighted.ego_progress_along_expert_route).toBeCloseTo(1 / 15, 12);
    expect(m.multipliers.ego_is_making_progress).toBe(0);
    expect(m.score).toBe(0);
  });

  test('speeding only lowers the weighted part: 12 m/s on a 10 m/s road', () => {
    const m = evaluateRun(makeLog(cruise(11, 10, 0, 12)), straightRoad());
    const speed = 1 - 2.2 / 2.23;
    expect(m.weighted.speed_limit_compliance).toBeCloseTo(speed, 12);
    expect(m.score).toBeCloseTo((5 + 5 + 4 * speed + 2) / 16, 12);
  });
});
