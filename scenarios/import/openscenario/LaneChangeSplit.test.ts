import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoryboard } from './StoryboardRun.ts';

/**
 * A straight road along x: lane −1 3.5 m wide, lane −2 widening by 0.1 m per m (its centre drifts
 * right by 0.05 m per m). Ego in lane −1 at s = 20, 10 m/s, changes to lane −2 at 1 s, cubic over
 * 2 s (step 0.1 s).
 */
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-lcsplit-'));
  const lane = (id: number, b: number) =>
    `<lane id="${id}" type="driving"><width sOffset="0" a="3.5" b="${b}" c="0" d="0"/></lane>`;
  writeFileSync(
    join(dir, 'road.xodr'),
    `<?xml version="1.0"?>
<OpenDRIVE><header revMajor="1" revMinor="6"/>
<road id="7" length="200" junction="-1">
 <planView><geometry s="0" x="0" y="0" hdg="0" length="200"><line/></geometry></planView>
 <lanes><laneSection s="0"><center><lane id="0" type="none"/></center><right>${lane(-1, 0)}${lane(-2, 0.1)}</right></laneSection></lanes>
</road>
</OpenDRIVE>`,
  );
  const p = join(dir, 's.xosc');
  writeFileSync(
    p,
    `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="lane change split"/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Ego"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Ego">
   <PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="20" offset="0"/></Position></TeleportAction></PrivateAction>
   <PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="10"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction>
  </Private></Actions></Init>
  <Story name="S"><Act name="A"><ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Ego"/></Actors><Maneuver name="M">
   <Event name="Change" priority="parallel"><Action name="ChangeA"><PrivateAction><LateralAction><LaneChangeAction><LaneChangeActionDynamics dynamicsShape="cubic" dynamicsDimension="time" value="2"/><LaneChangeTarget><AbsoluteTargetLane value="-2"/></LaneChangeTarget></LaneChangeAction></LateralAction></PrivateAction></Action>
    <StartTrigger><ConditionGroup><Condition name="t1" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="1" rule="greaterOrEqual"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Event>
  </Maneuver></ManeuverGroup><StartTrigger><ConditionGroup><Condition name="go" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="0" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StartTrigger></Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="none"><ByValueCondition><SimulationTimeCondition value="4" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
  );
  return p;
}

describe('LaneChangeAction step split', () => {
  const r = runStoryboard(file(), { stepS: 0.1 });
  if (!r.ok) throw new Error(r.error.message);
  const start = r.value.events.find((e) => e.kind === 'element_start_time' && e.name === 'ChangeA')!.tS;
  const end = r.value.events.find((e) => e.kind === 'element_end_time' && e.name === 'ChangeA')!.tS;

  it("takes the lateral part by the transition's rate where each step starts, the target lane's drift not counted (esmini LatLaneChangeAction::Step)", () => {
    // ds_k = sqrt(step² − (|b| · 6u(1 − u) · dt / T)²), u = k dt / T; |b| the distance between the
    // lane centres when it starts (1.75 + w(s)/2, w(s) = 3.5 + 0.1 s).
    const x0 = r.value.states.find((s) => Math.abs(s.tS - (start + 0.1)) < 1e-6)!.x;
    const sAt = x0 - 1; // the row after the start shows the first step (1 m at 10 m/s) taken
    const b = 1.75 + (3.5 + 0.1 * sAt) / 2;
    let s = sAt;
    for (let k = 0; k < 20; k++) {
      const u = (k * 0.1) / 2;
      const dLat = (b * 6 * u * (1 - u) * 0.1) / 2;
      s += Math.sqrt(1 - dLat * dLat);
    }
    // Twenty steps: the last one starts at start + 1.9 s, where the action ends (logged at the
    // time its step starts).
    expect(end - start).toBeCloseTo(1.9, 6);
    const after = r.value.states.find((q) => Math.abs(q.tS - (end + 0.1)) < 1e-6)!;
    expect(after.x).toBeCloseTo(s, 2);
  });
});
