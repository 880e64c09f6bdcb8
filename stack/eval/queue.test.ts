import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, startRedisServer, waitForRedis } from '../testing/redisServer.ts';
import { type EvalJob, runJob } from './evalJob.ts';
import { evaluate } from './evaluate.ts';
import { DEFAULT_QUEUE, queueRunner, redisConnection, startWorker } from './queue.ts';

const SCENARIOS = ['cut_in', 'red_light', 'stop_and_go', 'hard_braking_lead'];
const PLANNERS = ['idm'];
/** The evaluation every test runs, locally in the set-up and on a queue in the tests. */
const SUITE = {
  scenarios: SCENARIOS,
  planners: PLANNERS,
  modes: ['nonreactive' as const],
  seed: 0,
  workers: 1,
};

async function untilActive(url: string, queueName: string): Promise<void> {
  const q = new Queue(queueName, { connection: new Redis(redisConnection(url)) });
  try {
    for (let i = 0; i < 600; i++) {
      if ((await q.getActiveCount()) > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no run became active');
  } finally {
    await q.close();
  }
}

describe('evaluation on a BullMQ queue with a real Redis', () => {
  let dir: string;
  let port: number;
  let url: string;
  let redis: ChildProcess;
  let local: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgeplan-queue-'));
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = startRedisServer(port, dir, true);
    await waitForRedis(url);
    const res = await evaluate(SUITE);
    local = JSON.stringify(res.summaries);
  }, 120_000);

  afterAll(async () => {
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker that dies mid-run: the run is retried by another worker, neither lost nor counted twice, results as a local run', async () => {
    const queueName = `${DEFAULT_QUEUE}-kill`;
    const reported: string[] = [];
    const onRun = (job: EvalJob) => reported.push(job.scenario);
    // a worker dies holding a run: force-closed while the run is active, its lock is never renewed
    // or released, exactly what BullMQ sees when a worker process is killed
    const first = startWorker({ url, queueName, lockMs: 1500, onRun });
    let dead: string | undefined;
    first.worker.once('active', (job) => {
      dead = job.id;
    });
    let second: ReturnType<typeof startWorker> | undefined;
    const killer = (async () => {
      await untilActive(url, queueName);
      await first.kill();
      second = startWorker({ url, queueName, lockMs: 1500, onRun });
    })();
    const seen: number[] = [];
    const res = await evaluate({
      ...SUITE,
      runner: queueRunner({ url, queueName, pollMs: 100 }),
      onProgress: (done) => seen.push(done),
    });
    await killer;
    await second?.stop();
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(res.results.every((r) => !r.result.error)).toBe(true);
    expect(JSON.stringify(res.summaries)).toBe(local);
    // each run reported once by the workers, none by the dead one
    expect([...reported].sort()).toEqual([...SCENARIOS].sort());
    // the dead worker's run really was taken over: found stalled and started again. (Whether the
    // live worker kept every lock of its own is not asserted: on a loaded machine it may miss a
    // 1.5 s lock's renewal and lose a run to a restart, which is allowed; the busy-worker test
    // below pins down that such a run still counts once.)
    const q = new Queue(queueName, { connection: new Redis(redisConnection(url)) });
    try {
      expect(await q.getCompletedCount()).toBe(4);
      const taken = await q.getJob(dead!);
      expect(await taken?.getState()).toBe('completed');
      expect(taken?.stalledCounter).toBeGreaterThanOrEqual(1);
      expect(taken?.attemptsStarted).toBeGreaterThanOrEqual(2);
    } finally {
      await q.close();
    }
  }, 180_000);

  it('a live worker too busy to renew its lock: the run is computed again but counted and reported once, results as a local run', async () => {
    const queueName = `${DEFAULT_QUEUE}-busy`;
    const lockMs = 1000;
    const reported: string[] = [];
    const worker = startWorker({ url, queueName, lockMs, onRun: (job) => reported.push(job.scenario) });
    let held: string | undefined;
    // a machine too busy to schedule the worker's process: its event loop stands still for twice
    // the lock's duration while it holds its first run, so the lock expires in Redis without a
    // renewal (Redis keeps time on its own), whatever the machine's load
    worker.worker.once('active', (job) => {
      held = job.id;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2 * lockMs);
    });
    const seen: number[] = [];
    const res = await evaluate({
      ...SUITE,
      runner: queueRunner({ url, queueName, pollMs: 100 }),
      onProgress: (done) => seen.push(done),
    });
    await worker.stop();
    const q = new Queue(queueName, { connection: new Redis(redisConnection(url)) });
    try {
      // the premise: the held run lost its lock and was started again
      const job = await q.getJob(held!);
      expect(job?.attemptsStarted).toBeGreaterThanOrEqual(2);
      expect(await q.getCompletedCount()).toBe(4);
    } finally {
      await q.close();
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(res.results.every((r) => !r.result.error)).toBe(true);
    expect(JSON.stringify(res.summaries)).toBe(local);
    expect([...reported].sort()).toEqual([...SCENARIOS].sort());
  }, 180_000);

  it('a run whose first attempt failed and whose retry completed counts with its result, not as failed', async () => {
    const queueName = `${DEFAULT_QUEUE}-retry`;
    // a worker whose first attempt at each run crashes (a thread lost to a fault) and whose retry
    // runs it: BullMQ keeps the first attempt's failedReason on the completed job
    const worker = new Worker(
      queueName,
      async (job) => {
        if (job.attemptsMade === 0) throw new Error('the run crashed');
        return runJob(job.data as EvalJob);
      },
      { connection: new Redis(redisConnection(url)) },
    );
    try {
      const res = await evaluate({
        ...SUITE,
        runner: queueRunner({ url, queueName, pollMs: 100 }),
      });
      expect(res.results.map((r) => r.result.error)).toEqual(SCENARIOS.map(() => undefined));
      expect(JSON.stringify(res.summaries)).toBe(local);
    } finally {
      await worker.close();
    }
  }, 120_000);

  it("a run's controller reaches the worker: a command stack scores as a local run", async () => {
    const queueName = `${DEFAULT_QUEUE}-stack`;
    const o = {
      scenarios: ['cut_in'],
      planners: ['idm-stack'],
      modes: ['nonreactive' as const],
      seed: 0,
      workers: 1,
      controller: 'expert',
    };
    const alone = await evaluate(o);
    const worker = startWorker({ url, queueName, lockMs: 3000 });
    try {
      const res = await evaluate({ ...o, runner: queueRunner({ url, queueName, pollMs: 100 }) });
      expect(res.results[0]!.result.error).toBeUndefined();
      expect(JSON.stringify(res.summaries)).toBe(JSON.stringify(alone.summaries));
    } finally {
      await worker.stop();
    }
  }, 120_000);

  it('Redis restarted mid-evaluation: the evaluation finishes with the same results', async () => {
    const queueName = `${DEFAULT_QUEUE}-restart`;
    const worker = startWorker({ url, queueName, lockMs: 3000 });
    let restarted = false;
    const run = evaluate({
      ...SUITE,
      runner: queueRunner({ url, queueName, pollMs: 100 }),
      onProgress: (done) => {
        if (done === 1 && !restarted) {
          restarted = true;
          // SIGTERM: Redis writes its append-only file and exits; a new one reads it back
          redis.kill('SIGTERM');
          void exited(redis).then(() => {
            redis = startRedisServer(port, dir, true);
          });
        }
      },
    });
    const res = await run;
    await worker.stop();
    expect(restarted).toBe(true);
    expect(JSON.stringify(res.summaries)).toBe(local);
  }, 180_000);

  it('a malformed job is recorded as failed with its reason and the others go on', async () => {
    const queueName = `${DEFAULT_QUEUE}-bad`;
    const worker = startWorker({ url, queueName, lockMs: 3000 });
    const q = new Queue(queueName, { connection: new Redis(redisConnection(url)) });
    try {
      const bad = await q.add(
        'run',
        { scenario: 'cut_in', planner: 42, mode: 'sideways' },
        { jobId: 'bad-1', attempts: 3 },
      );
      const res = await evaluate({
        scenarios: ['cut_in', 'no_such_scenario'],
        planners: PLANNERS,
        modes: ['nonreactive'],
        seed: 0,
        workers: 1,
        runner: queueRunner({ url, queueName, pollMs: 100 }),
      });
      expect(res.results[0]!.result.error).toBeUndefined();
      expect(res.results[1]!.result.error).toMatch(/no_such_scenario/);
      const state = await bad.getState();
      expect(state).toBe('failed');
      const again = await q.getJob('bad-1');
      expect(again?.failedReason).toMatch(/^malformed job: planner/);
      expect(again?.attemptsMade).toBe(1); // not retried: an unrecoverable error
      // planner options are parsed at the queue's boundary too, with the field named
      const badOptions = await q.add(
        'run',
        {
          scenario: 'cut_in',
          planner: 'hierarchical',
          mode: 'nonreactive',
          seed: 0,
          driverOptions: { hierarchical: { reflection: 'yes' } },
        },
        { jobId: 'bad-2', attempts: 3 },
      );
      for (let i = 0; i < 200 && (await badOptions.getState()) !== 'failed'; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect((await q.getJob('bad-2'))?.failedReason).toMatch(
        /^malformed job: driverOptions\.hierarchical\.reflection/,
      );
    } finally {
      await q.close();
      await worker.stop();
    }
  }, 120_000);
});
