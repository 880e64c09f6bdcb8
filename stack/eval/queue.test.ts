import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, startRedisServer, waitForRedis } from '../testing/redisServer.ts';
import { evaluate } from './evaluate.ts';
import { DEFAULT_QUEUE, queueRunner, redisConnection, startWorker } from './queue.ts';

const SCENARIOS = ['cut_in', 'red_light', 'stop_and_go', 'hard_braking_lead'];
const PLANNERS = ['idm'];

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
    const res = await evaluate({
      scenarios: SCENARIOS,
      planners: PLANNERS,
      modes: ['nonreactive'],
      seed: 0,
      workers: 1,
    });
    local = JSON.stringify(res.summaries);
  }, 120_000);

  afterAll(async () => {
    redis?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker that dies mid-run: the run is retried by another worker, neither lost nor counted twice, results as a local run', async () => {
    const queueName = `${DEFAULT_QUEUE}-kill`;
    // a worker dies holding a run: force-closed while the run is active, its lock is never renewed
    // or released, exactly what BullMQ sees when a worker process is killed
    const first = startWorker({ url, queueName, lockMs: 1500 });
    let second: ReturnType<typeof startWorker> | undefined;
    const killer = (async () => {
      await untilActive(url, queueName);
      await first.close(true);
      second = startWorker({ url, queueName, lockMs: 1500 });
    })();
    const seen: number[] = [];
    const res = await evaluate({
      scenarios: SCENARIOS,
      planners: PLANNERS,
      modes: ['nonreactive'],
      seed: 0,
      workers: 1,
      runner: queueRunner({ url, queueName, pollMs: 100 }),
      onProgress: (done) => seen.push(done),
    });
    await killer;
    await second?.close();
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(res.results.every((r) => !r.result.error)).toBe(true);
    expect(JSON.stringify(res.summaries)).toBe(local);
    // the interrupted run really was taken over: one run of the four was started twice
    const q = new Queue(queueName, { connection: new Redis(redisConnection(url)) });
    try {
      const jobs = await q.getJobs(['completed']);
      expect(jobs.length).toBe(4);
      expect(jobs.filter((j) => (j.attemptsStarted ?? 0) > 1 || (j.stalledCounter ?? 0) > 0).length).toBe(1);
    } finally {
      await q.close();
    }
  }, 180_000);

  it('Redis restarted mid-evaluation: the evaluation finishes with the same results', async () => {
    const queueName = `${DEFAULT_QUEUE}-restart`;
    const worker = startWorker({ url, queueName, lockMs: 3000 });
    let restarted = false;
    const run = evaluate({
      scenarios: SCENARIOS,
      planners: PLANNERS,
      modes: ['nonreactive'],
      seed: 0,
      workers: 1,
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
    await worker.close();
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
    } finally {
      await q.close();
      await worker.close();
    }
  }, 120_000);
});
