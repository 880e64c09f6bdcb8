/**
 * A per-thread CPU clock: the calling thread's time on a CPU, read from Linux's
 * `/proc/thread-self/schedstat` (first field: nanoseconds run, at scheduler precision). Node 20 has
 * no per-thread CPU clock (`process.cpuUsage()` sums every thread of the process, V8's GC and
 * compiler threads included), and a controller step runs on two threads one after the other (the
 * stack's thread computes the features and waits, the policy worker runs the blocks), so the step's
 * CPU time on one core is the sum of each thread's own clock. The file is opened once per clock, in
 * the thread that reads it (`/proc/thread-self` resolves at open); a read costs ~3 µs.
 */
import { openSync, readSync } from 'node:fs';

/** A clock for the calling thread: returns its CPU time in ns, or NaN where the file is unavailable. */
export function threadCpuClock(): () => number {
  let fd = -1;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return () => Number.NaN;
  }
  const buf = Buffer.alloc(64);
  return () => {
    const n = readSync(fd, buf, 0, 64, 0);
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
