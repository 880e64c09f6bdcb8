/**
 * A lane-following vehicle's sideways drift is what its positions bear out (`AgentState.courseRad`,
 * measured by the stack): a heading off its lane by noise, or on a coarse map, is no drift
 * (CommonRoad DEU_A9-3_1_T-1: a car keeping to the lane to the ego's right, 0.024 rad off the
 * lanelet's chord, was forecast into the ego's lane and the gate braked the ego at 4 m/s²).
 */
import { describe, expect, it } from 'vitest';
import type { AgentState } from '../core/index.ts';
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
