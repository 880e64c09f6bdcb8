import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { EGO_TRIGGERS_UNFIRED_TAG } from './EgoTriggers.ts';
import { importOpenScenario } from './OpenScenario.ts';

const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject>`;
const place = (x: number, speedMps: number) =>
  `<PrivateAction><TeleportAction><Position><WorldPosition x="${x}" y="-1.75" h="0"/></Position></TeleportAction></PrivateAction>
   <PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="${speedMps}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
const external = `<PrivateAction><ControllerAction><AssignControllerAction><Controller name="HeroAgent"><Properties><Property name="module" value="external_control"/></Properties></Controller></AssignControllerAction></ControllerAction></PrivateAction>`;

/**
 * CARLA ScenarioRunner's shape (FollowLeadingVehicle): the hero under external_control, a lead that
 * drives off once the hero comes within 40 m of it. `heroSpeedMps` 0: the hero never moves.
 */
function file(heroSpeedMps: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-egotrig-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 400 }));
  const p = join(dir, `hero${heroSpeedMps}.xosc`);
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description="ego triggers"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('hero')}${car('lead')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="hero">${place(10, heroSpeedMps)}${external}</Private>
   <Private entityRef="lead">${place(80, 0)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="Act"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="lead"/></Actors><Maneuver name="M">
   <Event name="LeadGoes" priority="overwrite"><Action name="LeadGoesA"><PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Action>
    <StartTrigger><ConditionGroup><Condition name="HeroClose" delay="0" conditionEdge="rising"><ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="hero"/></TriggeringEntities><EntityCondition><RelativeDistanceCondition entityRef="lead" relativeDistanceType="longitudinal" value="40" freespace="false" rule="lessThan"/></EntityCondition></ByEntityCondition></Condition></ConditionGroup></StartTrigger></Event>
  </Maneuver></ManeuverGroup><StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="20" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('ego-read triggers of an ego that never moves (CARLA external_control hero)', () => {
  it('warns once per file, naming the condition and the controller, and tags the scenario', () => {
    // review 14 M2: the lead was imported standing without a word, and the run scored 100
    const r = importOpenScenario(file(0));
    if (!r.ok) throw new Error(r.error.message);
    const w = r.value.warnings.filter((x) => x.includes('does not move in the storyboard'));
    expect(w).toHaveLength(1);
    expect(w[0]).toContain(
      'the ego hero does not move in the storyboard (assigned controller external_control',
    );
    expect(w[0]).toContain('(HeroClose)');
    expect(w[0]).toContain('1 event(s) never start (1 of 1 actor(s) standing');
    expect(w[0]).toContain("in closed loop the storyboard runs live against the planner's ego");
    expect(r.value.scenarios[0]!.tags).toContain(EGO_TRIGGERS_UNFIRED_TAG);
  });

  it('says nothing where the scripted ego drives and fires them', () => {
    const r = importOpenScenario(file(8));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.warnings.some((x) => x.includes('does not move in the storyboard'))).toBe(false);
    expect(r.value.scenarios[0]!.tags).not.toContain(EGO_TRIGGERS_UNFIRED_TAG);
    expect(r.value.scenarios[0]!.agents.find((a) => a.id === 'lead')!.behavior.type).toBe('replay');
  });
});
