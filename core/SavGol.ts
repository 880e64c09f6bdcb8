/**
 * Savitzky–Golay filtering with SciPy's `savgol_filter(..., mode='interp')` semantics, precomputed
 * as one weight vector per output sample so a filter pass is a handful of dot products and
 * allocates nothing. nuPlan's comfort metrics (state_extractors.py) and PDM's scorer (tuplan_garage
 * `pdm_comfort_metrics.py`) use it.
 *
 * SciPy details reproduced: interior samples use the centred window (even windows: samples
 * i−w/2+1 … i+w/2, evaluated at the half-sample position w/2−0.5, as `convolve1d` aligns an
 * even kernel); the first and last ⌊w/2⌋ samples are taken from one polynomial fitted to the
 * first / last w samples.
 */

export interface SavGolFilter {
  /** Signal length the filter was built for. */
  readonly n: number;
  readonly window: number;
  /** First input sample of each output's window. */
  readonly start: Int32Array;
  /** n × window weights, row i for output i. */
  readonly weights: Float64Array;
}

/** Solves the small dense system A z = b (size k ≤ ~6) by Gaussian elimination with pivoting. */
function solveSmall(A: number[][], b: number[]): number[] {
  const k = b.length;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    [b[c], b[piv]] = [b[piv]!, b[c]!];
    for (let r = c + 1; r < k; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let j = c; j < k; j++) A[r]![j]! -= f * A[c]![j]!;
      b[r]! -= f * b[c]!;
    }
  }
  const z = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let j = r + 1; j < k; j++) s -= A[r]![j]! * z[j]!;
    z[r] = s / A[r]![r]!;
  }
  return z;
}

/**
 * Least-squares polynomial weights: the `deriv`-th derivative at window position `pos` of the
 * order-`order` polynomial fitted to samples 0…window−1, as a linear function of the samples.
 */
function windowWeights(
  window: number,
  order: number,
  deriv: number,
  pos: number,
  deltaS: number,
): Float64Array {
  const c = (window - 1) / 2; // centring for conditioning; the fit is the same
  const k = order + 1;
  const VtV: number[][] = [];
  for (let a = 0; a < k; a++) {
    const row: number[] = [];
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let m = 0; m < window; m++) s += (m - c) ** (a + b);
      row.push(s);
    }
    VtV.push(row);
  }
  const g: number[] = [];
  for (let j = 0; j < k; j++) {
    if (j < deriv) {
      g.push(0);
      continue;
    }
    let f = 1;
    for (let q = 0; q < deriv; q++) f *= j - q;
    g.push(f * (pos - c) ** (j - deriv));
  }
  const z = solveSmall(VtV, g);
  const scale = deltaS ** deriv;
  const h = new Float64Array(window);
  for (let m = 0; m < window; m++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += (m - c) ** j * z[j]!;
    h[m] = s / scale;
  }
  return h;
}

/**
 * Builds a filter for signals of length `n` (window ≤ n, order < window).
 * @param deltaS sample spacing, s (only matters for derivatives).
 */
export function savGolFilter(n: number, window: number, order: number, deriv = 0, deltaS = 1): SavGolFilter {
  if (window > n || order >= window)
    throw new Error(`savGol: need order < window ≤ n (got ${order}, ${window}, ${n})`);
  const half = window >> 1;
  const even = window % 2 === 0;
  const start = new Int32Array(n);
  const weights = new Float64Array(n * window);
  const interior = windowWeights(window, order, deriv, even ? half - 0.5 : half, deltaS);
  for (let i = 0; i < n; i++) {
    let h: Float64Array;
    if (i < half) {
      start[i] = 0;
      h = windowWeights(window, order, deriv, i, deltaS);
    } else if (i >= n - half) {
      start[i] = n - window;
      h = windowWeights(window, order, deriv, i - (n - window), deltaS);
    } else {
      start[i] = even ? i - half + 1 : i - half;
      h = interior;
    }
    weights.set(h, i * window);
  }
  return { n, window, start, weights };
}

/** Filters `x` (length ≥ f.n) into `out`; allocation-free. */
export function applySavGol(f: SavGolFilter, x: ArrayLike<number>, out: Float64Array): Float64Array {
  const w = f.window;
  for (let i = 0; i < f.n; i++) {
    const s0 = f.start[i]!;
    const row = i * w;
    let acc = 0;
    for (let m = 0; m < w; m++) acc += f.weights[row + m]! * x[s0 + m]!;
    out[i] = acc;
  }
  return out;
}

/**
 * Weights h (length `window`) with Σ h[j]·x[j] = the `deriv`-th derivative per sample at abscissa
 * `t0` of the least-squares polynomial through x[0..window−1] (abscissae 0..window−1).
 */
export function savgolWeights(window: number, polyorder: number, deriv: number, t0: number): Float64Array {
  return windowWeights(window, polyorder, deriv, t0, 1);
}

/**
 * One-shot SciPy `savgol_filter(x, window, polyorder, deriv, delta, mode='interp')`: builds the
 * filter for x's length and applies it (allocates; build once with `savGolFilter` on hot paths).
 */
export function savgolFilter(
  x: ArrayLike<number>,
  window: number,
  polyorder: number,
  deriv = 0,
  delta = 1,
): Float64Array {
  if (!(Number.isInteger(window) && window >= 1 && window <= x.length)) {
    throw new RangeError(`savgol window ${window} must be an integer in [1, ${x.length}]`);
  }
  return applySavGol(savGolFilter(x.length, window, polyorder, deriv, delta), x, new Float64Array(x.length));
}

/** NumPy `np.round(v, decimals)`: scale, round half to even, unscale. */
export function roundDecimals(v: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = v * f;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1;
  return r / f;
}
