import { describe, expect, it } from 'vitest';
import { parseWith } from './result.ts';
import { AgentStateSchema, WorldSnapshotSchema } from './schemas.ts';

const agent = {
  id: 'c1',
  kind: 'vehicle',
  x: 10,
  y: 0,
  headingRad: 0,
  speedMps: 0,
  lengthM: 4.5,
  widthM: 1.9,
};

describe('AgentState.speedKnown', () => {
  it('is absent on an agent that does not carry it (a measured speed, as every importer sends)', () => {
    const r = parseWith(AgentStateSchema, agent);
    expect(r.ok && r.value.speedKnown).toBe(undefined);
  });

  it('parses false: no speed measured', () => {
    const r = parseWith(AgentStateSchema, { ...agent, speedKnown: false });
    expect(r.ok && r.value.speedKnown).toBe(false);
  });

  it('names the field when it is not a boolean', () => {
    const r = parseWith(
      WorldSnapshotSchema,
      {
        tS: 0,
        ego: { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 0 },
        agents: [agent, { ...agent, id: 'c2', speedKnown: 'no' }],
        lights: [],
        route: { laneIds: ['A'] },
      },
      'ros:/objects',
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.path).toBe('ros:/objects:agents.1.speedKnown');
  });
});
