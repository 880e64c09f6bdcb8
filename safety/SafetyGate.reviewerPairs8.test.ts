/**
 * Red team 8: reviewer pairs on HELD-OUT real maps (`testing/reviewerPairs8.ts`, lanes cut from the
 * Lanelet2 mapping example's mini roundabout, CARLA Town06's on-ramp and motorway bend, Town10HD's
 * T-junction and CommonRoad HRV_Pula-27_3's T-junction by `scripts/cut-real-maps.ts`): entering and
 * circling a roundabout, two-way arms mapped as one lanelet, merging from an acceleration lane and
 * a car forced off one, a stopped car, an ambulance and a follower round a motorway bend, junction
 * corners, a crosswalk on a right turn's exit, a cyclist going straight beside a right turn, a
 * crosswalk hidden by a van, a person waiting mid-crosswalk, a lane split, left turns across through
 * traffic, a reversing car, and orders in the map's and agents' strings — run through
 * `edgeplan safety check` (the CLI's main(), in-process) as a reviewer runs them.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseVerdict, pairTableTests, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs8 } from './testing/reviewerPairs8.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs8();
const DIR = writeScenes('red8', SCENES);

const verdictOf = (id: string) => caseVerdict(CASES, DIR, id);

describe('reviewer pairs (red team 8, held-out real maps) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 20);
  it('keeps every cut map and scene file small (< 200 KB)', () => {
    const maps = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps8');
    for (const f of readdirSync(maps)) expect(statSync(join(maps, f)).size).toBeLessThan(200_000);
    for (const f of SCENES.keys()) expect(statSync(join(DIR, f)).size).toBeLessThan(200_000);
  });
  it('a person standing mid-crosswalk facing the ego’s lanes is one about to cross: vru.crosswalk', async () => {
    const rule = (await verdictOf('r8_t10_ped_island.unsafe')).rules.find((r) => r.rule === 'vru.crosswalk');
    expect(rule?.decision).toBe('MODIFY');
  });
  it('a car reversing towards the ego is forecast backwards: the collision rules see it coming', async () => {
    const v = await verdictOf('r8_pula_reversing_car.unsafe');
    expect(v.rules.find((r) => r.rule === 'collision.predicted')?.decision).not.toBe('ALLOW');
  });
});
