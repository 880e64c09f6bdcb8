import { describe, expect, it } from 'vitest';
import {
  angleDiff,
  boxCorners,
  boxesOverlap,
  FrenetQuery,
  hypot2,
  normalizeAngle,
  Polyline,
  pointInPolygon,
  pointPolygonBoundaryDistance,
  RingIndex,
} from './geometry.ts';

describe('angles', () => {
  it('wraps to (-π, π]', () => {
    expect(normalizeAngle(3 * Math.PI)).toBeCloseTo(Math.PI, 12);
    expect(normalizeAngle(-Math.PI / 2 - 2 * Math.PI)).toBeCloseTo(-Math.PI / 2, 12);
    expect(angleDiff(0.1, 2 * Math.PI - 0.1)).toBeCloseTo(0.2, 12);
  });
});

describe('hypot2', () => {
  it('answers as Math.hypot, bit for bit', () => {
    // magnitudes from subnormal to near overflow, ties, zeros of both signs, NaN and infinities
    const special = [
      0,
      -0,
      1,
      -1,
      5e-324,
      -5e-324,
      1e-310,
      1e308,
      -1e308,
      1.7976931348623157e308,
      Number.NaN,
    ];
    special.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3, 4, 0.1, 0.2);
    const same = (a: number, b: number): boolean => Object.is(a, b);
    let bad = 0;
    for (const x of special) for (const y of special) if (!same(hypot2(x, y), Math.hypot(x, y))) bad++;
    let seed = 1206;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 200_000; i++) {
      const x = (rnd() - 0.5) * 10 ** (rnd() * 40 - 20);
      const y = i % 3 === 0 ? x * (1 + (rnd() - 0.5) * 1e-12) : (rnd() - 0.5) * 10 ** (rnd() * 40 - 20);
      if (!same(hypot2(x, y), Math.hypot(x, y))) bad++;
    }
    expect(bad).toBe(0);
  });
});

describe('Polyline', () => {
  const l = new Polyline([
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
  ]);
  it('measures arc length', () => {
    expect(l.length).toBe(20);
    expect(Array.from(l.s)).toEqual([0, 10, 20]);
  });
  it('projects to Frenet s/d with d positive to the left', () => {
    const f = l.project(5, 2);
    expect(f.sM).toBeCloseTo(5, 12);
    expect(f.dM).toBeCloseTo(2, 12);
    const g = l.project(12, 5);
    expect(g.sM).toBeCloseTo(15, 12);
    expect(g.dM).toBeCloseTo(-2, 12);
  });
  it('maps Frenet back to the same point', () => {
    const p = l.toCartesian(15, -2);
    expect(p.x).toBeCloseTo(12, 12);
    expect(p.y).toBeCloseTo(5, 12);
  });
  it('extends straight beyond both ends', () => {
    expect(l.poseAt(25).y).toBeCloseTo(15, 12);
    expect(l.project(-3, 0).sM).toBeCloseTo(-3, 12);
  });
  it('interpolates the heading per segment', () => {
    expect(l.poseAt(5).headingRad).toBeCloseTo(0, 12);
    expect(l.poseAt(15).headingRad).toBeCloseTo(Math.PI / 2, 12);
  });
  it('drops duplicate points and rejects degenerate input', () => {
    expect(
      new Polyline([
        { x: 0, y: 0 },
        { x: 0, y: 0 },
        { x: 1, y: 0 },
      ]).size,
    ).toBe(2);
    expect(
      () =>
        new Polyline([
          { x: 1, y: 1 },
          { x: 1, y: 1 },
        ]),
    ).toThrow(/two distinct/);
  });
  it('resamples at a fixed step keeping the end point', () => {
    const r = l.resample(3);
    // Samples every 3 m along the original; the chord across the corner makes it slightly shorter.
    expect(r.size).toBe(8);
    expect(r.length).toBeGreaterThan(19);
    expect(r.length).toBeLessThan(20);
    expect(r.xs[7]).toBe(10);
    expect(r.ys[7]).toBe(10);
  });
});

describe('oriented boxes', () => {
  const a = { cx: 0, cy: 0, headingRad: 0, lengthM: 4, widthM: 2 };
  it('computes corners FL, FR, RR, RL', () => {
    expect(Array.from(boxCorners(a))).toEqual([2, 1, 2, -1, -2, -1, -2, 1]);
  });
  it('detects overlap and separation on all four axes', () => {
    expect(boxesOverlap(a, { ...a, cx: 3.9 })).toBe(true);
    expect(boxesOverlap(a, { ...a, cx: 4.1 })).toBe(false);
    expect(boxesOverlap(a, { ...a, cy: 2.1 })).toBe(false);
    // A box rotated 45° whose bounding box overlaps but whose body does not.
    const r = { cx: 3.2, cy: 2.2, headingRad: Math.PI / 4, lengthM: 2, widthM: 0.5 };
    expect(boxesOverlap(a, r)).toBe(false);
    expect(boxesOverlap(a, { ...r, cx: 2.4, cy: 1.4 })).toBe(true);
  });
});

describe('polygons', () => {
  const sq = [
    { x: 0, y: 0 },
    { x: 2, y: 0 },
    { x: 2, y: 2 },
    { x: 0, y: 2 },
  ];
  it('tests containment for Vec2 lists and flat arrays alike', () => {
    expect(pointInPolygon(1, 1, sq)).toBe(true);
    expect(pointInPolygon(3, 1, sq)).toBe(false);
    expect(pointInPolygon(1, 1, new Float64Array([0, 0, 2, 0, 2, 2, 0, 2]))).toBe(true);
    expect(pointInPolygon(1, 2.5, new Float64Array([0, 0, 2, 0, 2, 2, 0, 2]))).toBe(false);
  });
});

/**
 * A road that loops back over itself (an overpass): east along y = 0 to x = 200, a U-turn up to
 * y = 100, west to x = 100, a left quarter turn and south along x = 50, over the first stretch at
 * (50, 0) ≈ 586 m later.
 */
function selfCrossingRoute(): Polyline {
  const pts: { x: number; y: number }[] = [];
  for (let x = 0; x < 200; x += 1) pts.push({ x, y: 0 });
  for (let a = -Math.PI / 2; a < Math.PI / 2; a += 0.02)
    pts.push({ x: 200 + 50 * Math.cos(a), y: 50 + 50 * Math.sin(a) });
  for (let x = 200; x > 100; x -= 1) pts.push({ x, y: 100 });
  for (let a = Math.PI / 2; a < Math.PI; a += 0.02)
    pts.push({ x: 100 + 50 * Math.cos(a), y: 50 + 50 * Math.sin(a) });
  for (let y = 50; y >= -100; y -= 1) pts.push({ x: 50, y });
  return new Polyline(pts);
}

describe('Polyline.track (a route that passes over itself)', () => {
  const line = selfCrossingRoute();
  // on the first stretch, 0.3 m right of it, right under the second pass (x = 50)
  const ego = { x: 50, y: -0.3, headingRad: 0 };

  it('the global projection jumps to the later pass; the tracked one stays', () => {
    expect(line.project(ego.x, ego.y).sM).toBeGreaterThan(500);
    const f = line.track(ego.x, ego.y, ego.headingRad, 49, 2);
    expect(f.sM).toBeCloseTo(50, 6);
    expect(f.dM).toBeCloseTo(-0.3, 6);
  });

  it('follows the ego across the crossing tick by tick, on either pass', () => {
    let s = Number.NaN;
    for (let x = 0; x <= 120; x += 1.5) {
      s = line.track(x, -0.3, 0, s, 1.5).sM;
      expect(s).toBeCloseTo(x, 6);
    }
    // the second pass, heading south over the first stretch
    const sCross = line.project(50, 0).sM;
    s = line.track(50, 10, -Math.PI / 2, sCross - 10, 1).sM;
    for (let y = 10; y >= -10; y -= 1) {
      s = line.track(50.2, y, -Math.PI / 2, s, 1).sM;
      expect(s).toBeGreaterThan(500);
    }
  });

  it('without a previous estimate the segment heading the ego’s way wins', () => {
    expect(line.track(ego.x, ego.y, ego.headingRad, Number.NaN, 0).sM).toBeCloseTo(50, 6);
    expect(line.track(50.3, 0, -Math.PI / 2, Number.NaN, 0).sM).toBeGreaterThan(500);
  });

  it('re-localises when the previous estimate is far off', () => {
    const f = line.track(150, 0.5, 0, 500, 2);
    expect(f.sM).toBeCloseTo(150, 6);
    expect(f.dM).toBeCloseTo(0.5, 6);
  });

  it('is pure: the same inputs give the same result', () => {
    const a = line.track(ego.x, ego.y, 0, 49, 2);
    const b = line.track(ego.x, ego.y, 0, 49, 2);
    expect(b).toEqual(a);
  });
});

describe('Polyline.project on a long line (block by block)', () => {
  /** The plain scan `project` runs on short lines: the reference the blocked search must equal. */
  function scan(line: Polyline, x: number, y: number) {
    const n = line.xs.length;
    let best = Infinity;
    let r = { sM: 0, dM: 0, segment: 0 };
    for (let i = 0; i <= n - 2; i++) {
      const ax = line.xs[i]!;
      const ay = line.ys[i]!;
      const segLen = line.s[i + 1]! - line.s[i]!;
      const ux = (line.xs[i + 1]! - ax) / segLen;
      const uy = (line.ys[i + 1]! - ay) / segLen;
      const px = x - ax;
      const py = y - ay;
      let t = px * ux + py * uy;
      if (t < 0 && i > 0) t = 0;
      if (t > segLen && i < n - 2) t = segLen;
      const d2 = (px - t * ux) ** 2 + (py - t * uy) ** 2;
      if (d2 < best) {
        best = d2;
        r = { sM: line.s[i]! + t, dM: ux * py - uy * px, segment: i };
      }
    }
    return r;
  }

  it('equals the plain scan to the bit on a winding 1000-point line, near it, far off and past its ends', () => {
    // a road that winds back near itself (an S every 100 m), points every ~1 m, UTM-sized offsets
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pts = Array.from({ length: 1000 }, (_, i) => ({
      x: 500000 + i * 0.9,
      y: 5400000 + 30 * Math.sin(i / 16) + 0.05 * rnd(),
    }));
    const line = new Polyline(pts);
    for (let k = 0; k < 3000; k++) {
      const r = k % 3 === 0 ? 5 : k % 3 === 1 ? 60 : 2000;
      const x = 500000 - 200 + rnd() * 1300;
      const y = 5400000 + (rnd() - 0.5) * 2 * r;
      expect(line.project(x, y)).toEqual(scan(line, x, y));
    }
  });

  it('takes the first of two segments equally near across a block boundary, as the scan does', () => {
    const line = new Polyline(Array.from({ length: 200 }, (_, i) => ({ x: i, y: 0 })));
    // (64, 3) is 3 m from vertex 64, shared by segment 63 (block 3) and segment 64 (block 4)
    expect(line.project(64, 3).segment).toBe(63);
    expect(line.project(64, 3)).toEqual(scan(line, 64, 3));
  });
});

describe('RingIndex (a long polygon boundary, block by block)', () => {
  it('gives pointPolygonBoundaryDistance to the bit wherever it is under the bound, and ≥ the bound elsewhere', () => {
    // a 1 km lane polygon: left bound out, right bound back, a vertex every metre
    const left = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 1.75 + Math.sin(i / 40) }));
    const right = Array.from({ length: 1000 }, (_, i) => ({
      x: 999 - i,
      y: -1.75 + Math.sin((999 - i) / 40),
    }));
    const poly = [...left, ...right];
    const ring = new RingIndex(poly);
    let seed = 11;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let k = 0; k < 2000; k++) {
      const x = -50 + rnd() * 1100;
      const y = (rnd() - 0.5) * 40;
      const want = pointPolygonBoundaryDistance(x, y, poly);
      const bound = k % 2 === 0 ? 10 : Infinity;
      const got = ring.distance(x, y, bound);
      if (want < bound) expect(got).toBe(want);
      else expect(got).toBeGreaterThanOrEqual(bound);
      expect(ring.contains(x, y)).toBe(pointInPolygon(x, y, poly));
    }
  });
});

describe('Polyline queries through a FrenetQuery (no number crossing the call)', () => {
  it('projectQuery, headingAtQuery and toCartesianQuery give project, headingAt and toCartesian to the bit', () => {
    let seed = 26;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    // a short winding line (the plain loop) and a long one (block by block)
    const lines = [20, 300].map((n) => {
      const pts: { x: number; y: number }[] = [];
      let x = 0;
      let y = 0;
      let h = 0;
      for (let i = 0; i < n; i++) {
        pts.push({ x, y });
        h += (rnd() - 0.5) * 0.6;
        const step = 0.5 + rnd() * 3;
        x += step * Math.cos(h);
        y += step * Math.sin(h);
      }
      return new Polyline(pts);
    });
    const q = new FrenetQuery();
    for (const line of lines)
      for (let i = 0; i < 2000; i++) {
        const x = (rnd() - 0.3) * 400;
        const y = (rnd() - 0.5) * 400;
        const windowed = rnd() < 0.5;
        const fromS = windowed ? (rnd() - 0.1) * line.length : Number.NEGATIVE_INFINITY;
        const toS = windowed ? fromS + rnd() * 200 : Number.POSITIVE_INFINITY;
        const want = line.project(x, y, undefined, fromS, toS);
        q.x = x;
        q.y = y;
        q.fromS = fromS;
        q.toS = toS;
        line.projectQuery(q);
        expect([q.sM, q.dM, q.segment]).toEqual([want.sM, want.dM, want.segment]);
        const s = (rnd() - 0.1) * line.length * 1.2;
        const d = (rnd() - 0.5) * 8;
        q.atS = s;
        line.headingAtQuery(q);
        expect(q.headingRad).toBe(line.headingAt(s));
        q.offsetM = d;
        line.toCartesianQuery(q);
        const p = line.toCartesian(s, d);
        expect([q.x, q.y, q.headingRad]).toEqual([p.x, p.y, p.headingRad]);
      }
  });
});
