import { describe, expect, it } from 'vitest';
import type { AgentState, WorldSnapshot } from '../core/index.ts';
import { speedSampleOf } from './AgentBraking.ts';
import { withYawRate } from './AgentYaw.ts';

const car = (headingRad: number, extra: Partial<AgentState> = {}): AgentState => ({
  id: 'o',
  kind: 'vehicle',
  x: 0,
  y: 0,
  headingRad,
  speedMps: 7,
  lengthM: 4.8,
  widthM: 1.9,
  ...extra,
});
const snapAt = (tS: number, agent: AgentState): WorldSnapshot =>
  ({
    tS,
    ego: { tS, x: 0, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents: [agent],
    lights: [],
  }) as unknown as WorldSnapshot;

describe('withYawRate', () => {
  it('measures the heading’s turn over the last step: 0.095 rad in 0.1 s is 0.95 rad/s, across ±π', () => {
    const before = speedSampleOf(snapAt(3.8, car(Math.PI)));
    const now = withYawRate(snapAt(3.9, car(-Math.PI + 0.095)), [before]);
    expect(now.agents[0]!.yawRateRadps).toBeCloseTo(0.95, 6);
  });

  it('measures nothing from a sample older than 0.3 s: a supplied value is kept', () => {
    const old = speedSampleOf(snapAt(3.0, car(0)));
    const now = withYawRate(snapAt(3.9, car(0.5, { yawRateRadps: 0.1 })), [old]);
    expect(now.agents[0]!.yawRateRadps).toBe(0.1);
  });

  it('its own measurement replaces a supplied one (a held heading: 0)', () => {
    const before = speedSampleOf(snapAt(3.8, car(1)));
    const now = withYawRate(snapAt(3.9, car(1, { yawRateRadps: 2 })), [before]);
    expect(now.agents[0]!.yawRateRadps).toBe(0);
  });
});
