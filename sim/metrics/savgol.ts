/**
 * Savitzky–Golay filter matching SciPy's `scipy.signal.savgol_filter(x, window_length, polyorder,
 * deriv, delta, mode='interp')`, which nuPlan's comfort metrics use (nuplan/planning/metrics/utils/
 * state_extractors.py). Includes SciPy's even-window behaviour: for an even window the interior
 * output i is the fit over x[i−(w/2−1) … i+w/2] evaluated at the window's centre (i + 0.5), while
 * the edges ('interp') evaluate a polynomial fitted to the first / last w samples at integer
 * positions.
 */

/** Solves the small dense system G z = r in place (Gaussian elimination, partial pivoting). */
function solveSmall(g: Float64Array, r: Float64Array, n: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs(g[row * n + col]!) > Math.abs(g[piv * n + col]!)) piv = row;
    }
    if (piv !== col) {
      for (let k = 0; k < n; k++) {
        const t = g[col * n + k]!;
        g[col * n + k] = g[piv * n + k]!;
        g[piv * n + k] = t;
      }
      const t = r[col]!;
      r[col] = r[piv]!;
      r[piv] = t;
    }
    const d = g[col * n + col]!;
    for (let row = col + 1; row < n; row++) {
      const f = g[row * n + col]! / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) g[row * n + k] = g[row * n + k]! - f * g[col * n + k]!;
      r[row] = r[row]! - f * r[col]!;
    }
  }
  for (let row = n - 1; row >= 0; row--) {
    let s = r[row]!;
    for (let k = row + 1; k < n; k++) s -= g[row * n + k]! * r[k]!;
    r[row] = s / g[row * n + row]!;
  }
  return r;
}

/**
 * Linear weights h (length w) such that Σ h[j]·x[j] is the `deriv`-th derivative (per sample, not
 * yet divided by delta^deriv) at abscissa `t0` of the degree-`polyorder` least-squares polynomial
 * through the samples x[0..w−1] at abscissae 0..w−1.
 */
export function savgolWeights(window: number, polyorder: number, deriv: number, t0: number): Float64Array {
  const m = polyorder + 1;
  const c = (window - 1) / 2; // centred abscissae keep the normal equations well conditioned
  const g = new Float64Array(m * m);
  for (let j = 0; j < window; j++) {
    const u = j - c;
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) g[a * m + b] = g[a * m + b]! + u ** (a + b);
  }
  const r = new Float64Array(m);
  const u0 = t0 - c;
  for (let k = deriv; k < m; k++) {
    let f = 1;
    for (let q = 0; q < deriv; q++) f *= k - q;
    r[k] = f * u0 ** (k - deriv);
  }
  const z = solveSmall(g, r, m);
  const h = new Float64Array(window);
  for (let j = 0; j < window; j++) {
    const u = j - c;
    let s = 0;
    for (let k = 0; k < m; k++) s += z[k]! * u ** k;
    h[j] = s;
  }
  return h;
}

/**
 * SciPy `savgol_filter(x, window, polyorder, deriv, delta, mode='interp')`.
 * Requires polyorder < window ≤ x.length (SciPy raises otherwise; so does this, as a programming
 * error). Returns a new array of the same length.
 */
export function savgolFilter(
  x: ArrayLike<number>,
  window: number,
  polyorder: number,
  deriv = 0,
  delta = 1,
): Float64Array {
  const n = x.length;
  if (!(Number.isInteger(window) && window >= 1 && window <= n)) {
    throw new RangeError(`savgol window ${window} must be an integer in [1, ${n}]`);
  }
  if (!(polyorder < window)) throw new RangeError(`savgol polyorder ${polyorder} must be < window ${window}`);
  const out = new Float64Array(n);
  const half = Math.floor(window / 2);
  const before = Math.floor((window - 1) / 2);
  const scale = deriv === 0 ? 1 : 1 / delta ** deriv;
  const hc = savgolWeights(window, polyorder, deriv, (window - 1) / 2);
  for (let i = half; i <= n - half - 1; i++) {
    let s = 0;
    const i0 = i - before;
    for (let j = 0; j < window; j++) s += hc[j]! * x[i0 + j]!;
    out[i] = s * scale;
  }
  // 'interp' edges: the polynomial fitted to the first / last `window` samples.
  const end0 = n - window;
  for (let i = 0; i < half; i++) {
    const h = savgolWeights(window, polyorder, deriv, i);
    const hEnd = savgolWeights(window, polyorder, deriv, window - half + i);
    let s = 0;
    let e = 0;
    for (let j = 0; j < window; j++) {
      s += h[j]! * x[j]!;
      e += hEnd[j]! * x[end0 + j]!;
    }
    out[i] = s * scale;
    out[n - half + i] = e * scale;
  }
  return out;
}

/** NumPy `np.round(v, decimals)`: scale, round half to even, unscale. */
export function roundDecimals(v: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = v * f;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1;
  return r / f;
}
