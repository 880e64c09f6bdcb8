/**
 * Shared pieces of the path-following baselines: tracking the ego's arc length on the route's
 * reference path and turning a longitudinal profile along that path into a trajectory.
 */
import type {
  AgentState,
  FrenetPoint,
  TrafficLightState,
  Trajectory,
  TrajectoryPoint,
  VehicleParams,
} from '../index.ts';
import { agentBox, type EgoState, type Polyline, PoseScratch } from '../index.ts';
import type { RoutePath } from '../map/index.ts';
import type { Obstacle } from './idm.ts';

/** Output horizon of baseline trajectories: 8 s at 0.1 s (nuPlan planners). */
export const HORIZON_STEPS = 80;
export const STEP_S = 0.1;

/**
 * The ego's arc length on the path, searched near the previous value (a route can pass the same
 * place twice). `prevS` NaN means search the whole path.
 */
export function egoArcLength(path: Polyline, ego: EgoState, prevS: number, scratch: FrenetPoint): number {
  if (Number.isNaN(prevS)) return path.project(ego.x, ego.y, scratch).sM;
  return path.project(ego.x, ego.y, scratch, prevS - 20, prevS + 40).sM;
}

/** Rear-axle trajectory along `path`, from arc lengths and speeds per 0.1 s step. */
export function trajectoryAlong(
  path: Polyline,
  t0S: number,
  sM: ArrayLike<number>,
  vMps: ArrayLike<number>,
  n: number,
): Trajectory {
  const points: TrajectoryPoint[] = [];
  const p = new PoseScratch();
  for (let k = 0; k < n; k++) {
    path.poseAt(sM[k]!, p);
    points.push({
      tS: Math.round((t0S + k * STEP_S) * 1e6) / 1e6,
      x: p.x,
      y: p.y,
      headingRad: path.headingAt(sM[k]!),
      speedMps: vMps[k]!,
    });
  }
  return { points };
}

/** Agents as obstacles (boxes + speed); allocates per call (baselines are not the hot path). */
export function obstaclesOf(agents: ReadonlyArray<AgentState>): Obstacle[] {
  return agents.map((a) => ({ box: agentBox(a), speedMps: a.speedMps }));
}

/**
 * Arc length on the path where the ego's front must stop for a red or yellow light on a route
 * lane ahead, or Infinity. A light already within `committedM` of the front bumper is passed.
 */
export function stopForLights(
  route: RoutePath,
  frontS: number,
  lights: ReadonlyArray<TrafficLightState>,
  committedM = 1,
): number {
  for (const piece of route.pieces) {
    if (piece.fromS < frontS - committedM) continue;
    for (const l of lights) {
      if (l.laneId === piece.laneId && (l.state === 'RED' || l.state === 'YELLOW')) return piece.fromS;
    }
  }
  return Infinity;
}

/** Rear axle → front bumper distance, m. */
export function frontOffset(v: VehicleParams): number {
  return v.rearAxleToCenterM + v.lengthM / 2;
}
