import { describe, expect, it } from 'vitest';
import { RoadMapSchema, VehicleParamsSchema } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { createDriver } from '../../stack/registry.ts';
import type { MakeStack } from '../LiveDriver.ts';
import { liveScenario, withGoalStop } from '../Mission.ts';
import { ROBOT_VEHICLE } from '../ros/RosConfig.ts';
import { allocate } from './Fleet.ts';

const aisle = (id: string, y: number) => ({
  id,
  type: 'aisle',
  centerline: Array.from({ length: 31 }, (_, i) => ({ x: i * 2, y })),
  widthM: 3,
  speedLimitMps: 2,
});
const _MAP = new RoadMap(RoadMapSchema.parse({ id: 'two-aisles', lanes: [aisle('A', 0), aisle('B', 8)] }));
const VEHICLE = VehicleParamsSchema.parse(ROBOT_VEHICLE);

function _makeStack(): MakeStack {
  const d = createDriver('pdm-closed-stack');
  if (!d.ok || d.value.kind !== 'stack') throw new Error('no stack');
  const driver = d.value;
  return (goal, route, ego, map) =>
    driver.build(liveScenario(map.id, VEHICLE, ego, route), map, { wrap: (p) => withGoalStop(p, goal) });
}

const _until = async (pred: () => boolean, timeoutMs: number, what: () => string): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

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
});
