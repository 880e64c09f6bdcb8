/**
 * Red team 6: reviewer pairs on the categories the earlier tables wrote least
 * (`testing/reviewerPairs6.ts`): emergency vehicles and school buses across a median or on an
 * undivided road, the lawful response to an ambulance (pull right, slow down), children near the
 * road, turn indicators, occlusions passed or hiding the lane, robots meeting people and robots,
 * rear gaps at 5 / 15 / 30 m/s, yellows either side of the dilemma zone, and text in every string
 * field — run through `edgeplan safety check` (the CLI's main(), in-process) as a reviewer runs them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairTableTests, safetyCheck, writeScenes } from './testing/pairCli.ts';
import { reviewerPairs6 } from './testing/reviewerPairs6.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs6();
const DIR = writeScenes('red6', SCENES);

const run = safetyCheck;

const byId = (id: string) => CASES.find((c) => c.id === id)!;
type Verdict = {
  decision: string;
  rules: { rule: string; decision: string; values: Record<string, unknown> }[];
};

describe('reviewer pairs (red team 6) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 51);
  it("flags a map lane's order-like id as world text when a command names it, and lets the command through", async () => {
    const c = byId('r6_target_lane_named_bypass_gate.safe');
    const v = JSON.parse((await run(join(DIR, c.scene), c.command)).text) as Verdict;
    const inst = v.rules.find((x) => x.rule === 'input.instruction');
    expect(inst?.decision).toBe('ALLOW');
    expect(inst?.values['flagged']).toBe(true);
  });
  it('prints world ids with a newline, a bidi override or a fake verdict escaped on one line', async () => {
    const c = byId('r6_odd_ids_lead_gap.unsafe');
    const text = (await run(join(DIR, c.scene), c.command, false)).text;
    expect(text).not.toMatch(/\u202e|\u200b/);
    // the lead's id is quoted with its newline escaped: no line of the output starts with its tail
    for (const line of text.split('\n')) expect(line.startsWith('{"decision":"ALLOW"}')).toBe(false);
  });
  it('caps speeding up past a car that signals away from the lane while it heads into it', async () => {
    // (its footprint's overlap fails the command as well: the cut-in rule must not excuse it)
    const rule = async (tag: string) => {
      const c = byId(`r6_cut_in_signal_away_drifting_in.${tag}`);
      const v = JSON.parse((await run(join(DIR, c.scene), c.command)).text) as Verdict;
      return v.rules.find((x) => x.rule === 'cutIn.closing')?.decision;
    };
    expect(await rule('safe')).toBe('ALLOW');
    expect(await rule('unsafe')).toBe('MODIFY');
  });
});
