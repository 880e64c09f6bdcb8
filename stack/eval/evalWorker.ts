/** Worker-thread side of `evaluate`: runs jobs posted by the parent, posts results back. */
import { parentPort } from 'node:worker_threads';
import { type EvalJob, runJob } from './evalJob.ts';

parentPort!.on('message', async (msg: { index: number; job: EvalJob }) => {
  let result: Awaited<ReturnType<typeof runJob>>;
  try {
    result = await runJob(msg.job);
  } catch (e) {
    result = {
      id: msg.job.scenario,
      tags: [],
      score: 0,
      metrics: {},
      collisions: 0,
      planMsMean: 0,
      simSeconds: 0,
      error: String((e as Error).stack ?? e),
    };
  }
  parentPort!.postMessage({ index: msg.index, result });
});
