import { describe, expect, it } from 'vitest';
import type { SimLog } from '../sim/SimLog.ts';
import { controllerStats, controllerSummary, mergeControllerStats } from './ControllerSummary.ts';

type Ctrl = NonNullable<SimLog['ticks'][number]['controller']>;
const log = (cs: (Ctrl | undefined)[]) =>
  ({ ticks: cs.map((controller, i) => ({ tS: i / 10, ...(controller ? { controller } : {}) })) }) as Pick<
    SimLog,
    'ticks'
  >;
const ee = (exit: number, computeFraction: number): Ctrl => ({
  controller: 'early-exit',
  exit,
  exits: 6,
  computeFraction,
});

describe('controller summary of a run', () => {
  it('counts the exits taken, the mean compute against full depth, fallbacks and by-design classical steps', () => {
    const s = controllerStats(
      log([
        ee(2, 0.3),
        ee(2, 0.3),
        ee(4, 0.6),
        { controller: 'early-exit', fallback: 'network not ready', computeFraction: 0 },
        { controller: 'early-exit', verifiedPath: 'braking limit', computeFraction: 0 },
      ]),
    );
    expect(s).toMatchObject({ steps: 5, exitCounts: [0, 2, 0, 1], exitsOf: 6 });
    const line = controllerSummary(s);
    expect(line).toBe(
      'controller early-exit: 5 ticks (the first control step of each) · exit 2 on 2 ticks (40.0 %), exit 4 on 1 (20.0 %) (of 6 exits) · mean compute 24.0 % of full depth · fallbacks 1 (network not ready 1) · classical by design (braking limit) 1 (braking limit 1)',
    );
  });

  it('sums runs of one planner and mode; says nothing for a planner without a controller or a plain classical one', () => {
    const a = controllerStats(log([ee(2, 0.35)]));
    const b = controllerStats(log([ee(3, 0.5), ee(3, 0.5)]));
    const m = mergeControllerStats(a, b)!;
    expect(m.steps).toBe(3);
    expect(m.exitCounts).toEqual([0, 1, 2]);
    expect(mergeControllerStats(undefined, a)).toBe(a);
    expect(controllerStats(log([undefined, undefined]))).toBeUndefined();
    expect(controllerSummary(undefined)).toBe('');
    expect(controllerSummary(controllerStats(log([{ controller: 'classical', computeFraction: 1 }])))).toBe(
      '',
    );
  });
});
