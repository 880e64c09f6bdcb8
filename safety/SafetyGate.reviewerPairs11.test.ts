/**
 * Red team 11: reviewer pairs on real maps no earlier table used (`testing/reviewerPairs11.ts`,
 * lanes cut from esmini's Fabriksgatan, Söderleden, a rural road and the left-hand-traffic E6, and
 * CommonRoad's Anglet crossroads, by `scripts/cut-real-maps.ts`): an ending motorway lane, the
 * emergency corridor, wrong-way drivers, cyclists overtaken in and out of town, an overtake into an
 * oncoming car, a STOP past a red line, a person crossing the arm a right turn goes into, a flagger,
 * a right turn across a cyclist in the blind spot, left-hand traffic, robots at a dock and head-on
 * in an aisle, a deer, and untrusted text (upside down, hex, split over two fields) — run through
 * `edgeplan safety check` (the CLI's main(), in-process) as a reviewer runs them.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseVerdict, pairTableTests, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs11 } from './testing/reviewerPairs11.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs11();
const DIR = writeScenes('red11', SCENES);

const ruleOf = async (id: string, rule: string): Promise<string | undefined> =>
  (await caseVerdict(CASES, DIR, id)).rules.find((r) => r.rule === rule)?.decision;

describe('reviewer pairs (red team 11, real maps no earlier table used) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 20);
  it('keeps every cut map and scene file small (< 100 KB)', () => {
    const maps = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps11');
    for (const f of readdirSync(maps)) expect(statSync(join(maps, f)).size).toBeLessThan(100_000);
    for (const f of SCENES.keys()) expect(statSync(join(DIR, f)).size).toBeLessThan(200_000);
  });
  it('a cyclist overtaken 1.8 m off out of town is refused (StVO §5(4): 2 m), one 1.6 m off in town is not', async () => {
    expect(await ruleOf('r11_rural_cyclist_passed_under_2m.unsafe', 'vru.passingClearance')).toBe('MODIFY');
    expect(await ruleOf('r11_fab_cyclist_passed_in_town.safe', 'vru.passingClearance')).toBe('ALLOW');
  });
  it('a STOP whose point lies past a red line is judged on its point: signal.redLight', async () => {
    expect(await ruleOf('r11_fab_stop_point_past_red.unsafe', 'signal.redLight')).toBe('MODIFY');
  });
  it('upside-down, hex and split orders are caught by input.instruction', async () => {
    for (const id of ['fab_upside_down_rationale', 'fab_hex_rationale', 'fab_order_split_over_fields'])
      expect(await ruleOf(`r11_${id}.unsafe`, 'input.instruction'), id).toBe('VETO');
  });
});
