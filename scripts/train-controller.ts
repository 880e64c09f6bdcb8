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
 * 3b. Distillation (our addition): drive with the early-exit controller (β-mixed with the expert),
 *    then refit exits 1…K−1's heads to the last exit's action on every row (controller/train/distil.py).
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
  type Budget,
  createPolicyRunner,
  FEATURE_DIM,
  MODEL_DIR,
  parseBudget,
} from '../controller/index.ts';
import type { CommandController } from '../core/planning/index.ts';
import { BUILTIN_IDS } from '../scenarios/builtin/index.ts';
import { loadScenario } from '../scenarios/loadScenario.ts';
import { createDriver, runDriver } from '../stack/index.ts';
import { collector, type Rows } from './train-controller-collect.ts';

/** Collected data and intermediate weights (EDGEPLAN_TRAIN_OUT), and where the model is written (EDGEPLAN_MODEL_OUT). */
const OUT = process.env.EDGEPLAN_TRAIN_OUT ?? 'results/controller-train';
const MODEL_OUT = process.env.EDGEPLAN_MODEL_OUT ?? MODEL_DIR;
const IMPORTED = [
  'data/commonroad/USA_US101-3_3_T-1.xml',
  'data/commonroad/ZAM_Tutorial-1_2_T-1.xml',
  'data/commonroad/edgeplan_two_lanes_2020a.xml',
  'data/esmini/resources/xosc/cut-in_simple.xosc',
];
/** The command as run, with the EDGEPLAN_* settings that were given (for the manifest). */
const COMMAND = [
  ...Object.keys(process.env)
    .filter((k) =>
      /^EDGEPLAN_(TRAIN_(EPOCHS|EPOCHS_0|SEEDS|THREADS|CONSISTENCY)|DAGGER_ITERS|DAGGER_EARLY|DISTIL|DISTIL_FROM|REUSE_DATA)$/.test(
        k,
      ),
    )
    .sort()
    .map((k) => `${k}=${process.env[k]}`),
  'npm run train:controller',
].join(' ');
/** Perturbation seeds: one expert roll-out per scenario, agent mode and seed (EDGEPLAN_TRAIN_SEEDS, e.g. "1,2"). */
const SEEDS = (process.env.EDGEPLAN_TRAIN_SEEDS ?? '1').split(',').map(Number);
/**
 * The distillation stage drives with the early-exit controller under this budget
 * (EDGEPLAN_DAGGER_EARLY, default avg:40%), β-mixed with the expert as in DAgger, so that its data
 * holds the states early exit visits (its exits, its governor), labelled by the expert.
 */
const DAGGER_EARLY = process.env.EDGEPLAN_DAGGER_EARLY ?? 'avg:40%';
/**
 * Weight of the pull of earlier exits toward the last exit's action in the fits (train.py
 * --consistency; 0 = DeeR's equal-weight fit to the labels alone, the committed model's).
 */
const CONSISTENCY = Number(process.env.EDGEPLAN_TRAIN_CONSISTENCY ?? 0);

const eb = DAGGER_EARLY === 'none' ? undefined : parseBudget(DAGGER_EARLY);
if (eb && !eb.ok) throw new Error(eb.error.message);
const earlyBudget = eb?.value;

/**
 * Roll-outs over the built-in and imported scenarios, both agent modes, every seed: the expert with
 * noise (no learner), or the learner driving as each of `drivers` (undefined = full depth, a budget
 * = the early-exit controller under it), every step labelled by the expert.
 */
async function collect(
  iteration: number,
  learner: ReturnType<typeof createPolicyRunner> | undefined,
  drivers: ReadonlyArray<Budget | undefined> = [undefined],
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
        for (const early of learner ? drivers : [undefined]) {
          runId++;
          const d = createDriver('pdm-closed-stack');
          if (!d.ok) throw new Error(d.error.message);
          const n0 = rows.run.length;
          await runDriver(d.value, scenario, map, {
            mode,
            seed,
            stack: {
              controller: collector(rows, runId, seed + iteration * 100, learner, early) as CommandController,
            },
          });
          console.log(
            `iter ${iteration} ${scenario.id} ${mode} seed ${seed}${early ? ` early exit ${DAGGER_EARLY}` : ''}: ${rows.run.length - n0} steps`,
          );
        }
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
    '--consistency',
    String(CONSISTENCY),
  ];
  const r = spawnSync('/usr/bin/python3', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`train.py failed (${r.status})`);
  formatManifest(outDir);
}

/** A manifest written into the repo is held to its formatter (json.dump's layout is not biome's, and biome only formats files under the repo's root). */
function formatManifest(outDir: string): void {
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
/**
 * The distillation stage (our addition, not DeeR): the learner drives as the early-exit controller
 * under EDGEPLAN_DAGGER_EARLY (β-mixed with the expert, as DAgger), and exits 1…K−1's heads are
 * refitted, the trunk and the last exit frozen, to the last exit's action on the visited states and
 * on the data before (controller/train/distil.py): full depth is unchanged, and an early stop acts
 * as full depth would. EDGEPLAN_DISTIL_FROM=<model dir> runs this stage alone on that model (written
 * to EDGEPLAN_MODEL_OUT); EDGEPLAN_DISTIL=0 skips it.
 */
const DISTIL_FROM = process.env.EDGEPLAN_DISTIL_FROM;
const files: string[] = [];
if (!DISTIL_FROM) {
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
  files.push(join(OUT, 'iter0.f32'));
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
}
if (process.env.EDGEPLAN_DISTIL !== '0') {
  if (!earlyBudget)
    throw new Error('the distillation stage drives with early exit: EDGEPLAN_DAGGER_EARLY must be a budget');
  const from = DISTIL_FROM ?? MODEL_OUT;
  const prior = [...files];
  // a distillation alone also refits on the expert roll-outs of this data folder, when there are
  if (DISTIL_FROM && existsSync(join(OUT, 'iter0.f32'))) prior.push(join(OUT, 'iter0.f32'));
  const file = join(OUT, 'distil.f32');
  let h: string;
  if (process.env.EDGEPLAN_REUSE_DATA === '1' && existsSync(file)) {
    h = createHash('sha256').update(readFileSync(file)).digest('hex');
    console.log(`distillation: reusing ${file}, sha256 ${h}`);
  } else {
    const learner = createPolicyRunner({ modelDir: from });
    const r = await collect(90, learner, [earlyBudget]);
    learner.close();
    h = writeRows(r, file);
    console.log(`distillation roll-outs (early exit ${DAGGER_EARLY}): ${r.run.length} samples, sha256 ${h}`);
  }
  const data = [...prior, file];
  const sha = data.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));
  const r = spawnSync(
    '/usr/bin/python3',
    [
      'controller/train/distil.py',
      '--model-in',
      from,
      '--out',
      MODEL_OUT,
      '--features',
      String(FEATURE_DIM),
      '--data',
      ...data,
      '--data-sha256',
      sha.join(','),
      '--command',
      COMMAND,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`distil.py failed (${r.status})`);
  formatManifest(MODEL_OUT);
}
