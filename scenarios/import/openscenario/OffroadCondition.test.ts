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

/**
 * Straight road with lanes 1, −1, −2 (3.5 m each: the road spans y −7 … 3.5). OnRoad drives in
 * lane −1; OffRoad drives beside the road at y = −12. Each waits for its own OffroadCondition
 * (duration 1 s).
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-offroad-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 500 }));
  const ev = (who: string) =>
    `<ManeuverGroup name="G${who}" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="${who}"/></Actors><Maneuver name="M${who}"><Event name="Off${who}" priority="parallel"><Action name="Off${who}A">${speed(1)}</Action><StartTrigger><ConditionGroup><Condition name="c${who}" delay="0" conditionEdge="none"><ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="${who}"/></TriggeringEntities><EntityCondition><OffroadCondition duration="1"/></EntityCondition></ByEntityCondition></Condition></ConditionGroup></StartTrigger></Event></Maneuver></ManeuverGroup>`;
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description="offroad"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('OnRoad')}${car('OffRoad')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="OnRoad"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="20" offset="0"/></Position></TeleportAction></PrivateAction>${speed(10)}</Private>
   <Private entityRef="OffRoad"><PrivateAction><TeleportAction><Position><WorldPosition x="20" y="-12" h="0"/></Position></TeleportAction></PrivateAction>${speed(10)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="A">${ev('OnRoad')}${ev('OffRoad')}<StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterOrEqual"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="3" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('OffroadCondition', () => {
  const r = runStoryboard(file(), { stepS: 0.1 });
  if (!r.ok) throw new Error(r.error.message);
  const started = (name: string) =>
    r.value.events.find((e) => e.kind === 'element_start_time' && e.name === name)?.tS;

  it('fires once the entity has been beyond the road for longer than the duration', () => {
    expect(started('OffOffRoad')).toBeCloseTo(1.1, 6);
  });

  it('never fires for an entity in a lane', () => {
    expect(started('OffOnRoad')).toBeUndefined();
  });
});
