import { describe, expect, it } from 'vitest';
import type { AgentState, ScenarioAgent } from '../../core/index.ts';
import { poseOn, road, walkTrack } from '../../scenarios/builtin/index.ts';
import { sampleTrack } from './AgentFleet.ts';
import { BodyForecast } from './BodyForecast.ts';
import { segmentHitsBox, walkScript } from './PedestrianCrossing.ts';
import { agentAt, drive, egoAtCentre, world } from './testWorld.ts';

const data = road({ lanes: 1, oncoming: true, shoulder: true, speedLimitMps: 11 });
const CROSS_S = 76.5;

function crossingWorld(): { w: ReturnType<typeof world>; track: ReturnType<typeof walkTrack> } {
  const w0 = world(data, [], egoAtCentre(0, 0, 0, 0, 0), ['R0']);
  const a = poseOn(w0.map, 'R0', CROSS_S, -3.6);
  const b = poseOn(w0.map, 'R0', CROSS_S, 4);
  const track = walkTrack(a, b, 1.0, 1.5, 12);
  const ped: ScenarioAgent = {
    id: 'ped',
    kind: 'pedestrian',
    lengthM: 0.6,
    widthM: 0.6,
    start: { ...track[0]!, speedMps: 0 },
    behavior: { type: 'replay', track },
    reactive: 'replay',
  };
  return { w: world(data, [ped], egoAtCentre(0, 0, 0, 0, 0), ['R0']), track };
}

/** An ego on R0 whose footprint centre starts at s0 with speed v0 and constant acceleration a (stops at 0). */
function egoOnR0(s0: number, v0: number, a: number) {
  return (tS: number) => {
    const tStop = a < 0 ? Math.min(tS, v0 / -a) : tS;
    const v = Math.max(0, v0 + a * tStop);
    const s = s0 + v0 * tStop + 0.5 * a * tStop * tStop;
    return egoAtCentre(tS, s, 0, 0, v, v > 0 ? a : 0);
  };
}

describe('pedestrians at the kerb', () => {
  it('finds where the walk enters and leaves the road', () => {
    const { w, track } = crossingWorld();
    const s = walkScript(track, w.map)!;
    expect(s.startS).toBeCloseTo(1.0, 9);
    expect(s.speedMps).toBeCloseTo(1.5, 9);
    expect(s.kerbInS).toBeGreaterThan(0.5);
    expect(s.kerbOutS).toBeGreaterThan(s.kerbInS + 3);
    expect(s.kerbOutS).toBeLessThan(s.path.length);
    expect(new BodyForecast(1, 4, 0.5).samples).toBe(9);
  });

  it('a pedestrian waits at the kerb while a car comes on without braking, then crosses behind it', () => {
    const { w } = crossingWorld();
    const ego = egoOnR0(45, 11, 0);
    const run = drive(w, 'interactive', ego, 12);
    for (let k = 0; k < run.agents.length; k++) {
      const p = agentAt(run, k, 'ped');
      const egoCentreX = 45 + 11 * k * 0.1;
      // Until the car's rear has passed the crossing the pedestrian stays out of its lane.
      if (egoCentreX - 2.6 < CROSS_S + 0.5) expect(Math.abs(p.y), `tick ${k}`).toBeGreaterThan(1.75);
    }
    expect(agentAt(run, run.agents.length - 1, 'ped').y).toBeGreaterThan(3.5);
    // nuPlan's reactive mode replays the pedestrian into the car's path.
    const replay = drive(w, 'idm', ego, 4);
    const onRoad = replay.agents.some((_, k) => {
      const p = agentAt(replay, k, 'ped');
      return Math.abs(p.y) < 1.75 && 45 + 11 * k * 0.1 < CROSS_S;
    });
    expect(onRoad).toBe(true);
  });

  it('a pedestrian crosses as scripted when the car has stopped for it', () => {
    const { w, track } = crossingWorld();
    const run = drive(w, 'interactive', egoOnR0(60, 0, 0), 12);
    const want: AgentState = { ...agentAt(run, 0, 'ped') };
    for (let k = 0; k < run.agents.length; k++) {
      sampleTrack(track, k * 0.1, want);
      const p = agentAt(run, k, 'ped');
      expect(Math.hypot(p.x - want.x, p.y - want.y), `tick ${k}`).toBeLessThan(1e-6);
    }
  });

  it('a pedestrian crosses in front of a car that brakes to stop short of the crossing', () => {
    const { w, track } = crossingWorld();
    // 8 m/s braking at 3 m/s² stops 10.7 m on: well short of the crossing.
    const run = drive(w, 'interactive', egoOnR0(40, 8, -3), 12);
    const want: AgentState = { ...agentAt(run, 0, 'ped') };
    const k = 40; // 4 s: the script has the pedestrian 4.5 m into the walk
    sampleTrack(track, k * 0.1, want);
    const p = agentAt(run, k, 'ped');
    expect(Math.hypot(p.x - want.x, p.y - want.y)).toBeLessThan(1e-6);
    expect(Math.abs(p.y)).toBeLessThan(1.75);
  });

  it('a pedestrian behind a parked van cannot see the car and walks out as scripted until it can', () => {
    const { w: open, track } = crossingWorld();
    const van: ScenarioAgent = {
      id: 'van',
      kind: 'static',
      lengthM: 5.5,
      widthM: 2.1,
      start: { ...poseOn(open.map, 'R0', CROSS_S - 4.5, -2.9), speedMps: 0 },
      behavior: { type: 'static' },
      reactive: 'replay',
    };
    const w = world(data, [...open.scenario.agents, van], egoAtCentre(0, 0, 0, 0, 0), ['R0']);
    const run = drive(w, 'interactive', egoOnR0(45, 11, 0), 4);
    const want: AgentState = { ...agentAt(run, 0, 'ped') };
    // 0.8 s into the walk: still hidden by the van, walking as scripted.
    sampleTrack(track, 1.8, want);
    const p = agentAt(run, 18, 'ped');
    expect(Math.hypot(p.x - want.x, p.y - want.y)).toBeLessThan(1e-6);
    expect(want.y).toBeGreaterThan(-3.6 + 1);
    // Without the van the same pedestrian sees the car and has not left its spot.
    expect(agentAt(drive(open, 'interactive', egoOnR0(45, 11, 0), 4), 18, 'ped').y).toBeCloseTo(-3.6, 6);
  });

  it('a line of sight is blocked exactly when it passes through the box', () => {
    const box = { cx: 0, cy: 0, headingRad: Math.PI / 4, lengthM: 2, widthM: 1 };
    expect(segmentHitsBox(-5, 0, 5, 0, box)).toBe(true);
    expect(segmentHitsBox(-5, 3, 5, 3, box)).toBe(false);
    expect(segmentHitsBox(-5, -5, -2, -2, box)).toBe(false);
    expect(segmentHitsBox(0.1, 0.1, 9, 9, box)).toBe(true);
  });
});
