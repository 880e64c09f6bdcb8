import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { eventsCsv, runStoryboard, statesCsv } from './StoryboardRun.ts';

/** Ego on lane 1 of the straight test road (driven against s, heading π) at 10 m/s; an event at 1 s sets 5 m/s. */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-sb-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 500 }));
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="sb"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Ego"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego">
   <PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="1" s="200" offset="0"/></Position></TeleportAction></PrivateAction>
   <PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>
  </Private></Actions></Init>
  <Story name="S"><Act name="A">
   <ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Ego"/></Actors>
    <Maneuver name="M"><Event name="Slow" priority="overwrite"><Action name="slow"><PrivateAction><LongitudinalAction><SpeedAction>
     <SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="5"/></SpeedActionTarget>
    </SpeedAction></LongitudinalAction></PrivateAction></Action>
    <StartTrigger><ConditionGroup><Condition name="at1" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="1" rule="greaterOrEqual"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Event></Maneuver>
   </ManeuverGroup>
   <StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger>
  </Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="2" rule="greaterOrEqual"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('storyboard mode', () => {
  const r = runStoryboard(file(), { stepS: 0.01 });
  if (!r.ok) throw new Error(r.error.message);
  const { states, events } = r.value;

  it('moves every entity at the given step along its lane, heading in [0, 2π)', () => {
    const at = (t: number) => states.find((s) => Math.abs(s.tS - t) < 1e-9)!;
    expect(at(0)).toMatchObject({ name: 'Ego', x: 200, y: 1.75, speedMps: 10 });
    expect(at(0).h).toBeCloseTo(Math.PI, 9);
    // 10 m/s until the event at t = 1.00 s, then 5 m/s: x decreases (lane 1 runs against s).
    expect(at(1).x).toBeCloseTo(190, 6);
    expect(at(2).x).toBeCloseTo(185, 6);
    expect(states.every((s) => s.h >= 0 && s.h < 2 * Math.PI)).toBe(true);
  });

  it("logs condition and element transitions at esmini's times (first step at t = step)", () => {
    const t = (kind: string, name: string) => events.find((e) => e.kind === kind && e.name === name)?.tS;
    expect(t('condition_true_time', 'go')).toBeCloseTo(0.01, 9);
    expect(t('element_start_time', 'Slow')).toBeCloseTo(1, 9);
    expect(t('storyboard_end_time', 'storyBoard')).toBeCloseTo(2, 9);
  });

  it("writes dat2csv's columns and time,kind,name", () => {
    const csv = statesCsv(states).split('\n');
    expect(csv[0]).toBe('time,id,name,x,y,z,h,p,r,speed');
    expect(csv[1]).toBe('0.000,0,Ego,200.000,1.750,0.000,3.142,0.000,0.000,10.000');
    expect(eventsCsv(events).split('\n')[0]).toBe('time,kind,name');
  });
});

describe('storyboard mode on a banked road whose superelevation grows along s (0.02 rad/m)', () => {
  /** A car standing on lane −1 (centre t = −1.75) at s = 50, where the road is rolled 1 rad. */
  const run = () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-sb-'));
    writeFileSync(
      join(dir, 'road.xodr'),
      straightRoadXodr({ lengthM: 100 }).replace(
        '<lanes>',
        '<lateralProfile><superelevation s="0" a="0" b="0.02" c="0" d="0"/></lateralProfile><lanes>',
      ),
    );
    const p = join(dir, 's.xosc');
    writeFileSync(
      p,
      `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="banked"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Car"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Car"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="50" offset="0"/></Position></TeleportAction></PrivateAction></Private></Actions></Init>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0.2" rule="greaterOrEqual"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
    );
    const r = runStoryboard(p, { stepS: 0.1 });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.states[0]!;
  };

  it('reports the surface point once: t = −1.75 rotated by the 1 rad roll (esmini pitch_by_super_elevation)', () => {
    const s = run();
    expect(s.y).toBeCloseTo(-1.75 * Math.cos(1), 9);
    expect(s.z).toBeCloseTo(-1.75 * Math.sin(1), 9);
  });

  it('pitches the body by the slope the growing roll gives the surface at t (esmini Position::GetPOffset)', () => {
    // Body pitch atan(tan(0.02)·1.75) about its own lateral axis, seen through the 1 rad roll.
    const pBody = Math.atan(Math.tan(0.02) * 1.75);
    expect(run().p).toBeCloseTo(Math.asin(Math.sin(pBody) * Math.cos(1)), 9);
  });
});
