import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStoryboard } from './StoryboardRun.ts';
import { trajectoryHeadingAt, trajectoryStartDirection, trajectoryVertices } from './TrajectoryHeading.ts';

// The polyline of esmini's traj_heading_and_interpolation.xosc (Car1): (100, −9) → (120, −5) →
// (140, −9) → (160, −5), the first vertex given h = π.
const zigzag = [
  { x: 100, y: -9 },
  { x: 120, y: -5 },
  { x: 140, y: -9 },
  { x: 160, y: -5 },
];
const zigzagVertices = trajectoryVertices(zigzag, [Math.PI, undefined, undefined, undefined]);

describe('trajectory vertex headings (esmini PolyLineShape::CalculatePolyLine)', () => {
  it('keeps a given vertex heading and gives the others the direction to the next vertex', () => {
    expect(zigzagVertices.h[0]).toBeCloseTo(Math.PI, 12);
    expect(zigzagVertices.hTrue[0]).toBeCloseTo(Math.atan2(4, 20), 12);
    expect(zigzagVertices.h[1]).toBeCloseTo(2 * Math.PI - Math.atan2(4, 20), 12);
    // the last vertex keeps the heading of the segment before it
    expect(zigzagVertices.h[3]).toBeCloseTo(Math.atan2(4, 20), 12);
  });

  it('takes the true heading of a repeated vertex from the next one that differs', () => {
    const v = trajectoryVertices(
      [
        { x: 0, y: 0 },
        { x: 0, y: 0 },
        { x: 0, y: 10 },
      ],
      [undefined, undefined, undefined],
    );
    expect(v.hTrue[0]).toBeCloseTo(Math.PI / 2, 12);
    expect(v.hTrue[1]).toBeCloseTo(Math.PI / 2, 12);
  });
});

describe('trajectory heading between vertices (esmini PolyLineBase::EvaluateSegmentByLocalS)', () => {
  // Reference values: esmini ScenarioEngine_test.cpp TestIgnoreHeadingAndInterpolationByVehicleProperty.
  it('blends linearly over the whole segment in segment mode (Car3 at s 5: 3.863)', () => {
    expect(trajectoryHeadingAt(zigzagVertices, 5, 'segment').headingRad).toBeCloseTo(3.863, 3);
  });

  it('keeps the vertex heading mid-segment in corner mode (Car1 at s 5: π)', () => {
    expect(trajectoryHeadingAt(zigzagVertices, 5, 'corner').headingRad).toBeCloseTo(Math.PI, 3);
  });

  it('blends within 2 m of a corner in corner mode (Car1 at s 40.5, 0.29 m before the second corner: 6.254)', () => {
    expect(trajectoryHeadingAt(zigzagVertices, 40.5, 'corner').headingRad).toBeCloseTo(6.254, 3);
  });

  it('does not blend at all in none mode (Car4 at s 40.5: 6.086)', () => {
    expect(trajectoryHeadingAt(zigzagVertices, 40.5, 'none').headingRad).toBeCloseTo(6.086, 3);
  });
});

describe('trajectory start direction (esmini FollowTrajectoryAction::Start)', () => {
  const along = { headingRad: 0, hTrueRad: 0, explicit: false };
  it('faces an untimed shape backwards when the speed is negative, and so travels along it', () => {
    const d = trajectoryStartDirection(along, { speedMps: -5, timed: false, ignoreHeadingForMotion: false });
    expect(d.headingRad).toBeCloseTo(Math.PI, 12);
    // direction of travel = sign(speed) · headingSign = +1
    expect(d.headingSign).toBe(-1);
  });

  it('keeps a given heading and reverses against the shape when it faces along it with a negative speed', () => {
    const d = trajectoryStartDirection(
      { headingRad: 0, hTrueRad: 0, explicit: true },
      { speedMps: -5, timed: false, ignoreHeadingForMotion: false },
    );
    expect(d.headingRad).toBe(0);
    expect(d.headingSign).toBe(1);
  });

  it('gives a timed shape a negative speed when its given heading faces against it', () => {
    const d = trajectoryStartDirection(
      { headingRad: Math.PI, hTrueRad: 0, explicit: true },
      { speedMps: 0, timed: true, ignoreHeadingForMotion: false },
    );
    expect(d.speedSign).toBe(-1);
  });

  it('travels along the shape whatever the given heading with ignoreHeadingForTrajMotion', () => {
    const d = trajectoryStartDirection(
      { headingRad: Math.PI, hTrueRad: 0, explicit: true },
      { speedMps: 5, timed: false, ignoreHeadingForMotion: true },
    );
    expect(d.headingSign).toBe(1);
  });
});

describe('FollowTrajectoryAction with vertex headings and reversing (esmini traj_use_cases.xosc)', () => {
  /** Car at −5 m/s on an untimed polyline (40, 0) → (90, 0) from 25 m in, vertices given heading `h` (none if undefined). */
  const run = (h: number | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-osc-'));
    const v = (x: number) =>
      `<Vertex><Position><WorldPosition x="${x}" y="0"${h === undefined ? '' : ` h="${h}"`}/></Position></Vertex>`;
    const p = join(dir, 's.xosc');
    writeFileSync(
      p,
      `<?xml version="1.0"?>
<OpenSCENARIO><FileHeader revMajor="1" revMinor="1" description="reversing trajectory"/>
 <RoadNetwork/>
 <Entities><ScenarioObject name="Car"><Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.5" y="0" z="0.8"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox></Vehicle></ScenarioObject></Entities>
 <Storyboard>
  <Init><Actions><Private entityRef="Car"><PrivateAction><TeleportAction><Position><WorldPosition x="40" y="0"/></Position></TeleportAction></PrivateAction></Private></Actions></Init>
  <Story name="S"><Act name="A">
   <ManeuverGroup name="G" maximumExecutionCount="1"><Actors selectTriggeringEntities="false"><EntityRef entityRef="Car"/></Actors>
    <Maneuver name="M"><Event name="E" priority="override">
     <Action name="Speed"><PrivateAction><LongitudinalAction><SpeedAction><SpeedActionDynamics dynamicsShape="step" dynamicsDimension="time" value="0"/><SpeedActionTarget><AbsoluteTargetSpeed value="-5"/></SpeedActionTarget></SpeedAction></LongitudinalAction></PrivateAction></Action>
     <Action name="Traj"><PrivateAction><RoutingAction><FollowTrajectoryAction initialDistanceOffset="25">
      <Trajectory name="T" closed="false"><Shape><Polyline>${v(40)}${v(90)}</Polyline></Shape></Trajectory>
      <TimeReference><None/></TimeReference><TrajectoryFollowingMode followingMode="position"/></FollowTrajectoryAction></RoutingAction></PrivateAction></Action>
    </Event></Maneuver></ManeuverGroup>
  </Act></Story>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="3" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard>
</OpenSCENARIO>`,
    );
    const r = runStoryboard(p, { stepS: 0.1, maxDurationS: 3 });
    if (!r.ok) throw new Error(r.error.message);
    return (t: number) => r.value.states.find((s) => Math.abs(s.tS - t) < 1e-6)!;
  };

  it('is at initialDistanceOffset from the first recorded frame', () => {
    expect(run(undefined)(0).x).toBeCloseTo(65, 6);
  });

  it('without vertex headings faces backwards and moves along the shape', () => {
    const at = run(undefined)(2);
    expect(at.x).toBeCloseTo(75, 6);
    expect(at.h).toBeCloseTo(Math.PI, 6);
  });

  it('with vertex heading 0 keeps facing along the shape and backs up it', () => {
    const at = run(0)(2);
    expect(at.x).toBeCloseTo(55, 6);
    expect(at.h).toBeCloseTo(0, 6);
  });
});
