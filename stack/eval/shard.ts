/**
 * Evaluation in slices for batch systems (a Kubernetes Indexed Job, a CI matrix): `eval --shard
 * k/n` runs every n-th job starting at k−1 and writes `shard-k-of-n.json` beside its logs;
 * `edgeplan merge` joins the slices into the same summary.json files a local run writes.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AgentMode } from '../../sim/SimLog.ts';
import type { EvalJob, JobResult } from './evalJob.ts';
import { type EvaluateResult, summarize } from './evaluate.ts';

export const SHARD_FORMAT = 'edgeplan-shard/1';

export interface Shard {
  /** 1-based slice number. */
  k: number;
  n: number;
}

/** Parses `k/n` (1 ≤ k ≤ n). */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new Error(`--shard must be k/n with 1 ≤ k ≤ n (got "${spec}")`);
  return { k, n };
}

/** Whether job `index` belongs to the slice (round robin, so slices get a mix of scenarios). */
export function inShard(index: number, s: Shard): boolean {
  return index % s.n === s.k - 1;
}

const ShardFileSchema = z.object({
  format: z.literal(SHARD_FORMAT),
  shard: z.object({ k: z.number().int(), n: z.number().int() }),
  planners: z.array(z.string()),
  modes: z.array(z.enum(['nonreactive', 'reactive'])),
  total: z.number().int(),
  entries: z.array(z.object({ index: z.number().int(), job: z.unknown(), result: z.unknown() })),
});

/** Writes the slice's results (`shard-k-of-n.json`) into `outDir`; returns the file. */
export function writeShard(
  outDir: string,
  s: Shard,
  o: { planners: string[]; modes: AgentMode[] },
  jobs: EvalJob[],
  results: Map<number, JobResult>,
): string {
  const file = join(outDir, `shard-${s.k}-of-${s.n}.json`);
  const entries = [...results.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, result]) => ({
      index,
      job: jobs[index],
      result,
    }));
  writeFileSync(
    file,
    `${JSON.stringify({ format: SHARD_FORMAT, shard: s, planners: o.planners, modes: o.modes, total: jobs.length, entries })}\n`,
  );
  return file;
}

/**
 * Joins shard files (or folders holding them) into summaries written to `outDir`, with the
 * slices' run logs copied beside them. Fails naming what is missing or inconsistent.
 */
export function mergeShards(inputs: string[], outDir: string): EvaluateResult {
  const files: string[] = [];
  for (const p of inputs) {
    if (!existsSync(p)) throw new Error(`merge: ${p}: no such file or folder`);
    if (statSync(p).isDirectory()) {
      const found = readdirSync(p).filter((f) => /^shard-\d+-of-\d+\.json$/.test(f));
      if (found.length === 0) throw new Error(`merge: ${p} holds no shard-k-of-n.json`);
      files.push(...found.map((f) => join(p, f)));
    } else files.push(p);
  }
  let planners: string[] | undefined;
  let modes: AgentMode[] | undefined;
  let total = -1;
  let n = -1;
  const jobs: EvalJob[] = [];
  const results: JobResult[] = [];
  const seen = new Set<number>();
  for (const f of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      throw new Error(`merge: ${f}: not JSON (${(e as Error).message})`);
    }
    const parsed = ShardFileSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(`merge: ${f}: not a shard file (${i.path.join('.')}: ${i.message})`);
    }
    const d = parsed.data;
    if (planners === undefined) {
      planners = d.planners;
      modes = d.modes;
      total = d.total;
      n = d.shard.n;
    } else if (
      JSON.stringify(planners) !== JSON.stringify(d.planners) ||
      JSON.stringify(modes) !== JSON.stringify(d.modes) ||
      total !== d.total ||
      n !== d.shard.n
    ) {
      throw new Error(`merge: ${f} belongs to another evaluation (planners, modes or job count differ)`);
    }
    for (const e of d.entries) {
      if (seen.has(e.index)) throw new Error(`merge: run ${e.index} appears twice (${f})`);
      seen.add(e.index);
      jobs[e.index] = e.job as EvalJob;
      results[e.index] = e.result as JobResult;
    }
    const sliceDir = join(f, '..');
    for (const entry of readdirSync(sliceDir)) {
      const src = join(sliceDir, entry);
      if (statSync(src).isDirectory()) cpSync(src, join(outDir, entry), { recursive: true });
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!seen.has(i)) missing.push(i);
  if (missing.length > 0)
    throw new Error(
      `merge: ${missing.length} of ${total} runs missing (e.g. run ${missing[0]}): a slice of ${n} was not given or did not finish`,
    );
  return summarize({ planners: planners!, modes: modes!, outDir }, jobs, results);
}
