import { describe, expect, it } from 'vitest';
import { fresnel } from './Fresnel.ts';
import { type GeometryRecord, ReferenceLine, type RefPoint } from './ReferenceLine.ts';

const at = (recs: GeometryRecord[], s: number): RefPoint =>
  new ReferenceLine(recs).eval(s, { x: 0, y: 0, hdg: 0, kappa: 0 });

describe('Fresnel integrals', () => {
  it('match the tabulated C(1), S(1) (Abramowitz & Stegun table 7.7)', () => {
    const f = fresnel(1);
    expect(f.c).toBeCloseTo(0.7798934004, 9);
    expect(f.s).toBeCloseTo(0.4382591474, 9);
  });

  it('use the asymptotic branch beyond x = 4 with the same accuracy (C(5) = 0.5636311887, S(5) = 0.4991913819, A&S table 7.7)', () => {
    const f = fresnel(5);
    expect(f.c).toBeCloseTo(0.5636311887, 8);
    expect(f.s).toBeCloseTo(0.4991913819, 8);
  });

  it('are odd functions', () => {
    expect(fresnel(-1).c).toBeCloseTo(-0.7798934004, 9);
  });
});

describe('ReferenceLine', () => {
  it('puts a quarter arc of radius 100 m at (100, 100) heading north', () => {
    const p = at(
      [{ s: 0, x: 0, y: 0, hdg: 0, length: (Math.PI / 2) * 100, kind: 'arc', curvature: 0.01 }],
      50 * Math.PI,
    );
    expect(p.x).toBeCloseTo(100, 6);
    expect(p.y).toBeCloseTo(100, 6);
    expect(p.hdg).toBeCloseTo(Math.PI / 2, 9);
  });

  it('evaluates a spiral like a numerical integral of its heading (curvature 0 → 0.02 over 100 m)', () => {
    const L = 100;
    const k0 = 0;
    const k1 = 0.02;
    const rec: GeometryRecord = {
      s: 10,
      x: 5,
      y: -3,
      hdg: 0.3,
      length: L,
      kind: 'spiral',
      curvStart: k0,
      curvEnd: k1,
    };
    // Reference: midpoint rule on θ(s) = hdg + k0·s + (k1−k0)/(2L)·s², 200 000 steps (error < 1e-6 m).
    let x = 5;
    let y = -3;
    const n = 200000;
    const h = L / n;
    for (let i = 0; i < n; i++) {
      const s = (i + 0.5) * h;
      const th = 0.3 + k0 * s + ((k1 - k0) / (2 * L)) * s * s;
      x += Math.cos(th) * h;
      y += Math.sin(th) * h;
    }
    const p = at([rec], 10 + L);
    expect(p.x).toBeCloseTo(x, 5);
    expect(p.y).toBeCloseTo(y, 5);
    // Heading: hdg + k0 L + (k1 − k0) L / 2 = 0.3 + 1.0.
    expect(p.hdg).toBeCloseTo(1.3, 9);
    expect(p.kappa).toBeCloseTo(0.02, 9);
  });

  it('evaluates a spiral that starts curved and straightens (curvature −0.01 → 0.005)', () => {
    const rec: GeometryRecord = {
      s: 0,
      x: 0,
      y: 0,
      hdg: 0,
      length: 60,
      kind: 'spiral',
      curvStart: -0.01,
      curvEnd: 0.005,
    };
    // θ(60) = −0.01·60 + (0.015/120)·3600 = −0.6 + 0.45.
    expect(at([rec], 60).hdg).toBeCloseTo(-0.15, 9);
  });

  it('maps a normalized paramPoly3 straight line by arc length', () => {
    const rec: GeometryRecord = {
      ...{ s: 0, x: 1, y: 2, hdg: Math.PI / 2, length: 40 },
      kind: 'paramPoly3',
      ...{ aU: 0, bU: 40, cU: 0, dU: 0, aV: 0, bV: 0, cV: 0, dV: 0 },
      normalized: true,
    };
    const p = at([rec], 10);
    expect(p.x).toBeCloseTo(1, 9);
    expect(p.y).toBeCloseTo(12, 6);
  });

  it('ends an arcLength paramPoly3 at p = length even when the curve is longer than its length attribute (esmini ParamPoly3::calcS2PMap)', () => {
    // u = p, v = 0.01 p² over p ∈ [0, 30]: the curve itself is about 31.5 m long, the file says 30.
    const rec: GeometryRecord = {
      ...{ s: 0, x: 0, y: 0, hdg: 0, length: 30 },
      kind: 'paramPoly3',
      ...{ aU: 0, bU: 1, cU: 0, dU: 0, aV: 0, bV: 0, cV: 0.01, dV: 0 },
      normalized: false,
    };
    const end = at([rec], 30);
    expect(end.x).toBeCloseTo(30, 6);
    expect(end.y).toBeCloseTo(9, 6);
    // Halfway along the table the point still lies on the curve.
    const mid = at([rec], 15);
    expect(mid.y).toBeCloseTo(0.01 * mid.x * mid.x, 6);
  });

  it('places a long paramPoly3 at its arc length within 1 mm (the table has a panel per 0.5 m, not 64 in all)', () => {
    // Normalized, ~360 m, speed 500 → ~230 → 500 along p: 64 panels of 5.6 m put s = 4 m 2.4 cm off.
    const [bU, cU, dU, cV, dV] = [500, -400, 200, 100, 20];
    const speed = (p: number) => Math.hypot(bU + 2 * cU * p + 3 * dU * p * p, 2 * cV * p + 3 * dV * p * p);
    const N = 200_000;
    const arc = new Float64Array(N + 1);
    for (let i = 0; i < N; i++) arc[i + 1] = arc[i]! + speed((i + 0.5) / N) / N;
    const length = arc[N]!;
    const rec: GeometryRecord = {
      s: 0,
      x: 0,
      y: 0,
      hdg: 0,
      length,
      kind: 'paramPoly3',
      ...{ aU: 0, bU, cU, dU, aV: 0, bV: 0, cV, dV },
      normalized: true,
    };
    for (const ds of [1, 4, 50, 180, 300, length - 1]) {
      let i = 0;
      while (arc[i + 1]! < ds) i++;
      const p = (i + (ds - arc[i]!) / (arc[i + 1]! - arc[i]!)) / N;
      const q = at([rec], ds);
      expect(
        Math.hypot(q.x - (bU * p + cU * p * p + dU * p ** 3), q.y - (cV * p * p + dV * p ** 3)),
      ).toBeLessThan(1e-3);
    }
  });

  it('reparametrises a poly3 by arc length (v = 0.01 u²: at s = 10 the point lies on the curve)', () => {
    const rec: GeometryRecord = {
      s: 0,
      x: 0,
      y: 0,
      hdg: 0,
      length: 30,
      kind: 'poly3',
      a: 0,
      b: 0,
      c: 0.01,
      d: 0,
    };
    const p = at([rec], 10);
    expect(p.y).toBeCloseTo(0.01 * p.x * p.x, 6);
    // Arc length of v = 0.01u² from 0 to u: ∫√(1 + 0.0004u²) du ≈ u + 0.0004u³/6 − 0.0004²u⁵/40;
    // setting it to 10 and iterating u ← 10 − 0.0004u³/6 + 0.0004²u⁵/40 gives u ≈ 9.9349.
    expect(p.x).toBeCloseTo(9.9349, 3);
  });

  it('samples curved records more densely than straight ones', () => {
    const line = new ReferenceLine([{ s: 0, x: 0, y: 0, hdg: 0, length: 20, kind: 'line' }]);
    const arc = new ReferenceLine([{ s: 0, x: 0, y: 0, hdg: 0, length: 20, kind: 'arc', curvature: 0.2 }]);
    expect(line.samples(0, 20).length).toBe(21);
    // √(8·0.02/0.2) = 0.894 m steps → 23 intervals + start.
    expect(arc.samples(0, 20).length).toBe(24);
  });
});
