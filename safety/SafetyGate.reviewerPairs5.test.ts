/**
 * Red team 5: reviewer pairs on REAL map geometry (`testing/reviewerPairs5.ts`, maps cut from
 * CommonRoad USA_Peach-4_8_T-1 / USA_US101-3_3_T-1 and CARLA Town04 / Town07 by
 * `scripts/cut-real-maps.ts`): lights and stop lines on a real approach, left turns across a real
 * junction, lane changes on a real multi-lane road without posted limits, pedestrians at a real
 * crosswalk, parked and oncoming vehicles on real curves — run through `edgeplan safety check`
 * (the CLI's main(), in-process) as a reviewer runs them.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pairTableTests, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs5 } from './testing/reviewerPairs5.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs5();
const DIR = writeScenes('red5', SCENES);

describe('reviewer pairs (red team 5, real map geometry) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 20);
  it('keeps every cut map and scene file small (< 200 KB)', () => {
    const maps = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps5');
    for (const f of readdirSync(maps)) expect(statSync(join(maps, f)).size).toBeLessThan(200_000);
    for (const f of SCENES.keys()) expect(statSync(join(DIR, f)).size).toBeLessThan(200_000);
  });
});
