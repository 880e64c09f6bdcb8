import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { runStoryboard } from './StoryboardRun.ts';

const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject>`;
const place = (x: number, y: number, h: number) =>
  `<PrivateAction><TeleportAction><Position><WorldPosition x="${x}" y="${y}" h="${h}"/></Position></TeleportAction></PrivateAction>`;
const event = (name: string, who: string, angle: number, cs: string) =>
  `<Event name="${name}" priority="parallel"><Action name="${name}A"><GlobalAction><ParameterAction parameterRef="p"><SetAction value="1"/></ParameterAction></GlobalAction></Action>
    <StartTrigger><ConditionGroup><Condition name="${name}C" delay="0" conditionEdge="none"><ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="${who}"/></TriggeringEntities><EntityCondition><AngleCondition angle="${angle}" angleTolerance="0.01" angleType="heading" coordinateSystem="${cs}"/></EntityCondition></ByEntityCondition></Condition></ConditionGroup></StartTrigger></Event>`;

/** A point at (s, t) of the road laid along heading 0.5 rad. */
const HDG = 0.5;
const at = (sM: number, tM: number) =>
  [sM * Math.cos(HDG) - tM * Math.sin(HDG), sM * Math.sin(HDG) + tM * Math.cos(HDG)] as const;

/**
 * On a straight road laid along heading 0.5 rad: A stands in lane −1 turned 0.3 rad to the
 * left of the road; B stands in lane 1 (driving against s, direction 0.5 + π) at 0.5 + π − 0.3, i.e.
 * 0.3 rad to the right of its lane's driving direction. Hand-computed angles: A world 0.8, road 0.3;
 * B lane −0.3, road π − 0.3 = 2.8416.
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-angle-'));
  writeFileSync(
    join(dir, 'road.xodr'),
    straightRoadXodr({ lengthM: 200 }).replace('hdg="0"', `hdg="${HDG}"`),
  );
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="3" description="angle condition"/>
 <ParameterDeclarations><ParameterDeclaration name="p" parameterType="integer" value="0"/></ParameterDeclarations>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('A')}${car('B')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="A">${place(...at(20, -1.75), HDG + 0.3)}</Private>
   <Private entityRef="B">${place(...at(60, 1.75), HDG + Math.PI - 0.3)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="Act"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"/><Maneuver name="M">
   ${event('AWorld', 'A', HDG + 0.3, 'world')}${event('ARoad', 'A', 0.3, 'road')}${event('AWrongRoad', 'A', -0.3, 'road')}
   ${event('BLane', 'B', -0.3, 'lane')}${event('BRoad', 'B', Math.PI - 0.3, 'road')}${event('BWrongLane', 'B', 0.3, 'lane')}
  </Maneuver></ManeuverGroup><StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="2" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('AngleCondition (esmini TrigByAngle, heading)', () => {
  const r = runStoryboard(file(), { stepS: 0.1 });
  if (!r.ok) throw new Error(r.error.message);
  const started = (name: string) =>
    r.value.events.some((e) => e.kind === 'element_start_time' && e.name === name);

  it('reads the heading in the world and relative to the road', () => {
    expect(started('AWorld')).toBe(true);
    expect(started('ARoad')).toBe(true);
    expect(started('AWrongRoad')).toBe(false);
  });

  it("reads the heading relative to the lane's driving direction in coordinateSystem lane", () => {
    expect(started('BLane')).toBe(true);
    expect(started('BRoad')).toBe(true);
    expect(started('BWrongLane')).toBe(false);
    expect(r.value.unsupported.filter((u) => u.includes('AngleCondition'))).toEqual([]);
  });
});
