import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import type { Planner } from '../../../core/planning/index.ts';
import { runScenario } from '../../../sim/index.ts';
import { sceneAt } from '../../../stack/sceneAt.ts';
import { intersection } from '../../builtin/maps.ts';
import { loadScenario } from '../../loadScenario.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { egoControllerOf, isExternalController } from './EgoTriggers.ts';
import { importOpenScenario, prepareOpenScenario } from './OpenScenario.ts';
import { scenarioRunnerRoute } from './ScenarioRunnerRoute.ts';

// Hand-made files in ScenarioRunner's dialect ("CARLA:" header: positions in CARLA's mirrored frame,
// a road position's t positive to the right) on a straight 400 m road along +x: lanes 1, -1, -2
// (3.5 m), so a map point's y is its road t (lane -1's centre y = -1.75, lane -2's -5.25).
const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="4.5" height="1.5"/></BoundingBox><Axles><RearAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.7" positionX="0" positionZ="0.3"/><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.7" positionX="3" positionZ="0.3"/></Axles></Vehicle></ScenarioObject>`;
const bike = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="bike" vehicleCategory="bicycle"><BoundingBox><Center x="0.5" y="0" z="0.8"/><Dimensions width="0.6" length="1.8" height="1.5"/></BoundingBox><Axles><RearAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="0.1" positionX="0" positionZ="0.3"/><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="0.1" positionX="1" positionZ="0.3"/></Axles></Vehicle></ScenarioObject>`;
const person = (name: string) =>
  `<ScenarioObject name="${name}"><Pedestrian name="p" pedestrianCategory="pedestrian" mass="80"><BoundingBox><Center x="0" y="0" z="0.9"/><Dimensions width="0.6" length="0.6" height="1.8"/></BoundingBox></Pedestrian></ScenarioObject>`;
const at = (pos: string) =>
  `<PrivateAction><TeleportAction><Position>${pos}</Position></TeleportAction></PrivateAction>`;
const controller = (module: string) =>
  `<PrivateAction><ControllerAction><AssignControllerAction><Controller name="C"><Properties><Property name="module" value="${module}"/></Properties></Controller></AssignControllerAction></ControllerAction></PrivateAction>`;
const speed = (v: number) =>
  `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="${v}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
const byHero = (cond: string) =>
  `<ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="hero"/></TriggeringEntities><EntityCondition>${cond}</EntityCondition></ByEntityCondition>`;
const atStart = `<ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition>`;
const group = (actor: string, event: string, action: string, when: string) =>
  `<ManeuverGroup name="${event}G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="${actor}"/></Actors><Maneuver name="${event}M">
   <Event name="${event}" priority="overwrite"><Action name="${event}A">${action}</Action>
    <StartTrigger><ConditionGroup><Condition name="${event}When" delay="0" conditionEdge="none">${when}</Condition></ConditionGroup></StartTrigger></Event>
  </Maneuver></ManeuverGroup>`;

function file(name: string, entities: string, init: string, story: string, carla = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-sr-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 400 }));
  const p = join(dir, `${name}.xosc`);
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description="${carla ? 'CARLA:' : ''}${name}"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${entities}</Entities>
 <Storyboard>
  <Init><Actions>${init}</Actions></Init>
  <Story name="S"><Act name="Act">${story}
   <StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none">${atStart}</Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="30" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

/** The hero 1 m right of lane -1's centre (CARLA t = 2.75 → road t = −2.75), under external control. */
const hero = `<Private entityRef="hero">${at('<RoadPosition roadId="7" s="50" t="2.75"/>')}${controller('external_control')}</Private>`;

function placed(path: string): Map<string, { x: number; y: number; headingRad: number }> {
  const p = prepareOpenScenario(path);
  if (!p.ok) throw new Error(p.error.message);
  return new Map(
    [...p.value.exec.entityStates].map(([n, st]) => [n, { x: st.x, y: st.y, headingRad: st.headingRad }]),
  );
}

describe('ScenarioRunner dialect: positions placed as ScenarioRunner places them', () => {
  const relatives = (carla: boolean) =>
    file(
      'relatives',
      `${car('hero')}${car('lead')}${car('beside')}${car('laned')}`,
      `${hero}
       <Private entityRef="lead">${at('<RelativeRoadPosition entityRef="hero" ds="50" dt="-1.0"/>')}</Private>
       <Private entityRef="beside">${at('<RelativeLanePosition entityRef="hero" dLane="-1" ds="20" offset="0.5"/>')}</Private>
       <Private entityRef="laned">${at('<LanePosition roadId="7" laneId="-1" s="150" offset="1.0"/>')}</Private>`,
      '',
      carla,
    );

  it('RelativeRoadPosition: dt from the lane centre of the reference, in CARLA’s sense (−1: a metre left of the hero)', () => {
    const p = placed(relatives(true));
    expect(p.get('hero')!.y).toBeCloseTo(-2.75, 6);
    // ScenarioRunner: lane centre at s + ds, shifted by t(centre) − t(hero) + dt = −1.75 + 2.75 − 1 = 0
    // to the right: the lane centre (esmini adds dt to the hero's t: −3.75)
    expect(p.get('lead')!.x).toBeCloseTo(100, 6);
    expect(p.get('lead')!.y).toBeCloseTo(-1.75, 6);
  });

  it('RelativeLanePosition: lane id + dLane at the hero’s s, ds along it, offset to the right of the hero’s heading', () => {
    const b = placed(relatives(true)).get('beside')!;
    expect(b.x).toBeCloseTo(70, 6);
    expect(b.y).toBeCloseTo(-5.25 - 0.5, 6);
    expect(b.headingRad).toBeCloseTo(0, 6);
  });

  it('LanePosition: the offset to the right of the lane’s driving direction', () => {
    expect(placed(relatives(true)).get('laned')!.y).toBeCloseTo(-1.75 - 1, 6);
  });

  it('a file without the CARLA header keeps the standard (esmini) reading', () => {
    const p = placed(relatives(false));
    // no header: the road t is read as written (2.75 left of the line), dt added to it
    expect(p.get('hero')!.y).toBeCloseTo(2.75, 6);
    expect(p.get('lead')!.y).toBeCloseTo(1.75, 6);
    expect(p.get('laned')!.y).toBeCloseTo(-0.75, 6);
  });
});

describe('ScenarioRunner dialect: walkers and throttle-only vehicles move along their heading', () => {
  // CARLA heading −π/2 is +π/2 (north) in the map frame: facing across the road from its right edge
  const path = file(
    'crossing',
    `${car('hero')}${person('walker')}${bike('cyclist')}${car('npc')}`,
    `${hero}
     <Private entityRef="walker">${at('<WorldPosition x="100" y="8.5" h="-1.5707963267948966"/>')}</Private>
     <Private entityRef="cyclist">${at('<WorldPosition x="200" y="8.5" h="-1.5707963267948966"/>')}${controller('vehicle_longitudinal_control')}</Private>
     <Private entityRef="npc">${at('<WorldPosition x="20" y="1.75" h="0"/>')}</Private>`,
    `${group('walker', 'Walk', speed(1.5), atStart)}${group('cyclist', 'Ride', speed(3), atStart)}${group('npc', 'Drive', speed(5), atStart)}`,
  );

  it('the walker crosses the road it faces; the cyclist under vehicle_longitudinal_control too; a default vehicle keeps its lane', () => {
    const r = importOpenScenario(path);
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.scenarios[0]!;
    const track = (id: string) => {
      const a = s.agents.find((x) => x.id === id)!;
      if (a.behavior.type !== 'replay') throw new Error(`${id} does not move`);
      return a.behavior.track;
    };
    const at10 = (id: string) => track(id).find((p) => Math.abs(p.tS - 10) < 1e-6)!;
    // 10 s at 1.5 m/s north from y = −8.5 (the road spans y −7 … 3.5), x unchanged
    expect(at10('walker').x).toBeCloseTo(100, 6);
    expect(at10('walker').y).toBeGreaterThan(-8.5 + 14);
    expect(at10('cyclist').x).toBeCloseTo(200, 6);
    expect(at10('cyclist').y).toBeGreaterThan(5);
    // NpcVehicleControl follows its lane (x grows, y stays at lane -1's centre)
    expect(at10('npc').x).toBeGreaterThan(60);
    expect(Math.abs(at10('npc').y + 1.75)).toBeLessThan(0.5);
  });
});

describe('a hero under the agent under test’s controller that no condition reads', () => {
  it('is storyboard-live all the same, so its expert is driven (here along its lane, past the walkers)', () => {
    const path = file(
      'unread',
      `${car('hero')}${person('walker')}`,
      `${hero}<Private entityRef="walker">${at('<WorldPosition x="300" y="20" h="0"/>')}</Private>`,
      group('walker', 'Walk', speed(1), atStart),
    );
    const l = loadScenario(path);
    if (!l.ok) throw new Error(l.error.message);
    expect(l.value.scenario.storyboard?.egoEntity).toBe('hero');
    const e = l.value.scenario.expert;
    expect(e[e.length - 1]!.x - e[0]!.x).toBeGreaterThan(50);
  });

  it('a controller from the catalog counts by its entry name', () => {
    expect(
      isExternalController(
        egoControllerOf(
          {
            Init: [
              {
                Actions: [
                  {
                    Private: [
                      {
                        $: { entityRef: 'hero' },
                        PrivateAction: [
                          {
                            ControllerAction: [
                              {
                                AssignControllerAction: [
                                  {
                                    CatalogReference: [
                                      {
                                        $: { catalogName: 'ControllerCatalog', entryName: 'ExternalControl' },
                                      },
                                    ],
                                  },
                                ],
                              },
                            ],
                          },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
          'hero',
        ),
      ),
    ).toBe(true);
    expect(isExternalController('npc_vehicle_control')).toBe(false);
  });
});

describe('ScenarioRunner dialect: the external_control hero’s route passes where its triggers wait', () => {
  const map = new RoadMap(intersection());

  it('turns where the place a trigger waits at lies, straight on without one', () => {
    const start = map.lane('IN0')!.line.poseAt(20);
    const south = map.lane('OUT3')!.line.poseAt(30);
    const turn = scenarioRunnerRoute(
      map,
      'IN0',
      start,
      [],
      [{ x: south.x, y: south.y, radiusM: 14, what: 'c' }],
    )!;
    expect(turn.slice(0, 3)).toEqual(['IN0', 'C03', 'OUT3']);
    const west = map.lane('OUT2')!.line.poseAt(30);
    expect(
      scenarioRunnerRoute(map, 'IN0', start, [], [{ x: west.x, y: west.y, radiusM: 14, what: 'c' }])!.slice(
        0,
        3,
      ),
    ).toEqual(['IN0', 'C02', 'OUT2']);
    expect(scenarioRunnerRoute(map, 'IN0', start, [], [])).toBeUndefined();
  });

  it('goes through the waypoints the storyboard routes the hero through', () => {
    const start = map.lane('IN0')!.line.poseAt(20);
    const north = map.lane('OUT1')!.line.poseAt(40);
    const r = scenarioRunnerRoute(map, 'IN0', start, [north], [])!;
    expect(r.slice(0, 3)).toEqual(['IN0', 'C01', 'OUT1']);
  });
});

/** Drives straight along its heading, accelerating to `speedMps` at 2 m/s². */
function straight(speedMps: number): Planner<null> {
  return {
    name: `straight-${speedMps}`,
    init: () => null,
    step: (_s, snap) => {
      const e = snap.ego;
      const v = Math.max(e.speedMps, 1);
      const points = [];
      for (let k = 0; k <= 80; k++) {
        const t = k * 0.1;
        const vk = Math.min(speedMps, v + 2 * t);
        const s = (v + vk) * 0.5 * t;
        points.push({
          tS: snap.tS + t,
          x: e.x + s * Math.cos(e.headingRad),
          y: e.y + s * Math.sin(e.headingRad),
          headingRad: e.headingRad,
          speedMps: vk,
        });
      }
      return { state: null, output: { trajectory: { points } } };
    },
  };
}

describe('live storyboard of a ScenarioRunner file: added entities, expert, safety scene', () => {
  // `late` enters 40 m ahead of the hero once the hero has travelled 30 m; `lead` stands in the
  // hero's lane 80 m ahead and walks off nowhere (no event): the expert must stop behind it.
  const path = file(
    'added',
    `${car('hero')}${car('lead')}${car('late')}${person('walker')}`,
    `${hero}
     <Private entityRef="lead">${at('<RelativeRoadPosition entityRef="hero" ds="80" dt="-1.0"/>')}</Private>
     <Private entityRef="walker">${at('<WorldPosition x="120" y="8.5" h="-1.5707963267948966"/>')}</Private>`,
    `${group('late', 'AddLate', '<GlobalAction><EntityAction entityRef="late"><AddEntityAction><Position><RelativeRoadPosition entityRef="hero" ds="40" dt="-1.0"/></Position></AddEntityAction></EntityAction></GlobalAction>', byHero('<TraveledDistanceCondition value="30"/>'))}
     ${group('walker', 'Walk', speed(1.5), byHero('<RelativeDistanceCondition entityRef="walker" relativeDistanceType="cartesianDistance" value="40" freespace="false" rule="lessThan"/>'))}`,
  );

  it('an entity the hero’s trigger adds gets an agent, absent until then', () => {
    const { scenario, map, storyboard } = (() => {
      const l = loadScenario(path);
      if (!l.ok) throw new Error(l.error.message);
      return l.value;
    })();
    expect(scenario.agents.map((a) => a.id)).toContain('late');
    const log = runScenario(scenario, map, straight(6), {
      mode: 'nonreactive',
      nowMs: () => 0,
      storyboard: storyboard!,
    });
    const added = (log.storyboardEvents ?? []).find((e) => e.name === 'AddLate')!;
    expect(added).toBeDefined();
    const before = log.ticks.filter((t) => t.tS < added.tS - 1e-9);
    const after = log.ticks.filter((t) => t.tS > added.tS + 0.1);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((t) => !t.agents.some((a) => a.id === 'late'))).toBe(true);
    expect(after.every((t) => t.agents.some((a) => a.id === 'late'))).toBe(true);
  });

  it('the expert of a hero the file does not move drives the route with the storyboard and stops behind the standing lead', () => {
    const l = loadScenario(path);
    if (!l.ok) throw new Error(l.error.message);
    const { scenario } = l.value;
    const last = scenario.expert[scenario.expert.length - 1]!;
    const lead = scenario.agents.find((a) => a.id === 'lead')!;
    // it moved along the road, and its front (rear axle + 3 + 0.75 … the 4.5 m box) is short of the lead's rear
    expect(last.x - scenario.expert[0]!.x).toBeGreaterThan(20);
    expect(last.x + 1.5 + 2.25).toBeLessThan(lead.start.x - 2.25);
    expect(last.speedMps).toBeLessThan(0.5);
  });

  it('the safety scene at a time shows what the live storyboard did with the expert’s ego', () => {
    const l = loadScenario(path);
    if (!l.ok) throw new Error(l.error.message);
    const { scenario, map, storyboard } = l.value;
    const live = sceneAt(scenario, map, 12, storyboard);
    const still = sceneAt(scenario, map, 12);
    if (!live.ok || !still.ok) throw new Error('scene');
    const w = (s: typeof live) => s.ok && s.value.snapshot.agents.find((a) => a.id === 'walker')!;
    // the walker started towards the road once the expert came within 40 m; without the storyboard it stands
    expect((w(live) as { y: number }).y).toBeGreaterThan(-8.5 + 1);
    expect((w(still) as { y: number }).y).toBeCloseTo(-8.5, 6);
  });
});
