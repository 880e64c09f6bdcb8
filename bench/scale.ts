/**
 * Scale-out throughput: the same small evaluation (built-in scenarios × idm, non-reactive) run by
 * the local worker-thread pool and by BullMQ queue workers, 1, 2 and 4 of each, side by side:
 * runs per second and the speed-up over one worker of the same kind. The queue rows run against a
 * redis-server this bench starts on a free port (skipped, with the reason printed, when
 * redis-server is missing). Queue workers are in-process `startWorker`s, each running its runs in
 * its own worker thread — what `edgeplan worker` does, one process per machine.
 * Run: node --import tsx bench/scale.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from '../cli/table.ts';
import { BUILTIN_IDS } from '../scenarios/builtin/index.ts';
import { type EvaluateOptions, evaluate, queueRunner, startWorker } from '../stack/index.ts';
import {
  exited,
  freePort,
  hasRedisServer,
  startRedisServer,
  waitForRedis,
} from '../stack/testing/redisServer.ts';

const WORKERS = [1, 2, 4];
const SCENARIOS = 6;

export interface ScaleRow {
  engine: 'local' | 'queue';
  workers: number;
  runs: number;
  wallS: number;
  runsPerS: number;
  /** runs/s over one worker of the same engine */
  speedUp: number;
  /** summaries equal (JSON) to the one-worker local run */
  sameSummaries: boolean;
}

async function timed(o: EvaluateOptions): Promise<{ wallS: number; summaries: string }> {
  const t0 = performance.now();
  const r = await evaluate(o);
  return { wallS: (performance.now() - t0) / 1000, summaries: JSON.stringify(r.summaries) };
}

/** The scale section: runs/s of the local pool and the queue with 1, 2, 4 workers. */
export async function benchScale(): Promise<{ markdown: string; figures: ScaleRow[] }> {
  const loadStart = loadavg()[0]!;
  const base: Omit<EvaluateOptions, 'workers'> = {
    scenarios: BUILTIN_IDS.slice(0, SCENARIOS),
    planners: ['idm'],
    modes: ['nonreactive'],
    seed: 0,
  };
  const runs = base.scenarios.length;
  const rows: ScaleRow[] = [];
  const notes: string[] = [];
  let reference = '';
  const add = (engine: ScaleRow['engine'], workers: number, m: { wallS: number; summaries: string }) => {
    if (reference === '') reference = m.summaries;
    const one = rows.find((r) => r.engine === engine && r.workers === 1);
    const runsPerS = runs / m.wallS;
    rows.push({
      engine,
      workers,
      runs,
      wallS: m.wallS,
      runsPerS,
      speedUp: one ? runsPerS / one.runsPerS : 1,
      sameSummaries: m.summaries === reference,
    });
  };

  await timed({ ...base, workers: 2 }); // warm-up: module loading, JIT, page cache
  for (const n of WORKERS) add('local', n, await timed({ ...base, workers: n }));

  if (!hasRedisServer()) {
    notes.push('queue rows skipped: redis-server is not installed (scripts/ensure-system.sh installs it)');
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-scale-'));
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const redis = startRedisServer(port, dir, false);
    try {
      await waitForRedis(url);
      for (const n of WORKERS) {
        const queueName = `bench-scale-${n}`;
        const workers = Array.from({ length: n }, () => startWorker({ url, queueName, concurrency: 1 }));
        try {
          add(
            'queue',
            n,
            await timed({ ...base, workers: 1, runner: queueRunner({ url, queueName, pollMs: 50 }) }),
          );
        } finally {
          await Promise.all(workers.map((w) => w.stop()));
        }
      }
    } catch (e) {
      notes.push(`queue rows stopped: ${(e as Error).message}`);
    } finally {
      redis.kill('SIGTERM');
      await exited(redis);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const local = (n: number) => rows.find((r) => r.engine === 'local' && r.workers === n);
  const table = WORKERS.map((n) => {
    const l = local(n);
    const q = rows.find((r) => r.engine === 'queue' && r.workers === n);
    return [
      String(n),
      l ? l.runsPerS.toFixed(2) : '—',
      l ? `${l.speedUp.toFixed(2)}×` : '—',
      q ? q.runsPerS.toFixed(2) : '—',
      q ? `${q.speedUp.toFixed(2)}×` : '—',
      l && q ? `${(q.runsPerS / l.runsPerS).toFixed(2)}×` : '—',
      [l, q].filter((r) => r !== undefined).every((r) => r.sameSummaries) ? 'yes' : 'no',
    ];
  });
  const markdown = [
    `## Scale-out — ${runs} runs (${base.scenarios.join(', ')} × idm, non-reactive); ${cpus().length} cores, load average (1 min) ${loadStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end`,
    markdownTable(
      [
        'workers',
        'local pool runs/s',
        'local speed-up',
        'queue runs/s',
        'queue speed-up',
        'queue ÷ local',
        'summaries = local 1',
      ],
      table,
      ['r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
    "(1 local worker runs in the calling thread; 2 and 4 start that many worker threads per evaluation. Each queue worker is a startWorker with its own worker thread, started before the evaluation; runs/s includes the threads' start-up. Speed-up is over one worker of the same kind; more workers than cores cannot speed up.)",
    ...notes,
  ].join('\n');
  return { markdown, figures: rows };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await benchScale()).markdown);
