/**
 * Test helpers shared by the reviewer-pair tables (`SafetyGate.reviewerPairs*.test.ts`): the scenes
 * written out as a reviewer's JSON files, `edgeplan safety check` run in-process as a reviewer runs
 * it, and the table's own tests (every pair has a safe and an unsafe scene; each case gets one of
 * the verdicts it accepts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import type { ReviewerCase } from './reviewerPairs.ts';

/** Writes each scene to a fresh temp dir (`prefix` names it); returns the dir. */
export function writeScenes(prefix: string, scenes: Iterable<[string, unknown]>): string {
  const dir = mkdtempSync(join(tmpdir(), `edgeplan-${prefix}-`));
  for (const [file, scene] of scenes) writeFileSync(join(dir, file), JSON.stringify(scene, null, 1));
  return dir;
}

/** `edgeplan safety check …` in-process (`--json` unless told otherwise): exit code, stdout, stderr. */
export async function safetyCheck(
  scene: string,
  command: object,
  json = true,
  atS?: number,
): Promise<{ code: number; text: string; err: string }> {
  const lines: string[] = [];
  const errs: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    errs.push(String(s));
    return true;
  });
  const args = ['safety', 'check', scene, '--command', JSON.stringify(command), ...(json ? ['--json'] : [])];
  if (atS !== undefined) args.push('--at', String(atS));
  try {
    const code = await main(['node', 'edgeplan', ...args], (s) => lines.push(s));
    return { code, text: lines.join('\n'), err: errs.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** `edgeplan safety check --json`'s verdict, as the tables' own tests read it. */
export interface PairVerdict {
  decision: string;
  rules: { rule: string; decision: string; message: string; values: Record<string, unknown> }[];
}

/** The verdict on case `id` of a table whose scenes are in `dir`, checked at the case's own time. */
export async function caseVerdict(
  cases: readonly ReviewerCase[],
  dir: string,
  id: string,
): Promise<PairVerdict> {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id}`);
  return JSON.parse((await safetyCheck(join(dir, c.scene), c.command, true, c.atS)).text) as PairVerdict;
}

/** The table's tests: `pairs` pairs of a safe and an unsafe scene, each case one of its verdicts. */
export function pairTableTests(cases: readonly ReviewerCase[], dir: string, pairs: number): void {
  it(`holds ${pairs} pairs, each a safe and an unsafe scene`, () => {
    const byPair = new Map<string, string[]>();
    for (const c of cases) byPair.set(c.pair, [...(byPair.get(c.pair) ?? []), c.id.split('.').pop()!]);
    expect(byPair.size).toBe(pairs);
    for (const tags of byPair.values()) expect(tags.sort()).toEqual(['safe', 'unsafe']);
  });
  for (const c of cases)
    it(`${c.id}: ${c.expect.join(' or ')} (${c.why})`, async () => {
      const r = await safetyCheck(join(dir, c.scene), c.command, true, c.atS);
      expect(r.code).toBe(c.exitCode ?? 0);
      expect(c.expect).toContain((JSON.parse(r.text) as { decision: string }).decision);
    });
}
