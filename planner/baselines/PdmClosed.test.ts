import { describe, expect, it } from 'vitest';
import {
  type AgentState,
  agentBox,
  boxesOverlap,
  type EgoState,
  egoBox,
  type RoadMapData,
  RoadMapSchema,
  type TrafficLightState,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { chained, straightLane, twoLanes } from '../../core/map/testFixtures.ts';
import type { PlannerContext } from '../../core/planning/Planner.ts';
import { plannerContext } from '../../core/planning/testFixtures.ts';
import { ego, car as vehicleAgent } from '../../core/testFixtures.ts';
import { type BicycleCommand, LqrTracker, stepBicycle } from '../../core/vehicle/index.ts';
import { type PdmClosed, pdmClosedPlanner } from './PdmClosed.ts';

const vehicle = VehicleParamsSchema.parse({});
const FRONT_M = vehicle.rearAxleToCenterM + vehicle.lengthM / 2; // rear axle → front bumper, 4.049 m

/** Straight two-lane road, 300 m, both lanes eastbound, 15 m/s. L0 (y = 0) is the right lane. */
const twoLaneRoad: RoadMapData = twoLanes('two-lane', 'L0', 'L1', 300, 15);

/** Approach A (0–100 m), junction lane J (100–120 m, signalised), exit B (120–300 m). */
const signalRoad: RoadMapData = RoadMapSchema.parse({
  id: 'signal',
  lanes: chained([
    straightLane('A', { x: 0, y: 0 }, { x: 100, y: 0 }, 15),
    straightLane('J', { x: 100, y: 0 }, { x: 120, y: 0 }, 15, { junctionId: 'j1' }),
    straightLane('B', { x: 120, y: 0 }, { x: 300, y: 0 }, 15),
  ]),
  junctions: [
    {
      id: 'j1',
      polygon: [
        { x: 100, y: -5 },
        { x: 120, y: -5 },
        { x: 120, y: 5 },
        { x: 100, y: 5 },
      ],
    },
  ],
});

function setup(data: RoadMapData, laneIds: string[]): PlannerContext {
  return plannerContext(new RoadMap(data), laneIds, vehicle);
}

function egoAt(x: number, speedMps: number, y = 0): EgoState {
  return ego(0, x, y, speedMps);
}

function car(id: string, x: number, y = 0, speedMps = 0, kind: AgentState['kind'] = 'vehicle'): AgentState {
  return vehicleAgent(id, x, y, speedMps, { kind });
}

function snapshot(
  ctx: PlannerContext,
  tS: number,
  ego: EgoState,
  agents: AgentState[],
  lights: TrafficLightState[] = [],
): WorldSnapshot {
  return { tS, ego: { ...ego, tS }, agents, lights, route: { laneIds: ctx.route.laneIds } };
}

interface LoopResult {
  egos: EgoState[];
  collided: boolean;
  /** Planning steps that ended in PDM's emergency brake. */
  emergencyBrakes: number;
  planner: PdmClosed;
}

/**
 * Closes the loop as nuPlan's simulator does: PDM plans at 10 Hz, the LQR tracker follows the
 * first 11 poses, the kinematic bicycle moves the ego. Agents are static (their speed is 0).
 */
function closedLoop(
  ctx: PlannerContext,
  ego0: EgoState,
  agents: AgentState[],
  seconds: number,
  lights: TrafficLightState[] = [],
): LoopResult {
  const planner = pdmClosedPlanner();
  const tracker = new LqrTracker();
  const cmd: BicycleCommand = { accelMps2: 0, steerRateRadps: 0 };
  let ego: EgoState = { ...ego0 };
  let state = planner.init(ctx, snapshot(ctx, 0, ego, agents, lights));
  const egos: EgoState[] = [ego];
  let collided = false;
  let emergencyBrakes = 0;
  const steps = Math.round(seconds / 0.1);
  for (let k = 0; k < steps; k++) {
    const tS = k * 0.1;
    const out = planner.step(state, snapshot(ctx, tS, ego, agents, lights), ctx);
    state = out.state;
    if (state.emergencyBrake) emergencyBrakes++;
    const pts = out.output.trajectory.points;
    const n = Math.min(11, pts.length);
    tracker.command(
      ego,
      pts.map((p) => p.x),
      pts.map((p) => p.y),
      pts.map((p) => p.headingRad),
      n,
      vehicle,
      cmd,
    );
    ego = stepBicycle(ego, cmd, vehicle, 0.1, { ...ego });
    egos.push(ego);
    const eb = egoBox(ego, vehicle);
    for (const a of agents) if (boxesOverlap(eb, agentBox(a))) collided = true;
  }
  return { egos, collided, emergencyBrakes, planner: state };
}

describe('PDM-Closed in closed loop', () => {
  it('accelerates towards the speed limit on a free road and keeps to the centreline', () => {
    const ctx = setup(twoLaneRoad, ['L0']);
    const run = closedLoop(ctx, egoAt(10, 5), [], 15);
    const last = run.egos[run.egos.length - 1]!;
    expect(last.speedMps).toBeGreaterThan(13.5);
    expect(Math.max(...run.egos.map((e) => e.speedMps))).toBeLessThan(15.5);
    expect(Math.max(...run.egos.map((e) => Math.abs(e.y)))).toBeLessThan(0.3);
  });

  it('stops behind a stopped car in its lane without touching it', () => {
    const ctx = setup(twoLaneRoad, ['L0']);
    const blocker = car('blocker', 80);
    const run = closedLoop(ctx, egoAt(10, 10), [blocker], 20);
    const last = run.egos[run.egos.length - 1]!;
    expect(run.collided).toBe(false);
    expect(run.emergencyBrakes).toBe(0); // IDM behind the lead does it, not the last-resort brake
    expect(last.speedMps).toBeLessThan(0.2);
    const gapM = blocker.x - blocker.lengthM / 2 - (last.x + FRONT_M);
    expect(gapM).toBeGreaterThan(0.3);
    expect(gapM).toBeLessThan(5);
  });

  it('stops before a red light on a route lane, and drives through on green', () => {
    const ctx = setup(signalRoad, ['A', 'J', 'B']);
    const red = closedLoop(ctx, egoAt(10, 10), [], 20, [{ laneId: 'J', state: 'RED' }]);
    const last = red.egos[red.egos.length - 1]!;
    expect(last.speedMps).toBeLessThan(0.2);
    expect(Math.max(...red.egos.map((e) => e.x + FRONT_M))).toBeLessThan(100);
    expect(last.x + FRONT_M).toBeGreaterThan(94);
    expect(red.emergencyBrakes).toBe(0);

    const green = closedLoop(ctx, egoAt(10, 10), [], 20, [{ laneId: 'J', state: 'GREEN' }]);
    expect(green.egos[green.egos.length - 1]!.x).toBeGreaterThan(130);
  });
});

describe('PDM-Closed speed target (batch_idm_policy.py update)', () => {
  /** One straight eastbound lane of 800 m whose 25 m/s may or may not be a posted limit. */
  const longLane = (posted: boolean): RoadMapData =>
    RoadMapSchema.parse({
      id: 'long',
      lanes: [
        straightLane('L', { x: 0, y: 0 }, { x: 800, y: 0 }, 25, posted ? {} : { speedLimitPosted: false }),
      ],
    });
  const topSpeed = (run: LoopResult) => Math.max(...run.egos.map((e) => e.speedMps));

  it('targets the 15 m/s fallback on a lane with no posted limit', () => {
    const run = closedLoop(setup(longLane(false), ['L']), egoAt(10, 10), [], 20);
    expect(topSpeed(run)).toBeGreaterThan(14.5);
    expect(topSpeed(run)).toBeLessThan(15.5);
    expect([...run.planner.targetSpeeds]).toEqual([0.2, 0.4, 0.6, 0.8, 1.0].map((f) => f * 15));
  });

  it('targets the posted limit where the lane posts one', () => {
    const run = closedLoop(setup(longLane(true), ['L']), egoAt(10, 10), [], 20);
    expect(topSpeed(run)).toBeGreaterThan(22);
    expect(run.planner.targetSpeeds[4]).toBe(25);
  });

  it("reads the limit of the lane the ego is on at each call, not the first call's lane", () => {
    // Posted 25 m/s for 400 m, then the same road with no posted limit.
    const data = RoadMapSchema.parse({
      id: 'posted-then-not',
      lanes: chained([
        straightLane('A', { x: 0, y: 0 }, { x: 400, y: 0 }, 25),
        straightLane('B', { x: 400, y: 0 }, { x: 1200, y: 0 }, 25, { speedLimitPosted: false }),
      ]),
    });
    const run = closedLoop(setup(data, ['A', 'B']), egoAt(10, 10), [], 40);
    const onA = run.egos.filter((e) => e.x < 400);
    const last = run.egos[run.egos.length - 1]!;
    expect(Math.max(...onA.map((e) => e.speedMps))).toBeGreaterThan(20);
    expect(last.x).toBeGreaterThan(600);
    expect(last.speedMps).toBeLessThan(15.5);
    expect(run.planner.targetSpeeds[4]).toBe(15);
  });

  it('drives the lane speed on an unposted lane when the fallback is off (pdm-closed-plus)', () => {
    const ctx = setup(longLane(false), ['L']);
    const planner = pdmClosedPlanner({ fallbackTargetVelocityMps: null });
    const e = egoAt(10, 10);
    const state = planner.init(ctx, snapshot(ctx, 0, e, []));
    expect(planner.step(state, snapshot(ctx, 0, e, []), ctx).state.targetSpeeds[4]).toBe(25);
  });
});

describe('PDM-Closed scorer', () => {
  function scoreOnce(ctx: PlannerContext, ego: EgoState, agents: AgentState[]): PdmClosed {
    const planner = pdmClosedPlanner();
    const state = planner.init(ctx, snapshot(ctx, 0, ego, agents));
    return planner.step(state, snapshot(ctx, 0, ego, agents), ctx).state;
  }

  it('multiplies by 0.5 for an at-fault collision with a static object and by 0 with a vehicle', () => {
    const ctx = setup(twoLaneRoad, ['L0']);
    // 6 m in front of the bumper at 10 m/s: no proposal can stop (IDM brakes at most 3 m/s²).
    const x = 10 + FRONT_M + 6 + 2.25;
    const withStatic = scoreOnce(ctx, egoAt(10, 10), [car('cone', x, 0, 0, 'static')]);
    expect([...withStatic.scorer.noCollision]).toEqual(new Array(15).fill(0.5));
    const withCar = scoreOnce(ctx, egoAt(10, 10), [car('parked', x, 0, 0, 'vehicle')]);
    expect([...withCar.scorer.noCollision]).toEqual(new Array(15).fill(0));
    expect(Math.max(...withCar.scorer.score)).toBe(0);
    const free = scoreOnce(ctx, egoAt(10, 10), []);
    expect([...free.scorer.noCollision]).toEqual(new Array(15).fill(1));
  });

  it('zeroes the drivable-area multiplier of proposals that leave the road', () => {
    const ctx = setup(twoLaneRoad, ['L0']);
    const s = scoreOnce(ctx, egoAt(10, 10), []);
    // Proposals 5–9 follow the −1 m path: on the right lane their right corners leave the road.
    for (let i = 0; i < 15; i++) expect(s.scorer.drivableArea[i]).toBe(i >= 5 && i < 10 ? 0 : 1);
    expect(s.bestIndex).toBe(4); // centreline at the full speed limit
  });
});

describe('PDM-Closed emergency brake', () => {
  it('brakes when an at-fault collision is unavoidable within 2 s at low speed', () => {
    const ctx = setup(twoLaneRoad, ['L0']);
    const planner = pdmClosedPlanner();
    const ego = egoAt(10, 4);
    const agents = [car('stopped', 10 + FRONT_M + 0.3 + 2.25)];
    const state = planner.init(ctx, snapshot(ctx, 0, ego, agents));
    const out = planner.step(state, snapshot(ctx, 0, ego, agents), ctx);
    expect(out.state.emergencyBrake).toBe(true);
    // c = 1.1·(v + clip(−10·v, −4.05, 2.4)) = 1.1·(4 − 4.05)
    const c = 1.1 * (4 - 4.05);
    const pts = out.output.trajectory.points;
    expect(pts).toHaveLength(81);
    expect(pts[80]!.x).toBeCloseTo(10 + c * 8, 9);
    expect(pts[80]!.speedMps).toBeCloseTo(c, 12);
  });

  it('does not brake above 5 m/s or when the collision is more than 2 s away', () => {
    const ctx = setup(twoLaneRoad, ['L0']);
    const planner = pdmClosedPlanner();
    const fast = egoAt(10, 8);
    const near = [car('stopped', 10 + FRONT_M + 0.3 + 2.25)];
    let state = planner.init(ctx, snapshot(ctx, 0, fast, near));
    expect(planner.step(state, snapshot(ctx, 0, fast, near), ctx).state.emergencyBrake).toBe(false);
    const slow = egoAt(10, 4);
    const far = [car('stopped', 40)];
    state = planner.init(ctx, snapshot(ctx, 0, slow, far));
    expect(planner.step(state, snapshot(ctx, 0, slow, far), ctx).state.emergencyBrake).toBe(false);
  });
});
