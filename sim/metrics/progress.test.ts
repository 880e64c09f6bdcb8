import { describe, expect, test } from 'vitest';
import {
  expertRouteNodes,
  makingProgressScore,
  perFrameProgress,
  progressAlongExpertRoute,
  progressRatio,
} from './progress.ts';
import { junctionRoad, metricMap, straightRoad } from './testFixtures.ts';

/** Centre x positions from a to b (inclusive) in `step` increments, at y = 0. */
function line(a: number, b: number, step = 1): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const n = Math.round(Math.abs(b - a) / step);
  for (let i = 0; i <= n; i++) xs.push(a + Math.sign(b - a) * i * step);
  return { xs, ys: xs.map(() => 0) };
}

describe('ego_progress_along_expert_route', () => {
  test('ego covering half the expert distance scores 0.5', () => {
    const mm = metricMap(straightRoad());
    const e = line(10, 40);
    const x = line(10, 70);
    const r = progressAlongExpertRoute(mm, e.xs, e.ys, x.xs, x.ys);
    expect(r.egoProgressM).toBeCloseTo(30, 9);
    expect(r.expertProgressM).toBeCloseTo(60, 9);
    expect(r.ratio).toBeCloseTo(0.5, 12);
  });

  test('progress is measured across lane connectors (in → j → out)', () => {
    const mm = metricMap(junctionRoad());
    expect(expertRouteNodes(mm, line(10, 110).xs, line(10, 110).ys).map((n) => n.roadblockId)).toEqual([
      'in',
      'j',
      'out',
    ]);
    const r = progressAlongExpertRoute(
      mm,
      line(10, 60).xs,
      line(10, 60).ys,
      line(10, 110).xs,
      line(10, 110).ys,
    );
    expect(r.expertProgressM).toBeCloseTo(100, 9);
    expect(r.egoProgressM).toBeCloseTo(50, 9);
    expect(r.ratio).toBeCloseTo(0.5, 12);
  });

  test('a pose that skips a roadblock adds the skipped baseline (5 + 20 + 5 m)', () => {
    const mm = metricMap(junctionRoad());
    const nodes = expertRouteNodes(mm, line(10, 110).xs, line(10, 110).ys);
    expect(Array.from(perFrameProgress(mm, nodes, [45, 75], [0, 0]))).toEqual([0, 30]);
  });

  test('small progress on both sides is floored at 2 m (ratio 1)', () => {
    expect(progressRatio(1, 1.5)).toBe(1);
  });

  test('a stopped ego against a 5 m expert scores 2 / 5', () => {
    const mm = metricMap(straightRoad());
    const x = line(10, 15);
    const r = progressAlongExpertRoute(mm, [10, 10, 10, 10, 10, 10], x.ys, x.xs, x.ys);
    expect(r.egoProgressM).toBe(0);
    expect(r.ratio).toBeCloseTo(0.4, 12);
  });

  test('driving back more than 2 m scores 0', () => {
    const mm = metricMap(straightRoad());
    const e = line(40, 37);
    const x = line(10, 70);
    const r = progressAlongExpertRoute(mm, e.xs, e.ys, x.xs, x.ys);
    expect(r.egoProgressM).toBeCloseTo(-3, 9);
    expect(r.ratio).toBe(0);
  });

  test('an expert on no lane gives ratio 1', () => {
    const mm = metricMap(straightRoad());
    const r = progressAlongExpertRoute(mm, [10, 11], [0, 0], [10, 20], [-30, -30]);
    expect(r.ratio).toBe(1);
  });
});

describe('ego_is_making_progress', () => {
  test('is 1 at a ratio of 0.2 and 0 just below', () => {
    expect(makingProgressScore(0.2)).toBe(1);
    expect(makingProgressScore(0.1999)).toBe(0);
  });

  test('5 m of ego progress against 30 m of expert progress is not making progress', () => {
    const mm = metricMap(straightRoad());
    const r = progressAlongExpertRoute(
      mm,
      line(10, 15).xs,
      line(10, 15).ys,
      line(10, 40).xs,
      line(10, 40).ys,
    );
    expect(r.ratio).toBeCloseTo(5 / 30, 12);
    expect(makingProgressScore(r.ratio)).toBe(0);
  });
});
