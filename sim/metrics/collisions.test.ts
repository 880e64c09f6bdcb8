import { describe, expect, test } from 'vitest';
import type { AgentState, EgoState } from '../../core/index.ts';
import { findCollisions, noAtFaultCollisionsScore } from './collisions.ts';
import { egoTrack } from './egoTrack.ts';
import { assignLanes } from './laneAssignment.ts';
import { car, cruise, ego, makeLog, metricMap, straightRoad } from './testFixtures.ts';

/*
 * Pacifica box about a rear axle at (x, y) heading east: x ∈ [x − 1.127, x + 4.049],
 * y ∈ [y − 1.1485, y + 1.1485]. Test cars are 4.5 m × 2 m.
 */
const FRONT = 4.049;
const REAR = 1.127;

function collide(egos: EgoState[], agentsAt: (t: number) => AgentState[], staticAgentIds: string[] = []) {
  const log = makeLog(egos, agentsAt, { staticAgentIds });
  const track = egoTrack(log);
  const lanes = assignLanes(metricMap(straightRoad()), track.cx, track.cy, track.corners);
  return findCollisions(log, track, lanes.inCommonOrConnected);
}

describe('no_ego_at_fault_collisions', () => {
  test('no collision scores 1', () => {
    const cs = collide(cruise(20, 10, 0, 5), (t) => [car('lead', 40 + 0.5 * t, 0, 5)]);
    expect(cs).toEqual([]);
    expect(noAtFaultCollisionsScore(cs)).toBe(1);
  });

  test('driving into a stopped car is a stopped-track collision, at fault, score 0', () => {
    // Ego front reaches x = 11 + 4.049 at tick 2; the car's rear is 0.1 m behind that.
    const carX = 11 + FRONT + 2.25 - 0.1;
    const cs = collide(cruise(3, 10, 0, 5), () => [car('stopped', carX, 0, 0)]);
    expect(cs).toHaveLength(1);
    expect(cs[0]).toMatchObject({
      tick: 2,
      agentId: 'stopped',
      type: 'STOPPED_TRACK',
      atFault: true,
      group: 'vehicle',
    });
    expect(noAtFaultCollisionsScore(cs)).toBe(0);
  });

  test('front bumper into a slower moving car is an active front collision, at fault', () => {
    const cs = collide([ego(0, 10, 0, 10)], () => [car('slow', 10 + FRONT + 2.25 - 0.1, 0, 2)]);
    expect(cs[0]).toMatchObject({ type: 'ACTIVE_FRONT', atFault: true });
    // delta-v = ½·|10 − 2| for equal headings.
    expect(cs[0]!.deltaVMps).toBeCloseTo(4, 12);
    expect(noAtFaultCollisionsScore(cs)).toBe(0);
  });

  test('being rear-ended by a faster car is not at fault, score 1', () => {
    const cs = collide([ego(0, 20, 0, 5)], () => [car('fast', 20 - REAR - 2.25 + 0.1, 0, 10)]);
    expect(cs).toHaveLength(1);
    expect(cs[0]).toMatchObject({ type: 'ACTIVE_REAR', atFault: false });
    expect(noAtFaultCollisionsScore(cs)).toBe(1);
  });

  test('a collision while ego is stopped is not at fault', () => {
    const cs = collide([ego(0, 20, 0, 0.04)], () => [car('fast', 20 + FRONT + 2.25 - 0.1, 0, 3)]);
    expect(cs[0]).toMatchObject({ type: 'STOPPED_EGO', atFault: false });
    expect(noAtFaultCollisionsScore(cs)).toBe(1);
  });

  test('one static object collision scores 0.5', () => {
    const cone = car('cone', 20 + FRONT + 0.2, 0, 0, { kind: 'static', lengthM: 0.5, widthM: 0.5 });
    const cs = collide([ego(0, 20, 0, 5)], () => [cone]);
    expect(cs[0]).toMatchObject({ type: 'STOPPED_TRACK', group: 'object', atFault: true });
    expect(noAtFaultCollisionsScore(cs)).toBe(0.5);
  });

  test('an agent listed in staticAgentIds counts as an object', () => {
    const box = car('box', 20 + FRONT + 2.25 - 0.1, 0, 0);
    const cs = collide([ego(0, 20, 0, 5)], () => [box], ['box']);
    expect(cs[0]!.group).toBe('object');
    expect(noAtFaultCollisionsScore(cs)).toBe(0.5);
  });

  test('two static object collisions score 0', () => {
    const a = car('a', 20 + FRONT + 0.2, 0.5, 0, { kind: 'static', lengthM: 0.5, widthM: 0.5 });
    const b = car('b', 20 + FRONT + 0.2, -0.5, 0, { kind: 'static', lengthM: 0.5, widthM: 0.5 });
    const cs = collide([ego(0, 20, 0, 5)], () => [a, b]);
    expect(cs).toHaveLength(2);
    expect(noAtFaultCollisionsScore(cs)).toBe(0);
  });

  test('a pedestrian collision (VRU) scores 0', () => {
    const ped = car('ped', 20 + FRONT + 0.2, 0, 0, { kind: 'pedestrian', lengthM: 0.6, widthM: 0.6 });
    const cs = collide([ego(0, 20, 0, 5)], () => [ped]);
    expect(cs[0]!.group).toBe('vru');
    expect(noAtFaultCollisionsScore(cs)).toBe(0);
  });

  test('an agent collides once per run even when overlapping for many ticks', () => {
    const carX = 20 + FRONT + 2.25 - 0.5;
    const cs = collide(
      Array.from({ length: 6 }, (_, t) => ego(t * 0.1, 20, 0, 1)),
      () => [car('stuck', carX, 0, 0)],
    );
    expect(cs).toHaveLength(1);
    expect(cs[0]!.tick).toBe(0);
  });

  test('a lateral collision while ego stays in its lane is not at fault', () => {
    const cs = collide([ego(0, 20, 0, 5)], () => [car('side', 21.461, 2.0, 5)]);
    expect(cs[0]).toMatchObject({ type: 'ACTIVE_LATERAL', atFault: false });
    expect(noAtFaultCollisionsScore(cs)).toBe(1);
  });

  test('a lateral collision while ego straddles two lanes is at fault', () => {
    const cs = collide([ego(0, 20, 1.75, 5)], () => [car('side', 21.461, 3.75, 5)]);
    expect(cs[0]).toMatchObject({ type: 'ACTIVE_LATERAL', atFault: true });
    expect(noAtFaultCollisionsScore(cs)).toBe(0);
  });
});
