import { describe, expect, it } from 'vitest';
import { type AgentAttributes, angleDiff, RoadMapSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { chained, straightLane } from '../core/map/testFixtures.ts';
import { agentOn, cmd, junctionMap, scene } from '../stack/testing/safetyScenes.ts';
import { AgentForecast, forecastAgents } from './AgentForecast.ts';
import { LanePathCache } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';

/**
 * A crossing: lane E runs east along y = 0; lane N comes south down x = 0 and ends at its
 * signal stop line 5 m short of E (y = 5), then junction lane NJ crosses E.
 */
const crossing = new RoadMap(
  RoadMapSchema.parse({
    id: 'crossing',
    lanes: [
      straightLane('E', { x: -60, y: 0 }, { x: 60, y: 0 }, 13.9),
      ...chained([
        straightLane('N', { x: 0, y: 80 }, { x: 0, y: 5 }, 13.9),
        straightLane('NJ', { x: 0, y: 5 }, { x: 0, y: -60 }, 13.9, { junctionId: 'J' }),
      ]),
    ],
    stopLines: [{ id: 'SLN', laneId: 'N', sM: 75, kind: 'signal' }],
  }),
);
const HALF = 2.4; // half the length of a test car (safetyScenes: 4.8 m)

/** The forecast of one car on N whose front bumper is `toLineM` before its stop line. */
function forecastOf(
  toLineM: number,
  speed: number,
  state: 'RED' | 'YELLOW' | 'GREEN',
  accelMps2?: number,
  attrs?: AgentAttributes,
) {
  const ag = agentOn(crossing, {
    id: 'n',
    lane: 'N',
    s: 75 - toLineM - HALF,
    speed,
    ...(attrs ? { attrs } : {}),
  });
  const agents = [accelMps2 === undefined ? ag : { ...ag, accelMps2 }];
  const f = new AgentForecast(4, 64);
  const lights = [{ laneId: 'N', state }];
  forecastAgents(agents, crossing, new LanePathCache(crossing), ['E'], 0, 0, 200, 41, 0.2, f, {
    lights,
    comfortDecelMps2: 3,
  });
  const frontY = (k: number) => f.y[k]! - HALF; // heading south: the front bumper is below the centre
  return { f, frontY, last: 40 };
}

describe('AgentForecast: other drivers’ lights', () => {
  it('a car that can stop comfortably for its red line is forecast to stop there', () => {
    // 13 m/s, 30 m before the line: 2.8 m/s² stops it
    const { f, frontY, last } = forecastOf(30, 13, 'RED');
    expect(frontY(last)).toBeGreaterThan(5 - 0.05);
    expect(frontY(last)).toBeLessThan(5.5);
    expect(f.v[last]).toBe(0);
  });

  it('a yellow too close to stop for comfortably is run (forecast on at its speed)', () => {
    // 13 m/s, 12 m before the line: 7 m/s² would be needed
    const { f, frontY } = forecastOf(12, 13, 'YELLOW');
    expect(frontY(10)).toBeLessThan(5 - 10); // 2 s on, well past the line
    expect(f.v[10]).toBeCloseTo(13, 6);
  });

  it('a car already braking hard enough for its red stops short of it', () => {
    // 10 m/s, 10 m before the line needs 5 m/s²; it brakes at 6
    expect(forecastOf(10, 10, 'RED').frontY(40)).toBeLessThan(-20); // not braking: runs it
    const braking = forecastOf(10, 10, 'RED', -6);
    expect(braking.frontY(40)).toBeGreaterThan(5 - 0.05);
  });

  it('an emergency vehicle on a run does not stop for its red; one off duty does', () => {
    // 13 m/s, 30 m before the line: 2.8 m/s² would stop it, but siren or lights on it has the way
    expect(
      forecastOf(30, 13, 'RED', undefined, { subclass: 'emergency', sirenOn: true }).frontY(40),
    ).toBeLessThan(-20);
    expect(
      forecastOf(30, 13, 'RED', undefined, { subclass: 'emergency', lightsOn: true }).frontY(40),
    ).toBeLessThan(-20);
    const offDuty = forecastOf(30, 13, 'RED', undefined, {
      subclass: 'emergency',
      sirenOn: false,
      lightsOn: false,
    });
    expect(offDuty.frontY(40)).toBeGreaterThan(5 - 0.05);
  });

  it('a green light stops nobody', () => {
    expect(forecastOf(30, 13, 'GREEN').frontY(40)).toBeLessThan(-20);
  });

  it('poseAt follows the forecast between steps and past the horizon', () => {
    const { f } = forecastOf(12, 13, 'YELLOW');
    const p = { x: 0, y: 0, headingRad: 0, speedMps: 0 };
    f.poseAt(0, 0.3, p);
    expect(p.y).toBeCloseTo((f.y[1]! + f.y[2]!) / 2, 6);
    f.poseAt(0, 8.5, p);
    expect(p.y).toBeCloseTo(f.y[40]! - 13 * 0.5, 6);
  });
});

describe('gate: a crossing car stopping for its light', () => {
  // the ego drives east along E at 5 m/s and passes x = 0 about 3 s from now; the car on N comes at
  // 13 m/s, its front 28.5 m before its line (5 m short of E): braking at 3 m/s² it stops there
  const at = (state: 'RED' | 'GREEN') =>
    scene({
      map: crossing,
      lane: 'E',
      s: 60 - 14.75,
      speed: 5,
      route: ['E'],
      agents: [{ id: 'n', lane: 'N', s: 75 - 28.5 - HALF, speed: 13 }],
      lights: [{ laneId: 'N', state }],
    });

  it('its red light lets the ego go on: no collision, and TTC along its forecast (not at 13 m/s through its stop)', () => {
    const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 5 }), at('RED'));
    const failed = v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => `${r.rule}: ${r.message}`);
    expect(failed).toEqual([]);
    expect(v.decision).toBe('ALLOW');
  });

  it('on green the same car crosses the ego’s path: not allowed', () => {
    const v = createSafetyGate().checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 5 }), at('GREEN'));
    expect(v.decision).not.toBe('ALLOW');
  });

  it('one gate, the light changing between checks: each check forecasts with its own scene’s lights', () => {
    const gate = createSafetyGate();
    const keep = cmd({ speed: 'KEEP', targetSpeedMps: 5 });
    expect(gate.checkCommand(keep, at('RED')).decision).toBe('ALLOW');
    expect(gate.checkCommand(keep, at('GREEN')).decision).not.toBe('ALLOW');
    expect(gate.checkCommand(keep, at('RED')).decision).toBe('ALLOW');
  });
});

describe('AgentForecast: another driver’s way through a junction', () => {
  it('goes on the way that turns least, not the way the ego’s route takes', () => {
    // a car coming south on IN1 at 10 m/s, 10 m before the junction; the ego's route turns from
    // IN1's successor C10 (south → east): the car is forecast straight on through C13 (south)
    const jx = junctionMap();
    const ag = agentOn(jx, { id: 'c', lane: 'IN1', s: 110, speed: 10 });
    const f = new AgentForecast(4, 64);
    forecastAgents([ag], jx, new LanePathCache(jx), ['C10', 'OUT0'], 0, 0, 200, 21, 0.2, f);
    const k = 20; // 4 s on: 40 m, through the junction
    expect(f.x[k]!).toBeCloseTo(-1.75, 1);
    expect(f.y[k]!).toBeLessThan(-10);
    expect(Math.abs(angleDiff(f.h[k]!, -Math.PI / 2))).toBeLessThan(0.05);
  });
});

describe('AgentForecast: a vehicle that may turn at the junction ahead', () => {
  // a car coming south on IN1 at 8 m/s, 10 m before the junction; the ego comes north on IN3 at
  // (1.75, -30), on the car's left (east): the car's left turn C10 (east) crosses the ego's way
  const jx = junctionMap();
  function forecastOf(
    seen: { accelMps2?: number; indicator?: 'LEFT' | 'RIGHT' },
    egoX = 1.75,
    arm = 'IN1',
    route = ['IN3', 'C31', 'OUT1'],
  ) {
    const { indicator, ...rest } = seen;
    const ag = {
      ...agentOn(jx, {
        id: 'c',
        lane: arm,
        s: 110,
        speed: 8,
        ...(indicator ? { attrs: { indicator } } : {}),
      }),
      ...rest,
    };
    const f = new AgentForecast(4, 64);
    const turns = new AgentForecast(4, 64);
    forecastAgents(
      [ag],
      jx,
      new LanePathCache(jx),
      route,
      egoX,
      -30,
      200,
      21,
      0.2,
      f,
      undefined,
      undefined,
      turns,
    );
    return { f, turns };
  }
  /** Kept slot j's heading 4 s on (step 20), rad. */
  const headingAt4s = (f: AgentForecast, j: number) => f.h[j * f.capacity + 20]!;

  it('easing off towards the ego’s side: its turn across the ego’s way is forecast beside straight on', () => {
    const { f, turns } = forecastOf({ accelMps2: -1.1 });
    expect(f.count).toBe(1);
    expect(Math.abs(angleDiff(headingAt4s(f, 0), -Math.PI / 2))).toBeLessThan(0.05); // straight on, south
    expect(turns.count).toBe(1);
    expect(turns.index[0]).toBe(0);
    expect(Math.abs(angleDiff(headingAt4s(turns, 0), 0))).toBeLessThan(0.3); // turned left, (almost) east
  });

  it('keeping its speed, it goes straight on only (nothing says it turns)', () => {
    expect(forecastOf({ accelMps2: 0 }).turns.count).toBe(0);
    expect(forecastOf({}).turns.count).toBe(0);
  });

  it('braking hard is braking for something, not easing off for a turn: straight on only', () => {
    expect(forecastOf({ accelMps2: -5 }).turns.count).toBe(0);
  });

  it('with the ego’s route turning west (into OUT2), its right turn into that exit is the one forecast', () => {
    const { turns } = forecastOf({ accelMps2: -1.1 }, -30, 'IN1', ['IN3', 'C32', 'OUT2']);
    expect(turns.count).toBe(1);
    expect(Math.abs(angleDiff(headingAt4s(turns, 0), Math.PI))).toBeLessThan(0.1);
  });

  it('a car from the left easing off: its left turn into the ego’s way (LTAP/LD) is forecast, its right turn away is not', () => {
    // review 10: the turn was chosen by the ego's side of the car (its right: south, away), and the
    // left turn across the ego's path into the ego's exit OUT1 was never forecast
    const { turns } = forecastOf({ accelMps2: -1.1 }, 1.75, 'IN2');
    expect(turns.count).toBe(1);
    expect(Math.abs(angleDiff(headingAt4s(turns, 0), Math.PI / 2))).toBeLessThan(0.3); // north
  });

  it('its indicator says which way: right (west), away from the ego, at any speed change', () => {
    const { turns } = forecastOf({ indicator: 'RIGHT' });
    expect(turns.count).toBe(1);
    expect(Math.abs(angleDiff(headingAt4s(turns, 0), Math.PI))).toBeLessThan(0.1);
  });
});

describe('AgentForecast: a vehicle seen braking over several snapshots', () => {
  const BRAKING = { share: 0.5, egoHeadingRad: 0, sameWayRad: Math.PI / 4 };
  /** One car on N (heading south) at 12 m/s, its light green, with what the tracker saw of it. */
  function forecastSouth(seen: { sustainedDecelMps2?: number; accelMps2?: number }, egoHeadingRad = 0) {
    const ag = { ...agentOn(crossing, { id: 'n', lane: 'N', s: 20, speed: 12 }), ...seen };
    const f = new AgentForecast(4, 64);
    forecastAgents(
      [ag],
      crossing,
      new LanePathCache(crossing),
      ['E'],
      0,
      0,
      200,
      21,
      0.2,
      f,
      { lights: [{ laneId: 'N', state: 'GREEN' }], comfortDecelMps2: 3 },
      { ...BRAKING, egoHeadingRad },
    );
    return { f, travelledM: (k: number) => f.y[0]! - f.y[k]! };
  }

  it('is forecast to rest at the share of its braking, not on at constant speed', () => {
    // 8 m/s² seen: forecast at 4 m/s², rest after 12²/8 = 18 m (3 s), within the 4 s horizon
    const { f, travelledM } = forecastSouth({ sustainedDecelMps2: 8 });
    expect(travelledM(20)).toBeCloseTo(18, 1);
    expect(f.v[20]).toBe(0);
    expect(travelledM(5)).toBeCloseTo(12 * 1 - 0.5 * 4 * 1, 1); // 1 s on, braking at 4, not 8
  });

  it('a single braking reading (no sustained braking) does not excuse it: constant speed', () => {
    const { f, travelledM } = forecastSouth({ accelMps2: -8 });
    expect(travelledM(20)).toBeCloseTo(48, 1);
    expect(f.v[20]).toBeCloseTo(12, 6);
  });

  it('a vehicle going the ego’s way keeps its constant-speed forecast (a lead: RSS’s worst case)', () => {
    const { travelledM } = forecastSouth({ sustainedDecelMps2: 8 }, -Math.PI / 2);
    expect(travelledM(20)).toBeCloseTo(48, 1);
  });

  it('an oncoming vehicle keeps its constant-speed forecast (rss.longitudinalOpposite reads it)', () => {
    // the ego heads north, the car south: head-on
    const { f, travelledM } = forecastSouth({ sustainedDecelMps2: 8 }, Math.PI / 2);
    expect(travelledM(20)).toBeCloseTo(48, 1);
    expect(f.v[20]).toBeCloseTo(12, 6);
  });

  it('one within 45° of head-on counts as oncoming too: constant speed', () => {
    // 150° off the ego's heading
    const { travelledM } = forecastSouth({ sustainedDecelMps2: 8 }, -Math.PI / 2 + (5 * Math.PI) / 6);
    expect(travelledM(20)).toBeCloseTo(48, 1);
  });

  it('one crossing at 120° to the ego’s heading still gets the braking forecast', () => {
    const { travelledM } = forecastSouth({ sustainedDecelMps2: 8 }, -Math.PI / 2 + (2 * Math.PI) / 3);
    expect(travelledM(20)).toBeCloseTo(18, 1);
  });

  it('a crossing car drifting towards the ego brakes in its own slot; the worse case drives on', () => {
    // the car on N angled 0.3 rad towards the east (its left), the ego 10 m east of N heading east:
    // slot 0 (drift capped at half a lane) rests at 4 m/s² along the lane (11.46²/8 = 16.4 m), the
    // worst case (drift on into the ego's path, slot 1) keeps constant speed along the lane
    const ag = {
      ...agentOn(crossing, { id: 'n', lane: 'N', s: 20, speed: 12, dh: 0.3 }),
      sustainedDecelMps2: 8,
    };
    const f = new AgentForecast(4, 64);
    forecastAgents(
      [ag],
      crossing,
      new LanePathCache(crossing),
      ['E'],
      10,
      60,
      200,
      21,
      0.2,
      f,
      { lights: [{ laneId: 'N', state: 'GREEN' }], comfortDecelMps2: 3 },
      BRAKING,
    );
    expect(f.count).toBe(2);
    expect(f.index[1]).toBe(0);
    const vLon = 12 * Math.cos(0.3);
    expect(f.y[0]! - f.y[20]!).toBeCloseTo((vLon * vLon) / 8, 0);
    const worst = f.capacity;
    expect(f.y[worst]! - f.y[worst + 20]!).toBeCloseTo(vLon * 4, 0);
    expect(f.x[worst + 20]!).toBeCloseTo(10, 0); // drifted on to the ego's offset
  });

  it('braking too gently to stop within the horizon is speed adjusting, not stopping: constant speed', () => {
    // 2 m/s² seen: at 1 m/s² it would take 12 s to stop
    const { travelledM } = forecastSouth({ sustainedDecelMps2: 2 });
    expect(travelledM(20)).toBeCloseTo(48, 1);
  });
});

describe('gate: a crossing car seen braking to a stop', () => {
  // the ego drives east along E at 5 m/s and passes x = 0 about 3 s from now; the car on N comes at
  // 13 m/s on green, its front 33.5 m before E: braking at 4 m/s² (half the 8 seen) it stops 12 m short
  const at = (seen: { sustainedDecelMps2?: number; accelMps2?: number }) => {
    const s = scene({
      map: crossing,
      lane: 'E',
      s: 60 - 14.75,
      speed: 5,
      route: ['E'],
      agents: [{ id: 'n', lane: 'N', s: 75 - 28.5 - HALF, speed: 13 }],
      lights: [{ laneId: 'N', state: 'GREEN' }],
    });
    s.snapshot.agents[0] = { ...s.snapshot.agents[0]!, ...seen };
    return s;
  };

  it('braking seen over several snapshots lets the ego go on', () => {
    const v = createSafetyGate().checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 5 }),
      at({ sustainedDecelMps2: 8, accelMps2: -8 }),
    );
    const failed = v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => `${r.rule}: ${r.message}`);
    expect(failed).toEqual([]);
  });

  it('is judged against the ego’s heading of this check, after a check heading its way', () => {
    const gate = createSafetyGate();
    // first the ego drives south down N, the way the car will go (a lead there: constant speed)
    gate.checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 5 }),
      scene({ map: crossing, lane: 'N', s: 20, speed: 5, route: ['N'] }),
    );
    const v = gate.checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 5 }),
      at({ sustainedDecelMps2: 8, accelMps2: -8 }),
    );
    const failed = v.rules.filter((r) => r.decision !== 'ALLOW').map((r) => `${r.rule}: ${r.message}`);
    expect(failed).toEqual([]);
  });

  it('the same braking in one reading only does not', () => {
    const v = createSafetyGate().checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 5 }),
      at({ accelMps2: -8 }),
    );
    expect(v.decision).not.toBe('ALLOW');
  });

  it('with observedBrakeShare 0 the gate forecasts it at constant speed', () => {
    const v = createSafetyGate({ observedBrakeShare: 0 }).checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 5 }),
      at({ sustainedDecelMps2: 8, accelMps2: -8 }),
    );
    expect(v.decision).not.toBe('ALLOW');
  });
});

describe('AgentForecast: a vehicle reversing', () => {
  // a car on E facing east at 3 m/s, its measured course west (`courseRad`): it moves backwards
  const forecastE = (courseRad?: number, courseSpeedMps?: number) => {
    const ag = {
      ...agentOn(crossing, { id: 'r', lane: 'E', s: 40, speed: 3 }),
      ...(courseRad === undefined ? {} : { courseRad }),
      ...(courseSpeedMps === undefined ? {} : { courseSpeedMps }),
    };
    const f = new AgentForecast(4, 64);
    forecastAgents([ag], crossing, new LanePathCache(crossing), ['E'], 0, 0, 200, 21, 0.2, f);
    return { x0: ag.x, f };
  };
  it('is forecast along its course, backwards, not along its heading', () => {
    const { x0, f } = forecastE(Math.PI, 3.2);
    expect(f.count).toBe(1);
    expect(f.x[20]! - x0).toBeCloseTo(-12.8, 1); // 4 s at the 3.2 m/s its positions show, west
    expect(Math.abs(angleDiff(f.h[20]!, 0))).toBeLessThan(1e-9); // still facing east
  });
  it('where the speed its positions show disagrees with the reported one, it is forecast both ways', () => {
    // (a tracker's id switch: the position 6 m back in 0.3 s, 20 m/s against a reported 3)
    for (const { x0, f } of [forecastE(Math.PI, 20), forecastE(Math.PI)]) {
      expect(f.count).toBe(2);
      const ends = [f.x[20]! - x0, f.x[f.capacity + 20]! - x0].sort((a, b) => a - b);
      expect(ends[0]).toBeCloseTo(-12, 1); // backwards at its reported 3 m/s
      expect(ends[1]).toBeCloseTo(12, 1); // forwards along its lane
    }
  });
  it('without a course it is forecast forwards along its lane', () => {
    const { x0, f } = forecastE();
    expect(f.x[20]! - x0).toBeCloseTo(12, 1);
  });
});
