/**
 * PDM's proposal scorer (tuplan_garage `scoring/pdm_scorer.py`, `pdm_scorer_utils.py`,
 * `pdm_comfort_metrics.py`), a re-implementation of nuPlan's closed-loop metrics on the simulated
 * proposals:
 *
 *   score = no_at_fault_collision · drivable_area · driving_direction
 *           · (w_progress·progress + w_ttc·ttc + w_comfort·comfort) / Σw
 *
 * Ego areas per step (corners and centre against the drivable polygons): MULTIPLE_LANES (more than
 * one polygon holds a corner and none holds all four), NON_DRIVABLE_AREA (a corner in no
 * polygon), ONCOMING_TRAFFIC (centre in no on-route lane). All buffers are preallocated.
 */
import type { VehicleParams } from '../../../core/index.ts';
import {
  applySavGol,
  obbOverlap,
  roundDecimals,
  type SavGolFilter,
  savGolFilter,
  segmentIntersectsObb,
} from '../../../core/index.ts';
import type { LaneAreaIndex } from './LaneAreaIndex.ts';
import type { PdmObservation } from './PdmObservation.ts';
import type { PdmPath } from './PdmPath.ts';

export interface ScorerParams {
  weightProgress: number;
  weightTtc: number;
  weightComfort: number;
  drivingDirectionComplianceM: number;
  drivingDirectionViolationM: number;
  progressDistanceThresholdM: number;
  ttcStoppedSpeedMps: number;
  collisionStoppedSpeedMps: number;
  ttcLookaheadSteps: readonly number[];
  /** Proposal steps per occupancy sample (observation_sample_res). */
  observationSampleRes: number;
  agentAheadDeg: number;
  agentBehindDeg: number;
  comfort: {
    maxLonAccel: number;
    minLonAccel: number;
    maxAbsLatAccel: number;
    maxAbsJerk: number;
    maxAbsLonJerk: number;
    maxAbsYawAccel: number;
    maxAbsYawRate: number;
  };
}

/** Simulated proposals: P rows of `steps` states each, row-major. */
export interface SimulatedProposals {
  count: number;
  steps: number;
  dtS: number;
  x: Float64Array;
  y: Float64Array;
  heading: Float64Array;
  speed: Float64Array;
  accel: Float64Array;
}

export interface ScoringContext {
  obs: PdmObservation;
  areas: LaneAreaIndex;
  /** Polygon id → 1 when on route (route lanes and their same-direction neighbours). */
  onRoute: Uint8Array;
  /** Junction polygons (flat x0,y0,…) with their bounds [minX, minY, maxX, maxY]. */
  junctions: ReadonlyArray<{ flat: Float64Array; bounds: readonly number[] }>;
  centerline: PdmPath;
  /** Progress window on the centerline for projections, m. */
  fromS: number;
  toS: number;
  vehicle: VehicleParams;
}

const MAX_POLYS_PER_POINT = 8;

export class PdmScorer {
  readonly noCollision: Float64Array;
  readonly drivableArea: Float64Array;
  readonly drivingDirection: Float64Array;
  readonly multiplicative: Float64Array;
  readonly progressRaw: Float64Array;
  readonly progress: Float64Array;
  readonly ttc: Float64Array;
  readonly comfort: Float64Array;
  readonly score: Float64Array;
  /** First at-fault collision step per proposal (Infinity when none). */
  readonly collisionStep: Float64Array;
  readonly ttcStep: Float64Array;

  private readonly p: ScorerParams;
  private readonly n: number;
  private readonly steps: number;
  private readonly cx: Float64Array;
  private readonly cy: Float64Array;
  private readonly cs: Float64Array;
  private readonly sn: Float64Array;
  private readonly multi: Uint8Array;
  private readonly nonDrivable: Uint8Array;
  private readonly oncoming: Uint8Array;
  private ignoreCol = new Uint8Array(0);
  private ignoreTtc = new Uint8Array(0);
  private readonly poly = new Int32Array(4 * MAX_POLYS_PER_POINT);
  private readonly polyN = new Int32Array(4);
  private readonly centrePoly = new Int32Array(MAX_POLYS_PER_POINT);
  /** Views of `poly`, one per corner. */
  private readonly cornerPoly: Int32Array[];
  private readonly sgAccel41: SavGolFilter;
  private readonly sgAccel8: SavGolFilter;
  private readonly sgJerk: SavGolFilter;
  private readonly sgYawAccel: SavGolFilter;
  private readonly sgYawRate: SavGolFilter;
  private readonly sig: Float64Array;
  private readonly sig2: Float64Array;
  private readonly acc: Float64Array;
  private readonly sig3: Float64Array;
  private readonly frenet = { sM: 0, dM: 0, segment: 0 };

  constructor(proposals: number, steps: number, dtS: number, params: ScorerParams) {
    this.p = params;
    this.n = proposals;
    this.steps = steps;
    const f = () => new Float64Array(proposals);
    this.noCollision = f();
    this.drivableArea = f();
    this.drivingDirection = f();
    this.multiplicative = f();
    this.progressRaw = f();
    this.progress = f();
    this.ttc = f();
    this.comfort = f();
    this.score = f();
    this.collisionStep = f();
    this.ttcStep = f();
    const g = () => new Float64Array(proposals * steps);
    this.cx = g();
    this.cy = g();
    this.cs = g();
    this.sn = g();
    this.multi = new Uint8Array(proposals * steps);
    this.nonDrivable = new Uint8Array(proposals * steps);
    this.oncoming = new Uint8Array(proposals * steps);
    // pdm_comfort_metrics.py: the window arguments of the accel / yaw helpers are ignored, so
    // the defaults (8 for accelerations inside jerk, 5 for yaw) apply; lon accel and jerk
    // derivatives use the whole horizon.
    this.sgAccel41 = savGolFilter(steps, Math.min(steps, 41), 2);
    this.sgAccel8 = savGolFilter(steps, Math.min(steps, 8), 2);
    this.sgJerk = savGolFilter(steps, steps, 2, 1, dtS);
    this.sgYawAccel = savGolFilter(steps, Math.min(steps, 5), 3, 2, dtS);
    this.sgYawRate = savGolFilter(steps, Math.min(steps, 5), 2, 1, dtS);
    this.sig = new Float64Array(steps);
    this.sig2 = new Float64Array(steps);
    this.sig3 = new Float64Array(steps);
    this.acc = new Float64Array(steps);
    const M = MAX_POLYS_PER_POINT;
    this.cornerPoly = [0, 1, 2, 3].map((q) => this.poly.subarray(q * M, (q + 1) * M));
  }

  /** Scores all proposals; returns the best index (first on ties, as numpy argmax). */
  scoreAll(sim: SimulatedProposals, ctx: ScoringContext): number {
    const { obs, vehicle } = ctx;
    const P = this.n;
    const T = this.steps;
    if (this.ignoreCol.length < P * obs.count) {
      this.ignoreCol = new Uint8Array(P * obs.count * 2);
      this.ignoreTtc = new Uint8Array(P * obs.count * 2);
    }
    this.ignoreCol.fill(0, 0, P * obs.count);
    this.ignoreTtc.fill(0, 0, P * obs.count);
    const r2c = vehicle.rearAxleToCenterM;
    for (let k = 0; k < P * T; k++) {
      const c = Math.cos(sim.heading[k]!);
      const s = Math.sin(sim.heading[k]!);
      this.cs[k] = c;
      this.sn[k] = s;
      this.cx[k] = sim.x[k]! + r2c * c;
      this.cy[k] = sim.y[k]! + r2c * s;
    }
    this.egoAreas(ctx);
    for (let i = 0; i < P; i++) {
      this.collisions(i, sim, ctx);
      this.drivingDirectionOf(i);
      let off = 0;
      for (let t = 0; t < T; t++) off |= this.nonDrivable[i * T + t]!;
      this.drivableArea[i] = off ? 0 : 1;
      this.multiplicative[i] = this.noCollision[i]! * this.drivableArea[i]! * this.drivingDirection[i]!;
      const s0 = ctx.centerline.project(this.cx[i * T]!, this.cy[i * T]!, this.frenet, ctx.fromS, ctx.toS);
      const s1 = ctx.centerline.project(
        this.cx[i * T + T - 1]!,
        this.cy[i * T + T - 1]!,
        this.frenet,
        ctx.fromS,
        ctx.toS,
      );
      this.progressRaw[i] = Math.max(0, s1 - s0);
      this.ttcOf(i, sim, ctx);
      this.comfort[i] = this.comfortable(i, sim) ? 1 : 0;
    }
    // Aggregate (pdm_scorer.py::_aggregate_scores)
    const p = this.p;
    let maxRaw = 0;
    for (let i = 0; i < P; i++) maxRaw = Math.max(maxRaw, this.progressRaw[i]! * this.multiplicative[i]!);
    const wSum = p.weightProgress + p.weightTtc + p.weightComfort;
    let best = 0;
    for (let i = 0; i < P; i++) {
      const m = this.multiplicative[i]!;
      if (maxRaw > p.progressDistanceThresholdM) this.progress[i] = (this.progressRaw[i]! * m) / maxRaw;
      else this.progress[i] = m === 0 ? 0 : 1;
      const weighted =
        (p.weightProgress * this.progress[i]! +
          p.weightTtc * this.ttc[i]! +
          p.weightComfort * this.comfort[i]!) /
        wSum;
      this.score[i] = m * weighted;
      if (this.score[i]! > this.score[best]!) best = i;
    }
    return best;
  }

  private egoAreas(ctx: ScoringContext): void {
    const { areas, vehicle, onRoute } = ctx;
    const hl = vehicle.lengthM / 2;
    const hw = vehicle.widthM / 2;
    const poly = this.poly;
    const polyN = this.polyN;
    const sub = this.cornerPoly;
    for (let k = 0; k < this.n * this.steps; k++) {
      const cx = this.cx[k]!;
      const cy = this.cy[k]!;
      const c = this.cs[k]!;
      const s = this.sn[k]!;
      let someCornerOff = false;
      for (let q = 0; q < 4; q++) {
        const sl = q < 2 ? hl : -hl;
        const sw = q === 0 || q === 3 ? hw : -hw;
        areas.query[0] = cx + c * sl - s * sw;
        areas.query[1] = cy + s * sl + c * sw;
        polyN[q] = areas.polygonsAtQuery(sub[q]!);
        if (polyN[q] === 0) someCornerOff = true;
      }
      // Distinct polygons holding ≥ 1 corner, and whether one holds all four.
      let distinct = 0;
      let allFour = false;
      for (let q = 0; q < 4; q++) {
        for (let a = 0; a < polyN[q]!; a++) {
          const id = poly[q * MAX_POLYS_PER_POINT + a]!;
          let seenBefore = false;
          for (let q2 = 0; q2 < q && !seenBefore; q2++) {
            for (let b = 0; b < polyN[q2]!; b++)
              if (poly[q2 * MAX_POLYS_PER_POINT + b] === id) seenBefore = true;
          }
          if (seenBefore) continue;
          distinct++;
          let holders = 1;
          for (let q2 = q + 1; q2 < 4; q2++) {
            for (let b = 0; b < polyN[q2]!; b++) {
              if (poly[q2 * MAX_POLYS_PER_POINT + b] === id) {
                holders++;
                break;
              }
            }
          }
          if (holders === 4) allFour = true;
        }
      }
      this.multi[k] = distinct > 1 && !allFour ? 1 : 0;
      this.nonDrivable[k] = someCornerOff ? 1 : 0;
      areas.query[0] = cx;
      areas.query[1] = cy;
      const nc = areas.polygonsAtQuery(this.centrePoly);
      let on = false;
      for (let a = 0; a < nc; a++) if (onRoute[this.centrePoly[a]!] === 1) on = true;
      this.oncoming[k] = on ? 0 : 1;
    }
  }

  /** |angle| between the ego heading and rear axle → point, degrees (NaN when coincident). */
  private static relAngleDeg(rx: number, ry: number, c: number, s: number, px: number, py: number): number {
    const dx = px - rx;
    const dy = py - ry;
    const norm = Math.hypot(dx, dy);
    const dot = Math.min(1, Math.max(-1, (c * dx + s * dy) / norm));
    return (Math.acos(dot) * 180) / Math.PI;
  }

  private collisions(i: number, sim: SimulatedProposals, ctx: ScoringContext): void {
    const { obs, vehicle } = ctx;
    const p = this.p;
    const T = this.steps;
    const hl = vehicle.lengthM / 2;
    const hw = vehicle.widthM / 2;
    const egoR = Math.hypot(hl, hw);
    const dtMap = sim.dtS * p.observationSampleRes;
    let score = 1;
    let first = Infinity;
    for (let t = 0; t < T; t++) {
      const k = i * T + t;
      const m = Math.floor(t / p.observationSampleRes);
      const cx = this.cx[k]!;
      const cy = this.cy[k]!;
      const c = this.cs[k]!;
      const s = this.sn[k]!;
      for (let j = 0; j < obs.count; j++) {
        if (this.ignoreCol[i * obs.count + j]) continue;
        const ox = obs.xAt(j, m, dtMap);
        const oy = obs.yAt(j, m, dtMap);
        const rr = egoR + obs.radius[j]!;
        if ((ox - cx) * (ox - cx) + (oy - cy) * (oy - cy) > rr * rr) continue;
        const oc = obs.cos[j]!;
        const os = obs.sin[j]!;
        const ohl = obs.halfL[j]!;
        const ohw = obs.halfW[j]!;
        if (!obbOverlap(cx, cy, c, s, hl, hw, ox, oy, oc, os, ohl, ohw)) continue;
        // get_collision_type (pdm_scorer_utils.py); ego speed = hypot(vx, vy), so a reversing
        // proposal (negative speed) is not "stopped"
        let atFault: boolean;
        if (Math.abs(sim.speed[k]!) <= p.collisionStoppedSpeedMps)
          atFault = false; // STOPPED_EGO
        else if (!obs.isAgent[j] || obs.speed[j]! <= p.collisionStoppedSpeedMps)
          atFault = true; // STOPPED_TRACK
        else if (PdmScorer.relAngleDeg(sim.x[k]!, sim.y[k]!, c, s, ox, oy) > p.agentBehindDeg)
          atFault = false; // ACTIVE_REAR
        else if (
          segmentIntersectsObb(
            cx + c * hl - s * hw,
            cy + s * hl + c * hw,
            cx + c * hl + s * hw,
            cy + s * hl - c * hw,
            ox,
            oy,
            oc,
            os,
            ohl,
            ohw,
          )
        )
          atFault = true; // ACTIVE_FRONT
        else atFault = this.multi[k] === 1 || this.nonDrivable[k] === 1; // ACTIVE_LATERAL
        if (atFault) {
          score = Math.min(score, obs.isAgent[j] ? 0 : 0.5);
          if (t < first) first = t;
        } else {
          this.ignoreCol[i * obs.count + j] = 1;
        }
      }
    }
    this.noCollision[i] = score;
    this.collisionStep[i] = first;
  }

  private drivingDirectionOf(i: number): void {
    const T = this.steps;
    let maxRun = 0;
    let run = 0;
    for (let t = 1; t < T; t++) {
      const k = i * T + t;
      // np.split at mask changes: a run of oncoming steps sums their displacements.
      if (this.oncoming[k] !== this.oncoming[k - 1]) run = 0;
      if (this.oncoming[k]) run += Math.hypot(this.cx[k]! - this.cx[k - 1]!, this.cy[k]! - this.cy[k - 1]!);
      if (run > maxRun) maxRun = run;
    }
    const p = this.p;
    this.drivingDirection[i] =
      maxRun < p.drivingDirectionComplianceM ? 1 : maxRun < p.drivingDirectionViolationM ? 0.5 : 0;
  }

  private inJunction(ctx: ScoringContext, x: number, y: number): boolean {
    for (const j of ctx.junctions) {
      const b = j.bounds;
      if (x < b[0]! || y < b[1]! || x > b[2]! || y > b[3]!) continue;
      // Even-odd test (core pointInPolygon semantics) inlined to keep the import surface small.
      const f = j.flat;
      const n = f.length >> 1;
      let inside = false;
      for (let a = 0, b2 = n - 1; a < n; b2 = a++) {
        const xa = f[2 * a]!;
        const ya = f[2 * a + 1]!;
        const xb = f[2 * b2]!;
        const yb = f[2 * b2 + 1]!;
        if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
      }
      if (inside) return true;
    }
    return false;
  }

  private ttcOf(i: number, sim: SimulatedProposals, ctx: ScoringContext): void {
    const { obs, vehicle } = ctx;
    const p = this.p;
    const T = this.steps;
    const hl = vehicle.lengthM / 2;
    const hw = vehicle.widthM / 2;
    const egoR = Math.hypot(hl, hw);
    const dtMap = sim.dtS * p.observationSampleRes;
    let score = 1;
    let first = Infinity;
    for (let t = 0; t < T; t++) {
      const k = i * T + t;
      // pdm_scorer.py: speed = hypot(vx, vy) ≥ 0, and the 1 s projection runs along the heading
      // at that speed even when the batch bicycle reverses (its speed may go negative).
      const v = Math.abs(sim.speed[k]!);
      if (v < p.ttcStoppedSpeedMps) continue;
      const c = this.cs[k]!;
      const s = this.sn[k]!;
      for (let li = 0; li < p.ttcLookaheadSteps.length; li++) {
        const ahead = p.ttcLookaheadSteps[li]!;
        const m = Math.floor((t + ahead) / p.observationSampleRes);
        const shift = v * ahead * sim.dtS;
        const cx = this.cx[k]! + shift * c;
        const cy = this.cy[k]! + shift * s;
        for (let j = 0; j < obs.count; j++) {
          if (this.ignoreTtc[i * obs.count + j]) continue;
          const ox = obs.xAt(j, m, dtMap);
          const oy = obs.yAt(j, m, dtMap);
          const rr = egoR + obs.radius[j]!;
          if ((ox - cx) * (ox - cx) + (oy - cy) * (oy - cy) > rr * rr) continue;
          if (
            !obbOverlap(cx, cy, c, s, hl, hw, ox, oy, obs.cos[j]!, obs.sin[j]!, obs.halfL[j]!, obs.halfW[j]!)
          )
            continue;
          const ang = PdmScorer.relAngleDeg(sim.x[k]!, sim.y[k]!, c, s, ox, oy);
          const violation =
            ang < p.agentAheadDeg ||
            ((this.multi[k] === 1 ||
              this.nonDrivable[k] === 1 ||
              this.inJunction(ctx, sim.x[k]!, sim.y[k]!)) &&
              !(ang > p.agentBehindDeg));
          if (violation) {
            score = 0;
            if (t < first) first = t;
          } else {
            this.ignoreTtc[i * obs.count + j] = 1;
          }
        }
      }
    }
    this.ttc[i] = score;
    this.ttcStep[i] = first;
  }

  private comfortable(i: number, sim: SimulatedProposals): boolean {
    const T = this.steps;
    const c = this.p.comfort;
    const a = this.acc;
    for (let t = 0; t < T; t++) a[t] = sim.accel[i * T + t]!;
    const sig = this.sig;
    const sig2 = this.sig2;
    const sig3 = this.sig3;
    // (3) lon accel: SG(2, whole horizon)
    applySavGol(this.sgAccel41, a, sig);
    for (let t = 0; t < T; t++) {
      const v = roundDecimals(sig[t]!, 8);
      if (!(v > c.minLonAccel && v < c.maxLonAccel)) return false;
    }
    // (2) lat accel: the bicycle model's ay is identically 0, so it always passes.
    // (1) jerk magnitude: |a| = hypot(ax, 0); (5) lon jerk: ax. Accel SG(2, 8), then SG'(2, horizon).
    for (let t = 0; t < T; t++) sig3[t] = Math.abs(a[t]!);
    applySavGol(this.sgAccel8, sig3, sig2);
    for (let t = 0; t < T; t++) sig2[t] = roundDecimals(sig2[t]!, 8);
    applySavGol(this.sgJerk, sig2, sig);
    for (let t = 0; t < T; t++) {
      const v = roundDecimals(sig[t]!, 8);
      if (!(v > -c.maxAbsJerk && v < c.maxAbsJerk)) return false;
    }
    applySavGol(this.sgAccel8, a, sig2);
    for (let t = 0; t < T; t++) sig2[t] = roundDecimals(sig2[t]!, 8);
    applySavGol(this.sgJerk, sig2, sig);
    for (let t = 0; t < T; t++) {
      const v = roundDecimals(sig[t]!, 8);
      if (!(v > -c.maxAbsLonJerk && v < c.maxAbsLonJerk)) return false;
    }
    // (4) yaw accel SG''(3, 5) and (6) yaw rate SG'(2, 5) on the unwrapped heading.
    const h = sim.heading;
    sig3[0] = h[i * T]!;
    for (let t = 1; t < T; t++) {
      const d = h[i * T + t]! - h[i * T + t - 1]!;
      sig3[t] = sig3[t - 1]! + d - 2 * Math.PI * Math.round(d / (2 * Math.PI));
    }
    applySavGol(this.sgYawAccel, sig3, sig);
    for (let t = 0; t < T; t++) {
      const v = roundDecimals(sig[t]!, 8);
      if (!(v > -c.maxAbsYawAccel && v < c.maxAbsYawAccel)) return false;
    }
    applySavGol(this.sgYawRate, sig3, sig);
    for (let t = 0; t < T; t++) {
      const v = roundDecimals(sig[t]!, 8);
      if (!(v > -c.maxAbsYawRate && v < c.maxAbsYawRate)) return false;
    }
    return true;
  }
}
