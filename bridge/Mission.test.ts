import { describe, expect, it } from 'vitest';
import {
  type Control,
  type EgoState,
  type RoadMapData,
  RoadMapSchema,
  ScenarioSchema,
  type VehicleParams,
  VehicleParamsSchema,
  WallClock,
} from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import type { CommandPlanner } from '../core/planning/index.ts';
import { createDriver } from '../stack/registry.ts';
import { runStackScenario } from '../stack/runInSim.ts';
import type { Stack } from '../stack/Stack.ts';
import { LiveDriver, type MissionEvent } from './LiveDriver.ts';
import { LiveSource } from './LiveSource.ts';
import {
  approachCapMps,
  goalArrival,
  liveScenario,
  plannerContextFor,
  routeToGoal,
  withGoalStop,
} from './Mission.ts';

const AISLE: RoadMapData = RoadMapSchema.parse({
  id: 'aisle',
  lanes: [
    {
      id: 'A',
      type: 'aisle',
      centerline: Array.from({ length: 51 }, (_, i) => ({ x: i * 2, y: 0 })),
      widthM: 3,
      speedLimitMps: 2,
    },
  ],
});

const ego = (x: number, speedMps: number): EgoState => ({
  tS: 0,
  x,
  y: 0.1,
  headingRad: 0,
  speedMps,
  yawRateRadps: 0,
  accelMps2: 0,
  steerRad: 0,
});

const ROBOT = {
  kind: 'robot',
  lengthM: 0.9,
  widthM: 0.6,
  wheelBaseM: 0.5,
  rearAxleToCenterM: 0.25,
  maxSpeedMps: 2,
  maxAccelMps2: 1.5,
  maxDecelMps2: 2,
  maxSteerRad: 0.6,
  maxYawRateRadps: 1.5,
} as never;

const at = (x: number, speedMps: number, y = 0.1): EgoState => ({ ...ego(x, speedMps), y });

describe('goalArrival', () => {
  const map = new RoadMap(AISLE);
  const goal = { x: 12, y: 0, headingRad: 0 };
  const start = ego(2, 0);
  const route = routeToGoal(map, start, goal);
  if (!route.ok) throw new Error(route.error.message);
  const line = plannerContextFor(map, route.value, start, ROBOT).route.line;
  const quiet = { toleranceM: 1, latencyS: 0.06, holdDecelMps2: 2 };
  const loaded = { ...quiet, latencyS: 0.42 };

  it('is reached standing within the tolerance, ahead while short of it or driving toward it with room to stop', () => {
    expect(goalArrival(ego(5, 2), goal, line, quiet, false).state).toBe('ahead');
    expect(goalArrival(ego(11.4, 0.1), goal, line, quiet, false).state).toBe('reached');
    expect(goalArrival(ego(12.8, 0.05), goal, line, quiet, false).state).toBe('reached');
    // 0.7 m short at 0.6 m/s: a stop after 0.06 s lands 0.57 m short of it
    const g = goalArrival(ego(11.3, 0.6), goal, line, quiet, false);
    expect(g.state).toBe('ahead');
    expect(g.landingM).toBeCloseTo(0.7 - 0.6 * 0.06 - 0.09, 6);
  });

  it('holds the vehicle once a stop begun now, after the measured latency, lands at the goal (a load of 15: the robot came in at 1.1 m/s and crept 0.9 m past)', () => {
    // the readings of the tf robot at load 15: 0.7 m short at 1.13 m/s, steps up to 0.3 s late
    expect(goalArrival(ego(11.3, 1.13), goal, line, quiet, false).state).toBe('ahead');
    const g = goalArrival(ego(11.3, 1.13), goal, line, loaded, false);
    expect(g.state).toBe('arriving');
    expect(g.landingM).toBeLessThan(0);
    // in the disc at 1.5 m/s on a quiet machine: its own stop would carry it 0.65 m on
    expect(goalArrival(ego(11.6, 1.5), goal, line, quiet, false).state).toBe('arriving');
    // held: still arriving while it moves, whatever the prediction
    expect(goalArrival(ego(11.0, 0.5), goal, line, quiet, true).state).toBe('arriving');
  });

  it('ends a hold standing: reached in the disc, passed standing beyond or beside it outside, ahead short of it (drive on)', () => {
    expect(goalArrival(ego(11.6, 0.05), goal, line, loaded, true).state).toBe('reached');
    expect(goalArrival(ego(10.5, 0), goal, line, loaded, true).state).toBe('ahead');
    // beside the goal, 1.2 m off the lane's line: not within the tolerance, and not ahead of it
    expect(goalArrival(at(12.1, 0, 1.2), goal, line, loaded, true).state).toBe('passed');
    expect(goalArrival(ego(13.2, 0), goal, line, loaded, true).state).toBe('passed');
  });

  it('sees a goal passed, also one passed between two readings without ever being within tolerance', () => {
    const through = goalArrival(ego(13.2, 1.2), goal, line, quiet, false);
    expect(through.state).toBe('passed');
    expect(through.alongM).toBeCloseTo(-1.2, 6);
    expect(goalArrival(ego(13.3, 2), goal, line, quiet, true).state).toBe('passed');
    expect(goalArrival(ego(29.3, 0.04), goal, line, quiet, false).state).toBe('passed');
  });
});

describe('approachCapMps', () => {
  it("is the speed from which the latency and the hold's braking just fit the tolerance, lower as the latency grows", () => {
    expect(approachCapMps(1, 0, 2)).toBeCloseTo(2, 9);
    for (const L of [0.05, 0.42, 1, 2]) {
      const v = approachCapMps(1, L, 2);
      expect(v * L + (v * v) / 4).toBeCloseTo(1, 9);
    }
    expect(approachCapMps(1, 1, 2)).toBeLessThan(approachCapMps(1, 0.42, 2));
  });
});

describe('withGoalStop', () => {
  const map = new RoadMap(AISLE);
  const goal = { x: 30, y: 0, headingRad: 0 };
  const start = ego(2, 0);
  const route = routeToGoal(map, start, goal);
  if (!route.ok) throw new Error(route.error.message);
  const ctx = plannerContextFor(map, route.value, start, ROBOT);
  // an inner planner that cruises at 2 m/s whatever comes
  const cruise: CommandPlanner<null> = {
    name: 'cruise',
    init: () => null,
    plan: (_s, req) => ({
      state: null,
      output: {
        command: {
          speed: 'KEEP',
          path: 'FOLLOW_LANE',
          targetSpeedMps: 2,
          issuedAtS: req.snapshot.tS,
          source: 'planner',
        } as never,
      },
    }),
  };
  const plan = (p: CommandPlanner<null>, x: number, v: number) => {
    const r = p.plan(
      null,
      { snapshot: { tS: 0, ego: ego(x, v), agents: [], lights: [], route: route.value } } as never,
      ctx,
    );
    if (r instanceof Promise) throw new Error('sync');
    return r.output.command;
  };

  it('slows the approach to what the hold can stop from within the tolerance after the measured latency', () => {
    let latencyS = 1;
    const capped = withGoalStop(cruise, goal, undefined, {
      toleranceM: 1,
      holdDecelMps2: 2,
      latencyS: () => latencyS,
    });
    const cap = approachCapMps(1, 1, 2);
    // far from the goal: the inner command
    expect(plan(capped, 10, 2).speed).toBe('KEEP');
    expect(plan(capped, 10, 2).targetSpeedMps).toBe(2);
    // 5 m before it at 2 m/s, 1 s latency: down to the cap
    const c = plan(capped, 25, 2);
    expect(c.speed).toBe('DECELERATE');
    expect(c.targetSpeedMps).toBeCloseTo(cap, 9);
    // there at the cap: kept at it
    expect(plan(capped, 25.5, cap).speed).toBe('KEEP');
    expect(plan(capped, 25.5, cap).targetSpeedMps).toBeCloseTo(cap, 9);
    // a quiet machine (0.05 s): the cap is above the cruise, the inner command stands
    latencyS = 0.05;
    expect(plan(capped, 25, 2).speed).toBe('KEEP');
    expect(plan(capped, 25, 2).targetSpeedMps).toBe(2);
    // without a budget nothing changes before the stop
    expect(plan(withGoalStop(cruise, goal), 25, 2).speed).toBe('KEEP');
    // the stop at the goal comes as before
    expect(plan(capped, 28.5, 1).speed).toBe('STOP');
  });
});

describe('withGoalStop closed loop (the stack in the simulator)', () => {
  /**
   * Drives pdm-closed-stack (the bridges' default) from x = 5 to a goal on a straight lane and
   * returns where its pose (the rear axle, base_link) comes to rest, x (m), and its final speed.
   */
  const driveTo = async (vehicle: VehicleParams, data: RoadMapData, goalX: number, goalHeadingRad = 0) => {
    const map = new RoadMap(data);
    const start = { x: 5, y: 0, headingRad: 0 };
    const goal = { x: goalX, y: 0, headingRad: goalHeadingRad };
    const route = routeToGoal(map, start, goal);
    if (!route.ok) throw new Error(route.error.message);
    const d = createDriver('pdm-closed-stack');
    if (!d.ok || d.value.kind !== 'stack') throw new Error('no stack');
    const scenario = ScenarioSchema.parse({
      ...liveScenario(map.id, vehicle, start, route.value),
      durationS: 40,
    });
    const stack = d.value.build(scenario, map, { wrap: (p) => withGoalStop(p, goal) });
    const log = await runStackScenario(scenario, map, stack, { mode: 'nonreactive', nowMs: () => 0 });
    const end = log.ticks[log.ticks.length - 1]!.ego;
    return { x: end.x, speedMps: end.speedMps };
  };

  // the executor keeps 0.3 m short of a stop point and crept on below 0.05 m/s: goals were reached
  // 0.3–0.4 m short (ROS, MQTT, VDA 5050; acceptance review ux19 #6), in the simulator the robot then
  // crept on past the goal at 0.036 m/s
  it('brings a robot to rest on its goal, within 5 cm', async () => {
    for (const goalX of [20, 45]) {
      const end = await driveTo(VehicleParamsSchema.parse(ROBOT), AISLE, goalX);
      expect(end.speedMps).toBe(0);
      expect(Math.abs(end.x - goalX), `goal ${goalX}: rest at ${end.x}`).toBeLessThan(0.05);
    }
  }, 120_000);

  // the goal's heading is its orientation there, not the way to it: a goal facing back (RViz's
  // arrow dragged the other way) or sideways is stood on as one facing along (ux20 #1: the stop
  // point lay along the goal's heading, 0.75 m before the goal, and the robot stood 1.5 m short)
  it('brings a robot to rest on a goal that faces back or sideways, within 5 cm', async () => {
    for (const h of [Math.PI, Math.PI / 2]) {
      const end = await driveTo(VehicleParamsSchema.parse(ROBOT), AISLE, 35, h);
      expect(end.speedMps).toBe(0);
      expect(Math.abs(end.x - 35), `heading ${h}: rest at ${end.x}`).toBeLessThan(0.05);
    }
  }, 120_000);

  it('brings a car to rest on its goal (rear axle), within 5 cm', async () => {
    const road = RoadMapSchema.parse({
      id: 'road',
      lanes: [{ ...AISLE.lanes[0]!, id: 'L', type: 'driving', widthM: 3.5, speedLimitMps: 10 }],
    });
    const end = await driveTo(VehicleParamsSchema.parse({}), road, 60);
    expect(end.speedMps).toBe(0);
    expect(Math.abs(end.x - 60), `rest at ${end.x}`).toBeLessThan(0.05);
  }, 120_000);
});

describe('LiveSource', () => {
  it('dates a pose taken in late (a backlog) back by its lag, so the watchdog sees its age', () => {
    let now = 50;
    const s = new LiveSource({ nowS: () => now });
    s.setRoute({ laneIds: ['A'] });
    s.setEgo({ x: 1, y: 0, headingRad: 0, speedMps: 1, yawRateRadps: 0, accelMps2: 0, steerRad: 0 }, 7, 0);
    expect(s.latest()!.tS).toBe(50);
    now = 50.05;
    s.setEgo(
      { x: 1.05, y: 0, headingRad: 0, speedMps: 1, yawRateRadps: 0, accelMps2: 0, steerRad: 0 },
      7.05,
      1.2,
    );
    expect(s.latest()!.tS).toBeCloseTo(48.85, 9);
  });
});

describe('LiveDriver', () => {
  it('ends a mission whose goal the vehicle passed (FAILED, route dropped: the watchdog holds it)', async () => {
    const map = new RoadMap(AISLE);
    const source = new LiveSource(new WallClock());
    const events: MissionEvent[] = [];
    const sent: { control: Control; fromInput: boolean }[] = [];
    const stack = (): Stack => ({
      name: 'fake',
      rates: {
        planHz: 10,
        controlHz: 50,
        planLatencyS: 0,
        commandLifetimeS: 1,
        expiryDecelMps2: 2,
        maxReplans: 1,
      },
      stats: {} as Stack['stats'],
      planning: false,
      init() {},
      // always drives on at 2 m/s: what stops the vehicle must be the mission logic
      tick: () => ({ control: { kind: 'unicycle', vMps: 2, omegaRadps: 0 } }) as never,
      async settle() {},
    });
    const driver = new LiveDriver({
      source,
      output: { sendControl: (control, fromInput) => sent.push({ control, fromInput }), sendDecision() {} },
      clock: new WallClock(),
      map,
      vehicle: { kind: 'robot' } as never,
      makeStack: stack,
      staleAfterS: 5,
      watchdogDecelMps2: 3,
      goalToleranceM: 1,
      controlHz: 50,
      onMission: (e) => events.push(e),
      // the readings teleport the vehicle (what is judged is the goal logic): no jump check
      poseJump: { maxSpeedMps: 2, marginM: Number.POSITIVE_INFINITY },
    });
    const pose = (x: number) => ({
      x,
      y: 0,
      headingRad: 0,
      speedMps: 2,
      yawRateRadps: 0,
      accelMps2: 0,
      steerRad: 0,
    });
    const until = async (pred: () => boolean, what: string) => {
      for (let i = 0; i < 500 && !pred(); i++) {
        source.setEgo(pose(source.currentEgo!.x));
        await new Promise((r) => setTimeout(r, 10));
      }
      if (!pred()) throw new Error(`no ${what}: ${JSON.stringify(events)}`);
    };
    try {
      source.setEgo(pose(2));
      driver.setGoal({ x: 12, y: 0, headingRad: 0 }, 'g');
      await until(() => events.some((e) => e.state === 'ACTIVE'), 'ACTIVE');
      // two readings: 1.2 m short of the goal at 2 m/s, then 1.3 m beyond it (never within 1 m)
      source.setEgo(pose(10.8));
      await until(() => sent.some((s) => s.fromInput), 'stack control');
      source.setEgo(pose(13.3));
      await until(() => events.length >= 2, 'end of the mission');
      expect(events.map((e) => e.state)).toEqual(['ACTIVE', 'FAILED']);
      expect(events[1]!.message).toContain('passed the goal');
      expect(source.currentRoute).toBeUndefined();
      // from then on only the watchdog's zero velocity goes out, however fresh the pose
      const after = sent.length;
      await until(() => sent.length > after + 3, 'more controls');
      expect(
        sent
          .slice(after + 1)
          .every((s) => !s.fromInput && s.control.kind === 'unicycle' && s.control.vMps === 0),
      ).toBe(true);
    } finally {
      await driver.stop();
    }
  });
});

describe('LiveDriver goal hold', () => {
  it('holds the vehicle once a stop lands at the goal, drives on if it stands short of the disc, and reports REACHED standing in it', async () => {
    const map = new RoadMap(AISLE);
    const source = new LiveSource(new WallClock());
    const events: MissionEvent[] = [];
    const sent: { control: Control; fromInput: boolean }[] = [];
    const stack = (): Stack => ({
      name: 'fake',
      rates: {
        planHz: 10,
        controlHz: 50,
        planLatencyS: 0,
        commandLifetimeS: 1,
        expiryDecelMps2: 2,
        maxReplans: 1,
      },
      stats: {} as Stack['stats'],
      planning: false,
      init() {},
      // always drives on at 2 m/s: what stops the vehicle at the goal must be the mission
      tick: () => ({ control: { kind: 'unicycle', vMps: 2, omegaRadps: 0 } }) as never,
      async settle() {},
    });
    const driver = new LiveDriver({
      source,
      output: { sendControl: (control, fromInput) => sent.push({ control, fromInput }), sendDecision() {} },
      clock: new WallClock(),
      map,
      vehicle: { kind: 'robot', maxDecelMps2: 2 } as never,
      makeStack: stack,
      staleAfterS: 5,
      watchdogDecelMps2: 3,
      goalToleranceM: 1,
      controlHz: 50,
      onMission: (e) => events.push(e),
      // the readings teleport the vehicle (what is judged is the goal logic): no jump check
      poseJump: { maxSpeedMps: 2, marginM: Number.POSITIVE_INFINITY },
    });
    const pose = (x: number, speedMps: number) => ({
      x,
      y: 0,
      headingRad: 0,
      speedMps,
      yawRateRadps: 0,
      accelMps2: 0,
      steerRad: 0,
    });
    // feeds the pose every 10 ms until `pred` holds
    const until = async (x: number, v: number, pred: () => boolean, what: string) => {
      for (let i = 0; i < 500 && !pred(); i++) {
        source.setEgo(pose(x, v));
        await new Promise((r) => setTimeout(r, 10));
      }
      if (!pred()) throw new Error(`no ${what}: ${JSON.stringify(events)}`);
    };
    const fromStack = () => sent.filter((s) => s.fromInput).length;
    try {
      source.setEgo(pose(2, 0));
      driver.setGoal({ x: 12, y: 0, headingRad: 0 }, 'g');
      await until(2, 0, () => events.some((e) => e.state === 'ACTIVE'), 'ACTIVE');
      await until(5, 2, () => fromStack() > 0, 'stack control');
      // 1.5 m short at 3 m/s: a stop at 2 m/s² takes 2.25 m: held at once, though outside the disc
      await until(10.5, 3, () => driver.arriving, 'the hold');
      expect(source.currentRoute).toBeUndefined();
      const held = sent.length;
      const stackSteps = fromStack();
      await until(10.6, 1, () => sent.length > held + 3, 'controls while held');
      expect(
        sent
          .slice(held + 1)
          .every((s) => !s.fromInput && s.control.kind === 'unicycle' && s.control.vMps === 0),
      ).toBe(true);
      expect(fromStack()).toBe(stackSteps);
      // it stood 1.4 m short: outside the disc, the mission drives on
      await until(10.6, 0, () => !driver.arriving, 'the mission to drive on');
      expect(source.currentRoute).toBeDefined();
      await until(10.8, 0.5, () => fromStack() > stackSteps, 'stack control again');
      // 0.2 m short at 1.2 m/s: held again, and standing in the disc it is reached
      await until(11.8, 1.2, () => driver.arriving, 'the second hold');
      await until(12.3, 0.05, () => events.length >= 2, 'the end of the mission');
      expect(events.map((e) => e.state)).toEqual(['ACTIVE', 'REACHED']);
      expect(driver.activeMission).toBeUndefined();
    } finally {
      await driver.stop();
    }
  });
});
