/** `edgeplan safety check|fuzz`: the situational-safety gate from the command line (safety/README.md). */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { fail, formatError, type Result } from '../../core/index.ts';
import { readTextFile } from '../../core/readTextFile.ts';
import { createSafetyGate } from '../../safety/index.ts';
import {
  type LoadedScenario,
  loadScenario,
  scenarioFromData,
  withLiveStoryboard,
} from '../../scenarios/index.ts';
import { runScenario, type SimLog } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import {
  createDriver,
  createGatedPlanner,
  fuzzTable,
  GATE_SUFFIX,
  PLANNER_NAMES,
  runFuzz,
  runStackScenario,
  sceneAt,
} from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';
import { addLlmOptions, awaitModel, driverOptionsFrom, type LlmFlags } from '../llmFlags.ts';
import { AUDIT_MAX_MB_HELP, auditMaxMbArg, openAudit } from './openAudit.ts';

/** How far past its lane's end a stop line may sit (rounding of a hand-written sM), m. */
const STOP_LINE_SLACK_M = 0.5;

function num(name: string, integer = false) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
      throw new UsageError(`${name} must be a${integer ? 'n integer' : ' number'}, got "${v}"`);
    return n;
  };
}

/**
 * A scene for `safety check`: any scenario reference; a Scenario JSON may leave out `expert` (the
 * gate never reads it: the ego then holds its start speed and heading up to `--at`), and every lane
 * id it names — lights, stop lines, IDM agents' lanes — must be on the map (a light on a lane that
 * does not exist governed nothing, silently: red team 3).
 */
function loadScene(ref: string, mapPath?: string): Result<LoadedScenario> {
  if (!ref.endsWith('.json')) return loadScenario(ref, mapPath ? { mapPath } : {});
  const text = readTextFile(ref);
  if (!text.ok) return text;
  let data: unknown;
  try {
    data = JSON.parse(text.value);
  } catch (e) {
    return fail('PARSE_ERROR', ref, `not valid JSON (${(e as Error).message})`);
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && !('expert' in data)) {
    const e = (data as { egoStart?: Record<string, unknown> }).egoStart;
    const [x, y, headingRad, speedMps] = [e?.x, e?.y, e?.headingRad, e?.speedMps];
    // a malformed egoStart is left to the schema, which names the field
    if (
      typeof x === 'number' &&
      typeof y === 'number' &&
      typeof headingRad === 'number' &&
      typeof speedMps === 'number'
    ) {
      const tS = typeof e?.tS === 'number' ? e.tS : 0;
      const given = Number((data as { durationS?: unknown }).durationS ?? 15);
      const d = Number.isFinite(given) && given > 0 ? given : 15; // a bad one is the schema's to name
      const far = speedMps * d;
      (data as Record<string, unknown>).expert = [
        { tS, x, y, headingRad, speedMps },
        {
          tS: tS + d,
          x: x + far * Math.cos(headingRad),
          y: y + far * Math.sin(headingRad),
          headingRad,
          speedMps,
        },
      ];
    }
  }
  const read = scenarioFromData(data, ref, dirname(ref));
  // a Scenario JSON of a live storyboard (`edgeplan import` of such a file) runs it live as `run` does
  const loaded = read.ok ? withLiveStoryboard(read.value) : read;
  if (!loaded.ok) return loaded;
  const { scenario, map } = loaded.value;
  const known = (id: string) => map.lane(id) !== undefined;
  for (const [i, sig] of scenario.signals.entries())
    for (const [j, id] of sig.laneIds.entries())
      if (!known(id))
        return fail('INVALID_INPUT', `${ref}:signals.${i}.laneIds.${j}`, `lane ${id} is not in the map`);
  for (const [i, a] of scenario.agents.entries())
    if (a.behavior.type === 'idm')
      for (const [j, id] of a.behavior.laneIds.entries())
        if (!known(id))
          return fail(
            'INVALID_INPUT',
            `${ref}:agents.${i}.behavior.laneIds.${j}`,
            `lane ${id} is not in the map`,
          );
  if (scenario.map.kind === 'inline')
    for (const [i, sl] of scenario.map.map.stopLines.entries())
      if (!known(sl.laneId))
        return fail(
          'INVALID_INPUT',
          `${ref}:map.map.stopLines.${i}.laneId`,
          `lane ${sl.laneId} is not in the map`,
        );
      // a line past its lane's end governs nothing there: the light it stands for would be missed
      else if (sl.sM > map.mustLane(sl.laneId).line.length + STOP_LINE_SLACK_M)
        return fail(
          'INVALID_INPUT',
          `${ref}:map.map.stopLines.${i}.sM`,
          `${sl.sM} m is past the end of lane ${sl.laneId} (${Math.round(map.mustLane(sl.laneId).line.length * 10) / 10} m long)`,
        );
  return loaded;
}

export function register(program: Command, out: Out): void {
  const safety = program
    .command('safety')
    .description(
      'situational-safety gate: check one command, run a scenario behind the gate (with an audit log), or fuzz the full stack',
    );

  safety
    .command('check <scenario>')
    .description('verdict of the gate for one mid-level command in one scene (scenario at --at seconds)')
    .option('--at <tS>', 'scene time in the scenario, s (default 0: the scene as written)', num('--at'), 0)
    .requiredOption(
      '--command <json>',
      'MidLevelCommand JSON (issuedAtS/expiresAtS default to the scene time / +1 s)',
    )
    .option('--json', 'print the verdict as JSON')
    .option(
      '--map <file>',
      'map for a scenario file that needs one (e.g. Town01.xodr for scenario_runner .xosc)',
    )
    .action((ref: string, o: { at: number; command: string; json?: boolean; map?: string }) => {
      const loaded = loadScene(ref, o.map);
      if (!loaded.ok) throw new UsageError(formatError(loaded.error));
      // a live storyboard's actors at --at: what it did with the expert's ego up to then
      const sc = sceneAt(loaded.value.scenario, loaded.value.map, o.at, loaded.value.storyboard);
      if (!sc.ok) throw new UsageError(formatError(sc.error));
      let raw: unknown;
      try {
        raw = JSON.parse(o.command);
      } catch (e) {
        throw new UsageError(`--command is not JSON: ${(e as Error).message}`);
      }
      const t = sc.value.snapshot.tS;
      const command =
        raw && typeof raw === 'object' && !Array.isArray(raw)
          ? { issuedAtS: t, expiresAtS: t + 1, ...(raw as object) }
          : raw;
      const verdict = createSafetyGate().checkCommand(command, sc.value);
      if (o.json) out(JSON.stringify(verdict, null, 2));
      else {
        out(verdict.explanation);
        for (const r of verdict.rules)
          if (r.decision !== 'ALLOW') out(`  ${r.rule} ${r.decision}: ${r.message}`);
      }
      // The gate vetoes a command that is not a MidLevelCommand (its verdict is printed above); for
      // the command line that is bad input, so the exit code is 2 like every other bad input.
      const schema = verdict.rules.find((r) => r.rule === 'input.schema' && r.decision !== 'ALLOW');
      if (schema) {
        const at = (schema.values as { path?: unknown } | undefined)?.path;
        throw new UsageError(
          `--command is not a valid MidLevelCommand${typeof at === 'string' && at ? ` at ${at}` : ''}: ${schema.message}`,
        );
      }
    });

  safety
    .command('fuzz')
    .description(
      'randomised closed-loop scenarios, full stack with the gate off and on; at-fault collisions side by side',
    )
    .option('--n <n>', 'number of scenarios', num('--n', true), 1000)
    .option('--seed <s>', 'random seed', num('--seed', true), 7)
    .option('--planner <name>', 'inner planner', 'idm')
    .option('--duration <s>', 'scenario length, s', num('--duration'), 6)
    .option('--workers <n>', 'worker threads', num('--workers', true), 2)
    .option('--json', 'print the report as JSON')
    .option(
      '--runs <file>',
      'write every run (family, progress and score gate off / on, ticks each rule did not allow) as JSON Lines',
    )
    .action(
      async (o: {
        n: number;
        seed: number;
        planner: string;
        duration: number;
        workers: number;
        json?: boolean;
        runs?: string;
      }) => {
        if (o.n < 1) throw new UsageError('--n must be ≥ 1');
        const report = await runFuzz({
          n: o.n,
          seed: o.seed,
          planner: o.planner,
          durationS: o.duration,
          workers: o.workers,
        });
        // per run, to find where the gate's progress goes (the table sums rules over a family);
        // written also when runs failed (their errors are in it)
        if (o.runs) writeFileSync(o.runs, report.runs.map((r) => `${JSON.stringify(r)}\n`).join(''));
        if (report.errors > 0)
          throw new UsageError(
            `${report.errors} fuzz run(s) failed: ${report.runs.find((r) => r.error)?.error}` +
              (o.runs ? ` (every run in ${o.runs})` : ''),
          );
        if (o.json) {
          const { runs: _runs, ...summary } = report;
          out(JSON.stringify(summary, null, 2));
          return;
        }
        out(`fuzz: ${o.n} scenarios, seed ${o.seed}, planner ${o.planner}, ${o.duration} s each`);
        out(fuzzTable(report));
        if (o.runs) out(`wrote ${o.runs} (${report.runs.length} runs)`);
      },
    );

  addLlmOptions(safety.command('run <scenario>'))
    .description(
      'run one scenario closed-loop with the gate around a planner (a trajectory baseline, a <name>-stack or hierarchical, whose gate is their own); --audit writes the audit log',
    )
    .option(
      '--planner <name>',
      `planner: ${PLANNER_NAMES.join(', ')} (without ${GATE_SUFFIX}: the gate is put around it here)`,
      'idm',
    )
    .option('--audit <log>', 'audit log (JSON Lines) to append to; without it nothing is recorded')
    .option(
      '--key <pem>',
      'ed25519 private key for signed checkpoints (created if missing); without it the log cannot verify',
    )
    .option(
      '--audit-adopt-tail',
      'resume a log whose last records are not signed (after a crash): sign them, and say how many',
    )
    .option('--audit-max-mb <mb>', AUDIT_MAX_MB_HELP, auditMaxMbArg)
    .option(
      '--map <file>',
      'map for a scenario file that needs one (e.g. Town01.xodr for scenario_runner .xosc)',
    )
    .action(
      async (
        ref: string,
        o: {
          planner: string;
          audit?: string;
          key?: string;
          auditAdoptTail?: boolean;
          auditMaxMb?: number;
          map?: string;
        } & LlmFlags,
      ) => {
        const loaded = loadScenario(ref, o.map ? { mapPath: o.map } : {});
        if (!loaded.ok) throw new UsageError(formatError(loaded.error));
        // `idm+gate` here put a second gate around the gated planner without a word (review 14 H3)
        if (o.planner.endsWith(GATE_SUFFIX))
          throw new UsageError(
            `--planner ${o.planner}: safety run puts the gate around the planner itself; give it without ${GATE_SUFFIX} (${o.planner.slice(0, -GATE_SUFFIX.length)})`,
          );
        // --llm / --tips as `run` takes them (the same option builder): an LLM-driven run's model
        // calls go into the audit log with the commands they planned (review ux21 #3)
        const d = createDriver(o.planner, await driverOptionsFrom([o.planner], o));
        // the registry's message offers <name>+gate too, which this command refuses: list what it takes
        if (!d.ok)
          throw new UsageError(
            `--planner: unknown planner "${o.planner}" (known: ${PLANNER_NAMES.join(', ')})`,
          );
        const driver = d.value;
        if (driver.kind === 'stack') await awaitModel(driver, o);
        const log = o.audit
          ? openAudit(
              {
                log: o.audit,
                key: o.key,
                adoptTail: o.auditAdoptTail,
                keyFlag: '--key',
                maxMb: o.auditMaxMb,
              },
              out,
            )
          : undefined;
        const { scenario, map, storyboard } = loaded.value;
        // a live storyboard runs against the gated ego, as in `run`
        const live = storyboard ? { storyboard } : {};
        let counts = { ALLOW: 0, MODIFY: 0, VETO: 0 };
        let label: string;
        let simLog: SimLog;
        try {
          if (driver.kind === 'trajectory') {
            label = `gated(${o.planner})`;
            const planner = createGatedPlanner(driver.planner, {
              gate: createSafetyGate(),
              ...(log ? { audit: log } : {}),
              onVerdict: (_t, v) => counts[v.decision]++,
            });
            simLog = runScenario(scenario, map, planner, { mode: 'nonreactive', ...live });
          } else {
            // a command stack and the hierarchical planner carry their own gate: it writes the log
            label = `${o.planner} (its gate)`;
            const stack = driver.build(scenario, map, log ? { audit: log } : {});
            simLog = await runStackScenario(scenario, map, stack, { mode: 'nonreactive', ...live });
            counts = { ...stack.stats.verdicts };
          }
        } finally {
          if (driver.kind === 'stack') driver.close?.();
          log?.close();
        }
        const m = evaluateRun(simLog, map);
        const atFault = m.details.collisions.filter((c) => c.atFault).length;
        out(
          `${scenario.id} · ${label} · score ${(100 * m.score).toFixed(1)} · at-fault collisions ${atFault} · verdicts ALLOW ${counts.ALLOW}, MODIFY ${counts.MODIFY}, VETO ${counts.VETO}`,
        );
        // the head and count, kept out of band, are what `audit verify --expect-head` checks a later copy against
        if (o.audit && log)
          out(
            `audit log: ${o.audit} (${log.records} records${log.segments > 1 ? ` in ${log.segments} segments, the last ${log.path}` : ''}, head ${log.headHash})`,
          );
        // as the bridges say it: without --audit nothing is recorded (review ux19 #29)
        else out('no audit log (--audit <log> --key <pem>): the verdicts were counted, not recorded');
      },
    );
}
