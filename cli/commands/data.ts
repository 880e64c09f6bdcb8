/** `edgeplan` commands of this area; each calls a library function (see the folder READMEs). */
import type { Command } from 'commander';
import type { Out } from '../errors.ts';

export function register(_program: Command, _out: Out): void {}
