import { describe, expect, it } from 'vitest';
import { caseVerdict, pairTableTests, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs7 } from './testing/reviewerPairs7.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs7();
const DIR = writeScenes('red7', SCENES);

const verdictOf = (id: string) => caseVerdict(CASES, DIR, id);

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
