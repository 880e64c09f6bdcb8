import type { EgoState } from '../schemas.ts';

/**
 * The scratch state as a class, not an object literal: a literal with EgoState's keys in its
 * order shares its hidden class with the objects zod parses into (core/schemas.ts), whose number
 * fields are tagged, so every step's eight stores into it allocated eight heap numbers (PDM-Closed's
 * proposal simulation, 15 proposals × 40 steps per plan). A class's instances have their own hidden
 * class, whose number fields are overwritten in place (core/geometry.ts `PoseScratch`).
 */
class EgoScratch implements EgoState {
  tS = 0;
  x = 0;
  y = 0;
  headingRad = 0;
  speedMps = 0;
  accelMps2 = 0;
  steerRad = 0;
  yawRateRadps = 0;
}

/**
 * A new ego state at the origin, at rest, at t = 0: the starting value of a scratch state that a
 * simulation overwrites before use (one object per owner, reused every step).
 */
export function egoAtRest(): EgoState {
  return new EgoScratch();
}
