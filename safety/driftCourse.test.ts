/**
 * A lane-following vehicle's sideways drift is what its positions bear out (`AgentState.courseRad`,
 * measured by the stack): a heading off its lane by noise, or on a coarse map, is no drift
 * (CommonRoad DEU_A9-3_1_T-1: a car keeping to the lane to the ego's right, 0.024 rad off the
 * lanelet's chord, was forecast into the ego's lane and the gate braked the ego at 4 m/s²).
 */
import { describe, expect, it } from 'vitest';
import { type AgentState, RoadMapSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { agentOn, cmd, roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { AgentForecast, forecastAgents } from './AgentForecast.ts';
import { LanePathCache } from './Rollout.ts';
import { createSafetyGate } from './SafetyGate.ts';

// two lanes east along +x: R0 (right), R1 (left); the ego in R1 at 28 m/s
const map = roadMap({ lanes: 2, lengthM: 800, speedLimitMps: 30 });
/**
 * A car in R0 20 m ahead of the ego at 27 m/s, 0.3 m left of its lane's centre, its heading 0.024 rad
 * towards the ego's lane (DEU_A9-3_1_T-1's cr_3536).
 */
const angled = (seen: Partial<AgentState> = {}): AgentState => ({
  ...agentOn(map, { id: 'c', lane: 'R0', s: 120, d: 0.3, speed: 27, dh: 0.024 }),
  ...seen,
});
const laneY = (lane: string) => agentOn(map, { id: 'x', lane, s: 120 }).y;

/** The car's sideways motion off its start after `tS` (3 s; towards R1: positive), m. */
function driftAfter(car: AgentState, tS = 3): number {
  const f = new AgentForecast(4, 64);
  forecastAgents([car], map, new LanePathCache(map), ['R1'], car.x - 20, laneY('R1'), 200, 21, 0.2, f);
  return (f.y[Math.round(tS / 0.2)]! - car.y) * Math.sign(laneY('R1') - laneY('R0'));
}

describe('AgentForecast: drift as the positions bear it out', () => {
  it('by its heading alone the angled car drifts towards the ego (0.65 m/s)', () => {
    expect(driftAfter(angled())).toBeGreaterThan(1.5);
  });

  it('its course along the lane: it keeps to its lane', () => {
    expect(Math.abs(driftAfter(angled({ courseRad: 0 })))).toBeLessThan(0.05);
  });

  it('a course halfway between: half the drift', () => {
    expect(driftAfter(angled({ courseRad: 0.012 }))).toBeCloseTo(27 * Math.sin(0.012) * 3, 1);
  });

  it('a course further off the lane than its heading never adds drift (the heading leads a cut-in)', () => {
    // after 1 s, short of the half-lane cap: 0.65 m by its heading (2.7 m at the course's angle)
    expect(driftAfter(angled({ courseRad: 0.1 }), 1)).toBeCloseTo(driftAfter(angled(), 1), 9);
    expect(driftAfter(angled(), 1)).toBeCloseTo(27 * Math.sin(0.024), 2);
  });
});

describe('gate: a car keeping to the next lane with its heading a little off it', () => {
  const gate = createSafetyGate();
  // the ego 0.9 m right of its lane's centre (DEU_A9-3_1_T-1's ego: 0.95 m)
  const check = (car: AgentState) => {
    const sc = scene({ map, lane: 'R1', s: 100, speed: 28 });
    const ego = { ...sc.snapshot.ego, y: sc.snapshot.ego.y - 0.9 };
    return gate.checkCommand(cmd({ targetSpeedMps: 28 }), {
      ...sc,
      snapshot: { ...sc.snapshot, ego, agents: [car] },
    });
  };

  it('seen moving along its lane: the ego keeps its speed', () => {
    expect(check(angled({ courseRad: 0 })).decision).toBe('ALLOW');
  });

  it('by its heading alone (no course yet: its first snapshots) it is checked as drifting in', () => {
    expect(check(angled()).decision).not.toBe('ALLOW');
  });
});

/**
 * A coarse map's chords (CommonRoad DEU_A9-3_1_T-1): two lanes east, straight to x = 140, then on at
 * +0.03 rad (the road bends left; its lanelets kink). A car first seen at x = 120 heading 0.018 rad
 * (the road's tangent between the chords, as the recorded cars head) is 0.018 rad off its chord.
 */
describe('AgentForecast: first sighting on a kinked lane', () => {
  const kink = 0.03;
  const lane = (id: string, y: number) => ({
    id,
    centerline: [
      { x: 0, y },
      { x: 140, y },
      { x: 800, y: y + 660 * Math.tan(kink) },
    ],
    widthM: 3.5,
    speedLimitMps: 30,
  });
  const kinked = new RoadMap(
    RoadMapSchema.parse({
      id: 'kinked',
      lanes: [
        { ...lane('K0', 0), left: { laneId: 'K1', changeAllowed: true } },
        { ...lane('K1', 3.5), right: { laneId: 'K0', changeAllowed: true } },
      ],
    }),
  );
  const car = (headingRad: number, seen: Partial<AgentState> = {}): AgentState => ({
    id: 'c',
    kind: 'vehicle',
    x: 120,
    y: 0,
    headingRad,
    speedMps: 27,
    lengthM: 4.8,
    widthM: 1.9,
    seenForS: 0,
    ...seen,
  });
  /** The car's offset from its lane's centre after 2 s (towards K1: positive), m. */
  function offsetAfter(c: AgentState): number {
    const f = new AgentForecast(4, 64);
    const paths = new LanePathCache(kinked);
    forecastAgents([c], kinked, paths, ['K1'], 100, 3.5, 200, 21, 0.2, f);
    const fp = { sM: 0, dM: 0, segment: 0 };
    paths.getStraightest('K0')!.line.project(f.x[10]!, f.y[10]!, fp);
    return fp.dM;
  }

  it('heading between its chord and the chord ahead: it follows its lane', () => {
    expect(Math.abs(offsetAfter(car(0.018)))).toBeLessThan(0.05);
  });

  it('heading beyond every direction its lane takes nearby (a cut-in): it drifts', () => {
    // 0.045 rad: past the lane's 0.03 and the 0.005 of noise
    expect(offsetAfter(car(0.045))).toBeGreaterThan(0.4);
  });

  it('too slow for its course to be measured within the window: its heading counts from the start', () => {
    // 5 m/s: 1.5 m in 0.3 s, short of the course's 2 m; 0.018 rad off its chord is 0.18 m in 2 s
    expect(offsetAfter(car(0.018, { speedMps: 5 }))).toBeGreaterThan(0.15);
  });

  it("measured: its course among its lane's own directions nearby (the road's bend) is no drift", () => {
    // (DEU_A9-3_1_T-1's cr_3536 at 0.5 s: heading 0.026 rad off its chord, course 0.013 — 0.35 m/s
    // across the chord, forecast into the ego's lane); a course beyond them all is a cut-in
    const seen = { seenForS: 2, courseRad: 0.013 };
    expect(Math.abs(offsetAfter(car(0.026, seen)))).toBeLessThan(0.05);
    expect(offsetAfter(car(0.05, { ...seen, courseRad: 0.045 }))).toBeGreaterThan(0.4);
  });

  // the gate: the ego in K1 at 28 m/s 1.2 m right of its centre, the car 12 m ahead in K0 (the
  // command in force for 3 s)
  const gate = createSafetyGate();
  const beside = (c: AgentState) => {
    const sc = scene({ map: kinked, lane: 'K1', s: 108, speed: 28, route: ['K1'] });
    const ego = { ...sc.snapshot.ego, y: sc.snapshot.ego.y - 1.2 };
    return gate.checkCommand(cmd({ targetSpeedMps: 28, expiresAtS: 3 }), {
      ...sc,
      snapshot: { ...sc.snapshot, ego, agents: [c] },
    });
  };

  it('gate (safe): its course along the bend, the ego keeps its speed beside it (a MODIFY before)', () => {
    expect(beside(car(0.026, { seenForS: 2, courseRad: 0.013 })).decision).toBe('ALLOW');
  });

  it('gate (unsafe): its course beyond the bend (a cut-in) is braked for', () => {
    expect(beside(car(0.05, { seenForS: 2, courseRad: 0.045 })).decision).not.toBe('ALLOW');
  });

  it('seen for a window without a course (its heading turning): its heading counts', () => {
    expect(offsetAfter(car(0.018, { seenForS: 0.5 }))).toBeGreaterThan(0.4);
  });
});

/**
 * A long vehicle on a tight bend (CommonRoad DEU_Lohmar-44_1_T-1: a 7.1 m truck 3.9 m into a
 * left-turn connector, 1.47 rad over 16.8 m, heading 0.07 rad inside the tangent at its centre): a
 * rigid body on a bending lane heads along the chord between its axles, between the lane's
 * directions under its front and rear — that is the bend, not a sideways drift. The same angle on a
 * straight lane is one.
 */
describe('AgentForecast: a body on a bend', () => {
  const radiusM = 12;
  const arc = Array.from({ length: 31 }, (_, i) => {
    const a = (i / 30) * (Math.PI / 2);
    return { x: radiusM * Math.sin(a), y: radiusM * (1 - Math.cos(a)) };
  });
  const bend = new RoadMap(
    RoadMapSchema.parse({
      id: 'bend',
      lanes: [
        {
          id: 'IN',
          centerline: [
            { x: -60, y: 0 },
            { x: 0, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: 14,
          successors: ['B'],
        },
        {
          id: 'B',
          centerline: arc,
          widthM: 3.5,
          speedLimitMps: 14,
          predecessors: ['IN'],
          successors: ['OUT'],
        },
        {
          id: 'OUT',
          centerline: [
            { x: radiusM, y: radiusM },
            { x: radiusM, y: radiusM + 60 },
          ],
          widthM: 3.5,
          speedLimitMps: 14,
          predecessors: ['B'],
        },
      ],
    }),
  );
  /** A 7.1 m truck at `sM` along `lane` (on its centreline), heading `errRad` left of the lane there, at 3.8 m/s, just seen. */
  const truck = (lane: string, sM: number, errRad: number): AgentState => {
    const p = bend.lane(lane)!.line.toCartesian(sM, 0);
    return {
      id: 't',
      kind: 'vehicle',
      x: p.x,
      y: p.y,
      headingRad: p.headingRad + errRad,
      speedMps: 3.8,
      lengthM: 7.1,
      widthM: 2.3,
      seenForS: 0,
    };
  };
  /** The truck's offset from its lane path's centre after 3 s (left +), m. */
  function offsetAfter(t: AgentState, lane: string): number {
    const f = new AgentForecast(4, 64);
    const paths = new LanePathCache(bend);
    forecastAgents([t], bend, paths, ['IN', 'B', 'OUT'], -30, -20, 200, 21, 0.2, f);
    const fp = { sM: 0, dM: 0, segment: 0 };
    paths.getStraightest(lane)!.line.project(f.x[15]!, f.y[15]!, fp);
    return fp.dM;
  }

  it('heading 0.07 rad inside the tangent at its centre, within the bend under its body: it follows the lane', () => {
    // (before: 3.8 · sin 0.07 = 0.27 m/s sideways, 0.8 m off the lane after 3 s)
    expect(Math.abs(offsetAfter(truck('B', 4, 0.07), 'B'))).toBeLessThan(0.1);
  });

  it('the same angle off a straight lane: it drifts', () => {
    expect(offsetAfter(truck('IN', 30, 0.07), 'IN')).toBeGreaterThan(0.6);
  });

  it('an angle beyond the bend under its body: it drifts', () => {
    // the 7.1 m body spans ±0.3 rad of this 12 m radius; 0.45 rad is past it
    expect(offsetAfter(truck('B', 6, 0.45), 'B')).toBeGreaterThan(0.6);
  });
});
