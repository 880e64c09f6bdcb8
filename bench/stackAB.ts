/**
 * The stack section's tick measured on two or more checkouts side by side, so that all see the same
 * load: each checkout's bench/stackChild.ts is bundled from its own tree (as bench/stack.ts bundles
 * it), then the children run interleaved per stack — A, B, C, then B, C, A, … (the order rotates
 * each round) — each alone in its own process; the ticks of each side are pooled over the rounds. Prints per run its load, GC pauses
 * and JS heap allocated, and pooled per side the tick's process / own-thread CPU p50 / p99 and each
 * stage's CPU p50 / p99 (plan and control-only steps apart).
 *
 * Run: node --import tsx bench/stackAB.ts <checkout A> <checkout B> [<checkout C> …] [--rounds 2] [--stacks idm,pdm-closed]
 * Both checkouts need the instrumented bench/stackRun.ts (per-stage CPU, helper threads); an older
 * one gets this checkout's bench/stackRun.ts and bench/stackChild.ts copied in first.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { markdownTable } from '../cli/table.ts';
import { bundleStackChild, stageCpuCells, stageCpuRows } from './stack.ts';
import type { StackChildReport } from './stackChild.ts';
import { STAGES, type Stage, type Timing } from './stackRun.ts';

const MB = 1024 * 1024;

async function bundle(root: string): Promise<string> {
  const dir = mkdtempSync(join(root, '.dist-bench-stack-'));
  await bundleStackChild(root, dir);
  return dir;
}

/** Concatenates timings of several runs of one side. */
function pool(ts: Timing[]): Timing {
  const stageCpu = Object.fromEntries(STAGES.map((s) => [s, ts.flatMap((t) => t.stageCpu[s])])) as Record<
    Stage,
    number[]
  >;
  return {
    wall: ts.flatMap((t) => t.wall),
    cpu: ts.flatMap((t) => t.cpu),
    helperCpu: ts.flatMap((t) => t.helperCpu),
    planned: ts.flatMap((t) => t.planned),
    stage: Object.fromEntries(STAGES.map((s) => [s, ts.reduce((a, t) => a + t.stage[s], 0)])) as Record<
      Stage,
      number
    >,
    stageCpu,
    rssPeakB: Math.max(...ts.map((t) => t.rssPeakB)),
    gcMs: ts.flatMap((t) => t.gcMs),
    allocatedB: ts.reduce((a, t) => a + (t.allocatedB ?? Number.NaN), 0),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const rounds = Number(opt('--rounds') ?? 2);
  const stacks = (opt('--stacks') ?? 'idm,pdm-closed').split(',');
  if (args.length < 2 || !(rounds >= 1)) {
    console.error(
      'usage: stackAB.ts <checkout A> <checkout B> [<checkout C> …] [--rounds 2] [--stacks idm,pdm-closed]',
    );
    process.exit(2);
  }
  const sides = args.map((a) => resolve(a));
  const label = (k: number): string => String.fromCharCode(65 + k);
  const dirs = await Promise.all(sides.map(bundle));
  const runs: string[][] = [];
  const got = new Map<string, Timing[]>();
  try {
    for (let r = 0; r < rounds; r++)
      for (const baseline of stacks) {
        const shift = (r + stacks.indexOf(baseline)) % sides.length;
        const order = sides.map((_, i) => (i + shift) % sides.length);
        for (const k of order) {
          const l0 = loadavg()[0]!;
          const t0 = Date.now();
          const { stdout } = await promisify(execFile)(
            process.execPath,
            ['--expose-gc', join(dirs[k]!, 'stackChild.mjs'), baseline],
            { maxBuffer: 64 * MB },
          );
          const { timing } = JSON.parse(stdout.trim().split('\n').at(-1)!) as StackChildReport;
          const key = `${baseline}|${k}`;
          got.set(key, [...(got.get(key) ?? []), timing]);
          const rows = stageCpuRows(timing);
          runs.push([
            String(r),
            `${baseline}-stack`,
            label(k),
            `${l0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
            ((Date.now() - t0) / 1000).toFixed(0),
            ...rows.map((x) => `${x.tick[0].toFixed(2)} / ${x.tick[1].toFixed(2)}`),
            ...rows.map((x) => `${x.tickThread[1].toFixed(2)}`),
            String(timing.gcMs.length),
            ((timing.allocatedB ?? Number.NaN) / MB).toFixed(0),
          ]);
          console.error(runs.at(-1)!.join(' | '));
        }
      }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  const pooled: string[][] = [];
  for (const baseline of stacks)
    for (let k = 0; k < sides.length; k++) {
      const t = pool(got.get(`${baseline}|${k}`) ?? []);
      for (const x of stageCpuRows(t))
        pooled.push([
          `${baseline}-stack`,
          label(k),
          x.planned ? 'plan' : 'control',
          String(x.steps),
          ...stageCpuCells(x),
        ]);
      const gc = t.gcMs;
      pooled.push([
        `${baseline}-stack`,
        label(k),
        `all: GC ${gc.length} pauses, ${gc.reduce((p, q) => p + q, 0).toFixed(0)} ms, max ${Math.max(0, ...gc).toFixed(1)} ms (wall); ${(t.allocatedB / MB).toFixed(0)} MB allocated`,
        String(t.wall.length),
        ...Array(STAGES.length + 4).fill(''),
      ]);
    }
  const commit = (dir: string): string => {
    try {
      const head = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], {
        encoding: 'utf8',
      }).trim();
      const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => l.slice(3));
      return dirty.length > 0 ? `${head} + uncommitted ${dirty.join(', ')}` : head;
    } catch {
      return 'not a git checkout';
    }
  };
  console.log(`${sides.map((s, k) => `${label(k)} = ${s} (${commit(s)})`).join('\n')}\n`);
  console.log(
    markdownTable(
      [
        'round',
        'stack',
        'side',
        'load (1 min)',
        's',
        'plan CPU p50 / p99',
        'control CPU p50 / p99',
        'plan own p99',
        'control own p99',
        'GC pauses',
        'allocated MB',
      ],
      runs,
      ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  console.log(
    `\nPooled over ${rounds} round(s), CPU ms p50 / p99 (process.cpuUsage per stage; tick: process; own: the stack's thread):`,
  );
  console.log(
    markdownTable(
      ['stack', 'side', 'step', 'steps', ...STAGES, 'other', 'tick', 'own thread', 'helpers total / max'],
      pooled,
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
}

await main();
