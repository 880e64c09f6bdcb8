import { describe, expect, it } from 'vitest';
import { rampedStopDecelMps2, rampedStopDistanceM } from './StopOnset.ts';

/** The same stop integrated in 1 ms steps: braking grown from `b0` at `j` to `b` and held. */
function integratedStopM(v0: number, b0: number, b: number, j: number): number {
  const dt = 0.001;
  let v = v0;
  let a = Math.min(b0, b);
  let s = 0;
  while (v > 0) {
    a = Math.min(b, a + j * dt);
    const dv = Math.min(v, a * dt);
    s += (v - dv / 2) * dt;
    v -= dv;
  }
  return s;
}

describe('StopOnset', () => {
  it('the stop distance with the braking built up matches a step-by-step integration', () => {
    for (const [v, b0, b, j] of [
      [10.5, 0, 2.8, 3],
      [10.5, 0.7, 2.8, 3],
      [3, 0, 3, 3],
      [25, 1, 2, 2.5],
    ] as const)
      expect(rampedStopDistanceM(v, b0, b, j)).toBeCloseTo(integratedStopM(v, b0, b, j), 1);
  });

  it('the held braking found stops the ego in the room given, above the braking without an onset', () => {
    const b = rampedStopDecelMps2(10.35, 0.7, 21.8, 3, 3);
    expect(b).not.toBeNull();
    expect(rampedStopDistanceM(10.35, 0.7, b!, 3)).toBeCloseTo(21.8, 2);
    expect(b!).toBeGreaterThan((10.35 * 10.35) / (2 * 21.8));
  });

  it('a stop that even the most braking allowed misses is none for a built-up braking', () => {
    expect(rampedStopDecelMps2(20, 0, 40, 3, 3)).toBeNull();
  });
});
