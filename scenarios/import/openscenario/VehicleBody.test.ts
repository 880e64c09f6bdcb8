import { describe, expect, it } from 'vitest';
import { unwrap, VehicleParamsSchema } from '../../../core/index.ts';
import { parseXml } from '../opendrive/XmlTree.ts';
import { boxCenterOffsetM, vehicleParamsOf } from './VehicleBody.ts';

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
