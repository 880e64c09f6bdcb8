/**
 * What a goal pose means (acceptance review ux20 #1, #6): its position is the goal, its heading the
 * orientation wanted there. The goal's lane by position (heading breaks ties among reachable
 * lanes), the stop along the route, a goal behind a robot that turns on the spot, and the driver's
 * turn, operator holds and watchdog notices.
 */
import { describe, expect, it } from 'vitest';
import {
  type Control,
  type EgoState,
  type RoadMapData,
  RoadMapSchema,
  type VehicleParams,
  VehicleParamsSchema,
  WallClock,
} from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import type { CommandPlanner } from '../core/planning/index.ts';
import type { Stack } from '../stack/Stack.ts';
import { LiveDriver, type MissionEvent } from './LiveDriver.ts';
import { LiveSource } from './LiveSource.ts';
import { planGoalRoute, plannerContextFor, routeToGoal, withGoalStop } from './Mission.ts';
import { ROBOT_VEHICLE } from './ros/RosConfig.ts';

/** A two-way road: R runs +x at y = 0, L runs −x at y = 3.5 (opposite neighbours), 100 m. */
const TWO_WAY: RoadMapData = RoadMapSchema.parse({
  id: 'two-way',
  lanes: [
    {
      id: 'R',
      centerline: [
        { x: 0, y: 0 },
        { x: 100, y: 0 },
      ],
      widthM: 3.5,
      speedLimitMps: 10,
      left: { laneId: 'L', changeAllowed: false, opposite: true },
    },
    {
      id: 'L',
      centerline: [
        { x: 100, y: 3.5 },
        { x: 0, y: 3.5 },
      ],
      widthM: 3.5,
      speedLimitMps: 10,
      left: { laneId: 'R', changeAllowed: false, opposite: true },
    },
  ],
});

/** A one-way aisle, +x. */
const ONE_WAY: RoadMapData = RoadMapSchema.parse({
  id: 'one-way',
  lanes: [
    {
      id: 'A1',
      type: 'aisle',
      centerline: [
        { x: 0, y: 0 },
        { x: 60, y: 0 },
      ],
      widthM: 3,
      speedLimitMps: 1.5,
    },
  ],
});

const ROBOT: VehicleParams = VehicleParamsSchema.parse(ROBOT_VEHICLE);

const egoAt = (x: number, y: number, headingRad = 0, speedMps = 0): EgoState => ({
  tS: 0,
  x,
  y,
  headingRad,
  speedMps,
  yawRateRadps: 0,
  accelMps2: 0,
  steerRad: 0,
});

describe('the goal lane: by position, heading as a tie-break', () => {
  const map = new RoadMap(TWO_WAY);

  it('routes a goal in the ego’s own lane whose heading points backwards to that lane (not the oncoming one)', () => {
    // the review's case: robot on lane −1 at x = 20, goal 10 m ahead in the same lane, heading π
    const r = routeToGoal(map, egoAt(20, 0), { x: 30, y: 0, headingRad: Math.PI });
    expect(r.ok && r.value.laneIds).toEqual(['R']);
    // and sideways (RViz's arrow across the road)
    const s = routeToGoal(map, egoAt(20, 0), { x: 30, y: 0.5, headingRad: Math.PI / 2 });
    expect(s.ok && s.value.laneIds).toEqual(['R']);
  });

  it('a goal in the oncoming lane: a car is told it would have to turn round, a robot turns on the spot', () => {
    const goal = { x: 10, y: 3.5, headingRad: Math.PI };
    const car = planGoalRoute(map, egoAt(30, 0), goal);
    expect(car.ok).toBe(false);
    if (!car.ok) expect(car.error.message).toMatch(/does not turn on the spot \(vehicle\.turnInPlace\)/);
    const robot = planGoalRoute(map, egoAt(30, 0), goal, { turnInPlace: true });
    expect(robot.ok).toBe(true);
    if (robot.ok) {
      expect(robot.value.route.laneIds).toEqual(['L']);
      expect(Math.abs(Math.cos(robot.value.turnToRad ?? 0) + 1)).toBeLessThan(1e-9); // turn to π
    }
    // ahead, the way it faces: no turn, even for a robot that could
    const ahead = planGoalRoute(
      map,
      egoAt(30, 0),
      { x: 60, y: 0, headingRad: Math.PI },
      { turnInPlace: true },
    );
    expect(ahead.ok && ahead.value.turnToRad).toBeUndefined();
  });

  it('a goal behind on a one-way lane fails saying why (one way, no lane back, no loops)', () => {
    const aisle = new RoadMap(ONE_WAY);
    for (const turnInPlace of [false, true]) {
      const r = planGoalRoute(aisle, egoAt(25, 0), { x: 10, y: 0, headingRad: 0 }, { turnInPlace });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.message).toContain('15.0 m behind the ego on its lane A1');
        expect(r.error.message).toContain('runs one way');
        if (turnInPlace)
          expect(r.error.message).toContain('turning on the spot would leave the robot facing against');
      }
    }
    // on the two-way road, a goal behind in the ego's own lane: the lane back is beside it
    const r = planGoalRoute(map, egoAt(50, 0), { x: 30, y: 0, headingRad: 0 }, { turnInPlace: true });
    expect(!r.ok && r.error.message).toContain('set the goal on the other lane');
  });
});

describe('the goal stop lies along the route, whatever the goal’s heading', () => {
  const map = new RoadMap(ONE_WAY);
  const cruise: CommandPlanner<null> = {
    name: 'cruise',
    init: () => null,
    plan: (_s, req) => ({
      state: null,
      output: {
        command: {
          speed: 'KEEP',
          path: 'FOLLOW_LANE',
          targetSpeedMps: 1.5,
          issuedAtS: req.snapshot.tS,
          source: 'planner',
        } as never,
      },
    }),
  };
  for (const headingRad of [0, Math.PI, Math.PI / 2, -Math.PI / 2]) {
    it(`goal heading ${headingRad.toFixed(2)} rad: stopAt beyond the goal along the aisle (+x), on its line`, () => {
      const goal = { x: 35, y: 0, headingRad };
      const start = egoAt(33.46, 0);
      const route = routeToGoal(map, start, goal);
      if (!route.ok) throw new Error(route.error.message);
      const ctx = plannerContextFor(map, route.value, start, ROBOT);
      const r = withGoalStop(cruise, goal).plan(
        null,
        { snapshot: { tS: 0, ego: start, agents: [], lights: [], route: route.value } } as never,
        ctx,
      );
      if (r instanceof Promise) throw new Error('sync');
      const c = r.output.command;
      expect(c.speed).toBe('STOP');
      // front bumper (0.45 m) + the executor's margin (0.3 m) beyond the goal, along +x: the review
      // had 34.25 (0.75 m short) for heading π, and a point 0.75 m to the side for π/2
      expect(c.stopAt!.x).toBeCloseTo(35.75, 6);
      expect(c.stopAt!.y).toBeCloseTo(0, 6);
    });
  }
});

/** A stack that drives at 1 m/s whenever it is ticked (what holds the vehicle must be the driver). */
const driving = (): Stack => ({
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
  tick: () => ({ control: { kind: 'unicycle', vMps: 1, omegaRadps: 0 } }) as never,
  async settle() {},
});

function rig(map: RoadMap, vehicle: VehicleParams) {
  const clock = new WallClock();
  const source = new LiveSource(clock);
  const events: MissionEvent[] = [];
  const notices: string[] = [];
  const sent: { control: Control; fromInput: boolean }[] = [];
  const driver = new LiveDriver({
    source,
    output: { sendControl: (control, fromInput) => sent.push({ control, fromInput }), sendDecision() {} },
    clock,
    map,
    vehicle,
    makeStack: driving,
    staleAfterS: 0.3,
    watchdogDecelMps2: 3,
    goalToleranceM: 1,
    controlHz: 50,
    onMission: (e) => events.push(e),
    onNotice: (l) => notices.push(l),
  });
  let pose = egoAt(0, 0);
  const feed = (p: Partial<EgoState>) => {
    pose = { ...pose, ...p };
    source.setEgo(pose);
  };
  /** Feeds the pose every 10 ms until `pred` holds. */
  const until = async (pred: () => boolean, what: string, step?: () => void) => {
    for (let i = 0; i < 300 && !pred(); i++) {
      step ? step() : feed({});
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!pred()) throw new Error(`no ${what}: ${JSON.stringify({ events, notices })}`);
  };
  return { clock, source, events, notices, sent, driver, feed, until, pose: () => pose };
}

describe('LiveDriver: turning on the spot, operator holds, watchdog notices', () => {
  it('turns a robot round on the spot for a goal on the lane behind it, then drives; waits while an object is within the turn', async () => {
    const r = rig(new RoadMap(TWO_WAY), ROBOT);
    try {
      r.feed({ x: 30, y: 1.2, headingRad: 0 });
      // a person 0.6 m away: the turn waits (zero velocity), said once
      r.source.setAgents([
        {
          id: 'p',
          kind: 'pedestrian',
          x: 30.9,
          y: 1.2,
          headingRad: 0,
          speedMps: 0,
          lengthM: 0.5,
          widthM: 0.5,
        },
      ]);
      r.driver.setGoal({ x: 10, y: 3.5, headingRad: Math.PI }, 'back');
      await r.until(() => r.events.some((e) => e.state === 'ACTIVE'), 'ACTIVE');
      expect(r.driver.turningTo).toBeDefined();
      await r.until(() => r.notices.some((n) => n.includes('the turn on the spot waits')), 'the wait');
      const waited = r.sent.length;
      await r.until(() => r.sent.length > waited + 3, 'controls');
      expect(
        r.sent.slice(waited).every((s) => s.control.kind === 'unicycle' && s.control.omegaRadps === 0),
      ).toBe(true);
      expect(r.source.currentRoute).toBeUndefined();
      // the person goes: the robot turns (v 0, yaw rate toward π), the stack not yet ticked
      r.source.setAgents([]);
      await r.until(
        () => r.sent.some((s) => s.control.kind === 'unicycle' && s.control.omegaRadps > 0),
        'a turn control',
      );
      const turn = r.sent.find((s) => s.control.kind === 'unicycle' && s.control.omegaRadps > 0)!.control;
      expect(turn).toEqual({ kind: 'unicycle', vMps: 0, omegaRadps: ROBOT.maxYawRateRadps });
      expect(r.source.currentRoute).toBeUndefined();
      // the robot comes round: the route is given to the stack, which drives
      let h = 0;
      await r.until(
        () => r.source.currentRoute !== undefined,
        'the route after the turn',
        () => r.feed({ headingRad: (h = Math.min(Math.PI, h + 0.1)) }),
      );
      await r.until(
        () => r.sent.some((s) => s.control.kind === 'unicycle' && s.control.vMps === 1),
        'a stack control',
      );
      expect(r.notices.some((n) => n.includes('turned round'))).toBe(true);
    } finally {
      await r.driver.stop();
    }
  });

  it('fails a goal farther beside the lane centreline than the tolerance at once, saying why (it would stop beside it, ACTIVE)', async () => {
    const r = rig(new RoadMap(ONE_WAY), ROBOT);
    try {
      r.feed({ x: 5, y: 0 });
      r.driver.setGoal({ x: 20, y: 1.4, headingRad: 0 }, 'side');
      await r.until(() => r.events.length > 0, 'the end');
      expect(r.events[0]!.state).toBe('FAILED');
      expect(r.events[0]!.message).toBe(
        'the goal lies 1.40 m beside the centreline of lane A1, more than the goal tolerance 1 m: the vehicle follows the lane and would stop beside it',
      );
    } finally {
      await r.driver.stop();
    }
  });

  it('an e-stop holds the vehicle (latched: a new goal does not release it), its release lets the mission drive on', async () => {
    const r = rig(new RoadMap(ONE_WAY), ROBOT);
    try {
      r.feed({ x: 5, y: 0 });
      r.driver.setGoal({ x: 40, y: 0, headingRad: 0 }, 'm1');
      await r.until(() => r.sent.some((s) => s.fromInput), 'a stack control');
      r.driver.setHold('estop', true);
      expect(r.source.currentRoute).toBeUndefined();
      r.driver.setGoal({ x: 45, y: 0, headingRad: 0 }, 'm2'); // replaces m1, still held
      await r.until(() => r.events.some((e) => e.id === 'm2' && e.state === 'ACTIVE'), 'm2 ACTIVE');
      const held = r.sent.length;
      await r.until(() => r.sent.length > held + 5, 'controls while held');
      expect(
        r.sent
          .slice(held)
          .every((s) => !s.fromInput && s.control.kind === 'unicycle' && s.control.vMps === 0),
      ).toBe(true);
      expect(r.driver.heldBy).toEqual(['estop']);
      expect(r.driver.inputState(Number.NEGATIVE_INFINITY)).toBe('ok');
      r.driver.setHold('estop', false);
      const released = r.sent.length;
      await r.until(() => r.sent.slice(released).some((s) => s.fromInput), 'driving on');
      expect(r.driver.activeMission?.id).toBe('m2');
      expect(r.notices.filter((n) => n.startsWith('e-stop'))).toEqual([
        'e-stop ENGAGED: the vehicle is held (mission m1 paused) until the e-stop is released',
        'e-stop released: mission m2 drives on',
      ]);
    } finally {
      await r.driver.stop();
    }
  });

  it('says once when the watchdog takes a mission’s vehicle over (stale pose) and once when it lets go; input says stale', async () => {
    const r = rig(new RoadMap(ONE_WAY), ROBOT);
    try {
      r.feed({ x: 5, y: 0 });
      r.driver.setGoal({ x: 40, y: 0, headingRad: 0 }, 'm');
      await r.until(() => r.sent.some((s) => s.fromInput), 'a stack control');
      // the odometry pauses: the watchdog takes over (judged from here: under load a late pose may
      // have had it act before)
      const paused = r.notices.length;
      const takeovers = r.driver.counts.takeovers;
      await new Promise((res) => setTimeout(res, 700));
      expect(r.driver.inputState(r.clock.nowS())).toBe('stale');
      expect(r.driver.lastStep?.watchdog).toBe('stale');
      expect(r.driver.takenOver).toMatch(/^odometry stale/);
      expect(r.notices.slice(paused).filter((n) => n.startsWith('watchdog'))).toHaveLength(1);
      expect(r.driver.counts.takeovers).toBe(takeovers + 1);
      await r.until(() => r.driver.takenOver === undefined, 'the release');
      const said = r.notices.slice(paused).filter((n) => n.startsWith('watchdog'));
      expect(said[0]).toMatch(/^watchdog: took the vehicle over \(odometry stale/);
      expect(said[1]).toMatch(/^watchdog: released after [\d.]+ s \(fresh input\): mission m drives on$/);
      expect(said).toHaveLength(2);
    } finally {
      await r.driver.stop();
    }
  });

  it('holds the vehicle on a localisation jump, says so, and drives on when the pose is back on its track', async () => {
    const r = rig(new RoadMap(ONE_WAY), ROBOT);
    try {
      r.feed({ x: 54.9, y: 0 });
      r.driver.setGoal({ x: 58, y: 0, headingRad: 0 }, 'm');
      await r.until(() => r.sent.some((s) => s.fromInput), 'a stack control');
      // the review's jump: 25 m back in one message, top speed 2 m/s
      r.feed({ x: 30 });
      expect(r.source.missing).toBe('pose-jump');
      expect(r.driver.inputState(r.clock.nowS())).toBe('pose-jump');
      expect(r.source.jumpCount).toBe(1);
      expect(r.notices.find((n) => n.startsWith('localisation jump'))).toMatch(
        /^localisation jump: the pose moved 24\.90 m in [\d.]+ s \(at most [\d.]+ m at 2 m\/s\)/,
      );
      const held = r.sent.length;
      await r.until(
        () => r.sent.length > held + 3,
        'controls while held',
        () => r.feed({}),
      );
      expect(r.sent.slice(held).every((s) => !s.fromInput)).toBe(true);
      // the next pose is back near 54.9: the jump was an outlier
      r.feed({ x: 54.95 });
      expect(r.source.missing).toBeUndefined();
      expect(r.notices.some((n) => n.includes('back on its track'))).toBe(true);
      await r.until(() => r.driver.takenOver === undefined, 'the release');
      const drove = r.sent.length;
      await r.until(() => r.sent.slice(drove).some((s) => s.fromInput), 'driving on');
    } finally {
      await r.driver.stop();
    }
  });
});
