/**
 * Per-thread scheduler statistics from Linux's `/proc/<…>/schedstat` and `stat`, for measuring a
 * controller step's CPU time on one core.
 *
 * Why: a step runs on two threads one after the other (the stack's thread computes the features
 * and waits; the policy worker runs the blocks) on a machine shared with other jobs, so wall time
 * includes waiting for a core; Node 20 has no per-thread CPU clock, and `process.cpuUsage()` sums
 * every thread of the process with the other threads' counts brought up to date only at their
 * scheduling events, so stale GC and compiler time lands in a step. A thread's run time in
 * schedstat is exact each time the thread leaves the CPU (and stale by up to a ~4 ms tick while it
 * runs), so it is read right after the thread has slept: `settleThread()` for the calling thread,
 * `threadAsleepProbe` for another. (The wait field is no substitute: the two threads wait at the
 * same time when the woken worker preempts the stack's thread, so subtracting both waits from the
 * wall time counts that wait twice.)
 */
import { openSync, readSync } from 'node:fs';

/**
 * A reader of the nanoseconds a thread has run on a CPU: the calling thread's, or with `tid`
 * another thread of this process (e.g. the policy worker's, `PolicyRunner.workerThreadId()`); the
 * file is opened once (`/proc/thread-self` resolves at open, to the thread that opens it), a read
 * costs ~3 µs. Returns NaN where the file is unavailable.
 */
export function threadRunClock(tid?: number): () => number {
  let fd = -1;
  try {
    fd = openSync(tid ? `/proc/self/task/${tid}/schedstat` : '/proc/thread-self/schedstat', 'r');
  } catch {
    return () => Number.NaN;
  }
  const buf = Buffer.alloc(96);
  return () => {
    const n = readSync(fd, buf, 0, 96, 0);
    // "<run ns> <wait ns> <timeslices>\n": the first field
    let v = 0;
    let digits = 0;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      digits++;
    }
    return digits > 0 ? v : Number.NaN;
  };
}

/**
 * Puts the calling thread to sleep for ~50 µs, so that the kernel brings its run time up to date
 * (it does so when a thread leaves the CPU); read `threadRunClock()` right after.
 */
export function settleThread(scratch: Int32Array): void {
  Atomics.wait(scratch, 0, scratch[0]!, 0.05);
}

/**
 * A probe of whether a thread of this process (`tid`) is asleep (state S or D in
 * `/proc/self/task/<tid>/stat`) rather than running or queued for a CPU: its run time in
 * schedstat is then exact. Returns undefined where the file is unavailable.
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
