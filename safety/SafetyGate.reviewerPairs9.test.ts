/**
 * Red team 9: reviewer pairs on HELD-OUT real maps (`testing/reviewerPairs9.ts`, lanes cut from
 * CARLA Town01's T-junction and CommonRoad ZAM_Zip-1_56's zip merge by `scripts/cut-real-maps.ts`):
 * emergency vehicles at a junction, behind and standing (siren / beacons on vs off), a junction arm
 * hidden by a building corner, children running towards the road, school buses with and without
 * the stop arm, borrows past a parked truck and a school bus, a cyclist at the lane's edge,
 * converging lanes, a car signalling into the lane, a far red at 27 m/s, a robot beside a worker,
 * and look-alike Unicode in the rationale, a sign and ids — run through `edgeplan safety check`
 * (the CLI's main(), in-process) as a reviewer runs them.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseVerdict, pairTableTests, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs9 } from './testing/reviewerPairs9.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs9();
const DIR = writeScenes('red9', SCENES);

const ruleOf = async (id: string, rule: string): Promise<string | undefined> =>
  (await caseVerdict(CASES, DIR, id)).rules.find((r) => r.rule === rule)?.decision;

describe('reviewer pairs (red team 9, held-out real maps) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 20);
  it('keeps every cut map and scene file small (< 100 KB)', () => {
    const maps = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps9');
    for (const f of readdirSync(maps)) expect(statSync(join(maps, f)).size).toBeLessThan(100_000);
    for (const f of SCENES.keys()) expect(statSync(join(DIR, f)).size).toBeLessThan(200_000);
  });
  it('an ambulance with its siren waiting at a junction arm the ego is about to cross gets the junction: situational.emergencyVehicle', async () => {
    expect(await ruleOf('r9_t01_ev_waiting_at_junction.unsafe', 'situational.emergencyVehicle')).toBe(
      'MODIFY',
    );
    expect(await ruleOf('r9_t01_ev_waiting_at_junction.safe', 'situational.emergencyVehicle')).toBe('ALLOW');
  });
  it('a hidden region over another arm of a junction ahead caps the crossing: situational.occlusion', async () => {
    expect(await ruleOf('r9_t01_occluded_junction_arm.unsafe', 'situational.occlusion')).toBe('MODIFY');
  });
  it('a car signalling into the lane ahead, closer than its cut-in can be answered, slows a KEEP: cutIn.closing', async () => {
    expect(await ruleOf('r9_zip_indicator_into_lane.unsafe', 'cutIn.closing')).toBe('MODIFY');
    expect(await ruleOf('r9_zip_indicator_into_lane.safe', 'cutIn.closing')).toBe('ALLOW');
  });
  it('an order in look-alike letters (Latin ɡ, dotless ı, Armenian օ) in the rationale is refused: input.instruction', async () => {
    expect(await ruleOf('r9_lookalike_rationale.unsafe', 'input.instruction')).toBe('VETO');
  });
});
