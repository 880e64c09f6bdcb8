import { describe, expect, test } from 'vitest';
import { drivingDirectionCompliance, horizonSamples } from './drivingDirection.ts';
import { egoTrack } from './egoTrack.ts';
import { assignLanes } from './laneAssignment.ts';
import { ego, makeLog, metricMap, straightRoad } from './testFixtures.ts';

/** 5 ticks still at x = 50, then `steps` ticks of −`stepM`, then 5 ticks still; all in lane R. */
function reversing(steps: number, stepM: number) {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) xs.push(50);
  for (let i = 1; i <= steps; i++) xs.push(50 - i * stepM);
  for (let i = 0; i < 5; i++) xs.push(xs[xs.length - 1]!);
  const log = makeLog(xs.map((x, t) => ego(t * 0.1, x, 0, 0)));
  const mm = metricMap(straightRoad());
  const track = egoTrack(log);
  return drivingDirectionCompliance(track, assignLanes(mm, track.cx, track.cy, track.corners).egoDrivenRoute);
}

describe('driving_direction_compliance', () => {
  test('driving forward scores 1', () => {
    const r = reversing(10, -0.5);
    expect(r.maxBackwardM).toBe(0);
    expect(r.score).toBe(1);
  });

  test('reversing 1.5 m within a second scores 1', () => {
    const r = reversing(10, 0.15);
    expect(r.maxBackwardM).toBeCloseTo(1.5, 9);
    expect(r.score).toBe(1);
  });

  test('reversing 3 m within a second scores 0.5', () => {
    const r = reversing(10, 0.3);
    expect(r.maxBackwardM).toBeCloseTo(3, 9);
    expect(r.score).toBe(0.5);
  });

  test('reversing 7 m within a second scores 0', () => {
    const r = reversing(10, 0.7);
    expect(r.maxBackwardM).toBeCloseTo(7, 9);
    expect(r.score).toBe(0);
  });

  test('slow reversing counts only the window of n_horizon + 1 = 11 samples (11 × 0.2 m → 0.5)', () => {
    const r = reversing(35, 0.2);
    expect(r.maxBackwardM).toBeCloseTo(2.2, 9);
    expect(r.score).toBe(0.5);
  });

  test('the window length truncates like int(1e6 / mean dt)', () => {
    expect(horizonSamples([0, 100000, 200000], 1)).toBe(10);
    expect(horizonSamples([0, 100001, 200002], 1)).toBe(9);
  });
});
