/**
 * Headings along a polyline trajectory as esmini gives them (roadmanager PolyLineShape /
 * PolyLineBase, FollowTrajectoryAction): each vertex has a true heading (towards the next vertex
 * that differs from it) and a heading, the one its Position gives or else the true heading; between
 * vertices the heading is interpolated by one of esmini's three modes. The entity's facing and its
 * direction of travel along the shape then follow from the vertex headings and the speed sign
 * (`trajectoryStartDirection`).
 */
import { angleDiff } from '../../../core/index.ts';
import { angle2Pi } from '../opendrive/RoadPath.ts';

/** esmini's SMALL_NUMBER (CommonMini.hpp). */
const SMALL_NUMBER = 1e-6;
/** Half-width of the corner blend in `corner` mode, m (PolyLineBase::EvaluateSegmentByLocalS: min(2, length / 2)). */
const CORNER_RADIUS_M = 2;

/**
 * How the heading changes between vertices (PolyLineBase::InterpolationMode): `none` keeps the
 * vertex heading over its segment, `segment` blends linearly over the whole segment, `corner`
 * keeps it but blends over ±2 m around each corner.
 */
export type PlineInterpolation = 'none' | 'segment' | 'corner';

export interface TrajectoryVertices {
  /** Arc length of each vertex, m. */
  s: number[];
  /** Heading of each vertex (given or true), rad in [0, 2π). */
  h: number[];
  /** True heading of each vertex: of the first following segment with length, rad. */
  hTrue: number[];
  /** Whether the vertex's Position gave its heading. */
  explicit: boolean[];
}

export interface TrajectoryHeading {
  headingRad: number;
  hTrueRad: number;
  /** The heading comes from a given vertex heading (esmini IsHSetExplicitly: of the segment's first vertex). */
  explicit: boolean;
}

/**
 * Vertex headings of a polyline (PolyLineShape::CalculatePolyLine): `givenH[i]` is the heading of
 * vertex i's Position when it states one (rad), else undefined.
 */
export function trajectoryVertices(
  pts: readonly { x: number; y: number }[],
  givenH: readonly (number | undefined)[],
): TrajectoryVertices {
  const n = pts.length;
  const s = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++)
    s[i] = s[i - 1]! + Math.hypot(pts[i]!.x - pts[i - 1]!.x, pts[i]!.y - pts[i - 1]!.y);
  const segH = (i: number): number | undefined =>
    i + 1 < n && s[i + 1]! - s[i]! > SMALL_NUMBER
      ? angle2Pi(Math.atan2(pts[i + 1]!.y - pts[i]!.y, pts[i + 1]!.x - pts[i]!.x))
      : undefined;
  // The first vertex takes the first segment with length; later ones keep the last known heading
  // across repeated vertices, and the last vertex keeps that of the segment before it.
  let current = givenH[0] ?? 0;
  for (let i = 0; i + 1 < n; i++) {
    const h = segH(i);
    if (h !== undefined) {
      current = h;
      break;
    }
  }
  const hTrue: number[] = [];
  for (let i = 0; i < n; i++) {
    hTrue.push(current);
    if (i < n - 2) current = segH(i + 1) ?? current;
  }
  return {
    s,
    hTrue,
    h: hTrue.map((ht, i) => (givenH[i] !== undefined ? angle2Pi(givenH[i]!) : ht)),
    explicit: givenH.map((g) => g !== undefined),
  };
}

/** Heading at arc length `sM` (PolyLineBase::Evaluate from the first vertex, then EvaluateSegmentByLocalS). */
export function trajectoryHeadingAt(
  v: TrajectoryVertices,
  sM: number,
  mode: PlineInterpolation,
): TrajectoryHeading {
  const n = v.s.length;
  let i = 0;
  if (sM > v.s[n - 1]! - SMALL_NUMBER) i = n - 1;
  else while (i < n - 1 && sM > v.s[i + 1]! + SMALL_NUMBER) i++;
  const at = { hTrueRad: v.hTrue[i]!, explicit: v.explicit[i]! };
  if (i >= n - 1) return { headingRad: v.h[i]!, ...at };
  const length = Math.max(v.s[i + 1]! - v.s[i]!, SMALL_NUMBER);
  const local = Math.min(Math.max(sM - v.s[i]!, 0), length);
  const cur = v.h[i]!;
  const next = v.h[i + 1]!;
  if (mode === 'segment')
    return { headingRad: angle2Pi(cur + (local / length) * angleDiff(next, cur)), ...at };
  if (mode === 'none') return { headingRad: cur, ...at };
  const radius = Math.min(CORNER_RADIUS_M, length / 2);
  let h = cur;
  if (local < radius) {
    // just past a corner: blend from the previous vertex's heading
    if (i > 0) {
      const prev = v.h[i - 1]!;
      h = prev + ((radius + local) / (2 * radius)) * angleDiff(cur, prev);
    }
  } else if (local > length - radius) {
    // approaching a corner (or, on the last segment, the final vertex's heading)
    const a = i < n - 2 ? (radius + (length - local)) / (2 * radius) : (length - local) / radius;
    h = cur + (1 - a) * angleDiff(next, cur);
  }
  return { headingRad: angle2Pi(h), ...at };
}

/** Whether two headings point more than a right angle apart (esmini: > π/2 + SMALL_NUMBER). */
export function opposed(aRad: number, bRad: number): boolean {
  return Math.abs(angleDiff(aRad, bRad)) > Math.PI / 2 + SMALL_NUMBER;
}

/**
 * How an entity starts a trajectory (FollowTrajectoryAction::Start): its facing, the sign its
 * speed takes on a timed trajectory, and `headingSign` (−1: it faces against the shape), which
 * with the speed sign gives the direction of travel along an untimed one.
 */
export function trajectoryStartDirection(
  at: TrajectoryHeading,
  o: { speedMps: number; timed: boolean; ignoreHeadingForMotion: boolean },
): { headingRad: number; speedSign: 1 | -1; headingSign: 1 | -1 } {
  let speedSign: 1 | -1 = 1;
  if (!o.timed) speedSign = o.speedMps < 0 ? -1 : 1;
  else if (at.explicit) speedSign = opposed(at.headingRad, at.hTrueRad) ? -1 : 1;
  const headingRad = at.explicit ? at.headingRad : angle2Pi(at.hTrueRad + (speedSign < 0 ? Math.PI : 0));
  const headingSign: 1 | -1 =
    at.explicit && o.ignoreHeadingForMotion ? 1 : opposed(headingRad, at.hTrueRad) ? -1 : 1;
  return { headingRad, speedSign, headingSign };
}
