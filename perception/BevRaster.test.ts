import { describe, expect, it } from 'vitest';
import { VehicleParamsSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { intersection } from '../scenarios/builtin/index.ts';
import { BevRaster, bevChannels, STOP_LINE_VALUE } from './BevRaster.ts';
import { PerceptionParamsSchema } from './PerceptionParams.ts';
import { agent, snapshot, straightRoad } from './testing/scenes.ts';

// Ego at the origin heading +x: ego frame = map frame (forward = x, left = y), 0.25 m cells,
// 256 × 256. A 1-cell line at map y = Y lands in the column containing left = Y − 0.1 (see cellOf).
const params = PerceptionParamsSchema.parse({});
const map = straightRoad();
const scene = () =>
  snapshot(0, 0, 0, 5, [
    agent('car', 'vehicle', 20, 4),
    agent('ped', 'pedestrian', 12, -1),
    agent('bike', 'cyclist', -15, 0),
    agent('box', 'static', -20, -8, 0, 0, 2, 2),
  ]);
const rendered = (p = params, snap = scene()) => new BevRaster(map, p).render(snap, snap.route);

describe('BevRaster channels', () => {
  it('has the default channel table in order, 256 × 256 cells for 64 m at 0.25 m', () => {
    const bev = new BevRaster(map, params);
    expect(bev.channels.map((c) => c.name)).toEqual([
      'drivable',
      'centerline',
      'boundarySolid',
      'boundaryDashed',
      'route',
      'crosswalk',
      'stopLine',
      'vehicle',
      'pedestrian',
      'cyclist',
      'static',
      'ego',
    ]);
    expect([bev.widthPx, bev.heightPx]).toEqual([256, 256]);
    expect(bev.data.length).toBe(12 * 256 * 256);
  });

  it('drivable: lanes and extra areas are drivable, the sidewalk and off-road are not', () => {
    const bev = rendered();
    expect(bev.valueAt('drivable', 0, 0)).toBe(255); // R0
    expect(bev.valueAt('drivable', 0, 4)).toBe(255); // R1
    expect(bev.valueAt('drivable', 0, -4)).toBe(0); // sidewalk (y −5..−3)
    expect(bev.valueAt('drivable', -7, -8)).toBe(255); // extra area
    expect(bev.valueAt('drivable', 0, 12)).toBe(0); // beyond O0 (y 6..10)
  });

  it('centerline: one cell wide on the lane centre', () => {
    const bev = rendered();
    expect(bev.valueAt('centerline', 30, -0.1)).toBe(255);
    expect(bev.valueAt('centerline', 30, 3.9)).toBe(255);
    expect(bev.valueAt('centerline', 30, 1)).toBe(0);
    // 256 columns of R0, R1, O0 and the sidewalk centreline (its type does not matter).
    expect(bev.count('centerline')).toBe(4 * 256);
  });

  it('boundaries: dashed between R0 and R1, solid at the outer edges, none for the sidewalk', () => {
    const bev = rendered();
    expect(bev.valueAt('boundaryDashed', 30, 1.9)).toBe(255);
    expect(bev.valueAt('boundarySolid', 30, 1.9)).toBe(0);
    expect(bev.valueAt('boundarySolid', 30, -2.1)).toBe(255); // R0 right
    expect(bev.valueAt('boundaryDashed', 30, -2.1)).toBe(0);
    expect(bev.valueAt('boundarySolid', 30, 5.9)).toBe(255); // R1 left / O0 left
    expect(bev.valueAt('boundarySolid', 30, -3.1)).toBe(0); // sidewalk edge: 'none'
  });

  it('route: only the route lanes', () => {
    const bev = rendered();
    expect(bev.valueAt('route', 20, 0)).toBe(255);
    expect(bev.valueAt('route', 20, 4)).toBe(0);
  });

  it('crosswalk: the crosswalk polygon', () => {
    const bev = rendered();
    expect(bev.valueAt('crosswalk', 12, 2)).toBe(255);
    expect(bev.valueAt('crosswalk', 9, 2)).toBe(0);
    expect(bev.count('crosswalk')).toBe(16 * 32); // 4 m × 8 m at 0.25 m
  });

  it('stopLine: value follows the lane signal (RED 255, GREEN 85, none 42)', () => {
    const red = rendered(params, { ...scene(), lights: [{ laneId: 'R0', state: 'RED' }] });
    expect(red.valueAt('stopLine', 8, 0)).toBe(STOP_LINE_VALUE.RED);
    expect(red.valueAt('stopLine', 9, 0)).toBe(0);
    const green = rendered(params, { ...scene(), lights: [{ laneId: 'R0', state: 'GREEN' }] });
    expect(green.valueAt('stopLine', 8, 0)).toBe(85);
    expect(rendered().valueAt('stopLine', 8, 0)).toBe(42);
  });

  it('stopLine: takes the state of the route successor connector when the lane has no light', () => {
    // IN3 runs north on x = 1.75 and ends at the stop line y = −14 (scenarios/builtin intersection()).
    const imap = new RoadMap(intersection());
    const bev = new BevRaster(imap, params);
    const snap = snapshot(1.75, -30, Math.PI / 2, 5, [], {
      route: { laneIds: ['IN3', 'C32', 'OUT2'] },
      lights: [
        { laneId: 'C32', state: 'GREEN' },
        { laneId: 'C31', state: 'RED' },
      ],
    });
    bev.render(snap, snap.route);
    expect(bev.valueAt('stopLine', 16, 0)).toBe(STOP_LINE_VALUE.GREEN);
    // Off the route, the most restrictive successor wins.
    bev.render(snap, { laneIds: ['OUT2'] });
    expect(bev.valueAt('stopLine', 16, 0)).toBe(STOP_LINE_VALUE.RED);
  });

  it('agents: each kind in its own channel, at its footprint', () => {
    const bev = rendered();
    expect(bev.valueAt('vehicle', 20, 4)).toBe(255);
    expect(bev.valueAt('vehicle', 22.1, 4)).toBe(255);
    expect(bev.valueAt('vehicle', 22.4, 4)).toBe(0); // half length 2.25
    expect(bev.valueAt('pedestrian', 12, -1)).toBe(255);
    expect(bev.valueAt('vehicle', 12, -1)).toBe(0);
    expect(bev.valueAt('cyclist', -15, 0)).toBe(255);
    expect(bev.valueAt('static', -20, -8)).toBe(255);
    expect(bev.count('vehicle')).toBe(18 * 8); // 4.5 m × 2 m → 18 × 8 cells
  });

  it('ego: the rear-axle pose becomes a box centred 1.461 m ahead (Pacifica)', () => {
    const bev = rendered();
    const v = VehicleParamsSchema.parse({});
    const front = v.rearAxleToCenterM + v.lengthM / 2; // 4.049 m
    const rear = v.rearAxleToCenterM - v.lengthM / 2; // −1.127 m
    expect(bev.valueAt('ego', front - 0.2, 0)).toBe(255);
    expect(bev.valueAt('ego', front + 0.2, 0)).toBe(0);
    expect(bev.valueAt('ego', rear + 0.2, 0)).toBe(255);
    expect(bev.valueAt('ego', rear - 0.2, 0)).toBe(0);
    expect(bev.valueAt('ego', 1.461, 1.0)).toBe(255);
    expect(bev.valueAt('ego', 1.461, 1.3)).toBe(0); // half width 1.1485
  });

  it('is ego-aligned: heading north puts map +y ahead and map −x on the left', () => {
    const snap = snapshot(0, 0, Math.PI / 2, 0, [
      agent('a', 'vehicle', 0, 10),
      agent('b', 'pedestrian', -10, 0),
    ]);
    const bev = new BevRaster(map, params).render(snap, snap.route);
    expect(bev.valueAt('vehicle', 10, 0)).toBe(255);
    expect(bev.valueAt('pedestrian', 0, 10)).toBe(255);
    expect(bev.valueAt('pedestrian', 0, -10)).toBe(0);
  });

  it('forwardOffsetM shifts the view ahead', () => {
    const p = PerceptionParamsSchema.parse({ forwardOffsetM: 16 });
    const snap = snapshot(0, 0, 0, 0, [agent('far', 'vehicle', 40, 0)]);
    const bev = new BevRaster(map, p).render(snap, snap.route);
    expect(bev.valueAt('vehicle', 40, 0)).toBe(255);
    expect(rendered(params, snap).valueAt('vehicle', 40, 0)).toBe(0); // outside a centred 64 m raster
  });

  it('disabled channels are left out of the buffer and the table', () => {
    const p = PerceptionParamsSchema.parse({ channels: { crosswalk: false, static: false } });
    const bev = rendered(p);
    expect(bev.channels.length).toBe(10);
    expect(bev.channelIndex('crosswalk')).toBe(-1);
    expect(bev.channelIndex('stopLine')).toBe(5);
    expect(bev.valueAt('crosswalk', 12, 2)).toBe(0);
  });

  it('history channels hold the agents of the previous ticks', () => {
    const p = PerceptionParamsSchema.parse({ historyLength: 2 });
    expect(
      bevChannels(p)
        .slice(-2)
        .map((c) => c.name),
    ).toEqual(['history1', 'history2']);
    const bev = new BevRaster(map, p);
    const at = (x: number) => snapshot(0, 0, 0, 0, [agent('car', 'vehicle', x, 4, 0, 0, 1, 1)]);
    bev.render(at(20), at(20).route);
    expect(bev.count('history1')).toBe(0);
    bev.render(at(22), at(22).route);
    expect(bev.valueAt('history1', 20, 4)).toBe(255);
    expect(bev.valueAt('history1', 22, 4)).toBe(0);
    expect(bev.count('history2')).toBe(0);
    bev.render(at(24), at(24).route);
    expect(bev.valueAt('history1', 22, 4)).toBe(255);
    expect(bev.valueAt('history2', 20, 4)).toBe(255);
    expect(bev.valueAt('history2', 22, 4)).toBe(0);
  });

  it('clears the previous tick: an agent that moved leaves no trace', () => {
    const bev = new BevRaster(map, params);
    const a = snapshot(0, 0, 0, 0, [agent('car', 'vehicle', 20, 4)]);
    bev.render(a, a.route);
    const b = snapshot(0, 0, 0, 0, [agent('car', 'vehicle', -20, 4)]);
    bev.render(b, b.route);
    expect(bev.valueAt('vehicle', 20, 4)).toBe(0);
    expect(bev.valueAt('vehicle', -20, 4)).toBe(255);
  });
});
