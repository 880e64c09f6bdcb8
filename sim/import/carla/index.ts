/** Importer for carla files — not implemented yet (stub until its work lands). */
import { fail, type Result } from '../../../core/index.ts';
import type { ImportOptions, ImportResult } from '../types.ts';

export function importCarlaRoutes(path: string, _opts: ImportOptions = {}): Result<ImportResult> {
  return fail('UNSUPPORTED', path, 'carla import is not implemented yet');
}
