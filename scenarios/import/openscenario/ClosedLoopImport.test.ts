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

  it('is as wide as a truck sweeps through a tight turn: every footprint corner of the scripted motion is on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-free-truck-'));
    // 20 m straight, a quarter circle of radius 5 m, 30 m straight: a 5.7 × 2.6 m truck's outer
    // front corner swings ≈ 3.1 m out of its rear-axle path in the turn (a 6 m lane holds 3 m).
    const v: string[] = [];
    const vertex = (x: number, y: number) =>
      v.push(
        `<Vertex><Position><WorldPosition x="${x.toFixed(4)}" y="${y.toFixed(4)}"/></Position></Vertex>`,
      );
    for (let k = 0; k <= 20; k += 2) vertex(k, 0);
    for (let d = 5; d <= 90; d += 5)
      vertex(20 + 5 * Math.sin((d * Math.PI) / 180), 5 * (1 - Math.cos((d * Math.PI) / 180)));
    for (let k = 2; k <= 30; k += 2) vertex(25, 5 + k);
    const xosc = `<?xml version="1.0"?>
<OpenSCENARIO>
 <FileHeader revMajor="1" revMinor="0" date="2020-03-20T12:00:00" description="free truck" author=""/>
 <ParameterDeclarations/>
 <CatalogLocations/>
 <RoadNetwork/>
 <Entities><ScenarioObject name="Ego"><Vehicle name="truck" vehicleCategory="truck"><BoundingBox><Center x="2.2" y="0" z="1.5"/><Dimensions width="2.6" length="5.7" height="3"/></BoundingBox><Performance maxSpeed="30" maxAcceleration="5" maxDeceleration="10"/><Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.8" trackWidth="2.1" positionX="2.98" positionZ="0.4"/><RearAxle maxSteering="0" wheelDiameter="0.8" trackWidth="2.1" positionX="0" positionZ="0.4"/></Axles></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego">
   <PrivateAction><TeleportAction><Position><WorldPosition x="0" y="0" z="0" h="0"/></Position></TeleportAction></PrivateAction>
   <PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="5"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>
   <PrivateAction><RoutingAction><FollowTrajectoryAction><Trajectory name="t" closed="false"><Shape><Polyline>${v.join('')}</Polyline></Shape></Trajectory><TimeReference><None/></TimeReference><TrajectoryFollowingMode followingMode="position"/></FollowTrajectoryAction></RoutingAction></PrivateAction>
  </Private></Actions></Init>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="14" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`;
    const path = join(dir, 'free_truck.xosc');
    writeFileSync(path, xosc);
    const sc = unwrap(importOpenScenario(path)).scenarios[0]!;
    const map = new RoadMap(
      (sc.map as { kind: 'inline'; map: ConstructorParameters<typeof RoadMap>[0] }).map,
    );
    // the scripted motion does turn the corner
    expect(sc.expert[sc.expert.length - 1]!.y).toBeGreaterThan(15);
    for (const p of sc.expert) {
      const c = boxCorners(egoBox(p, sc.vehicle));
      for (let i = 0; i < 8; i += 2)
        expect(map.isDrivable(c[i]!, c[i + 1]!), `t ${p.tS}: corner ${c[i]}, ${c[i + 1]}`).toBe(true);
    }
  });
});
