/**
 * "Don't block the box": a vehicle does not enter a junction when the queue beyond it leaves no
 * room to get out again; it waits at the junction's entry instead.
 */
import type { RoadMap, RoutePath } from '../../core/map/index.ts';
import type { InteractiveAgentParams } from './InteractiveParams.ts';

/**
 * Path arc length of the entry of the next junction on `route` where the vehicle must wait, or
 * Infinity when it may go on. `frontS` is its front bumper; `leadRearS` / `leadSpeedMps` describe
 * the nearest lead on its path (Infinity when none). It only waits where it can still stop
 * (braking at most `emergencyDecelMps2`) and before it has entered the junction.
 */
export function junctionBoxStopS(
  map: RoadMap,
  route: RoutePath,
  frontS: number,
  speedMps: number,
  lengthM: number,
  lookM: number,
  leadRearS: number,
  leadSpeedMps: number,
  p: InteractiveAgentParams,
): number {
  if (!Number.isFinite(leadRearS) || leadSpeedMps >= p.queueSpeedMps) return Infinity;
  const pieces = route.pieces;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.toS <= frontS) continue;
    if (piece.fromS > frontS + lookM) return Infinity;
    if (map.lane(piece.laneId)?.data.junctionId === undefined) continue;
    if (piece.fromS < frontS) return Infinity; // already in the junction: get out of it
    let exitS = piece.toS;
    for (let j = i + 1; j < pieces.length; j++) {
      if (map.lane(pieces[j]!.laneId)?.data.junctionId === undefined) break;
      exitS = pieces[j]!.toS;
    }
    if (leadRearS >= exitS + lengthM + p.junctionExitRoomM) return Infinity;
    const stopM = (speedMps * speedMps) / (2 * p.emergencyDecelMps2);
    return piece.fromS - frontS >= stopM ? piece.fromS : Infinity;
  }
  return Infinity;
}
