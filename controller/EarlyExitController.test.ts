import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Control, type MidLevelCommand, VehicleParamsSchema } from '../core/index.ts';
import type { ControllerInfo } from '../core/planning/index.ts';
import { command, driveController } from '../stack/testing/simScene.ts';
import { createClassicalController } from './ClassicalController.ts';
import { controllerFactory } from './ControllerFactory.ts';
import {
  atBrakingLimit,
  calibrateRunner,
  createEarlyExitController,
  decelToStopAtMps2,
  EMERGENCY_STOP_PATH,
  LEAVING_LIMIT_STOP_PATH,
  STOP_BEYOND_REACH_PATH,
} from './EarlyExitController.ts';
import { FEATURE_DIM } from './Features.ts';
import { createPolicyRunner, type PolicyResult, type PolicyRunner, PROBE_RUNS } from './PolicyRunner.ts';
import { threadRunClock } from './ThreadSchedStat.ts';
import { frontOnR0M, map, straightScene, windingScene, worstOffsetM } from './testFixtures.ts';

const runner = createPolicyRunner();
afterAll(() => runner.close());

/** A runner that answers every step with a fixed action (fault injection); `calls.runs` counts its steps. */
function fakeRunner(a0: number, a1: number, calls = { runs: 0 }): PolicyRunner {
  const action = new Float32Array([a0, a1]);
  const res: PolicyResult = { ok: true, action, exit: 6, agreement: 0 };
  return {
    dir: '',
    manifest: runner.manifest,
    loadError: undefined,
    ready: () => true,
    blockMicros: () => [],
    run: () => {
      calls.runs++;
      return res;
    },
    exitActions: () => new Float32Array(12),
    workerThreadId: () => 0,
    probeMs: () => new Float64Array(0),
    close: () => {},
  };
}

function drive(
  ctrl: ReturnType<typeof createEarlyExitController>,
  seconds = 3,
  cmd: MidLevelCommand | ((tS: number) => MidLevelCommand) = command({ speed: 'KEEP', targetSpeedMps: 10 }),
) {
  const scene = straightScene(10, 10, seconds);
  const infos: ControllerInfo[] = [];
  const controls: Control[] = [];
  const wrapped = {
    ...ctrl,
    step: (s: never, r: never, c: never) => {
      const o = ctrl.step(s, r, c);
      infos.push(o.info);
      controls.push(o.control);
      return o;
    },
  };
  const egos = driveController(scene, wrapped as never, typeof cmd === 'function' ? cmd : () => cmd);
  return { infos, controls, egos };
}

describe('multi-exit policy on onnxruntime-node (committed artefacts)', () => {
  it('loads every block of the committed model in the worker', () => {
    expect(runner.ready()).toBe(true);
    expect(runner.manifest!.blocks).toBeGreaterThanOrEqual(3);
    expect(runner.blockMicros().every((u) => u > 0)).toBe(true);
  });

  it('stopping at an exit really skips the later blocks', () => {
    const K = runner.manifest!.blocks;
    const a = new Float32Array(FEATURE_DIM).fill(0.1);
    const all = runner.run(a, { mode: 'all' });
    expect(all.exit).toBe(K);
    const before = Float32Array.from(runner.exitActions());
    const b = new Float32Array(FEATURE_DIM).fill(-0.3);
    // a huge threshold: the rule stops at exit 2, the earliest it can compare two exits
    const early = runner.run(b, { mode: 'early', thresholds: new Array(K).fill(1e9) });
    expect(early.ok).toBe(true);
    expect(early.exit).toBe(2);
    const after = runner.exitActions();
    // exits 1–2 were recomputed for the new input; exits 3..K still hold the previous input's actions
    expect(after[0]).not.toBeCloseTo(before[0]!, 6);
    for (let i = 4; i < 2 * K; i++) expect(after[i]).toBe(before[i]);
  });

  it("names the worker's thread, whose scheduler statistics can be read from the caller", () => {
    const tid = runner.workerThreadId();
    if (process.platform !== 'linux') return expect(tid).toBe(0);
    expect(tid).toBeGreaterThan(0);
    expect(tid).not.toBe(process.pid);
    // it has run (loading the blocks, the runs above)
    expect(threadRunClock(tid)()).toBeGreaterThan(0);
  });

  it('times full-depth runs on-core for p99 budgets, and a budget below the fastest step is not met', () => {
    const p = runner.probeMs();
    if (process.platform !== 'linux') return expect(p.length).toBe(0);
    expect(p.length).toBeGreaterThanOrEqual(PROBE_RUNS / 2);
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]!);
    expect(p[0]).toBeGreaterThan(0);
    const cal = calibrateRunner(runner, { kind: 'p99', ms: p[0]! / 4 })!;
    expect(cal.met).toBe(false);
    expect(cal.p99LatencyMs).toBeGreaterThan(p[0]! / 4);
  });

  it('a p99 budget takes the closed-loop profile it is given over the warm probe', () => {
    // a profile whose tail only stopping early brings under the budget
    const profile = Array.from({ length: 1000 }, (_, i) => (i < 970 ? 0.3 : 0.55));
    const withProfile = calibrateRunner(runner, { kind: 'p99', ms: 0.5 }, { stepSamplesMs: profile })!;
    expect(withProfile.met).toBe(true);
    expect(withProfile.p99LatencyMs).toBeLessThanOrEqual(0.5);
    expect(withProfile.exitShare[runner.manifest!.blocks - 1]!).toBeLessThan(1);
    // a profile no exit brings under the budget: said so (full-depth steps of ~100 ms: skipping
    // later blocks cannot save that much, however slow the loaded machine makes the blocks' medians)
    const slowSteps = [90, 100, 110];
    const slow = calibrateRunner(runner, { kind: 'p99', ms: 0.5 }, { stepSamplesMs: slowSteps })!;
    expect(slow.met).toBe(false);
    // the factory says so to its user
    const f = controllerFactory('early-exit', { budget: 'p99:0.5ms', stepSamplesMs: slowSteps });
    expect(f.ok && f.value.calibration()?.met).toBe(false);
    if (f.ok) f.value.close();
    const c = controllerFactory('classical');
    expect(c.ok && c.value.calibration()).toBe(undefined);
  });

  it('the full-depth controller drives a winding lane on the network alone', () => {
    const scene = windingScene(8);
    const infos: ControllerInfo[] = [];
    const ctrl = createEarlyExitController({ runner, mode: 'full', timeoutMs: 10_000 });
    const egos = driveController(
      scene,
      {
        ...ctrl,
        step: (s: never, r: never, c: never) => {
          const o = ctrl.step(s, r, c);
          infos.push(o.info);
          return o;
        },
      } as never,
      () => command({ speed: 'KEEP', targetSpeedMps: 10 }),
    );
    expect(infos.every((i) => i.fallback === undefined && i.exit === runner.manifest!.blocks)).toBe(true);
    expect(worstOffsetM(scene.map, 'R0', egos.slice(20))).toBeLessThan(0.6);
  });

  it("the early exits read out full depth's action (heads distilled to the last exit)", () => {
    // on the committed held-out rows (runs never trained on): exit 2, where avg:40% stops most
    // steps, within 0.025 of full depth (normalised units) at 9 rows in 10 (the model before the
    // distillation stage of train:controller: 0.034)
    const m = runner.manifest!;
    const K = m.blocks;
    const buf = readFileSync(join(runner.dir, m.calibration.file));
    const rows = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const stride = 2 * K + 2;
    const gaps: number[] = [];
    for (let o = 0; o + stride <= rows.length; o += stride)
      gaps.push(Math.hypot(rows[o + 2]! - rows[o + 2 * K - 2]!, rows[o + 3]! - rows[o + 2 * K - 1]!));
    gaps.sort((a, b) => a - b);
    expect(gaps.length).toBeGreaterThan(1000);
    expect(gaps[Math.floor(0.9 * gaps.length)]!).toBeLessThan(0.025);
    // and on the real runtime in closed loop, braking on command: every exit's action at every step
    // (mode 'full'); exit 2 within 0.015 of full depth at 9 steps in 10 (before the distillation: 0.022)
    const scene = straightScene(10, 10, 6);
    const ctrl = createEarlyExitController({ runner, mode: 'full' });
    const loop: number[] = [];
    driveController(
      scene,
      {
        ...ctrl,
        step: (s: never, r: never, c: never) => {
          const o = ctrl.step(s, r, c);
          const ex = runner.exitActions();
          loop.push(Math.hypot(ex[2]! - ex[2 * K - 2]!, ex[3]! - ex[2 * K - 1]!));
          return o;
        },
      } as never,
      () => command({ speed: 'DECELERATE', targetSpeedMps: 2, decelMps2: 2 }),
    );
    loop.sort((a, b) => a - b);
    expect(loop[Math.floor(0.9 * loop.length)]!).toBeLessThan(0.015);
  });

  it('under a tight average budget exits early and reports exit, compute and agreement', () => {
    const cal = calibrateRunner(runner, { kind: 'avg', fraction: 0.45 })!;
    expect(cal.meanComputeFraction).toBeLessThanOrEqual(0.45);
    const { infos } = drive(
      // a deadline no busy machine misses: this measures the exits, not the scheduler (the deadline's own test is below)
      createEarlyExitController({
        runner,
        mode: 'early',
        budget: { kind: 'avg', fraction: 0.45 },
        timeoutMs: 10_000,
      }),
    );
    const K = runner.manifest!.blocks;
    expect(infos.every((i) => i.fallback === undefined)).toBe(true);
    expect(infos.some((i) => (i.exit ?? K) < K)).toBe(true);
    const mean = infos.reduce((s, i) => s + i.computeFraction!, 0) / infos.length;
    expect(mean).toBeLessThan(0.9);
    for (const i of infos) {
      expect(i.exits).toBe(K);
      expect(Number.isFinite(i.agreement)).toBe(true);
    }
  });
});

describe('classical fallback', () => {
  it('takes over when the model is missing, and the step says so', () => {
    const missing = createPolicyRunner({ modelDir: '/nonexistent/model' });
    const { infos, controls } = drive(createEarlyExitController({ runner: missing, mode: 'full' }), 1);
    expect(infos.every((i) => i.fallback?.startsWith('model unavailable'))).toBe(true);
    // the same controls as the classical tracker itself
    const ref = drive(createClassicalController() as never, 1).controls;
    expect(controls).toEqual(ref);
  });

  it('takes over when the policy misses its deadline, and the step says so', () => {
    // the runner's answer to a missed deadline, on every step (the real runner's timing is below)
    const late: PolicyRunner = {
      ...runner,
      run: (f) => ({
        ok: false,
        action: f.subarray(0, 0),
        exit: 0,
        agreement: Number.NaN,
        error: 'policy timed out',
      }),
    };
    const { infos, controls } = drive(createEarlyExitController({ runner: late, mode: 'full' }), 1);
    expect(infos.every((i) => i.fallback === 'policy timed out' && i.exit === undefined)).toBe(true);
    // the same controls as the classical tracker itself
    expect(controls).toEqual(drive(createClassicalController() as never, 1).controls);
  });

  it('the real runner drops an inference that has not answered by a nanosecond deadline', () => {
    // the shortest wait the OS grants can outlast an inference on a quiet machine, so some steps
    // answer in time: how many depends on the load (seen: from fewer than half of the steps to all), never none
    const { infos, controls } = drive(
      createEarlyExitController({ runner, mode: 'full', timeoutMs: 1e-6 }),
      1,
    );
    const late = infos.filter((i) => i.fallback === 'policy timed out');
    expect(late.length).toBeGreaterThan(0);
    for (const i of late) expect(i.exit).toBeUndefined();
    expect(infos.every((i) => i.fallback === undefined || i.fallback === 'policy timed out')).toBe(true);
    for (const c of controls) if (c.kind === 'ackermann') expect(Number.isFinite(c.accelMps2)).toBe(true);
  });

  it('never returns a NaN control', () => {
    const { infos, controls } = drive(
      createEarlyExitController({ runner: fakeRunner(Number.NaN, 0), mode: 'full' }),
      1,
    );
    expect(infos.every((i) => i.fallback === 'non-finite action')).toBe(true);
    for (const c of controls) if (c.kind === 'ackermann') expect(Number.isFinite(c.accelMps2)).toBe(true);
  });

  it('never returns a control beyond the platform limits', () => {
    // 5 × 3 m/s² = 15 m/s² of acceleration; the car can do 3
    const { infos, controls } = drive(
      createEarlyExitController({ runner: fakeRunner(5, 0), mode: 'full' }),
      1,
    );
    expect(infos.every((i) => i.fallback === 'action out of limits')).toBe(true);
    for (const c of controls) if (c.kind === 'ackermann') expect(c.accelMps2).toBeLessThanOrEqual(3);
  });
});

describe('emergency stop on the verified path', () => {
  // the network's answer to every step: −1.5 × 3 = −4.5 m/s², within the limits (no fallback), but
  // short of the −8 an emergency stop asks (what the committed network did at parked_truck_borrow's stop)
  const underBraking = -1.5;

  it('a STOP at the platform braking limit is executed by the classical tracker, the network not run', () => {
    const maxDecel = VehicleParamsSchema.parse({}).maxDecelMps2;
    const stop = command({
      speed: 'STOP',
      targetSpeedMps: 0,
      decelMps2: maxDecel,
      source: 'mrm:EMERGENCY_STOP',
    });
    const calls = { runs: 0 };
    const { infos, controls } = drive(
      createEarlyExitController({ runner: fakeRunner(underBraking, 0, calls), mode: 'full' }),
      1,
      stop,
    );
    expect(calls.runs).toBe(0);
    expect(infos.every((i) => i.verifiedPath === EMERGENCY_STOP_PATH && i.fallback === undefined)).toBe(true);
    expect(infos.every((i) => i.computeFraction === 0 && i.exit === undefined)).toBe(true);
    // the same controls as the classical tracker itself: braking at the limit, not at −4.5
    const ref = drive(createClassicalController() as never, 1, stop).controls;
    expect(controls).toEqual(ref);
    expect(controls[0]).toMatchObject({ kind: 'ackermann', accelMps2: -maxDecel });
  });

  /** The point `aheadM` in front of the ego's front bumper at the start of `drive` (10 m along R0). */
  const aheadOfFront = (aheadM: number) => {
    const { scenario } = straightScene(10, 10, 1);
    const p = map.mustLane('R0').line.poseAt(frontOnR0M(scenario.egoStart) + aheadM);
    return { x: p.x, y: p.y };
  };

  it('a STOP at a point nearer than the platform can brake for is executed by the classical tracker', () => {
    // 10 m/s and the point 2 m ahead: 25 m/s² to stop there (hierarchical's "wait behind parked_truck
    // in 0.0 m" with decelMps2 6, one step before the gate's emergency stop)
    const stop = command({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 6, stopAt: aheadOfFront(2) });
    const calls = { runs: 0 };
    const { infos, controls } = drive(
      createEarlyExitController({ runner: fakeRunner(underBraking, 0, calls), mode: 'full' }),
      1,
      stop,
    );
    expect(calls.runs).toBe(0);
    expect(infos.every((i) => i.verifiedPath === STOP_BEYOND_REACH_PATH && i.fallback === undefined)).toBe(
      true,
    );
    expect(controls).toEqual(drive(createClassicalController() as never, 1, stop).controls);
  });

  it('hands back to the network only once the ego brakes no harder than a nominal command', () => {
    // the emergency stop released after 0.5 s (the gate passes commands again): the ego still
    // decelerates near the limit for the actuator's lag, a state as rare in the network's rows
    const maxDecel = VehicleParamsSchema.parse({}).maxDecelMps2;
    const at = (tS: number) =>
      tS < 0.5 - 1e-9
        ? command({ speed: 'STOP', targetSpeedMps: 0, decelMps2: maxDecel })
        : command({ speed: 'KEEP', targetSpeedMps: 10 });
    const egos: number[] = [];
    const { infos } = drive(
      createEarlyExitController({ runner: fakeRunner(0, 0), mode: 'full' }),
      2,
      (tS) => {
        egos.push(tS);
        return at(tS);
      },
    );
    const first = egos.findIndex((t) => t >= 0.5 - 1e-9);
    expect(infos[first - 1]!.verifiedPath).toBe(EMERGENCY_STOP_PATH);
    expect(infos[first]!.verifiedPath).toBe(LEAVING_LIMIT_STOP_PATH);
    const back = infos.findIndex((i, k) => k > first && i.verifiedPath === undefined);
    expect(back).toBeGreaterThan(first);
    // from then on the network, no fallback
    expect(infos.slice(back).every((i) => i.exit === 6 && i.fallback === undefined && !i.verifiedPath)).toBe(
      true,
    );
  });

  it('a nominal STOP still runs the network', () => {
    // 10 m/s, the point 40 m ahead: 1.25 m/s² to stop there
    const stop = command({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 3, stopAt: aheadOfFront(40) });
    const calls = { runs: 0 };
    const { infos, controls } = drive(
      createEarlyExitController({ runner: fakeRunner(underBraking, 0, calls), mode: 'full' }),
      1,
      stop,
    );
    expect(calls.runs).toBe(infos.length);
    expect(infos.every((i) => i.exit === 6 && i.verifiedPath === undefined && i.fallback === undefined)).toBe(
      true,
    );
    expect(controls[0]!.kind === 'ackermann' && controls[0]!.accelMps2).toBeCloseTo(-4.5, 1);
  });

  it("the criterion is the braking asked for, at the limit less the gate's rounding", () => {
    const car = VehicleParamsSchema.parse({});
    const at = (c: Partial<MidLevelCommand>) => atBrakingLimit(command(c), car);
    expect(at({ speed: 'STOP', decelMps2: car.maxDecelMps2 - 0.005 })).toBe(true);
    expect(at({ speed: 'DECELERATE', targetSpeedMps: 2, decelMps2: car.maxDecelMps2 })).toBe(true);
    expect(at({ speed: 'STOP', decelMps2: car.maxDecelMps2 - 0.1 })).toBe(false);
    expect(at({ speed: 'STOP' })).toBe(false);
    expect(at({ speed: 'STOP', decelMps2: 6 })).toBe(false);
    expect(atBrakingLimit(command({ speed: 'STOP', decelMps2: 6 }), { ...car, maxDecelMps2: 6 })).toBe(true);
    // a stop point: v²/2d from the front bumper; at or behind it while moving, +∞; none: NaN
    const stopAt = { x: 0, y: 0 };
    expect(decelToStopAtMps2(command({ speed: 'STOP', stopAt }), 10, 5)).toBe(10);
    expect(decelToStopAtMps2(command({ speed: 'STOP', stopAt }), 10, -0.05)).toBe(Number.POSITIVE_INFINITY);
    expect(decelToStopAtMps2(command({ speed: 'STOP', stopAt }), 0, -0.05)).toBe(0);
    expect(decelToStopAtMps2(command({ speed: 'STOP' }), 10, 5)).toBeNaN();
  });
});
