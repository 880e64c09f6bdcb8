import { describe, expect, it } from 'vitest';
import { type RoadMapData, VehicleParamsSchema } from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { MetricMap } from '../../../sim/metrics/MetricMap.ts';
import { importOpenScenario } from './OpenScenario.ts';
import { startApron } from './StartApron.ts';

// One 3.5 m lane from x = 0 to 200 along y = 0, nothing before it (a road that starts at x = 0).
const data: RoadMapData = {
  id: 'road_start',
  lanes: [
    {
      id: '1_0_-1',
      type: 'driving',
      centerline: [
        { x: 0, y: 0 },
        { x: 200, y: 0 },
      ],
      widthM: 3.5,
      speedLimitMps: 10,
      successors: [],
      predecessors: [],
      leftBoundary: 'solid',
      rightBoundary: 'solid',
    },
  ],
  crosswalks: [],
  stopLines: [],
  junctions: [],
  drivableAreas: [],
};
// nuPlan's Pacifica (1.127 m of body behind the rear axle) for the hand-made cases
const pacifica = VehicleParamsSchema.parse({});
const rearCorners = (x: number, y: number) => {
  const back = x + pacifica.rearAxleToCenterM - pacifica.lengthM / 2;
  return [
    { x: back, y: y + pacifica.widthM / 2 },
    { x: back, y: y - pacifica.widthM / 2 },
  ];
};

describe('startApron', () => {
  it('paves the overhang of an ego whose rear axle stands at the start of its road (s = 0)', () => {
    const without = new MetricMap(new RoadMap(data));
    for (const p of rearCorners(0, 0)) expect(without.inDrivableArea(p.x, p.y)).toBe(false);
    const apron = startApron(data, { x: 0, y: 0, headingRad: 0 }, pacifica);
    expect(apron).toBeDefined();
    const withApron = new MetricMap(new RoadMap({ ...data, drivableAreas: [apron!] }));
    for (const p of rearCorners(0, 0)) expect(withApron.inDrivableArea(p.x, p.y)).toBe(true);
  });

  it('adds nothing when the whole start footprint is on the road', () => {
    expect(startApron(data, { x: 10, y: 0, headingRad: 0 }, pacifica)).toBeUndefined();
  });

  it('adds nothing when a rear corner hangs over the side of the road, not its start (review 11)', () => {
    // 5 m along the lane, 0.55 m right of its centre, turned 0.12 rad left: the front corners and the
    // rear axle are on the 3.5 m lane, the rear-right corner (4.02, −1.83) 8 cm beyond its right edge
    expect(startApron(data, { x: 5, y: -0.55, headingRad: 0.12 }, pacifica)).toBeUndefined();
  });

  it('adds nothing when the front sticks out too (a start across the road edge is no overhang)', () => {
    // 1.5 m left of the lane centre: the left corners, front and back, are off the 3.5 m lane
    expect(startApron(data, { x: 0, y: 1.5, headingRad: 0 }, pacifica)).toBeUndefined();
  });

  it('adds nothing for an ego whose rear axle is off the road', () => {
    // reversed at the road start: the rear axle at x = -0.5 lies before the road
    expect(startApron(data, { x: -0.5, y: 0, headingRad: 0 }, pacifica)).toBeUndefined();
  });

  it("imports esmini's lane_width_and_offset.xosc (ego at s = 0 of road 4) with the ego's rear on the drivable area", () => {
    const file = new URL(
      '../../../data/esmini/EnvironmentSimulator/Unittest/xosc/lane_width_and_offset.xosc',
      import.meta.url,
    ).pathname;
    const r = importOpenScenario(file);
    if (!r.ok) throw new Error(r.error.message);
    const s = r.value.scenarios[0]!;
    // the map a run of the .xosc gets (loadScenario: the import's own map)
    const mm = new MetricMap(new RoadMap(r.value.map!));
    const { x, y, headingRad } = s.egoStart;
    // the scenario's own ego (the file's car_white, 5.04 × 2 m), which the apron is laid under
    const back = s.vehicle.rearAxleToCenterM - s.vehicle.lengthM / 2;
    const half = s.vehicle.widthM / 2;
    const c = Math.cos(headingRad);
    const n = Math.sin(headingRad);
    for (const side of [half, -half])
      expect(mm.inDrivableArea(x + back * c - side * n, y + back * n + side * c)).toBe(true);
  });
});
