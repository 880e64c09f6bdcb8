import { describe, expect, it } from 'vitest';
import { scenarioFromData } from '../scenarios/index.ts';
import { sceneAt } from './sceneAt.ts';

/** A straight lane and an expert of two points 10 s apart at a constant 12 m/s (a hand-written scene). */
const SCENE = {
  formatVersion: 1,
  id: 'sparse_expert',
  map: {
    kind: 'inline',
    map: {
      id: 'straight',
      lanes: [
        {
          id: 'L',
          centerline: [
            { x: 0, y: 0 },
            { x: 400, y: 0 },
          ],
          widthM: 3.5,
          speedLimitMps: 13.9,
        },
      ],
    },
  },
  egoStart: { tS: 0, x: 20, y: 0, headingRad: 0, speedMps: 12 },
  route: { laneIds: ['L'] },
  expert: [
    { tS: 0, x: 20, y: 0, headingRad: 0, speedMps: 12 },
    { tS: 10, x: 140, y: 0, headingRad: 0, speedMps: 12 },
  ],
};

describe('sceneAt', () => {
  it('replays a sparse expert from the point before the scene time (the ego keeps its 12 m/s)', () => {
    const loaded = scenarioFromData(SCENE, 'scene.json');
    if (!loaded.ok) throw new Error(loaded.error.message);
    const sc = sceneAt(loaded.value.scenario, loaded.value.map, 1);
    if (!sc.ok) throw new Error(sc.error.message);
    // before: only the 10 s point was handed to the tracker, which braked the ego to 6.5 m/s by 1 s
    expect(sc.value.snapshot.ego.speedMps).toBeCloseTo(12, 1);
    expect(sc.value.snapshot.ego.x).toBeCloseTo(32, 0);
  });
});
