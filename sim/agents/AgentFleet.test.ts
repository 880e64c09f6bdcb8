import { describe, expect, it } from 'vitest';
import { type RoadMapData, RoadMapSchema, type SignalState } from '../../core/index.ts';
import { RoadMap, RoutePath } from '../../core/map/index.ts';
import { chained, straightLane } from '../../core/map/testFixtures.ts';
import {
  idmAgent,
  intersection,
  replayAgent,
  road,
  smooth,
  trackAlong,
} from '../../scenarios/builtin/index.ts';
import { AgentFleet } from './AgentFleet.ts';
import { digestAgents } from './IdmReference.ts';
import { agentAt, drive, egoAlong, egoAtCentre, type World, world } from './testWorld.ts';

function leftTurnWorld() {
  const data = intersection();
  const w0 = world(data, [], egoAtCentre(0, 0, 0, 0, 0), ['IN3']);
  const agents = [
    idmAgent(w0.map, 'oncoming_1', ['IN1', 'C13', 'OUT3'], 75, 11),
    idmAgent(w0.map, 'oncoming_2', ['IN1', 'C13', 'OUT3'], 40, 11),
  ];
  const ego = egoAlong(RoutePath.build(w0.map, ['IN3', 'C32', 'OUT2'], 0).line, 92, 7);
  return { w: world(data, agents, ego(0), ['IN3', 'C32', 'OUT2']), ego };
}

describe('AgentFleet', () => {
  it('interactive agents are deterministic: the same inputs give the same agents', () => {
    const { w, ego } = leftTurnWorld();
    expect(digestAgents(drive(w, 'interactive', ego).agents)).toBe(
      digestAgents(drive(w, 'interactive', ego).agents),
    );
  });

  it("builds its IDM agents' paths and the ego's route with a handed-in builder, which changes nothing", () => {
    const { w, ego } = leftTurnWorld();
    const asked: string[] = [];
    const shared = new AgentFleet(w.scenario, w.map, 'reactive', {
      agents: 'interactive',
      routePath: (ids, s) => {
        asked.push(ids.join(','));
        return RoutePath.build(w.map, ids, s);
      },
    });
    const own = new AgentFleet(w.scenario, w.map, 'reactive', { agents: 'interactive' });
    // two IDM agents on IN1 → C13 → OUT3, then the ego's route for the interactive forecast
    expect(asked).toEqual(['IN1,C13,OUT3', 'IN1,C13,OUT3', 'IN3,C32,OUT2']);
    for (let k = 0; k < 60; k++) {
      shared.step(k * 0.1, 0.1, ego(k * 0.1), undefined, []);
      own.step(k * 0.1, 0.1, ego(k * 0.1), undefined, []);
    }
    expect(digestAgents([shared.current()])).toBe(digestAgents([own.current()]));
  });

  it('the agent model changes nothing in non-reactive mode (CLS-NR stays as it was)', () => {
    const { w } = leftTurnWorld();
    const a = new AgentFleet(w.scenario, w.map, 'nonreactive');
    const b = new AgentFleet(w.scenario, w.map, 'nonreactive', { agents: 'interactive' });
    expect(b.agents).toBe('idm');
    for (let k = 0; k < 50; k++) {
      a.step(k * 0.1, 0.1, undefined, undefined, []);
      b.step(k * 0.1, 0.1, undefined, undefined, []);
    }
    expect(b.current()).toEqual(a.current());
  });

  it("non-reactive IDM agents replay nuPlan's IDM roll-out without the ego, whatever the reactive default", () => {
    // A scripted cut-in ahead of an IDM car: interactive agents would open the gap earlier.
    const data = road({ lanes: 2, speedLimitMps: 16 });
    const w0 = world(data, [], egoAtCentre(0, 390, -20, 0, 0), ['R0']);
    const cutter = trackAlong(w0.map, {
      laneIds: ['R0'],
      startSM: 42,
      durationS: 8,
      speed: () => 12,
      lateral: (t) => 3.5 * (1 - smooth(t, 1, 4)),
    });
    const w = world(
      data,
      [
        replayAgent('cutter', cutter, { reactive: 'replay' }),
        idmAgent(w0.map, 'follower', ['R0'], 20, 12, 12),
      ],
      egoAtCentre(0, 390, -20, 0, 0),
      ['R0'],
    );
    const fleets = {
      replay: new AgentFleet(w.scenario, w.map, 'nonreactive'),
      idm: new AgentFleet(w.scenario, w.map, 'reactive', { agents: 'idm' }),
      interactive: new AgentFleet(w.scenario, w.map, 'reactive', { agents: 'interactive' }),
    };
    let apart = 0;
    for (let k = 0; k < 60; k++) {
      for (const f of Object.values(fleets)) f.step(k * 0.1, 0.1, undefined, undefined, []);
      const [a, b, c] = [fleets.replay, fleets.idm, fleets.interactive].map((f) => f.current()[1]!);
      expect(Math.hypot(a!.x - b!.x, a!.y - b!.y), `tick ${k}`).toBeLessThan(1e-9);
      apart = Math.max(apart, Math.abs(a!.x - c!.x));
    }
    expect(apart).toBeGreaterThan(0.5);
  });
});

// CommonRoad's way: lane P (x 0–50), then A (50–150) with its light and its signal stop line at its
// end (x = 150), then junction lane J (150–170) and B beyond (USA_Peach-4_8: lights on 43208, …)
const crMap = RoadMapSchema.parse({
  id: 'cr',
  lanes: chained([
    straightLane('P', { x: 0, y: 0 }, { x: 50, y: 0 }, 14),
    straightLane('A', { x: 50, y: 0 }, { x: 150, y: 0 }, 14),
    straightLane('J', { x: 150, y: 0 }, { x: 170, y: 0 }, 14, { junctionId: 'X' }),
    straightLane('B', { x: 170, y: 0 }, { x: 400, y: 0 }, 14),
  ]),
  stopLines: [{ id: 'A_stop', laneId: 'A', sM: 100, kind: 'signal' }],
});

/** A world whose one IDM agent drives `laneIds` from `startSM` at 8 m/s under one light on `lightLaneIds`. */
function lightWorld(
  data: RoadMapData,
  laneIds: string[],
  startSM: number,
  lightLaneIds: string[],
  state: SignalState,
): World {
  const car = idmAgent(new RoadMap(data), 'car', laneIds, startSM, 8);
  const w = world(data, [car], egoAtCentre(0, 0, -500, 0, 0), [laneIds.at(-1)!], 25);
  w.scenario.signals = [{ laneIds: lightLaneIds, phases: [{ fromS: 0, state }] }];
  return w;
}

/**
 * As `lightWorld`, but the agent is a logged track at 8 m/s along `laneIds` (a CommonRoad or nuPlan
 * agent: reactive, it drives IDM along its track's path, with no lanes of its own).
 */
function trackWorld(laneIds: string[], startSM: number, lightLaneIds: string[], state: SignalState): World {
  const track = trackAlong(new RoadMap(crMap), { laneIds, startSM, durationS: 25, speed: () => 8 });
  const w = world(crMap, [replayAgent('car', track)], egoAtCentre(0, 0, -500, 0, 0), ['B'], 25);
  w.scenario.signals = [{ laneIds: lightLaneIds, phases: [{ fromS: 0, state }] }];
  return w;
}

/** The agent's front bumper x at the end of a 25 s reactive run (IDM agents unless told), and its speed then. */
function endOf(w: World, model: 'idm' | 'interactive' = 'idm'): { frontX: number; speedMps: number } {
  const run = drive(w, model, undefined);
  const a = agentAt(run, run.agents.length - 1, 'car');
  return { frontX: a.x + a.lengthM / 2, speedMps: a.speedMps };
}

describe('AgentFleet: IDM agents and traffic lights', () => {
  it('stops at the stop line at the end of its own lane when that lane carries the red light (CommonRoad)', () => {
    // front 57.6 m short of the line: it used to run the red (the lane start was behind it)
    const end = endOf(lightWorld(crMap, ['A', 'J', 'B'], 40, ['A'], 'RED'));
    expect(end.speedMps).toBeLessThan(0.1);
    expect(end.frontX).toBeGreaterThan(145);
    expect(end.frontX).toBeLessThanOrEqual(150);
  });

  it('coming from the lane before, stops at that line, not at the start of the lane with the light', () => {
    // it used to stop at x = 50, a hundred metres early
    const end = endOf(lightWorld(crMap, ['P', 'A', 'J', 'B'], 5, ['A'], 'RED'));
    expect(end.frontX).toBeGreaterThan(145);
    expect(end.frontX).toBeLessThanOrEqual(150);
  });

  it('stops at the line for a red light keyed on the lane after it', () => {
    const end = endOf(lightWorld(crMap, ['A', 'J', 'B'], 40, ['J'], 'RED'));
    expect(end.frontX).toBeGreaterThan(145);
    expect(end.frontX).toBeLessThanOrEqual(150);
  });

  it('goes on on green', () => {
    expect(endOf(lightWorld(crMap, ['A', 'J', 'B'], 40, ['A'], 'GREEN')).frontX).toBeGreaterThan(200);
  });

  it('goes on when its front is already more than COMMITTED_M past the line', () => {
    // centre at the line: front 2.4 m past it
    expect(endOf(lightWorld(crMap, ['A', 'J', 'B'], 100, ['A'], 'RED')).frontX).toBeGreaterThan(200);
  });

  for (const model of ['idm', 'interactive'] as const)
    it(`a logged-track agent (${model}) stops at the line of its red light, and goes on on green`, () => {
      // it used to have no stop for lights at all (only agents with lanes of their own had)
      const red = endOf(trackWorld(['A', 'J', 'B'], 40, ['A'], 'RED'), model);
      expect(red.speedMps).toBeLessThan(0.1);
      expect(red.frontX).toBeGreaterThan(145);
      expect(red.frontX).toBeLessThanOrEqual(150);
      // the light keyed on the lane after the line (the built-in and nuPlan way)
      expect(endOf(trackWorld(['A', 'J', 'B'], 40, ['J'], 'RED'), model).frontX).toBeLessThanOrEqual(150);
      expect(endOf(trackWorld(['A', 'J', 'B'], 40, ['A'], 'GREEN'), model).frontX).toBeGreaterThan(200);
    });

  it('stops at the start of a junction lane whose light has no stop line of its own (built-in intersection)', () => {
    // the light on connector C20 (no stop line): IN2 runs east to x = −14, where C20 starts
    const data = intersection();
    const w = lightWorld(data, ['IN2', 'C20', 'OUT0'], 60, ['C20'], 'RED');
    const end = endOf(w);
    expect(end.speedMps).toBeLessThan(0.1);
    expect(end.frontX).toBeGreaterThan(-19);
    expect(end.frontX).toBeLessThanOrEqual(-14);
    // without the stop line on IN2, the same place
    const bare = lightWorld({ ...data, stopLines: [] }, ['IN2', 'C20', 'OUT0'], 60, ['C20'], 'RED');
    expect(endOf(bare).frontX).toBeCloseTo(end.frontX, 6);
  });
});
