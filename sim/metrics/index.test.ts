import { describe, expect, test } from 'vitest';
import { devkitHistory, evaluateRun, ScenarioMetricsSchema } from './index.ts';
import { car, cruise, makeLog, straightRoad } from './testFixtures.ts';

describe('evaluateRun', () => {
  test('a clean run that copies the expert scores 1 on all but progress, 74.5 of the expert 75 m', () => {
    // The devkit scores 150 of the 151 ticks against the whole expert route (devkitHistory).
    const m = evaluateRun(makeLog(cruise(151, 10, 0, 5)), straightRoad());
    expect(Object.values(m.multipliers)).toEqual([1, 1, 1, 1]);
    expect(m.weighted.time_to_collision_within_bound).toBe(1);
    expect(m.weighted.speed_limit_compliance).toBe(1);
    expect(m.weighted.ego_is_comfortable).toBe(1);
    expect(m.details.egoProgressM).toBeCloseTo(74.5, 9);
    expect(m.details.expertProgressM).toBeCloseTo(75, 9);
    expect(m.weighted.ego_progress_along_expert_route).toBeCloseTo(74.5 / 75, 12);
    expect(m.score).toBeCloseTo((5 * (74.5 / 75) + 5 + 4 + 2) / 16, 12);
    expect(m.details.minTtcS).toBeNull();
    expect(m.details.ticks).toBe(150);
    expect(m.perTick.ttcS).toHaveLength(150);
  });

  test('the last tick is not scored, as in the devkit history: a collision there does not count', () => {
    const egos = cruise(41, 10, 0, 5); // rear axle x = 10 + 0.5·t; front bumper at 14.049 + 0.5·t
    const atLast = 10 + 20 + 4.049 + 2.25 - 0.1; // overlaps the ego's front at tick 40 only
    const last = evaluateRun(
      makeLog(egos, () => [car('parked', atLast, 0, 0)]),
      straightRoad(),
    );
    expect(last.details.collisions).toHaveLength(0);
    expect(last.multipliers.no_ego_at_fault_collisions).toBe(1);
    expect(last.details.ticks).toBe(40);
    const before = evaluateRun(
      makeLog(egos, () => [car('parked', atLast - 0.5, 0, 0)]),
      straightRoad(),
    );
    expect(before.details.collisions[0]).toMatchObject({ tick: 39, atFault: true });
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
    // 12 ticks, 11 scored: Σ overspeed · dt / (2.23 · T) = 11 · 2 · 0.1 / (2.23 · 1.0)
    const m = evaluateRun(makeLog(cruise(12, 10, 0, 12)), straightRoad());
    const speed = 1 - 2.2 / 2.23;
    expect(m.weighted.speed_limit_compliance).toBeCloseTo(speed, 12);
    const progress = (10 * 1.2) / (11 * 1.2); // 11 scored ego ticks against the 12-pose expert
    expect(m.weighted.ego_progress_along_expert_route).toBeCloseTo(progress, 12);
    expect(m.score).toBeCloseTo((5 * progress + 5 + 4 * speed + 2) / 16, 12);
  });
});

describe('devkitHistory', () => {
  test('drops the last tick, keeps the expert, and keeps a one-tick log whole', () => {
    const log = makeLog(cruise(5, 10, 0, 5));
    const h = devkitHistory(log);
    expect(h.ticks.map((t) => t.tS)).toEqual(log.ticks.slice(0, 4).map((t) => t.tS));
    expect(h.expert).toBe(log.expert);
    const one = makeLog(cruise(1, 10, 0, 5));
    expect(devkitHistory(one).ticks).toHaveLength(1);
  });
});

describe('a run that ended at its route end', () => {
  // The expert drives 5 m/s for 15 s (75 m); the ego copies it and reaches its route's end at
  // 6 s (tick 60), where the run stops.
  const expert = cruise(151, 10, 0, 5).map((e) => ({
    tS: e.tS,
    x: e.x,
    y: e.y,
    headingRad: e.headingRad,
    speedMps: e.speedMps,
  }));
  const egos = cruise(61, 10, 0, 5);

  test('is scored on all its ticks against the expert over the same span: 30 m of 30 m', () => {
    const m = evaluateRun({ ...makeLog(egos, undefined, { expert }), endedAtRouteEnd: true }, straightRoad());
    expect(m.details.ticks).toBe(61);
    expect(m.details.egoProgressM).toBeCloseTo(30, 9);
    expect(m.details.expertProgressM).toBeCloseTo(30, 9);
    expect(m.weighted.ego_progress_along_expert_route).toBe(1);
    expect(m.multipliers.ego_is_making_progress).toBe(1);
  });

  test('has made full progress even where the expert, one tick faster, got farther by then', () => {
    // The same ego against an expert at 6 m/s: 36 m by the ego's arrival at 6 s.
    const fast = cruise(151, 10, 0, 6).map((e) => ({
      tS: e.tS,
      x: e.x,
      y: e.y,
      headingRad: e.headingRad,
      speedMps: e.speedMps,
    }));
    const m = evaluateRun(
      { ...makeLog(egos, undefined, { expert: fast }), endedAtRouteEnd: true },
      straightRoad(),
    );
    expect(m.details.expertProgressM).toBeCloseTo(36, 9);
    expect(m.details.progressRatio).toBe(1);
    expect(m.weighted.ego_progress_along_expert_route).toBe(1);
  });

  test('without the flag (the scenario time was up) the whole expert counts', () => {
    const m = evaluateRun(makeLog(egos, undefined, { expert }), straightRoad());
    expect(m.details.ticks).toBe(60);
    expect(m.details.expertProgressM).toBeCloseTo(75, 9);
    expect(m.weighted.ego_progress_along_expert_route).toBeCloseTo(29.5 / 75, 12);
  });
});
