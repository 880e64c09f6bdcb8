import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { settleThread, threadAsleepProbe, threadRunClock } from './ThreadSchedStat.ts';

describe('thread scheduler statistics', () => {
  it("after settling, the run clock has counted this thread's work", () => {
    const run = threadRunClock();
    const scratch = new Int32Array(new SharedArrayBuffer(4));
    settleThread(scratch);
    const r0 = run();
    if (Number.isNaN(r0)) return expect(process.platform).not.toBe('linux');
    let s = 0;
    for (let i = 0; i < 3e6; i++) s += Math.sqrt(i);
    settleThread(scratch);
    expect(s).toBeGreaterThan(0);
    expect(run()).toBeGreaterThan(r0);
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
