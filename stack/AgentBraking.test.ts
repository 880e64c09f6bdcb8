import { describe, expect, it } from 'vitest';
import type { AgentState, WorldSnapshot } from '../core/index.ts';
import { type SpeedSample, withSustainedBraking } from './AgentBraking.ts';

const car = (speedMps: number): AgentState => ({
  id: 'c',
  kind: 'vehicle',
  x: 0,
  y: 0,
  headingRad: 0,
  speedMps,
  lengthM: 4.8,
  widthM: 1.9,
});

/** Snapshots 0.1 s apart with the car at these speeds; the last is the snapshot judged. */
function judged(speeds: number[]): AgentState {
  const history: SpeedSample[] = speeds.slice(0, -1).map((v, i) => ({
    tS: i * 0.1,
    speeds: new Map([['c', v]]),
  }));
  const tS = (speeds.length - 1) * 0.1;
  const snap: WorldSnapshot = {
    tS,
    ego: { tS, x: -50, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents: [car(speeds[speeds.length - 1]!)],
    lights: [],
    route: { laneIds: ['L'] },
  };
  return withSustainedBraking(snap, history).agents[0]!;
}

describe('withSustainedBraking', () => {
  it('gives the weakest step of braking held over the last 0.3 s', () => {
    // steps of 0.6, 0.3 and 0.9 m/s per 0.1 s: 6, 3 and 9 m/s²
    expect(judged([10, 9.4, 9.1, 8.2]).sustainedDecelMps2).toBeCloseTo(3, 6);
  });

  it('a single step of braking sets nothing (a blip, or one noisy pair of speeds)', () => {
    expect(judged([10, 10, 10, 9]).sustainedDecelMps2).toBeUndefined();
  });

  it('a driver who lets go of the brake in the last step is no longer braking', () => {
    expect(judged([12, 11, 10, 9, 8.98]).sustainedDecelMps2).toBeUndefined();
  });

  it('braking under 1 m/s² in any step is not firm braking', () => {
    expect(judged([10, 9.5, 9.42, 9]).sustainedDecelMps2).toBeUndefined();
  });

  it('needs the whole window seen: two steps of history set nothing', () => {
    expect(judged([10, 9, 8]).sustainedDecelMps2).toBeUndefined();
  });

  it('steps shorter than 0.1 s are merged (control-rate snapshots)', () => {
    const history: SpeedSample[] = [10, 9.75, 9.5, 9.25, 9, 8.75].map((v, i) => ({
      tS: i * 0.05,
      speeds: new Map([['c', v]]),
    }));
    const snap: WorldSnapshot = {
      tS: 0.3,
      ego: { tS: 0.3, x: -50, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [car(8.5)],
      lights: [],
      route: { laneIds: ['L'] },
    };
    expect(withSustainedBraking(snap, history).agents[0]!.sustainedDecelMps2).toBeCloseTo(5, 6);
  });
});
