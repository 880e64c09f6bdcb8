/**
 * The full tick of a command stack, on one thread: transform + plan + gate + control + audit
 * append, per control step, over the built-in suite driven closed-loop. Wall time and this
 * thread's CPU time side by side (CPU time is what a preempted step really cost on a shared
 * machine), split into plan steps (a new command is planned and gated) and control-only steps,
 * with the share of each stage. Run: node --import tsx bench/stack.ts
 *
 * Each stack runs alone in its own process, from a bundle built the way scripts/build.mjs builds
 * dist/ (what `edgeplan` runs; bench/stackChild.ts): an edge box runs the stack, not tsx's loader
 * and every other bench section's modules, which this process holds (bench/README.md).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { markdownTable } from '../cli/table.ts';
import { BUILTIN_IDS } from '../scenarios/builtin/index.ts';
import type { StackChildReport } from './stackChild.ts';
import { STAGES } from './stackRun.ts';

/** Aims of the edge budget (issue 16): what a small computer in a robot can afford per tick. */
export const AIM_TICK_P99_MS = 10;
export const AIM_RSS_MB = 200;

function pct(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

export interface StackFigures {
  stack: string;
  ticks: number;
  tickWallMsP50: number;
  tickWallMsP99: number;
  tickCpuMsP99: number;
  rssPeakMb: number;
  /** node alone, before the stack's modules load, MB. */
  rssNodeMb: number;
  /** Modules loaded, before the first tick, MB. */
  rssLoadedMb: number;
  /** Live JS heap after a full GC: modules loaded / after the suite, MB. */
  heapLoadedMb: number;
  heapEndMb: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

const MB = 1024 * 1024;

/**
 * The stack section: per-tick wall/CPU p50/p99, peak RSS and GC pauses per stack, beside the edge
 * budget's aims. Returns the markdown and the figures as data.
 */
export async function benchStack(): Promise<{ markdown: string; figures: StackFigures[] }> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  // inside the checkout (and .gitignore's .dist-*), so the bundle's npm imports resolve
  const dir = mkdtempSync(join(root, '.dist-bench-stack-'));
  const loadStart = loadavg()[0]!;
  const rows: string[][] = [];
  const shares: string[][] = [];
  const budget: string[][] = [];
  const figures: StackFigures[] = [];
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { stackChild: 'bench/stackChild.ts' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    });
    for (const baseline of ['idm', 'pdm-closed']) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--expose-gc', join(dir, 'stackChild.mjs'), baseline],
        { maxBuffer: 64 * MB },
      );
      const { timing: t, memory: m } = JSON.parse(stdout.trim().split('\n').at(-1)!) as StackChildReport;
      const pick = (planned: boolean, xs: number[]) => xs.filter((_, i) => t.planned[i] === planned);
      for (const planned of [true, false]) {
        const wall = pick(planned, t.wall);
        const cpu = pick(planned, t.cpu);
        rows.push([
          `${baseline}-stack`,
          planned
            ? 'plan step (transform + plan + gate + control + audit)'
            : 'control step (re-check + control + audit)',
          String(wall.length),
          pct(wall, 0.5).toFixed(3),
          pct(wall, 0.99).toFixed(3),
          pct(cpu, 0.5).toFixed(3),
          pct(cpu, 0.99).toFixed(3),
        ]);
      }
      const f: StackFigures = {
        stack: `${baseline}-stack`,
        ticks: t.wall.length,
        tickWallMsP50: pct(t.wall, 0.5),
        tickWallMsP99: pct(t.wall, 0.99),
        tickCpuMsP99: pct(t.cpu, 0.99),
        rssPeakMb: Math.max(t.rssPeakB, m.maxRssB) / MB,
        rssNodeMb: m.rssNodeB / MB,
        rssLoadedMb: m.rssLoadedB / MB,
        heapLoadedMb: m.heapLoadedB / MB,
        heapEndMb: m.heapEndB / MB,
        gcCount: t.gcMs.length,
        gcTotalMs: t.gcMs.reduce((a, b) => a + b, 0),
        gcMaxMs: t.gcMs.length > 0 ? Math.max(...t.gcMs) : 0,
      };
      figures.push(f);
      const meets = (ok: boolean) => (ok ? 'yes' : 'no');
      budget.push([
        f.stack,
        String(f.ticks),
        f.tickWallMsP99.toFixed(3),
        f.tickCpuMsP99.toFixed(3),
        meets(f.tickCpuMsP99 <= AIM_TICK_P99_MS),
        f.rssPeakMb.toFixed(0),
        meets(f.rssPeakMb <= AIM_RSS_MB),
        String(f.gcCount),
        f.gcTotalMs.toFixed(1),
        f.gcMaxMs.toFixed(2),
      ]);
      const total = STAGES.reduce((a, s) => a + t.stage[s], 0);
      shares.push([`${baseline}-stack`, ...STAGES.map((s) => `${((100 * t.stage[s]) / total).toFixed(0)}%`)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const markdown = [
    `## Full stack tick — built-in suite (${BUILTIN_IDS.length} scenarios, reactive mode; ${cpus().length} cores, load average (1 min) ${loadStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end), 20 Hz control / 10 Hz plan, one thread`,
    '',
    `Edge budget — all ticks; aims: p99 ≤ ${AIM_TICK_P99_MS} ms per tick (CPU), ≤ ${AIM_RSS_MB} MB resident:`,
    markdownTable(
      [
        'stack',
        'ticks',
        'wall ms p99',
        'CPU ms p99',
        `≤ ${AIM_TICK_P99_MS} ms`,
        'peak RSS MB',
        `≤ ${AIM_RSS_MB} MB`,
        'GC pauses',
        'GC total ms',
        'GC max ms',
      ],
      budget,
      ['l', 'r', 'r', 'r', 'l', 'r', 'l', 'r', 'r', 'r'],
    ),
    "(each stack alone in its own node process, from a bundle built like dist/, no tsx; peak RSS: that process's maximum resident set (getrusage maxRSS, warm-up included; never below the largest process.memoryUsage.rss() after a tick); GC: perf_hooks gc entries while the measured suite ran, each pause in wall time, so a preempted pause on a loaded machine counts long.)",
    '',
    "Where the resident memory is (MB): node alone, then the stack's modules loaded (before the first tick), the peak; live JS heap after a forced full GC with the modules loaded and after the suite (no stack alive: what stays from 14 scenarios):",
    markdownTable(
      ['stack', 'RSS node', 'RSS loaded', 'RSS peak', 'heap loaded', 'heap after suite'],
      figures.map((f) => [
        f.stack,
        f.rssNodeMb.toFixed(0),
        f.rssLoadedMb.toFixed(0),
        f.rssPeakMb.toFixed(0),
        f.heapLoadedMb.toFixed(1),
        f.heapEndMb.toFixed(1),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    markdownTable(
      ['stack', 'step', 'steps', 'wall ms p50', 'wall ms p99', 'CPU ms p50', 'CPU ms p99'],
      rows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    'Where the time goes (wall time of each stage, all steps):',
    markdownTable(['stack', ...STAGES], shares, ['l', 'r', 'r', 'r', 'r', 'r']),
    '(CPU ms comes from process.cpuUsage, 1 µs resolution but counts every thread of the process, so a GC on a helper thread can show up.)',
  ].join('\n');
  return { markdown, figures };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await benchStack()).markdown);
