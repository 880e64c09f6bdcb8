/**
 * Evaluation beyond one machine: `worker` takes runs from a BullMQ queue on Redis (`eval --queue`
 * puts them there); `merge` joins the slices of `eval --shard k/n`.
 */
import type { Command } from 'commander';
import { DEFAULT_QUEUE, mergeShards, startWorker } from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';

export function register(program: Command, out: Out): void {
  program
    .command('worker')
    .description('take evaluation runs from a Redis queue (run one per core, on any number of machines)')
    .requiredOption('--queue <url>', 'Redis URL, e.g. redis://127.0.0.1:6379')
    .option('--queue-name <name>', 'queue name', DEFAULT_QUEUE)
    .option('--concurrency <n>', 'runs at once in this process', '1')
    .option('--lock-ms <ms>', "a dead worker's run is retried after this long", '30000')
    .action(async (o: { queue: string; queueName: string; concurrency: string; lockMs: string }) => {
      const concurrency = Number(o.concurrency);
      const lockMs = Number(o.lockMs);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError('--concurrency must be an integer ≥ 1');
      if (!Number.isFinite(lockMs) || lockMs < 500) throw new UsageError('--lock-ms must be ≥ 500');
      let worker: ReturnType<typeof startWorker>;
      try {
        worker = startWorker({
          url: o.queue,
          queueName: o.queueName,
          concurrency,
          lockMs,
          onRun: (job, r) =>
            out(
              `${job.scenario} · ${job.planner} · ${job.mode}: ${r.error ? `error: ${r.error.split('\n')[0]}` : (100 * r.score).toFixed(1)}`,
            ),
          // the worker waits out a Redis restart; a wrong URL or a server that is down is said once
          onLink: (event, reason) =>
            out(
              event === 'down'
                ? `worker: no Redis at ${o.queue} (${reason}); retrying every 2 s`
                : `worker: connected to ${o.queue}`,
            ),
        });
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      out(`worker: taking runs from ${o.queue} (${o.queueName}); Ctrl-C stops after the run in hand`);
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = () => {
          signals++;
          if (signals === 1) {
            const n = worker.running();
            if (n > 0) out(`worker: stopping after the ${n} run(s) in hand (Ctrl-C again to stop now)`);
            void worker.stop().then(resolve, resolve);
          } else {
            out('worker: stopping now; the run in hand goes back to the queue once its lock expires');
            void worker.kill().then(resolve, resolve);
          }
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      out('worker: stopped');
    });

  program
    .command('merge <inputs...>')
    .description(
      'join the slices of `eval --shard k/n` (folders or shard-k-of-n.json files) into summary.json files',
    )
    .requiredOption('--out <dir>', 'results folder to write')
    .action((inputs: string[], o: { out: string }) => {
      let res: ReturnType<typeof mergeShards>;
      try {
        res = mergeShards(inputs, o.out);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      for (const s of res.summaries)
        out(`${s.planner} · ${s.mode} · ${s.scenarios.length} scenarios · score ${s.score.toFixed(1)}`);
      out(`wrote ${res.files.length} summary.json under ${o.out}`);
    });
}
