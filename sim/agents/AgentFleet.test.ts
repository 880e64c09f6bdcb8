import { describe, expect, it } from 'vitest';
import { RoutePath } from '../../core/map/index.ts';
import { idmAgent, intersection } from '../../scenarios/builtin/index.ts';
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
});
