/**
 * One stack measured alone in its own process, from a bundle built like dist/ (no tsx, no other
 * bench section loaded): what an edge box runs. bench/stack.ts builds and starts it with
 * `--expose-gc`; argv: <baseline>. Prints one JSON line, `StackChildReport`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Timing } from './stackRun.ts';

export interface StackChildReport {
  timing: Timing;
  memory: {
    /** Resident set of node alone, before the stack's modules load, bytes. */
    rssNodeB: number;
    /** Resident set once the stack's modules are loaded, before the first tick, bytes. */
    rssLoadedB: number;
    /** Live JS heap after a full GC once the modules are loaded, bytes. */
    heapLoadedB: number;
    /** Live JS heap after a full GC at the end of the measured suite (no stack alive), bytes. */
    heapEndB: number;
    /** The process's maximum resident set (getrusage), bytes. */
    maxRssB: number;
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('stackChild: run with --expose-gc');
const baseline = process.argv[2];
if (!baseline) throw new Error('stackChild: usage: stackChild.mjs <baseline>');
const rssNodeB = process.memoryUsage.rss();
// loaded here, not at the top: so that rssNodeB is node alone
const { measure } = await import('./stackRun.ts');
gc();
const rssLoadedB = process.memoryUsage.rss();
const heapLoadedB = process.memoryUsage().heapUsed;
const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-stack-'));
try {
  // warm-up (JIT), its audit logs apart: in the same folder the measured run reopened them (a
  // resumed log is read and verified whole) for the first three scenarios
  const warm = join(dir, 'warm-up');
  mkdirSync(warm);
  await measure(baseline, 1, warm, 3);
  const timing = await measure(baseline, 1, dir);
  gc();
  const report: StackChildReport = {
    timing,
    memory: {
      rssNodeB,
      rssLoadedB,
      heapLoadedB,
      heapEndB: process.memoryUsage().heapUsed,
      maxRssB: process.resourceUsage().maxRSS * 1024,
    },
  };
  console.log(JSON.stringify(report));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
