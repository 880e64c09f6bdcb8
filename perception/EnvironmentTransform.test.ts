import { describe, expect, it } from 'vitest';
import { VehicleParamsSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { warehouse } from '../scenarios/builtin/index.ts';
import {
  createEnvironmentTransform,
  EnvironmentTransform,
  transformEnvironment,
} from './EnvironmentTransform.ts';
import { SceneContextDataSchema } from './SceneContext.ts';
import { agent, pocketJunction, snapshot, straightRoad } from './testing/scenes.ts';

const map = straightRoad();

describe('transformEnvironment', () => {
  it('returns raster, lane graph and text; the serialisable part parses with its schema', () => {
    const r = transformEnvironment(snapshot(0, 0, 0, 10, [agent('lead', 'vehicle', 30, 0, 0, 5)]), map);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { raster, ...data } = r.value;
    expect(SceneContextDataSchema.safeParse(JSON.parse(JSON.stringify(data))).success).toBe(true);
    expect(raster.valueAt('vehicle', 30, 0)).toBe(255);
    expect(data.laneGraph.ego?.lead?.agentId).toBe('lead');
    expect(data.text.text).toContain('lead');
    expect(data.bev.channels.length).toBe(12);
  });

  it('rejects a bad snapshot with an error naming the field', () => {
    const bad = { ...snapshot(0, 0, 0, 10), ego: { ...snapshot(0, 0, 0, 10).ego, speedMps: 'fast' } };
    const r = transformEnvironment(bad, map);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toContain('ego.speedMps');
  });

  it('rejects bad params by name, including a raster too large to allocate', () => {
    const neg = createEnvironmentTransform(map, { resolutionM: -1 });
    expect(neg.ok).toBe(false);
    if (!neg.ok) expect(neg.error.path).toContain('resolutionM');
    const huge = createEnvironmentTransform(map, { resolutionM: 0.0025 });
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.error.path).toBe('perception.params:resolutionM');
  });

  it('robots get the robot defaults: 16 m at 0.05 m (320 cells), people-first', () => {
    const robot = VehicleParamsSchema.parse({
      kind: 'robot',
      lengthM: 0.9,
      widthM: 0.6,
      rearAxleToCenterM: 0,
    });
    const t = new EnvironmentTransform(new RoadMap(warehouse()), {}, robot);
    expect([t.raster.widthPx, t.raster.heightPx]).toEqual([320, 320]);
    expect(t.params.relevance).toBe('people-first');
    // Ego on aisle A1 (y = 0) heading +x; a worker 3 m ahead in the aisle is the lead.
    const snap = {
      ...snapshot(5, 0, 0, 1, [agent('worker', 'pedestrian', 8, 0, Math.PI / 2, 1)]),
      route: { laneIds: ['A1'] },
    };
    const ctx = t.transform(snap);
    expect(ctx.platform).toBe('robot');
    expect(ctx.laneGraph.egoLane?.type).toBe('aisle');
    // 3 − 0.45 − 0.3 = 2.25 m bumper to bumper
    expect(ctx.laneGraph.ego?.lead).toMatchObject({ agentId: 'worker', gapM: 2.25 });
    expect(ctx.raster.valueAt('pedestrian', 3, 0)).toBe(255);
    expect(ctx.raster.valueAt('drivable', 0, 0)).toBe(255);
    expect(ctx.raster.valueAt('drivable', 0, 3)).toBe(0); // aisle is 3 m wide
  });

  it('an ego off the map gets an empty lane graph and says so, without failing', () => {
    const t = new EnvironmentTransform(map);
    const ctx = t.transform({ ...snapshot(0, 500, 0, 3), route: { laneIds: ['nowhere'] } });
    expect(ctx.laneGraph.egoLane).toBeNull();
    expect(ctx.laneGraph.successors).toEqual([]);
    expect(ctx.text.text.split('\n')[1]).toBe('EGO: 3.0 m/s, not on any lane');
    expect(ctx.raster.count('drivable')).toBe(0);
    expect(ctx.raster.valueAt('ego', 1.461, 0)).toBe(255);
  });

  it('reuses one raster buffer across ticks', () => {
    const t = new EnvironmentTransform(map);
    const a = t.transform(snapshot(0, 0, 0, 10));
    const b = t.transform(snapshot(1, 0, 0, 10));
    expect(a.raster.data).toBe(b.raster.data);
  });
});

describe('EnvironmentTransform: useVehicleAcceleration', () => {
  // The pocket junction's ego (LaneGraphBuilder.test.ts) and a car on WB at (20, 7) pulling away
  // west at 1.5 m/s² from 1 m/s, seen every 0.1 s: forecast at its speed it stays short of our turn
  // within the 6 s horizon; at its sustained acceleration (readable once 0.5 s of its speeds are kept)
  // it enters our corridor.
  const ticks = (on: boolean) => {
    const tf = new EnvironmentTransform(pocketJunction(), { useVehicleAcceleration: on });
    const out: string[][] = [];
    for (let k = 0; k <= 6; k++) {
      const snap = {
        ...snapshot(0, -30, Math.PI / 2, 5, [agent('wb', 'vehicle', 20, 7, Math.PI, 1 + 0.15 * k)], {
          route: { laneIds: ['S0', 'SL', 'W0'] },
        }),
        tS: k / 10,
      };
      out.push(tf.transform(snap).laneGraph.crossing.map((c) => c.agentId));
    }
    return out;
  };

  it('on: the car is crossing from the tick 0.5 s of its speeds are kept; off (the default): never', () => {
    expect(ticks(true)).toEqual([[], [], [], [], [], ['wb'], ['wb']]);
    expect(ticks(false)).toEqual([[], [], [], [], [], [], []]);
  });
});
