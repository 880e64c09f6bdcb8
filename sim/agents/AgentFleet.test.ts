import { describe, expect, it } from 'vitest';
import { RoutePath } from '../../core/map/index.ts';
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
import { drive, egoAlong, egoAtCentre, world } from './testWorld.ts';

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
