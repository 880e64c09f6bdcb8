import { describe, expect, it } from 'vitest';
import type { AgentState, WorldSnapshot } from '../core/index.ts';
import { poseOn } from '../scenarios/builtin/build.ts';
import { type SpeedSample, speedSampleOf, withSustainedBraking } from './AgentBraking.ts';
import { roadMap } from './testing/safetyScenes.ts';

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

/** The snapshot judged: the car at `speedMps` at `tS`, with what a tracker says of it. */
function snapOf(tS: number, speedMps: number, supplied: Partial<AgentState> = {}): WorldSnapshot {
  return {
    tS,
    ego: { tS, x: -50, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
    agents: [{ ...car(speedMps), ...supplied }],
    lights: [],
    route: { laneIds: ['L'] },
  };
}

/** Samples of the car's speed (and heading, 0 unless given) at these times, oldest first. */
const samples = (pairs: [number, number, number?][]): SpeedSample[] =>
  pairs.map(([tS, v, h]) => ({ tS, speeds: new Map([['c', v]]), headings: new Map([['c', h ?? 0]]) }));

/** Snapshots `stepS` apart with the car at these speeds; the last is the snapshot judged. */
function judged(speeds: number[], supplied: Partial<AgentState> = {}, stepS = 0.1): AgentState {
  const history = samples(speeds.slice(0, -1).map((v, i) => [i * stepS, v]));
  const snap = snapOf((speeds.length - 1) * stepS, speeds[speeds.length - 1]!, supplied);
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

  it('one sample a second old sets nothing: one step’s reading, however long', () => {
    const snap = snapOf(1, 10.5);
    expect(withSustainedBraking(snap, samples([[0, 12]])).agents[0]!.sustainedDecelMps2).toBeUndefined();
  });

  it('steps longer than twice 0.1 s set nothing (a sparse history)', () => {
    expect(judged([12, 11.5, 11, 10.5], {}, 0.25).sustainedDecelMps2).toBeUndefined();
  });

  it('the window needs three steps: two of 0.15 s set nothing', () => {
    expect(judged([12, 11.5, 11], {}, 0.15).sustainedDecelMps2).toBeUndefined();
  });

  it('a dropped snapshot (a step of 0.2 s) still counts as a step', () => {
    const history = samples([
      [0, 10],
      [0.2, 9],
      [0.3, 8.5],
    ]);
    expect(withSustainedBraking(snapOf(0.4, 8), history).agents[0]!.sustainedDecelMps2).toBeCloseTo(5, 6);
  });

  it('a supplied value without the stack’s own evidence is dropped (no car excused on the source’s word)', () => {
    const steady = judged([10, 10, 10, 10], { sustainedDecelMps2: 4 });
    expect(steady.sustainedDecelMps2).toBeUndefined();
    expect('sustainedDecelMps2' in steady).toBe(false);
    // no history at all: none either
    expect(
      withSustainedBraking(snapOf(0, 10, { sustainedDecelMps2: 4 }), []).agents[0]!.sustainedDecelMps2,
    ).toBe(undefined);
  });

  it('a supplied value is kept only up to the braking the stack saw (the smaller of the two)', () => {
    // seen braking at 3 m/s² in every step
    expect(judged([10, 9.7, 9.4, 9.1], { sustainedDecelMps2: 6 }).sustainedDecelMps2).toBeCloseTo(3, 6);
    expect(judged([10, 9.7, 9.4, 9.1], { sustainedDecelMps2: 2 }).sustainedDecelMps2).toBe(2);
  });

  it('steps shorter than 0.1 s are merged (control-rate snapshots)', () => {
    const history = samples([10, 9.75, 9.5, 9.25, 9, 8.75].map((v, i) => [i * 0.05, v]));
    const snap: WorldSnapshot = {
      tS: 0.3,
      ego: { tS: 0.3, x: -50, y: 0, headingRad: 0, speedMps: 5, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      agents: [car(8.5)],
      lights: [],
      route: { laneIds: ['L'] },
    };
    expect(withSustainedBraking(snap, history).agents[0]!.sustainedDecelMps2).toBeCloseTo(5, 6);
  });

  it('the end of a swerve is not braking: the speed along the lane is kept, its magnitude falls as the heading turns back', () => {
    // fuzz seed 11 run 214: 6.17 m/s along the lane throughout, the sideways speed falling from
    // 4.42 to 1.1 m/s over 0.3 s (heading 36° → 10°): the speed's magnitude falls at 2.9–5.9 m/s²
    const at = (tS: number): [number, number, number] => {
      const lat = 6.63 * (1 - (tS - 2.2) / 0.6);
      return [tS, Math.hypot(6.17, lat), Math.atan2(lat, 6.17)];
    };
    const [tS, v, h] = at(2.7);
    const snap = snapOf(tS, v, { headingRad: h });
    expect(
      withSustainedBraking(snap, samples([at(2.4), at(2.5), at(2.6)])).agents[0]!.sustainedDecelMps2,
    ).toBe(undefined);
  });

  it('a brake in a junction turn still is braking (3 m/s² at a yaw rate of 0.5 rad/s)', () => {
    const at = (tS: number): [number, number, number] => [tS, 8 - 3 * tS, 0.5 * tS];
    const [tS, v, h] = at(0.3);
    const snap = snapOf(tS, v, { headingRad: h });
    expect(
      withSustainedBraking(snap, samples([at(0), at(0.1), at(0.2)])).agents[0]!.sustainedDecelMps2,
    ).toBeCloseTo(3, 6);
  });

  it('a heading across the ±π seam is no turn (a car braking westwards)', () => {
    const at = (tS: number): [number, number, number] => [
      tS,
      8 - 3 * tS,
      tS < 0.15 ? Math.PI - 0.01 : -Math.PI + 0.01,
    ];
    const [tS, v, h] = at(0.3);
    const snap = snapOf(tS, v, { headingRad: h });
    expect(
      withSustainedBraking(snap, samples([at(0), at(0.1), at(0.2)])).agents[0]!.sustainedDecelMps2,
    ).toBeCloseTo(3, 6);
  });
});

describe('withSustainedBraking on a map: the speed along the lane', () => {
  const map = roadMap({ lanes: 1 });
  const lane = poseOn(map, 'R0', 100);
  /** Snapshots of the car on R0 at these (time, speed, heading), as the callers sample them with the map. */
  function onMap(frames: [number, number, number][]): {
    snap: WorldSnapshot;
    history: SpeedSample[];
    now: SpeedSample;
  } {
    const snaps = frames.map(([tS, v, h]) =>
      snapOf(tS, v, { x: lane.x, y: lane.y, headingRad: lane.headingRad + h }),
    );
    const history = snaps.slice(0, -1).map((x) => speedSampleOf(x, map));
    const snap = snaps.at(-1)!;
    return { snap, history, now: speedSampleOf(snap, map) };
  }

  it('a swerve’s end that turns slowly at first is not braking (run 214 at 2.2–2.5 s: the band alone lets it pass)', () => {
    // coming the other way over the lane: 6.17 m/s along it, sideways 6.63 → 5.0 m/s, heading 47° →
    // 39° off its axis (0.14 rad in 0.3 s), the speed's magnitude falling 1.2, 3.8 and 6.1 m/s²
    const at = (tS: number, lat: number): [number, number, number] => [
      tS,
      Math.hypot(6.17, lat),
      Math.PI + Math.atan2(lat, 6.17),
    ];
    const { snap, history, now } = onMap([at(2.2, 6.63), at(2.3, 6.46), at(2.4, 5.92), at(2.5, 5.0)]);
    // the premise: without the map (its speed's magnitude) it reads as braking
    expect(withSustainedBraking(snap, history).agents[0]!.sustainedDecelMps2).toBeGreaterThan(1);
    expect(withSustainedBraking(snap, history, now).agents[0]!.sustainedDecelMps2).toBeUndefined();
  });

  it('a straight brake along the lane still is braking', () => {
    const { snap, history, now } = onMap([
      [0, 10, 0],
      [0.1, 9.7, 0],
      [0.2, 9.4, 0],
      [0.3, 9.1, 0],
    ]);
    expect(withSustainedBraking(snap, history, now).agents[0]!.sustainedDecelMps2).toBeCloseTo(3, 6);
  });

  it('a car braking against the lane (the road’s axis, either way) still is braking', () => {
    const { snap, history, now } = onMap([
      [0, 10, Math.PI],
      [0.1, 9.7, Math.PI],
      [0.2, 9.4, Math.PI],
      [0.3, 9.1, Math.PI],
    ]);
    expect(withSustainedBraking(snap, history, now).agents[0]!.sustainedDecelMps2).toBeCloseTo(3, 6);
  });
});
