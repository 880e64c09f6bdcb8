/**
 * The lane a roll-out starts on where connectors from different lanes merge into one (a junction's
 * exit, an on-ramp): their last metres overlap, and mid-change the one heading as the ego does is
 * located — not the lane the ego changes from (CARLA Town06 route 45: 797_0_1, merging into
 * 13_0_-5, taken for 764_2_-5 half-way into 764_2_-6; the gate refused the change half-made).
 */
import { describe, expect, it } from 'vitest';
import { type MidLevelCommand, RoadMapSchema, type Trajectory } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { cmd, scene } from '../stack/testing/safetyScenes.ts';
import { LanePathCache } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';
import { startLane } from './startLane.ts';

const straight = (y: number, x0: number, x1: number) => [
  { x: x0, y },
  { x: x1, y },
];
/**
 * A (y = 0) and its right neighbour A2 (y = −3.5), 0 → 40 m, broken line between, into X and X2
 * (40 → 140 m). From P (y = 8, before x = 0) two connectors come down: B onto A's end
 * (y = 8·(1 − x/40)², −0.1 rad at x = 30), merging into X, and C onto A2's end
 * (y = −3.5 + 10·(1 − x/40)², −0.125 rad at x = 30), merging into X2 (Town06: 797_0_1 and 796_0_1
 * from 69_0_4).
 */
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'merge',
    lanes: [
      {
        id: 'A',
        centerline: straight(0, 0, 40),
        widthM: 3.5,
        speedLimitMps: 10,
        successors: ['X'],
        right: { laneId: 'A2', changeAllowed: true },
        rightBoundary: 'dashed',
      },
      {
        id: 'A2',
        centerline: straight(-3.5, 0, 40),
        widthM: 3.5,
        speedLimitMps: 10,
        successors: ['X2'],
        left: { laneId: 'A', changeAllowed: true },
        leftBoundary: 'dashed',
      },
      {
        id: 'P',
        centerline: straight(8, -20, 0),
        widthM: 3.5,
        speedLimitMps: 10,
        successors: ['B', 'C'],
      },
      {
        id: 'B',
        centerline: Array.from({ length: 21 }, (_, k) => ({ x: 2 * k, y: 8 * (1 - (2 * k) / 40) ** 2 })),
        widthM: 3.5,
        speedLimitMps: 10,
        predecessors: ['P'],
        successors: ['X'],
      },
      {
        id: 'C',
        centerline: Array.from({ length: 21 }, (_, k) => ({
          x: 2 * k,
          y: -3.5 + 10 * (1 - (2 * k) / 40) ** 2,
        })),
        widthM: 3.5,
        speedLimitMps: 10,
        predecessors: ['P'],
        successors: ['X2'],
      },
      {
        id: 'X',
        centerline: straight(0, 40, 140),
        widthM: 3.5,
        speedLimitMps: 10,
        predecessors: ['A', 'B'],
        right: { laneId: 'X2', changeAllowed: true },
        rightBoundary: 'dashed',
      },
      {
        id: 'X2',
        centerline: straight(-3.5, 40, 140),
        widthM: 3.5,
        speedLimitMps: 10,
        predecessors: ['A2', 'C'],
        left: { laneId: 'X', changeAllowed: true },
        leftBoundary: 'dashed',
      },
    ],
  }),
);
/**
 * The ego 0.8 m right of A's centre at x = 30, turned 0.13 rad right (a change to A2 begun): inside
 * A, 1.3 m off B's centre, 2.1 m off C's (within its half width and `startLane`'s 0.5 m margin).
 */
const EGO = { x: 30, y: -0.8, headingRad: -0.13 };
const ROUTE = ['A', 'A2', 'X2'];

describe('start lane where connectors merge', () => {
  it('the merging connector heading as the ego does is the one located', () => {
    expect(map.locate(EGO.x, EGO.y, EGO.headingRad)?.laneId).toBe('B');
  });

  it('without a plan, the lane the route takes: the one the change starts from', () => {
    const paths = new LanePathCache(map);
    expect(startLane(map, EGO.x, EGO.y, EGO.headingRad, 0, ROUTE, paths)).toBe('A');
    // a route through the merging connector keeps it
    expect(startLane(map, EGO.x, EGO.y, EGO.headingRad, 0, ['B', 'X'], paths)).toBe('B');
  });

  it('a lane the ego is not on is no candidate', () => {
    // the ego on A's centre at x = 5, heading along it: B is 5 m away
    expect(startLane(map, 5, 0, 0, 0, ['B', 'X'], new LanePathCache(map))).toBe('A');
  });
});

describe('the gate on a change begun beside a merging connector', () => {
  const sc = scene({ map, lane: 'A', s: 30, speed: 6, route: ROUTE });
  sc.snapshot.ego = { ...sc.snapshot.ego, ...EGO };
  const change: MidLevelCommand = cmd({ path: 'RIGHT_CHANGE', targetLaneId: 'A2', targetSpeedMps: 6 });
  // the planner's trajectory: on across into A2 / X2 at 6 m/s
  const plan: Trajectory = {
    points: Array.from({ length: 41 }, (_, k) => {
      const x = EGO.x + 6 * k * 0.1;
      return {
        tS: k * 0.1,
        x,
        y: Math.max(-3.5, EGO.y - 0.13 * 6 * k * 0.1),
        headingRad: x < 52 ? -0.13 : 0,
        speedMps: 6,
      };
    }),
  };

  it('permits the change from the lane it starts from, with and without the plan', () => {
    // (fitted against the plan, C — which runs where the change goes, into X2 — was the start lane,
    // and it has no right neighbour)
    for (const opts of [{}, { trajectory: plan }]) {
      const v = createSafetyGate().checkCommand(change, sc, opts);
      const r = v.rules.find((x) => x.rule === 'laneChange.permitted');
      expect(r?.decision, r?.message).toBe('ALLOW');
      expect(r?.values).toMatchObject({ toLaneId: 'A2' });
    }
  });
});

describe('a change running on past the end of the lane it began on (input.range)', () => {
  // the rear axle 1 m into X, 1.2 m right of its centre, still turned right: begun on A into A2
  const sc = scene({ map, lane: 'X', s: 5, speed: 6, route: ROUTE });
  sc.snapshot.ego = { ...sc.snapshot.ego, x: 41, y: -1.2, headingRad: -0.1 };
  const range = (targetLaneId: string) =>
    createSafetyGate()
      .checkCommand(cmd({ path: 'RIGHT_CHANGE', targetLaneId, targetSpeedMps: 6 }), sc)
      .rules.find((r) => r.rule === 'input.range');

  it('takes the target it began with: the lane before the neighbour, beside the lane before this one', () => {
    expect(range('X2')?.decision).toBe('ALLOW');
    expect(range('A2')?.decision).toBe('ALLOW');
  });

  it('a lane before the neighbour that was beside no lane before this one is refused', () => {
    // C joins X2 too, but from P: no RIGHT_CHANGE the ego began leads into it
    expect(range('C')?.decision).not.toBe('ALLOW');
    expect(range('C')?.message).toMatch(/not the lane a RIGHT_CHANGE reaches/);
  });
});
