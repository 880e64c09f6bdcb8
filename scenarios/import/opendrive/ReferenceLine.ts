/**
 * OpenDRIVE reference-line geometry (ASAM OpenDRIVE 1.8, §7 "Geometry"): line, arc, spiral
 * (clothoid with linearly varying curvature, closed form via Fresnel integrals), poly3 (deprecated
 * since 1.6, still in 1.4 files) and paramPoly3 (pRange arcLength | normalized). Each record is
 * evaluated at a local arc length ds ∈ [0, length] to a point, heading and curvature.
 *
 * poly3 / paramPoly3 are parametrised by u or p, not by arc length; the spec places a record's
 * points by arc length s, so we tabulate p ↦ s once per record and invert it (esmini's RoadManager
 * and CARLA's parser do the same kind of table; we only learned the approach from them).
 */
import { fresnel } from './Fresnel.ts';

export type GeometryKind =
  | { kind: 'line' }
  | { kind: 'arc'; curvature: number }
  | { kind: 'spiral'; curvStart: number; curvEnd: number }
  | { kind: 'poly3'; a: number; b: number; c: number; d: number }
  | {
      kind: 'paramPoly3';
      aU: number;
      bU: number;
      cU: number;
      dU: number;
      aV: number;
      bV: number;
      cV: number;
      dV: number;
      normalized: boolean;
    };

export type GeometryRecord = { s: number; x: number; y: number; hdg: number; length: number } & GeometryKind;

export interface RefPoint {
  x: number;
  y: number;
  hdg: number;
  /** Curvature, 1/m (left turn positive). */
  kappa: number;
}

/**
 * Panels of the parameter → arc-length table for poly3 / paramPoly3: at least 64, and one per
 * TABLE_STEP_M of the record's length. p is interpolated linearly inside a panel, which is off
 * the arc-length point by ~h² (qc-opendrive's 366 m paramPoly3: 2.4 cm with 64 panels of 5.7 m,
 * < 1 mm with 0.5 m panels).
 */
const TABLE_MIN_N = 64;
const TABLE_STEP_M = 0.5;

interface Prepared {
  rec: GeometryRecord;
  /** For poly3/paramPoly3: parameter values and their arc lengths (one more entry than panels). */
  pTab?: Float64Array;
  sTab?: Float64Array;
  /** Spiral: standard-clothoid start offset and rotation. */
  spiral?: { cDot: number; u0: number; x0: number; y0: number; rot: number; scale: number; sign: number };
}

function cubic(a: number, b: number, c: number, d: number, p: number): number {
  return a + p * (b + p * (c + p * d));
}
function dCubic(b: number, c: number, d: number, p: number): number {
  return b + p * (2 * c + 3 * p * d);
}
function ddCubic(c: number, d: number, p: number): number {
  return 2 * c + 6 * p * d;
}

/** Local (u, v) of a polynomial record at parameter p, with first and second derivatives. */
function polyLocal(r: GeometryRecord, p: number, o: number[]): void {
  if (r.kind === 'poly3') {
    o[0] = p;
    o[1] = cubic(r.a, r.b, r.c, r.d, p);
    o[2] = 1;
    o[3] = dCubic(r.b, r.c, r.d, p);
    o[4] = 0;
    o[5] = ddCubic(r.c, r.d, p);
  } else if (r.kind === 'paramPoly3') {
    o[0] = cubic(r.aU, r.bU, r.cU, r.dU, p);
    o[1] = cubic(r.aV, r.bV, r.cV, r.dV, p);
    o[2] = dCubic(r.bU, r.cU, r.dU, p);
    o[3] = dCubic(r.bV, r.cV, r.dV, p);
    o[4] = ddCubic(r.cU, r.dU, p);
    o[5] = ddCubic(r.cV, r.dV, p);
  }
}

const scratch6 = [0, 0, 0, 0, 0, 0];

export class ReferenceLine {
  private readonly recs: Prepared[];
  readonly length: number;

  /**
   * `roadLengthM`: the road's `length`. Where the last record ends before it, the line continues
   * that record to the road's end (a line straight on, an arc or spiral along its curvature), as
   * esmini (Geometry::EvaluateDS at s − record start) and libOpenDRIVE evaluate it; poly3 and
   * paramPoly3 stop at their end point.
   */
  constructor(records: GeometryRecord[], roadLengthM = 0) {
    this.recs = [...records].sort((a, b) => a.s - b.s).map((rec) => ReferenceLine.prepare(rec));
    const last = this.recs[this.recs.length - 1];
    this.length = last ? last.rec.s + last.rec.length : 0;
    this.lastDsM = last ? Math.max(last.rec.length, roadLengthM - last.rec.s) : 0;
  }

  /** How far along the last record the line reaches (its length, or to the road's end), m. */
  private readonly lastDsM: number;

  /** Geometry records (sorted by s). */
  get records(): readonly GeometryRecord[] {
    return this.recs.map((p) => p.rec);
  }

  private static prepare(rec: GeometryRecord): Prepared {
    if (rec.kind === 'spiral') {
      const cDot = (rec.curvEnd - rec.curvStart) / rec.length;
      if (Math.abs(cDot) < 1e-12) return { rec };
      // Standard clothoid k(u) = cDot·u; our record is its stretch u ∈ [u0, u0 + length].
      const u0 = rec.curvStart / cDot;
      const scale = Math.sqrt(Math.PI / Math.abs(cDot));
      const sign = Math.sign(cDot);
      const f = fresnel(u0 / scale);
      const th0 = (cDot * u0 * u0) / 2;
      return {
        rec,
        spiral: { cDot, u0, x0: scale * f.c, y0: sign * scale * f.s, rot: rec.hdg - th0, scale, sign },
      };
    }
    if (rec.kind === 'poly3' || rec.kind === 'paramPoly3') {
      // Parameter range: poly3 u over the record's chord is unknown in advance, so integrate until
      // the arc length reaches `length` (u grows monotonically along the road).
      const pEnd =
        rec.kind === 'paramPoly3' ? (rec.normalized ? 1 : rec.length) : ReferenceLine.poly3UEnd(rec);
      const TABLE_N = Math.max(TABLE_MIN_N, Math.ceil(rec.length / TABLE_STEP_M));
      const pTab = new Float64Array(TABLE_N + 1);
      const sTab = new Float64Array(TABLE_N + 1);
      let s = 0;
      for (let i = 1; i <= TABLE_N; i++) {
        const p0 = (pEnd * (i - 1)) / TABLE_N;
        const p1 = (pEnd * i) / TABLE_N;
        s += ReferenceLine.speedIntegral(rec, p0, p1);
        pTab[i] = p1;
        sTab[i] = s;
      }
      // The record ends where its parameter range ends (p = length, or 1 when normalized), whatever
      // the curve's own arc length: stretch the table onto the record's length attribute, as esmini
      // does (ParamPoly3::calcS2PMap). Unscaled, a curve longer than its attribute stopped short of
      // its end (fabriksgatan's roads: 6 mm over a junction path) and a shorter one ran past it.
      if (rec.kind === 'paramPoly3' && s > 0) {
        const k = rec.length / s;
        for (let i = 1; i <= TABLE_N; i++) sTab[i] = sTab[i]! * k;
      }
      return { rec, pTab, sTab };
    }
    return { rec };
  }

  /** ∫ |(u', v')| dp over [p0, p1], Simpson with 4 panels (smooth cubic: error ≪ 1 mm per panel). */
  private static speedIntegral(rec: GeometryRecord, p0: number, p1: number): number {
    const n = 4;
    const h = (p1 - p0) / n;
    let sum = 0;
    for (let i = 0; i <= n; i++) {
      polyLocal(rec, p0 + i * h, scratch6);
      const v = Math.hypot(scratch6[2]!, scratch6[3]!);
      sum += v * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2);
    }
    return (sum * h) / 3;
  }

  /** poly3: the u at which the arc length equals the record length (bisection). */
  private static poly3UEnd(rec: GeometryRecord): number {
    let lo = 0;
    let hi = rec.length;
    const arc = (u: number): number => {
      let s = 0;
      for (let i = 0; i < 16; i++) s += ReferenceLine.speedIntegral(rec, (u * i) / 16, (u * (i + 1)) / 16);
      return s;
    };
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (arc(mid) < rec.length) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }

  /** Index of the record containing road arc length s. */
  recordIndexAt(s: number): number {
    const r = this.recs;
    let lo = 0;
    let hi = r.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (r[mid]!.rec.s <= s) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Evaluates the reference line at road arc length s (clamped to the line and the road's end). */
  eval(s: number, out: RefPoint): RefPoint {
    const i = this.recordIndexAt(s);
    const p = this.recs[i]!;
    const ds = Math.min(Math.max(s - p.rec.s, 0), i === this.recs.length - 1 ? this.lastDsM : p.rec.length);
    return ReferenceLine.evalRecord(p, ds, out);
  }

  private static evalRecord(p: Prepared, ds: number, out: RefPoint): RefPoint {
    const r = p.rec;
    const ch = Math.cos(r.hdg);
    const sh = Math.sin(r.hdg);
    switch (r.kind) {
      case 'line':
        out.x = r.x + ds * ch;
        out.y = r.y + ds * sh;
        out.hdg = r.hdg;
        out.kappa = 0;
        return out;
      case 'arc': {
        const k = r.curvature;
        if (Math.abs(k) < 1e-12) {
          out.x = r.x + ds * ch;
          out.y = r.y + ds * sh;
          out.hdg = r.hdg;
          out.kappa = 0;
          return out;
        }
        const h = r.hdg + k * ds;
        out.x = r.x + (Math.sin(h) - sh) / k;
        out.y = r.y - (Math.cos(h) - ch) / k;
        out.hdg = h;
        out.kappa = k;
        return out;
      }
      case 'spiral': {
        const sp = p.spiral;
        if (!sp) {
          // Constant curvature: an arc (or a line).
          return ReferenceLine.evalRecord({ rec: { ...r, kind: 'arc', curvature: r.curvStart } }, ds, out);
        }
        const u = sp.u0 + ds;
        const f = fresnel(u / sp.scale);
        const lx = sp.scale * f.c - sp.x0;
        const ly = sp.sign * sp.scale * f.s - sp.y0;
        const cr = Math.cos(sp.rot);
        const sr = Math.sin(sp.rot);
        out.x = r.x + lx * cr - ly * sr;
        out.y = r.y + lx * sr + ly * cr;
        out.hdg = sp.rot + (sp.cDot * u * u) / 2;
        out.kappa = sp.cDot * u;
        return out;
      }
      default: {
        const pt = p.pTab!;
        const st = p.sTab!;
        // Invert the arc-length table linearly (panels ≤ 0.5 m: ≪ 1 mm off the arc-length point).
        let lo = 0;
        let hi = pt.length - 1;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (st[mid]! <= ds) lo = mid;
          else hi = mid;
        }
        const span = st[hi]! - st[lo]!;
        const w = span > 0 ? Math.min(Math.max((ds - st[lo]!) / span, 0), 1) : 0;
        const par = pt[lo]! + w * (pt[hi]! - pt[lo]!);
        polyLocal(r, par, scratch6);
        const [u, v, du, dv, ddu, ddv] = scratch6 as [number, number, number, number, number, number];
        out.x = r.x + u * ch - v * sh;
        out.y = r.y + u * sh + v * ch;
        out.hdg = r.hdg + Math.atan2(dv, du);
        const sp2 = du * du + dv * dv;
        out.kappa = sp2 > 0 ? (du * ddv - dv * ddu) / sp2 ** 1.5 : 0;
        return out;
      }
    }
  }

  /**
   * Arc lengths to sample over [s0, s1]: every record start inside, the ends, and in between a step
   * that keeps the chord error under `chordErrM` (ds = √(8e/|κ|)), capped at `maxStepM`.
   */
  samples(s0: number, s1: number, maxStepM = 1, minStepM = 0.25, chordErrM = 0.02): number[] {
    const out: number[] = [s0];
    const tmp: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };
    let s = s0;
    let guard = 0;
    while (s < s1 - 1e-6 && guard++ < 1e6) {
      this.eval(s, tmp);
      const k = Math.abs(tmp.kappa);
      let step = k > 1e-9 ? Math.sqrt((8 * chordErrM) / k) : maxStepM;
      step = Math.min(maxStepM, Math.max(minStepM, step));
      // Do not step over the next record boundary (curvature may jump there).
      const i = this.recordIndexAt(s);
      const next = this.recs[i + 1]?.rec.s;
      let ns = s + step;
      if (next !== undefined && next > s + 1e-6 && next < ns) ns = next;
      if (ns > s1 - 0.05 * minStepM) ns = s1;
      out.push(ns);
      s = ns;
    }
    return out;
  }
}
