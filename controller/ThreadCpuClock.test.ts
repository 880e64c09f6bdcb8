import { describe, expect, it } from 'vitest';
import { threadCpuClock } from './ThreadCpuClock.ts';

describe('threadCpuClock', () => {
  it("advances with this thread's work and never goes back", () => {
    const clock = threadCpuClock();
    const t0 = clock();
    if (Number.isNaN(t0)) return expect(process.platform).not.toBe('linux');
    let s = 0;
    for (let i = 0; i < 2e6; i++) s += Math.sqrt(i);
    const t1 = clock();
    expect(s).toBeGreaterThan(0);
    expect(t1).toBeGreaterThan(t0);
    expect(clock()).toBeGreaterThanOrEqual(t1);
  });
});
