import { describe, expect, it } from 'vitest';
import type { AgentState, WorldSnapshot } from '../core/index.ts';
import { createSafetyGate } from '../safety/index.ts';
import type { SpeedSample } from './AgentBraking.ts';
import { withCourse } from './AgentCourse.ts';
import { AGENT_HISTORY_INITIAL, agentHistoryParams, agentHistoryStep } from './AgentHistory.ts';
import { roadMap } from './testing/safetyScenes.ts';

/** A car at (x, y) heading `headingRad` (0.03: angled off its travel, as a noisy heading is). */
const carAt = (x: number, y: number, headingRad = 0.03, supplied: Partial<AgentState> = {}): AgentState => ({
  id: 'c',
  kind: 'vehicle',
  x,
  y,
  headingRad,
  speedMps: 20,
  lengthM: 4.8,
  widthM: 1.9,
  ...supplied,
});

const snapOf = (tS: number, car: AgentState): WorldSnapshot => ({
  tS,
  ego: { tS, x: -50, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
  agents: [car],
  lights: [],
  route: { laneIds: ['R0'] },
});

/** Samples with the car at these (time, x, y), oldest first. */
const samples = (rows: [number, number, number][]): SpeedSample[] =>
  rows.map(([tS, x, y]) => ({
    tS,
    speeds: new Map([['c', 20]]),
    headings: new Map([['c', 0.03]]),
    positions: new Map([['c', { x, y }]]),
  }));

describe('withCourse', () => {
  it('is the direction from its position 0.3 s ago to its position now, not its heading', () => {
    // 6 m along x and 0.06 m up over 0.3 s: course 0.01 rad, heading 0.03
    const c = withCourse(
      snapOf(0.3, carAt(6, 0.06)),
      samples([
        [0, 0, 0],
        [0.1, 2, 0.02],
        [0.2, 4, 0.04],
      ]),
    );
    expect(c.agents[0]!.courseRad).toBeCloseTo(0.01, 6);
  });

  it('a car that moved under 2 m in the window has none (position noise would be its course)', () => {
    const c = withCourse(snapOf(0.3, carAt(1.5, 0.3)), samples([[0, 0, 0]]));
    expect(c.agents[0]!.courseRad).toBeUndefined();
  });

  it('a history shorter than 0.3 s, or only older than 0.6 s, gives none', () => {
    expect(withCourse(snapOf(0.2, carAt(4, 0)), samples([[0, 0, 0]])).agents[0]!.courseRad).toBeUndefined();
    expect(withCourse(snapOf(1, carAt(20, 0)), samples([[0, 0, 0]])).agents[0]!.courseRad).toBeUndefined();
  });

  it('a car turning (its heading 0.02 rad off its heading 0.1 s ago: a cut-in starts) has none', () => {
    const turning: SpeedSample[] = samples([
      [0, 0, 0],
      [0.1, 2, 0.02],
      [0.2, 4, 0.04],
    ]);
    turning[2]!.headings.set('c', 0.01);
    const c = withCourse(snapOf(0.3, carAt(6, 0.06)), turning);
    expect(c.agents[0]!.courseRad).toBeUndefined();
  });

  it('a car reversing (its course within 45° of its heading’s reverse) has that course', () => {
    const c = withCourse(snapOf(0.3, carAt(-3, 0, 0)), samples([[0, 0, 0]]));
    expect(c.agents[0]!.courseRad).toBeCloseTo(Math.PI, 9);
  });

  it('a car reversing at 3 m/s (0.9 m in the 0.3 s window) has its course: the sense counts, not 2 m of travel', () => {
    const c = withCourse(snapOf(0.3, carAt(-0.9, 0, 0)), samples([[0, 0, 0]]));
    expect(c.agents[0]!.courseRad).toBeCloseTo(Math.PI, 9);
  });

  it('a reversing course carries the speed its positions show where the heading held', () => {
    const steady: SpeedSample[] = samples([[0, 0, 0]]);
    steady[0]!.headings.set('c', 0);
    const c = withCourse(snapOf(0.3, carAt(-0.9, 0, 0)), steady);
    expect(c.agents[0]!.courseSpeedMps).toBeCloseTo(3, 9);
  });

  it('a car reversing through a bend (its heading turning) still has its course', () => {
    const bend: SpeedSample[] = samples([[0, 0, 0]]);
    bend[0]!.headings.set('c', 0.1);
    const c = withCourse(snapOf(0.3, carAt(-0.9, 0, 0)), bend);
    expect(c.agents[0]!.courseRad).toBeCloseTo(Math.PI, 9);
    // (unconfirmed: no speed along it, the gate forecasts it both ways)
    expect(c.agents[0]!.courseSpeedMps).toBeUndefined();
  });

  it('a car sliding sideways (its course more than 45° off its heading and its reverse) has none', () => {
    const c = withCourse(snapOf(0.3, carAt(0, 3, 0)), samples([[0, 0, 0]]));
    expect(c.agents[0]!.courseRad).toBeUndefined();
  });

  it('a supplied course is never kept: replaced by the measured one, dropped where none is measured', () => {
    const hist = samples([[0, 0, 0]]);
    expect(withCourse(snapOf(0.3, carAt(6, 0, 0.03, { courseRad: 0.5 })), hist).agents[0]!.courseRad).toBe(0);
    expect(
      withCourse(snapOf(0.3, carAt(1, 0, 0.03, { courseRad: 0 })), hist).agents[0]!.courseRad,
    ).toBeUndefined();
  });
});

describe('agentHistoryStep: the course the gate is handed', () => {
  const map = roadMap();
  const gateParams = createSafetyGate().params;
  // a car at 20 m/s along the lane whose heading reads 0.03 rad off it
  const run = (cadence: 'control' | 'plan', stepS: number): number | undefined => {
    const params = agentHistoryParams(gateParams, cadence);
    let state = AGENT_HISTORY_INITIAL;
    let seen: WorldSnapshot | undefined;
    for (let k = 0; k * stepS <= 0.5 + 1e-9; k++) {
      const tS = Math.round(k * stepS * 1e9) / 1e9;
      const r = agentHistoryStep(state, snapOf(tS, carAt(100 + 20 * tS, 0)), map, params);
      state = r.state;
      seen = r.gateSnapshot;
    }
    return seen!.agents[0]!.courseRad;
  };

  it('at control rate (Stack) and at plan rate (GatedPlanner) alike: along its motion', () => {
    expect(run('control', 0.05)).toBeCloseTo(0, 9);
    expect(run('plan', 0.1)).toBeCloseTo(0, 9);
  });
});
