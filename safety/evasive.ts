/**
 * Evasive steering (AES, automatic emergency steering; Euro NCAP AEB/AES): when no stop avoids a
 * conflict ahead, the move into an adjacent lane — a lane change, or a borrow of a lane of the other
 * direction — driven at the emergency lateral rate (`SafetyParams.evasiveLatAccelMps2`) while braking
 * with what grip is left (`evasiveDecelMps2`). These are only candidates: the gate rolls each out at
 * that rate and keeps one only if it passes every rule (no predicted contact, the target lane free by
 * RSS for the manoeuvre's duration, followers and oncoming traffic included).
 */
import type { MidLevelCommand } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { SafetyParams } from './SafetyParams.ts';

export interface EvasiveCandidate {
  command: MidLevelCommand;
  /** The lane moved into, and whether it runs the other way (a borrow). */
  laneId: string;
  opposite: boolean;
}

/**
 * The evasive commands from lane `startLaneId` with the ego at `speedMps`, most braking first:
 * into each neighbour (left first: the overtaking side), then onto the centre of the lane the ego is
 * in (the rest of a move under way), each braking to a stop, to half the speed, then holding the
 * speed (a stop in the other lane may be what a follower there cannot allow).
 */
export function evasiveCandidates(
  cmd: MidLevelCommand,
  map: RoadMap,
  startLaneId: string,
  speedMps: number,
  params: SafetyParams,
): EvasiveCandidate[] {
  const lane = map.lane(startLaneId);
  if (!lane) return [];
  const out: EvasiveCandidate[] = [];
  for (const side of ['LEFT', 'RIGHT', 'KEEP'] as const) {
    // KEEP: the rest of an evasive move under way, onto the centre of the lane the ego is in now
    const nb =
      side === 'KEEP'
        ? { laneId: startLaneId, opposite: false }
        : side === 'LEFT'
          ? lane.data.left
          : lane.data.right;
    if (!nb || !map.lane(nb.laneId)) continue;
    const left = side === 'LEFT';
    const path: MidLevelCommand['path'] =
      side === 'KEEP'
        ? 'FOLLOW_LANE'
        : nb.opposite
          ? left
            ? 'LEFT_BORROW'
            : 'RIGHT_BORROW'
          : left
            ? 'LEFT_CHANGE'
            : 'RIGHT_CHANGE';
    for (const target of [0, 0.5 * speedMps, speedMps]) {
      const m: MidLevelCommand = {
        ...cmd,
        path,
        speed: target < speedMps - 0.1 ? 'DECELERATE' : 'KEEP',
        targetSpeedMps: Math.round(target * 100) / 100,
        lateralAccelMps2: Math.round(params.evasiveLatAccelMps2 * 100) / 100,
        rationale: `evasive ${path} around a conflict no stop avoids`,
      };
      if (m.speed === 'DECELERATE') m.decelMps2 = Math.round(params.evasiveDecelMps2 * 100) / 100;
      else delete m.decelMps2;
      delete m.stopAt;
      delete m.jerkMps3;
      delete m.lateralOffsetM;
      delete m.lateralOffsetEndAt;
      if (nb.opposite || side === 'KEEP') delete m.targetLaneId;
      else m.targetLaneId = nb.laneId;
      out.push({ command: m, laneId: nb.laneId, opposite: nb.opposite });
    }
  }
  return out;
}
