import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadWaitClock } from './ThreadSchedStat.ts';

describe('threadWaitClock', () => {
  it('counts the time this thread waits for a CPU while other threads hold every core', async () => {
    const wait = threadWaitClock();
    const w0 = wait();
    if (Number.isNaN(w0)) return expect(process.platform).not.toBe('linux');
    // more busy threads than cores, for long enough that the scheduler must queue this thread
    const { availableParallelism } = await import('node:os');
    const spin = 'const t=Date.now();while(Date.now()-t<300){}';
    const workers = Array.from(
      { length: availableParallelism() + 1 },
      () => new Worker(spin, { eval: true }),
    );
    const t0 = Date.now();
    while (Date.now() - t0 < 300) {}
    await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
    const w1 = wait();
    expect(w1).toBeGreaterThan(w0);
    expect(wait()).toBeGreaterThanOrEqual(w1);
  });
});
