/**
 * The original esmini run beside our OpenSCENARIO importer: each .xosc is run by esmini headless
 * (`--fixed_timestep 0.05 --csv_logger --record --disable_controllers`: every entity on the default
 * controller, as our importer drives them), imported by us, and each entity's track compared
 * (EsminiTrackComparison.ts). Optional and slow: needs a built esmini (scripts/build-esmini.sh);
 * never part of `npm test`.
 *
 *   npx tsx scripts/compare-esmini.ts [--esmini BIN] [--out DIR] [--refs LIST] [--json FILE]
 *     [--rerun] [--threshold M] [--all] FILE_OR_DIR…
 *
 * Prints one row per file and entity (max / mean position error, max heading and speed error,
 * first time the position error exceeds the threshold) and a summary: tracks within 0.1 m / 1 m.
 * esmini's CSVs are cached in --out (default /tmp/esmini-compare); --rerun runs esmini again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { importFile } from '../scenarios/import/index.ts';
import { parseEsminiCsv } from '../scenarios/import/openscenario/EsminiCsv.ts';
import {
  compareTrack,
  egoNameOf,
  ourTracks,
  type TrackComparison,
} from '../scenarios/import/openscenario/EsminiTrackComparison.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt?: string) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const esmini = opt('--esmini', '/tmp/esmini-src/bin/esmini')!;
const outDir = resolve(opt('--out', '/tmp/esmini-compare')!);
const refs = opt('--refs');
const jsonOut = opt('--json');
const thresholdM = Number(opt('--threshold', '0.1'));
const rerun = flag('--rerun');
const printAll = flag('--all');
/** esmini's step, s (our import steps 0.1 s; every other esmini sample lands on our grid). */
const ESMINI_STEP_S = 0.05;
/** Wall-clock limit per esmini run, s: a file without a StopTrigger runs until killed. */
const ESMINI_TIMEOUT_S = 6;

if (!existsSync(esmini)) {
  console.error(`no esmini at ${esmini}: build it with scripts/build-esmini.sh or pass --esmini`);
  process.exit(2);
}

const collect = (p: string): string[] =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .sort()
        .flatMap((f) => (f === 'Catalogs' ? [] : collect(join(p, f))))
    : p.endsWith('.xosc')
      ? [p]
      : [];
const files = [
  ...args.flatMap((a) => collect(resolve(a))),
  ...(refs
    ? readFileSync(refs, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.endsWith('.xosc'))
    : []),
];

mkdirSync(outDir, { recursive: true });

/** esmini's CSV for `file` (run when not cached). */
function runEsmini(file: string): string | undefined {
  const stem = `${basename(file, '.xosc')}_${Buffer.from(file).toString('base64url').slice(-12)}`;
  const csv = join(outDir, `${stem}.csv`);
  if (rerun || !existsSync(csv)) {
    spawnSync(
      esmini,
      [
        '--headless',
        '--fixed_timestep',
        String(ESMINI_STEP_S),
        '--osc',
        file,
        '--csv_logger',
        csv,
        '--record',
        join(outDir, `${stem}.dat`),
        '--disable_controllers',
        '--disable_stdout',
        '--logfile_path',
        join(outDir, `${stem}.log`),
      ],
      { cwd: outDir, timeout: ESMINI_TIMEOUT_S * 1000, stdio: 'ignore' },
    );
  }
  return existsSync(csv) ? csv : undefined;
}

interface Row extends TrackComparison {
  file: string;
}
const rows: Row[] = [];
const skipped: { file: string; why: string }[] = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (/<ParameterValueDistribution/.test(text)) {
    skipped.push({ file, why: 'parameter distribution' });
    continue;
  }
  const imp = importFile(file);
  if (!imp.ok) {
    skipped.push({ file, why: `not imported: ${imp.error.message.slice(0, 80)}` });
    continue;
  }
  const scenario = imp.value.scenarios[0];
  if (!scenario) {
    skipped.push({ file, why: 'no scenario' });
    continue;
  }
  const csv = runEsmini(file);
  if (!csv) {
    skipped.push({ file, why: 'esmini wrote no CSV' });
    continue;
  }
  // a run killed at the wall-clock limit may end in a partial row: parse what is whole
  const esm = parseEsminiCsv(readFileSync(csv, 'utf8').slice(0, 200_000_000));
  const egoName = egoNameOf(scenario, esm.tracks);
  if (!egoName) {
    skipped.push({ file, why: 'no ego in esmini output' });
    continue;
  }
  for (const t of ourTracks(scenario, egoName)) {
    const e = esm.tracks.get(t.entity);
    const c = e ? compareTrack(t, e, thresholdM) : null;
    if (c) rows.push({ file, ...c });
    else skipped.push({ file: `${file} ${t.role}`, why: 'entity not in esmini output' });
  }
}

const short = (f: string) => f.replace(/^.*\/(resources|EnvironmentSimulator)\//, '$1/');
rows.sort((a, b) => b.maxPosM - a.maxPosM);
const fmt = (v: number, d = 3) => v.toFixed(d);
const shown = printAll ? rows : rows.filter((r) => r.maxPosM > thresholdM);
console.log(
  '| file | entity | n | max pos m | mean pos m | max heading rad | max speed m/s | first > thr s |',
);
console.log('| --- | --- | --: | --: | --: | --: | --: | --: |');
for (const r of shown)
  console.log(
    `| ${short(r.file)} | ${r.role} | ${r.n} | ${fmt(r.maxPosM)} | ${fmt(r.meanPosM)} | ${fmt(r.maxHeadingRad)} | ${fmt(r.maxSpeedMps)} | ${r.firstOverS === null ? '' : r.firstOverS.toFixed(2)} |`,
  );
const within = (m: number) => rows.filter((r) => r.maxPosM <= m).length;
const nFiles = new Set(rows.map((r) => r.file)).size;
console.log(
  `\n${rows.length} entity tracks in ${nFiles} files: within ${thresholdM} m ${within(thresholdM)}, within 1 m ${within(1)}, over 1 m ${rows.length - within(1)}; skipped ${skipped.length}`,
);
for (const s of skipped) console.log(`  skipped ${short(s.file)}: ${s.why}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ thresholdM, rows, skipped }, null, 1));
