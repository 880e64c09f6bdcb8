/**
 * Small dense linear algebra for the tracker's least-squares fits (n ≤ ~80). Row-major
 * Float64Arrays; in-place where possible so hot loops can reuse buffers.
 */

/**
 * Solves M x = b for symmetric positive-definite M (n×n, row-major) by Cholesky. `M` is
 * overwritten with its factor; the solution is written to `b`. Returns false if M is not SPD.
 */
export function choleskySolveInPlace(M: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = M[j * n + j]!;
    for (let k = 0; k < j; k++) d -= M[j * n + k]! * M[j * n + k]!;
    if (d <= 0) return false;
    const ljj = Math.sqrt(d);
    M[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = M[i * n + j]!;
      for (let k = 0; k < j; k++) s -= M[i * n + k]! * M[j * n + k]!;
      M[i * n + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= M[i * n + k]! * b[k]!;
    b[i] = s / M[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= M[k * n + i]! * b[k]!;
    b[i] = s / M[i * n + i]!;
  }
  return true;
}
