/**
 * The early-exit policy's input features and action scaling. One fixed-length Float32 vector per
 * control step, written into a caller-owned array (no allocation): ego state, the command (one-hot
 * speed and path decisions + targets), the speed law's preview, the reference path ahead in the
 * ego frame, the ego's offset from the path and lane boundaries, and the lead / nearest agents.
 * Both the data collector and the runtime call this one function, so training and inference see
 * the same numbers.
 */
import type {
  Control,
  FrenetPoint,
  MidLevelCommand,
  Pose,
  VehicleParams,
  WorldSnapshot,
} from '../core/index.ts';
import type { ControlRequest, PlannerContext } from '../core/planning/index.ts';
import type { ClassicalParams, ClassicalState, Reference } from './ClassicalController.ts';
import { egoOnReference, referenceFor, targetSpeed } from './ClassicalController.ts';
import { withStopMemo } from './stopMemo.ts';

/** Feature vector length (the ONNX input width). */
export const FEATURE_DIM = 64;
/** Action: [accel / ACCEL_SCALE, steer (robots: yaw rate) / STEER_SCALE]. */
export const ACTION_DIM = 2;
export const ACCEL_SCALE_MPS2 = 3;
export const STEER_SCALE_RAD = 0.5;

const SPEEDS: MidLevelCommand['speed'][] = ['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP'];
const PATHS: MidLevelCommand['path'][] = [
  'FOLLOW_LANE',
  'LEFT_CHANGE',
  'RIGHT_CHANGE',
  'LEFT_BORROW',
  'RIGHT_BORROW',
];
/** Reference path preview distances ahead of the rear axle, m (robots: × ROBOT_PREVIEW_SCALE). */
const PREVIEW_M = [2, 4, 6, 9, 12, 16, 20, 25, 30, 40, 50, 60];
const ROBOT_PREVIEW_SCALE = 0.15;
/** Speed-law preview times, s. */
const LAW_PREVIEW_S = [1, 2, 3];

export interface FeatureInput {
  ego: WorldSnapshot['ego'];
  command: MidLevelCommand;
  snapshot: WorldSnapshot;
  vehicle: VehicleParams;
  ref: Reference;
  /** The ego's arc length on the reference path, m (NaN without a path). */
  sM: number;
  /** Lane width at the ego, m. */
  laneWidthM: number;
  /** The speed law's acceleration at the previous step, m/s². */
  accelPrevMps2: number;
  dtS: number;
}

const fp: FrenetPoint = { sM: 0, dM: 0, segment: 0 };

/**
 * Writes the features of one control step into `out` (length ≥ FEATURE_DIM) and returns the speed
 * law's acceleration now (m/s², the next call's `accelPrevMps2`). `scratch` is a reusable pose.
 */
export function writeFeatures(
  f: FeatureInput,
  cp: ClassicalParams,
  out: Float32Array,
  scratch: Pose,
): number {
  out.fill(0);
  const { ego, command, vehicle, ref } = f;
  const robot = vehicle.kind === 'robot';
  const v = Math.max(0, ego.speedMps);
  out[0] = v / 20;
  out[1] = ego.accelMps2 / ACCEL_SCALE_MPS2;
  out[2] = (robot ? ego.yawRateRadps : ego.steerRad) / STEER_SCALE_RAD;
  out[3] = ego.yawRateRadps;
  out[4 + SPEEDS.indexOf(command.speed)] = 1;
  out[8 + PATHS.indexOf(command.path)] = 1;
  const tgt =
    command.targetSpeedMps ?? (command.speed === 'KEEP' ? ref.holdMps : command.speed === 'STOP' ? 0 : v);
  out[13] = tgt / 20;
  out[14] = command.targetSpeedMps !== undefined ? 1 : 0;
  out[15] = (command.decelMps2 ?? cp.decelDefaultMps2) / 5;
  out[18] = robot ? 1 : 0;
  const path = ref.path;
  const front = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
  const s0 = Number.isFinite(f.sM) ? f.sM : 0;
  if (command.stopAt && path) {
    path.project(command.stopAt.x, command.stopAt.y, fp);
    out[16] = Math.min(80, Math.max(-5, fp.sM - s0 - front)) / 40;
    out[17] = 1;
  }
  // the speed law rolled forward (the same law the classical tracker and the expert follow)
  const brake = command.decelMps2 ?? cp.decelDefaultMps2;
  const lawPath = withStopMemo(path, command);
  let vR = v;
  let sR = s0;
  let aPrev = f.accelPrevMps2;
  let aNow = 0;
  const lawDt = 0.1;
  let li = 0;
  for (let k = 0; k <= 30 && li < LAW_PREVIEW_S.length; k++) {
    const t = targetSpeed(command, vR, ref, lawPath, sR + front, cp);
    let a =
      t.accelMps2 ??
      Math.min(
        Math.min(cp.accelComfortMps2, vehicle.maxAccelMps2),
        Math.max(-brake, cp.speedGainPerS * (t.speedMps - vR)),
      );
    const js = cp.jerkMaxMps3 * (k === 0 ? f.dtS : lawDt);
    const hard = a < -cp.decelDefaultMps2 - 1e-6 && a < aPrev;
    if (!hard) a = Math.min(aPrev + js, Math.max(aPrev - js, a));
    if (vR <= 0.01 && t.speedMps <= 0.01) a = Math.min(a, 0);
    // within the platform's limits, as the classical tracker applies it: a stop point closer than
    // the ego can brake for asks the law for −v²/0.1 m/s² (−198 at 4.45 m/s), a feature value
    // (−66 normalised) no roll-out had shown the network, which answered with −12 m/s² (beyond the
    // limits: the action-limit guard's hand-over, hard_braking_lead from 8.5 s)
    a = Math.min(vehicle.maxAccelMps2, Math.max(-vehicle.maxDecelMps2, a));
    if (k === 0) {
      aNow = a;
      out[19] = a / ACCEL_SCALE_MPS2;
    }
    aPrev = a;
    const vN = Math.max(0, vR + a * lawDt);
    sR += 0.5 * (vR + vN) * lawDt;
    vR = vN;
    if (Math.abs((k + 1) * lawDt - LAW_PREVIEW_S[li]!) < 1e-6) out[20 + li++] = vR / 20;
  }
  // the reference path ahead, in the ego frame
  const c = Math.cos(ego.headingRad);
  const s = Math.sin(ego.headingRad);
  const scale = robot ? ROBOT_PREVIEW_SCALE : 1;
  if (path) {
    path.poseAt(Math.min(Math.max(s0, 0), path.length), scratch);
    const dx0 = ego.x - scratch.x;
    const dy0 = ego.y - scratch.y;
    const hc = Math.cos(scratch.headingRad);
    const hs = Math.sin(scratch.headingRad);
    out[47] = (-hs * dx0 + hc * dy0) / 2;
    out[48] = wrap(ego.headingRad - scratch.headingRad);
    const half = f.laneWidthM / 2;
    const d = -hs * dx0 + hc * dy0;
    out[49] = (half - d) / 2;
    out[50] = (half + d) / 2;
    for (let i = 0; i < PREVIEW_M.length; i++) {
      const ahead = PREVIEW_M[i]! * scale;
      const sa = s0 + ahead;
      const sc = Math.min(Math.max(sa, 0), path.length);
      path.poseAt(sc, scratch);
      const extra = sa - sc;
      const px = scratch.x + extra * Math.cos(scratch.headingRad) - ego.x;
      const py = scratch.y + extra * Math.sin(scratch.headingRad) - ego.y;
      out[23 + 2 * i] = (c * px + s * py) / (PREVIEW_M[i]! * scale);
      out[24 + 2 * i] = (-s * px + c * py) / (5 * scale);
    }
  } else {
    for (let i = 0; i < PREVIEW_M.length; i++) out[23 + 2 * i] = 1;
  }
  // agents: the lead in the ego's corridor and the nearest other one
  let leadGap = Number.POSITIVE_INFINITY;
  let leadV = 0;
  let nearD = Number.POSITIVE_INFINITY;
  let nearX = 0;
  let nearY = 0;
  const half = vehicle.widthM / 2 + 0.5;
  for (const a of f.snapshot.agents) {
    const dx = a.x - ego.x;
    const dy = a.y - ego.y;
    const lx = c * dx + s * dy;
    const ly = -s * dx + c * dy;
    if (lx > 0 && Math.abs(ly) < half + a.widthM / 2 && lx < leadGap) {
      leadGap = lx;
      leadV = a.speedMps * Math.cos(a.headingRad - ego.headingRad);
    }
    const dist = Math.hypot(lx, ly);
    if (dist < nearD) {
      nearD = dist;
      nearX = lx;
      nearY = ly;
    }
  }
  const range = robot ? 10 : 60;
  if (leadGap < range) {
    out[51] = leadGap / range;
    out[52] = (leadV - v) / 10;
    out[53] = 1;
  }
  if (nearD < range) {
    out[54] = nearX / range;
    out[55] = nearY / (range / 4);
    out[56] = 1;
  }
  return aNow;
}

function wrap(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

/**
 * The features of one control step with the reference cache carried in `refState` (the classical
 * tracker's state shape): selects the command's reference (`referenceFor`), projects the ego on it
 * and writes `out`. Returns the next reference state (its `accelMps2` = the speed law's
 * acceleration now).
 */
export function featuresFor(
  refState: ClassicalState,
  req: ControlRequest,
  ctx: PlannerContext,
  cp: ClassicalParams,
  out: Float32Array,
  scratch: Pose,
): ClassicalState {
  const ref = referenceFor(refState, req.command, req, ctx, cp);
  let sM = ref.sM;
  if (ref.path) {
    egoOnReference(ref, req.ego, ctx, fp);
    sM = fp.sM;
  }
  const here = ctx.map.locate(req.ego.x, req.ego.y, req.ego.headingRad);
  const lane = here ? ctx.map.lane(here.laneId) : undefined;
  const a = writeFeatures(
    {
      ego: req.ego,
      command: req.command,
      snapshot: req.snapshot,
      vehicle: ctx.vehicle,
      ref,
      sM,
      laneWidthM: lane?.data.widthM ?? 3.5,
      accelPrevMps2: refState.accelMps2,
      dtS: req.dtS,
    },
    cp,
    out,
    scratch,
  );
  return { key: ref.key, path: ref.path, sM, holdMps: ref.holdMps, holdFor: ref.holdFor, accelMps2: a };
}

/** A fresh reference cache. */
export function initialReference(): ClassicalState {
  return { key: '', path: undefined, sM: Number.NaN, holdMps: 0, holdFor: Number.NaN, accelMps2: 0 };
}

/** Normalised action → control (clamped to the platform's limits). */
export function actionToControl(
  a0: number,
  a1: number,
  ego: WorldSnapshot['ego'],
  vehicle: VehicleParams,
  dtS: number,
): Control {
  const accel = Math.min(vehicle.maxAccelMps2, Math.max(-vehicle.maxDecelMps2, a0 * ACCEL_SCALE_MPS2));
  if (vehicle.kind === 'robot') {
    const w = Math.min(vehicle.maxYawRateRadps, Math.max(-vehicle.maxYawRateRadps, a1 * STEER_SCALE_RAD));
    return { kind: 'unicycle', vMps: Math.max(0, Math.max(0, ego.speedMps) + accel * dtS), omegaRadps: w };
  }
  const steer = Math.min(vehicle.maxSteerRad, Math.max(-vehicle.maxSteerRad, a1 * STEER_SCALE_RAD));
  return { kind: 'ackermann', accelMps2: accel, steerRad: steer };
}

/** Control → normalised action (the training label). */
export function controlToAction(
  c: Control,
  ego: WorldSnapshot['ego'],
  dtS: number,
  out: Float32Array,
  o: number,
): void {
  if (c.kind === 'unicycle') {
    out[o] = (c.vMps - Math.max(0, ego.speedMps)) / dtS / ACCEL_SCALE_MPS2;
    out[o + 1] = c.omegaRadps / STEER_SCALE_RAD;
  } else {
    out[o] = c.accelMps2 / ACCEL_SCALE_MPS2;
    out[o + 1] = c.steerRad / STEER_SCALE_RAD;
  }
}
