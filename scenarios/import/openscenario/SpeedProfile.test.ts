import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import {
  type SpeedProfileEntry,
  type SpeedProfileLimits,
  speedProfileAt,
  speedProfileInit,
  speedProfilePlan,
  speedProfileStep,
  UNCONSTRAINED,
} from './SpeedProfile.ts';
import { runStoryboard } from './StoryboardRun.ts';

/**
 * esmini's own values: EnvironmentSimulator/Unittest/ScenarioEngine_test.cpp, SpeedProfileTest
 * (esmini 77028d8), tolerance 1e-5 as there (1e-3 where esmini uses it). esmini's Step(t) reads the
 * speed at t; Start(t0) begins at the entity's speed.
 */
type Limits = Partial<SpeedProfileLimits>;
function esmini(
  entries: SpeedProfileEntry[],
  opts: { t0: number; speedMps: number; accelMps2?: number; follow: boolean; limits?: Limits },
) {
  const plan = speedProfilePlan(
    entries,
    {
      startS: opts.t0,
      speedMps: opts.speedMps,
      accelMps2: opts.accelMps2 ?? 0,
      offsetMps: 0,
      follow: opts.follow,
    },
    { ...UNCONSTRAINED, ...opts.limits },
  );
  let st = speedProfileInit(opts.speedMps);
  return {
    plan,
    speed: () => st.speedMps,
    step: (tS: number) => {
      st = speedProfileStep(plan, st, tS);
      return st.speedMps;
    },
  };
}
const e = (timeS: number | undefined, speedMps: number): SpeedProfileEntry =>
  timeS === undefined ? { speedMps } : { timeS, speedMps };
const constrained = {
  maxAccelMps2: 4,
  maxAccelRateMps3: 1,
  maxDecelMps2: 5,
  maxDecelRateMps3: 2,
  maxSpeedMps: 30,
};

describe('SpeedProfile (esmini SpeedProfileTest values)', () => {
  it('interpolates from the current speed towards a first entry after time 0 (TestSpeedProfileFirstEntryOffset)', () => {
    const p = esmini([e(2, 4)], { t0: 0.1, speedMps: 10, follow: false });
    expect(p.step(1)).toBeCloseTo(7.3, 5);
  });

  it('position mode is linear between entries and merges a duplicate time (TestSpeedProfileLinear)', () => {
    const entries = [e(10, 0)];
    let p = esmini(entries, { t0: 5, speedMps: 10, follow: false });
    expect(p.speed()).toBeCloseTo(10, 5);
    expect(p.step(5)).toBeCloseTo(10, 5);
    expect(p.step(8)).toBeCloseTo(7, 5);
    expect(p.step(14)).toBeCloseTo(1, 5);
    expect(p.step(17)).toBeCloseTo(0, 5);
    entries.push(e(5, 30));
    p = esmini(entries, { t0: 5, speedMps: 0, follow: false });
    expect(p.step(17)).toBeCloseTo(12, 5);
    expect(p.step(20)).toBeCloseTo(30, 5);
    expect(p.step(25)).toBeCloseTo(30, 5);
    entries.push(e(0, 40));
    p = esmini(entries, { t0: 0, speedMps: 10, follow: false });
    expect(p.step(14)).toBeCloseTo(24, 5);
    expect(p.step(15)).toBeCloseTo(40, 5);
    expect(p.step(16)).toBeCloseTo(40, 5);
  });

  it('position mode starts at a time-0 entry; follow mode from the current speed (TestSpeedProfileConstraints)', () => {
    const entries = [e(0, 0), e(10, 10), e(10, 5)];
    const pos = esmini(entries, { t0: 0, speedMps: 10, follow: false, limits: constrained });
    expect(pos.speed()).toBeCloseTo(10, 5);
    expect(pos.step(0)).toBeCloseTo(0, 5);
    expect(pos.step(1)).toBeCloseTo(1, 5);
    expect(pos.step(11)).toBeCloseTo(9.5, 5);
    const fol = esmini(entries, { t0: 0, speedMps: 10, follow: true, limits: constrained });
    expect(fol.speed()).toBeCloseTo(10, 5);
    expect(fol.step(0)).toBeCloseTo(10, 5);
    expect(fol.step(9)).toBeCloseTo(10, 5);
    expect(fol.step(11)).toBeCloseTo(9.5, 5);
  });

  it('follow mode reaches a single target with jerk-limited blends, stretched at maxAcceleration (TestSpeedProfileSingleEntry)', () => {
    const entries = [e(10, 20)];
    let p = esmini(entries, { t0: 0, speedMps: 1, follow: true, limits: constrained });
    expect(p.step(0)).toBeCloseTo(1, 5);
    expect(p.step(9)).toBeCloseTo(19, 5);
    expect(p.step(12)).toBeCloseTo(20, 5);
    p = esmini(entries, { t0: 0, speedMps: 1, follow: true, limits: { ...constrained, maxAccelMps2: 1 } });
    expect(p.step(0)).toBeCloseTo(1, 5);
    expect(p.step(9)).toBeCloseTo(9.5, 5);
    expect(p.step(17)).toBeCloseTo(17.5, 5);
    expect(p.step(20)).toBeCloseTo(20, 5);
    p = esmini([e(10, 0)], {
      t0: 0,
      speedMps: 19,
      follow: true,
      limits: { ...constrained, maxAccelMps2: 1 },
    });
    expect(p.step(0)).toBeCloseTo(19, 5);
    expect(p.step(4)).toBeCloseTo(11.13664, 5);
    expect(p.step(8)).toBeCloseTo(2, 5);
    expect(p.step(10)).toBeCloseTo(0, 5);
  });

  it('reaches an entry without a time at the limits, jerk-limited when following (TestSpeedProfileNoTime)', () => {
    const limits = {
      maxAccelMps2: 5,
      maxDecelMps2: 10,
      maxAccelRateMps3: 5,
      maxDecelRateMps3: 5,
      maxSpeedMps: 30,
    };
    let p = esmini([e(undefined, 10)], { t0: 0, speedMps: 0, follow: false, limits });
    expect(p.speed()).toBeCloseTo(0, 5);
    expect(p.step(2)).toBeCloseTo(10, 5);
    p = esmini([e(undefined, 10)], { t0: 0, speedMps: 0, follow: true, limits });
    expect(p.speed()).toBeCloseTo(0, 5);
    expect(p.step(2)).toBeCloseTo(7.5, 5);
    p = esmini([e(0, 0), e(undefined, 10)], { t0: 0, speedMps: 0, follow: true, limits });
    expect(p.step(2)).toBeCloseTo(7.5, 5);
    expect(p.step(4)).toBeCloseTo(10, 5);
  });

  it('starts at the action start time, not at 0, in both modes (TestSpeedProfileFromNonZeroTime)', () => {
    const limits = {
      maxAccelMps2: 4,
      maxDecelMps2: 10,
      maxAccelRateMps3: 5,
      maxDecelRateMps3: 4,
      maxSpeedMps: 30,
    };
    const expected = [
      [3.2, 0.3, 0.1],
      [4, 1.5, 1.38033],
      [5, 3, 3.03419],
      [6, 4.5, 4.68805],
      [8, 6, 6],
    ];
    for (const follow of [false, true]) {
      const p = esmini([e(0, 0), e(4, 6)], { t0: 3, speedMps: 0, follow, limits });
      expect(p.speed()).toBeCloseTo(0, 5);
      for (const [t, vPos, vFol] of expected) expect(p.step(t!)).toBeCloseTo(follow ? vFol! : vPos!, 5);
    }
  });

  it('follow mode starts from the entity acceleration (TestSpeedProfileNonZeroInitalAcc)', () => {
    const limits = {
      maxAccelMps2: 4,
      maxDecelMps2: 10,
      maxAccelRateMps3: 5,
      maxDecelRateMps3: 4,
      maxSpeedMps: 30,
    };
    const p = esmini([e(5, 4)], { t0: 0.1, speedMps: 10, accelMps2: 1, follow: true, limits });
    // still rising at 0.4 s although the entry lies below: the initial +1 m/s² is jerked away
    expect(p.step(0.4)).toBeCloseTo(10.12, 5);
    expect(Math.abs(p.step(5) - 4.025)).toBeLessThan(1e-3);
    expect(Math.abs(p.step(5.2) - 4)).toBeLessThan(1e-3);
  });

  it('ends when the last entry speed is reached (the action completes)', () => {
    const p = speedProfilePlan(
      [e(2, 4)],
      { startS: 0, speedMps: 0, accelMps2: 0, offsetMps: 0, follow: false },
      UNCONSTRAINED,
    );
    let st = speedProfileInit(0);
    st = speedProfileStep(p, st, 1);
    expect(st.done).toBe(false);
    st = speedProfileStep(p, st, 2.05);
    expect(st).toMatchObject({ speedMps: 4, done: true });
  });

  it('adds the reference entity speed to every entry', () => {
    const p = speedProfilePlan(
      [e(undefined, 4)],
      { startS: 0, speedMps: 10, accelMps2: 0, offsetMps: 3, follow: false },
      { ...UNCONSTRAINED, maxAccelMps2: 1, maxDecelMps2: 2 },
    );
    // From 10 m/s to 4 + 3 = 7 m/s at −2 m/s²: 1.5 s.
    expect(speedProfileAt(p, 1)).toBeCloseTo(8, 9);
    expect(speedProfileAt(p, 1.5)).toBeCloseTo(7, 9);
  });

  it("notes esmini's extension when the jerk limits cannot reach the speed on time", () => {
    // speed-profile_test.xosc Event4 shape: 3 s to 5 m/s from 14.99 m/s with jerk 4 / 3 m/s³.
    const p = speedProfilePlan(
      [e(3, 5)],
      { startS: 0, speedMps: 15, accelMps2: 0, offsetMps: 0, follow: true },
      { maxAccelMps2: 5, maxDecelMps2: 10, maxAccelRateMps3: 4, maxDecelRateMps3: 3, maxSpeedMps: 50 },
    );
    expect(p.notes.some((n) => n.startsWith("can't reach target speed 5.00 on target time 3.00s"))).toBe(
      true,
    );
    expect(speedProfileAt(p, 100)).toBeCloseTo(5, 9);
  });
});

describe('SpeedProfileAction in a storyboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-sprof-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 500 }));
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="speed profile"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Ego"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego">
   <PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="10" offset="0"/></Position></TeleportAction></PrivateAction>
   <PrivateAction><LongitudinalAction><SpeedProfileAction followingMode="position"><SpeedProfileEntry speed="10" time="0"/><SpeedProfileEntry speed="20" time="4"/></SpeedProfileAction></LongitudinalAction></PrivateAction>
  </Private></Actions></Init>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="6" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  const r = runStoryboard(p, { stepS: 0.1 });
  if (!r.ok) throw new Error(r.error.message);
  const at = (t: number) => r.value.states.find((s) => Math.abs(s.tS - t) < 1e-6)!;

  it('drives the entity at the profile speed: 10 → 20 m/s over 4 s, then held', () => {
    expect(at(2).speedMps).toBeCloseTo(15, 6);
    expect(at(5).speedMps).toBeCloseTo(20, 6);
    expect(r.value.unsupported.filter((u) => u.includes('SpeedProfile'))).toEqual([]);
  });
});

// esmini's test/smoke_test.py test_speed_profile (esmini 77028d8): speed-profile_test.xosc at
// --fixed_timestep 0.01, vendored in data/esmini. Car1 runs four follow profiles (jerk-limited,
// three of them extended in time) and one position profile; Car2 a position profile and a follow
// profile under maxAcceleration 1. Rows: time, entity, x, speed (esmini's csv, 3 decimals).
describe('speed-profile_test.xosc (esmini smoke test)', () => {
  const FILE = join(
    import.meta.dirname,
    '../../../data/esmini/EnvironmentSimulator/Unittest/xosc/speed-profile_test.xosc',
  );
  const run = runStoryboard(FILE, { stepS: 0.01 });
  if (!run.ok) throw new Error(run.error.message);
  const rows: [number, string, number, number][] = [
    [5.99, 'Car1', 26.941, 8.874],
    [5.99, 'Car2', 29.95, 9.975],
    [6.0, 'Car1', 27.03, 8.885],
    [6.0, 'Car2', 30.05, 10.0],
    [6.01, 'Car1', 27.119, 8.896],
    [6.01, 'Car2', 30.15, 9.985],
    [9.99, 'Car1', 54.699, 4.381],
    [9.99, 'Car2', 57.98, 4.015],
    [10.0, 'Car1', 54.743, 4.383],
    [10.0, 'Car2', 58.02, 4.0],
    [10.01, 'Car1', 54.787, 4.386],
    [10.01, 'Car2', 58.06, 4.02],
    [13.01, 'Car1', 74.86, 8.0],
    [13.01, 'Car2', 78.04, 0.0],
    [15.5, 'Car1', 94.783, 8.051],
    [15.5, 'Car2', 80.593, 2.25],
    [19.5, 'Car1', 140.675, 14.647],
    [20.3, 'Car1', 152.578, 14.999],
    [20.31, 'Car1', 152.728, 15.0],
    [25.0, 'Car1', 220.77, 10.867],
    [28.55, 'Car1', 231.128, 0.0],
    [31.21, 'Car1', 246.576, 9.167],
    [34.47, 'Car1', 262.293, 0.001],
    [34.48, 'Car1', 262.293, 0.0],
    [34.48, 'Car2', 240.359, 10.0],
  ];

  it.each(rows)('at %f s %s is at x %f driving %f m/s (to the csv 3 decimals)', (t, name, x, v) => {
    const s = run.value.states.find((q) => q.name === name && Math.abs(q.tS - t) < 1e-6)!;
    expect(Math.abs(s.x - x)).toBeLessThanOrEqual(0.0005 + 1e-9);
    expect(Math.abs(s.speedMps - v)).toBeLessThanOrEqual(0.0005 + 1e-9);
  });

  it("logs esmini's three target-time extensions at the times esmini does", () => {
    expect(run.value.messages.map((m) => `${m.tS.toFixed(2)} ${m.message}`)).toEqual([
      "23.34 can't reach target speed 5.00 on target time 26.34s with given jerk constraints, extend to 26.76s",
      "25.34 can't reach target speed 0.00 on target time 26.24s with given jerk constraints, extend to 27.54s",
      "29.55 can't reach target speed 0.00 on target time 30.05s with given jerk constraints, extend to 34.49s",
    ]);
  });

  it('completes the act at 34.48 s, so the stop condition (delay 3 s) ends the run at 37.49 s', () => {
    expect(
      run.value.events.find((e) => e.kind === 'element_end_time' && e.name === 'SpeedProfileAct')?.tS,
    ).toBeCloseTo(34.48, 6);
    expect(run.value.endS).toBeCloseTo(37.49, 6);
  });
});
