import { describe, expect, test } from 'vitest';
import type { RoadMap } from '../../core/map/RoadMap.ts';
import { egoTrack } from './egoTrack.ts';
import { assignLanes } from './laneAssignment.ts';
import { speedLimitCompliance } from './speedLimit.ts';
import { ego, junctionRoad, makeLog, metricMap, straightRoad } from './testFixtures.ts';

/** Ego standing at (x, 0) with the given logged speeds, 0.1 s apart. */
function speeding(map: RoadMap, x: number, speeds: number[]) {
  const mm = metricMap(map);
  const track = egoTrack(makeLog(speeds.map((v, t) => ego(t * 0.1, x, 0, v))));
  return speedLimitCompliance(mm, track, assignLanes(mm, track.cx, track.cy, track.corners).egoDrivenRoute);
}

describe('speed_limit_compliance', () => {
  test('driving at the limit scores 1', () => {
    const r = speeding(straightRoad(), 50, Array(11).fill(10));
    expect(r.score).toBe(1);
    expect(r.maxOverspeedMps).toBe(0);
  });

  test('1 m/s over for 5 of 11 ticks: 1 − 5·0.1 / (2.23·1.0)', () => {
    const r = speeding(straightRoad(), 50, [10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11]);
    expect(Array.from(r.overspeedMps)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(r.score).toBeCloseTo(1 - 0.5 / 2.23, 12); // 0.775784753…
  });

  test('2 m/s over on every tick: the rectangle sum over N samples divided by (N−1)·dt', () => {
    const r = speeding(straightRoad(), 50, Array(11).fill(12));
    // Σ = 11 · 2 = 22; loss = 22 · 0.1 / (2.23 · 1.0) = 0.98654…
    expect(r.score).toBeCloseTo(1 - 2.2 / 2.23, 12);
    expect(r.maxOverspeedMps).toBeCloseTo(2, 12);
  });

  test('large overspeed floors the score at 0', () => {
    expect(speeding(straightRoad(), 50, Array(11).fill(20)).score).toBe(0);
  });

  test('in a connector the highest limit of its incoming and outgoing lanes applies', () => {
    // Connector j has limit 5; its neighbours have 10 (in) and 15 (out).
    const mm = junctionRoad();
    expect(speeding(mm, 55, Array(5).fill(12)).score).toBe(1);
    const r = speeding(mm, 55, Array(5).fill(16));
    expect(r.maxOverspeedMps).toBeCloseTo(1, 12);
  });

  test('on a lane with no posted limit there is no overspeed (the devkit returns None)', () => {
    // Lane `in` carries 10 m/s as the speed to drive at, but no posted limit.
    const r = speeding(junctionRoad(['in']), 25, Array(11).fill(20));
    expect(r.score).toBe(1);
    expect(r.maxOverspeedMps).toBe(0);
    // The same drive on the posted lane is 10 m/s over.
    expect(speeding(junctionRoad(), 25, Array(11).fill(20)).maxOverspeedMps).toBeCloseTo(10, 12);
  });

  test('in a connector one unposted incoming or outgoing lane disables the check (devkit all())', () => {
    // 16 m/s is 1 over the highest neighbour limit (15); with `out` or `in` unposted there is none.
    expect(speeding(junctionRoad(['out']), 55, Array(5).fill(16)).score).toBe(1);
    expect(speeding(junctionRoad(['in']), 55, Array(5).fill(16)).score).toBe(1);
    // The connector's own posting does not count: its neighbours' limits apply.
    expect(speeding(junctionRoad(['j']), 55, Array(5).fill(16)).maxOverspeedMps).toBeCloseTo(1, 12);
  });

  test('off the lanes there is no limit', () => {
    const mm = metricMap(straightRoad());
    const track = egoTrack(makeLog([ego(0, 50, -20, 30), ego(0.1, 50, -20, 30)]));
    const route = assignLanes(mm, track.cx, track.cy, track.corners).egoDrivenRoute;
    expect(speedLimitCompliance(mm, track, route).score).toBe(1);
  });
});
