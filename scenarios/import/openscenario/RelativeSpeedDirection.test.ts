import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoryboard } from './StoryboardRun.ts';

const car = (name: string) =>
  `<ScenarioObject name="${name}"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject>`;
const speed = (v: number) =>
  `<PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="${v}"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>`;
const at = (x: number, y: number, h: number) =>
  `<PrivateAction><TeleportAction><Position><WorldPosition x="${x}" y="${y}" h="${h}"/></Position></TeleportAction></PrivateAction>`;

/**
 * No road network. Ego drives along +x at 10 m/s; Crosser 100 m away drives along +y at 5 m/s.
 * In Ego's frame Crosser's velocity is (0, 5): relative longitudinal −10 m/s, lateral +5 m/s.
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-rsd-'));
  const cond = (name: string, direction: string, rule: string, value: number) =>
    `<Event name="${name}" priority="parallel"><Action name="${name}A">${speed(10)}</Action><StartTrigger><ConditionGroup><Condition name="${name}C" delay="0" conditionEdge="none"><ByEntityCondition><TriggeringEntities triggeringEntitiesRule="any"><EntityRef entityRef="Crosser"/></TriggeringEntities><EntityCondition><RelativeSpeedCondition entityRef="Ego" value="${value}" rule="${rule}" direction="${direction}"/></EntityCondition></ByEntityCondition></Condition></ConditionGroup></StartTrigger></Event>`;
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="2" description="relative speed direction"/>
 <Entities>${car('Ego')}${car('Crosser')}</Entities>
 <Storyboard>
  <Init><Actions>
   <Private entityRef="Ego">${at(0, 0, 0)}${speed(10)}</Private>
   <Private entityRef="Crosser">${at(100, -50, Math.PI / 2)}${speed(5)}</Private>
  </Actions></Init>
  <Story name="S"><Act name="A"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Ego"/></Actors><Maneuver name="M">
   ${cond('Lat', 'lateral', 'greaterThan', 4.9)}
   ${cond('LatTooMuch', 'lateral', 'greaterThan', 5.1)}
   ${cond('Lon', 'longitudinal', 'lessThan', -9.9)}
   ${cond('LonTooMuch', 'longitudinal', 'lessThan', -10.1)}
  </Maneuver></ManeuverGroup><StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterOrEqual"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="2" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('RelativeSpeedCondition with a direction (OpenSCENARIO 1.2)', () => {
  const r = runStoryboard(file(), { stepS: 0.1 });
  if (!r.ok) throw new Error(r.error.message);
  const started = (name: string) =>
    r.value.events.some((e) => e.kind === 'element_start_time' && e.name === name);

  it("measures the lateral component in the referenced entity's frame", () => {
    expect(started('Lat')).toBe(true);
    expect(started('LatTooMuch')).toBe(false);
  });

  it("measures the longitudinal component minus the referenced entity's own speed", () => {
    expect(started('Lon')).toBe(true);
    expect(started('LonTooMuch')).toBe(false);
  });
});
