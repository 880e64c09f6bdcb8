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
const simTime = (name: string, t: number, edge: string, delay: number) =>
  `<Condition name="${name}" delay="${delay}" conditionEdge="${edge}"><ByValueCondition><SimulationTimeCondition value="${t}" rule="greaterThan"/></ByValueCondition></Condition>`;

/**
 * Two events on one car, each started by an AND of "time > 5" with a delayed condition: Pulse's is
 * the rising edge of "time > 1" delayed 2 s (true for one sample near 3 s, long before 5 s);
 * Level's is "time > 1" itself (no edge) delayed 2 s (true from about 3 s on); Edge's is the rising
 * edge of "time > 1" undelayed (true for the one sample near 1 s).
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-delay-'));
  writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 500 }));
  const ev = (name: string, cond: string) =>
    `<Event name="${name}" priority="parallel"><Action name="${name}A">${speed(5)}</Action><StartTrigger><ConditionGroup>${simTime(`${name}At5`, 5, 'none', 0)}${cond}</ConditionGroup></StartTrigger></Event>`;
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="delays"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities>${car('Ego')}</Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="20" offset="0"/></Position></TeleportAction></PrivateAction>${speed(10)}</Private></Actions></Init>
  <Story name="S"><Act name="A"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Ego"/></Actors><Maneuver name="M">
   ${ev('Pulse', simTime('edge', 1, 'rising', 2))}
   ${ev('Level', simTime('level', 1, 'none', 2))}
   ${ev('Edge', simTime('edgeNow', 1, 'rising', 0))}
  </Maneuver></ManeuverGroup><StartTrigger><ConditionGroup>${simTime('go', 0, 'none', 0)}</ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup>${simTime('end', 8, 'none', 0)}</ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('a delayed condition (esmini ConditionDelay)', () => {
  const r = runStoryboard(file(), { stepS: 0.05 });
  if (!r.ok) throw new Error(r.error.message);
  const started = (name: string) =>
    r.value.events.find((e) => e.kind === 'element_start_time' && e.name === name)?.tS;

  it('repeats a one-sample edge once, delayed: it does not stay true to meet a later condition', () => {
    expect(started('Pulse')).toBeUndefined();
  });

  it('repeats a level delayed: true from the delay on, so it meets the later condition', () => {
    expect(started('Level')).toBeCloseTo(5.05, 6);
  });

  it('takes an undelayed edge as esmini does, for its one sample: it does not stay true either', () => {
    expect(started('Edge')).toBeUndefined();
  });
});
