/**
 * Red team 3: an outside reviewer's cases, written from the docs alone (README, this folder's
 * README, core/schemas.ts) and run through the command a reviewer runs, `edgeplan safety check`
 * (the CLI's main(), in-process) on a scene file. 47 pairs: the same command in a safe and an unsafe
 * context (`testing/reviewerPairs.ts` builds the scenes and says which verdicts each accepts, and
 * why); each scene is written to a temp dir as the reviewer's JSON. Also the scene of
 * safety/README.md's "Checking one command" section, as printed there.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { reviewerPairs } from './testing/reviewerPairs.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs();
const DIR = mkdtempSync(join(tmpdir(), 'edgeplan-red3-'));
for (const [file, scene] of SCENES) writeFileSync(join(DIR, file), JSON.stringify(scene, null, 1));

/** `edgeplan safety check … --json` in-process: exit code and the parsed verdict. */
async function check(scene: string, command: object, atS?: number) {
  const lines: string[] = [];
  const args = ['safety', 'check', scene, '--command', JSON.stringify(command), '--json'];
  if (atS !== undefined) args.push('--at', String(atS));
  const code = await main(['node', 'edgeplan', ...args], (s) => lines.push(s));
  return {
    code,
    verdict: JSON.parse(lines.join('\n')) as {
      decision: string;
      rules: { rule: string; decision: string }[];
      mrm?: { kind: string };
    },
  };
}

describe('reviewer pairs (red team 3) through `edgeplan safety check`', () => {
  it('holds 47 pairs, each a safe and an unsafe scene', () => {
    const pairs = new Map<string, string[]>();
    for (const c of CASES) pairs.set(c.pair, [...(pairs.get(c.pair) ?? []), c.id.split('.').pop()!]);
    expect(pairs.size).toBe(47);
    for (const tags of pairs.values()) expect(tags.sort()).toEqual(['safe', 'unsafe']);
  });
  for (const c of CASES)
    it(`${c.id}: ${c.expect.join(' or ')} (${c.why})`, async () => {
      const r = await check(join(DIR, c.scene), c.command, c.atS);
      expect(r.code).toBe(0);
      expect(c.expect).toContain(r.verdict.decision);
      if (c.vetoMrm && r.verdict.decision === 'VETO') expect(r.verdict.mrm?.kind).toBe(c.vetoMrm);
    });
});

describe("safety/README.md's scene example", () => {
  const md = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
  const scene = /```json scene\n([\s\S]*?)```/.exec(md)?.[1] ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-reviewer-'));
  const keep = { speed: 'KEEP', path: 'FOLLOW_LANE' };

  it('a KEEP towards the red light named on the approach lane is stopped at the line', async () => {
    const f = join(dir, 'scene.json');
    writeFileSync(f, scene);
    const r = await check(f, keep);
    expect(r.code).toBe(0);
    expect(r.verdict.decision).toBe('MODIFY');
    expect(r.verdict.rules.find((x) => x.rule === 'signal.redLight')?.decision).toBe('MODIFY');
  });

  it('the same scene with the light green is allowed', async () => {
    const f = join(dir, 'green.json');
    writeFileSync(f, scene.replace('"RED"', '"GREEN"'));
    expect((await check(f, keep)).verdict.decision).toBe('ALLOW');
  });

  it('a light on a lane that is not on the map is bad input naming the field', async () => {
    const f = join(dir, 'nope.json');
    writeFileSync(f, scene.replace('"laneIds": ["A"]', '"laneIds": ["NOPE"]'));
    const lines: string[] = [];
    const code = await main(
      ['node', 'edgeplan', 'safety', 'check', f, '--command', JSON.stringify(keep)],
      (s) => lines.push(s),
    );
    expect(code).toBe(2);
  });
});
