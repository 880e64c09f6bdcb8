/**
 * Red team 4: reviewer pairs on situations the earlier tables never wrote (`testing/reviewerPairs4.ts`:
 * lights on curves and after a turn, a red whose line is already behind the front bumper, rear gaps
 * of 40–80 m with fast and slow cars, a target lane that ends, emergency vehicles behind, a school
 * bus across a median, a crosswalk hidden by a stopped van, a robot at a cross-aisle, orders in
 * world ids and in new spellings), run through `edgeplan safety check` (the CLI's main(), in-process)
 * as a reviewer runs them; and scene files that are wrong in ways a reviewer writes by accident,
 * which must exit 2 naming the field (or, for an absurd but well-formed ego speed, still return).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairTableTests, safetyCheck, writeScenes } from './testing/pairCli.ts';
import type { Obj } from './testing/reviewerPairs.ts';
import { reviewerPairs4 } from './testing/reviewerPairs4.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs4();
const DIR = writeScenes('red4', SCENES);

const run = safetyCheck;

describe('reviewer pairs (red team 4) through `edgeplan safety check`', () => {
  pairTableTests(CASES, DIR, 24);
  it('names the hidden crosswalk in the verdict', async () => {
    const c = CASES.find((x) => x.id === 'r4_crosswalk_hidden_by_van.unsafe')!;
    const v = JSON.parse((await run(join(DIR, c.scene), c.command)).text) as {
      rules: { rule: string; decision: string; values: Record<string, unknown> }[];
    };
    const occ = v.rules.find((x) => x.rule === 'situational.occlusion');
    expect(occ?.decision).toBe('MODIFY');
    expect(occ?.values['crosswalkId']).toBe('cw1');
  });
});

describe('scene files a reviewer gets wrong: exit 2 naming the field', () => {
  const keep = { speed: 'KEEP', path: 'FOLLOW_LANE' };
  const base = () => structuredClone(SCENES.get('r4_inject_stop_line_id.unsafe.json')!) as Obj;
  const mapOf = (s: Obj) => (s['map'] as Obj)['map'] as Obj;
  const lanesOf = (s: Obj) => mapOf(s)['lanes'] as Obj[];
  const write = (name: string, s: Obj) => {
    const f = join(DIR, `bad_${name}.json`);
    writeFileSync(f, JSON.stringify(s));
    return f;
  };

  it('a stop line past the end of its lane (the red it stands for was silently missed: ALLOW)', async () => {
    const s = base();
    (mapOf(s)['stopLines'] as Obj[])[0]!['sM'] = 5000;
    const r = await run(write('sl_beyond', s), keep);
    expect(r.code).toBe(2);
    expect(r.err).toContain('stopLines.0.sM');
  });
  it('a lane id given twice', async () => {
    const s = base();
    lanesOf(s).push(structuredClone(lanesOf(s)[0]!));
    const r = await run(write('dup', s), keep);
    expect(r.code).toBe(2);
    expect(r.err).toContain('lanes.3.id');
  });
  it('a centreline of one distinct point (was an internal error naming no field)', async () => {
    const s = base();
    lanesOf(s)[2]!['centerline'] = [
      { x: 320, y: 0 },
      { x: 320, y: 0 },
    ];
    const r = await run(write('onepoint', s), keep);
    expect(r.code).toBe(2);
    expect(r.err).toContain('lanes.2.centerline');
  });
  it('a lane 1e18 m out (filled the spatial grid until the process ran out of memory)', async () => {
    const s = base();
    lanesOf(s).push({
      id: 'far',
      centerline: [
        { x: 1e18, y: 0 },
        { x: 1e18, y: 100 },
      ],
      widthM: 3.5,
      speedLimitMps: 10,
    });
    const r = await run(write('far', s), keep);
    expect(r.code).toBe(2);
    expect(r.err).toContain('lanes.3.centerline');
  });
  it('an ego at 1e300 m/s gets a VETO, not a check that never returns', async () => {
    const s = base();
    (s['egoStart'] as Obj)['speedMps'] = 1e300;
    const r = await run(write('fast', s), keep);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.text) as { decision: string }).decision).toBe('VETO');
  });
});
