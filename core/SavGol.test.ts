import { describe, expect, it } from 'vitest';
import { applySavGol, savGolFilter } from './SavGol.ts';

// Reference values: SciPy 1.17.1 `scipy.signal.savgol_filter(x, ...)` (mode 'interp') on
// x[i] = sin(0.3 i) + 0.01 i², i = 0…40, rounded to 10 decimals.
const x = Array.from({ length: 41 }, (_, i) => Math.sin(0.3 * i) + 0.01 * i * i);

function check(window: number, order: number, deriv: number, delta: number, ref: [number, number][]): void {
  const out = applySavGol(savGolFilter(41, window, order, deriv, delta), x, new Float64Array(41));
  for (const [i, v] of ref) expect(out[i]).toBeCloseTo(v, 8);
}

describe('savGolFilter matches scipy.signal.savgol_filter (mode interp)', () => {
  it('even window 8, order 2 (half-sample centre, edge fits)', () => {
    check(8, 2, 0, 1, [
      [0, -0.0251058074],
      [3, 0.8786152751],
      [4, 1.1723948061],
      [5, 1.2934101855],
      [20, 4.0705013329],
      [36, 12.3295056955],
      [37, 12.7012744809],
      [40, 15.4652557553],
    ]);
  });

  it('whole-horizon window 41, first derivative', () => {
    check(41, 2, 1, 0.1, [
      [0, -0.115620382],
      [20, 3.7676431163],
      [40, 7.6509066146],
    ]);
  });

  it('window 5, order 3, second derivative', () => {
    check(5, 3, 2, 0.1, [
      [0, 1.4423764087],
      [1, -0.7363395895],
      [2, -2.9150555878],
      [20, 4.4322341489],
      [39, 8.9637641365],
      [40, 7.9250293113],
    ]);
  });

  it('window 5, order 2, first derivative', () => {
    check(5, 2, 1, 0.1, [
      [0, 3.3348959925],
      [2, 2.7518848749],
      [20, 6.7361111452],
      [40, 10.7217954208],
    ]);
  });
});
