/**
 * The hierarchical planner against PDM-Closed on the imported real scenarios, per family (CARLA
 * leaderboard routes on the towns we have, esmini OpenSCENARIO, CommonRoad), both agent modes:
 * the table in planner/README.md. PDM-Closed runs twice: as published, and behind the same safety
 * gate the hierarchical planner always runs behind (`pdm-closed+gate`), so that what the gate
 * costs or saves is told apart from what the planner decides.
 *
 *   npx tsx stack/examples/plannerFamilies.ts [../shared/scenarios] [--sample N | --limit N] [--workers N]
 *     [--family carla_leaderboard,esmini,commonroad] [--planner a,b,c] [--out DIR]
 *
 * Every loadable scenario of each family by default; `--sample N`: N per family, evenly spaced over
 * the loadable ones in file order (the footer says so); `--limit N`: the first N. `--family`: only
 * these families (by folder name). `--out DIR`: each family's results folder (`DIR/<family folder>`,
 * as `edgeplan eval --out` writes it: summary.json per planner and mode, per-run logs) — a sweep of
 * every scenario takes long, and its anomalies are read from these logs afterwards. Each family's
 * row is also printed to stderr as soon as it is done. `--planner`: the three planners in another
 * order (the runs go mode by mode, planner by planner, in this order: a sweep stopped for time has
 * the first planner's runs of every scenario), or fewer of them (a column left out prints –).
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { markdownTable } from '../../cli/table.ts';
import { importFile } from '../../scenarios/import/index.ts';
import { isImportable } from '../eval/checkData.ts';
import { evaluate } from '../eval/evaluate.ts';

const args = process.argv.slice(2);
const flag = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number.parseInt(args[i + 1]!, 10) : d;
};
const valued = new Set(['--limit', '--sample', '--workers', '--out', '--family', '--planner']);
const root = resolve(
  args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? '')) ?? '../shared/scenarios',
);
const limit = flag('--limit', 0);
const sample = flag('--sample', 0);
const workers = flag('--workers', 2);
const text = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const outDir = text('--out');
const only = text('--family')?.split(',');
/** The table's columns, in this order whatever order `--planner` runs them in. */
const COLUMNS = ['pdm-closed', 'pdm-closed+gate', 'hierarchical'];
const PLANNERS = text('--planner')?.split(',') ?? COLUMNS;
for (const p of PLANNERS)
  if (!COLUMNS.includes(p)) {
    console.error(`--planner: ${p} is none of ${COLUMNS.join(', ')}`);
    process.exit(2);
  }

const FAMILIES: { name: string; dir: string; exts: string[] }[] = [
  { name: 'CARLA leaderboard routes', dir: 'carla_leaderboard', exts: ['.xml'] },
  { name: 'esmini (OpenSCENARIO)', dir: 'esmini', exts: ['.xosc'] },
  { name: 'CommonRoad', dir: 'commonroad', exts: ['.xml'] },
];

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Evaluation refs of a family's loadable scenarios, in file order, and how many there were. */
function refsOf(f: (typeof FAMILIES)[number]): { refs: string[]; loadable: number } {
  const files: string[] = [];
  walk(join(root, f.dir), files);
  const refs: string[] = [];
  for (const file of files) {
    if (limit > 0 && refs.length >= limit) break;
    if (!f.exts.includes(extname(file).toLowerCase()) || !isImportable(file)) continue;
    const r = importFile(file);
    if (!r.ok) continue;
    for (const s of r.value.scenarios) {
      if (limit > 0 && refs.length >= limit) break;
      // `file#id` cannot address an id that itself holds '#' (CommonRoad tutorial planning problems)
      if (s.id.includes('#')) continue;
      if (f.dir === 'carla_leaderboard') {
        const id = /_route(.+)$/.exec(s.id)?.[1];
        if (id) refs.push(`carla:${file}#${id}`);
      } else refs.push(r.value.scenarios.length > 1 ? `${file}#${s.id}` : file);
    }
  }
  if (sample <= 0 || sample >= refs.length) return { refs, loadable: refs.length };
  const picked = Array.from({ length: sample }, (_, i) => refs[Math.floor((i * refs.length) / sample)]!);
  return { refs: picked, loadable: refs.length };
}

const rows: (string | number)[][] = [];
const t0 = performance.now();
for (const f of FAMILIES.filter((x) => !only || only.includes(x.dir))) {
  const { refs, loadable } = refsOf(f);
  if (refs.length === 0) {
    rows.push([f.name, '0 of 0', '–', '–', '–', '–']);
    continue;
  }
  const res = await evaluate({
    scenarios: refs,
    planners: PLANNERS,
    modes: ['nonreactive', 'reactive'],
    seed: 0,
    workers,
    ...(outDir ? { outDir: join(resolve(outDir), f.dir) } : {}),
    onProgress: (done, total, last) =>
      process.stderr.write(
        `${f.name}: ${done}/${total} ${last.id} ${(100 * last.score).toFixed(1)}${last.error ? ` error: ${last.error.split('\n')[0]}` : ''}\n`,
      ),
  });
  const score = (p: string, m: string) =>
    res.summaries.find((s) => s.planner === p && s.mode === m)?.score.toFixed(1) ?? '–';
  const atFault = (p: string) =>
    PLANNERS.includes(p)
      ? res.results.filter((r) => r.job.planner === p && r.result.collisions > 0).length
      : '–';
  const errors = res.results.filter((r) => r.result.error).length;
  rows.push([
    f.name,
    `${refs.length} of ${loadable}`,
    COLUMNS.map((p) => score(p, 'nonreactive')).join(' / '),
    COLUMNS.map((p) => score(p, 'reactive')).join(' / '),
    COLUMNS.map(atFault).join(' / '),
    errors,
  ]);
  process.stderr.write(`${rows.at(-1)!.join(' | ')} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
}
console.log(
  markdownTable(
    [
      'family',
      'scenarios (run of loadable)',
      'CLS-NR PDM-Closed / PDM-Closed+gate / hierarchical',
      'CLS-R PDM-Closed / PDM-Closed+gate / hierarchical',
      'runs with an at-fault collision PDM / PDM+gate / hier. (both modes)',
      'errors',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r'],
  ),
);
console.log(
  `\n${((performance.now() - t0) / 1000).toFixed(0)} s wall, ${workers} workers, ${
    sample > 0
      ? `${sample} per family, evenly spaced over the loadable ones`
      : limit > 0
        ? `the first ${limit} per family`
        : 'every loadable scenario'
  }`,
);
