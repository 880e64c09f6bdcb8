import { describe, expect, it } from 'vitest';
import { type Control, type EgoState, type RoadMapData, RoadMapSchema, WallClock } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import type { Stack } from '../stack/Stack.ts';
import { LiveDriver, type MissionEvent } from './LiveDriver.ts';
import { LiveSource } from './LiveSource.ts';
import { goalProgress, plannerContextFor, routeToGoal } from './Mission.ts';

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

describe('goalProgress', () => {
  const map = new RoadMap(AISLE);
  const goal = { x: 12, y: 0, headingRad: 0 };
  const start = ego(2, 0);
  const route = routeToGoal(map, start, goal);
  if (!route.ok) throw new Error(route.error.message);
  const line = plannerContextFor(map, route.value, start, {
    kind: 'robot',
    lengthM: 0.9,
    widthM: 0.6,
    wheelBaseM: 0.5,
    rearAxleToCenterM: 0.25,
    maxSpeedMps: 2,
    maxAccelMps2: 1.5,
    maxDecelMps2: 3,
    maxSteerRad: 0.6,
    maxYawRateRadps: 1.5,
  } as never).route.line;

  it('is reached standing within the tolerance, ahead while short of it or driving through it', () => {
    expect(goalProgress(ego(5, 2), goal, line, 1).state).toBe('ahead');
    expect(goalProgress(ego(11.4, 0.1), goal, line, 1).state).toBe('reached');
    expect(goalProgress(ego(12.8, 0.05), goal, line, 1).state).toBe('reached');
    // in the disc but too fast to count: still ahead (the goal stop brakes)
    expect(goalProgress(ego(12.5, 1.5), goal, line, 1).state).toBe('ahead');
  });

  it('sees a goal passed, also one passed between two readings without ever being within tolerance', () => {
    // the readings of the overshoot at load 30: through the disc at 1.7 m/s, then creeping on
    const through = goalProgress(ego(13.2, 1.2), goal, line, 1);
    expect(through.state).toBe('passed');
    expect(through.alongM).toBeCloseTo(-1.2, 6);
    // two readings 1.25 s apart at 2 m/s: 1.2 m short of the goal, then 1.3 m beyond it
    expect(goalProgress(ego(10.8, 2), goal, line, 1).state).toBe('ahead');
    expect(goalProgress(ego(13.3, 2), goal, line, 1).state).toBe('passed');
    expect(goalProgress(ego(29.3, 0.04), goal, line, 1).state).toBe('passed');
  });
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
