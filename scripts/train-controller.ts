/**
 * `npm run train:controller`: the early-exit controller's whole training pipeline, one command.
 *
 * 1. Roll the expert (iLQR) out through the stack (`pdm-closed-stack`, gate on) over the built-in
 *    suite and the imported scenarios under data/, both agent modes, with seeded noise on the
 *    executed controls (DART-style perturbations); label every visited step with the expert.
 * 2. Train the multi-exit network (controller/train/train.py, Debian's python3-torch) and export
 *    one ONNX file per block.
 * 3. DAgger: drive with the learner (full depth, through onnxruntime-node as at run time) mixed with
 *    the expert (β), label what it visits with the expert, aggregate, and continue training from
 *    the first fit's weights on the aggregate.
 * 4. Write controller/model/: the blocks, the held-out per-exit actions for budget calibration,
 *    and manifest.json (data hash, command, per-exit metrics).
 *
 * Data goes to results/controller-train/ (not committed; its SHA-256 is in the manifest).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ACTION_DIM,
  actionToControl,
  ClassicalParamsSchema,
  type ClassicalState,
  controlToAction,
  createExpertController,
  createPolicyRunner,
  type ExpertState,
  FEATURE_DIM,
  featuresFor,
  initialReference,
  MODEL_DIR,
} from '../controller/index.ts';
import type { Pose } from '../core/index.ts';
import type { CommandController, ControlRequest, PlannerContext } from '../core/planning/index.ts';
import { BUILTIN_IDS } from '../scenarios/builtin/index.ts';
import { loadScenario } from '../scenarios/loadScenario.ts';
import { createDriver, runDriver } from '../stack/index.ts';

/** Collected data and intermediate weights (EDGEPLAN_TRAIN_OUT), and where the model is written (EDGEPLAN_MODEL_OUT). */
const OUT = process.env.EDGEPLAN_TRAIN_OUT ?? 'results/controller-train';
const MODEL_OUT = process.env.EDGEPLAN_MODEL_OUT ?? MODEL_DIR;
const IMPORTED = [
  'data/commonroad/USA_US101-3_3_T-1.xml',
  'data/commonroad/ZAM_Tutorial-1_2_T-1.xml',
  'data/commonroad/edgeplan_two_lanes_2020a.xml',
  'data/esmini/resources/xosc/cut-in_simple.xosc',
];
/** Noise on the executed controls (expert roll-outs): accel m/s², steer rad (OU process, 1 s). */
const NOISE_ACCEL = 0.6;
const NOISE_STEER = 0.04;
/** The command as run, with the EDGEPLAN_* settings that were given (for the manifest). */
const COMMAND = [
  ...Object.keys(process.env)
    .filter((k) => /^EDGEPLAN_(TRAIN_(EPOCHS|EPOCHS_0|SEEDS|THREADS)|DAGGER_ITERS|REUSE_DATA)$/.test(k))
    .sort()
    .map((k) => `${k}=${process.env[k]}`),
  'npm run train:controller',
].join(' ');
/** Perturbation seeds: one expert roll-out per scenario, agent mode and seed (EDGEPLAN_TRAIN_SEEDS, e.g. "1,2"). */
const SEEDS = (process.env.EDGEPLAN_TRAIN_SEEDS ?? '1').split(',').map(Number);
/** DAgger mixing: probability that the learner's action is executed at a step. */
const BETA_LEARNER = 0.7;

interface Rows {
  x: number[];
  y: number[];
  run: number[];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A controller that records (features, expert action) and executes expert+noise or the learner. */
function collector(
  rows: Rows,
  runId: number,
  seed: number,
  learner: ReturnType<typeof createPolicyRunner> | undefined,
): CommandController<{ ref: ClassicalState; expert: ExpertState; na: number; ns: number }> {
  const expert = createExpertController();
  const cp = ClassicalParamsSchema.parse({});
  const feats = new Float32Array(FEATURE_DIM);
  const act = new Float32Array(ACTION_DIM);
  const scratch: Pose = { x: 0, y: 0, headingRad: 0 };
  const rnd = mulberry32(seed * 7919 + runId);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  return {
    name: 'collector',
    init: (ctx: PlannerContext) => ({ ref: initialReference(), expert: expert.init(ctx), na: 0, ns: 0 }),
    step(state, req: ControlRequest, ctx: PlannerContext) {
      const ref = featuresFor(state.ref, req, ctx, cp, feats, scratch);
      const e = expert.step(state.expert, req, ctx);
      controlToAction(e.control, req.ego, req.dtS, act, 0);
      for (let i = 0; i < FEATURE_DIM; i++) rows.x.push(feats[i]!);
      rows.y.push(act[0]!, act[1]!);
      rows.run.push(runId);
      const decay = Math.exp(-req.dtS / 1);
      const k = Math.sqrt(1 - decay * decay);
      const na = decay * state.na + k * gauss();
      const ns = decay * state.ns + k * gauss();
      let control = e.control;
      if (learner && rnd() < BETA_LEARNER) {
        const r = learner.run(feats, { mode: 'full' });
        if (r.ok) control = actionToControl(r.action[0]!, r.action[1]!, req.ego, ctx.vehicle, req.dtS);
      } else if (!learner) {
        control =
          control.kind === 'ackermann'
            ? {
                ...control,
                accelMps2: control.accelMps2 + NOISE_ACCEL * na,
                steerRad: control.steerRad + NOISE_STEER * ns,
              }
            : {
                ...control,
                vMps: Math.max(0, control.vMps + NOISE_ACCEL * na * req.dtS),
                omegaRadps: control.omegaRadps + 4 * NOISE_STEER * ns,
              };
      }
      return { state: { ref, expert: e.state, na, ns }, control, info: { controller: 'collector' } };
    },
  };
}

async function collect(
  iteration: number,
  learner: ReturnType<typeof createPolicyRunner> | undefined,
): Promise<Rows> {
  const rows: Rows = { x: [], y: [], run: [] };
  const refs = [...BUILTIN_IDS, ...IMPORTED];
  let runId = iteration * 10000;
  for (const ref of refs) {
    const loaded = loadScenario(ref);
    if (!loaded.ok) {
      console.error(`skip ${ref}: ${loaded.error.message}`);
      continue;
    }
    const { scenario, map } = loaded.value;
    for (const mode of ['nonreactive', 'reactive'] as const) {
      for (const seed of SEEDS) {
        runId++;
        const d = createDriver('pdm-closed-stack');
        if (!d.ok) throw new Error(d.error.message);
        const n0 = rows.run.length;
        await runDriver(d.value, scenario, map, {
          mode,
          seed,
          stack: { controller: collector(rows, runId, seed + iteration * 100, learner) as CommandController },
        });
        console.log(`iter ${iteration} ${scenario.id} ${mode} seed ${seed}: ${rows.run.length - n0} steps`);
      }
    }
  }
  return rows;
}

function writeRows(rows: Rows, file: string): string {
  const n = rows.run.length;
  const buf = new Float32Array(n * (FEATURE_DIM + ACTION_DIM + 1));
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < FEATURE_DIM; j++) buf[o++] = rows.x[i * FEATURE_DIM + j]!;
    buf[o++] = rows.y[i * 2]!;
    buf[o++] = rows.y[i * 2 + 1]!;
    buf[o++] = rows.run[i]!;
  }
  const bytes = new Uint8Array(buf.buffer);
  writeFileSync(file, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

function train(dataFiles: string[], epochs: number, outDir: string, hashes: string[], init?: string): void {
  const args = [
    'controller/train/train.py',
    ...(init ? ['--init', init] : []),
    '--save',
    join(OUT, `weights${hashes.length - 1}.pt`),
    '--data',
    ...dataFiles,
    '--features',
    String(FEATURE_DIM),
    '--epochs',
    String(epochs),
    '--out',
    outDir,
    '--data-sha256',
    hashes.join(','),
    '--command',
    COMMAND,
  ];
  const r = spawnSync('/usr/bin/python3', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`train.py failed (${r.status})`);
  // a manifest written into the repo is held to its formatter (json.dump's layout is not biome's,
  // and biome only formats files under the repo's root)
  const manifest = resolve(outDir, 'manifest.json');
  if (manifest.startsWith(`${process.cwd()}/`)) {
    const fmt = spawnSync('npx', ['biome', 'format', '--write', manifest], { stdio: 'inherit' });
    if (fmt.status !== 0)
      console.error(`biome format of ${manifest} failed (${fmt.status}): format it before committing`);
  }
}

/** Epochs of the first fit and of each DAgger fit (the aggregate, starting from the previous fit's weights). */
const epochs0 = Number(process.env.EDGEPLAN_TRAIN_EPOCHS_0 ?? 12);
const epochs1 = Number(process.env.EDGEPLAN_TRAIN_EPOCHS ?? 6);
/** DAgger iterations after the first fit. */
const daggerIters = Number(process.env.EDGEPLAN_DAGGER_ITERS ?? 1);
mkdirSync(OUT, { recursive: true });
if (spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx, numpy']).status !== 0) {
  console.error(
    'train:controller needs python3-torch and python3-onnx (Debian: apt-get install -y python3-torch python3-onnx)',
  );
  process.exit(2);
}
let h0: string;
if (process.env.EDGEPLAN_REUSE_DATA === '1' && existsSync(join(OUT, 'iter0.f32'))) {
  h0 = createHash('sha256')
    .update(readFileSync(join(OUT, 'iter0.f32')))
    .digest('hex');
  console.log(`iteration 0: reusing ${join(OUT, 'iter0.f32')}, sha256 ${h0}`);
} else {
  const r0 = await collect(0, undefined);
  h0 = writeRows(r0, join(OUT, 'iter0.f32'));
  console.log(`iteration 0: ${r0.run.length} samples, sha256 ${h0}`);
}
const files = [join(OUT, 'iter0.f32')];
const hashes = [h0];
train(files, epochs0, MODEL_OUT, hashes);
for (let it = 1; it <= daggerIters; it++) {
  const learner = createPolicyRunner({ modelDir: MODEL_OUT });
  const r = await collect(it, learner);
  learner.close();
  const file = join(OUT, `iter${it}.f32`);
  const h = writeRows(r, file);
  console.log(`iteration ${it} (DAgger): ${r.run.length} samples, sha256 ${h}`);
  files.push(file);
  const init = join(OUT, `weights${hashes.length - 1}.pt`);
  hashes.push(h);
  train(files, epochs1, MODEL_OUT, hashes, init);
}
