/**
 * Integer raster primitives on one channel plane of a Uint8Array: even-odd scanline polygon fill
 * and clipped DDA lines. Coordinates are continuous pixel coordinates (x → column, y → row); the
 * pixel (c, r) is covered when its centre (c + 0.5, r + 0.5) is inside, as in the classic
 * top-left rule (Foley & van Dam §3.6). All scratch space is allocated once here; drawing
 * allocates nothing.
 */

/** Crossings kept per row for one polygon; a lane strip crosses a row 2–6 times, 64 is ample. */
const MAX_CROSSINGS_PER_ROW = 64;

export class Rasterizer {
  readonly widthPx: number;
  readonly heightPx: number;
  private readonly rowCount: Int32Array;
  private readonly rowX: Float64Array;
  private readonly quadX = new Float64Array(4);
  private readonly quadY = new Float64Array(4);
  /** Liang–Barsky parameter window of the segment being clipped (scratch, not state). */
  private t0 = 0;
  private t1 = 1;

  constructor(widthPx: number, heightPx: number) {
    this.widthPx = widthPx;
    this.heightPx = heightPx;
    this.rowCount = new Int32Array(heightPx);
    this.rowX = new Float64Array(heightPx * MAX_CROSSINGS_PER_ROW);
  }

  /**
   * Fills the polygon (xs[i], ys[i]), i < n, into `buf` at plane offset `off` with `value`
   * (even-odd rule; the polygon is closed implicitly). Vertices may lie outside the raster.
   */
  fillPolygon(
    buf: Uint8Array,
    off: number,
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    n: number,
    value: number,
  ): void {
    const W = this.widthPx;
    const H = this.heightPx;
    const K = MAX_CROSSINGS_PER_ROW;
    const rowCount = this.rowCount;
    const rowX = this.rowX;
    let minR = H;
    let maxR = -1;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      let xa = xs[j]!;
      let ya = ys[j]!;
      let xb = xs[i]!;
      let yb = ys[i]!;
      if (ya === yb) continue; // horizontal edges never cross a row centre line
      if (ya > yb) {
        const tx = xa;
        xa = xb;
        xb = tx;
        const ty = ya;
        ya = yb;
        yb = ty;
      }
      // Rows whose centre y = r + 0.5 lies in [ya, yb).
      let r0 = Math.ceil(ya - 0.5);
      let r1 = Math.ceil(yb - 0.5) - 1;
      if (r0 < 0) r0 = 0;
      if (r1 > H - 1) r1 = H - 1;
      if (r0 > r1) continue;
      const slope = (xb - xa) / (yb - ya);
      let x = xa + (r0 + 0.5 - ya) * slope;
      for (let r = r0; r <= r1; r++, x += slope) {
        const c = rowCount[r]!;
        if (c < K) {
          rowX[r * K + c] = x;
          rowCount[r] = c + 1;
        }
      }
      if (r0 < minR) minR = r0;
      if (r1 > maxR) maxR = r1;
    }
    for (let r = minR; r <= maxR; r++) {
      const c = rowCount[r]!;
      if (c === 0) continue;
      rowCount[r] = 0;
      const base = r * K;
      // Insertion sort: a row has a handful of crossings.
      for (let a = base + 1; a < base + c; a++) {
        const v = rowX[a]!;
        let b = a - 1;
        while (b >= base && rowX[b]! > v) {
          rowX[b + 1] = rowX[b]!;
          b--;
        }
        rowX[b + 1] = v;
      }
      const rowOff = off + r * W;
      for (let k = base; k + 1 < base + c; k += 2) {
        let c0 = Math.ceil(rowX[k]! - 0.5);
        let c1 = Math.ceil(rowX[k + 1]! - 0.5) - 1;
        if (c0 < 0) c0 = 0;
        if (c1 > W - 1) c1 = W - 1;
        if (c1 - c0 > 24) buf.fill(value, rowOff + c0, rowOff + c1 + 1);
        else for (let col = c0; col <= c1; col++) buf[rowOff + col] = value;
      }
    }
  }

  /**
   * Draws the segment (x0, y0)–(x1, y1): one pixel wide with a DDA after Liang–Barsky clipping to
   * the raster, or, for `widthPx` > 1.5, as a filled rectangle of that width.
   */
  drawLine(
    buf: Uint8Array,
    off: number,
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    value: number,
    widthPx = 1,
  ): void {
    if (widthPx > 1.5) {
      const dx = x1 - x0;
      const dy = y1 - y0;
      const len = Math.hypot(dx, dy);
      if (len === 0) return;
      const nx = (-dy / len) * widthPx * 0.5;
      const ny = (dx / len) * widthPx * 0.5;
      const qx = this.quadX;
      const qy = this.quadY;
      qx[0] = x0 + nx;
      qy[0] = y0 + ny;
      qx[1] = x1 + nx;
      qy[1] = y1 + ny;
      qx[2] = x1 - nx;
      qy[2] = y1 - ny;
      qx[3] = x0 - nx;
      qy[3] = y0 - ny;
      this.fillPolygon(buf, off, qx, qy, 4, value);
      return;
    }
    const W = this.widthPx;
    const H = this.heightPx;
    // Liang–Barsky against [0, W) × [0, H).
    const dx = x1 - x0;
    const dy = y1 - y0;
    this.t0 = 0;
    this.t1 = 1;
    const xmax = W - 1e-9;
    const ymax = H - 1e-9;
    if (!this.clip(-dx, x0) || !this.clip(dx, xmax - x0) || !this.clip(-dy, y0) || !this.clip(dy, ymax - y0))
      return;
    const t0 = this.t0;
    const t1 = this.t1;
    const ax = x0 + t0 * dx;
    const ay = y0 + t0 * dy;
    const bx = x0 + t1 * dx;
    const by = y0 + t1 * dy;
    const steps = Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay)));
    if (steps === 0) {
      buf[off + (ay | 0) * W + (ax | 0)] = value;
      return;
    }
    const sx = (bx - ax) / steps;
    const sy = (by - ay) / steps;
    let x = ax;
    let y = ay;
    for (let i = 0; i <= steps; i++, x += sx, y += sy) {
      // Clipped coordinates are ≥ 0, so truncation is floor.
      const c = x | 0;
      const r = y | 0;
      if (c < W && r < H) buf[off + r * W + c] = value;
    }
  }

  /**
   * Draws the open polyline (xs[i], ys[i]), i < n, one cell wide: per segment Liang–Barsky
   * clipping to the raster and a DDA, all in this loop (one call per polyline keeps the
   * coordinates in registers instead of boxing them per segment call).
   */
  drawPolyline(
    buf: Uint8Array,
    off: number,
    xs: Float64Array,
    ys: Float64Array,
    n: number,
    value: number,
  ): void {
    const W = this.widthPx;
    const H = this.heightPx;
    const xmax = W - 1e-9;
    const ymax = H - 1e-9;
    for (let k = 0; k + 1 < n; k++) {
      const x0 = xs[k]!;
      const y0 = ys[k]!;
      const x1 = xs[k + 1]!;
      const y1 = ys[k + 1]!;
      // Trivial reject: both ends beyond the same raster edge.
      if ((x0 < 0 && x1 < 0) || (y0 < 0 && y1 < 0) || (x0 > xmax && x1 > xmax) || (y0 > ymax && y1 > ymax))
        continue;
      const dx = x1 - x0;
      const dy = y1 - y0;
      let t0 = 0;
      let t1 = 1;
      // Liang–Barsky: p·t ≤ q for x ≥ 0, x ≤ xmax, y ≥ 0, y ≤ ymax.
      let inside = true;
      for (let e = 0; e < 4 && inside; e++) {
        const p = e === 0 ? -dx : e === 1 ? dx : e === 2 ? -dy : dy;
        const q = e === 0 ? x0 : e === 1 ? xmax - x0 : e === 2 ? y0 : ymax - y0;
        if (p === 0) {
          if (q < 0) inside = false;
          continue;
        }
        const t = q / p;
        if (p < 0) {
          if (t > t1) inside = false;
          else if (t > t0) t0 = t;
        } else if (t < t0) inside = false;
        else if (t < t1) t1 = t;
      }
      if (!inside) continue;
      const ax = x0 + t0 * dx;
      const ay = y0 + t0 * dy;
      const bx = x0 + t1 * dx;
      const by = y0 + t1 * dy;
      const steps = Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay)));
      const sx = steps > 0 ? (bx - ax) / steps : 0;
      const sy = steps > 0 ? (by - ay) / steps : 0;
      let x = ax;
      let y = ay;
      for (let i = 0; i <= steps; i++, x += sx, y += sy) {
        const c = x | 0;
        const r = y | 0;
        if (c < W && r < H) buf[off + r * W + c] = value;
      }
    }
  }

  /** One Liang–Barsky half-plane test p·t ≤ q; narrows [t0, t1], false when the segment is outside. */
  private clip(p: number, q: number): boolean {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > this.t1) return false;
      if (t > this.t0) this.t0 = t;
    } else {
      if (t < this.t0) return false;
      if (t < this.t1) this.t1 = t;
    }
    return true;
  }
}
