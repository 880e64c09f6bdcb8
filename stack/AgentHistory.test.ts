/**
 * The agents' history at each caller's cadence: `Stack` steps it at control rate, `GatedPlanner`
 * once per plan tick (the sightings and the braking rule themselves: AgentsSeen.test.ts,
 * AgentBraking.test.ts; both callers end to end: AgentsSeen.test.ts, Stack.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { AgentState, WorldSnapshot } from '../core/index.ts';
import { createSafetyGate } from '../safety/index.ts';
import {
  AGENT_HISTORY_INITIAL,
  type AgentHistoryParams,
  agentHistoryParams,
  agentHistoryStep,
} from './AgentHistory.ts';
import { roadMap, scene } from './testing/safetyScenes.ts';

const map = roadMap();
const gateParams = createSafetyGate().params;

/** A car 100 m down the ego's lane at `speedMps`, at `tS`. */
const snapOf = (tS: number, speedMps: number): WorldSnapshot =>
  scene({ map, tS, agents: [{ id: 'c', lane: 'R0', s: 100, speed: speedMps }] }).snapshot;

/** Steps the history through snapshots (time, the car's speed); the car as the gate sees it in the last. */
function lastSeen(frames: [number, number][], params: AgentHistoryParams): AgentState {
  let state = AGENT_HISTORY_INITIAL;
  let seen: WorldSnapshot | undefined;
  for (const [tS, v] of frames) {
    const r = agentHistoryStep(state, snapOf(tS, v), map, params);
    state = r.state;
    seen = r.gateSnapshot;
  }
  return seen!.agents[0]!;
}

const control = agentHistoryParams(gateParams, 'control');
const plan = agentHistoryParams(gateParams, 'plan');

describe('agentHistoryStep', () => {
  // control steps 0.05 s apart; the car holds 10 m/s, then reads 9.5 m/s
  const controlSteps: [number, number][] = [
    [0, 10],
    [0.05, 10],
    [0.1, 9.5],
  ];

  it('at control rate, accelerations are speed differences over at least 0.1 s (not the last 0.05 s step)', () => {
    expect(lastSeen(controlSteps, control).accelMps2).toBeCloseTo(-5, 9);
  });

  it('per plan tick, accelerations are speed differences since the last tick', () => {
    expect(lastSeen(controlSteps, plan).accelMps2).toBeCloseTo(-10, 9);
  });

  // snapshots 0.2 s apart (5 Hz), the car braking at 5 m/s² throughout
  const sparse: [number, number][] = [
    [0, 10],
    [0.2, 9],
    [0.4, 8],
    [0.6, 7],
  ];

  it('at control rate, the newest sample older than the braking history stays: three 0.2 s steps show sustained braking', () => {
    expect(lastSeen(sparse, control).sustainedDecelMps2).toBeCloseTo(5, 6);
  });

  it('per plan tick, samples older than the braking history go: at 5 Hz two steps remain, no sustained braking', () => {
    expect(lastSeen(sparse, plan).sustainedDecelMps2).toBeUndefined();
  });
});

describe('agentHistoryStep: a first sighting of unknown speed', () => {
  /** The car first seen without a speed (placeholder 0) at t = 0, then measured at `speedMps`. */
  function measuredAfterUnknown(speedMps: number, params: AgentHistoryParams): AgentState {
    const first = snapOf(0, 0);
    first.agents[0] = { ...first.agents[0]!, speedKnown: false };
    let state = agentHistoryStep(AGENT_HISTORY_INITIAL, first, map, params).state;
    let seen: WorldSnapshot | undefined;
    for (const tS of [0.05, 0.1]) {
      const r = agentHistoryStep(state, snapOf(tS, speedMps), map, params);
      state = r.state;
      seen = r.gateSnapshot;
    }
    return seen!.agents[0]!;
  }

  it('gives no acceleration against the placeholder (a car measured at 13.9 m/s did not speed up from 0)', () => {
    // (139 m/s² read as "not braking" would grant a lead RSS's relaxed, ramped response)
    expect(measuredAfterUnknown(13.9, control).accelMps2).toBeUndefined();
    expect(measuredAfterUnknown(13.9, plan).accelMps2).toBe(0);
  });
});
