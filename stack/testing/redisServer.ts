/**
 * A throw-away redis-server on loopback for the queue tests and the scale bench: a free port, a
 * private data folder, and a wait until it answers PING. Not part of the product: the queue
 * itself takes any Redis URL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { redisConnection } from '../eval/queue.ts';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Whether `redis-server` is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/**
 * Starts redis-server on `port`, keeping its files in `dir`. `appendOnly` turns on the AOF so a
 * restarted server keeps the queue (the restart test needs it; the bench does not).
 */
export function startRedisServer(port: number, dir: string, appendOnly: boolean): ChildProcess {
  if (!hasRedisServer())
    throw new Error(
      'redis-server is not installed (npm test installs it with apt-get: scripts/ensure-system.sh)',
    );
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
}

/** Resolves once the server at `url` answers PING; throws after `timeoutMs`. */
export async function waitForRedis(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new Redis({ ...redisConnection(url), retryStrategy: () => null, lazyConnect: true });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      c.disconnect();
      return;
    } catch {
      c.disconnect();
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not come up in ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Resolves when the child process has exited (at once if it already has). */
export function exited(p: ChildProcess): Promise<void> {
  return new Promise<void>((r) =>
    p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r()),
  );
}
