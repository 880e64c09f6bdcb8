import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Planner } from '../../../core/planning/index.ts';
import { runScenario, type SimLog } from '../../../sim/index.ts';
import { runJob } from '../../../stack/eval/evalJob.ts';
import { loadScenario } from '../../loadScenario.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { EGO_TRIGGERS_UNFIRED_TAG, STORYBOARD_LIVE_TAG } from './EgoTriggers.ts';

// A hand-made CARLA ScenarioRunner-shaped file on a straight 400 m road (lanes -1 and -2, 3.5 m):
// the hero under external_control at x = 10 in lane -1; `lead` waits in lane -2 at x = 100 and
// drives off at 10 m/s once the hero comes within 30 m of it (RelativeDistanceCondition);
// `walker` stands on lane -2 at x = 200 and walks on at 1.5 m/s once the hero reaches x = 150
// (ReachPositionCondition, tolerance 2 m). Reference points: a car's rear axle, 1.5 m behind its
// box centre.
const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox><Axles><RearAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.7" positionX="0" positionZ="0.3"/><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.7" positionX="3" positionZ="0.3"/></Axles></Vehicle></ScenarioObject>`;
const person = (name: string) =>
  `<ScenarioObject name="${name}"><Pedestrian name="p" pedestrianCategory="pedestrian" mass="80"><BoundingBox><Center x="0" y="0" z="0.9"/><Dimensions width="0.6" length="0.6" height="1.8"/></BoundingBox></Pedestrian></ScenarioObject>`;
const teleport = (x: number, y: number) =>
  `<PrivateAction><TeleportAction><Position><WorldPosition x="${x}" y="${y}" h="0"/></Position></TeleportAction></PrivateAction>`;
const speed = (v: number) =>
  `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="0" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="${v}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
const external = `<PrivateAction><ControllerAction><AssignControllerAction><Controller name="HeroAgent"><Properties><Property name="module" value="external_control"/></Properties></Controller></AssignControllerAction></ControllerAction></PrivateAction>`;
const byHero = (cond: string) =>
  `<ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="hero"/></TriggeringEntities><EntityCondition>${cond}</EntityCondition></ByEntityCondition>`;
const group = (name: string, actor: string, event: string, action: string, cond: string) =>
  `<ManeuverGroup name="${name}" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="${actor}"/></Actors><Maneuver name="${name}M">
   <Event name="${event}" priority="overwrite"><Action name="${event}A">${action}</Action>
    <StartTrigger><ConditionGroup><Condition name="${event}When" delay="0" conditionEdge="rising">${byHero(cond)}</Condition></ConditionGroup></StartTrigger></Event>
  </Maneuver></ManeuverGroup>`;

function scenarioFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-live-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 400 }));
  const p = join(dir, 'hero_live.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description="live storyboard"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('hero')}${car('lead')}${person('walker')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="hero">${teleport(10, -1.75)}${external}</Private>
   <Private entityRef="lead">${teleport(100, -5.25)}</Private>
   <Private entityRef="walker">${teleport(200, -5.25)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="Act">
   ${group('G1', 'lead', 'LeadGoes', speed(10), '<RelativeDistanceCondition entityRef="lead" relativeDistanceType="cartesianDistance" value="30" freespace="false" rule="lessThan"/>')}
   ${group('G2', 'walker', 'WalkerGoes', speed(1.5), '<ReachPositionCondition tolerance="2"><Position><WorldPosition x="150" y="-1.75" h="0"/></Position></ReachPositionCondition>')}
   <StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="20" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

/** Drives straight along its heading at `speedMps` (0: holds the ego where it stands). */
function straight(speedMps: number): Planner<null> {
  return {
    name: `straight-${speedMps}`,
    init: () => null,
    step: (_s, snap) => {
      const e = snap.ego;
      const v = speedMps === 0 ? 0 : Math.max(e.speedMps, 1);
      const points = [];
      for (let k = 0; k <= 80; k++) {
        // accelerate towards the speed at 2 m/s²; a stopper's points all stand at the ego
        const t = k * 0.1;
        const vk = speedMps === 0 ? 0 : Math.min(speedMps, v + 2 * t);
        const s = speedMps === 0 ? 0 : (v + vk) * 0.5 * t;
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

function loaded(path: string) {
  const l = loadScenario(path);
  if (!l.ok) throw new Error(l.error.message);
  return l.value;
}

function run(path: string, planner: Planner<null>, mode: 'nonreactive' | 'reactive' = 'nonreactive'): SimLog {
  const { scenario, map, storyboard } = loaded(path);
  // planner wall time (planMs) is the only thing a clock reads: pinned, the log is reproducible
  return runScenario(scenario, map, planner, { mode, nowMs: () => 0, ...(storyboard ? { storyboard } : {}) });
}

const agentAt = (log: SimLog, k: number, id: string) => log.ticks[k]!.agents.find((a) => a.id === id)!;
/** First tick at which agent `id` has left its start (m), or -1. */
function firstMove(log: SimLog, id: string): number {
  const a0 = agentAt(log, 0, id);
  return log.ticks.findIndex((t) => {
    const a = t.agents.find((x) => x.id === id)!;
    return Math.hypot(a.x - a0.x, a.y - a0.y) > 1e-6;
  });
}

describe('live storyboard: the storyboard reads the ego the planner drives', () => {
  const path = scenarioFile();

  it('imports the external hero as storyboard-driven agents with the standing fallback', () => {
    const { scenario, storyboard } = loaded(path);
    expect(scenario.storyboard).toEqual({ format: 'openscenario', path, egoEntity: 'hero' });
    expect(scenario.tags).toEqual(expect.arrayContaining([EGO_TRIGGERS_UNFIRED_TAG, STORYBOARD_LIVE_TAG]));
    expect(scenario.agents.map((a) => [a.id, a.behavior.type])).toEqual([
      ['lead', 'static'],
      ['walker', 'static'],
    ]);
    expect(storyboard).toBeDefined();
  });

  it('starts each actor at the frame the planner’s ego gets there, and not before', () => {
    const log = run(path, straight(8));
    const ev = Object.fromEntries((log.storyboardEvents ?? []).map((e) => [e.name, e.tS]));
    // LeadGoes: the first 0.05 s frame at which the ego (linear between ticks) is within 30 m of
    // the lead's reference point (100, −5.25)
    const lead0 = { x: 100, y: -5.25 };
    let expected: number | undefined;
    for (let k = 1; k < log.ticks.length && expected === undefined; k++)
      for (const u of [0.5, 1]) {
        const a = log.ticks[k - 1]!.ego;
        const b = log.ticks[k]!.ego;
        const x = a.x + u * (b.x - a.x);
        const y = a.y + u * (b.y - a.y);
        if (Math.hypot(x - lead0.x, y - lead0.y) < 30) {
          expected = Math.round((log.ticks[k - 1]!.tS + u * 0.1) * 100) / 100;
          break;
        }
      }
    expect(expected).toBeDefined();
    expect(ev.LeadGoes).toBeCloseTo(expected!, 9);
    // it moves from the next frame: the first tick that shows it is at or after that frame
    const k = firstMove(log, 'lead');
    expect(log.ticks[k]!.tS).toBeGreaterThanOrEqual(ev.LeadGoes! + 0.05 - 1e-9);
    expect(log.ticks[k]!.tS).toBeLessThanOrEqual(ev.LeadGoes! + 0.1 + 1e-9);
    expect(agentAt(log, k + 5, 'lead').speedMps).toBeCloseTo(10, 6);
    expect(agentAt(log, k + 5, 'lead').kind).toBe('vehicle');
    // WalkerGoes: the ego's rear axle within 2 m of (150, −1.75)
    const reach = log.ticks.findIndex((t) => Math.hypot(t.ego.x - 150, t.ego.y + 1.75) <= 2);
    expect(reach).toBeGreaterThan(0);
    expect(ev.WalkerGoes).toBeGreaterThan(log.ticks[reach - 1]!.tS);
    expect(ev.WalkerGoes).toBeLessThanOrEqual(log.ticks[reach]!.tS + 1e-9);
    expect(firstMove(log, 'walker')).toBeGreaterThanOrEqual(reach);
    // a storyboard actor imported standing is a moving body here, not an object
    expect(log.staticAgentIds).toEqual([]);
  });

  it('leaves every actor standing while the ego stays where it is', () => {
    for (const mode of ['nonreactive', 'reactive'] as const) {
      const log = run(path, straight(0), mode);
      expect(log.ticks[log.ticks.length - 1]!.ego.x).toBeCloseTo(10, 1);
      expect(log.storyboardEvents).toEqual([]);
      expect(firstMove(log, 'lead')).toBe(-1);
      expect(firstMove(log, 'walker')).toBe(-1);
    }
  });

  it('keeps the storyboard in reactive mode (the actors follow their story, as in ScenarioRunner)', () => {
    const nr = run(path, straight(8));
    const r = run(path, straight(8), 'reactive');
    expect(r.storyboardEvents).toEqual(nr.storyboardEvents);
    expect(r.ticks.map((t) => t.agents)).toEqual(nr.ticks.map((t) => t.agents));
  });

  it('replays bit for bit: the same planner and scenario give the same log', () => {
    const a = JSON.stringify(run(path, straight(8)));
    const b = JSON.stringify(run(path, straight(8)));
    expect(a.length).toBeGreaterThan(1000);
    expect(a === b).toBe(true);
  });

  it('runs live through an eval job (the worker rebuilds the storyboard from the scenario file)', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'edgeplan-live-log-'));
    const res = await runJob({ scenario: path, planner: 'idm', mode: 'nonreactive', seed: 0, logDir });
    expect(res.error).toBeUndefined();
    const record = JSON.parse(readFileSync(join(logDir, `${res.id}.json`), 'utf8'));
    expect(record.storyboardEvents.map((e: { name: string }) => e.name)).toContain('LeadGoes');
  });
});

/**
 * FollowLeadingVehicle's shape, written for ScenarioRunner (`CARLA:` header, positions in CARLA's
 * mirrored frame): the act starts on `hero TraveledDistance ≥ 1 AND SimulationTime = 0`, the lead
 * keeps 2 m/s for 20 m (a SpeedAction whose step dynamics has dimension distance), then stops.
 */
function carlaFile(header: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-live-sr-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 400 }));
  const p = join(dir, 'follow_sr.xosc');
  const cond = (name: string, body: string) =>
    `<Condition name="${name}" delay="0" conditionEdge="rising">${body}</Condition>`;
  const keep = `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="20" dynamicsDimension="distance"/><SpeedActionTarget><AbsoluteTargetSpeed value="2"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
  const stop = `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" value="10" dynamicsDimension="time"/><SpeedActionTarget><AbsoluteTargetSpeed value="0"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="0" description="${header}"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('hero')}${car('adversary')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="hero">${teleport(10, 1.75)}${external}</Private>
   <Private entityRef="adversary">${teleport(80, 1.75)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="Behavior"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="adversary"/></Actors><Maneuver name="M">
   <Event name="Keeps" priority="overwrite"><Action name="KeepsA">${keep}</Action>
    <StartTrigger><ConditionGroup>${cond('Close', byHero('<RelativeDistanceCondition entityRef="adversary" relativeDistanceType="cartesianDistance" value="80" freespace="false" rule="lessThan"/>'))}</ConditionGroup></StartTrigger></Event>
   <Event name="Waits" priority="overwrite"><Action name="WaitsA">${stop}</Action>
    <StartTrigger><ConditionGroup>${cond('AfterKeeps', '<ByValueCondition><StoryboardElementStateCondition storyboardElementType="action" storyboardElementRef="KeepsA" state="endTransition"/></ByValueCondition>')}</ConditionGroup></StartTrigger></Event>
  </Maneuver></ManeuverGroup>
  <StartTrigger><ConditionGroup>${cond('Moved', byHero('<TraveledDistanceCondition value="1.0"/>'))}${cond('StartTime', '<ByValueCondition><SimulationTimeCondition value="0" rule="equalTo"/></ByValueCondition>')}</ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger/>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('live storyboard of a file written for ScenarioRunner (CARLA: header)', () => {
  it('reads its conditions and speed actions as ScenarioRunner does: the lead keeps 2 m/s for 20 m, then stops', () => {
    const log = run(carlaFile('CARLA:FollowShape'), straight(8));
    const ev = Object.fromEntries((log.storyboardEvents ?? []).map((e) => [e.name, e.tS]));
    // the act waits for the hero's first metre (SimulationTime = 0 holds whenever it is looked at);
    // the lead is then already within 80 m, so Keeps starts in the act's first frame
    const metre = log.ticks.findIndex((t) => t.ego.x - 10 >= 1);
    expect(ev.Keeps).toBeGreaterThan(log.ticks[metre - 1]!.tS);
    expect(ev.Keeps).toBeLessThanOrEqual(log.ticks[metre]!.tS + 0.05 + 1e-9);
    // 20 m at 2 m/s: the action runs 10 s, then Waits stops the lead
    expect(ev.Waits! - ev.Keeps!).toBeCloseTo(10, 1);
    const k = log.ticks.findIndex((t) => t.tS >= ev.Keeps! + 5);
    expect(agentAt(log, k, 'adversary').speedMps).toBeCloseTo(2, 6);
    const last = agentAt(log, log.ticks.length - 1, 'adversary');
    expect(last.speedMps).toBe(0);
    expect(last.x - agentAt(log, 0, 'adversary').x).toBeCloseTo(20, 0);
  });

  it('keeps the esmini reading for other files: the same storyboard never starts its act', () => {
    const log = run(carlaFile('esmini reading'), straight(8));
    expect(log.storyboardEvents).toEqual([]);
    expect(firstMove(log, 'adversary')).toBe(-1);
  });
});
