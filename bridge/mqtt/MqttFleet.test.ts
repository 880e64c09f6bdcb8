import { describe, expect, it } from 'vitest';
import { allocate } from './Fleet.ts';

describe('allocate', () => {
  const g = { x: 10, y: 0, headingRad: 0 };
  const p = (x: number) => ({ x, y: 0, headingRad: 0 });
  it('gives a mission to the nearest idle robot, else to the shortest queue', () => {
    expect(
      allocate(g, [
        { id: 'far', idle: true, queued: 0, pose: p(50), reachable: true },
        { id: 'near', idle: true, queued: 0, pose: p(12), reachable: true },
        { id: 'busy', idle: false, queued: 1, pose: p(10), reachable: true },
      ]),
    ).toBe('near');
    expect(
      allocate(g, [
        { id: 'q2', idle: false, queued: 2, pose: p(10), reachable: true },
        { id: 'q1', idle: false, queued: 1, pose: p(40), reachable: true },
      ]),
    ).toBe('q1');
  });
  it('never gives a mission to a robot with no route to the goal', () => {
    const robots = [
      { id: 'nearest-but-cut-off', idle: true, queued: 0, pose: p(10), reachable: false },
      { id: 'busy-but-connected', idle: false, queued: 3, pose: p(40), reachable: true },
    ];
    expect(allocate(g, robots)).toBe('busy-but-connected');
    expect(allocate(g, robots.slice(0, 1))).toBeUndefined();
  });
  it('never gives a mission to a robot whose pose is unknown', () => {
    const robots = [
      { id: 'unknown', idle: true, queued: 0, pose: undefined, reachable: true },
      { id: 'known-busy', idle: false, queued: 2, pose: p(40), reachable: true },
    ];
    expect(allocate(g, robots)).toBe('known-busy');
    expect(allocate(g, robots.slice(0, 1))).toBeUndefined();
  });
});
