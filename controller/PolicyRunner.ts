/**
 * Runs the multi-exit ONNX policy off the caller's thread: a worker holds one onnxruntime-node
 * session per block (CPU, intraOpNumThreads 1, interOpNumThreads 1, sequential) and runs the blocks
 * one after another, stopping at the first exit whose action agrees with the previous exit's
 * within that exit's threshold (DeeR-VLA) — later blocks are never run. The controller's step is
 * synchronous (the stack's contract), so `run` hands the features over a SharedArrayBuffer and
 * waits with `Atomics.wait` (bounded by `timeoutMs`); ORT's `session.run` therefore never runs on
 * the caller's event loop, and a hung or failed model is a result, not a stall.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { settleThread, threadAsleepProbe, threadRunClock } from './ThreadSchedStat.ts';

/** The committed model artefacts (beside this file in the sources; from the compiled CLI in dist/, ../controller/model). */
export const MODEL_DIR = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'model');
  return existsSync(beside) ? beside : join(here, '..', 'controller', 'model');
})();

export const ManifestSchema = z.object({
  format: z.literal('edgeplan-early-exit/1'),
  command: z.string(),
  dataSha256: z.array(z.string()),
  features: z.number().int().positive(),
  width: z.number().int().positive(),
  blocks: z.number().int().min(1),
  blockFiles: z.array(z.string()),
  blockFlops: z.array(z.number().positive()),
  perExit: z.array(
    z.object({ exit: z.number(), flops: z.number(), computeFraction: z.number() }).passthrough(),
  ),
  calibration: z.object({ file: z.string(), rows: z.number().int().nonnegative() }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export type PolicyMode = 'early' | 'full' | 'all';

export interface PolicyResult {
  ok: boolean;
  /** Normalised action of the exit taken (valid when ok). */
  action: Float32Array;
  /** Exit taken, 1-based. */
  exit: number;
  /** Distance between the last two exits' actions (normalised units); NaN after exit 1. */
  agreement: number;
  error?: string;
}

export interface PolicyRunner {
  /** The model folder. */
  readonly dir: string;
  readonly manifest: Manifest | undefined;
  /** Why the model is unavailable (missing files, bad manifest, load failure), if it is. */
  readonly loadError: string | undefined;
  /** Waits (blocking, bounded) until the sessions are loaded; false if they failed. */
  ready(timeoutMs?: number): boolean;
  /** Median time of each block's `session.run` measured in the worker at load, µs. */
  blockMicros(): number[];
  /** Runs the policy on `features` (length = manifest.features); thresholds per exit (index k-1). */
  run(
    features: Float32Array,
    opts: { mode: PolicyMode; thresholds?: ArrayLike<number>; timeoutMs?: number },
  ): PolicyResult;
  /** Every exit's action of the last `run` with mode 'all' (K × 2, normalised). */
  exitActions(): Float32Array;
  /** The worker's Linux thread id (0 where unknown or not loaded), for its scheduler statistics. */
  workerThreadId(): number;
  /**
   * On-core times of full-depth runs (the stack thread's and the worker's CPU time: hand-off and
   * every block; no features), ms, sorted ascending: `PROBE_RUNS` runs at the first call, each
   * measured as the bench measures a step (schedstat run times read right after each thread slept).
   * Empty where the scheduler statistics are unavailable or the model is not loaded. A warm loop:
   * below what the same runs take in a closed loop, where the planner and the simulator run between
   * steps (p99 budgets take a closed-loop profile where there is one).
   */
  probeMs(): Float64Array;
  close(): void;
}

/** Full-depth runs timed by `probeMs` (≈ 0.2 ms each plus two ~50 µs settles). */
export const PROBE_RUNS = 200;

/** Starts the worker and begins loading the blocks (does not wait). */
export function createPolicyRunner(opts: { modelDir?: string } = {}): PolicyRunner {
  const dir = opts.modelDir ?? MODEL_DIR;
  let manifest: Manifest | undefined;
  let loadError: string | undefined;
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) loadError = `no model manifest at ${file}`;
  else {
    const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) loadError = `bad manifest ${file}: ${parsed.error.issues[0]?.message}`;
    else manifest = parsed.data;
  }
  const F = manifest?.features ?? 1;
  const K = manifest?.blocks ?? 1;
  const sab = new SharedArrayBuffer(64 + 4 * (F + 4 * K + 8));
  const ctl = new Int32Array(sab, 0, 16);
  const f32 = new Float32Array(sab, 64);
  const T = F;
  const A = T + K;
  const G = A + 2;
  const E = G + 1;
  const U = E + 2 * K;
  let worker: Worker | undefined;
  if (manifest && !loadError) {
    const missing = manifest.blockFiles.find((b) => !existsSync(join(dir, b)));
    if (missing) loadError = `missing model block ${join(dir, missing)}`;
    else {
      worker = new Worker(new URL('./policyWorker.mjs', import.meta.url), {
        workerData: { sab, modelDir: dir, files: manifest.blockFiles, features: F, width: manifest.width },
      });
      worker.unref();
      worker.on('error', (e) => {
        loadError = `policy worker: ${e.message}`;
      });
    }
  }
  let seq = 0;
  let probe: Float64Array | undefined;
  const action = new Float32Array(2);
  const exits = new Float32Array(2 * K);
  const fail = (error: string): PolicyResult => ({
    ok: false,
    action,
    exit: 0,
    agreement: Number.NaN,
    error,
  });
  const ready = (timeoutMs = 10000): boolean => {
    if (loadError || !worker) return false;
    if (Atomics.load(ctl, 5) === 0) Atomics.wait(ctl, 5, 0, timeoutMs);
    const s = Atomics.load(ctl, 5);
    if (s === -1) loadError = 'the policy worker could not load the model';
    else if (s === 0) loadError = `the model did not load within ${timeoutMs} ms`;
    return s === 1;
  };
  const self: PolicyRunner = {
    dir,
    get manifest() {
      return manifest;
    },
    get loadError() {
      return loadError;
    },
    ready,
    blockMicros: () => Array.from(f32.subarray(U, U + K)),
    run(features, o) {
      if (!ready()) return fail(loadError ?? 'model unavailable');
      f32.set(features.subarray(0, F), 0);
      if (o.thresholds) for (let k = 0; k < K; k++) f32[T + k] = o.thresholds[k] ?? 0;
      Atomics.store(ctl, 3, o.mode === 'early' ? 0 : o.mode === 'full' ? 1 : 2);
      seq = (seq + 1) & 0x3fffffff;
      Atomics.store(ctl, 0, seq);
      Atomics.notify(ctl, 0);
      const deadline = performance.now() + (o.timeoutMs ?? 200);
      for (;;) {
        const done = Atomics.load(ctl, 1);
        if (done === seq) break;
        const left = deadline - performance.now();
        if (left <= 0) return fail('policy timed out');
        Atomics.wait(ctl, 1, done, left);
      }
      if (Atomics.load(ctl, 2) !== 0) return fail('policy inference failed');
      action[0] = f32[A]!;
      action[1] = f32[A + 1]!;
      exits.set(f32.subarray(E, E + 2 * K));
      return { ok: true, action, exit: Atomics.load(ctl, 4), agreement: f32[G]! };
    },
    exitActions: () => exits,
    workerThreadId: () => (ready() ? Atomics.load(ctl, 7) : 0),
    probeMs() {
      if (probe) return probe;
      const tid = ready() ? Atomics.load(ctl, 7) : 0;
      if (!tid || !manifest) return (probe = new Float64Array(0));
      const run = threadRunClock();
      const workerRun = threadRunClock(tid);
      const asleep = threadAsleepProbe(tid);
      const nap = new Int32Array(new SharedArrayBuffer(4));
      const settledWorker = (): boolean => {
        for (let i = 0; i < 50 && asleep() === false; i++) Atomics.wait(nap, 0, 0, 1);
        return asleep() === true;
      };
      const input = new Float32Array(F);
      const samples: number[] = [];
      for (let i = 0; i < PROBE_RUNS; i++) {
        if (!settledWorker()) continue;
        settleThread(nap);
        const r0 = run();
        const w0 = workerRun();
        const r = self.run(input, { mode: 'full' });
        settleThread(nap);
        const r1 = run();
        if (!r.ok || !settledWorker()) continue;
        samples.push((r1 - r0 + workerRun() - w0) / 1e6);
      }
      probe = Float64Array.from(samples.length >= PROBE_RUNS / 2 ? samples : []).sort();
      return probe;
    },
    close() {
      if (!worker) return;
      Atomics.store(ctl, 0, -1);
      Atomics.notify(ctl, 0);
      void worker.terminate();
      worker = undefined;
      loadError = 'closed';
    },
  };
  return self;
}
