import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { speedProfileAt, speedProfileSegments } from './SpeedProfile.ts';
import { runStoryboard } from './StoryboardRun.ts';

const free = { maxAccelMps2: Infinity, maxDecelMps2: Infinity };

describe('SpeedProfile', () => {
  // esmini's condition_delay.xosc: 50 km/h at time 0, 100 km/h 4 s later, 50 km/h 4 s after that.
  const v50 = 50 / 3.6;
  const v100 = 100 / 3.6;
  const seg = speedProfileSegments(
    [
      { speedMps: v50, timeS: 0 },
      { speedMps: v100, timeS: 4 },
      { speedMps: v50, timeS: 4 },
    ],
    0,
    0,
    free,
  );

  it('starts at the time-0 entry speed, not the current speed, and is linear between entries', () => {
    expect(speedProfileAt(seg, 0)).toBeCloseTo(v50, 9);
    expect(speedProfileAt(seg, 2)).toBeCloseTo((v50 + v100) / 2, 9);
    expect(speedProfileAt(seg, 4)).toBeCloseTo(v100, 9);
    expect(speedProfileAt(seg, 6)).toBeCloseTo((v50 + v100) / 2, 9);
  });

  it('holds the last speed after the last entry', () => {
    expect(speedProfileAt(seg, 20)).toBeCloseTo(v50, 9);
  });

  it('reaches an entry steeper than maxAcceleration at that limit, later than written', () => {
    const s = speedProfileSegments([{ speedMps: 10, timeS: 2 }], 1, 0, { maxAccelMps2: 2, maxDecelMps2: 5 });
    expect(speedProfileAt(s, 3)).toBeCloseTo(4, 9);
    expect(speedProfileAt(s, 6)).toBeCloseTo(10, 9);
  });

  it('in follow mode, lets the current speed take the place of an entry at time 0 (esmini)', () => {
    const entries = [
      { speedMps: 10, timeS: 0 },
      { speedMps: 20, timeS: 4 },
    ];
    const lim = { maxAccelMps2: 10, maxDecelMps2: 10 };
    // position mode: starts at 10 whatever the entity drives; follow: from the current 4 m/s
    expect(speedProfileAt(speedProfileSegments(entries, 0, 4, lim), 0)).toBeCloseTo(10, 9);
    const follow = speedProfileSegments(entries, 0, 4, lim, 0, true);
    expect(speedProfileAt(follow, 0)).toBeCloseTo(4, 9);
    expect(speedProfileAt(follow, 2)).toBeCloseTo(12, 9);
    expect(speedProfileAt(follow, 4)).toBeCloseTo(20, 9);
  });

  it('reaches an entry without a time at the limit, and adds the reference speed', () => {
    const s = speedProfileSegments([{ speedMps: 4 }], 0, 10, { maxAccelMps2: 1, maxDecelMps2: 2 }, 3);
    // From 10 m/s to 4 + 3 = 7 m/s at −2 m/s²: 1.5 s.
    expect(speedProfileAt(s, 1)).toBeCloseTo(8, 9);
    expect(speedProfileAt(s, 1.5)).toBeCloseTo(7, 9);
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
