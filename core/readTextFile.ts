/** Reads a text file as a Result: a missing or unreadable file is an IO_ERROR naming the path. */
import { readFileSync } from 'node:fs';
import { fail, NO_SUCH_FILE, ok, type Result } from './index.ts';

export function readTextFile(path: string): Result<string> {
  try {
    return ok(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(
      'IO_ERROR',
      path,
      code === 'ENOENT' || code === 'ENOTDIR'
        ? NO_SUCH_FILE
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : String(e),
    );
  }
}
