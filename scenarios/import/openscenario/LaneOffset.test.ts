import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { runStoryboard } from './StoryboardRun.ts';

const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject>`;
const speed = (v: number) =>
  `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="${v}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
const place = (lane: number, s: number) =>
  `<PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="${lane}" s="${s}" offset="0"/></Position></TeleportAction></PrivateAction>`;

/**
 * Ego in lane −1 (centre y = −1.75) at 10 m/s, Target parked in lane −2 (centre y = −5.25). At 1 s
 * Ego moves to 0.9 m left of Target (y = −4.35) with a RelativeTargetLaneOffset, esmini's
 * relative_lane_offset.xosc pattern on our straight test road.
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-loff-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 500 }));
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="relative lane offset"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('Ego')}${car('Target')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="Ego">${place(-1, 50)}${speed(10)}</Private>
   <Private entityRef="Target">${place(-2, 200)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="A"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Ego"/></Actors><Maneuver name="M">
   <Event name="Offset" priority="parallel"><Action name="OffsetA"><PrivateAction><LateralAction><LaneOffsetAction continuous="false"><LaneOffsetActionDynamics dynamicsShape="cubic" maxLateralAcc="3.0"/><LaneOffsetTarget><RelativeTargetLaneOffset entityRef="Target" value="0.9"/></LaneOffsetTarget></LaneOffsetAction></LateralAction></PrivateAction></Action>
    <StartTrigger><ConditionGroup><Condition name="t1" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="1" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Event>
  </Maneuver></ManeuverGroup><StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="6" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('LaneOffsetAction with a RelativeTargetLaneOffset', () => {
  const r = runStoryboard(file(), { stepS: 0.1 });
  if (!r.ok) throw new Error(r.error.message);
  const at = (name: string, t: number) =>
    r.value.states.find((s) => s.name === name && Math.abs(s.tS - t) < 1e-6)!;

  it("ends `value` to the left of the referenced entity's position across the road", () => {
    expect(at('Ego', 5).y).toBeCloseTo(-5.25 + 0.9, 6);
    expect(r.value.unsupported.filter((u) => u.includes('LaneOffset'))).toEqual([]);
  });

  it('moves sideways on top of the longitudinal step, as esmini sets the offset at the s reached', () => {
    expect(at('Ego', 5).x).toBeCloseTo(50 + 10 * 5, 6);
  });
});
