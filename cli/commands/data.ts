/**
 * Data commands: `import` (any supported file → Scenario JSON / RoadMap JSON), `map` (draw a map
 * and a route to PNG for checking an import by eye), `check-data` (load every file of a data
 * folder, per family). Thin: each calls a library function in scenarios/import.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { formatError, type Scenario } from '../../core/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../../scenarios/builtin/index.ts';
import {
  checkEsminiExpectations,
  eventsCsv,
  importCarlaRoutes,
  importFile,
  PRACTICAL,
  renderMapPng,
  runStoryboard,
  statesCsv,
  summarize,
} from '../../scenarios/import/index.ts';
import { CHECK_RUN_S, checkData, createDriver } from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';
import { MAP_HELP, mapOption } from '../mapOption.ts';
import { markdownTable } from '../table.ts';

/** Scenario with its map file path made relative to the folder it is written to. */
function relocate(s: Scenario, outDir: string): Scenario {
  if (s.map.kind !== 'file') return s;
  return { ...s, map: { ...s.map, path: relative(outDir, resolve(s.map.path)) || s.map.path } };
}

/** `--out` names a folder: an existing folder, or a path that does not end in `.json`. */
function isFolderTarget(out: string): boolean {
  try {
    if (statSync(out).isDirectory()) return true;
  } catch {
    /* does not exist yet */
  }
  return extname(out).toLowerCase() !== '.json';
}

/** Options of `run <x.xosc> --ego storyboard`. */
export interface StoryboardCliOptions {
  step: string;
  states?: string;
  events?: string;
  disableControllers?: boolean;
  map?: string;
}

/**
 * `edgeplan run x.xosc --ego storyboard`: every entity follows the storyboard (esmini's default
 * controller) at --step; writes dat2csv-style states and the storyboard log as CSV.
 */
/** Smallest and largest `map --size`, px (below 16 nothing is legible; 16384 is the widest canvas browsers and node-canvas draw). */
const MIN_SIZE_PX = 16;
const MAX_SIZE_PX = 16384;

/** `--size`: a whole number of pixels in range (0 gave "internal error: The canvas has no pixels", "abc" a 300 × 150 PNG: review 14 L4). */
function sizeArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < MIN_SIZE_PX || n > MAX_SIZE_PX)
    throw new UsageError(
      `--size must be a whole number of pixels from ${MIN_SIZE_PX} to ${MAX_SIZE_PX}, got "${v}"`,
    );
  return n;
}

/** `--crop`: a margin of zero metres or more. */
function cropArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--crop must be a number of metres ≥ 0, got "${v}"`);
  return n;
}

export function runStoryboardCommand(file: string, o: StoryboardCliOptions, out: Out): void {
  if (extname(file).toLowerCase() !== '.xosc')
    throw new UsageError(`--ego storyboard needs an OpenSCENARIO .xosc file, got ${file}`);
  const step = Number(o.step);
  if (!(step > 0 && step <= 1)) throw new UsageError(`--step: expected a step in (0, 1] s, got ${o.step}`);
  const r = runStoryboard(
    file,
    { stepS: step, ...(o.disableControllers ? { disableControllers: true } : {}) },
    o.map ? { mapPath: o.map } : {},
  );
  if (!r.ok) throw new UsageError(formatError(r.error));
  const { states, events, endS, unsupported } = r.value;
  for (const [path, text] of [
    [o.states, statesCsv(states)],
    [o.events, eventsCsv(events)],
  ] as const) {
    if (!path) continue;
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
    out(`wrote ${path}`);
  }
  const names = new Set(states.map((s) => s.name));
  out(
    `${file}: storyboard run at ${step} s, ${names.size} entities, ended at ${endS.toFixed(3)} s, ${events.length} storyboard events`,
  );
  for (const u of unsupported) out(`unsupported: ${u}`);
}

export function register(program: Command, out: Out): void {
  program
    .command('import <file>')
    .description(
      'convert a map or scenario file (.xodr, .xosc, CARLA routes .xml, CommonRoad .xml, .osm, .db) to our format; builtin:<id> writes a built-in scenario as a Scenario JSON',
    )
    .option(
      '--out <path>',
      'output .json file, or a folder (an existing folder or a path not ending in .json): one <id>.json per scenario; without it, --check',
    )
    .option(
      '--check',
      "write nothing: print what the import found and the importer's notes (the default without --out)",
    )
    .option('--map <file|dir>', MAP_HELP)
    .option('--map-root <dir>', 'alias of --map (the name eval used before)')
    .option('--id <id>', 'select one route / scenario by id')
    .action(
      (file: string, o: { out?: string; check?: boolean; map?: string; mapRoot?: string; id?: string }) => {
        o.map = mapOption(o);
        if (o.check && o.out) throw new UsageError('--check writes nothing: give --check or --out, not both');
        // a built-in scenario as a Scenario JSON (its map inline): a template to edit (review ux19 #25)
        if (file.startsWith('builtin:')) {
          const id = file.slice('builtin:'.length);
          const b = builtinScenario(id);
          if (!b) throw new UsageError(`${file}: no such built-in scenario (${BUILTIN_IDS.join(', ')})`);
          if (!o.out) throw new UsageError(`${file}: give --out <file.json> to write the built-in scenario`);
          const path = isFolderTarget(o.out) ? join(o.out, `${id}.json`) : o.out;
          try {
            mkdirSync(dirname(resolve(path)), { recursive: true });
            writeFileSync(path, JSON.stringify(b.scenario, null, 1));
          } catch (e) {
            throw new UsageError(`cannot write ${path}: ${(e as Error).message}`);
          }
          out(
            `wrote scenario ${id} (${b.scenario.agents.length} agents, ${b.scenario.durationS} s, map inline) to ${path}`,
          );
          return;
        }
        const r = importFile(file, { ...(o.map ? { mapPath: o.map } : {}), ...(o.id ? { id: o.id } : {}) });
        if (!r.ok) throw new UsageError(formatError(r.error));
        const { scenarios, map, unsupported, warnings } = r.value;
        const notes = () => {
          for (const e of r.value.events ?? [])
            out(
              `event ${e.scenarioId}: ${e.name}${e.tS !== undefined ? ` at ${e.tS.toFixed(1)} s` : ''}${e.sM !== undefined ? ` at ${e.sM.toFixed(0)} m along the route` : ''}`,
            );
          for (const u of unsupported) out(`unsupported: ${u}`);
          for (const w of warnings) out(`warning: ${w}`);
        };
        if (!o.out) {
          // a look at the file: what it holds and what the importer could not use, nothing written
          if (scenarios.length === 0 && map) out(`map ${map.id}: ${map.lanes.length} lanes (no scenario)`);
          for (const s of scenarios)
            out(
              `scenario ${s.id}: ${s.agents.length} agent(s), ${s.durationS} s, route ${s.route.laneIds.length} lane(s)`,
            );
          if (scenarios.length === 0 && !map) out(`${file} holds neither a map nor a scenario`);
          notes();
          out(
            `checked ${file}: ${unsupported.length} unsupported, ${warnings.length} warning(s); nothing written (--out <path> writes it)`,
          );
          return;
        }
        const out_ = o.out;
        const toFolder = isFolderTarget(out_);
        const write = (path: string, text: string) => {
          try {
            mkdirSync(dirname(resolve(path)), { recursive: true });
            writeFileSync(path, text);
          } catch (e) {
            throw new UsageError(`cannot write ${path}: ${(e as Error).message}`);
          }
        };
        if (scenarios.length === 0) {
          if (!map) throw new UsageError(`${file} holds neither a map nor a scenario`);
          const path = toFolder ? join(out_, `${map.id}.map.json`) : out_;
          write(path, JSON.stringify(map));
          out(`wrote map ${map.id} (${map.lanes.length} lanes) to ${path}`);
          out(
            `${file} is a road map without a scenario (no ego, route or planning problem), so \`edgeplan run\` cannot run it as it is: write a Scenario JSON whose "map" is {"kind":"file","path":"${resolve(path)}"} (a relative path resolves against the scenario file's folder), use an OpenSCENARIO .xosc or carla:<routes.xml>#<id> --map ${file} on it, or draw it with \`edgeplan map ${file} --png map.png\``,
          );
        } else if (!toFolder) {
          const s = relocate(scenarios[0]!, dirname(resolve(out_)));
          write(out_, JSON.stringify(s, null, 1));
          out(`wrote scenario ${s.id} (${s.agents.length} agents, ${s.durationS} s) to ${out_}`);
          if (scenarios.length > 1)
            out(`(${scenarios.length - 1} more scenarios in the file: pass --id or an --out folder)`);
        } else {
          for (const s of scenarios)
            write(join(out_, `${s.id}.json`), JSON.stringify(relocate(s, resolve(out_)), null, 1));
          out(
            scenarios.length === 1
              ? `wrote scenario ${scenarios[0]!.id} to ${join(out_, `${scenarios[0]!.id}.json`)}`
              : `wrote ${scenarios.length} scenarios to ${out_}/`,
          );
        }
        notes();
      },
    );

  program
    .command('map <file>')
    .description('draw a map (and a route) to PNG: lanes by type, boundaries, crosswalks, stop lines, route')
    .requiredOption('--png <file>', 'output PNG')
    .option(
      '--route <route>',
      'route: an id in the routes / scenario file, carla:<routes.xml>#<id>, or comma-separated lane ids',
    )
    .option('--size <px>', `longest image side, px (${MIN_SIZE_PX}-${MAX_SIZE_PX})`, sizeArg, 1600)
    .option('--crop <m>', 'crop to the route with this margin, m', cropArg)
    .action((file: string, o: { png: string; route?: string; size: number; crop?: number }) => {
      let routeLaneIds: string[] | undefined;
      let routePoints: { x: number; y: number }[] | undefined;
      let title: string | undefined;
      const isMap = ['.xodr', '.osm'].includes(extname(file).toLowerCase());
      const imp = importFile(file, !isMap && o.route && !o.route.startsWith('carla:') ? { id: o.route } : {});
      if (!imp.ok) throw new UsageError(formatError(imp.error));
      const map = imp.value.map;
      if (!map) throw new UsageError(`${file} holds no road map`);
      let scenario = isMap ? undefined : imp.value.scenarios[0];
      if (o.route?.startsWith('carla:')) {
        const ref = o.route.slice('carla:'.length);
        const i = ref.lastIndexOf('#');
        if (i < 0) throw new UsageError('--route carla:<routes.xml>#<id>');
        const r = importCarlaRoutes(ref.slice(0, i), { id: ref.slice(i + 1), mapPath: file });
        if (!r.ok) throw new UsageError(formatError(r.error));
        scenario = r.value.scenarios[0];
      } else if (isMap && o.route) {
        routeLaneIds = o.route.split(',').map((s) => s.trim());
        const known = new Set(map.lanes.map((l) => l.id));
        const bad = routeLaneIds.find((id) => !known.has(id));
        if (bad) throw new UsageError(`--route: lane ${bad} is not in ${file}`);
      }
      if (scenario) {
        routeLaneIds = scenario.route.laneIds;
        routePoints = scenario.expert.filter((_, k) => k % 20 === 0).map((p) => ({ x: p.x, y: p.y }));
        title = `${map.id} — ${scenario.id}`;
      }
      const png = renderMapPng(map, {
        maxSizePx: o.size,
        ...(routeLaneIds ? { routeLaneIds } : {}),
        ...(routePoints && o.crop !== undefined ? { routePoints } : {}),
        ...(o.crop !== undefined ? { cropToRouteM: o.crop } : {}),
        ...(title ? { title } : {}),
      });
      mkdirSync(dirname(resolve(o.png)), { recursive: true });
      writeFileSync(o.png, png);
      out(
        `wrote ${o.png} (${map.lanes.length} lanes${routeLaneIds ? `, route of ${routeLaneIds.length} lanes` : ''})`,
      );
    });

  program
    .command('check-esmini <expectations>')
    .description(
      "hold the OpenSCENARIO / OpenDRIVE interpretation against esmini's regression values (expectations.json): a table per category",
    )
    .option('--failures', 'list every value that does not hold')
    .option(
      '--resources <dir>',
      "folder the scenario paths are relative to (default: resources/ beside the file; an esmini checkout for data/esmini's unit-test values)",
    )
    .action((file: string, o: { failures?: boolean; resources?: string }) => {
      const results = checkEsminiExpectations(file, o.resources ? { resources: o.resources } : {});
      const rows = summarize(results);
      const total = rows.reduce((a, r) => a + r.total, 0);
      const okN = rows.reduce((a, r) => a + r.ok, 0);
      const strictN = rows.reduce((a, r) => a + r.strictOk, 0);
      const pc = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)} %` : '–');
      out(
        markdownTable(
          ['category', 'values', 'hold (practical)', '%', "hold (esmini's own tolerance)", '%'],
          [
            ...rows.map((r) => [
              r.category,
              String(r.total),
              String(r.ok),
              pc(r.ok, r.total),
              String(r.strictOk),
              pc(r.strictOk, r.total),
            ]),
            ['all', String(total), String(okN), pc(okN, total), String(strictN), pc(strictN, total)],
          ],
          ['l', 'r', 'r', 'r', 'r', 'r'],
        ),
      );
      out(
        `practical tolerances: events ±1 step; states until ${PRACTICAL.earlyUntilS} s ${PRACTICAL.positionEarlyM} m / ${PRACTICAL.angleEarlyRad} rad / ${PRACTICAL.speedEarlyMps} m/s, later ${PRACTICAL.positionLateM} m / ${PRACTICAL.angleLateRad} rad / ${PRACTICAL.speedLateMps} m/s; road queries the test's tolerance (at least ${PRACTICAL.roadM} m when it is not exact)`,
      );
      if (o.failures)
        for (const r of results.filter((x) => !x.ok))
          out(
            `${r.id} ${r.file} ${r.what}: expected ${JSON.stringify(r.expected)}, got ${JSON.stringify(r.got)}${r.note ? ` (${r.note})` : ''}`,
          );
    });

  program
    .command('check-data <dir>')
    .description(
      'import every file of a data folder and report per family; runs each .xosc closed-loop for 15 s',
    )
    .option('--planner <name>', 'planner for the closed-loop runs', 'pdm-closed')
    .option('--no-run', 'only load, do not run the .xosc scenarios')
    .option('--json', 'print JSON')
    .action(async (dir: string, o: { planner: string; run: boolean; json?: boolean }) => {
      // Any planner `run` takes, the command stacks (hierarchical, <name>-stack) included.
      const p = createDriver(o.planner);
      if (!p.ok) throw new UsageError(formatError(p.error));
      if (p.value.kind === 'stack') p.value.close?.();
      const bar = process.stderr.isTTY
        ? new SingleBar({
            format: 'check-data [{bar}] {value}/{total} | {file}',
            hideCursor: true,
            stream: process.stderr,
          })
        : undefined;
      let started = false;
      const t0 = performance.now();
      const reports = await checkData(dir, {
        ...(o.run
          ? {
              driver: () => {
                const q = createDriver(o.planner);
                return q.ok ? q.value : undefined;
              },
            }
          : {}),
        onFile: (file, done, total) => {
          if (!started) bar?.start(total, 0, { file });
          started = true;
          bar?.update(done, { file });
        },
      });
      bar?.stop();
      if (o.json) {
        out(JSON.stringify(reports, null, 2));
        return;
      }
      const mean = (xs: number[] | undefined): string =>
        xs && xs.length > 0 ? (100 * (xs.reduce((x, y) => x + y, 0) / xs.length)).toFixed(1) : '';
      const rows = reports.map((r) => [
        r.family,
        `${r.loaded}/${r.total}`,
        r.total ? `${((100 * r.loaded) / r.total).toFixed(0)} %` : '–',
        String(r.needsMap.length),
        String(r.failures.length),
        r.worstGapM !== undefined ? `${(100 * r.worstGapM).toFixed(2)} cm` : '',
        r.runTotal !== undefined ? `${r.ran}/${r.runTotal}` : '',
        mean(r.scores),
        String(r.scenarios),
        String(r.skipped),
        `${(r.loadMs / 1000).toFixed(1)} s`,
      ]);
      out(
        markdownTable(
          [
            'family',
            'loaded',
            '%',
            'needs a map',
            'failed',
            'worst gap',
            `runs (${CHECK_RUN_S} s)`,
            `CLS-NR (${o.planner})`,
            'scenarios',
            'skipped',
            'load time',
          ],
          rows,
          ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        ),
      );
      const failed = reports.reduce((a, r) => a + r.failures.length, 0);
      out(`${failed} failures`);
      for (const r of reports) {
        if (r.worstGapAt) out(`${r.family}: worst gap at ${r.worstGapAt}`);
        for (const f of r.failures) out(`${r.family}: FAILED ${f.file}: ${f.error}`);
        for (const n of r.needsMap) out(`${r.family}: not loaded, needs ${n.what}; pass --map: ${n.file}`);
        for (const [why, n] of Object.entries(r.skippedWhy)) out(`${r.family}: skipped ${n} × ${why}`);
        // Routes on missing towns inside loaded files are summarised, other import warnings listed.
        const missing = r.notes.filter((x) => x.includes('pass --map'));
        if (missing.length)
          out(
            `${r.family}: ${missing.length} routes / scenarios in loaded files skipped: town map not at hand`,
          );
        for (const x of r.notes.filter((y) => !y.includes('pass --map'))) out(`${r.family}: ${x}`);
      }
      out(`checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    });
}
