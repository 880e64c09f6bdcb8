/**
 * Command groups beyond scenarios/run/eval. One file per area so that the areas grow apart:
 * safety (`safety check`), audit (`audit verify|query|explain|report`), data (`import`, `map`,
 * `check-data`), view (`view`).
 */
import type { Command } from 'commander';
import type { Out } from '../errors.ts';
import { register as audit } from './audit.ts';
import { register as data } from './data.ts';
import { register as llm } from './llm.ts';
import { register as profile } from './profile.ts';
import { register as safety } from './safety.ts';
import { register as scale } from './scale.ts';
import { register as tips } from './tips.ts';
import { register as view } from './view.ts';

export function registerCommands(program: Command, out: Out): void {
  for (const r of [safety, audit, data, view, scale, profile, tips, llm]) r(program, out);
}
