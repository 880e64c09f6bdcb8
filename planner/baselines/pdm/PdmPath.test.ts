import { describe, expect, it } from 'vitest';
import { Polyline } from '../../../core/index.ts';
import { PdmPath } from './PdmPath.ts';

describe('PdmPath', () => {
  const line = new Polyline([
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
  ]);
  const path = PdmPath.fromPolyline(line);
  const pose = { x: 0, y: 0, headingRad: 0 };
  const f = { sM: 0, dM: 0, segment: 0 };

  it('interpolates position and unwrapped heading, clipping progress to the path', () => {
    path.interpolate(5, pose);
    expect([pose.x, pose.y]).toEqual([5, 0]);
    expect(pose.headingRad).toBeCloseTo(Math.PI / 8, 12); // halfway to the corner's mean heading π/4
    path.interpolate(99, pose);
    expect([pose.x, pose.y]).toEqual([10, 10]);
    path.interpolate(-3, pose);
    expect(pose.x).toBeCloseTo(1e-5, 12);
  });

  it('projects onto the closest point with a signed lateral offset', () => {
    expect(path.project(4, 1, f)).toBeCloseTo(4, 12);
    expect(f.dM).toBeCloseTo(1, 12);
    expect(path.project(4, -2, f)).toBeCloseTo(4, 12);
    expect(f.dM).toBeCloseTo(-2, 12);
    expect(path.project(-5, 0, f)).toBe(0); // clamped (shapely project)
  });

  it('offsets each vertex along its heading normal (parallel_discrete_path)', () => {
    const left = path.offset(1);
    expect([left.xs[0], left.ys[0]]).toEqual([0, 1]);
    // Corner vertex heading π/4 → shifted along 3π/4.
    expect(left.xs[1]).toBeCloseTo(10 - Math.SQRT1_2, 12);
    expect(left.ys[1]).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe('PdmPath.project over a long path (by blocks)', () => {
  // 600 vertices: a wiggle that comes back near itself, with repeated vertices (zero-length
  // intervals) and a hairpin, so that equal distances and skipped intervals occur
  const n = 600;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const hs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 97 === 5 ? i - 1 : i; // a repeated vertex now and then
    xs[i] = k < 300 ? k : 600 - k;
    ys[i] = k < 300 ? 5 * Math.sin(k / 20) : 8 + 5 * Math.sin(k / 20);
  }
  const path = new PdmPath(xs, ys, hs);

  /** The plain scan of intervals [i0, i1) (`project`'s own loop, written out). */
  function reference(x: number, y: number, fromS: number, toS: number) {
    const segAt = (sM: number) => {
      let lo = 0;
      let hi = n - 1;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (path.s[mid]! <= sM) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const i0 = fromS > 0 ? segAt(fromS) : 0;
    const i1 = toS < path.length ? Math.min(segAt(toS) + 1, n - 1) : n - 1;
    let best = Number.POSITIVE_INFINITY;
    let out = { sM: 0, dM: 0, segment: i0 };
    for (let i = i0; i < i1; i++) {
      const len = path.s[i + 1]! - path.s[i]!;
      if (len <= 0) continue;
      const ux = (xs[i + 1]! - xs[i]!) / len;
      const uy = (ys[i + 1]! - ys[i]!) / len;
      const px = x - xs[i]!;
      const py = y - ys[i]!;
      const t = Math.min(Math.max(px * ux + py * uy, 0), len);
      const d2 = (px - t * ux) ** 2 + (py - t * uy) ** 2;
      if (d2 < best) {
        best = d2;
        out = { sM: path.s[i]! + t, dM: ux * py - uy * px >= 0 ? Math.sqrt(d2) : -Math.sqrt(d2), segment: i };
      }
    }
    return out;
  }

  it('gives the plain scan’s progress, offset and interval, to the bit, on 5000 points and windows', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const got = { sM: 0, dM: 0, segment: 0 };
    for (let k = 0; k < 5000; k++) {
      const x = -50 + 400 * rnd();
      const y = -30 + 70 * rnd();
      const windowed = k % 2 === 1;
      const fromS = windowed ? path.length * rnd() - 50 : 0;
      const toS = windowed ? fromS + 400 * rnd() : Number.POSITIVE_INFINITY;
      const s = path.project(x, y, got, fromS, toS);
      const want = reference(x, y, fromS, toS);
      expect({ ...got }).toEqual(want);
      expect(s).toBe(want.sM);
    }
  });

  it('a point level with a vertex both passes reach takes the first pass', () => {
    // (150, y) between the outbound and return passes: equal distance ties go to the lower interval
    const got = path.project(xs[150]!, (ys[150]! + ys[449]!) / 2, { sM: 0, dM: 0, segment: 0 });
    expect(got).toBe(reference(xs[150]!, (ys[150]! + ys[449]!) / 2, 0, Number.POSITIVE_INFINITY).sM);
  });
});
