// The multi-exit policy's worker thread: one onnxruntime-node session per block (CPU, one intra-op
// and one inter-op thread, sequential execution), driven through a SharedArrayBuffer so the
// controller's synchronous step can wait on it with Atomics (see PolicyRunner.ts for the layout).
import { openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';

const { sab, modelDir, files, features, width } = workerData;
const ctl = new Int32Array(sab, 0, 16);
const f32 = new Float32Array(sab, 64);
const K = files.length;
// f32 layout (offsets in floats): features [0, F), thresholds [F, F+K), action [F+K, F+K+2),
// agreement F+K+2, exit actions [F+K+3, F+K+3+2K), block µs [F+3K+3, F+4K+3), µs this thread
// waited for a CPU from the end of the previous run to the end of this one (woken and queued, or
// preempted) F+4K+3 (written when ctl[6] = 1, else NaN)
const T = features;
const A = T + K;
const G = A + 2;
const E = G + 1;
const U = E + 2 * K;
const C = U + K;

// The ns this thread has waited for a CPU (Linux schedstat, second field; the same reader as
// ThreadSchedStat.ts, which a plain .mjs worker cannot import in the compiled CLI). NaN where unavailable.
const waitNs = (() => {
  let fd = -1;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return () => Number.NaN;
  }
  const buf = Buffer.alloc(96);
  return () => {
    const n = readSync(fd, buf, 0, 96, 0);
    let i = 0;
    while (i < n && buf[i] !== 32) i++;
    i++;
    let v = 0;
    let digits = 0;
    for (; i < n; i++) {
      const c = buf[i];
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      digits++;
    }
    return digits > 0 ? v : Number.NaN;
  };
})();

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
// wait counter at the end of the previous measured run (NaN: not measuring)
let waitedNs = Number.NaN;
for (;;) {
  Atomics.wait(ctl, 0, last);
  const seq = Atomics.load(ctl, 0);
  if (seq < 0) break;
  last = seq;
  const mode = Atomics.load(ctl, 3); // 0 early exit, 1 full depth, 2 every exit
  const measure = Atomics.load(ctl, 6) === 1;
  // first measured run: from its start (the wake-up wait of this one run is not seen)
  if (measure && Number.isNaN(waitedNs)) waitedNs = waitNs();
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
  if (measure) {
    const w = waitNs();
    f32[C] = (w - waitedNs) / 1000;
    waitedNs = w;
  } else {
    f32[C] = Number.NaN;
    waitedNs = Number.NaN;
  }
  Atomics.store(ctl, 2, status);
  Atomics.store(ctl, 4, exit);
  Atomics.store(ctl, 1, seq);
  Atomics.notify(ctl, 1);
}
