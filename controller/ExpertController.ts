/**
 * The expert command tracker: iLQR (iterative LQR, Li & Todorov 2004) over a short horizon on the
 * kinematic bicycle with nuPlan's first-order actuator lags (unicycle for robots), tracking the
 * reference the classical tracker selects for the command (same path choice, same speed law,
 * `referenceFor` / `targetSpeed`) with comfort costs (jerk, steer rate, acceleration bounds) and the
 * actuator limits as hard bounds on the controls. Warm-started from its previous solution. It is
 * the teacher the early-exit network imitates and its upper baseline.
 *
 * State x = [x, y, heading, speed, accel, steer] (robots: steer slot = yaw rate), control
 * u = [commanded accel, commanded steer (robots: yaw rate)]. Scratch arrays are preallocated per
 * instance; a step allocates its output and the warm-start copy.
 */
import { z } from 'zod';
import type { Control, Pose } from '../core/index.ts';
import type {
  CommandController,
  ControllerInfo,
  ControlRequest,
  ControlStep,
  PlannerContext,
} from '../core/planning/index.ts';
import { ACCEL_TIME_CONSTANT_S, STEER_TIME_CONSTANT_S } from '../core/vehicle/index.ts';
import {
  type ClassicalParams,
  ClassicalParamsSchema,
  type ClassicalState,
  egoOnReference,
  referenceFor,
  targetSpeed,
} from './ClassicalController.ts';
import { withStopMemo } from './stopMemo.ts';

export const ExpertParamsSchema = z.object({
  /** Horizon steps. */
  horizonSteps: z.number().int().min(5).max(80).default(25),
  /** Horizon step, s (2.5 s horizon by default). */
  horizonDtS: z.number().positive().default(0.1),
  /** iLQR iterations per control step (warm-started). */
  iterations: z.number().int().min(1).max(50).default(4),
  /** Weights (dimensionless, on SI errors). */
  wLateral: z.number().nonnegative().default(0.5),
  wLongitudinal: z.number().nonnegative().default(0.3),
  wHeading: z.number().nonnegative().default(4),
  wSpeed: z.number().nonnegative().default(1),
  wAccelTrack: z.number().nonnegative().default(0.2),
  wAccel: z.number().nonnegative().default(0.02),
  wSteer: z.number().nonnegative().default(0.5),
  /** On (u_accel − accel)², a jerk proxy. */
  wJerk: z.number().nonnegative().default(0.3),
  /** On (u_steer − steer)², a steer-rate proxy. */
  wSteerRate: z.number().nonnegative().default(40),
  /** Penalty on |accel| beyond the comfort bound (nuPlan comfort: 2.40 m/s² accel, 4.05 decel). */
  wComfort: z.number().nonnegative().default(20),
  accelComfortMps2: z.number().positive().default(2.4),
  /**
   * Bound the comfort penalty on braking by the command's braking intensity (max(comfort bound,
   * commanded decel)) instead of the comfort bound alone: a hard-braking command (the gate's
   * proper response, an emergency stop) is then followed rather than fought by the comfort cost,
   * which otherwise delays the braking into collisions (`hard_braking_lead`, `occluded_pedestrian`).
   * Off reproduces the expert the network before this change was trained on.
   */
  decelComfortFromCommand: z.boolean().default(true),
  /** The classical tracker's parameters (reference path, speed law). */
  classical: ClassicalParamsSchema.partial().default({}),
});
export type ExpertParams = z.infer<typeof ExpertParamsSchema>;

export interface ExpertState {
  /** The reference cache shared with the classical tracker. */
  ref: ClassicalState;
  /** Warm start: the previous solution's controls, [a0, s0, a1, s1, …]. */
  warm: Float64Array | undefined;
  /** Speed-law acceleration at the last step (jerk limit of the reference), m/s². */
  accelRefMps2: number;
}

const N_X = 6;
const N_U = 2;
/**
 * Floating-point operations per horizon stage, counted from the loops below (a multiply-add is 2,
 * a comparison / min / max is 1) with each transcendental call (sin, cos, tan, atan2) counted as
 * TRANSCENDENTAL_FLOPS, about what a libm call costs in arithmetic:
 * - rollout stage (stage cost with controls, dynamics, steer-rate clamp): ~70 + 8 transcendentals;
 * - line-search stage: a rollout stage + the feedback law K·δx (24) + the heading wrap of δx
 *   (1 + atan2/sin/cos) + the control clamps (6);
 * - derivative stage (cost gradient/Hessian ~65 + 5 transcendentals, dynamics Jacobians ~20 + 6);
 * - backward stage (Riccati step with n_x = 6, n_u = 2: VA 432, VB 144, Qx 72, Qxx 432, Qu 24,
 *   Quu 48, Qux 144, the 2×2 inverse and gains ~70, Vx 120, Vxx 720, symmetrisation 30);
 * - reference stage (arc-length pose on the path, the speed law with its stop point and jerk
 *   limit, the extrapolation past the path's end): ~120 + 2 transcendentals.
 */
const TRANSCENDENTAL_FLOPS = 20;
const FLOPS_ROLLOUT_STAGE = 70 + 8 * TRANSCENDENTAL_FLOPS;
const FLOPS_LINE_SEARCH_STAGE = FLOPS_ROLLOUT_STAGE + 24 + 1 + 3 * TRANSCENDENTAL_FLOPS + 6;
const FLOPS_DERIV_STAGE = 85 + 11 * TRANSCENDENTAL_FLOPS;
const FLOPS_BACKWARD_STAGE = 2236;
const FLOPS_REFERENCE_STAGE = 120 + 2 * TRANSCENDENTAL_FLOPS;

/** Floating-point operations of one expert step with these parameters and `iterations` done. */
export function expertFlops(horizonSteps: number, iterations: number, lineSearches: number): number {
  return (
    (horizonSteps + 1) * FLOPS_REFERENCE_STAGE +
    horizonSteps * FLOPS_ROLLOUT_STAGE +
    iterations * horizonSteps * (FLOPS_DERIV_STAGE + FLOPS_BACKWARD_STAGE) +
    lineSearches * horizonSteps * FLOPS_LINE_SEARCH_STAGE
  );
}

/** A fresh expert (iLQR) controller; invalid parameters throw. */
export function createExpertController(params: Partial<ExpertParams> = {}): CommandController<ExpertState> & {
  /** FLOPs of the last step (for the bench). */
  lastFlops(): number;
} {
  const p = ExpertParamsSchema.parse(params);
  const cp: ClassicalParams = ClassicalParamsSchema.parse(p.classical);
  const N = p.horizonSteps;
  const dt = p.horizonDtS;
  // trajectories and reference
  const xs = new Float64Array((N + 1) * N_X);
  const xsNew = new Float64Array((N + 1) * N_X);
  const us = new Float64Array(N * N_U);
  const usNew = new Float64Array(N * N_U);
  const rx = new Float64Array(N + 1);
  const ry = new Float64Array(N + 1);
  const rh = new Float64Array(N + 1);
  const rv = new Float64Array(N + 1);
  const ra = new Float64Array(N + 1);
  // gains
  const Kk = new Float64Array(N * N_U * N_X);
  const kk = new Float64Array(N * N_U);
  // scratch for the backward pass
  const A = new Float64Array(N_X * N_X);
  const B = new Float64Array(N_X * N_U);
  const Vx = new Float64Array(N_X);
  const Vxx = new Float64Array(N_X * N_X);
  const lx = new Float64Array(N_X);
  const lxx = new Float64Array(N_X * N_X);
  const lu = new Float64Array(N_U);
  const luu = new Float64Array(N_U * N_U);
  const lux = new Float64Array(N_U * N_X);
  const Qx = new Float64Array(N_X);
  const Qu = new Float64Array(N_U);
  const Qxx = new Float64Array(N_X * N_X);
  const Quu = new Float64Array(N_U * N_U);
  const Qux = new Float64Array(N_U * N_X);
  const VA = new Float64Array(N_X * N_X);
  const VB = new Float64Array(N_X * N_U);
  const pose: Pose = { x: 0, y: 0, headingRad: 0 };
  let flops = 0;

  const wrap = (a: number): number => Math.atan2(Math.sin(a), Math.cos(a));

  return {
    name: 'expert',
    lastFlops: () => flops,
    init: () => ({
      ref: { key: '', path: undefined, sM: Number.NaN, holdMps: 0, holdFor: Number.NaN, accelMps2: 0 },
      warm: undefined,
      accelRefMps2: 0,
    }),
    step(state: ExpertState, req: ControlRequest, ctx: PlannerContext): ControlStep<ExpertState> {
      const { ego, command, dtS } = req;
      const veh = ctx.vehicle;
      const robot = veh.kind === 'robot';
      const L = veh.wheelBaseM;
      const alphaA = robot ? 1 : dt / (dt + ACCEL_TIME_CONSTANT_S);
      const alphaS = robot ? 1 : dt / (dt + STEER_TIME_CONSTANT_S);
      const uMaxA = veh.maxAccelMps2;
      const uMinA = -veh.maxDecelMps2;
      const uMaxS = robot ? veh.maxYawRateRadps : veh.maxSteerRad;
      // the steering actuator's rate limit, as a bound on the step's steer command around the steer now
      const rateStep = robot ? Number.POSITIVE_INFINITY : veh.maxSteerRateRadps * dt;
      const ref = referenceFor(state.ref, command, req, ctx, cp);
      const path = ref.path;
      // --- reference: the classical speed law rolled over the horizon along the commanded path
      let sNow = ref.sM;
      if (path) {
        sNow = egoOnReference(ref, ego, ctx, { sM: 0, dM: 0, segment: 0 }).sM;
      }
      const brake = command.decelMps2 ?? cp.decelDefaultMps2;
      const decelBound = p.decelComfortFromCommand ? Math.max(p.accelComfortMps2, brake) : p.accelComfortMps2;
      const front = veh.rearAxleToCenterM + veh.lengthM / 2;
      const lawPath = withStopMemo(path, command);
      let vR = Math.max(0, ego.speedMps);
      let sR = sNow;
      let aPrev = state.accelRefMps2;
      let accelRefNow = 0;
      for (let k = 0; k <= N; k++) {
        if (path) {
          const s = Math.min(sR, path.length);
          path.poseAt(s, pose);
          const extra = sR - s;
          rx[k] = pose.x + extra * Math.cos(pose.headingRad);
          ry[k] = pose.y + extra * Math.sin(pose.headingRad);
          rh[k] = pose.headingRad;
        } else {
          rx[k] = ego.x + (sR - sNow) * Math.cos(ego.headingRad);
          ry[k] = ego.y + (sR - sNow) * Math.sin(ego.headingRad);
          rh[k] = ego.headingRad;
        }
        rv[k] = vR;
        const tgt = targetSpeed(command, vR, ref, lawPath, sR + front, cp);
        let a =
          tgt.accelMps2 ??
          Math.min(
            Math.min(cp.accelComfortMps2, uMaxA),
            Math.max(-brake, cp.speedGainPerS * (tgt.speedMps - vR)),
          );
        const js = cp.jerkMaxMps3 * (k === 0 ? dtS : dt);
        const hard = a < -cp.decelDefaultMps2 - 1e-6 && a < aPrev;
        if (!hard) a = Math.min(aPrev + js, Math.max(aPrev - js, a));
        if (vR <= 0.01 && tgt.speedMps <= 0.01) a = Math.min(a, 0);
        if (k === 0) accelRefNow = a;
        ra[k] = a;
        aPrev = a;
        const vN = Math.max(0, vR + a * dt);
        sR += 0.5 * (vR + vN) * dt;
        vR = vN;
      }
      flops = 0;
      // --- initial guess: the previous solution, shifted by one control period, within the
      // actuator bounds (the speed law may ask for more braking than the car has, and a guess no
      // line search improves on is returned as it is)
      const warm = state.warm;
      const shift = dtS / dt;
      for (let k = 0; k < N; k++) {
        let g0: number;
        let g1: number;
        if (warm) {
          const t = Math.min(k + shift, N - 1);
          const i0 = Math.floor(t);
          const i1 = Math.min(i0 + 1, N - 1);
          const f = t - i0;
          g0 = warm[i0 * 2]! * (1 - f) + warm[i1 * 2]! * f;
          g1 = warm[i0 * 2 + 1]! * (1 - f) + warm[i1 * 2 + 1]! * f;
        } else {
          g0 = ra[k]!;
          g1 = robot ? ego.yawRateRadps : ego.steerRad;
        }
        us[k * 2] = Math.min(uMaxA, Math.max(uMinA, g0));
        us[k * 2 + 1] = Math.min(uMaxS, Math.max(-uMaxS, g1));
      }
      const x0 = [
        ego.x,
        ego.y,
        ego.headingRad,
        Math.max(0, ego.speedMps),
        ego.accelMps2,
        robot ? ego.yawRateRadps : ego.steerRad,
      ];

      const dyn = (
        x: Float64Array,
        i: number,
        u0: number,
        u1: number,
        out: Float64Array,
        o: number,
      ): void => {
        const th = x[i + 2]!;
        const v = x[i + 3]!;
        const a = x[i + 4]!;
        const d = x[i + 5]!;
        const aN = a + alphaA * (u0 - a);
        out[o] = x[i]! + v * Math.cos(th) * dt;
        out[o + 1] = x[i + 1]! + v * Math.sin(th) * dt;
        out[o + 2] = th + (robot ? d : (v * Math.tan(d)) / L) * dt;
        out[o + 3] = v + aN * dt;
        out[o + 4] = aN;
        out[o + 5] = d + alphaS * (u1 - d);
      };
      const stageCost = (
        x: Float64Array,
        i: number,
        k: number,
        u0: number,
        u1: number,
        withU: boolean,
      ): number => {
        const dx = x[i]! - rx[k]!;
        const dy = x[i + 1]! - ry[k]!;
        const c = Math.cos(rh[k]!);
        const s = Math.sin(rh[k]!);
        const eLon = c * dx + s * dy;
        const eLat = -s * dx + c * dy;
        const eh = wrap(x[i + 2]! - rh[k]!);
        const ev = x[i + 3]! - rv[k]!;
        const ea = x[i + 4]! - ra[k]!;
        let j =
          p.wLateral * eLat * eLat +
          p.wLongitudinal * eLon * eLon +
          p.wHeading * eh * eh +
          p.wSpeed * ev * ev +
          p.wAccelTrack * ea * ea;
        const over = x[i + 4]! >= 0 ? x[i + 4]! - p.accelComfortMps2 : -x[i + 4]! - decelBound;
        if (over > 0) j += p.wComfort * over * over;
        if (withU) {
          const ja = u0 - x[i + 4]!;
          const jd = u1 - x[i + 5]!;
          j += p.wAccel * u0 * u0 + p.wSteer * u1 * u1 + p.wJerk * ja * ja + p.wSteerRate * jd * jd;
        }
        return j;
      };
      const rollout = (u: Float64Array, out: Float64Array): number => {
        for (let j = 0; j < N_X; j++) out[j] = x0[j]!;
        let J = 0;
        for (let k = 0; k < N; k++) {
          const d = out[k * N_X + 5]!;
          u[k * 2 + 1] = Math.min(uMaxS, d + rateStep, Math.max(-uMaxS, d - rateStep, u[k * 2 + 1]!));
          J += stageCost(out, k * N_X, k, u[k * 2]!, u[k * 2 + 1]!, true);
          dyn(out, k * N_X, u[k * 2]!, u[k * 2 + 1]!, out, (k + 1) * N_X);
        }
        J += stageCost(out, N * N_X, N, 0, 0, false);
        flops += N * FLOPS_ROLLOUT_STAGE;
        return J;
      };
      let J = rollout(us, xs);
      let mu = 1e-6;
      let iters = 0;
      let searches = 0;
      for (let it = 0; it < p.iterations; it++) {
        iters++;
        // --- backward pass
        terminalDerivs(xs, N * N_X, N);
        for (let j = 0; j < N_X; j++) Vx[j] = lx[j]!;
        Vxx.set(lxx);
        let ok = true;
        for (let k = N - 1; k >= 0; k--) {
          const i = k * N_X;
          stageDerivs(xs, i, k, us[k * 2]!, us[k * 2 + 1]!);
          jacobians(xs, i);
          // VA = Vxx·A, VB = Vxx·B
          for (let r = 0; r < N_X; r++) {
            for (let c = 0; c < N_X; c++) {
              let acc = 0;
              for (let m = 0; m < N_X; m++) acc += Vxx[r * N_X + m]! * A[m * N_X + c]!;
              VA[r * N_X + c] = acc;
            }
            for (let c = 0; c < N_U; c++) {
              let acc = 0;
              for (let m = 0; m < N_X; m++) acc += Vxx[r * N_X + m]! * B[m * N_U + c]!;
              VB[r * N_U + c] = acc;
            }
          }
          for (let r = 0; r < N_X; r++) {
            let acc = lx[r]!;
            for (let m = 0; m < N_X; m++) acc += A[m * N_X + r]! * Vx[m]!;
            Qx[r] = acc;
            for (let c = 0; c < N_X; c++) {
              let q = lxx[r * N_X + c]!;
              for (let m = 0; m < N_X; m++) q += A[m * N_X + r]! * VA[m * N_X + c]!;
              Qxx[r * N_X + c] = q;
            }
          }
          for (let r = 0; r < N_U; r++) {
            let acc = lu[r]!;
            for (let m = 0; m < N_X; m++) acc += B[m * N_U + r]! * Vx[m]!;
            Qu[r] = acc;
            for (let c = 0; c < N_U; c++) {
              let q = luu[r * N_U + c]!;
              for (let m = 0; m < N_X; m++) q += B[m * N_U + r]! * VB[m * N_U + c]!;
              Quu[r * N_U + c] = q + (r === c ? mu : 0);
            }
            for (let c = 0; c < N_X; c++) {
              let q = lux[r * N_X + c]!;
              for (let m = 0; m < N_X; m++) q += B[m * N_U + r]! * VA[m * N_X + c]!;
              Qux[r * N_X + c] = q;
            }
          }
          const det = Quu[0]! * Quu[3]! - Quu[1]! * Quu[2]!;
          if (!(det > 1e-12) || !(Quu[0]! > 0)) {
            ok = false;
            break;
          }
          const i00 = Quu[3]! / det;
          const i01 = -Quu[1]! / det;
          const i11 = Quu[0]! / det;
          const kb = k * N_U;
          kk[kb] = -(i00 * Qu[0]! + i01 * Qu[1]!);
          kk[kb + 1] = -(i01 * Qu[0]! + i11 * Qu[1]!);
          const Kb = k * N_U * N_X;
          for (let c = 0; c < N_X; c++) {
            Kk[Kb + c] = -(i00 * Qux[c]! + i01 * Qux[N_X + c]!);
            Kk[Kb + N_X + c] = -(i01 * Qux[c]! + i11 * Qux[N_X + c]!);
          }
          // Vx = Qx + Kᵀ Quu k + Kᵀ Qu + Quxᵀ k ; Vxx = Qxx + Kᵀ Quu K + Kᵀ Qux + Quxᵀ K
          for (let r = 0; r < N_X; r++) {
            let acc = Qx[r]!;
            for (let a = 0; a < N_U; a++) {
              const Kar = Kk[Kb + a * N_X + r]!;
              let qk = 0;
              for (let b = 0; b < N_U; b++) qk += Quu[a * N_U + b]! * kk[kb + b]!;
              acc += Kar * qk + Kar * Qu[a]! + Qux[a * N_X + r]! * kk[kb + a]!;
            }
            Vx[r] = acc;
            for (let c = 0; c < N_X; c++) {
              let q = Qxx[r * N_X + c]!;
              for (let a = 0; a < N_U; a++) {
                const Kar = Kk[Kb + a * N_X + r]!;
                let qK = 0;
                for (let b = 0; b < N_U; b++) qK += Quu[a * N_U + b]! * Kk[Kb + b * N_X + c]!;
                q += Kar * qK + Kar * Qux[a * N_X + c]! + Qux[a * N_X + r]! * Kk[Kb + a * N_X + c]!;
              }
              Vxx[r * N_X + c] = q;
            }
          }
          // keep Vxx symmetric
          for (let r = 0; r < N_X; r++)
            for (let c = r + 1; c < N_X; c++) {
              const m = 0.5 * (Vxx[r * N_X + c]! + Vxx[c * N_X + r]!);
              Vxx[r * N_X + c] = m;
              Vxx[c * N_X + r] = m;
            }
          flops += FLOPS_DERIV_STAGE + FLOPS_BACKWARD_STAGE;
        }
        if (!ok) {
          mu = Math.max(mu * 10, 1e-4);
          if (mu > 1e4) break;
          continue;
        }
        // --- forward pass with a line search; controls clamped to the actuator limits
        let improved = false;
        for (const alpha of [1, 0.5, 0.25, 0.1]) {
          searches++;
          for (let j = 0; j < N_X; j++) xsNew[j] = x0[j]!;
          let Jn = 0;
          for (let k = 0; k < N; k++) {
            const i = k * N_X;
            const Kb = k * N_U * N_X;
            let d0 = alpha * kk[k * 2]!;
            let d1 = alpha * kk[k * 2 + 1]!;
            for (let c = 0; c < N_X; c++) {
              let dxc = xsNew[i + c]! - xs[i + c]!;
              if (c === 2) dxc = wrap(dxc);
              d0 += Kk[Kb + c]! * dxc;
              d1 += Kk[Kb + N_X + c]! * dxc;
            }
            const u0 = Math.min(uMaxA, Math.max(uMinA, us[k * 2]! + d0));
            const dNow = xsNew[i + 5]!;
            const u1 = Math.min(
              uMaxS,
              dNow + rateStep,
              Math.max(-uMaxS, dNow - rateStep, us[k * 2 + 1]! + d1),
            );
            usNew[k * 2] = u0;
            usNew[k * 2 + 1] = u1;
            Jn += stageCost(xsNew, i, k, u0, u1, true);
            dyn(xsNew, i, u0, u1, xsNew, i + N_X);
          }
          Jn += stageCost(xsNew, N * N_X, N, 0, 0, false);
          flops += N * FLOPS_LINE_SEARCH_STAGE;
          if (Jn < J) {
            const gain = J - Jn;
            J = Jn;
            us.set(usNew);
            xs.set(xsNew);
            improved = true;
            mu = Math.max(1e-6, mu / 10);
            if (gain < 1e-6 * Math.max(1, J)) it = p.iterations;
            break;
          }
        }
        if (!improved) {
          mu *= 10;
          if (mu > 1e4) break;
        }
      }
      void iters;
      void searches;
      flops += (N + 1) * FLOPS_REFERENCE_STAGE;

      const u0 = us[0]!;
      const u1 = us[1]!;
      let control: Control;
      if (robot) {
        const vCmd = Math.max(0, Math.max(0, ego.speedMps) + u0 * dtS);
        control = { kind: 'unicycle', vMps: vCmd, omegaRadps: u1 };
      } else {
        control = { kind: 'ackermann', accelMps2: u0, steerRad: u1 };
      }
      const nextRef: ClassicalState = {
        key: ref.key,
        path,
        sM: sNow,
        holdMps: ref.holdMps,
        holdFor: ref.holdFor,
        accelMps2: accelRefNow,
      };
      const info: ControllerInfo = { controller: 'expert', computeFraction: 1 };
      return {
        state: { ref: nextRef, warm: Float64Array.from(us), accelRefMps2: accelRefNow },
        control,
        info,
      };

      // --- derivatives (closures over the scratch arrays)
      function stageDerivs(x: Float64Array, i: number, k: number, u0: number, u1: number): void {
        trackingDerivs(x, i, k);
        const a = x[i + 4]!;
        const d = x[i + 5]!;
        lu[0] = 2 * p.wAccel * u0 + 2 * p.wJerk * (u0 - a);
        lu[1] = 2 * p.wSteer * u1 + 2 * p.wSteerRate * (u1 - d);
        luu[0] = 2 * (p.wAccel + p.wJerk);
        luu[1] = 0;
        luu[2] = 0;
        luu[3] = 2 * (p.wSteer + p.wSteerRate);
        lux.fill(0);
        lux[4] = -2 * p.wJerk;
        lux[N_X + 5] = -2 * p.wSteerRate;
        lx[4] = lx[4]! - 2 * p.wJerk * (u0 - a);
        lx[5] = lx[5]! - 2 * p.wSteerRate * (u1 - d);
        lxx[4 * N_X + 4] = lxx[4 * N_X + 4]! + 2 * p.wJerk;
        lxx[5 * N_X + 5] = lxx[5 * N_X + 5]! + 2 * p.wSteerRate;
      }
      function terminalDerivs(x: Float64Array, i: number, k: number): void {
        trackingDerivs(x, i, k);
      }
      function trackingDerivs(x: Float64Array, i: number, k: number): void {
        const dx = x[i]! - rx[k]!;
        const dy = x[i + 1]! - ry[k]!;
        const c = Math.cos(rh[k]!);
        const s = Math.sin(rh[k]!);
        const eLon = c * dx + s * dy;
        const eLat = -s * dx + c * dy;
        lx.fill(0);
        lxx.fill(0);
        const wl = p.wLateral;
        const wo = p.wLongitudinal;
        lx[0] = 2 * (wo * eLon * c - wl * eLat * s);
        lx[1] = 2 * (wo * eLon * s + wl * eLat * c);
        lxx[0] = 2 * (wo * c * c + wl * s * s);
        lxx[1] = 2 * (wo - wl) * c * s;
        lxx[N_X] = lxx[1]!;
        lxx[N_X + 1] = 2 * (wo * s * s + wl * c * c);
        const eh = wrap(x[i + 2]! - rh[k]!);
        lx[2] = 2 * p.wHeading * eh;
        lxx[2 * N_X + 2] = 2 * p.wHeading;
        lx[3] = 2 * p.wSpeed * (x[i + 3]! - rv[k]!);
        lxx[3 * N_X + 3] = 2 * p.wSpeed;
        const a = x[i + 4]!;
        lx[4] = 2 * p.wAccelTrack * (a - ra[k]!);
        lxx[4 * N_X + 4] = 2 * p.wAccelTrack;
        const over = a >= 0 ? a - p.accelComfortMps2 : -a - decelBound;
        if (over > 0) {
          lx[4] = lx[4]! + 2 * p.wComfort * over * Math.sign(a);
          lxx[4 * N_X + 4] = lxx[4 * N_X + 4]! + 2 * p.wComfort;
        }
      }
      function jacobians(x: Float64Array, i: number): void {
        const th = x[i + 2]!;
        const v = x[i + 3]!;
        const d = x[i + 5]!;
        A.fill(0);
        B.fill(0);
        for (let j = 0; j < N_X; j++) A[j * N_X + j] = 1;
        A[0 * N_X + 2] = -v * Math.sin(th) * dt;
        A[0 * N_X + 3] = Math.cos(th) * dt;
        A[1 * N_X + 2] = v * Math.cos(th) * dt;
        A[1 * N_X + 3] = Math.sin(th) * dt;
        if (robot) {
          A[2 * N_X + 5] = dt;
        } else {
          const cd = Math.cos(d);
          A[2 * N_X + 3] = (Math.tan(d) / L) * dt;
          A[2 * N_X + 5] = (v / (L * cd * cd)) * dt;
        }
        A[3 * N_X + 4] = (1 - alphaA) * dt;
        A[4 * N_X + 4] = 1 - alphaA;
        A[5 * N_X + 5] = 1 - alphaS;
        B[3 * N_U + 0] = alphaA * dt;
        B[4 * N_U + 0] = alphaA;
        B[5 * N_U + 1] = alphaS;
      }
    },
  };
}
