/**
 * The gate alone, replayed: every call a command stack makes to its safety gate over the built-in
 * suite (reactive mode) is recorded, then replayed on a fresh gate per scenario, so that the gate's
 * own allocation and CPU can be measured apart from the planner, the simulator and the audit, and a
 * change to the gate compared call for call. Prints per replay the JS heap allocated (V8's GC
 * profiler, exact: `heapAllocationMeter`) and the CPU time, and a SHA-256 of every verdict and
 * control check in order — a refactor that is meant to change no result must print the same digest.
 * `--heap-profile FILE` writes a sampling heap profile of one more replay, objects already collected
 * included (Chrome DevTools → Memory → Load profile): where the allocation comes from, by function.
 * Not part of `npm run bench`.
 *
 * Run: node --import tsx bench/gateReplay.ts [idm|pdm-closed] [--reps 3] [--heap-profile gate.heapprofile]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { HeapProfiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { createClassicalController } from '../controller/index.ts';
import { createEnvironmentTransform } from '../perception/index.ts';
import { createBaselinePlanner } from '../planner/index.ts';
import { createSafetyGate, type SafetyGate } from '../safety/index.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/builtin/index.ts';
import { commandFromTrajectory, createStack, runStackScenario } from '../stack/index.ts';
import { heapAllocationMeter } from './stackRun.ts';

type Method = 'checkCommand' | 'checkControl' | 'trajectoryFor';
const METHODS: Method[] = ['checkCommand', 'checkControl', 'trajectoryFor'];
interface Call {
  method: Method;
  args: unknown[];
}

/** The gate calls of `baseline`'s stack over the built-in suite, one list per scenario. */
async function record(baseline: string): Promise<Call[][]> {
  const out: Call[][] = [];
  for (const id of BUILTIN_IDS) {
    const { scenario, map } = builtinScenario(id)!;
    const inner = createBaselinePlanner(baseline);
    if (!inner.ok) throw new Error(inner.error.message);
    const transform = createEnvironmentTransform(map, {}, scenario.vehicle);
    if (!transform.ok) throw new Error(transform.error.message);
    const calls: Call[] = [];
    out.push(calls);
    const gate = createSafetyGate();
    const recording = Object.create(gate) as SafetyGate;
    for (const method of METHODS)
      (recording as unknown as Record<Method, unknown>)[method] = (...args: unknown[]) => {
        calls.push({ method, args });
        return (gate[method] as (...a: unknown[]) => unknown)(...args);
      };
    const stack = createStack({
      planner: commandFromTrajectory(inner.value),
      perception: { transform: (s, route, prev) => transform.value.transform(s, route, prev) },
      gate: recording,
      controller: createClassicalController(),
    });
    await runStackScenario(scenario, map, stack, { mode: 'reactive' });
  }
  return out;
}

/** Replays the calls, a fresh gate per scenario; with `digest`, hashes every result in order. */
function replay(recorded: Call[][], digest?: ReturnType<typeof createHash>): void {
  for (const calls of recorded) {
    const gate = createSafetyGate();
    for (const c of calls) {
      const result = (gate[c.method] as (...a: unknown[]) => unknown)(...c.args);
      digest?.update(JSON.stringify(result));
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const reps = Number(opt('--reps') ?? 3);
  const profileOut = opt('--heap-profile');
  const baseline = args[0] ?? 'idm';
  if (!(reps >= 1)) {
    console.error('usage: gateReplay.ts [idm|pdm-closed] [--reps 3] [--heap-profile FILE]');
    process.exit(2);
  }
  const recorded = await record(baseline);
  const calls = recorded.reduce((a, c) => a + c.length, 0);
  const digest = createHash('sha256');
  replay(recorded, digest);
  replay(recorded); // warm-up
  for (let r = 0; r < reps; r++) {
    const meter = heapAllocationMeter();
    const c0 = process.cpuUsage();
    meter.start();
    replay(recorded);
    const allocated = meter.stop();
    const c = process.cpuUsage(c0);
    console.log(
      `replay ${r + 1}: ${calls} gate calls (${baseline} stack, ${BUILTIN_IDS.length} scenarios), ${(allocated / 1048576).toFixed(1)} MB allocated, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU`,
    );
  }
  console.log(`verdicts sha256 ${digest.digest('hex')}`);
  if (profileOut) {
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.enable');
    // (the two flags keep what young- and old-generation collections cleared: an allocation profile)
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 8192,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as HeapProfiler.StartSamplingParameterType);
    replay(recorded);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(profileOut, JSON.stringify(profile));
    session.disconnect();
    console.log(`heap profile: ${profileOut}`);
  }
}

await main();
