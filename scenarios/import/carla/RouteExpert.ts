/**
 * The expert for an imported route: a driver who follows the route's reference path at the speed
 * limit, slows for curves (lateral acceleration bound) and stops at the goal. Kinematic (a speed
 * profile along the path), because the IDM planner the built-in library uses does not slow for
 * curvature and spins off CARLA's 8 m-radius town corners at 25 mph.
 */
import type { TrackPoint } from '../../../core/index.ts';
import type { RoadMap } from '../../../core/map/RoadMap.ts';
import type { RoutePath } from '../../../core/map/RoutePath.ts';

export interface ExpertParams {
  /** Comfortable lateral acceleration in curves, m/s² (Bosetti et al. 2014: drivers keep ≲ 2–3 m/s² at urban speeds). */
  latAccelMps2: number;
  /** Longitudinal comfort bounds, m/s² (as the built-in expert IDM: accel 1.5, comfortable decel 2). */
  accelMps2: number;
  decelMps2: number;
  /** Window over which curvature is measured (smooths the polyline's vertex noise), m. */
  curvatureWindowM: number;
}

export const DEFAULT_EXPERT: ExpertParams = {
  latAccelMps2: 2.0,
  accelMps2: 1.5,
  decelMps2: 2.0,
  curvatureWindowM: 4,
};

/** Sampling step of RoutePath.speedCapProfile, m. */
const STEP_M = 0.5;

/**
 * Time-stamped rear-axle track along `path` from arc length 0 (speed `v0Mps`) to `goalSM`, then
 * standing there until `maxDurationS`. Returns the track and the arrival time.
 */
export function expertAlongPath(
  map: RoadMap,
  path: RoutePath,
  goalSM: number,
  dtS: number,
  maxDurationS: number,
  v0Mps = 0,
  p: ExpertParams = DEFAULT_EXPERT,
): { track: TrackPoint[]; arrivalS: number } {
  const L = Math.max(0, Math.min(goalSM, path.line.length));
  const cap = path.speedCapProfile(map, {
    latAccelMps2: p.latAccelMps2,
    decelMps2: p.decelMps2,
    curvatureWindowM: p.curvatureWindowM,
  });
  const n = Math.max(2, Math.ceil(L / STEP_M) + 1);
  const vmax = cap.slice(0, n);
  // Forward pass (acceleration from v0) and backward pass (braking to 0 at the goal).
  vmax[0] = Math.min(vmax[0]!, Math.max(v0Mps, 0));
  for (let i = 1; i < n; i++)
    vmax[i] = Math.min(vmax[i]!, Math.sqrt(vmax[i - 1]! ** 2 + 2 * p.accelMps2 * STEP_M));
  vmax[n - 1] = 0;
  for (let i = n - 2; i >= 0; i--)
    vmax[i] = Math.min(vmax[i]!, Math.sqrt(vmax[i + 1]! ** 2 + 2 * p.decelMps2 * STEP_M));
  const vAt = (s: number): number => {
    const f = Math.min(Math.max(s / STEP_M, 0), n - 1);
    const i = Math.min(Math.floor(f), n - 2);
    const w = f - i;
    return vmax[i]! * (1 - w) + vmax[i + 1]! * w;
  };
  const track: TrackPoint[] = [];
  const pose = { x: 0, y: 0, headingRad: 0 };
  let s = 0;
  let arrivalS = maxDurationS;
  const steps = Math.round(maxDurationS / dtS);
  for (let k = 0; k <= steps; k++) {
    const t = Math.round(k * dtS * 1e6) / 1e6;
    // A floor speed so the start (v = 0) is left; the profile caps it everywhere else.
    let v = vAt(s);
    if (s < L - 0.05 && v < 0.5) v = Math.min(0.5, Math.sqrt(2 * p.decelMps2 * Math.max(L - s, 0)));
    if (s >= L - 0.05) v = 0;
    path.line.toCartesian(Math.min(s, path.line.length), 0, pose);
    track.push({ tS: t, x: pose.x, y: pose.y, headingRad: pose.headingRad, speedMps: v });
    if (v === 0 && s >= L - 0.05 && arrivalS === maxDurationS) arrivalS = t;
    s = Math.min(L, s + v * dtS);
  }
  return { track, arrivalS };
}
