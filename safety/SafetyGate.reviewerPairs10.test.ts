/**
 * Red team 10: reviewer pairs on real maps no earlier table used (`testing/reviewerPairs10.ts`,
 * lanes cut from CARLA Town02's T-junction, Autoware's left-hand-traffic test crossroads and
 * esmini's 2+1 road by `scripts/cut-real-maps.ts`): buses at their stop, a cyclist overtaken too
 * close, a pull-over for an ambulance, a red arrow after the lane splits, a person stepping out
 * from behind a van, a queue past an undeclared junction's exit, a turn across oncoming traffic in
 * left-hand traffic, crosswalks at a junction's exits, a motorcycle on the lane line, a fast car
 * behind, an overtaker in the ego's lane, a lane drop, a forklift at a cross aisle, and untrusted
 * inputs (a short `horizonS`, too-gentle braking, bidi overrides and long ids, an order at the end
 * of a long rationale) — run through `edgeplan safety check` (the CLI's main(), in-process) as a
 * reviewer runs them.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseVerdict, pairTableTests, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs10 } from './testing/reviewerPairs10.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs10();
const DIR = writeScenes('red10', SCENES);

const ruleOf = async (id: string, rule: string): Promise<string | undefined> =>
  (await caseVerdict(CASES, DIR, id)).rules.find((r) => r.rule === rule)?.decision;

describe('reviewer pairs (red team 10, real maps no earlier table used) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 20);
  it('keeps every cut map and scene file small (< 100 KB)', () => {
    const maps = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps10');
    for (const f of readdirSync(maps)) expect(statSync(join(maps, f)).size).toBeLessThan(100_000);
    for (const f of SCENES.keys()) expect(statSync(join(DIR, f)).size).toBeLessThan(200_000);
  });
  it('a bus at its stop with hazard lights in the oncoming lane is passed at walking pace: situational.busStop', async () => {
    expect(await ruleOf('r10_t02_bus_hazards_oncoming.unsafe', 'situational.busStop')).toBe('MODIFY');
    expect(await ruleOf('r10_t02_bus_hazards_oncoming.safe', 'situational.busStop')).toBe('ALLOW');
  });
  it('a cyclist overtaken 1.1 m off is refused: vru.passingClearance', async () => {
    expect(await ruleOf('r10_t02_cyclist_overtaken_close.unsafe', 'vru.passingClearance')).toBe('MODIFY');
  });
  it('a Lanelet2 crossroads has its junction: situational.junctionExit holds the ego before a blocked exit', async () => {
    expect(await ruleOf('r10_aw_queue_past_exit.unsafe', 'situational.junctionExit')).toBe('MODIFY');
    expect(await ruleOf('r10_aw_queue_past_exit.safe', 'situational.junctionExit')).toBe('ALLOW');
  });
  it('a right turn across the oncoming lane in left-hand traffic yields to an oncoming car: crossing.pet', async () => {
    expect(await ruleOf('r10_aw_right_turn_across_oncoming_lht.unsafe', 'crossing.pet')).toBe('MODIFY');
  });
});
