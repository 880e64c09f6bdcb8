// The multi-exit policy's worker thread: one onnxruntime-node session per block (CPU, one intra-op
// and one inter-op thread, sequential execution), driven through a SharedArrayBuffer so the
// controller's synchronous step can wait on it with Atomics (see PolicyRunner.ts for the layout).
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { sab, modelDir, files, features, width } = workerData;
const ctl = new Int32Array(sab, 0, 16);
const f32 = new Float32Array(sab, 64);
const K = files.length;
// f32 layout (offsets in floats): features [0, F), thresholds [F, F+K), action [F+K, F+K+2),
// agreement F+K+2, exit actions [F+K+3, F+K+3+2K), block µs [F+3K+3, F+4K+3)
const T = features;
const A = T + K;
const G = A + 2;
const E = G + 1;
const U = E + 2 * K;

// This thread's Linux thread id (ctl[7]; 0 where unknown): lets the caller read this thread's
// scheduler statistics (/proc/self/task/<tid>/schedstat) around a step without a read in here.
try {
  Atomics.store(ctl, 7, Number(readlinkSync('/proc/thread-self').split('/').pop()) || 0);
} catch {
  Atomics.store(ctl, 7, 0);
}

const input = new Float32Array(features);
const hidden = new Float32Array(width);
let sessions = [];
try {
  const opts = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  for (const f of files) sessions.push(await ort.InferenceSession.create(join(modelDir, f), opts));
  // warm up, then time each block (median of 25) for the latency budget
  const times = Array.from({ length: K }, () => []);
  for (let r = 0; r < 35; r++) {
    let h = new ort.Tensor('float32', input, [1, features]);
    for (let k = 0; k < K; k++) {
      const t0 = performance.now();
      const out = await sessions[k].run(k === 0 ? { features: h } : { hidden_in: h });
      if (r >= 10) times[k].push((performance.now() - t0) * 1000);
      h = out.hidden;
    }
  }
  for (let k = 0; k < K; k++) {
    times[k].sort((a, b) => a - b);
    f32[U + k] = times[k][Math.floor(times[k].length / 2)];
  }
  Atomics.store(ctl, 5, 1);
} catch (e) {
  sessions = [];
  Atomics.store(ctl, 5, -1);
  console.error(`policy worker: ${e instanceof Error ? e.message : String(e)}`);
}
Atomics.notify(ctl, 5);

let last = 0;
for (;;) {
  Atomics.wait(ctl, 0, last);
  const seq = Atomics.load(ctl, 0);
  if (seq < 0) break;
  last = seq;
  const mode = Atomics.load(ctl, 3); // 0 early exit, 1 full depth, 2 every exit
  let status = 0;
  let exit = K;
  let agreement = Number.NaN;
  try {
    if (sessions.length !== K) throw new Error('model not loaded');
    input.set(f32.subarray(0, features));
    let h = new ort.Tensor('float32', input, [1, features]);
    let prev0 = Number.NaN;
    let prev1 = Number.NaN;
    for (let k = 0; k < K; k++) {
      const out = await sessions[k].run(k === 0 ? { features: h } : { hidden_in: h });
      const a = out.action.data;
      f32[E + 2 * k] = a[0];
      f32[E + 2 * k + 1] = a[1];
      f32[A] = a[0];
      f32[A + 1] = a[1];
      if (k > 0) agreement = Math.hypot(a[0] - prev0, a[1] - prev1);
      prev0 = a[0];
      prev1 = a[1];
      exit = k + 1;
      // DeeR: stop when this exit's action agrees with the previous exit's within the threshold
      if (mode === 0 && k > 0 && k < K - 1 && agreement < f32[T + k]) break;
      if (k < K - 1) {
        hidden.set(out.hidden.data);
        h = new ort.Tensor('float32', hidden, [1, width]);
      }
    }
  } catch (e) {
    status = 1;
    console.error(`policy worker: ${e instanceof Error ? e.message : String(e)}`);
  }
  f32[G] = agreement;
  Atomics.store(ctl, 2, status);
  Atomics.store(ctl, 4, exit);
  Atomics.store(ctl, 1, seq);
  Atomics.notify(ctl, 1);
}
