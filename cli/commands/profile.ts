/**
 * `edgeplan profile <scenario>`: one closed-loop run under V8's sampling CPU profiler
 * (node:inspector), written as a `.cpuprofile` that Chrome DevTools (Performance → Load profile)
 * and speedscope open. Prints where the self time went, so a first look needs no viewer.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { formatError } from '../../core/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import type { AgentMode } from '../../sim/index.ts';
import { createDriver, PLANNER_NAMES, runDriver } from '../../stack/index.ts';
import { type Out, UsageError } from '../errors.ts';
import { markdownTable } from '../table.ts';

/** The parts of a V8 CPU profile (Profiler.Profile) this command reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function (ms), largest first: sample deltas summed by the node each sample hit. */
export function selfTimeMs(p: CpuProfile, top: number): { fn: string; ms: number }[] {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const byFn = new Map<string, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const n = byNode.get(samples[i]!);
    if (!n) continue;
    const f = n.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    // timeDeltas[i] is the time since the previous sample, so it belongs to sample i-1's node;
    // with ~1 ms sampling the difference is one interval
    byFn.set(key, (byFn.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  return [...byFn.entries()]
    .map(([fn, ms]) => ({ fn, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

export function register(program: Command, out: Out): void {
  program
    .command('profile <scenario>')
    .description(
      'run one scenario under the CPU profiler and write a .cpuprofile (Chrome DevTools, speedscope)',
    )
    .addOption(new Option('--planner <name>', `planner (${PLANNER_NAMES.join(' | ')})`).default('pdm-closed'))
    .addOption(
      new Option('--mode <mode>', 'agents: nonreactive | reactive')
        .choices(['nonreactive', 'reactive'])
        .default('nonreactive'),
    )
    .option('--seed <n>', 'random seed', '0')
    .option('--map <file>', 'map for references that need one (CARLA routes: the town .xodr)')
    .option('--interval-us <us>', 'sampling interval, µs', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 10)
        throw new InvalidArgumentError('--interval-us must be an integer ≥ 10');
      return n;
    })
    .requiredOption('--out <file>', 'profile to write (.cpuprofile)')
    .action(
      async (
        ref: string,
        o: { planner: string; mode: AgentMode; seed: string; map?: string; intervalUs?: number; out: string },
      ) => {
        const seed = Number(o.seed);
        if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be an integer ≥ 0');
        const loaded = loadScenario(ref, o.map ? { mapPath: o.map } : {});
        if (!loaded.ok) throw new UsageError(formatError(loaded.error));
        const driver = createDriver(o.planner);
        if (!driver.ok) throw new UsageError(formatError(driver.error));
        const { scenario, map } = loaded.value;

        const session = new Session();
        session.connect();
        let profile: CpuProfile;
        try {
          await session.post('Profiler.enable');
          if (o.intervalUs !== undefined)
            await session.post('Profiler.setSamplingInterval', { interval: o.intervalUs });
          await session.post('Profiler.start');
          const log = await runDriver(driver.value, scenario, map, {
            mode: o.mode,
            seed,
            ...(loaded.value.storyboard ? { storyboard: loaded.value.storyboard } : {}),
          });
          profile = (await session.post('Profiler.stop')).profile as CpuProfile;
          out(
            `${scenario.id} · ${o.planner} · ${o.mode}: ${log.ticks.length} ticks, ${((profile.endTime - profile.startTime) / 1e6).toFixed(2)} s profiled, ${profile.samples?.length ?? 0} samples`,
          );
        } finally {
          session.disconnect();
        }
        try {
          writeFileSync(o.out, JSON.stringify(profile));
        } catch (e) {
          throw new UsageError(`--out ${o.out}: ${(e as Error).message}`);
        }
        out(
          markdownTable(
            ['function (self time)', 'ms'],
            selfTimeMs(profile, 10).map((r) => [r.fn, r.ms.toFixed(1)]),
            ['l', 'r'],
          ),
        );
        out(`wrote ${o.out} (open it in Chrome DevTools → Performance → Load profile, or speedscope.app)`);
      },
    );
}
