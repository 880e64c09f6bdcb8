import { describe, expect, it } from 'vitest';
import { AgentFleet } from './AgentFleet.ts';
import { digestAgents, readIdmReference, replayFleet } from './IdmReference.ts';

describe('--agents idm (nuPlan IDM agents)', () => {
  const ref = readIdmReference();

  it('the reference covers the built-in suite with two ego behaviours', () => {
    expect(ref.runs.length).toBe(28);
  });

  it.each(ref.runs.map((r) => [`${r.scenarioId} / ${r.planner}`, r] as const))(
    'reproduces the recorded reactive agents bit for bit: %s',
    (_name, run) => {
      const ticks = replayFleet(run, (s, m) => new AgentFleet(s, m, 'reactive', { agents: 'idm' }));
      expect(digestAgents(ticks)).toBe(run.agentDigest);
    },
  );
});
