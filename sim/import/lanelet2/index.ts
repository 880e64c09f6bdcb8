/** Importer for lanelet2 files — not implemented yet (stub until its work lands). */
import { fail, type Result } from '../../../core/index.ts';
import type { ImportOptions, ImportResult } from '../types.ts';

export function importLanelet2(path: string, _opts: ImportOptions = {}): Result<ImportResult> {
  return fail('UNSUPPORTED', path, 'lanelet2 import is not implemented yet');
}
