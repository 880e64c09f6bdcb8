import type { EgoState } from '../schemas.ts';

/**
 * A new ego state at the origin, at rest, at t = 0: the starting value of a scratch state that a
 * simulation overwrites before use (one object per owner, reused every step).
 */
export function egoAtRest(): EgoState {
  return { tS: 0, x: 0, y: 0, headingRad: 0, speedMps: 0, accelMps2: 0, steerRad: 0, yawRateRadps: 0 };
}
