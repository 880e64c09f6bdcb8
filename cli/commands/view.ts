/**
 * `edgeplan` commands of the viewer area:
 *   view <results dir | run.json | scenario> [--live] [--planner p] [--port n]   3D viewer
 *   export <run.json> --mcap <out.mcap>                                          Foxglove MCAP
 *   report <results dir> --html <out.html>                                       HTML report with plots
 * Each parses its flags and calls a library function (viewer/, sim/export, sim/report).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { type EdgeplanError, formatError } from '../../core/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import { exportMcap, findRunLogs, readRunLog, resolveRunLogSources } from '../../sim/export/index.ts';
import { buildReport } from '../../sim/report/index.ts';
// The viewer server (ws, esbuild) loads when a view starts, not with every `edgeplan` start.
import type { LiveOptions, ViewerServer } from '../../viewer/index.ts';
import { type Out, UsageError } from '../errors.ts';

const num = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number ≥ ${min}`);
  return n;
};

const portArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port must be an integer in 0..65535 (0 = any free port), got "${v}"`);
  return n;
};

/**
 * The one line for a run log that does not parse as one. A JSON file that is no run log at all (a
 * scenario, an imported map, anything else) is named for what it is, not by the schema's first
 * complaint ("scenarioId: Invalid input … (+5 more)", issue 17 item 7); `files` are the paths read.
 */
function runLogError(e: EdgeplanError, files: ReadonlyArray<string>): string {
  const file = files.find((f) => e.path === f || e.path.startsWith(`${f}:`));
  if (e.code !== 'INVALID_INPUT' || !file) return formatError(e);
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    return formatError(e);
  }
  // A run log always names its scenario and ticks; without both the file is something else.
  if ('scenarioId' in data && 'ticks' in data) return formatError(e);
  const what =
    'formatVersion' in data && 'egoStart' in data
      ? `a Scenario JSON, not a run log: \`edgeplan run ${file} --out <dir>\` writes the run log to show, \`edgeplan view --live ${file}\` simulates it in the viewer`
      : 'lanes' in data || file.endsWith('.map.json')
        ? 'a road map (as `edgeplan import` writes one), not a run log'
        : 'not a run log';
  return `${file} is ${what} (run logs are the per-run JSON files that \`run --out\` and \`eval --out\` write)`;
}

/** Ports tried after a busy `--port` before giving up (8080 busy → 8081 … 8090). */
const PORT_SEARCH = 10;

/** Keeps the process serving until Ctrl-C, then closes the server. */
function serveUntilInterrupted(server: ViewerServer, out: Out, wantedPort?: number): Promise<void> {
  if (wantedPort !== undefined && wantedPort !== 0 && server.port !== wantedPort)
    out(`viewer: port ${wantedPort} is in use, serving on ${server.port} instead`);
  out(`viewer: ${server.url}  (Ctrl-C to stop)`);
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      void server.close().then(resolve);
    });
  });
}

/**
 * Runs `scenarioRef` live and serves the viewer while it streams. This is what `edgeplan run
 * <scenario> --view` should call: `await viewLive(ref, { planner, mode, seed }, out)`.
 */
export async function viewLive(scenarioRef: string, opts: LiveOptions, out: Out): Promise<void> {
  const { startLiveRun } = await import('../../viewer/index.ts');
  const live = await startLiveRun(scenarioRef, { portSearch: PORT_SEARCH, ...opts });
  if (!live.ok) throw new UsageError(formatError(live.error));
  out('live run: streams from t = 0 when the first browser opens the page');
  void live.value.done.then((log) =>
    out(
      `live run finished: ${log.ticks.length} ticks, score ${(100 * (log.metrics?.score ?? 0)).toFixed(1)}`,
    ),
  );
  await serveUntilInterrupted(live.value.server, out, opts.port);
}

/** Run-log files to view: a results folder, run .json files, or `a.json,b.json` (side by side). */
function viewPaths(target: string): string[] {
  const parts = target
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files: string[] = [];
  for (const p of parts) {
    const found = findRunLogs(p);
    if (!found.ok) throw new UsageError(formatError(found.error));
    files.push(...found.value);
  }
  return files;
}

/** A run log's run: its folder under the results root (`reactive/idm`), the file when loose. */
function runLabel(root: string | undefined, f: string): string {
  const d = dirname(f);
  const runDir = basename(d) === 'logs' ? dirname(d) : d;
  const rel = root === undefined ? '' : relative(root, runDir);
  return rel === '' || rel.startsWith('..') ? f : rel;
}

export interface PickedRuns {
  /** The (at most two) logs to show. */
  files: string[];
  /** Their runs' labels (`nonreactive/idm`). */
  labels: string[];
  /** The scenario shown and every run of it there is (labels), for the line that says what is shown. */
  scenario: string;
  runs: string[];
}

/**
 * The logs of one scenario (files are named `<scenarioId>.json` by run/eval): `pick`, or the first
 * scenario in sorted order; of its runs, the planners named in `planners` (`idm` or
 * `reactive/idm`, two at most), else the first two (review ux19 #15: ten runs, two shown, no word
 * which nor a way to choose). `root` is the results folder the labels are relative to.
 */
export function pickRuns(
  files: string[],
  o: { pick?: string; planners?: string[]; root?: string } = {},
): PickedRuns {
  const id = (f: string) => basename(f, '.json');
  const want = o.pick ?? files.map(id).sort()[0] ?? '';
  const mine = files.length <= 2 && !o.pick ? files : files.filter((f) => id(f) === want);
  const runs = mine.map((f) => runLabel(o.root, f));
  if (mine.length === 0)
    throw new UsageError(`no run log of scenario ${want} under ${o.root ?? files.join(',')}`);
  let chosen = mine.map((_f, i) => i).slice(0, 2);
  if (o.planners && o.planners.length > 0) {
    if (o.planners.length > 2) throw new UsageError('--planners: two at most (side by side)');
    chosen = o.planners.map((p) => {
      const i = runs.findIndex((r) => r === p || r.endsWith(`/${p}`));
      if (i < 0)
        throw new UsageError(`--planners: no run "${p}" of ${want} here (there are: ${runs.join(', ')})`);
      return i;
    });
  }
  return {
    files: chosen.map((i) => mine[i]!),
    labels: chosen.map((i) => runs[i]!),
    scenario: mine === files ? [...new Set(files.map(id))].join(' / ') : want,
    runs,
  };
}

const isPath = (p: string) => {
  try {
    statSync(p.split(',')[0]!);
    return true;
  } catch {
    return false;
  }
};

export function register(program: Command, out: Out): void {
  program
    .command('view <target>')
    .description(
      '3D viewer: replay a run log / results folder (a,b = side by side), or --live a scenario while it simulates',
    )
    .option('--live', 'simulate <target> (a scenario id or .json) and stream it live')
    .option('--planner <name>', 'planner for --live', 'pdm-closed')
    .option('--mode <mode>', 'agents for --live: nonreactive | reactive', 'nonreactive')
    .option('--speed <x>', 'live playback speed factor (1 = real time)', num('--speed', 0), 1)
    .option(
      '--pick <scenarioId>',
      'results folder: the scenario to show (default: the first; planners side by side)',
    )
    .option(
      '--planners <a,b>',
      'results folder: the two runs to show side by side, by planner (idm) or mode/planner (reactive/idm); default: the first two',
    )
    .option('--scenario <ref>', 'scenario whose map to use (when the log names a scenario not built in)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--port <n>',
      `port; when busy the next ${PORT_SEARCH} are tried (0 = any free port)`,
      portArg,
      8080,
    )
    .action(
      async (
        target: string,
        o: {
          live?: boolean;
          pick?: string;
          planners?: string;
          planner: string;
          mode: string;
          speed: number;
          scenario?: string;
          host: string;
          port: number;
        },
      ) => {
        if (o.mode !== 'nonreactive' && o.mode !== 'reactive')
          throw new UsageError('--mode must be nonreactive or reactive');
        if (o.live || !isPath(target)) {
          await viewLive(
            target,
            { planner: o.planner, mode: o.mode, speed: o.speed, host: o.host, port: o.port },
            out,
          );
          return;
        }
        const folder = !target.includes(',') && statSync(target).isDirectory() ? target : undefined;
        const picked = pickRuns(viewPaths(target), {
          ...(o.pick ? { pick: o.pick } : {}),
          ...(o.planners ? { planners: o.planners.split(',').map((p) => p.trim()) } : {}),
          ...(folder ? { root: folder } : {}),
        });
        const files = picked.files;
        out(
          `viewing ${picked.scenario}: ${picked.labels.join(' | ')}${
            picked.runs.length > files.length
              ? ` (${picked.runs.length} runs of it here: ${picked.runs.join(', ')}; choose two with --planners a,b)`
              : ''
          }`,
        );
        const { loadRunViews, startViewer } = await import('../../viewer/index.ts');
        const views = loadRunViews(files.slice(0, 2), o.scenario);
        if (!views.ok) throw new UsageError(runLogError(views.error, files));
        const server = await startViewer(
          { runs: views.value.views, live: false },
          { host: o.host, port: o.port, portSearch: PORT_SEARCH, bev: views.value.bev },
        );
        if (!server.ok) throw new UsageError(formatError(server.error));
        await serveUntilInterrupted(server.value, out, o.port);
      },
    );

  program
    .command('export <runLog>')
    .description('export a run log (.json) to MCAP with Foxglove schemas (opens in Foxglove / Lichtblick)')
    .requiredOption('--mcap <out>', 'output .mcap file')
    .option('--scenario <ref>', 'scenario whose map to use (when the log names a scenario not built in)')
    .option(
      '--time-base <base>',
      "log time of the run's start: scenario (its start time when it has one, else the export time) | now | zero | <Unix seconds>; zero or a number: byte-identical exports",
      'scenario',
    )
    .option(
      '--ego-frame <id>',
      "the ego's frame on /tf (map → it) and of its cube: REP-105's base_link, origin at the rear-axle centre on the ground, x forward (Autoware's and nuPlan's ego pose); `ego` gives the frame exports before 2026-12-06 used",
      'base_link',
    )
    .addHelpText(
      'after',
      `
Time base (--time-base scenario, the default): a scenario from a recorded log (nuPlan) starts at its
log's time (the first lidar_pc of the scenario, UTC), so the export lines up with the original sensor
data; other scenarios have no start time and take the export time. zero or a Unix time: byte-identical exports.`,
    )
    .action(
      async (runLog: string, o: { mcap: string; scenario?: string; timeBase: string; egoFrame: string }) => {
        const base = o.timeBase;
        const fixed = base === 'zero' ? 0 : base === 'now' ? Date.now() / 1000 : Number(base);
        if (
          base !== 'scenario' &&
          base !== 'now' &&
          base !== 'zero' &&
          !(base.trim() !== '' && Number.isFinite(fixed))
        )
          throw new UsageError(
            `--time-base must be scenario, now, zero or a Unix time in seconds, got "${base}"`,
          );
        const log = readRunLog(runLog);
        if (!log.ok) throw new UsageError(runLogError(log.error, [runLog]));
        // where it ran, else beside the log (a moved folder), checked against its content hash
        const src = resolveRunLogSources(log.value, runLog, o.scenario);
        if (!src.ok) throw new UsageError(formatError(src.error));
        const loaded = loadScenario(src.value.ref, src.value.mapPath ? { mapPath: src.value.mapPath } : {});
        if (!loaded.ok) throw new UsageError(formatError(loaded.error));
        if (!/^[A-Za-z_][\w/.-]*$/.test(o.egoFrame))
          throw new UsageError(
            `--ego-frame must be a frame id (letters, digits, _ / . -), got "${o.egoFrame}"`,
          );
        // a log written before run logs carried the start time: the scenario's own (a nuPlan log's)
        const start = log.value.startUnixS ?? loaded.value.scenario.source.startUnixS;
        const r = await exportMcap(
          start !== undefined ? { ...log.value, startUnixS: start } : log.value,
          loaded.value.map,
          o.mcap,
          {
            nowUnixS: Date.now() / 1000,
            egoFrameId: o.egoFrame,
            ...(base !== 'scenario' ? { startUnixS: fixed } : {}),
          },
        );
        if (!r.ok) throw new UsageError(formatError(r.error));
        const parts = Object.entries(r.value.messages).map(([t, n]) => `${t} ${n}`);
        out(
          `wrote ${r.value.path} (${(r.value.bytes / 1024).toFixed(0)} KiB; messages: ${parts.join(', ')})`,
        );
        const { source, startUnixS } = r.value.timeBase;
        out(
          `timestamps start at ${new Date(startUnixS * 1000).toISOString()} (${source === 'scenario start' ? "the scenario's start time" : source === 'given' ? '--time-base' : 'the export time: the scenario has no start time; --time-base zero or a Unix time gives byte-identical exports'})`,
        );
      },
    );

  program
    .command('report <results>')
    .description('HTML evaluation report with plots (scores, speed / accel / jerk, TTC) from run logs')
    .requiredOption('--html <out>', 'output .html file (self-contained)')
    .option('--title <text>', 'report title')
    .action((results: string, o: { html: string; title?: string }) => {
      const files = findRunLogs(results);
      if (!files.ok) throw new UsageError(formatError(files.error));
      const logs = [];
      // In a folder, other .json files (scenarios, maps, notes) are skipped with a note; a file
      // named on its own must be a run log (review ux19 #26: the first scenario JSON stopped it).
      const inFolder = statSync(results).isDirectory();
      const skipped: string[] = [];
      for (const f of files.value) {
        const l = readRunLog(f);
        if (l.ok) logs.push(l.value);
        else if (inFolder) skipped.push(f);
        else throw new UsageError(runLogError(l.error, [f]));
      }
      if (skipped.length > 0)
        out(
          `skipped ${skipped.length} .json file(s) that are not run logs (${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''})`,
        );
      if (logs.length === 0) {
        // none of them a run log: say what the first one is
        const first = readRunLog(skipped[0]!);
        throw new UsageError(
          first.ok ? `${results} holds no run logs` : runLogError(first.error, [skipped[0]!]),
        );
      }
      const html = buildReport(logs, o.title ? { title: o.title } : {});
      try {
        writeFileSync(o.html, html);
      } catch (e) {
        throw new UsageError(`cannot write ${o.html}: ${(e as Error).message}`);
      }
      out(`wrote ${o.html} (${logs.length} runs, ${(html.length / 1024).toFixed(0)} KiB)`);
    });
}
