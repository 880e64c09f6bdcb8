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
const always = (name: string, cond: string) =>
  `<StartTrigger><ConditionGroup><Condition name="${name}" delay="0" conditionEdge="none">${cond}</Condition></ConditionGroup></StartTrigger>`;
const simTime = (t: number) =>
  `<ByValueCondition><SimulationTimeCondition value="${t}" rule="greaterThan"/></ByValueCondition>`;

/**
 * Ego placed by a RoutePosition (route along lane -1, pathS 50 from its first waypoint at s = 50 →
 * s = 100) at 10 m/s; Follower on lane -1 at s = 50 at 15 m/s keeps a 20 m distance to Ego; two
 * clearance checks on Follower: 30 m ahead (clear at the start) and 60 m ahead (never clear).
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-act-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 1000 }));
  const clearance = (fwd: number) =>
    `<ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="Follower"/></TriggeringEntities><EntityCondition><RelativeClearanceCondition distanceForward="${fwd}" distanceBackward="0" freeSpace="false" oppositeLanes="false"><RelativeLaneRange from="0" to="0"/></RelativeClearanceCondition></EntityCondition></ByEntityCondition>`;
  const ev = (name: string, action: string, trig: string) =>
    `<Event name="${name}" priority="parallel"><Action name="${name}A"><PrivateAction>${action}</PrivateAction></Action>${trig}</Event>`;
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="actions"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('Ego')}${car('Follower')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="Ego"><PrivateAction><TeleportAction><Position><RoutePosition><RouteRef><Route name="r" closed="false">
     <Waypoint routeStrategy="shortest"><Position><LanePosition roadId="7" laneId="-1" s="50" offset="0"/></Position></Waypoint>
     <Waypoint routeStrategy="shortest"><Position><LanePosition roadId="7" laneId="-1" s="600" offset="0"/></Position></Waypoint>
    </Route></RouteRef><InRoutePosition><FromLaneCoordinates pathS="50" laneId="-1" laneOffset="0"/></InRoutePosition></RoutePosition></Position></TeleportAction></PrivateAction>${speed(10)}</Private>
   <Private entityRef="Follower"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="50" offset="0"/></Position></TeleportAction></PrivateAction>${speed(15)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="A">
   <ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Follower"/></Actors>
    <Maneuver name="M">
     ${ev('Keep', '<LongitudinalAction><LongitudinalDistanceAction entityRef="Ego" distance="20" freespace="false" continuous="true"><DynamicConstraints maxAcceleration="3" maxDeceleration="5" maxSpeed="30"/></LongitudinalDistanceAction></LongitudinalAction>', always('t0', simTime(0)))}
     ${ev('Clear30', '<LateralAction><LaneOffsetAction continuous="false"><LaneOffsetActionDynamics dynamicsShape="step"/><LaneOffsetTarget><AbsoluteTargetLaneOffset value="0"/></LaneOffsetTarget></LaneOffsetAction></LateralAction>', always('clear30', clearance(30)))}
     ${ev('Clear60', '<LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="1"/></SpeedActionTarget></SpeedAction></LongitudinalAction>', always('clear60', clearance(60)))}
    </Maneuver></ManeuverGroup>
   ${always('go', simTime(0))}
  </Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none">${simTime(30)}</Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('OpenSCENARIO positions, actions and conditions', () => {
  const r = runStoryboard(file(), { stepS: 0.05 });
  if (!r.ok) throw new Error(r.error.message);
  const at = (name: string, t: number) =>
    r.value.states.find((s) => s.name === name && Math.abs(s.tS - t) < 1e-6)!;
  const started = (name: string) =>
    r.value.events.find((e) => e.kind === 'element_start_time' && e.name === name)?.tS;

  it('places a RoutePosition pathS along the route from its first waypoint', () => {
    expect(at('Ego', 0).x).toBeCloseTo(100, 6);
    expect(at('Ego', 0).y).toBeCloseTo(-1.75, 6);
  });

  it('LongitudinalDistanceAction closes to the commanded distance behind its reference and matches its speed', () => {
    const gap = at('Ego', 30).x - at('Follower', 30).x;
    expect(gap).toBeCloseTo(20, 1);
    expect(at('Follower', 30).speedMps).toBeCloseTo(10, 1);
  });

  it('RelativeClearanceCondition is true only while the lane ahead is free for its distance', () => {
    expect(started('Clear30')).toBeCloseTo(0.05, 9);
    expect(started('Clear60')).toBeUndefined();
  });
});
