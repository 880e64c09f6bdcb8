import { describe, expect, it } from 'vitest';
import { RoadMapSchema, type Trajectory, VehicleParamsSchema, type WorldSnapshot } from '../../core/index.ts';
import { RoadMap, RoutePath } from '../../core/map/index.ts';
import type { PlannerContext } from '../../core/planning/Planner.ts';
import { ProposalScorer } from './ProposalScorer.ts';

const vehicle = VehicleParamsSchema.parse({});
/** One straight eastbound lane, 3 m wide (edges at y = ±1.5), 300 m. */
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'one-lane',
    lanes: [
      {
        id: 'L0',
        centerline: [
          { x: 0, y: 0 },
          { x: 300, y: 0 },
        ],
        widthM: 3,
        speedLimitMps: 15,
      },
    ],
  }),
);
const ctx: PlannerContext = { map, route: RoutePath.build(map, ['L0']), vehicle, dtS: 0.1, seed: 0 };

/** 4 s east at 5 m/s with the rear axle at lateral offset y (rear-axle poses, 0.1 s apart). */
function straight(y: number): Trajectory {
  return {
    points: Array.from({ length: 41 }, (_, i) => ({
      tS: i * 0.1,
      x: 20 + 5 * i * 0.1,
      y,
      headingRad: 0,
      speedMps: 5,
    })),
  };
}

describe('reflection scorer', () => {
  it("judges the drivable area with nuPlan's 0.3 m tolerance, not PDM's none", () => {
    const hw = vehicle.widthM / 2;
    const snap: WorldSnapshot = {
      tS: 0,
      ego: { tS: 0, x: 20, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [],
      lights: [],
      route: { laneIds: ['L0'] },
    };
    const scorer = new ProposalScorer(ctx, 3);
    // right corners 0.1 m beyond the lane edge (in no lane quad: PDM's scorer alone would say off
    // the road), 0.5 m beyond, and inside
    const [near, far, inside] = scorer.score(
      snap,
      vehicle,
      [straight(-1.5 + hw - 0.1), straight(-1.5 + hw - 0.5), straight(0)],
      [false, false, false],
    );
    expect(inside!.drivableArea).toBe(1);
    expect(near!.drivableArea).toBe(1);
    expect(near!.score).toBeGreaterThan(0);
    expect(far!.drivableArea).toBe(0);
    expect(far!.score).toBe(0);
  });
});

describe('reflection scorer: driving direction as the run judges it', () => {
  // the route's lane R (east along y = 0) and, beside it but not its declared neighbour, lane S
  // (east along y = 4) and lane W (west along y = −4): travel in S is off the route but with its
  // lane; travel in W is against it
  const threeLanes = new RoadMap(
    RoadMapSchema.parse({
      id: 'three-lanes',
      lanes: [
        {
          id: 'R',
          centerline: [
            { x: 0, y: 0 },
            { x: 300, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: 15,
        },
        {
          id: 'S',
          centerline: [
            { x: 0, y: 4 },
            { x: 300, y: 4 },
          ],
          widthM: 3.5,
          speedLimitMps: 15,
        },
        {
          id: 'W',
          centerline: [
            { x: 300, y: -4 },
            { x: 0, y: -4 },
          ],
          widthM: 3.5,
          speedLimitMps: 15,
        },
      ],
    }),
  );
  const c3: PlannerContext = {
    map: threeLanes,
    route: RoutePath.build(threeLanes, ['R']),
    vehicle,
    dtS: 0.1,
    seed: 0,
  };
  const snapAt = (y: number): WorldSnapshot => ({
    tS: 0,
    ego: { tS: 0, x: 20, y, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents: [],
    lights: [],
    route: { laneIds: ['R'] },
  });

  it('travel with a lane beside the route is not driving against traffic', () => {
    const scorer = new ProposalScorer(c3, 1);
    const [inS] = scorer.score(snapAt(4), vehicle, [straight(4)], [false]);
    expect(inS!.drivingDirection).toBe(1);
    expect(inS!.score).toBeGreaterThan(0);
  });

  it('travel against the lane it is in still is', () => {
    const scorer = new ProposalScorer(c3, 1);
    const [inW] = scorer.score(snapAt(-4), vehicle, [straight(-4)], [false]);
    expect(inW!.drivingDirection).toBe(0);
    expect(inW!.score).toBe(0);
  });
});
