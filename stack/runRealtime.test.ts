/**
 * The real-clock loop on a busy machine: input that arrives through a pipe while the event loop is
 * blocked must be read before the watchdog judges it stale, and a fresh snapshot right after a
 * watchdog step must be stepped. Without both, a loaded process sent only watchdog stops (a robot
 * on MQTT stood 1 m short of its goal for a minute while its state messages kept coming).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ROBOT_VEHICLE } from '../bridge/ros/RosConfig.ts';
import {
  type Control,
  type VehicleParams,
  VehicleParamsSchema,
  WallClock,
  type WorldSnapshot,
} from '../core/index.ts';
import type { PlannerContext } from '../core/planning/index.ts';
import { runRealtime } from './runRealtime.ts';
import type { Stack, StackTick } from './Stack.ts';

const VEHICLE: VehicleParams = VehicleParamsSchema.parse(ROBOT_VEHICLE);

/** A stack that drives at 1 m/s on every tick (the loop, not the stack, is under test). */
const fakeStack = (): Stack => ({
  name: 'fake',
  rates: { planHz: 10, controlHz: 20 } as Stack['rates'],
  stats: {} as Stack['stats'],
  planning: false,
  init() {},
  tick(snap: WorldSnapshot): StackTick {
    return { control: { kind: 'unicycle', vMps: 1, omegaRadps: 0 }, tS: snap.tS } as unknown as StackTick;
  },
  settle: async () => {},
});

describe('runRealtime on a busy event loop', () => {
  it('reads the input that queued while the loop was blocked before judging it stale, and steps it', async () => {
    const clock = new WallClock();
    // the robot's state, 20 times a second, from another process (through a pipe, as a socket would)
    const child = spawn(
      process.execPath,
      ['-e', 'let i = 0; setInterval(() => process.stdout.write(String(i++) + "\\n"), 50);'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let snap: WorldSnapshot | undefined;
    const listeners = new Set<() => void>();
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', () => {
      const tS = clock.nowS();
      snap = {
        tS,
        ego: { x: 0, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0, tS },
        agents: [],
        lights: [],
        route: { laneIds: ['A'] },
      } as WorldSnapshot;
      for (const l of listeners) l();
    });
    const sent: { stack: boolean; phase: 'free' | 'busy' | 'silent'; watchdog?: string }[] = [];
    let phase: 'free' | 'busy' | 'silent' = 'free';
    const loop = runRealtime({
      stack: fakeStack(),
      source: {
        latest: () => snap,
        onSnapshot: (cb: () => void) => {
          listeners.add(cb);
          return () => listeners.delete(cb);
        },
      } as never,
      sink: { send: (_c: Control) => {} } as never,
      clock,
      vehicle: VEHICLE,
      context: () => ({}) as PlannerContext,
      trigger: 'source',
      onStep: (st) =>
        sent.push({ stack: st.tick !== undefined, phase, ...(st.watchdog ? { watchdog: st.watchdog } : {}) }),
    });
    try {
      // wait (on events) until the loop steps on real input
      const t0 = Date.now();
      while (!sent.some((s) => s.stack)) {
        if (Date.now() - t0 > 60_000) throw new Error('no step on input');
        await new Promise((r) => setTimeout(r, 20));
      }
      // now the process is busy: every turn of the event loop spends 300 ms (> the 0.2 s staleness
      // bound) in synchronous work, while the state keeps coming through the pipe
      phase = 'busy';
      await new Promise<void>((resolve) => {
        let turns = 0;
        const busy = () => {
          const t = performance.now();
          while (performance.now() - t < 300) {
            // a loaded process: compute that holds the event loop
          }
          if (++turns < 12) setImmediate(busy);
          else resolve();
        };
        setImmediate(busy);
      });
      // the input stops for good: the watchdog still takes over
      phase = 'silent';
      child.kill();
      const t1 = Date.now();
      while (!sent.some((s) => s.phase === 'silent' && s.watchdog === 'stale')) {
        if (Date.now() - t1 > 60_000) throw new Error('no watchdog after the input stopped');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await loop.stop();
      child.kill();
      lines.close();
    }
    const busy = sent.filter((s) => s.phase === 'busy');
    // every busy turn reads the queued state, so the stack steps on it; the watchdog's stops stay
    // the exception (before the fix: every busy turn sent the watchdog's stop and no stack control)
    expect(busy.filter((s) => s.stack).length).toBeGreaterThanOrEqual(8);
    expect(busy.filter((s) => !s.stack).length).toBeLessThan(busy.filter((s) => s.stack).length);
    // once the input has stopped, no control is computed from the last (stale) snapshot
    const silent = sent.filter((s) => s.phase === 'silent');
    expect(silent.findIndex((s) => s.watchdog === 'stale')).toBeGreaterThanOrEqual(0);
    expect(silent.slice(silent.findIndex((s) => s.watchdog === 'stale')).every((s) => !s.stack)).toBe(true);
  }, 120_000);
});
