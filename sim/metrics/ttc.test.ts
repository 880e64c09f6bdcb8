import { describe, expect, test } from 'vitest';
import type { AgentState, EgoState } from '../../core/index.ts';
import { findCollisions } from './collisions.ts';
import { egoTrack } from './egoTrack.ts';
import { assignLanes } from './laneAssignment.ts';
import { car, ego, makeLog, metricMap, straightRoad } from './testFixtures.ts';
import { timeToCollision, ttcScore } from './ttc.ts';

/** Ego front bumper x for a rear axle at x (Pacifica: rear axle → front 4.049 m). */
const front = (x: number): number => x + 4.049;

function ttcOf(egos: EgoState[], agentsAt: (t: number) => AgentState[]): Float64Array {
  const mm = metricMap(straightRoad());
  const log = makeLog(egos, agentsAt);
  const track = egoTrack(log);
  const lanes = assignLanes(mm, track.cx, track.cy, track.corners);
  const collisions = findCollisions(log, track, lanes.inCommonOrConnected);
  return timeToCollision(log, track, mm, collisions, lanes.inCommonOrConnected);
}

describe('time_to_collision_within_bound', () => {
  test('closing at 10 m/s on a stopped car 7.95 m ahead gives TTC 0.8 s and score 0', () => {
    // 1 m per 0.1 s step: the boxes first meet after 8 steps.
    const ttc = ttcOf([ego(0, 20, 0, 10)], () => [car('stopped', front(20) + 7.95 + 2.25, 0, 0)]);
    expect(ttc[0]).toBeCloseTo(0.8, 12);
    expect(ttcScore(ttc)).toBe(0);
  });

  test('a stopped car 19.95 m ahead at 10 m/s gives TTC 2.0 s and score 1', () => {
    const ttc = ttcOf([ego(0, 20, 0, 10)], () => [car('stopped', front(20) + 19.95 + 2.25, 0, 0)]);
    expect(ttc[0]).toBeCloseTo(2.0, 12);
    expect(ttcScore(ttc)).toBe(1);
  });

  test('the horizon stops at 2.9 s: a contact at 3.0 s is no TTC', () => {
    const ttc = ttcOf([ego(0, 20, 0, 10)], () => [car('stopped', front(20) + 29.95 + 2.25, 0, 0)]);
    expect(ttc[0]).toBe(Infinity);
  });

  test('a slower lead car is projected too: 10 m gap closing at 5 m/s gives 2.0 s', () => {
    // Gap 10 − 0.5 m per step; contact once 0.5·k ≥ 10 → k = 20 → τ = 2.0; 9.95 m avoids exact touching.
    const ttc = ttcOf([ego(0, 20, 0, 10)], () => [car('lead', front(20) + 9.95 + 2.25, 0, 5)]);
    expect(ttc[0]).toBeCloseTo(2.0, 12);
  });

  test('a faster car behind ego is ignored', () => {
    const ttc = ttcOf([ego(0, 20, 0, 5)], () => [car('behind', 20 - 1.127 - 3, 0, 15)]);
    expect(ttc[0]).toBe(Infinity);
    expect(ttcScore(ttc)).toBe(1);
  });

  test('a stopped ego has no TTC', () => {
    const ttc = ttcOf([ego(0, 20, 0, 0.004)], () => [car('stopped', front(20) + 1 + 2.25, 0, 0)]);
    expect(ttc[0]).toBe(Infinity);
  });

  test('a car crossing ego lane from the side is ignored while ego stays in its lane', () => {
    // Relative angle atan(12 / 18) ≈ 33.7°: not ahead (< 30°), so ignored while ego is in one lane.
    const crossing = car('x', 38, 12, 5, { headingRad: -Math.PI / 2 });
    expect(ttcOf([ego(0, 20, 0, 10)], () => [crossing])[0]).toBe(Infinity);
    // The same geometry while ego straddles both lanes: the car's front (y 11.5 − 0.5k) meets the
    // ego's left side (y 2.8985) at step k = 18.
    const crossingHigh = car('x', 38, 13.75, 5, { headingRad: -Math.PI / 2 });
    expect(ttcOf([ego(0, 20, 1.75, 10)], () => [crossingHigh])[0]).toBeCloseTo(1.8, 12);
  });

  test('an at-fault collision tick has TTC 0 and the collided car is ignored afterwards', () => {
    const carX = front(20.5) + 2.25 - 0.1; // overlaps at tick 1
    const egos = [ego(0, 20, 0, 5), ego(0.1, 20.5, 0, 5), ego(0.2, 20.5, 0, 5)];
    const ttc = ttcOf(egos, () => [car('stopped', carX, 0, 0)]);
    expect(ttc[0]).toBeCloseTo(0.1, 12);
    expect(ttc[1]).toBe(0);
    expect(ttc[2]).toBe(Infinity);
  });
});
