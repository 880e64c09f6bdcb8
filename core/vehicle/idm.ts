/**
 * The Intelligent Driver Model (Treiber, Hennecke & Helbing 2000) and the lead-finding along a
 * path that both reactive agents and the IDM planners use.
 */
import { type Bounds2, boxesOverlap, type FrenetPoint, type OrientedBox, type Polyline } from '../index.ts';

export interface IdmCoefficients {
  minGapM: number;
  headwayS: number;
  accelMaxMps2: number;
  decelMaxMps2: number;
  /** Acceleration exponent δ (4 in the original model; PDM uses 10). */
  exponent: number;
}

/**
 * IDM acceleration, m/s². `gapM` is bumper-to-bumper distance to the lead (Infinity if none),
 * `leadSpeedMps` its speed along our path. Result clipped to [−decelLimit, accelMax]; the limit is
 * IDM's comfortable b unless given (nuPlan clips there; an emergency may need more).
 */
export function idmAccel(
  speedMps: number,
  targetMps: number,
  gapM: number,
  leadSpeedMps: number,
  c: IdmCoefficients,
  decelLimitMps2: number = c.decelMaxMps2,
): number {
  const free = 1 - (targetMps > 0.01 ? (speedMps / targetMps) ** c.exponent : 1);
  let interaction = 0;
  if (Number.isFinite(gapM)) {
    const sStar =
      c.minGapM +
      Math.max(
        0,
        speedMps * c.headwayS +
          (speedMps * (speedMps - leadSpeedMps)) / (2 * Math.sqrt(c.accelMaxMps2 * c.decelMaxMps2)),
      );
    const g = Math.max(gapM, 0.1);
    interaction = (sStar / g) ** 2;
  }
  const a = c.accelMaxMps2 * (free - interaction);
  return Math.min(c.accelMaxMps2, Math.max(-decelLimitMps2, a));
}

/** A body that may block a path: its box and its speed along its own heading. */
export interface Obstacle {
  box: OrientedBox;
  speedMps: number;
}

export interface LeadInfo {
  /** Arc length of the lead's rear along the path, m (Infinity if none). */
  sM: number;
  /** Lead speed projected on the path direction, m/s. */
  speedMps: number;
  index: number;
}

/**
 * Finds the nearest obstacle ahead on `path` between `fromS` and `fromS + lookM` whose box comes
 * within `halfWidthM` of the path (a corridor as wide as the follower). Allocation-free given the
 * scratch arguments. Bodies too far from the path's point at `fromS`, or from the bounds of the
 * looked-at stretch, to pass the tests are skipped before projecting (a chord is never longer than
 * its arc), which changes no result.
 */
export function findLead(
  path: Polyline,
  fromS: number,
  lookM: number,
  halfWidthM: number,
  obstacles: ReadonlyArray<Obstacle>,
  out: LeadInfo,
  scratch: FrenetPoint = { sM: 0, dM: 0, segment: 0 },
  corridor: OrientedBox = { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 },
  pose: { x: number; y: number; headingRad: number } = { x: 0, y: 0, headingRad: 0 },
  bounds: Bounds2 = { x0: 0, x1: 0, y0: 0, y1: 0 },
): LeadInfo {
  out.sM = Infinity;
  out.speedMps = 0;
  out.index = -1;
  path.poseAt(fromS, pose);
  const fx = pose.x;
  const fy = pose.y;
  // Bounds of the looked-at stretch [fromS, fromS + lookM], made on the first body that passes
  // the distance test.
  let bounded = false;
  for (let i = 0; i < obstacles.length; i++) {
    const o = obstacles[i]!;
    const reach = Math.max(o.box.lengthM, o.box.widthM) / 2;
    // An accepted body's centre lies within 2·reach + 0.5 + halfWidth of its projection, which
    // lies within lookM + 10 of arc (so of chord) from the point at fromS.
    const far = lookM + 11.5 + 2 * reach + halfWidthM;
    const dx = o.box.cx - fx;
    const dy = o.box.cy - fy;
    if (dx * dx + dy * dy > far * far) continue;
    if (!bounded) {
      path.boundsBetween(fromS, fromS + lookM, bounds, pose);
      bounded = true;
    }
    // The box of an accepted body overlaps the corridor slice at its projection P: their centres
    // lie within the two half-diagonals, √2·reach + √((reach + 0.5)² + halfWidth²), and P within
    // reach of arc (so of chord) of the stretch — so within these bounds grown by that much.
    const grow = (2 + Math.SQRT2) * reach + 0.5 + halfWidthM + 1e-6;
    if (
      o.box.cx < bounds.x0 - grow ||
      o.box.cx > bounds.x1 + grow ||
      o.box.cy < bounds.y0 - grow ||
      o.box.cy > bounds.y1 + grow
    )
      continue;
    const f = path.project(o.box.cx, o.box.cy, scratch, fromS - 10, fromS + lookM + 10);
    if (f.sM + reach < fromS || f.sM - reach > fromS + lookM) continue;
    if (Math.abs(f.dM) > halfWidthM + reach + 0.5) continue;
    // Exact test: does the obstacle's box overlap the corridor slice around its projection?
    path.poseAt(f.sM, pose);
    corridor.cx = pose.x;
    corridor.cy = pose.y;
    corridor.headingRad = pose.headingRad;
    corridor.lengthM = 2 * reach + 1;
    corridor.widthM = 2 * halfWidthM;
    if (!boxesOverlap(corridor, o.box)) continue;
    const rearS =
      f.sM -
      reach * Math.abs(Math.cos(o.box.headingRad - pose.headingRad)) -
      (o.box.widthM / 2) * Math.abs(Math.sin(o.box.headingRad - pose.headingRad));
    // Bodies whose centre is well behind our front are behind us; one we already overlap stays a
    // lead (negative gap → full braking) so nothing is driven through.
    if (f.sM < fromS - 3) continue;
    if (rearS < out.sM) {
      out.sM = rearS;
      out.speedMps = Math.max(0, o.speedMps * Math.cos(o.box.headingRad - pose.headingRad));
      out.index = i;
    }
  }
  return out;
}
