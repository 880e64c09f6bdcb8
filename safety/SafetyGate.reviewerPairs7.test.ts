/**
 * Red team 7: reviewer pairs on the gate's newest surfaces (`testing/reviewerPairs7.ts`): evasive
 * steering a planner asks for (into a lane with a cyclist, a follower or an oncoming car; rates
 * beyond the tyres' grip, negative or not a number), turns other cars may take at a junction, left
 * turns ahead of / creeping behind an oncoming car, speed on lanes that post no limit, school buses
 * and emergency vehicles across a painted strip, a centre turn lane or a median, and a car in the
 * ego's own lane facing it — run through `edgeplan safety check` (the CLI's main(), in-process) as a
 * reviewer runs them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairTableTests, safetyCheck, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs7 } from './testing/reviewerPairs7.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs7();
const DIR = writeScenes('red7', SCENES);

const byId = (id: string) => CASES.find((c) => c.id === id)!;
type Verdict = {
  decision: string;
  rules: { rule: string; decision: string; message: string; values: Record<string, unknown> }[];
};
const verdictOf = async (id: string): Promise<Verdict> => {
  const c = byId(id);
  return JSON.parse((await safetyCheck(join(DIR, c.scene), c.command)).text) as Verdict;
};

describe('reviewer pairs (red team 7) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 22);
  it('refuses a 1 g swerve by input.range, naming the evasive limit it exceeds', async () => {
    const rule = (await verdictOf('r7_evasive_lat_beyond_grip.unsafe')).rules.find(
      (r) => r.rule === 'input.range',
    );
    expect(rule?.decision).toBe('VETO');
    expect(rule?.message).toContain('above the evasive limit');
  });
  it('a left turn clearing the path 1 s or less before an oncoming car near the horizon’s end is a yield not given', async () => {
    const rule = (await verdictOf('r7_pet_turn_ahead_of_oncoming.unsafe')).rules.find(
      (r) => r.rule === 'crossing.pet',
    );
    expect(rule?.decision).toBe('MODIFY');
    expect(rule?.values['yields']).toBe(true);
  });
  it('an unposted US freeway default (65 mph) caps as a statutory limit', async () => {
    const rule = (await verdictOf('r7_unposted_us_freeway_65mph.unsafe')).rules.find(
      (r) => r.rule === 'speedLimit',
    );
    expect(rule?.decision).toBe('MODIFY');
    expect(rule?.message).toContain('statutory (no posted limit)');
  });
});
