import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../stack/eval/evaluate.ts';
import { queueRunner, redisConnection } from '../../stack/eval/queue.ts';
import { exited, freePort, startRedisServer, waitForRedis } from '../../stack/testing/redisServer.ts';

// `edgeplan eval --queue` and `edgeplan worker` as a user runs them (bin/edgeplan.js), against a
// real redis-server, and against a port where nothing listens.

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edgeplan.js');

/** A running `edgeplan worker`: its output so far, and a wait for a line or for its exit. */
function startCli(...args: string[]) {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
  });
  p.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  const untilOut = async (re: RegExp) => {
    for (let i = 0; i < 1200 && !re.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
    if (!re.test(stdout)) throw new Error(`no ${re} in: ${stdout}${stderr}`);
  };
  const status = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  return { p, out: () => stdout, err: () => stderr, untilOut, status };
}

describe('the Redis queue from the command line', () => {
  let dir: string;
  let url: string;
  let redis: ChildProcess;
  let nowhere: string;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ep-queue-cli-'));
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = startRedisServer(port, dir, false);
    await waitForRedis(url);
    // a port that was free a moment ago: nothing listens there
    nowhere = `redis://127.0.0.1:${await freePort()}`;
  }, 60_000);

  afterAll(async () => {
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    redis?.kill('SIGKILL');
    if (redis) await exited(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('eval --queue with no Redis there: one line naming the URL and the reason, exit 2 (no wait)', () => {
    const r = spawnSync(process.execPath, [BIN, 'eval', 'cut_in', '--queue', nowhere], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`edgeplan: no Redis at ${nowhere} (ECONNREFUSED)`);
  }, 90_000);

  it('a worker with no Redis there says so once, and stops on SIGTERM', async () => {
    const w = startCli('worker', '--queue', nowhere);
    started.push(w.p);
    await w.untilOut(/no Redis at .* \(ECONNREFUSED\); retrying/);
    w.p.kill('SIGTERM');
    expect(await w.status).toBe(0);
    expect(w.out()).toMatch(/worker: stopped\n$/);
    // one line per outage, not one per attempt
    expect(w.out().match(/no Redis at/g)).toHaveLength(1);
  }, 90_000);

  it('an idle worker stops on the first Ctrl-C', async () => {
    const w = startCli('worker', '--queue', url, '--queue-name', 'idle');
    started.push(w.p);
    await w.untilOut(/worker: connected to/);
    w.p.kill('SIGINT');
    expect(await w.status).toBe(0);
    expect(w.out()).toMatch(/worker: stopped\n$/);
  }, 90_000);

  it('a worker given Ctrl-C during a run finishes that run, reports it, then stops', async () => {
    const queueName = 'busy';
    const w = startCli('worker', '--queue', url, '--queue-name', queueName);
    started.push(w.p);
    await w.untilOut(/worker: connected to/);
    const done = evaluate({
      scenarios: ['cut_in'],
      planners: ['idm'],
      modes: ['nonreactive'],
      seed: 0,
      workers: 1,
      runner: queueRunner({ url, queueName, pollMs: 100 }),
    });
    const q = new Queue(queueName, { connection: new Redis(redisConnection(url)) });
    try {
      for (let i = 0; i < 1200 && (await q.getActiveCount()) === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await q.getActiveCount()).toBe(1);
    } finally {
      await q.close();
    }
    w.p.kill('SIGINT');
    const res = await done;
    expect(res.results[0]!.result.error).toBeUndefined();
    expect(await w.status).toBe(0);
    expect(w.out()).toMatch(/stopping after the 1 run\(s\) in hand/);
    expect(w.out()).toMatch(/cut_in · idm · nonreactive: \d+\.\d\nworker: stopped\n$/);
  }, 180_000);
});
