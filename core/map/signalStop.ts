/**
 * Where another vehicle's own traffic light stops it: the first stop line ahead of its front
 * bumper along its lane and (while unbranched) its successors, with the light there when it is RED
 * or YELLOW, and whether the vehicle can stop there comfortably. Shared by the planner (a crossing
 * car turned back by its light lets the ego go) and the safety gate (that car is forecast to stop
 * at its line, not to run through it), so that both read another driver's light the same way.
 */
import type { SignalState, TrafficLightState } from '../index.ts';
import type { RoadMap } from './RoadMap.ts';

/** How far along its lanes a vehicle's stop line is looked for, m. */
export const SIGNAL_LOOK_M = 80;

export interface SignalStop {
  /** From the vehicle's front bumper to the stop line along its lanes, m. */
  distanceM: number;
  signal: 'RED' | 'YELLOW';
  /** The lane whose stop line it is. */
  laneId: string;
  /** The stop line's arc length on that lane, m. */
  lineSM: number;
}

const LIGHT_RANK: Record<SignalState, number> = { GREEN: 0, UNKNOWN: 1, YELLOW: 2, RED: 3 };

/** The most restrictive light on any of `laneIds`. */
export function worstLight(
  lights: ReadonlyArray<TrafficLightState>,
  laneIds: ReadonlyArray<string>,
): SignalState | undefined {
  let best: SignalState | undefined;
  for (const l of lights) {
    if (!laneIds.includes(l.laneId)) continue;
    if (!best || LIGHT_RANK[l.state] > LIGHT_RANK[best]) best = l.state;
  }
  return best;
}

/**
 * The first stop line ahead of a vehicle (centre x, y, heading, length) along the lane it is
 * located on and, while unbranched, its successors, with the signal there when RED or YELLOW (the
 * lane's own light, else the worst of its successors', as perception reads the ego's); undefined
 * when that line shows anything else, when none lies within `lookM`, or off the lanes (or facing
 * against the lane).
 */
export function signalStopAhead(
  map: RoadMap,
  lights: ReadonlyArray<TrafficLightState>,
  x: number,
  y: number,
  headingRad: number,
  lengthM: number,
  lookM = SIGNAL_LOOK_M,
): SignalStop | undefined {
  if (lights.length === 0) return undefined;
  const loc = map.locate(x, y, headingRad, 1);
  // a vehicle facing against the lane it is on does not drive towards that lane's line
  if (!loc || Math.abs(loc.headingErrRad) > Math.PI / 2) return undefined;
  let lane = map.lane(loc.laneId);
  let fromS = loc.sM + lengthM / 2;
  let before = 0;
  const seen = new Set<string>();
  while (lane && before < lookM && !seen.has(lane.data.id)) {
    seen.add(lane.data.id);
    for (const sl of lane.stopLines) {
      if (sl.sM < fromS) continue;
      const signal = worstLight(lights, [lane.data.id]) ?? worstLight(lights, lane.data.successors);
      if (signal !== 'RED' && signal !== 'YELLOW') return undefined;
      return { distanceM: before + sl.sM - fromS, signal, laneId: lane.data.id, lineSM: sl.sM };
    }
    before += lane.line.length - fromS;
    fromS = 0;
    lane = lane.data.successors.length === 1 ? map.lane(lane.data.successors[0]!) : undefined;
  }
  return undefined;
}

/**
 * Whether a vehicle at `speedMps` stops for its light `distanceM` ahead: it can do so braking at no
 * more than `comfortDecelMps2` (the braking a driver accepts for a yellow: ITE's 3 m/s²), or it is
 * already braking (`accelMps2`, when known) hard enough to stop short of it. One that would need
 * harder braking than either may run it, red or yellow.
 */
export function stopsForLight(
  speedMps: number,
  distanceM: number,
  comfortDecelMps2: number,
  accelMps2?: number,
): boolean {
  if (distanceM < 0) return false;
  const v = Math.max(0, speedMps);
  const need = (v * v) / (2 * Math.max(distanceM, 0.1));
  if (need <= comfortDecelMps2) return true;
  return accelMps2 !== undefined && -accelMps2 >= need;
}
