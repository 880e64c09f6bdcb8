import { describe, expect, test } from 'vitest';
import { roundDecimals, savgolFilter, savgolWeights } from './savgol.ts';

/*
 * Reference vectors generated with SciPy 1.17.1:
 *   x = [sin(0.7 i) + 0.05 i² for i in range(20)]
 *   savgol_filter(x, w, p, deriv=d, delta=dt)   (default mode='interp')
 */
const X = [
  0.0, 0.6942176872376911, 1.18544972998846, 1.313209366648874, 1.1349881501559052, 0.8992167723103801,
  0.9284242275864125, 1.4675473873756677, 2.5687333621276784, 4.066813900484349, 5.656986598718789,
  7.038168233877001, 8.054598908088282, 8.769098362349354, 9.433520870748074, 10.37030424002833,
  11.820822270848684, 13.831862887762966, 16.233623047221137, 18.719569762196603,
];
const W8P2 = [
  0.24427925731656014, 0.603868361093298, 0.8848918283882903, 1.0873496592015366, 1.005294302057495,
  0.9548610955219802, 1.2666941791107154, 2.0763229563441943, 3.3321873002926146, 4.819887086920171,
  6.263017923513448, 7.453168453512303, 8.347939474017387, 9.090884943419526, 9.943996311676035,
  11.16448384766647, 11.965320115838455, 13.84976156532213, 16.11122823232541, 18.749720116848287,
];
const W15P2D1 = [
  -1.8790036695661507, -0.6244979910470274, 0.6300076874720958, 1.884513365991219, 3.1390190445103427,
  4.393524723029466, 5.648030401548589, 6.902536080067668, 7.594720227299845, 8.47751378430401,
  9.606040772622283, 10.919852941358984, 12.271359524106837, 13.049974520728824, 13.828589517350673,
  14.607204513972523, 15.385819510594372, 16.16443450721622, 16.943049503838072, 17.72166450045992,
];
const W5P2D1 = [
  8.91282573272779, 5.9008968562253905, 2.888967979722997, 0.35953659031282736, -0.9280435991425854,
  0.10211211888409788, 3.4358210390088377, 7.975503390889211, 12.056391255373445, 14.229494929593791,
  13.94308542531388, 11.802181233099526, 9.283998672530952, 8.043193974962481, 9.133652603199812,
  12.51283045092787, 17.061763000680802, 21.111331820709047, 24.627870264786303, 28.144408708863615,
];
const W5P3D2 = [
  -19.819767898377922, -24.969528331700936, -30.11928876502394, -25.142681347799595, -3.6379217731617306,
  24.28096550980004, 45.48329156726132, 49.99727115891468, 35.69990914992892, 9.315478295573769,
  -16.74701130524305, -30.229963555623954, -24.79213533527438, -2.9910222246344915, 24.919971628572682,
  45.813869693874324, 49.863945234996066, 35.16538444077278, 11.348582911941271, -12.468218616890034,
];
/** savgol_filter(x[:6], 6, 2, deriv=1, delta=0.1): an even derivative window covering all samples. */
const W6P2D1_N6 = [
  8.241542791268268, 5.624486233271469, 3.007429675274671, 0.3903731172778724, -2.226683440718926,
  -4.8437399987157255,
];

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 9): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}

describe('savgolWeights', () => {
  test('even window 8, poly 2 interior weights are [-3,3,7,9,9,7,3,-3]/32', () => {
    const h = savgolWeights(8, 2, 0, 3.5);
    expectClose(
      h,
      [-3, 3, 7, 9, 9, 7, 3, -3].map((v) => v / 32),
      12,
    );
  });

  test('window 15, poly 2, first derivative weights are k/280', () => {
    const h = savgolWeights(15, 2, 1, 7);
    expectClose(
      h,
      Array.from({ length: 15 }, (_, j) => (j - 7) / 280),
      12,
    );
  });

  test('window 5, poly 3, second derivative weights are (2,-1,-2,-1,2)/7', () => {
    expectClose(savgolWeights(5, 3, 2, 2), [2 / 7, -1 / 7, -2 / 7, -1 / 7, 2 / 7], 12);
  });
});

describe('savgolFilter matches scipy mode=interp', () => {
  test('window 8 (even), poly 2 smoothing', () => {
    expectClose(savgolFilter(X, 8, 2), W8P2);
  });

  test('even window smoothing evaluates interior outputs half a sample later', () => {
    const sq = Array.from({ length: 12 }, (_, i) => i * i);
    const y = savgolFilter(sq, 8, 2);
    expect(y[3]).toBeCloseTo(9, 10); // edge fit, integer position
    expect(y[4]).toBeCloseTo(20.25, 10); // interior: (4.5)²
    expect(y[7]).toBeCloseTo(56.25, 10);
    expect(y[8]).toBeCloseTo(64, 10); // edge fit again
  });

  test('window 8 on exactly 8 samples is one polynomial fit', () => {
    expectClose(
      savgolFilter(X.slice(0, 8), 8, 2),
      [
        0.24427925731656014, 0.603868361093298, 0.8848918283882903, 1.0873496592015366, 1.2112418535330376,
        1.2565684113827928, 1.2233293327508024, 1.1115246176370661,
      ],
    );
  });

  test('window 15, poly 2, first derivative, delta 0.1', () => {
    expectClose(savgolFilter(X, 15, 2, 1, 0.1), W15P2D1);
  });

  test('window 5, poly 2, first derivative, delta 0.1', () => {
    expectClose(savgolFilter(X, 5, 2, 1, 0.1), W5P2D1);
  });

  test('window 5, poly 3, second derivative, delta 0.1', () => {
    expectClose(savgolFilter(X, 5, 3, 2, 0.1), W5P3D2, 8);
  });

  test('even window 6 derivative over exactly 6 samples', () => {
    expectClose(savgolFilter(X.slice(0, 6), 6, 2, 1, 0.1), W6P2D1_N6);
  });

  test('rejects a window longer than the signal', () => {
    expect(() => savgolFilter([1, 2, 3], 5, 2)).toThrow(RangeError);
  });
});

describe('roundDecimals', () => {
  test('rounds half to even like numpy', () => {
    expect(roundDecimals(2.5, 0)).toBe(2);
    expect(roundDecimals(3.5, 0)).toBe(4);
    expect(roundDecimals(-2.5, 0)).toBe(-2);
    expect(roundDecimals(0.123456789, 8)).toBe(0.12345679);
  });
});
