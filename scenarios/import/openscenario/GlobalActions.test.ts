import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { runStoryboard } from './StoryboardRun.ts';

// esmini's fabriksgatan.xodr (a four-way junction), vendored in data/esmini.
const FABRIKSGATAN = join(import.meta.dirname, '../../../data/esmini/resources/xodr/fabriksgatan.xodr');

const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject>`;
const speed = (v: number) =>
  `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="${v}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
const trigger = (name: string, cond: string) =>
  `<StartTrigger><ConditionGroup><Condition name="${name}" delay="0" conditionEdge="none">${cond}</Condition></ConditionGroup></StartTrigger>`;
const simTime = (t: number) =>
  `<ByValueCondition><SimulationTimeCondition value="${t}" rule="greaterThan"/></ByValueCondition>`;
const story = (actor: string, events: string) =>
  `<Story name="S"><Act name="A"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="${actor}"/></Actors><Maneuver name="M">${events}</Maneuver></ManeuverGroup>${trigger('go', simTime(0))}</Act></Story>`;
const stopAt = (t: number) =>
  `<StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none">${simTime(t)}</Condition></ConditionGroup></StopTrigger>`;

/**
 * Ego at 10 m/s on a straight road. At 1 s a ParameterAction sets Go (boolean, false) to true; at
 * 2 s one event multiplies the integer variable Count (4) by 3 and adds 7 (19, esmini's
 * variable_modify.xosc pattern). OnParam waits for Go == true, OnVar for Count == 19, Never for
 * Count == 12 (a value Count passes through only inside one step).
 */
function valuesFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-glob-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 1000 }));
  const ev = (name: string, actions: string, trig: string) =>
    `<Event name="${name}" priority="parallel">${actions}${trig}</Event>`;
  const act = (name: string, inner: string) => `<Action name="${name}">${inner}</Action>`;
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="global actions"/>
 <ParameterDeclarations><ParameterDeclaration name="Go" parameterType="boolean" value="false"/></ParameterDeclarations>
 <VariableDeclarations><VariableDeclaration name="Count" variableType="integer" value="4"/></VariableDeclarations>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('Ego')}</Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="50" offset="0"/></Position></TeleportAction></PrivateAction>${speed(10)}</Private></Actions></Init>
  ${story(
    'Ego',
    [
      ev(
        'SetGo',
        act(
          'SetGoA',
          '<GlobalAction><ParameterAction parameterRef="Go"><SetAction value="true"/></ParameterAction></GlobalAction>',
        ),
        trigger('t1', simTime(1)),
      ),
      ev(
        'Modify',
        act(
          'Mul',
          '<GlobalAction><VariableAction variableRef="Count"><ModifyAction><Rule><MultiplyByValue value="3"/></Rule></ModifyAction></VariableAction></GlobalAction>',
        ) +
          act(
            'Add',
            '<GlobalAction><VariableAction variableRef="Count"><ModifyAction><Rule><AddValue value="7"/></Rule></ModifyAction></VariableAction></GlobalAction>',
          ),
        trigger('t2', simTime(2)),
      ),
      ev(
        'OnParam',
        act('P', speed(20)),
        trigger(
          'go',
          '<ByValueCondition><ParameterCondition parameterRef="Go" value="true" rule="equalTo"/></ByValueCondition>',
        ),
      ),
      ev(
        'OnVar',
        act('V', speed(5)),
        trigger(
          'count',
          '<ByValueCondition><VariableCondition variableRef="Count" value="19" rule="equalTo"/></ByValueCondition>',
        ),
      ),
      ev(
        'Never',
        act('N', speed(1)),
        trigger(
          'twelve',
          '<ByValueCondition><VariableCondition variableRef="Count" value="12" rule="equalTo"/></ByValueCondition>',
        ),
      ),
    ].join(''),
  )}
  ${stopAt(4)}
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('GlobalAction ParameterAction / VariableAction and their conditions', () => {
  const r = runStoryboard(valuesFile(), { stepS: 0.05 });
  if (!r.ok) throw new Error(r.error.message);
  const started = (name: string) =>
    r.value.events.find((e) => e.kind === 'element_start_time' && e.name === name)?.tS;

  // esmini sets the value when the action starts, so a condition of a later event of the maneuver
  // fires in the same step (its unit test TestMultipleAndAddVariableValue: Ego brakes from 2.0 s and
  // stands at x 89.1488, one step's 1.39 m short of where a brake from 2.1 s would leave it).
  it('a ParameterCondition of a later event fires in the step a ParameterAction sets its value', () => {
    expect(started('SetGo')).toBeCloseTo(1.05, 6);
    expect(started('OnParam')).toBeCloseTo(1.05, 6);
  });

  it('a VariableCondition sees the value after both ModifyActions of one event (4 × 3 + 7 = 19)', () => {
    expect(started('Modify')).toBeCloseTo(2.05, 6);
    expect(started('OnVar')).toBeCloseTo(2.05, 6);
    expect(started('Never')).toBeUndefined();
  });

  it('lists no parameter or variable element as unsupported', () => {
    expect(r.value.unsupported.filter((u) => /Parameter|Variable/.test(u))).toEqual([]);
  });
});

describe('TrafficAction (esmini spawns its traffic at random: reported, not replayed)', () => {
  const file = (traffic: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-traffic-'));
    writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 1000 }));
    const p = join(dir, 's.xosc');
    writeFileSync(
      p,
      `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="traffic"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('Ego')}</Entities>
 <Storyboard>
  <Init><Actions><GlobalAction><TrafficAction>${traffic}</TrafficAction></GlobalAction><Private entityRef="Ego"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="50" offset="0"/></Position></TeleportAction></PrivateAction>${speed(10)}</Private></Actions></Init>
  ${stopAt(1)}
 </Storyboard>
</OpenSCENARIO>`,
    );
    return p;
  };
  const unsupported = (traffic: string) => {
    const r = runStoryboard(file(traffic), { stepS: 0.1 });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.unsupported;
  };

  it('names a swarm with the traffic it leaves out (swarm.xosc: 75 vehicles around Ego)', () => {
    expect(
      unsupported(
        '<TrafficSwarmAction innerRadius="200" semiMajorAxis="300" semiMinorAxis="500" numberOfVehicles="75" velocity="30" offset="0"><CentralObject entityRef="Ego"/></TrafficSwarmAction>',
      ),
    ).toEqual([
      "/OpenSCENARIO/Storyboard/Init/Actions/GlobalAction[0]/TrafficAction/TrafficSwarmAction: not supported (esmini's random swarm: up to 75 vehicles around Ego between 200 m and a 300 × 500 m ellipse are not spawned: the scenario plays without them)",
    ]);
  });

  it('names a source by its rate and radius', () => {
    const u = unsupported(
      '<TrafficSourceAction rate="0.5" radius="20" velocity="10"><Position><LanePosition roadId="7" laneId="-1" s="10" offset="0"/></Position><TrafficDefinition name="t"/></TrafficSourceAction>',
    );
    expect(u).toHaveLength(1);
    expect(u[0]).toMatch(
      /TrafficAction\/TrafficSourceAction: not supported \(no vehicles enter at 0\.5 per s within 20 m/,
    );
  });
});

/**
 * Three cars on fabriksgatan's road 2, lane −1, s = 100, driving into the junction at 10 m/s: Cat
 * assigned the route TargetLeftTurnRoute (road 2 → road 1) through a RouteCatalog reference,
 * Inline the same waypoints written inline, Free no route (it takes the straightest way on),
 * Acquire an AcquirePositionAction to the route's last waypoint.
 */
function routeFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-route-'));
  mkdirSync(join(dir, 'Routes'));
  const waypoints =
    '<Waypoint routeStrategy="shortest"><Position><LanePosition roadId="2" laneId="-1" offset="0" s="100"/></Position></Waypoint><Waypoint routeStrategy="shortest"><Position><LanePosition roadId="1" laneId="-1" offset="0" s="5"/></Position></Waypoint>';
  writeFileSync(
    join(dir, 'Routes', 'MyRoutes.xosc'),
    `<?xml version="1.0"?><OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description=""/><Catalog name="MyRoutes"><Route name="LeftTurn" closed="false">${waypoints}</Route></Catalog></OpenSCENARIO>`,
  );
  const place = (who: string, route: string) =>
    `<Private entityRef="${who}"><PrivateAction><TeleportAction><Position><LanePosition roadId="2" laneId="-1" s="100" offset="0"/></Position></TeleportAction></PrivateAction>${speed(10)}${route}</Private>`;
  const assign = (inner: string) =>
    `<PrivateAction><RoutingAction><AssignRouteAction>${inner}</AssignRouteAction></RoutingAction></PrivateAction>`;
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description="route catalog"/>
 <CatalogLocations><RouteCatalog><Directory path="Routes"/></RouteCatalog></CatalogLocations>
 <RoadNetwork><LogicFile filepath="${FABRIKSGATAN}"/></RoadNetwork>
 <Entities>${car('Cat')}${car('Inline')}${car('Free')}${car('Acquire')}</Entities>
 <Storyboard>
  <Init><Actions>
   ${place('Cat', assign('<CatalogReference catalogName="MyRoutes" entryName="LeftTurn"/>'))}
   ${place('Inline', assign(`<Route name="r" closed="false">${waypoints}</Route>`))}
   ${place('Free', '')}
   ${place('Acquire', '<PrivateAction><RoutingAction><AcquirePositionAction><Position><LanePosition roadId="1" laneId="-1" offset="0" s="5"/></Position></AcquirePositionAction></RoutingAction></PrivateAction>')}
  </Actions></Init>
  ${stopAt(25)}
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('AssignRouteAction with a route CatalogReference', () => {
  const r = runStoryboard(routeFile(), { stepS: 0.05 });
  if (!r.ok) throw new Error(r.error.message);
  const last = (name: string) => r.value.states.filter((s) => s.name === name).at(-1)!;

  it('follows the catalog route as it follows the same route written inline', () => {
    expect(last('Cat').x).toBeCloseTo(last('Inline').x, 6);
    expect(last('Cat').y).toBeCloseTo(last('Inline').y, 6);
    expect(Math.hypot(last('Cat').x - last('Free').x, last('Cat').y - last('Free').y)).toBeGreaterThan(10);
    expect(r.value.unsupported.filter((u) => u.includes('AssignRouteAction'))).toEqual([]);
  });
});

describe('AcquirePositionAction', () => {
  const r = runStoryboard(routeFile(), { stepS: 0.05 });
  if (!r.ok) throw new Error(r.error.message);
  const last = (name: string) => r.value.states.filter((s) => s.name === name).at(-1)!;

  // esmini AcquirePositionAction::Start: a route from where the entity is to the position.
  it('routes the entity to the position, as a route from where it is to there would', () => {
    expect(last('Acquire').x).toBeCloseTo(last('Inline').x, 6);
    expect(last('Acquire').y).toBeCloseTo(last('Inline').y, 6);
    expect(r.value.unsupported.filter((u) => u.includes('AcquirePositionAction'))).toEqual([]);
  });
});
