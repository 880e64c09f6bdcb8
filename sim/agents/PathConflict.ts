/**
 * Path conflicts of a reactive vehicle: which other bodies will enter its path within the forecast
 * horizon, and how hard it must brake for them. Not just the same-lane lead (that is `findLead`):
 *
 * - merge: a body heading our way that will be in our corridor and is ahead of us now (a cut-in,
 *   a merging ego, a vehicle from the adjacent lane entering ours) becomes a lead at its current
 *   position — we open the gap; one that is behind us must merge behind us;
 * - oncoming: a body that will be in our corridor head-on (an overtaking or lane-borrowing car) is
 *   a lead closing at its speed;
 * - crossing: a body that will cross our path ahead (junctions, crosswalks). Against the ego we are
 *   defensive: we keep going only if we clear the conflict `crossingMarginS` before it gets there.
 *   Only what the ego physically does counts here, not its route: a driver with the right of way
 *   expects a car with its indicator on to wait, and brakes only once it visibly does not (its
 *   route — its indicator — does count for merges, where we open a gap as a courtesy).
 *   Against another agent, whoever would arrive later yields (deterministic; a stopped body is not
 *   forecast to move, so two yielding agents never wait for each other for long).
 *
 * We never yield where we can no longer stop before the conflict (braking would strand us in it).
 * Allocation-free: the forecast, the result and the scratch objects are handed in.
 */
import { boxesOverlap, type FrenetPoint, type OrientedBox, type Polyline } from '../../core/index.ts';
import { type IdmCoefficients, idmAccel } from '../../core/vehicle/idm.ts';
import type { BodyForecast } from './BodyForecast.ts';
import type { InteractiveAgentParams } from './InteractiveParams.ts';

export type ConflictKind = 'none' | 'merge' | 'oncoming' | 'crossing';

/** The vehicle looking for conflicts. */
export interface ConflictSelf {
  /** Its own body index in the forecast (skipped). */
  body: number;
  path: Polyline;
  /** Path arc length of its front bumper, m. */
  frontS: number;
  speedMps: number;
  targetMps: number;
  lengthM: number;
  halfWidthM: number;
  /** How far along the path to look, m. */
  lookM: number;
  idm: IdmCoefficients;
}

export interface ConflictResult {
  /** The braking the most demanding conflict asks for, m/s² (Infinity when none). */
  accelMps2: number;
  /** Forecast body index of that conflict (−1 when none). */
  body: number;
  kind: ConflictKind;
  /** Bumper gap to the point we yield at, m. */
  gapM: number;
}

export interface ConflictScratch {
  f: FrenetPoint;
  corridor: OrientedBox;
  box: OrientedBox;
  pose: { x: number; y: number; headingRad: number };
  /** Bounds of the looked-at stretch of our path grown by half our width + 0.5 m (set per call). */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export function conflictScratch(): ConflictScratch {
  return {
    f: { sM: 0, dM: 0, segment: 0 },
    corridor: { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 },
    box: { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 },
    pose: { x: 0, y: 0, headingRad: 0 },
    x0: 0,
    x1: 0,
    y0: 0,
    y1: 0,
  };
}

const COS_45 = Math.SQRT1_2;

/**
 * Does forecast sample (b, k) overlap our corridor between `fromS` and `toS`? Leaves its
 * projection in `sc.f` and returns its reach (half of its longest side) or −1 for no overlap.
 * With `bounded`, a sample outside the stretch's bounds (`sc.x0`…) grown by what an overlap allows
 * is answered −1 before projecting (`sc.f` then holds no projection of it).
 */
export function sampleInCorridor(
  self: ConflictSelf,
  fc: BodyForecast,
  b: number,
  k: number,
  fromS: number,
  toS: number,
  sc: ConflictScratch,
  bounded: boolean,
): number {
  const i = b * fc.samples + k;
  const reach = Math.max(fc.lengthM[b]!, fc.widthM[b]!) / 2;
  if (bounded) {
    // An overlapping box's centre lies within the two half-diagonals (√2·reach and
    // √((reach + 0.5)² + halfWidth²)) of its projection P, and P within reach of arc (so of chord)
    // of the stretch: outside the bounds grown by that much (less what they are grown by) it cannot.
    const grow = (2 + Math.SQRT2) * reach + 1e-6;
    const x = fc.xs[i]!;
    const y = fc.ys[i]!;
    if (x < sc.x0 - grow || x > sc.x1 + grow || y < sc.y0 - grow || y > sc.y1 + grow) return -1;
  }
  const f = self.path.project(fc.xs[i]!, fc.ys[i]!, sc.f, fromS - 10, toS + 10);
  if (f.sM + reach < fromS || f.sM - reach > toS) return -1;
  if (Math.abs(f.dM) > self.halfWidthM + reach + 0.5) return -1;
  self.path.poseAt(f.sM, sc.pose);
  sc.corridor.cx = sc.pose.x;
  sc.corridor.cy = sc.pose.y;
  sc.corridor.headingRad = sc.pose.headingRad;
  sc.corridor.lengthM = 2 * reach + 1;
  sc.corridor.widthM = 2 * self.halfWidthM;
  sc.box.cx = fc.xs[i]!;
  sc.box.cy = fc.ys[i]!;
  sc.box.headingRad = fc.hs[i]!;
  sc.box.lengthM = fc.lengthM[b]!;
  sc.box.widthM = fc.widthM[b]!;
  return boxesOverlap(sc.corridor, sc.box) ? reach : -1;
}

/**
 * Bounds of `self`'s path between `fromS` and `toS` grown by half its width + 0.5 m (what
 * `sampleInCorridor` lets through sideways), into `sc.x0`…`sc.y1`.
 */
export function stretchBounds(self: ConflictSelf, fromS: number, toS: number, sc: ConflictScratch): void {
  const grow = self.halfWidthM + 0.5;
  self.path.boundsBetween(fromS, toS, sc, sc.pose);
  sc.x0 -= grow;
  sc.x1 += grow;
  sc.y0 -= grow;
  sc.y1 += grow;
}

/**
 * The most demanding yield of `self` to the bodies of `fc` (see the module comment), as an IDM
 * acceleration against a virtual lead, clipped at −`emergencyDecelMps2`. `out.accelMps2` is
 * Infinity when nothing needs yielding to.
 */
export function yieldToConflicts(
  self: ConflictSelf,
  fc: BodyForecast,
  p: InteractiveAgentParams,
  out: ConflictResult,
  sc: ConflictScratch,
): ConflictResult {
  out.accelMps2 = Infinity;
  out.body = -1;
  out.kind = 'none';
  out.gapM = Infinity;
  const v = self.speedMps;
  const fromS = self.frontS - self.lengthM;
  const toS = self.frontS + self.lookM;
  const stopM = (v * v) / (2 * p.emergencyDecelMps2);
  // Broad phase: the bounds of our stretch of path against the bounds of each body's forecast.
  stretchBounds(self, fromS, toS, sc);
  const x0 = sc.x0;
  const x1 = sc.x1;
  const y0 = sc.y0;
  const y1 = sc.y1;
  for (let b = 0; b < fc.capacity; b++) {
    const n = fc.valid[b]!;
    if (n < 2 || b === self.body) continue;
    if (fc.maxX[b]! < x0 || fc.minX[b]! > x1 || fc.maxY[b]! < y0 || fc.minY[b]! > y1) continue;
    const i0 = b * fc.samples;
    // Already in our corridor: a lead (findLead) or beside / behind us — not a future conflict.
    if (sampleInCorridor(self, fc, b, 0, fromS, toS, sc, false) >= 0) continue;
    const s0 = sc.f.sM;
    const d0Heading = fc.hs[i0]!;
    for (let k = 1; k < n; k++) {
      const reach = sampleInCorridor(self, fc, b, k, fromS, toS, sc, true);
      if (reach < 0) continue;
      const sK = sc.f.sM;
      const pathHeading = self.path.headingAt(sK);
      const cosRel = Math.cos(fc.hs[i0 + k]! - pathHeading);
      let gap: number;
      let leadSpeed: number;
      let kind: ConflictKind;
      if (cosRel >= COS_45) {
        // Merging into our lane: yield if it is ahead of our centre now.
        if (s0 <= self.frontS - self.lengthM / 2) break;
        const c0 = Math.cos(d0Heading - self.path.headingAt(s0));
        gap = s0 - reach * Math.abs(c0) - self.frontS;
        leadSpeed = Math.max(0, fc.speedMps[b]! * c0);
        kind = 'merge';
      } else if (cosRel <= -COS_45) {
        if (s0 <= self.frontS) break;
        gap = s0 - reach - self.frontS;
        leadSpeed = fc.speedMps[b]! * cosRel;
        kind = 'oncoming';
      } else {
        const entryS = sK - reach;
        const gapC = entryS - self.frontS;
        if (gapC < 0 || gapC < stopM || fc.byIntent[b]) break; // beside / behind us, cannot stop, intent only
        const vEff = Math.max(v, 1);
        const tOther = (k - 1) * fc.sampleDtS;
        if (fc.isEgo[b]) {
          const tClear = (gapC + 2 * reach + self.lengthM) / vEff;
          if (tClear + p.crossingMarginS <= tOther) break;
        } else if (gapC / vEff < tOther) {
          break; // we get there first: the other yields
        }
        gap = gapC - 1;
        leadSpeed = 0;
        kind = 'crossing';
      }
      const a = idmAccel(v, self.targetMps, gap, leadSpeed, self.idm, p.emergencyDecelMps2);
      if (a < out.accelMps2) {
        out.accelMps2 = a;
        out.body = b;
        out.kind = kind;
        out.gapM = gap;
      }
      break;
    }
  }
  return out;
}
