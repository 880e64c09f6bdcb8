/**
 * The swept-path inset of a tight bend: how far toward the inside of the bend a car's rear axle must
 * run so that its outer front corner stays within the lane. A car whose rear axle follows the
 * centreline of a bend of radius R sweeps its outer front corner round at √((R + w/2)² + l_f²) (l_f:
 * rear axle → front bumper), past the lane's outer edge R + W/2 when the bend is tight: on esmini's
 * `traffic_lights.xosc` left turn (R ≈ 9.9 m, a 3.5 m lane, the 5.2 × 2.3 m car, l_f = 4.05 m) the
 * corner ends 0.12 m over the edge, where the junction gives way to the exit road's border lane, and
 * the gate (which rolls FOLLOW_LANE out on the centreline) stopped the ego there for good. Run
 * δ further in, the corner's radius is √((R − δ + w/2)² + l_f²); the inner side (nearest the centre
 * at the rear axle, R − δ − w/2) stays in the lane while δ ≤ (W − w)/2, the in-lane offset limit.
 * Driven as the command's in-lane offset (`lateralOffsetM` on FOLLOW_LANE), so that the controller
 * tracks it and the gate rolls out the path that will be driven; it ends with the bend
 * (`lateralOffsetEndAt`): held on, the roll-out ran the ego 0.6 m towards the oncoming lane on the
 * straight after a left turn, into the gate's oncoming corridor of a car standing on that lane's
 * centre (CommonRoad DEU_Flensburg-68_1), where the driven ego was back on the centre.
 */
import { angleDiff, inLaneOffsetLimitM, type Polyline } from '../../core/index.ts';
import { DEFAULT_CURVE_SPEED } from '../../core/map/index.ts';
import type { PlannerContext } from '../../core/planning/index.ts';
import type { HierarchicalParams } from './HierarchicalParams.ts';
import type { WorldView } from './WorldView.ts';

export interface CurveInsetInput {
  /** The reference line the ego follows (the route line). */
  line: Polyline;
  /** Lane width at arc length s of the line, m. */
  laneWidthAt: (sM: number) => number;
  /** Rear-axle arc length of the ego on the line, m (the window starts here). */
  fromSM: number;
  /** Length of the window ahead of the rear axle, m. */
  lookM: number;
  /** Rear axle → front bumper, m. */
  frontM: number;
  /** Vehicle width, m. */
  widthM: number;
  /** Width of the lane the ego is in, m (the offset stays within its limit). */
  egoLaneWidthM: number;
  /** Clearance kept between the outer front corner and the lane edge, m. */
  marginM: number;
  /** Length over which the curvature is measured, m (smooths the polyline's vertex noise). */
  curvatureWindowM: number;
  /**
   * Whether a point is on the drivable area: a bend whose outer front corner, driven on the
   * centreline, stays on it (`marginM` further out included) needs no inset — a junction paved
   * beyond the connector's edge, a road with a shoulder. Absent: every lane edge is the limit.
   */
  drivable?: (x: number, y: number) => boolean;
}

/** Curvature window, m: the route's curve-speed profile's (`DEFAULT_CURVE_SPEED.curvatureWindowM`). */
const CURVATURE_WINDOW_M = DEFAULT_CURVE_SPEED.curvatureWindowM;
/** Sampling step of the window, m. */
const STEP_M = 1;
/** Insets are rounded up to this, m: a new offset rebuilds the controller's path. */
const QUANTUM_M = 0.05;
/**
 * How far past the window the end of a bend that needs the inset is sought, m (our choice: the
 * length of a roundabout's circle of 30 m radius, ≈ 190 m, rounded up). A bend needing it beyond
 * that: the inset is held along the whole path (no end).
 */
const END_SEARCH_M = 200;

/** A bend's inset: the offset, and where along the line it ends. */
export interface CurveInset {
  /** Signed in-lane offset of the rear axle's path, m (left +; 0: none). */
  offsetM: number;
  /**
   * Arc length on the line from which the rear axle's path returns to the centre, m: one sample
   * step past the last rear-axle position (on the line's 1 m grid) at which a bend on the inset's
   * side needs it — the need is computed there for the rear axle itself, and a rear axle that has
   * left the bend heads along the exit, its outer front corner `widthM`/2 off it, in the lane
   * (below). Undefined when there is no inset, or the bend goes on past `END_SEARCH_M` beyond the
   * window (held along the whole path).
   */
  endSM?: number;
}

/**
 * The signed in-lane offset (left +, toward the inside of the bend) that keeps the outer front
 * corner `marginM` inside the lane edge through the tightest bend of the window that turns the way
 * of the first bend needing an inset (up to where a bend the other way needs one), capped at the
 * in-lane offset limit of the narrower of the ego's lane and the bend's; 0 when no bend needs one.
 */
export function curveInsetM(q: CurveInsetInput): number {
  return curveInset(q).offsetM;
}

/**
 * `curveInsetM` and where it ends (`CurveInset.endSM`). Past the window the bend that needs the
 * inset is followed to its end (its samples no longer raise the inset: it is decided in the window).
 *
 * Why the end needs no more than the rear axle's own samples: the rear axle on a bend of radius R
 * an angle φ before its end heads φ short of the exit; its outer front corner lies at
 * R(1 − cos φ) − l_f·sin φ − (w/2)·cos φ from the exit's line, least at tan φ = l_f / (R + w/2) —
 * exactly where the corner is still on the circle of radius √((R + w/2)² + l_f²) the need is
 * computed for — and −w/2 (in the lane) at φ = 0. So once the rear axle has left the bend, the
 * corner is in the lane without the inset, and the return (moving the rear axle back by no more than
 * the inset, parallel at its ends) keeps the footprint within the lane.
 */
export function curveInset(q: CurveInsetInput): CurveInset {
  const { line } = q;
  const half = q.curvatureWindowM / 2;
  const hw = q.widthM / 2;
  const end = Math.min(line.length, q.fromSM + q.lookM);
  const searchEnd = Math.min(line.length, end + END_SEARCH_M);
  let best = 0;
  let lastNeedS = Number.NaN;
  let open = false;
  // samples on a grid fixed to the line, not to the ego: sampled from the rear axle, the bends'
  // curvature and corner checks moved with it and the inset flickered from plan to plan
  for (let s = Math.ceil(Math.max(0, q.fromSM) / STEP_M) * STEP_M; s <= searchEnd; s += STEP_M) {
    const inset = insetAt(q, s, half, hw);
    // past the window: only the bend's end is sought, up to its first sample that needs none
    if (s > end && (best === 0 || Math.sign(inset) !== Math.sign(best))) {
      open = false;
      break;
    }
    open = s > end;
    if (inset === 0) continue;
    // the first bend that needs an inset decides its side: one the other way further on (an S-bend)
    // is met after it, and its larger inset took the ego to the outside of the first bend
    if (best !== 0 && Math.sign(inset) !== Math.sign(best)) break;
    lastNeedS = s;
    if (s <= end && Math.abs(inset) > Math.abs(best)) best = inset;
  }
  if (best === 0) return { offsetM: 0 };
  // still needed at the search's end (before the line's): held along the whole path
  if (open && searchEnd < line.length) return { offsetM: best };
  return { offsetM: best, endSM: lastNeedS + STEP_M };
}

/** The signed inset the rear axle at arc length `sM` needs (left +; 0: none). */
function insetAt(q: CurveInsetInput, sM: number, half: number, hw: number): number {
  const { line } = q;
  const a = Math.max(0, sM - half);
  const b = Math.min(line.length, sM + half);
  if (!(b > a)) return 0;
  const k = angleDiff(line.headingAt(b), line.headingAt(a)) / (b - a);
  if (Math.abs(k) < 1e-6) return 0;
  const r = 1 / Math.abs(k);
  const laneW = q.laneWidthAt(sM);
  const limit = inLaneOffsetLimitM(Math.min(laneW, q.egoLaneWidthM), q.widthM);
  if (limit <= 0) return 0;
  const edge = r + laneW / 2 - q.marginM;
  // the corner swept round at radius √((r − δ + w/2)² + l_f²) ≤ edge
  const need = edge > q.frontM ? r + hw - Math.sqrt(edge * edge - q.frontM * q.frontM) : limit;
  if (need <= 0) return 0;
  if (q.drivable && outerCornerOnDrivable(q, sM, Math.sign(k))) return 0;
  return (
    Math.sign(k) * Math.min(limit, Math.round(Math.ceil(need / QUANTUM_M - 1e-9) * QUANTUM_M * 100) / 100)
  );
}

const cornerPose = { x: 0, y: 0, headingRad: 0 };

/** Whether the outer front corner (pushed `marginM` out) lies on the drivable area with the rear axle on the line at s. */
function outerCornerOnDrivable(q: CurveInsetInput, sM: number, side: number): boolean {
  q.line.poseAt(sM, cornerPose);
  const c = Math.cos(cornerPose.headingRad);
  const sn = Math.sin(cornerPose.headingRad);
  // the outer side is the right of a left bend (side +1) and the left of a right one
  const out = q.widthM / 2 + q.marginM;
  const x = cornerPose.x + q.frontM * c + side * out * sn;
  const y = cornerPose.y + q.frontM * sn - side * out * c;
  return q.drivable!(x, y);
}

/**
 * The inset for a FOLLOW_LANE command along the route line from the ego's rear axle (`curveInset`
 * with the route lanes' widths and the planner's parameters); none for robots (an aisle's width is
 * not a road lane's) and off the route (the line's bends are not the ones driven).
 */
export function routeCurveInset(view: WorldView, ctx: PlannerContext, p: HierarchicalParams): CurveInset {
  if (view.platform !== 'car' || Math.abs(view.egoDM) > view.laneWidthM / 2) return { offsetM: 0 };
  const route = ctx.route;
  return curveInset({
    line: route.line,
    laneWidthAt: (sM) => {
      const piece = route.pieceAt(sM);
      return ctx.map.laneWidthAt(piece.laneId, sM - piece.fromS + piece.laneS0) ?? view.laneWidthM;
    },
    fromSM: view.egoSM,
    lookM: Math.max(p.curveInsetLookMinM, p.curveInsetLookS * view.egoSpeedMps),
    frontM: view.egoFrontM,
    widthM: view.egoWidthM,
    egoLaneWidthM: view.laneWidthM,
    marginM: p.curveInsetMarginM,
    curvatureWindowM: CURVATURE_WINDOW_M,
    drivable: (x, y) => ctx.map.isDrivable(x, y),
  });
}
