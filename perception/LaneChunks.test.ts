import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';
import { BevRaster } from './BevRaster.ts';
import { LaneChunks } from './LaneChunks.ts';
import { PerceptionParamsSchema } from './PerceptionParams.ts';
import { snapshot } from './testing/scenes.ts';

// One 4 m lane along +x from −100 to 100 sampled every metre (201 vertices → 13 chunks of 16 m),
// as CARLA lanes are.
const dense = new RoadMap(
  RoadMapSchema.parse({
    id: 'dense',
    lanes: [
      {
        id: 'L',
        widthM: 4,
        speedLimitMps: 10,
        centerline: Array.from({ length: 201 }, (_, i) => ({ x: -100 + i, y: 0 })),
      },
    ],
  }),
);

describe('LaneChunks', () => {
  it('cuts a 201-vertex lane into 13 chunks sharing their end vertices', () => {
    const c = new LaneChunks(dense);
    const set = c.lanes[0]!;
    expect(set.count).toBe(13);
    expect([set.range[0], set.range[1], set.range[2], set.range[3]]).toEqual([0, 16, 16, 32]);
    expect(set.range[2 * 12 + 1]).toBe(200);
  });

  it('query returns only the chunks whose box touches the square, each once', () => {
    const c = new LaneChunks(dense);
    // Square x ∈ [−5, 5]: chunk 5 spans x −20..−4, chunk 6 spans −4..12 → both; no others.
    const n = c.query(0, 0, 5);
    const ks = Array.from(c.result.subarray(0, n), (id) => c.chunkK[id]!).sort((a, b) => a - b);
    expect(ks).toEqual([5, 6]);
  });

  it('chunked drawing leaves no gap or double line at chunk joins (exactly 16 drivable cells per row)', () => {
    const bev = new BevRaster(dense, PerceptionParamsSchema.parse({}));
    const snap = { ...snapshot(0, 0, 0, 0), route: { laneIds: ['L'] } };
    bev.render(snap, snap.route);
    expect(bev.count('drivable')).toBe(256 * 16);
    expect(bev.count('route')).toBe(256 * 16);
    expect(bev.count('centerline')).toBe(256);
    expect(bev.count('boundarySolid')).toBe(2 * 256);
  });
});
