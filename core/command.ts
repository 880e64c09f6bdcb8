/**
 * The short form of a mid-level command, for code that plans in TypeScript: what the CLI's
 * `safety check --command` and a planner returning a literal may leave out gets its default, and
 * the result is parsed by `MidLevelCommandSchema` (the one contract; an invalid field throws with its
 * path — a literal in code is the caller's to get right).
 */

import type { z } from 'zod';
import { DEFAULT_COMMAND_LIFETIME_S, type MidLevelCommand, MidLevelCommandSchema } from './schemas.ts';

/**
 * `MidLevelCommand` as written: `speed`, `path` and `issuedAtS` are needed; `horizonS` (5 s),
 * `rationale` (''), `source` ('unknown') and `expiresAtS` (`issuedAtS` + 1 s, the stack's command
 * lifetime) have defaults.
 */
export type MidLevelCommandInput = Omit<z.input<typeof MidLevelCommandSchema>, 'expiresAtS'> & {
  expiresAtS?: number;
};

/** A full `MidLevelCommand` from its short form (defaults filled in, parsed; throws on an invalid field). */
export function command(input: MidLevelCommandInput): MidLevelCommand {
  return MidLevelCommandSchema.parse({
    ...input,
    expiresAtS: input.expiresAtS ?? input.issuedAtS + DEFAULT_COMMAND_LIFETIME_S,
  });
}
