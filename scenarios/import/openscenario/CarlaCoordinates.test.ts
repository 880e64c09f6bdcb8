import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { importOpenScenario } from './index.ts';

// The straight test road along +x: lane -1 centred at y = −1.75 (driving along +x), lane 1 at
// y = +1.75. In CARLA's mirrored frame the ego on lane -1 is at y = +1.75, and the lead car 20 m
// ahead on lane 1 (driving along −x: heading π either way).
function scenario(description: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-carla-frame-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 200 }));
  const vehicle = (name: string) =>
    `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.4" y="0" z="0.9"/><Dimensions width="2" length="4.5" height="1.5"/></BoundingBox><Performance maxSpeed="50" maxAcceleration="5" maxDeceleration="10"/><Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.8" positionX="2.8" positionZ="0.3"/><RearAxle maxSteering="0" wheelDiameter="0.6" trackWidth="1.8" positionX="0" positionZ="0.3"/></Axles></Vehicle></ScenarioObject>`;
  const teleport = (name: string, pos: string) =>
    `<Private entityRef="${name}"><PrivateAction><TeleportAction><Position>${pos}</Position></TeleportAction></PrivateAction></Private>`;
  const xosc = `<?xml version="1.0"?>
<OpenSCENARIO>
 <FileHeader revMajor="1" revMinor="0" date="2020-03-20T12:00:00" description="${description}" author=""/>
 <ParameterDeclarations><ParameterDeclaration name="egoY" parameterType="double" value="1.75"/></ParameterDeclarations>
 <CatalogLocations/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${vehicle('hero')}${vehicle('lead')}</Entities>
 <Storyboard>
  <Init><Actions>
   ${teleport('hero', '<WorldPosition x="30" y="$egoY" z="0" h="0"/>')}
   ${teleport('lead', '<RelativeObjectPosition entityRef="hero" dx="20" dy="-3.5"><Orientation type="relative" h="3.14159"/></RelativeObjectPosition>')}
  </Actions></Init>
  <Story name="s"><Act name="a"><ManeuverGroup name="g" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"/></ManeuverGroup>
   <StartTrigger><ConditionGroup><Condition name="c" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="10" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`;
  const path = join(dir, 'carla.xosc');
  writeFileSync(path, xosc);
  return path;
}

describe('scenario_runner CARLA coordinates ("CARLA:" FileHeader description)', () => {
  it('mirrors world y, relative dy and headings into the OpenDRIVE frame', () => {
    const r = importOpenScenario(scenario('CARLA:FollowLeadingVehicle'));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.value.scenarios[0]!;
    // The ego on lane -1 (y = −1.75) facing +x: right-hand traffic, no left-hand vote.
    expect(s.egoStart.x).toBeCloseTo(30, 6);
    expect(s.egoStart.y).toBeCloseTo(-1.75, 6);
    expect(s.egoStart.headingRad).toBeCloseTo(0, 6);
    expect(r.value.warnings.some((w) => w.includes('left-hand traffic'))).toBe(false);
    const lead = s.agents.find((a) => a.id === 'lead')!;
    const p = lead.start;
    expect(p.y).toBeCloseTo(1.75, 4);
    expect(Math.abs(Math.cos(p.headingRad) + 1)).toBeLessThan(1e-4);
  });

  it('reads a file without the prefix in the OpenDRIVE frame, as written', () => {
    const r = importOpenScenario(scenario('FollowLeadingVehicle'));
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.scenarios[0]!.egoStart.y).toBeCloseTo(1.75, 6);
  });
});
