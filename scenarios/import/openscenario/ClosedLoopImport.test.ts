import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxCorners, egoBox, unwrap, VehicleParamsSchema } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/index.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { importOpenScenario } from './index.ts';

// Two entities teleported to lane -1 of the straight test road; the second at `twinS` (esmini's
// long_dist_action_with_jerk.xosc puts "ego jerk" where "Ego" is, to compare two variants of one
// action side by side: esmini has no collisions).
function scenario(twinS: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-twin-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 300 }));
  const vehicle = (name: string) =>
    `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.4" y="0" z="0.9"/><Dimensions width="2" length="4.5" height="1.5"/></BoundingBox><Performance maxSpeed="50" maxAcceleration="5" maxDeceleration="10"/><Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.8" positionX="2.8" positionZ="0.3"/><RearAxle maxSteering="0" wheelDiameter="0.6" trackWidth="1.8" positionX="0" positionZ="0.3"/></Axles></Vehicle></ScenarioObject>`;
  const start = (name: string, s: number) =>
    `<Private entityRef="${name}"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="${s}" offset="0"/></Position></TeleportAction></PrivateAction><PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Private>`;
  const xosc = `<?xml version="1.0"?>
<OpenSCENARIO>
 <FileHeader revMajor="1" revMinor="0" date="2020-03-20T12:00:00" description="twin" author=""/>
 <ParameterDeclarations/>
 <CatalogLocations/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${vehicle('Ego')}${vehicle('ego jerk')}</Entities>
 <Storyboard>
  <Init><Actions>${start('Ego', 20)}${start('ego jerk', twinS)}</Actions></Init>
  <Story name="s"><Act name="a"><ManeuverGroup name="g" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"/></ManeuverGroup>
   <StartTrigger><ConditionGroup><Condition name="c" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="10" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`;
  const path = join(dir, 'twin.xosc');
  writeFileSync(path, xosc);
  return path;
}

describe('an entity that starts where the ego starts', () => {
  it('is a second instance of the ego: left out of the agents, with a warning', () => {
    const r = unwrap(importOpenScenario(scenario(20)));
    expect(r.scenarios[0]!.agents.map((a) => a.id)).toEqual([]);
    expect(r.warnings.join('\n')).toContain('entity ego jerk starts where the ego Ego starts');
  });

  it('one a car length ahead is a vehicle like any other', () => {
    const r = unwrap(importOpenScenario(scenario(26)));
    expect(r.scenarios[0]!.agents.map((a) => a.id)).toEqual(['ego jerk']);
    expect(r.warnings.join('\n')).not.toContain('second instance');
  });
});

describe('a scenario without a road network', () => {
  it("lays its free-space lane from behind the ego's start: the whole footprint is on it at t = 0", () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-free-'));
    const xosc = `<?xml version="1.0"?>
<OpenSCENARIO>
 <FileHeader revMajor="1" revMinor="0" date="2020-03-20T12:00:00" description="free" author=""/>
 <ParameterDeclarations/>
 <CatalogLocations/>
 <RoadNetwork/>
 <Entities><ScenarioObject name="Ego"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.4" y="0" z="0.9"/><Dimensions width="2" length="4.5" height="1.5"/></BoundingBox><Performance maxSpeed="50" maxAcceleration="5" maxDeceleration="10"/><Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.8" positionX="2.8" positionZ="0.3"/><RearAxle maxSteering="0" wheelDiameter="0.6" trackWidth="1.8" positionX="0" positionZ="0.3"/></Axles></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego"><PrivateAction><TeleportAction><Position><WorldPosition x="5" y="2" z="0" h="0.5"/></Position></TeleportAction></PrivateAction><PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="5"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Private></Actions></Init>
  <Story name="s"><Act name="a"><ManeuverGroup name="g" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"/></ManeuverGroup>
   <StartTrigger><ConditionGroup><Condition name="c" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="10" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`;
    const path = join(dir, 'free.xosc');
    writeFileSync(path, xosc);
    const r = unwrap(importOpenScenario(path));
    const sc = r.scenarios[0]!;
    expect(sc.map.kind).toBe('inline');
    const map = new RoadMap(
      (sc.map as { kind: 'inline'; map: ConstructorParameters<typeof RoadMap>[0] }).map,
    );
    const c = boxCorners(egoBox(sc.egoStart, VehicleParamsSchema.parse({})));
    for (let i = 0; i < 8; i += 2)
      expect(map.isDrivable(c[i]!, c[i + 1]!), `corner ${c[i]}, ${c[i + 1]}`).toBe(true);
    // The file posts no limit for it: the lane carries no posted limit (the metric scores none).
    expect(map.lanes.map((l) => l.data.speedLimitPosted)).toEqual([false]);
  });
});
