/**
 * Red team 5: reviewer pairs on REAL map geometry (`testing/reviewerPairs5.ts`, maps cut from
 * CommonRoad USA_Peach-4_8_T-1 / USA_US101-3_3_T-1 and CARLA Town04 / Town07 by
 * `scripts/cut-real-maps.ts`): lights and stop lines on a real approach, left turns across a real
 * junction, lane changes on a real multi-lane road without posted limits, pedestrians at a real
 * crosswalk, parked and oncoming vehicles on real curves — run through `edgeplan safety check`
 * (the CLI's main(), in-process) as a reviewer runs them.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { reviewerPairs5 } from './testing/reviewerPairs5.ts';

const { cases: CASES, scenes: SCENES } = reviewerPairs5();
const DIR = mkdtempSync(join(tmpdir(), 'edgeplan-red5-'));
for (const [file, scene] of SCENES) writeFileSync(join(DIR, file), JSON.stringify(scene, null, 1));

/** `edgeplan safety check … --json` in-process: exit code and what it printed. */
async function run(scene: string, command: object): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const args = ['safety', 'check', scene, '--command', JSON.stringify(command), '--json'];
  try {
    const code = await main(['node', 'edgeplan', ...args], (s) => lines.push(s));
    return { code, text: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('reviewer pairs (red team 5, real map geometry) through `edgeplan safety check`', () => {
  it('holds 20 pairs, each a safe and an unsafe scene', () => {
    const pairs = new Map<string, string[]>();
    for (const c of CASES) pairs.set(c.pair, [...(pairs.get(c.pair) ?? []), c.id.split('.').pop()!]);
    expect(pairs.size).toBe(20);
    for (const tags of pairs.values()) expect(tags.sort()).toEqual(['safe', 'unsafe']);
  });
  it('keeps every cut map and scene file small (< 200 KB)', () => {
    const maps = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps5');
    for (const f of readdirSync(maps)) expect(statSync(join(maps, f)).size).toBeLessThan(200_000);
    for (const f of SCENES.keys()) expect(statSync(join(DIR, f)).size).toBeLessThan(200_000);
  });
  for (const c of CASES)
    it(`${c.id}: ${c.expect.join(' or ')} (${c.why})`, async () => {
      const r = await run(join(DIR, c.scene), c.command);
      expect(r.code).toBe(0);
      expect(c.expect).toContain((JSON.parse(r.text) as { decision: string }).decision);
    });
});
