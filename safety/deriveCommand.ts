/**
 * The mid-level command implied by a trajectory-only planner's output, so the gate can wrap the
 * existing baselines: speed decision from the planned speed 3 s ahead, path decision from the
 * lane the trajectory ends on (relative to the ego's lane), stop point where the speed reaches 0;
 * the target speed no higher than the vehicle's top speed (`maxSpeedMps`, when given).
 */
import {
  type MidLevelCommand,
  type Trajectory,
  type VehicleParams,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';

/** Look-ahead for the speed and path decisions, s. */
const LOOK_S = 3;

export function deriveCommand(
  traj: Trajectory,
  snap: WorldSnapshot,
  map: RoadMap,
  source = 'derived',
  vehicle: Pick<VehicleParams, 'rearAxleToCenterM' | 'lengthM'> &
    Partial<Pick<VehicleParams, 'maxSpeedMps'>> = VehicleParamsSchema.parse({}),
): MidLevelCommand {
  // the vehicle goes no faster than its top speed, whatever speed the trajectory plans (a baseline
  // that drives to the road's limit, 4 m/s, with a 2 m/s robot): the command it implies is capped
  // there, as the simulator's and the vehicle's physics cap the speed it drives
  const topMps = vehicle.maxSpeedMps ?? Number.POSITIVE_INFINITY;
  const pts = traj.points;
  const v0 = snap.ego.speedMps;
  const base = {
    horizonS: 5,
    rationale: 'derived from the planned trajectory',
    issuedAtS: snap.tS,
    expiresAtS: snap.tS + 1,
    source,
  };
  if (pts.length === 0) return { ...base, speed: 'STOP', path: 'FOLLOW_LANE', targetSpeedMps: 0 };
  const t0 = pts[0]!.tS;
  let look = pts[pts.length - 1]!;
  let stop: { x: number; y: number; h: number } | undefined;
  for (const p of pts) {
    if (!stop && p.speedMps < 0.1 && p.tS - t0 > 0.05) stop = { x: p.x, y: p.y, h: p.headingRad };
    if (p.tS - t0 <= LOOK_S + 1e-9) look = p;
  }
  const lookMps = Math.min(look.speedMps, topMps);
  let speed: MidLevelCommand['speed'] = 'KEEP';
  if (stop && lookMps < 0.1) speed = 'STOP';
  else if (lookMps > v0 + 0.5) speed = 'ACCELERATE';
  else if (lookMps < v0 - 0.5) speed = 'DECELERATE';
  let path: MidLevelCommand['path'] = 'FOLLOW_LANE';
  const from = map.locate(snap.ego.x, snap.ego.y, snap.ego.headingRad);
  const to = map.locate(look.x, look.y, look.headingRad);
  if (from && to && from.laneId !== to.laneId) {
    const lane = map.lane(from.laneId);
    if (lane?.data.left?.laneId === to.laneId) path = lane.data.left.opposite ? 'LEFT_BORROW' : 'LEFT_CHANGE';
    else if (lane?.data.right?.laneId === to.laneId)
      path = lane.data.right.opposite ? 'RIGHT_BORROW' : 'RIGHT_CHANGE';
  }
  const cmd: MidLevelCommand = { ...base, speed, path, targetSpeedMps: Math.max(0, lookMps) };
  if (speed === 'STOP' && stop) {
    // the trajectory holds rear-axle poses; stopAt is where the front bumper stops
    const ahead = vehicle.rearAxleToCenterM + vehicle.lengthM / 2;
    cmd.stopAt = { x: stop.x + ahead * Math.cos(stop.h), y: stop.y + ahead * Math.sin(stop.h) };
  }
  return cmd;
}
