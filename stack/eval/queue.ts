/**
 * Scale-out on a real queue: an evaluation's runs go onto a BullMQ queue on Redis; `edgeplan
 * worker` processes on any number of machines take them. Each run is a job with a fixed id
 * (`<evaluation>-<index>`), retried on failure; a worker that dies mid-run loses its lock and the
 * run is handed to another worker (BullMQ's stalled-job check). The evaluating process polls the
 * queue for finished runs (it survives a Redis restart: polling resumes once Redis is back) and
 * builds the same summaries as a local run, byte for byte.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker as Thread } from 'node:worker_threads';
import type { Job, Worker } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { z } from 'zod';
import { AssistStatsSchema } from '../AssistStats.ts';
import { ControllerStatsSchema } from '../ControllerSummary.ts';
import { DriverOptionsSchema } from '../HierarchicalStack.ts';
import { type EvalJob, failedResult, type JobResult } from './evalJob.ts';

export const DEFAULT_QUEUE = 'edgeplan-eval';

/**
 * BullMQ and ioredis (about 270 modules) are loaded on first use, not when the CLI starts: every
 * `edgeplan` command would otherwise pay for them. Synchronous (CommonJS builds), so the API stays.
 */
const requireLazy = createRequire(import.meta.url);
const bullmq = (): typeof import('bullmq') => requireLazy('bullmq') as typeof import('bullmq');
const ioredis = (): typeof import('ioredis') => requireLazy('ioredis') as typeof import('ioredis');

const EvalJobSchema = z.object({
  scenario: z.string().min(1),
  planner: z.string().min(1),
  mode: z.enum(['nonreactive', 'reactive']),
  agents: z.enum(['idm', 'interactive']).optional(),
  seed: z.number().int(),
  logDir: z.string().optional(),
  mapPath: z.string().optional(),
  controller: z.string().optional(),
  budget: z.string().optional(),
  // planner options (`--llm` …, the hierarchical config): parsed here, at the queue's boundary
  driverOptions: DriverOptionsSchema.optional(),
  label: z.string().optional(),
});

const JobResultSchema = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  score: z.number(),
  metrics: z.record(z.string(), z.number()),
  collisions: z.number(),
  planMsMean: z.number(),
  simSeconds: z.number(),
  plannerErrors: z.object({ ticks: z.number(), first: z.string() }).optional(),
  controller: ControllerStatsSchema.optional(),
  assist: AssistStatsSchema.optional(),
  error: z.string().optional(),
});

export interface QueueOptions {
  /** `redis://[:password@]host:port[/db]` */
  url: string;
  queueName?: string;
}

/** ioredis connection options from a redis:// URL (BullMQ needs maxRetriesPerRequest: null). */
export function redisConnection(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue: not a URL: ${url} (expected redis://host:6379)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`--queue: expected a redis:// URL, got ${u.protocol}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    // keep reconnecting while Redis restarts
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

export interface QueueRunnerOptions extends QueueOptions {
  /** Attempts per run (a crash or a lost worker counts as one). Default 3. */
  attempts?: number;
  /** Poll period for finished runs, ms. Default 250. */
  pollMs?: number;
  /** Called while nothing has finished for a while (no worker listening?). */
  onIdle?: (waitingS: number) => void;
}

/** A Redis client for BullMQ (constructed here: BullMQ loads no client itself in ESM). */
function redisClient(url: string): Redis {
  const client = new (ioredis().Redis)({ ...redisConnection(url), lazyConnect: false });
  client.on('error', () => {}); // reconnects on its own (retryStrategy)
  return client;
}

/** The reason a connection failed, short: `ECONNREFUSED`, `ENOTFOUND`, `connect timed out after 3 s`. */
function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  return err.code ?? err.message ?? String(e);
}

/**
 * Resolves once the Redis at `url` answers PING; rejects within about `timeoutMs` with
 * `no Redis at <url> (<reason>)` otherwise. One attempt, no retries: the queue's own clients keep
 * retrying for ever (a Redis restart mid-evaluation is survived), so a wrong URL or a server that
 * is down would otherwise wait in silence.
 */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<void> {
  const client = new (ioredis().Redis)({
    ...redisConnection(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  let lastError: unknown;
  client.on('error', (e) => {
    lastError = e;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${(timeoutMs / 1000).toFixed(0)} s`)),
          timeoutMs + 500,
        );
      }),
    ]);
  } catch (e) {
    throw new Error(`no Redis at ${url} (${reasonOf(lastError ?? e)})`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * A runner for `evaluate({ runner })`: enqueues every job, then reports each result as workers
 * finish it. A run that failed for good (malformed job, attempts used up) is reported as an error
 * result naming the reason; the others go on.
 */
export function queueRunner(o: QueueRunnerOptions) {
  return async (jobs: EvalJob[], onDone: (i: number, r: JobResult) => void): Promise<void> => {
    // fail at once on a Redis that is not there; once it has answered, a restart is waited out
    await probeRedis(o.url);
    const client = redisClient(o.url);
    const queue = new (bullmq().Queue)(o.queueName ?? DEFAULT_QUEUE, { connection: client });
    queue.on('error', () => {}); // reconnects on its own; the poll loop reports nothing while down
    const evalId = randomUUID().slice(0, 8);
    const idOf = (i: number) => `${evalId}-${i}`;
    try {
      await queue.addBulk(
        jobs.map((job, i) => ({
          name: 'run',
          data: job,
          opts: {
            jobId: idOf(i),
            attempts: o.attempts ?? 3,
            backoff: { type: 'fixed', delay: 200 },
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
      const pending = new Set(jobs.map((_, i) => i));
      let lastProgress = Date.now();
      while (pending.size > 0) {
        await sleep(o.pollMs ?? 250);
        let completed: Job[];
        let failed: Job[];
        try {
          completed = await queue.getJobs(['completed'], 0, -1);
          failed = await queue.getJobs(['failed'], 0, -1);
        } catch {
          continue; // Redis is away: try again
        }
        // by state, not by failedReason: a completed run whose earlier attempt failed keeps that
        // attempt's failedReason
        for (const [job, ok] of [
          ...completed.map((j) => [j, true] as const),
          ...failed.map((j) => [j, false] as const),
        ]) {
          const id = job.id ?? '';
          if (!id.startsWith(`${evalId}-`)) continue;
          const i = Number(id.slice(evalId.length + 1));
          if (!pending.has(i)) continue;
          pending.delete(i);
          lastProgress = Date.now();
          const parsed = JobResultSchema.safeParse(job.returnvalue);
          if (ok && parsed.success) onDone(i, parsed.data);
          else
            onDone(
              i,
              failedResult(
                jobs[i]!,
                ok ? 'the worker returned no valid result' : (job.failedReason ?? 'failed'),
              ),
            );
        }
        if (Date.now() - lastProgress > 10_000) {
          o.onIdle?.((Date.now() - lastProgress) / 1000);
          lastProgress = Date.now();
        }
      }
    } finally {
      await queue.close().catch(() => {});
      client.disconnect();
    }
  };
}

export interface WorkerOptions extends QueueOptions {
  /** Runs processed at once by this process (one is right for one core). Default 1. */
  concurrency?: number;
  /**
   * How long a run's lock lasts without renewal, ms: a dead worker's run is retried after this.
   * Renewed every quarter to half of it from this process's event loop; a loop held up longer
   * than about half of it (a machine too busy to schedule the process) loses the run to another
   * worker, which computes it again (counted once). Default 30000.
   */
  lockMs?: number;
  /** Each run this worker completed, once the queue accepted its result. */
  onRun?: (job: EvalJob, result: JobResult) => void;
  /**
   * The worker's link to Redis: `down` once per outage (with the reason, e.g. `ECONNREFUSED`;
   * the worker keeps retrying), `up` when it is connected (again).
   */
  onLink?: (event: 'up' | 'down', reason?: string) => void;
}

/** A worker and what its stop needs to know. */
export interface QueueWorker {
  /** The BullMQ worker (its `close()` waits for the runs in hand, `close(true)` abandons them). */
  readonly worker: Worker;
  /** Runs in hand now. */
  running(): number;
  /**
   * Stops the worker: after the runs in hand if there are any (they complete and are reported),
   * at once if it is idle or Redis is unreachable (nothing could be handed back). Closes its Redis
   * connection, so the process can exit.
   */
  stop(): Promise<void>;
  /** Stops now: a run in hand is abandoned and retried by another worker once its lock expires. */
  kill(): Promise<void>;
}

/**
 * Starts a worker taking runs from the queue. `stop()` stops it after the run in hand (at once
 * when idle); `worker.close()` is BullMQ's own close (the Redis connection is closed with it).
 */
export function startWorker(o: WorkerOptions): QueueWorker {
  const lockDuration = o.lockMs ?? 30_000;
  const threads = new JobThreads();
  const { Worker, UnrecoverableError } = bullmq();
  const connection = redisClient(o.url);
  // the link as the user sees it: one line per outage, one when it is back
  let linkUp: boolean | undefined;
  connection.on('error', (e) => {
    if (linkUp === false) return;
    linkUp = false;
    o.onLink?.('down', reasonOf(e));
  });
  connection.on('ready', () => {
    if (linkUp === true) return;
    linkUp = true;
    o.onLink?.('up');
  });
  let inHand = 0;
  const worker = new Worker(
    o.queueName ?? DEFAULT_QUEUE,
    async (job: Job) => {
      const parsed = EvalJobSchema.safeParse(job.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new UnrecoverableError(`malformed job: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      // the run goes to a worker thread: a CPU-bound run on this event loop would starve the lock
      // renewals, and BullMQ would take a slow run for a dead worker's
      inHand++;
      try {
        return await threads.run(parsed.data as EvalJob);
      } finally {
        inHand--;
      }
    },
    {
      connection,
      concurrency: o.concurrency ?? 1,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 2,
    },
  );
  worker.on('error', () => {}); // connection errors: ioredis reconnects
  // Reported once the queue has taken the result, not when the thread returns it: a worker whose
  // machine was too busy to renew the lock in time finishes its run, but BullMQ has handed the run
  // to another worker and refuses this completion (lock missing or taken); reporting it here
  // would count the run twice in the workers' output.
  worker.on('completed', (job: Job, result: JobResult) => o.onRun?.(job.data as EvalJob, result));
  // a forced close abandons the run in hand: its thread stops too instead of computing a result
  // nobody will take. The connection is ours (BullMQ leaves a client it was handed open): closed
  // here, or its socket and reconnect timers keep the process alive after the worker closed.
  worker.on('closed', () => {
    threads.close();
    connection.disconnect();
  });
  const kill = async () => {
    // BullMQ's forced close still waits for Redis when it is away; the connection goes first
    if (connection.status !== 'ready') connection.disconnect();
    await worker.close(true);
  };
  return {
    worker,
    running: () => inHand,
    stop: () => (inHand === 0 || connection.status !== 'ready' ? kill() : worker.close()),
    kill,
  };
}

/** Worker threads that run evaluation jobs (`evalWorker`), one per run in flight, kept between runs. */
class JobThreads {
  private readonly idle: Thread[] = [];
  private readonly busy = new Set<Thread>();
  private next = 0;

  async run(job: EvalJob): Promise<JobResult> {
    const t = this.idle.pop() ?? new Thread(new URL('./evalWorker.mjs', import.meta.url));
    this.busy.add(t);
    try {
      const index = this.next++;
      const result = await new Promise<JobResult>((resolve, reject) => {
        const onExit = (code: number) => reject(new Error(`the run's worker thread exited (code ${code})`));
        const onMsg = (m: { index: number; result: JobResult }) => {
          if (m.index !== index) return;
          t.off('message', onMsg);
          t.off('error', reject);
          t.off('exit', onExit);
          resolve(m.result);
        };
        t.on('message', onMsg);
        t.once('error', reject);
        t.once('exit', onExit);
        t.postMessage({ index, job });
      });
      this.busy.delete(t);
      this.idle.push(t);
      return result;
    } catch (e) {
      this.busy.delete(t);
      await t.terminate();
      throw e;
    }
  }

  /** Stops every thread, idle or running a run (whose promise then rejects). */
  close(): void {
    for (const t of [...this.idle.splice(0), ...this.busy]) void t.terminate();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
