/**
 * The calling thread's scheduler statistics from Linux's `/proc/thread-self/schedstat`: time run
 * on a CPU, time spent waiting for one (runnable but not running: preempted, or woken and queued),
 * and the number of times it was scheduled in.
 *
 * Why: a controller step runs on two threads one after the other (the stack's thread computes the
 * features and waits; the policy worker runs the blocks), on a machine shared with other jobs.
 * Wall time then includes waiting for a core, and Node 20 has no per-thread CPU clock
 * (`process.cpuUsage()` sums every thread of the process, and the kernel brings other threads'
 * counts up to date only at their scheduling events, so stale GC and compiler time lands in a step).
 * The time run in this file is also updated only at scheduling events (every ~4 ms tick), but the
 * wait is added exactly when the thread gets a CPU back, so wall time minus the wait of each
 * thread over a step is the step's time on one core. The file is opened once (`/proc/thread-self`
 * resolves at open, to the thread that opens it); a read costs ~3 µs.
 */
import { openSync, readSync } from 'node:fs';

/**
 * A reader of the nanoseconds a thread has waited for a CPU: the calling thread's, or with `tid`
 * another thread of this process (e.g. the policy worker's, `PolicyRunner.workerThreadId()`).
 * Returns NaN where the file is unavailable.
 */
export function threadWaitClock(tid?: number): () => number {
  let fd = -1;
  try {
    fd = openSync(tid ? `/proc/self/task/${tid}/schedstat` : '/proc/thread-self/schedstat', 'r');
  } catch {
    return () => Number.NaN;
  }
  const buf = Buffer.alloc(96);
  return () => {
    const n = readSync(fd, buf, 0, 96, 0);
    // "<run ns> <wait ns> <timeslices>\n": the second field
    let i = 0;
    while (i < n && buf[i] !== 32) i++;
    i++;
    let v = 0;
    let digits = 0;
    for (; i < n; i++) {
      const c = buf[i]!;
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      digits++;
    }
    return digits > 0 ? v : Number.NaN;
  };
}

/**
 * A probe of whether a thread of this process (`tid`) is asleep (state S or D in
 * `/proc/self/task/<tid>/stat`) rather than running or queued for a CPU. A thread that was
 * preempted and is still queued has a wait the kernel adds only when it runs again; a caller that
 * measures another thread's wait over a window checks this first, so that no wait begun before
 * the window is counted in it. Returns undefined where the file is unavailable.
 */
export function threadAsleepProbe(tid: number): () => boolean | undefined {
  let fd = -1;
  try {
    fd = openSync(`/proc/self/task/${tid}/stat`, 'r');
  } catch {
    return () => undefined;
  }
  const buf = Buffer.alloc(256);
  return () => {
    const n = readSync(fd, buf, 0, 256, 0);
    // "<tid> (<name>) <state> …": the state follows the last ')'
    let i = n - 1;
    while (i >= 0 && buf[i] !== 41) i--;
    if (i < 0 || i + 2 >= n) return undefined;
    const st = buf[i + 2];
    return st === 83 || st === 68; // 'S', 'D'
  };
}
