import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadAsleepProbe, threadWaitClock } from './ThreadSchedStat.ts';

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

  it('tells a sleeping thread from a running one', async () => {
    if (process.platform !== 'linux') return;
    const { readlinkSync } = await import('node:fs');
    const self = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // this thread is running while it reads its own state
    expect(threadAsleepProbe(self)()).toBe(false);
    const sab = new SharedArrayBuffer(8);
    const flag = new Int32Array(sab);
    const w = new Worker(
      `const { workerData } = require('node:worker_threads');
       const f = new Int32Array(workerData);
       f[1] = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
       Atomics.notify(f, 1);
       Atomics.wait(f, 0, 0);`,
      { eval: true, workerData: sab },
    );
    Atomics.wait(flag, 1, 0, 5000);
    const probe = threadAsleepProbe(flag[1]!);
    // it goes to sleep on Atomics.wait right after naming itself
    let asleep = probe();
    for (let i = 0; i < 200 && !asleep; i++) {
      await new Promise((r) => setTimeout(r, 5));
      asleep = probe();
    }
    expect(asleep).toBe(true);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    await new Promise((r) => w.on('exit', r));
  });
});
