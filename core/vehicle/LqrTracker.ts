/**
 * The trajectory tracker of nuPlan's two-stage controller (nuplan/planning/simulation/controller/
 * tracker/lqr.py, parameters from config/simulation/ego_controller/tracker/lqr_tracker.yaml):
 * reference speed and curvature are fitted to the planned poses by regularised least squares, a
 * one-step longitudinal LQR tracks the speed, and a lateral LQR over a 10-step horizon on
 * [lateral error, heading error, steering angle] outputs the steering rate.
 *
 * Allocation-free per call once the buffers for a given pose count exist.
 */
import { type EgoState, normalizeAngle, type VehicleParams } from '../index.ts';
import type { BicycleCommand } from './KinematicBicycle.ts';
import { choleskySolveInPlace } from './linalg.ts';

export const LQR_DEFAULTS = {
  qLongitudinal: 10.0,
  rLongitudinal: 1.0,
  /** Weights on lateral error, heading error, steering angle. */
  qLateral: [1.0, 10.0, 0.0] as const,
  rLateral: 1.0,
  discretizationS: 0.1,
  trackingHorizon: 10,
  jerkPenalty: 1e-4,
  curvatureRatePenalty: 1e-2,
  initialCurvaturePenalty: 1e-10,
  stoppingGain: 0.5,
  stoppingSpeedMps: 0.2,
} as const;

/**
 * The velocity fit's regulariser. 'jerk' = nuPlan (tracker_utils.py): λ·Σ (a_{k+1} − a_k)².
 * 'pdm-batch' = tuplan_garage's batch_lqr_utils.py, whose `_make_banded_difference_matrix`
 * writes −I over the +1 band it has just set, so all rows but the last penalise the
 * accelerations themselves: λ·(Σ_{k<M−3} a_k² + (a_{M−2} − a_{M−3})²) for M displacements.
 * PDM-Closed's proposals are simulated with the latter.
 */
export type VelocityRegulariser = 'jerk' | 'pdm-batch';

export class LqrTracker {
  private readonly p = LQR_DEFAULTS;
  /** Cholesky factors of the (constant) velocity normal matrix, by displacement count (negative: pdm-batch). */
  private readonly velFactor = new Map<number, Float64Array>();
  private readonly rhs = new Float64Array(128);
  private readonly mat = new Float64Array(128 * 128);
  private readonly vProfile = new Float64Array(128);
  private readonly kappa = new Float64Array(128);
  private readonly heads = new Float64Array(128);
  /** The curvature fit's row weights w_i = v_i·dt and heading changes, by displacement. */
  private readonly ws = new Float64Array(128);
  private readonly ys = new Float64Array(128);

  private velocityFactor(m: number, regulariser: VelocityRegulariser): Float64Array {
    const key = regulariser === 'jerk' ? m : -m;
    let f = this.velFactor.get(key);
    if (f) return f;
    const dt = this.p.discretizationS;
    f = new Float64Array(m * m);
    // Rows of A for displacement i: dt·[1, dt·1{j<i}] (x and y rows sum to this because cos²+sin²=1).
    for (let i = 0; i < m; i++) {
      for (let r = 0; r < m; r++) {
        const ar = r === 0 ? dt : r - 1 < i ? dt * dt : 0;
        if (ar === 0) continue;
        for (let c = 0; c < m; c++) {
          const ac = c === 0 ? dt : c - 1 < i ? dt * dt : 0;
          f[r * m + c]! += ar * ac;
        }
      }
    }
    // Jerk penalty λ·‖D a‖² with D the first difference on the accelerations (v0 unpenalised):
    // rows k = 1 … m − 2 couple columns k and k + 1 (column k + 1 is a_k).
    const lam = this.p.jerkPenalty;
    for (let k = 1; k < m - 1; k++) {
      const a = k;
      const b = k + 1;
      if (regulariser === 'pdm-batch' && k < m - 2) {
        f[a * m + a]! += lam; // the row keeps only its −1: λ·a_{k−1}²
        continue;
      }
      f[a * m + a]! += lam;
      f[b * m + b]! += lam;
      f[a * m + b]! -= lam;
      f[b * m + a]! -= lam;
    }
    const dummy = new Float64Array(m);
    if (!choleskySolveInPlace(f, dummy, m)) throw new Error('velocity normal matrix not SPD');
    this.velFactor.set(key, f);
    return f;
  }

  /** Displacement count of the last fit (profiles hold this many entries). */
  private m = 0;

  /**
   * Steering-rate and acceleration commands that track the reference poses (nuPlan's
   * `LQRTracker.track_trajectory`: profiles fitted to the poses, then the command at their start).
   * @param xs,ys,hs rear-axle reference poses (m, rad) spaced `discretizationS` apart, the first
   *   at the current time; `n` ≥ 2 of them are used.
   */
  command(
    ego: EgoState,
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    hs: ArrayLike<number>,
    n: number,
    v: VehicleParams,
    out: BicycleCommand,
  ): BicycleCommand {
    if (n < 2) {
      out.accelMps2 = -this.p.stoppingGain * ego.speedMps;
      out.steerRateRadps = 0;
      return out;
    }
    this.fitProfiles(xs, ys, hs, n);
    return this.commandAt(ego, 0, xs, ys, hs, 0, v, out);
  }

  /**
   * Fits the reference speed and curvature profiles to `n` ≥ 2 poses (tracker_utils.py
   * `get_velocity_curvature_profiles_with_derivatives_from_poses`: regularised least squares with
   * the jerk and curvature-rate penalties). Kept until the next fit; `commandAt` reads them.
   * tuplan_garage's BatchLQRTracker fits once over a whole 41-pose proposal and then tracks it
   * step by step, which `commandAt(…, i, …)` reproduces (with its velocity regulariser,
   * `'pdm-batch'`).
   */
  fitProfiles(
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    hs: ArrayLike<number>,
    n: number,
    regulariser: VelocityRegulariser = 'jerk',
  ): void {
    const p = this.p;
    const dt = p.discretizationS;
    const m = Math.min(n - 1, 127);
    this.m = Math.max(m, 0);
    if (m < 1) return;
    // --- velocity profile: solve (AᵀA + λDᵀD) x = Aᵀy with the cached factor
    const rhs = this.rhs;
    rhs.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const proj = ((xs[i + 1]! - xs[i]!) * Math.cos(hs[i]!) + (ys[i + 1]! - ys[i]!) * Math.sin(hs[i]!)) * dt;
      rhs[0]! += proj;
      for (let j = 0; j < i && j < m - 1; j++) rhs[j + 1]! += proj * dt;
    }
    if (m === 1) {
      rhs[0] = rhs[0]! / (dt * dt);
    } else {
      const f = this.velocityFactor(m, regulariser);
      for (let i = 0; i < m; i++) {
        let s = rhs[i]!;
        for (let k = 0; k < i; k++) s -= f[i * m + k]! * rhs[k]!;
        rhs[i] = s / f[i * m + i]!;
      }
      for (let i = m - 1; i >= 0; i--) {
        let s = rhs[i]!;
        for (let k = i + 1; k < m; k++) s -= f[k * m + i]! * rhs[k]!;
        rhs[i] = s / f[i * m + i]!;
      }
    }
    const vp = this.vProfile;
    vp[0] = rhs[0]!;
    for (let k = 1; k < m; k++) vp[k] = vp[k - 1]! + dt * rhs[k]!;

    // --- curvature profile: y_i = wrap(h_{i+1} − h_i) ≈ v_i·dt·(κ0 + dt·Σ_{j<i} κ̇_j)
    // Row i of the design matrix is [w_i, w_i·dt (i times), 0 …] with w_i = v_i·dt, so entry (r, c)
    // of the normal matrix sums row i's products over i ≥ max(r, c) and depends only on whether r and
    // c are 0 and on max(r, c): three running sums per start index k, each added up over i = k, k+1, …
    // in the same order (and from the same products) as the O(m³) accumulation row by row, so the
    // result is bit-identical to it, in O(m²).
    const M = this.mat;
    const b = this.heads;
    const ws = this.ws;
    const ys2 = this.ys;
    for (let i = 0; i < m; i++) {
      ys2[i] = normalizeAngle(hs[i + 1]! - hs[i]!);
      ws[i] = vp[i]! * dt;
    }
    for (let k = 0; k < m; k++) {
      let s00 = 0; // Σ w·w        (entry (0, 0), k = 0)
      let s0c = 0; // Σ w·(w·dt)   (entries (0, c) and (c, 0), k = c ≥ 1)
      let scc = 0; // Σ (w·dt)·(w·dt) (entries (r, c), r, c ≥ 1, k = max(r, c))
      let bk = 0; //  Σ a_k·y      (b[k]: a = w for k = 0, w·dt otherwise)
      for (let i = k; i < m; i++) {
        const w = ws[i]!;
        const wd = w * dt;
        if (k === 0) {
          s00 += w * w;
          bk += w * ys2[i]!;
        } else {
          s0c += w * wd;
          scc += wd * wd;
          bk += wd * ys2[i]!;
        }
      }
      b[k] = bk;
      if (k === 0) {
        M[0] = s00;
        continue;
      }
      M[k] = s0c;
      M[k * m] = s0c;
      // (r, c) with max(r, c) = k: row k up to the diagonal and column k above it
      for (let j = 1; j <= k; j++) {
        M[k * m + j] = scc;
        M[j * m + k] = scc;
      }
    }
    M[0]! += p.initialCurvaturePenalty;
    for (let k = 1; k < m; k++) M[k * m + k]! += p.curvatureRatePenalty;
    const kap = this.kappa;
    if (choleskySolveInPlace(M, b, m)) {
      kap[0] = b[0]!;
      for (let k = 1; k < m; k++) kap[k] = kap[k - 1]! + dt * b[k]!;
    } else {
      kap.fill(0, 0, m);
    }
  }

  /**
   * The command at profile index `i` (the reference pose at i·dt after the fitted poses' start):
   * reference speed at i + horizon, curvature over i … i + horizon − 1, both clamped to the last
   * profile entry (nuPlan's interpolation at the profile's end; BatchLQRTracker's padding).
   * @param refXs,refYs,refHs,j the reference pose at index i (rear axle), for the initial errors:
   *   entry j of the arrays (arrays and an index, not three numbers: numbers handed to a call that
   *   is not inlined are boxed, 48 B per step of PDM-Closed's proposal simulation)
   */
  commandAt(
    ego: EgoState,
    i: number,
    refXs: ArrayLike<number>,
    refYs: ArrayLike<number>,
    refHs: ArrayLike<number>,
    j: number,
    v: VehicleParams,
    out: BicycleCommand,
  ): BicycleCommand {
    const refX = refXs[j]!;
    const refY = refYs[j]!;
    const refH = refHs[j]!;
    const p = this.p;
    const dt = p.discretizationS;
    const m = this.m;
    if (m < 1) {
      out.accelMps2 = -p.stoppingGain * ego.speedMps;
      out.steerRateRadps = 0;
      return out;
    }
    const vp = this.vProfile;
    const kap = this.kappa;
    // --- longitudinal
    const H = p.trackingHorizon;
    const refIdx = Math.min(i + H, m - 1);
    const vRef = vp[refIdx]!;
    const speed = ego.speedMps;
    if (vRef <= p.stoppingSpeedMps && speed <= p.stoppingSpeedMps) {
      out.accelMps2 = -p.stoppingGain * (speed - vRef);
      out.steerRateRadps = 0;
      return out;
    }
    const B = H * dt;
    out.accelMps2 = (-B * p.qLongitudinal * (speed - vRef)) / (B * p.qLongitudinal * B + p.rLongitudinal);

    // --- lateral: compose the 10-step linearised error dynamics
    const rh = refH;
    const e0 = -(ego.x - refX) * Math.sin(rh) + (ego.y - refY) * Math.cos(rh);
    const th0 = normalizeAngle(ego.headingRad - rh);
    const d0 = ego.steerRad;
    // A (3×3), Bv (3), g (3) composed; start A=I, B=0, g=0
    let a00 = 1,
      a01 = 0,
      a02 = 0,
      a10 = 0,
      a11 = 1,
      a12 = 0,
      a20 = 0,
      a21 = 0,
      a22 = 1;
    let b0 = 0,
      b1 = 0,
      b2 = 0;
    let g0 = 0,
      g1 = 0,
      g2 = 0;
    const L = v.wheelBaseM;
    for (let j = 0; j < H; j++) {
      const vi = speed + out.accelMps2 * dt * j;
      const ki = kap[Math.min(i + j, m - 1)]!;
      const p01 = vi * dt; // A_i = [[1,p01,0],[0,1,p12],[0,0,1]]
      const p12 = (vi * dt) / L;
      // A ← A_i·A
      const n00 = a00 + p01 * a10,
        n01 = a01 + p01 * a11,
        n02 = a02 + p01 * a12;
      const n10 = a10 + p12 * a20,
        n11 = a11 + p12 * a21,
        n12 = a12 + p12 * a22;
      a00 = n00;
      a01 = n01;
      a02 = n02;
      a10 = n10;
      a11 = n11;
      a12 = n12;
      // B ← A_i·B + [0,0,dt]
      const nb0 = b0 + p01 * b1;
      const nb1 = b1 + p12 * b2;
      b0 = nb0;
      b1 = nb1;
      b2 = b2 + dt;
      // g ← A_i·g + [0, −v κ dt, 0]
      const ng0 = g0 + p01 * g1;
      const ng1 = g1 + p12 * g2 - vi * ki * dt;
      g0 = ng0;
      g1 = ng1;
    }
    const z0 = a00 * e0 + a01 * th0 + a02 * d0 + g0;
    const z1 = normalizeAngle(a10 * e0 + a11 * th0 + a12 * d0 + g1);
    const z2 = normalizeAngle(a20 * e0 + a21 * th0 + a22 * d0 + g2);
    const [q0, q1, q2] = p.qLateral;
    const num = b0 * q0 * z0 + b1 * q1 * z1 + b2 * q2 * z2;
    const den = b0 * q0 * b0 + b1 * q1 * b1 + b2 * q2 * b2 + p.rLateral;
    out.steerRateRadps = -num / den;
    return out;
  }
}
