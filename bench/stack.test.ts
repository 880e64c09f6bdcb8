import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { stageCpuRows } from './stack.ts';
import { heapAllocationMeter, otherThreadsRunClock, STAGES, type Timing } from './stackRun.ts';

function timing(): Timing {
  // four ticks: plan, control, plan, control
  return {
    wall: [3, 1, 5, 2],
    cpu: [2, 1, 9, 1.5],
    helperCpu: [0, 0, 6, 0.5],
    planned: [true, false, true, false],
    stage: { transform: 0, plan: 0, gate: 0, control: 0, audit: 0 },
    stageCpu: {
      transform: [0.5, 0, 0.5, 0],
      plan: [0.5, 0, 0.5, 0],
      gate: [0.5, 0.5, 7, 0.5],
      control: [0.1, 0.1, 0.1, 0.1],
      audit: [0.2, 0.2, 0.2, 0.2],
    },
    rssPeakB: 0,
    gcMs: [],
    allocatedB: 0,
  };
}

describe('bench stack: per-stage CPU rows', () => {
  it('splits plan and control steps, takes the other threads out of the own-thread figure, keeps the rest as other', () => {
    const [plan, control] = stageCpuRows(timing());
    expect(plan!.planned).toBe(true);
    expect(plan!.steps).toBe(2);
    // p99 of two values is the larger; p50 the second (floor(2 · 0.5) = 1)
    expect(plan!.tick).toEqual([9, 9]);
    expect(plan!.tickThread).toEqual([3, 3]); // 9 − 6 and 2 − 0
    expect(plan!.stage.gate).toEqual([7, 7]);
    // other = tick − the stages: 2 − 1.8 = 0.2 and 9 − 8.3 = 0.7
    expect(plan!.stage.other[1]).toBeCloseTo(0.7, 9);
    expect(plan!.helperTotalMs).toBe(6);
    expect(plan!.helperMaxMs).toBe(6);
    expect(control!.planned).toBe(false);
    expect(control!.stage.transform).toEqual([0, 0]);
    expect(control!.tickThread).toEqual([1, 1]);
    expect(Object.keys(plan!.stage)).toEqual([...STAGES, 'other']);
  });
});

describe.runIf(process.platform === 'linux')('bench stack: the other threads’ run time', () => {
  it('counts a busy worker thread’s time, not the calling thread’s', async () => {
    const others = otherThreadsRunClock();
    // the calling thread spins: that time must not show up
    const h0 = others.read();
    const until = performance.now() + 100;
    while (performance.now() < until) {}
    const selfOnly = others.read() - h0;
    // a worker that computes (~40 ms of CPU), says so and stays (listed after it starts)
    const w = new Worker(
      "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => { let x = 0; for (let i = 0; i < 4e7; i++) x += Math.sqrt(i); parentPort.postMessage(x); });",
      { eval: true },
    );
    await new Promise((r) => w.once('online', r));
    others.relist();
    const h1 = others.read();
    w.postMessage('go');
    await new Promise((r) => w.once('message', r));
    // (a thread's count is exact once it sleeps: let it reach its wait)
    await new Promise((r) => setTimeout(r, 20));
    const worker = others.read() - h1;
    await w.terminate();
    // an ended thread keeps its last reading: the sum does not drop
    expect(others.read() - h1).toBeGreaterThanOrEqual(worker);
    // (relative to the 100 ms spun, not a timing bound: counted, the spin would be all of it)
    expect(selfOnly).toBeLessThan(50);
    expect(worker).toBeGreaterThan(15);
  });
});

describe('bench stack: bytes allocated', () => {
  it('counts what a loop allocates, across the collections it triggers', () => {
    const meter = heapAllocationMeter();
    meter.start();
    // 200 000 arrays of 64 numbers (≥ 512 B of elements each, ≥ 100 MB): many young-generation
    // collections in between, each array dead at once
    let keep = 0;
    for (let i = 0; i < 200_000; i++) keep += new Array(64).fill(i).length;
    const allocated = meter.stop();
    expect(keep).toBe(200_000 * 64);
    expect(allocated).toBeGreaterThan(200_000 * 512);
    // (a bound, not a measure of speed: the arrays and not much else)
    expect(allocated).toBeLessThan(200_000 * 2048);
  });
});
