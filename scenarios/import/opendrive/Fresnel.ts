/**
 * Fresnel integrals C(x) = ∫₀ˣ cos(πt²/2) dt and S(x) = ∫₀ˣ sin(πt²/2) dt (Abramowitz & Stegun
 * 7.3.1–7.3.2), the closed form of the OpenDRIVE spiral (clothoid). Power series (A&S 7.3.11–12)
 * below |x| = 4, where cancellation still leaves ~1e-10; the asymptotic expansion in the auxiliary
 * functions f, g (A&S 7.3.9–10, 7.3.27–28) above, where its terms shrink like (πx²)⁻¹ ≤ 0.02.
 */

const SERIES_LIMIT = 4;

export interface FresnelOut {
  c: number;
  s: number;
}

function series(x: number, out: FresnelOut): FresnelOut {
  // C = Σ (−1)ⁿ (π/2)²ⁿ x⁴ⁿ⁺¹ / ((2n)! (4n+1)),  S = Σ (−1)ⁿ (π/2)²ⁿ⁺¹ x⁴ⁿ⁺³ / ((2n+1)! (4n+3))
  const a = (Math.PI / 2) * x * x;
  // One running term x·aᵏ/k! feeds C at even k = 2n and S at odd k = 2n+1 (sign (−1)ⁿ).
  let termC = x;
  let c = 0;
  let s = 0;
  for (let k = 0; k < 80; k++) {
    const sign = (k >> 1) % 2 === 0 ? 1 : -1;
    if (k % 2 === 0) c += (sign * termC) / (2 * k + 1);
    else s += (sign * termC) / (2 * k + 1);
    termC *= a / (k + 1);
    if (Math.abs(termC) < 1e-17 * Math.max(1, Math.abs(c))) break;
  }
  out.c = c;
  out.s = s;
  return out;
}

function asymptotic(x: number, out: FresnelOut): FresnelOut {
  // f(x) ~ (1/πx) Σ (−1)ᵐ (1·3·…(4m−1)) / (πx²)²ᵐ ,  g(x) ~ (1/π²x³) Σ (−1)ᵐ (1·3·…(4m+1)) / (πx²)²ᵐ
  const z = Math.PI * x * x;
  const z2 = 1 / (z * z);
  let f = 0;
  let g = 0;
  let tf = 1;
  let tg = 1;
  for (let m = 0; m < 12; m++) {
    f += tf;
    g += tg;
    const nf = -tf * (4 * m + 1) * (4 * m + 3) * z2;
    const ng = -tg * (4 * m + 3) * (4 * m + 5) * z2;
    if (Math.abs(nf) > Math.abs(tf)) break; // asymptotic series: stop at the smallest term
    tf = nf;
    tg = ng;
  }
  f /= Math.PI * x;
  g /= Math.PI * Math.PI * x * x * x;
  const arg = (Math.PI / 2) * x * x;
  const sn = Math.sin(arg);
  const cs = Math.cos(arg);
  out.c = 0.5 + f * sn - g * cs;
  out.s = 0.5 - f * cs - g * sn;
  return out;
}

/** Writes C(x), S(x) into `out` (odd functions: C(−x) = −C(x)). Allocation-free. */
export function fresnel(x: number, out: FresnelOut = { c: 0, s: 0 }): FresnelOut {
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) series(ax, out);
  else asymptotic(ax, out);
  if (x < 0) {
    out.c = -out.c;
    out.s = -out.s;
  }
  return out;
}
