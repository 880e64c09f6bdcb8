import { fail, type Result } from '../../../core/index.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
export function importLanelet2(path: string, _opts: ImportOptions = {}): Result<ImportResult> {
  return fail('UNSUPPORTED', path, 'todo');
}
