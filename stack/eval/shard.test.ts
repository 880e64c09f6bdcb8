import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobResult } from './evalJob.ts';
import { evaluate, evaluationJobs, runPool } from './evaluate.ts';
import { inShard, mergeShards, parseShard, writeShard } from './shard.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeplan-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = {
  scenarios: ['cut_in', 'red_light', 'stop_and_go'],
  planners: ['idm', 'constant-velocity'],
  modes: ['nonreactive' as const],
  seed: 0,
};

describe('sharded evaluation', () => {
  it('slices merged with `merge` give the summary.json files of a local run, byte for byte', async () => {
    await evaluate({ ...opts, workers: 1, outDir: join(dir, 'local') });
    for (const k of [1, 2, 3]) {
      const s = parseShard(`${k}/3`);
      const out = join(dir, `slice${k}`);
      const jobs = evaluationJobs({ ...opts, outDir: out });
      const mine = jobs.map((j, i) => ({ j, i })).filter(({ i }) => inShard(i, s));
      const results = new Map<number, JobResult>();
      await runPool(
        mine.map(({ j }) => j),
        1,
        (k2, r) => results.set(mine[k2]!.i, r),
      );
      writeShard(out, s, opts, jobs, results);
    }
    mergeShards([join(dir, 'slice1'), join(dir, 'slice2'), join(dir, 'slice3')], join(dir, 'merged'));
    for (const p of opts.planners) {
      const a = readFileSync(join(dir, 'local', p, 'summary.json'), 'utf8');
      const b = readFileSync(join(dir, 'merged', p, 'summary.json'), 'utf8');
      expect(b).toBe(a);
    }
  }, 120_000);

  it('a missing slice is named, not merged into a partial summary', () => {
    expect(() => mergeShards([join(dir, 'slice1'), join(dir, 'slice2')], join(dir, 'partial'))).toThrow(
      /runs missing/,
    );
  });

  it('k/n is validated', () => {
    expect(() => parseShard('0/3')).toThrow(/k\/n/);
    expect(() => parseShard('4/3')).toThrow(/k\/n/);
    expect(parseShard(' 2/3 ')).toEqual({ k: 2, n: 3 });
  });
});
