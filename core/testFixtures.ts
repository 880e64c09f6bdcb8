/** Ego states and snapshots for tests (test-only helpers, imported by *.test.ts in any folder). */
import type { AgentState, EgoState, WorldSnapshot } from './schemas.ts';

/** An ego state (rear-axle pose) heading east, with defaults for the unused fields. */
export function ego(
  tS: number,
  x: number,
  y: number,
  speedMps: number,
  extra: Partial<EgoState> = {},
): EgoState {
  return { tS, x, y, headingRad: 0, speedMps, accelMps2: 0, steerRad: 0, yawRateRadps: 0, ...extra };
}

/** A vehicle agent (centre pose, 4.5 × 2 m) heading east. */
export function car(
  id: string,
  x: number,
  y: number,
  speedMps: number,
  extra: Partial<AgentState> = {},
): AgentState {
  return { id, kind: 'vehicle', x, y, headingRad: 0, speedMps, lengthM: 4.5, widthM: 2, ...extra };
}

/** A snapshot at the ego's time with no lights, along the route `laneIds`. */
export function snapshotOf(e: EgoState, laneIds: string[], agents: AgentState[] = []): WorldSnapshot {
  return { tS: e.tS, ego: e, agents, lights: [], route: { laneIds } };
}
