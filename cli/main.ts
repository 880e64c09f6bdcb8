/**
 * The `edgeplan` command. Thin: every command parses its flags and calls a library function.
 * Bad input prints one line naming the problem and exits with code 2 — never a stack trace.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CONTROLLER_NAMES } from '../controller/index.ts';
import { formatError } from '../core/index.ts';
import { BASELINE_NAMES } from '../planner/index.ts';
import { BUILTIN_IDS, builtinInfo } from '../scenarios/builtin/index.ts';
import { EGO_TRIGGERS_UNFIRED_TAG, importNuplan, STORYBOARD_LIVE_TAG } from '../scenarios/import/index.ts';
import { loadScenario, SCENARIO_REF_KINDS } from '../scenarios/index.ts';
import { runLogRecord, writeRunLog } from '../sim/export/index.ts';
import { AGENT_MODELS, type AgentMode, type AgentModel, DEFAULT_AGENT_MODEL } from '../sim/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';
import {
  assistRows,
  assistStats,
  assistSummary,
  controllerStats,
  controllerSummary,
  createDriver,
  DEFAULT_QUEUE,
  evaluate,
  evaluationJobs,
  GATE_SUFFIX,
  inShard,
  type JobResult,
  mergeAssistStats,
  mergeControllerStats,
  PLANNER_NAMES,
  parseShard,
  probeRedis,
  queueRunner,
  redisConnection,
  runDriver,
  runPool,
  uniqueRunLabels,
  writeShard,
} from '../stack/index.ts';
import { register as registerBridge } from './commands/bridge.ts';
import { runStoryboardCommand } from './commands/data.ts';
import { registerCommands } from './commands/index.ts';
import { viewLive } from './commands/view.ts';
import { UsageError } from './errors.ts';
import { addLlmOptions, awaitModel, driverOptionsFrom, type LlmFlags } from './llmFlags.ts';
import { MAP_HELP, mapOption } from './mapOption.ts';
import { scenarioLoadError } from './scenarioLoadError.ts';
import { markdownTable } from './table.ts';

function intArg(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}

/**
 * The caveat on scenarios whose storyboard triggers read an ego that never moves in them (CARLA
 * ScenarioRunner's hero under external_control) and that run without their live storyboard (a
 * Scenario JSON written before it existed): the actors those triggers start stand still, so the
 * score tests none of them (review 14 M2).
 */
function unfiredWarning(ids: string[], of: number): string {
  const named = `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`;
  return `warning: ${ids.length} of ${of} scenario(s) tagged ${EGO_TRIGGERS_UNFIRED_TAG} (${named}): their storyboard triggers read an ego that does not move in the file, so the actors they start stand still and the score tests none of them (triggers are not evaluated on the planner's ego)`;
}

/** The note on scenarios whose storyboard ran live against the planner's ego (`Scenario.storyboard`). */
function liveNote(ids: string[], of: number): string {
  const named = `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`;
  return `${ids.length} of ${of} scenario(s) tagged ${STORYBOARD_LIVE_TAG} (${named}): their storyboard ran live against the planner's ego (its triggers read the ego the planner drives)`;
}

/** Where `eval --out` writes every import note (unsupported elements, warnings) of the suite. */
const IMPORT_NOTES_FILE = 'import_notes.txt';
/** How many of a file's import notes `eval` prints (all of them go to the results folder). */
const NOTES_SHOWN = 3;

/**
 * One scenario file's import notes in `eval`: the count and the first lines, then where the rest
 * are (review ux19 #2: an unresolved entity or a goal off the map was silent in run and eval).
 */
function importNotesSummary(ref: string, lines: string[], outDir: string | undefined): string {
  const more = lines.length - NOTES_SHOWN;
  const rest =
    more > 0
      ? `\n  … ${more} more: ${outDir ? join(outDir, IMPORT_NOTES_FILE) : `\`edgeplan run ${ref}\``} lists them all`
      : '';
  return `${ref}: ${lines.length} import note(s)\n${lines
    .slice(0, NOTES_SHOWN)
    .map((l) => `  ${l}`)
    .join('\n')}${rest}`;
}

function modesOf(m: string): AgentMode[] {
  return m === 'both' ? ['nonreactive', 'reactive'] : [m as AgentMode];
}

export interface SuiteOptions {
  mapRoot?: string;
  scenarioTypes?: string[];
  limit?: number;
}

/** `<db>#<id>` refs of the nuPlan logs in a folder (or one .db), filtered by type, up to `limit`. */
function nuplanRefs(dir: string, o: SuiteOptions): string[] {
  const p = resolve(dir);
  let dbs: string[];
  try {
    dbs = statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.db'))
          .sort()
          .map((f) => join(p, f))
      : [p];
  } catch {
    throw new UsageError(`nuplan: ${dir}: no such folder or .db file`);
  }
  if (dbs.length === 0) throw new UsageError(`nuplan: ${dir} holds no .db logs`);
  const refs: string[] = [];
  for (const db of dbs) {
    const r = importNuplan(db, {
      ...(o.mapRoot ? { mapRoot: o.mapRoot } : {}),
      ...(o.scenarioTypes ? { scenarioTypes: o.scenarioTypes } : {}),
    });
    if (!r.ok) throw new UsageError(formatError(r.error));
    for (const s of r.value.scenarios) {
      if (o.limit !== undefined && refs.length >= o.limit) return refs;
      refs.push(`${db}#${s.id}`);
    }
  }
  if (refs.length === 0) throw new UsageError(`nuplan: no scenarios of the requested types in ${dir}`);
  return refs;
}

/**
 * Scenario refs of a suite: `builtin`, `nuplan:<db dir>`, a folder of scenario JSON files, or a
 * comma list of refs (built-in ids, files, `carla:<routes.xml>#<id>`).
 */
export function suiteRefs(suite: string, o: SuiteOptions = {}): string[] {
  if (suite === 'builtin') return [...BUILTIN_IDS];
  if (suite.startsWith('nuplan:')) return nuplanRefs(suite.slice('nuplan:'.length), o);
  const p = resolve(suite);
  let isDir = false;
  try {
    isDir = statSync(p).isDirectory();
  } catch {
    /* not a folder */
  }
  if (isDir) {
    // `*.map.json` are road maps written by `edgeplan import`, not scenarios.
    const files = readdirSync(p)
      .filter((f) => f.endsWith('.json') && !f.endsWith('.map.json'))
      .sort();
    if (files.length === 0) throw new UsageError(`suite folder ${suite} holds no .json scenarios`);
    return files.map((f) => join(p, f));
  }
  return suite
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Suite kinds of `eval` (what suiteRefs takes), for the help. */
const SUITE_KINDS: ReadonlyArray<{ ref: string; what: string }> = [
  { ref: 'builtin', what: 'the built-in scenarios' },
  {
    ref: 'nuplan:<db dir | log.db>',
    what: 'nuPlan logs (--map <maps root>, --scenario-types a,b, --limit N)',
  },
  { ref: '<folder>', what: 'every scenario .json in a folder (import writes them; *.map.json are skipped)' },
  { ref: '<ref>,<ref>,…', what: 'a comma list of scenario references (see `edgeplan run --help`)' },
];

/** Every planner name the CLI takes: the registry's names and each trajectory baseline behind the gate. */
export const ALL_PLANNER_NAMES: readonly string[] = [
  ...PLANNER_NAMES,
  ...BASELINE_NAMES.map((n) => `${n}${GATE_SUFFIX}`),
];

const listHelp = (title: string, rows: ReadonlyArray<{ ref: string; what: string }>) => {
  const w = Math.max(...rows.map((r) => r.ref.length));
  return `\n${title}:\n${rows.map((r) => `  ${r.ref.padEnd(w)}  ${r.what}`).join('\n')}`;
};
const PLANNERS_HELP = `\nPlanners: ${ALL_PLANNER_NAMES.join(', ')}\n  (<name>${GATE_SUFFIX}: behind the safety gate; <name>-stack: its command through the gate to the classical controller)`;

const pct = (v: number) => v.toFixed(1);

function buildProgram(out: (s: string) => void): Command {
  const program = new Command('edgeplan')
    .description('Edge planner for vehicles and robots: closed-loop simulation, nuPlan metrics, baselines.')
    .version('0.1.0')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => out(s.trimEnd()),
      outputError: (s, write) =>
        write(
          `edgeplan: ${
            s
              .replace(/^error: /, '')
              .trim()
              .split('\n')[0]
          }\n`,
        ),
    });

  program
    .command('scenarios')
    .description('list the built-in scenarios')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const rows = BUILTIN_IDS.map((id) => builtinInfo(id)!);
      if (o.json) out(JSON.stringify(rows, null, 2));
      else
        out(
          markdownTable(
            ['id', 'tags', 'description'],
            rows.map((r) => [r.id, r.tags.join(','), r.description]),
          ),
        );
    });

  const plannerOpt = () =>
    new Option('--planner <name>', 'planner (see Planners below)').default('pdm-closed');
  const controllerOpt = () =>
    new Option(
      '--controller <name>',
      `command stacks' controller (${CONTROLLER_NAMES.join(' | ')}); default classical`,
    );
  const budgetOpt = () =>
    new Option(
      '--budget <spec>',
      'early-exit compute budget: avg:<percent>% of full depth or p99:<ms>ms (default avg:40%)',
    );
  const controllerOpts = (o: { controller?: string; budget?: string }) => ({
    ...(o.controller !== undefined ? { controller: o.controller } : {}),
    ...(o.budget !== undefined ? { budget: o.budget } : {}),
  });
  const modeOpt = () =>
    new Option('--mode <mode>', 'agents: nonreactive (CLS-NR) | reactive (CLS-R) | both').choices([
      'nonreactive',
      'reactive',
      'both',
    ]);
  const agentsOpt = () =>
    new Option(
      '--agents <model>',
      `reactive agents: idm (nuPlan's IDM agents) | interactive (yield to cut-ins, merges, crossings; pedestrians wait at the kerb); default ${DEFAULT_AGENT_MODEL}`,
    ).choices([...AGENT_MODELS]);

  addLlmOptions(program.command('run <scenario>'))
    .description('run one scenario closed-loop and print its nuPlan metrics (scenario kinds below)')
    .addHelpText(
      'after',
      `${listHelp('Scenarios', SCENARIO_REF_KINDS)}\n${PLANNERS_HELP}\n\nExamples:\n  edgeplan run cut_in --planner idm+gate\n  edgeplan run data/esmini/resources/xosc/cut-in_simple.xosc --planner pdm-closed`,
    )
    .addOption(plannerOpt())
    .addOption(modeOpt().default('nonreactive'))
    .addOption(agentsOpt())
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 0)
    .option('--map <file|dir>', MAP_HELP)
    .option('--map-root <dir>', 'alias of --map (the name eval used before)')
    .option('--out <dir>', 'write the run log (JSON) and summary here')
    .option('--view', 'stream the run live to the 3D viewer in the browser (edgeplan view --live)')
    .addOption(controllerOpt())
    .addOption(budgetOpt())
    .addOption(
      new Option(
        '--ego <who>',
        'planner: the planner drives the ego; storyboard: every entity follows the .xosc storyboard',
      )
        .choices(['planner', 'storyboard'])
        .default('planner'),
    )
    .option('--step <s>', 'storyboard mode: simulation step, s', '0.01')
    .option('--states <csv>', 'storyboard mode: write time,id,name,x,y,z,h,p,r,speed per step and entity')
    .option('--events <csv>', 'storyboard mode: write time,kind,name of every storyboard transition')
    .option(
      '--disable-controllers',
      'storyboard mode: every entity uses the default controller (esmini --disable_controllers)',
    )
    .action(
      async (
        ref: string,
        o: {
          planner: string;
          mode: string;
          agents?: AgentModel;
          seed: number;
          map?: string;
          mapRoot?: string;
          out?: string;
          view?: boolean;
          controller?: string;
          budget?: string;
          ego: string;
          step: string;
          states?: string;
          events?: string;
          disableControllers?: boolean;
        } & LlmFlags,
      ) => {
        o.map = mapOption(o);
        if (o.ego === 'storyboard') return runStoryboardCommand(ref, o, out);
        const driverOptions = await driverOptionsFrom([o.planner], o);
        if (o.view)
          return viewLive(ref, { planner: o.planner, mode: modesOf(o.mode)[0]!, seed: o.seed }, out);
        const loaded = loadScenario(ref, o.map ? { mapPath: o.map } : {});
        if (!loaded.ok) throw new UsageError(scenarioLoadError(loaded.error, ref));
        // What the import could not use comes first: a score on a damaged input is no surprise then.
        for (const n of loaded.value.notes ?? []) out(n);
        for (const mode of modesOf(o.mode)) {
          const driver = createDriver(o.planner, { ...driverOptions, ...controllerOpts(o) });
          if (!driver.ok) throw new UsageError(formatError(driver.error));
          if (driver.value.kind === 'stack') await awaitModel(driver.value, o);
          const { scenario, map, storyboard } = loaded.value;
          const log = await runDriver(driver.value, scenario, map, {
            mode,
            ...(o.agents ? { agents: o.agents } : {}),
            seed: o.seed,
            recordPlans: !!o.out,
            ...(storyboard ? { storyboard } : {}),
          }).finally(() => {
            if (driver.value.kind === 'stack') driver.value.close?.();
          });
          const m = evaluateRun(log, map);
          out(`${scenario.id} · ${o.planner} · ${mode} · score ${pct(100 * m.score)}`);
          if (log.storyboardEvents)
            out(
              `storyboard live against the planner's ego: events started ${log.storyboardEvents.length === 0 ? 'none' : log.storyboardEvents.map((e) => `${e.name}@${e.tS.toFixed(2)}s`).join(', ')}`,
            );
          else if (scenario.tags.includes(EGO_TRIGGERS_UNFIRED_TAG)) out(unfiredWarning([scenario.id], 1));
          const metricRows = [...Object.entries(m.multipliers), ...Object.entries(m.weighted)].map(
            ([k, v]) => [k, v.toFixed(3)],
          );
          out(markdownTable(['metric', 'value'], metricRows, ['l', 'r']));
          const ctrl = controllerSummary(controllerStats(log));
          if (ctrl) out(ctrl);
          if (o.planner === 'hierarchical') {
            out(assistSummary(log));
            const used = { llm: !!o.llm, tips: !!o.tips };
            if (used.llm || used.tips)
              out(
                markdownTable(
                  [used.llm ? 'LLM-Assist' : 'tips', 'count', 'detail'],
                  assistRows(assistStats(log), used),
                  ['l', 'r', 'l'],
                ),
              );
          }
          for (const c of m.details.collisions)
            out(
              `collision: ${c.agentId} at ${c.tS.toFixed(1)} s, ${c.type}${c.atFault ? ' (at fault)' : ''}`,
            );
          if (o.out) {
            const dir = modesOf(o.mode).length > 1 ? join(o.out, mode) : o.out;
            mkdirSync(dir, { recursive: true });
            const record = runLogRecord(log, m, {
              scenarioRef: ref,
              ...(o.map ? { mapPath: o.map } : {}),
              ...(scenario.source.startUnixS !== undefined ? { startUnixS: scenario.source.startUnixS } : {}),
            });
            writeRunLog(join(dir, `${scenario.id}.json`), record);
            out(`wrote ${join(dir, `${scenario.id}.json`)}`);
          }
        }
      },
    );

  addLlmOptions(program.command('eval <suite>'))
    .description('evaluate planners on a suite (kinds below) and print CLS-NR / CLS-R')
    .addHelpText(
      'after',
      `${listHelp('Suites', SUITE_KINDS)}\n${PLANNERS_HELP}\n\nExamples:\n  edgeplan eval builtin --planner pdm-closed,idm+gate --mode both --workers 2\n  edgeplan eval cut_in,red_light --planner idm`,
    )
    .addOption(
      new Option('--planner <names>', 'comma list of planners (see Planners below)').default('pdm-closed'),
    )
    .addOption(modeOpt().default('nonreactive'))
    .addOption(agentsOpt())
    .option('--seed <n>', 'random seed', intArg('--seed', 0), 0)
    .option('--workers <n>', 'worker threads', intArg('--workers', 1), 1)
    .option(
      '--out <dir>',
      'results folder: <dir>/<planner>/summary.json and logs/ for one mode; <dir>/<mode>/<planner>/… with --mode both',
    )
    .option('--map <file|dir>', MAP_HELP)
    .option('--map-root <dir>', 'alias of --map (its name before 2026-12-06)')
    .option('--scenario-types <types>', 'nuPlan: comma list of scenario types to keep')
    .option('--limit <n>', 'at most this many scenarios', intArg('--limit', 1))
    .addOption(controllerOpt())
    .addOption(budgetOpt())
    .option(
      '--queue <url>',
      'put the runs on a BullMQ queue on Redis (redis://host:6379) for `edgeplan worker`s',
    )
    .option('--queue-name <name>', 'queue name for --queue', DEFAULT_QUEUE)
    .option('--shard <k/n>', 'run slice k of n only and write shard-k-of-n.json (join with `edgeplan merge`)')
    .action(
      async (
        suite: string,
        o: {
          planner: string;
          mode: string;
          agents?: AgentModel;
          seed: number;
          workers: number;
          out?: string;
          map?: string;
          mapRoot?: string;
          scenarioTypes?: string;
          limit?: number;
          controller?: string;
          budget?: string;
          queue?: string;
          queueName: string;
          shard?: string;
        } & LlmFlags,
      ) => {
        o.mapRoot = mapOption(o);
        if (o.queue && o.shard) throw new UsageError('--queue and --shard do not go together');
        if (o.queue) {
          try {
            redisConnection(o.queue);
            // at once, before any scenario is loaded: a Redis that is not there is one line, not a wait
            await probeRedis(o.queue);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
        }
        let shard: ReturnType<typeof parseShard> | undefined;
        if (o.shard) {
          try {
            shard = parseShard(o.shard);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          if (!o.out) throw new UsageError('--shard needs --out (the slice writes shard-k-of-n.json there)');
        }
        const planners = o.planner.split(',').map((p) => p.trim());
        const driverOptions = await driverOptionsFrom(planners, o);
        for (const p of planners) {
          const r = createDriver(p, { ...driverOptions, ...controllerOpts(o) });
          if (!r.ok) throw new UsageError(formatError(r.error));
        }
        let refs = suiteRefs(suite, {
          ...(o.mapRoot ? { mapRoot: o.mapRoot } : {}),
          ...(o.scenarioTypes ? { scenarioTypes: o.scenarioTypes.split(',').map((t) => t.trim()) } : {}),
          ...(o.limit ? { limit: o.limit } : {}),
        });
        if (o.limit) refs = refs.slice(0, o.limit);
        const mapOpt = o.mapRoot ? { mapPath: o.mapRoot } : {};
        // A bad scenario file is reported and skipped; the rest are evaluated (exit 2 at the end).
        const skipped: string[] = [];
        const ids: string[] = [];
        const notes: { ref: string; lines: string[] }[] = [];
        refs = refs.filter((ref) => {
          const l = loadScenario(ref, mapOpt);
          if (l.ok) {
            ids.push(l.value.scenario.id);
            if (l.value.notes?.length) notes.push({ ref, lines: l.value.notes });
            return true;
          }
          skipped.push(ref);
          out(`skipped ${ref}: ${scenarioLoadError(l.error, ref)}`);
          return false;
        });
        if (refs.length === 0) throw new UsageError(`no loadable scenario in ${suite}`);
        for (const n of notes) out(importNotesSummary(n.ref, n.lines, o.out));
        // Two files with one scenario id (CommonRoad benchmark ids repeat) get a row and a log each.
        const labels = uniqueRunLabels(ids, refs);
        const labelled = labels.some((l) => l !== undefined) ? { labels } : {};
        const modes = modesOf(o.mode);
        const bar = process.stderr.isTTY
          ? new SingleBar({
              format: 'eval [{bar}] {value}/{total} runs | {last}',
              hideCursor: true,
              stream: process.stderr,
            })
          : undefined;
        const total = refs.length * planners.length * modes.length;
        bar?.start(total, 0, { last: '' });
        const t0 = performance.now();
        if (shard) {
          const s = shard;
          const jobs = evaluationJobs({
            scenarios: refs,
            ...labelled,
            planners,
            modes,
            seed: o.seed,
            ...(o.out ? { outDir: o.out } : {}),
            ...(o.mapRoot ? { mapPath: o.mapRoot } : {}),
          });
          const mine = jobs.map((j, i) => ({ j, i })).filter(({ i }) => inShard(i, s));
          const results = new Map<number, JobResult>();
          bar?.start(mine.length, 0, { last: '' });
          await runPool(
            mine.map(({ j }) => j),
            o.workers,
            (k, r) => {
              results.set(mine[k]!.i, r);
              bar?.update(results.size, { last: `${r.id} ${pct(100 * r.score)}` });
            },
          );
          bar?.stop();
          mkdirSync(o.out!, { recursive: true });
          const file = writeShard(o.out!, s, { planners, modes }, jobs, results);
          out(
            `shard ${s.k}/${s.n}: ${mine.length} of ${jobs.length} runs -> ${file} (join the slices with edgeplan merge)`,
          );
          return;
        }
        const res = await evaluate({
          scenarios: refs,
          ...labelled,
          planners,
          modes,
          ...(o.agents ? { agents: o.agents } : {}),
          seed: o.seed,
          workers: o.workers,
          ...(o.out ? { outDir: o.out } : {}),
          ...(o.mapRoot ? { mapPath: o.mapRoot } : {}),
          ...controllerOpts(o),
          ...(driverOptions.llm || driverOptions.hierarchical ? { driverOptions } : {}),
          onProgress: (done, _t, last) => bar?.update(done, { last: `${last.id} ${pct(100 * last.score)}` }),
          ...(o.queue
            ? {
                runner: queueRunner({
                  url: o.queue,
                  queueName: o.queueName,
                  onIdle: (s) =>
                    process.stderr.write(
                      `eval: no run finished for ${s.toFixed(0)} s; is an edgeplan worker taking ${o.queueName} on ${o.queue}?\n`,
                    ),
                }),
              }
            : {}),
        });
        bar?.stop();
        const errors = res.results.filter((r) => r.result.error);
        for (const e of errors)
          out(
            `error in ${e.job.scenario} (${e.job.planner}, ${e.job.mode}): ${e.result.error!.split('\n')[0]}`,
          );
        for (const e of res.results.filter((r) => r.result.plannerErrors))
          out(
            `planner failed in ${e.job.scenario} (${e.job.planner}, ${e.job.mode}) at ${e.result.plannerErrors!.ticks} ticks, the command in force ran on: ${e.result.plannerErrors!.first.split('\n')[0]}`,
          );
        const cols = modes.flatMap((m) => planners.map((p) => ({ m, p })));
        const label = (m: AgentMode) => (m === 'nonreactive' ? 'CLS-NR' : 'CLS-R');
        const scenarioIds = res.summaries[0]!.scenarios.map((s) => s.id);
        const rows: (string | number)[][] = scenarioIds.map((id, i) => [
          id,
          ...cols.map(({ m, p }) =>
            pct(res.summaries.find((s) => s.mode === m && s.planner === p)!.scenarios[i]!.score),
          ),
        ]);
        rows.push([
          '**suite**',
          ...cols.map(
            ({ m, p }) => `**${pct(res.summaries.find((s) => s.mode === m && s.planner === p)!.score)}**`,
          ),
        ]);
        out(
          markdownTable(['scenario', ...cols.map(({ m, p }) => `${p} ${label(m)}`)], rows, [
            'l',
            ...cols.map(() => 'r' as const),
          ]),
        );
        // The headline: one row per planner, one column per mode (nuPlan's CLS-NR / CLS-R).
        const scoreOf = (p: string, m: AgentMode) =>
          res.summaries.find((s) => s.mode === m && s.planner === p)!;
        const atFault = (p: string, m: AgentMode) =>
          res.results.filter((r) => r.job.planner === p && r.job.mode === m && r.result.collisions > 0)
            .length;
        out('');
        out(
          markdownTable(
            ['planner', ...modes.map(label), ...modes.map((m) => `at-fault collisions ${label(m)}`)],
            planners.map((p) => [
              p,
              ...modes.map((m) => pct(scoreOf(p, m).score)),
              ...modes.map((m) => `${atFault(p, m)}/${refs.length}`),
            ]),
            ['l', ...modes.map(() => 'r' as const), ...modes.map(() => 'r' as const)],
          ),
        );
        // the hierarchical planner with --llm / --tips: how often the model was asked, what it changed
        for (const { m, p } of cols) {
          const stats = res.results
            .filter((r) => r.job.planner === p && r.job.mode === m)
            .reduce<ReturnType<typeof mergeAssistStats>>(
              (a, r) => mergeAssistStats(a, r.result.assist),
              undefined,
            );
          if (!stats) continue;
          const used = { llm: !!o.llm, tips: !!o.tips };
          out('');
          out(
            markdownTable(
              [`${p} ${label(m)}: ${used.llm ? 'LLM-Assist' : 'tips'}`, 'count', 'detail'],
              assistRows(stats, used),
              ['l', 'r', 'l'],
            ),
          );
        }
        // command stacks: what the controller did over the suite (exits, compute vs full depth, fallbacks)
        for (const { m, p } of cols) {
          const line = controllerSummary(
            res.results
              .filter((r) => r.job.planner === p && r.job.mode === m)
              .reduce<ReturnType<typeof controllerStats>>(
                (a, r) => mergeControllerStats(a, r.result.controller),
                undefined,
              ),
          );
          if (line) out(`${p} ${label(m)}: ${line}`);
        }
        const live = res.summaries[0]!.scenarios.filter((s) => s.tags.includes(STORYBOARD_LIVE_TAG));
        if (live.length > 0)
          out(
            liveNote(
              live.map((s) => s.id),
              scenarioIds.length,
            ),
          );
        const unfired = res.summaries[0]!.scenarios.filter(
          (s) => s.tags.includes(EGO_TRIGGERS_UNFIRED_TAG) && !s.tags.includes(STORYBOARD_LIVE_TAG),
        );
        if (unfired.length > 0)
          out(
            unfiredWarning(
              unfired.map((s) => s.id),
              scenarioIds.length,
            ),
          );
        const simS = res.results.reduce((a, r) => a + r.result.simSeconds, 0);
        const wallS = (performance.now() - t0) / 1000;
        out(
          `\n${total} runs, ${simS.toFixed(0)} simulated s in ${wallS.toFixed(1)} s wall (${o.queue ? `queue ${o.queueName}` : `${o.workers} worker${o.workers > 1 ? 's' : ''}`})`,
        );
        if (o.out) {
          out(`results: ${resolve(o.out)} (${res.files.length} summary.json, per-scenario logs in */logs/)`);
          if (notes.length > 0) {
            writeFileSync(
              join(o.out, IMPORT_NOTES_FILE),
              notes.map((n) => n.lines.map((l) => `${n.ref}: ${l}\n`).join('')).join(''),
            );
            out(
              `import notes of ${notes.length} scenario file(s): ${join(resolve(o.out), IMPORT_NOTES_FILE)}`,
            );
          }
        }
        if (errors.length > 0) throw new UsageError(`${errors.length} run(s) failed`);
        if (skipped.length > 0)
          throw new UsageError(`${skipped.length} scenario file(s) skipped, see "skipped …" above`);
      },
    );
  registerCommands(program, out);
  registerBridge(program, out);
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 2 bad input, 1 internal error). */
export async function main(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
        ? 0
        : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`edgeplan: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`edgeplan: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}
