import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unwrap, VehicleParamsSchema } from '../../../core/index.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { parseXml } from '../opendrive/XmlTree.ts';
import { importOpenScenario } from './OpenScenario.ts';
import { boxCenterOffsetM, vehicleBodyOf, vehicleParamsOf } from './VehicleBody.ts';

const vehicle = (inner: string) =>
  unwrap(parseXml(`<Vehicle name="v" vehicleCategory="car">${inner}</Vehicle>`, 't.xosc', 'Vehicle'));

// esmini's car_white (resources/xosc/Catalogs/Vehicles/VehicleCatalog.xosc)
const CAR_WHITE = `<BoundingBox><Center x="1.4" y="0.0" z="0.75"/><Dimensions width="2.0" length="5.04" height="1.5"/></BoundingBox>
  <Performance maxSpeed="69.444" maxDeceleration="10" maxAcceleration="5"/>
  <Axles><FrontAxle maxSteering="0.5236" wheelDiameter="0.8" trackWidth="1.68" positionX="2.98" positionZ="0.4"/>
         <RearAxle maxSteering="0.5236" wheelDiameter="0.8" trackWidth="1.68" positionX="0" positionZ="0.4"/></Axles>`;

describe('a Vehicle as VehicleParams (esmini parseOSCVehicle)', () => {
  it('takes the box, the box centre ahead of the rear axle and the wheel base', () => {
    const p = vehicleParamsOf(vehicle(CAR_WHITE));
    expect(p.lengthM).toBeCloseTo(5.04, 9);
    expect(p.widthM).toBeCloseTo(2.0, 9);
    expect(p.rearAxleToCenterM).toBeCloseTo(1.4, 9);
    expect(p.wheelBaseM).toBeCloseTo(2.98, 9);
  });

  it('takes the Performance speed and acceleration within a vehicle’s range, not a braking above the friction limit', () => {
    const p = vehicleParamsOf(vehicle(CAR_WHITE));
    expect(p.maxSpeedMps).toBeCloseTo(69.444, 9);
    expect(p.maxAccelMps2).toBe(5);
    // 10 m/s² is esmini's placeholder, above ≈ 1 g: the default stays
    expect(p.maxDecelMps2).toBeUndefined();
    const hard = vehicleParamsOf(
      vehicle('<Performance maxSpeed="30" maxDeceleration="9" maxAcceleration="0"/>'),
    );
    expect(hard.maxDecelMps2).toBe(9);
    expect(hard.maxAccelMps2).toBeUndefined();
  });

  it('keeps the defaults for what the file does not give', () => {
    const p = VehicleParamsSchema.parse(vehicleParamsOf(vehicle('<Properties/>')));
    expect(p).toEqual(VehicleParamsSchema.parse({}));
  });

  it('reads a zero-size box (esmini fills a missing one with zeros) as no size', () => {
    const p = vehicleParamsOf(
      vehicle(
        '<BoundingBox><Center x="0" y="0" z="0"/><Dimensions width="0" length="0" height="0"/></BoundingBox>',
      ),
    );
    expect(p.lengthM).toBeUndefined();
    expect(p.widthM).toBeUndefined();
  });

  it('moves the reference point onto a rear axle not at x = 0, box and wheel base with it', () => {
    const v =
      vehicle(`<BoundingBox><Center x="2.5" y="0" z="0.75"/><Dimensions width="2" length="5" height="1.5"/></BoundingBox>
      <Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.8" trackWidth="1.7" positionX="3.9" positionZ="0.4"/>
             <RearAxle maxSteering="0" wheelDiameter="0.8" trackWidth="1.7" positionX="1.0" positionZ="0.4"/></Axles>`);
    expect(boxCenterOffsetM(v)).toBeCloseTo(1.5, 9);
    expect(vehicleParamsOf(v).rearAxleToCenterM).toBeCloseTo(1.5, 9);
    expect(vehicleParamsOf(v).wheelBaseM).toBeCloseTo(2.9, 9);
  });

  it('puts the box behind a reference point ahead of the rear axle (refpoint_x_offset)', () => {
    // esmini's follow_trajectory_by_front_axle.xosc: the reference point on the front axle
    const v = vehicle(
      `${CAR_WHITE}<Properties><Property name="refpoint_x_offset" value="2.98"/></Properties>`,
    );
    expect(boxCenterOffsetM(v)).toBeCloseTo(1.4 - 2.98, 9);
  });
});

// rev13: values with no lower bound reached the gate (maxDeceleration 1e-9: "cannot stop anyway", no intervention)
describe('a Vehicle value out of a road vehicle’s range (VehicleBody bounds)', () => {
  const box = (centreX: number, length: number, front = 2.9, rear = 0) =>
    `<BoundingBox><Center x="${centreX}" y="0" z="0"/><Dimensions width="2" length="${length}" height="1.5"/></BoundingBox><Axles><FrontAxle positionX="${front}" maxSteering="0.5" wheelDiameter="0.8" trackWidth="1.6" positionZ="0.4"/><RearAxle positionX="${rear}" maxSteering="0.5" wheelDiameter="0.8" trackWidth="1.6" positionZ="0.4"/></Axles>`;

  it('keeps the default braking below RSS α_brake,min (4 m/s²), saying so', () => {
    for (const decel of ['1e-9', '0.5', '3.9']) {
      const b = vehicleBodyOf(
        vehicle(`<Performance maxSpeed="30" maxDeceleration="${decel}" maxAcceleration="3"/>`),
      );
      expect(b.params.maxDecelMps2).toBeUndefined();
      expect(b.warnings.join('\n')).toMatch(/Performance maxDeceleration .* out of \[4 \(RSS/);
    }
    expect(
      vehicleParamsOf(vehicle('<Performance maxSpeed="30" maxDeceleration="4" maxAcceleration="3"/>'))
        .maxDecelMps2,
    ).toBe(4);
  });

  it('keeps the default acceleration below 0.5 m/s², saying so', () => {
    const b = vehicleBodyOf(
      vehicle('<Performance maxSpeed="30" maxDeceleration="8" maxAcceleration="0.001"/>'),
    );
    expect(b.params.maxAccelMps2).toBeUndefined();
    expect(b.params.maxDecelMps2).toBe(8);
    expect(b.warnings).toEqual([expect.stringMatching(/^Performance maxAcceleration 0.001 out of/)]);
  });

  it('keeps the default top speed below 6 km/h, saying so', () => {
    const b = vehicleBodyOf(vehicle('<Performance maxSpeed="0.2" maxDeceleration="8" maxAcceleration="3"/>'));
    expect(b.params.maxSpeedMps).toBeUndefined();
    expect(b.warnings).toEqual([expect.stringMatching(/^Performance maxSpeed 0.2 out of/)]);
  });

  it('keeps the default size for a box under 0.5 m, and checks its centre against the default length', () => {
    const b = vehicleBodyOf(
      vehicle(
        '<BoundingBox><Center x="80" y="0" z="0"/><Dimensions width="0.001" length="0.001" height="1"/></BoundingBox>',
      ),
    );
    expect(b.params).toEqual({});
    expect(b.warnings).toHaveLength(3);
    expect(b.warnings.join('\n')).toMatch(
      /BoundingBox length 0.001 .*\n.*BoundingBox width 0.001 .*\n.*centre .* 80 out of ±5.176 m/,
    );
  });

  it('keeps the default centre offset farther from the rear axle than the box is long', () => {
    const b = vehicleBodyOf(vehicle(box(5.5, 5)));
    expect(b.params.lengthM).toBe(5);
    expect(b.params.rearAxleToCenterM).toBeUndefined();
    expect(b.warnings).toEqual([expect.stringMatching(/centre ahead of the rear axle 5.5 out of ±5 m/)]);
  });

  it('keeps the default wheel base shorter than 0.3 or longer than 1 box length', () => {
    for (const [front, rear] of [
      [0.0001, 0],
      [2.9, -3],
    ] as const) {
      const b = vehicleBodyOf(vehicle(box(1.4, 5, front, rear)));
      expect(b.params.wheelBaseM).toBeUndefined();
      expect(b.warnings.join('\n')).toMatch(/wheel base .* out of \[1.5, 5\] m/);
    }
    expect(vehicleBodyOf(vehicle(box(1.4, 5))).warnings).toEqual([]);
  });

  it('names the ego’s out-of-range value among the import warnings, and the ego brakes at the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-body-'));
    writeFileSync(join(dir, 'road.xodr'), straightRoadXodr({ lengthM: 300 }));
    const car = (perf: string) =>
      `<Vehicle name="car" vehicleCategory="car"><BoundingBox><Center x="1.4" y="0" z="0.9"/><Dimensions width="2" length="4.5" height="1.5"/></BoundingBox>${perf}<Axles><FrontAxle maxSteering="0.5" wheelDiameter="0.6" trackWidth="1.8" positionX="2.8" positionZ="0.3"/><RearAxle maxSteering="0" wheelDiameter="0.6" trackWidth="1.8" positionX="0" positionZ="0.3"/></Axles></Vehicle>`;
    const start = (name: string, s: number) =>
      `<Private entityRef="${name}"><PrivateAction><TeleportAction><Position><LanePosition roadId="7" laneId="-1" s="${s}" offset="0"/></Position></TeleportAction></PrivateAction></Private>`;
    writeFileSync(
      join(dir, 'body.xosc'),
      `<?xml version="1.0"?><OpenSCENARIO><FileHeader revMajor="1" revMinor="0" date="2020-03-20T12:00:00" description="body" author=""/>
 <RoadNetwork><LogicFile filepath="road.xodr"/></RoadNetwork>
 <Entities><ScenarioObject name="Ego">${car('<Performance maxSpeed="30" maxAcceleration="3" maxDeceleration="0.5"/>')}</ScenarioObject>
  <ScenarioObject name="Other">${car('<Performance maxSpeed="30" maxAcceleration="3" maxDeceleration="0.5"/>')}</ScenarioObject></Entities>
 <Storyboard><Init><Actions>${start('Ego', 20)}${start('Other', 60)}</Actions></Init>
  <StopTrigger><ConditionGroup><Condition name="end" delay="0" conditionEdge="rising"><ByValueCondition><SimulationTimeCondition value="5" rule="greaterThan"/></ByValueCondition></Condition></ConditionGroup></StopTrigger>
 </Storyboard></OpenSCENARIO>`,
    );
    const r = unwrap(importOpenScenario(join(dir, 'body.xosc')));
    expect(r.scenarios[0]!.vehicle.maxDecelMps2).toBe(VehicleParamsSchema.parse({}).maxDecelMps2);
    // the ego's only: another vehicle's body is no VehicleParams of the ego
    expect(r.warnings.filter((w) => /maxDeceleration/.test(w))).toEqual([
      expect.stringMatching(/^the ego Ego: Performance maxDeceleration 0.5 out of/),
    ]);
  });
});
