/**
 * Results instead of throws for expected failures at module boundaries (STYLE habit 8), and the
 * one place that turns a zod failure into an error that names the field.
 */
import type { z } from 'zod';

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'UNSUPPORTED'
  | 'IO_ERROR'
  | 'PARSE_ERROR'
  | 'NO_ROUTE';

export interface EdgeplanError {
  code: ErrorCode;
  /** Where: a dotted field path, a file, an element path. */
  path: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: EdgeplanError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, path: string, message: string): Result<T> => ({
  ok: false,
  error: { code, path, message },
});

/** The message of an error about a file that is not there (readTextFile, importFile). */
export const NO_SUCH_FILE = 'no such file';
/** The message of an error about a file with nothing (or only blanks) in it. */
export const EMPTY_FILE = 'empty file';

/**
 * Formats an error as the one line the CLI prints. A file that is missing or empty is said as
 * such (`not found: PATH`, `empty file: PATH`), not as a problem with its format (review ux19 #9).
 */
export function formatError(e: EdgeplanError): string {
  if (e.message === NO_SUCH_FILE) return `not found: ${e.path}`;
  if (e.message === EMPTY_FILE) return `empty file: ${e.path}`;
  return `${e.code.toLowerCase().replace(/_/g, ' ')}${e.path ? ` at ${e.path}` : ''}: ${e.message}`;
}

/**
 * Parses `data` with `schema`; on failure names the first bad field (`agents.2.speedMps`) and
 * what was expected. `where` prefixes the path (a file name, a topic).
 */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, where = ''): Result<z.infer<S>> {
  const r = schema.safeParse(data);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0]!;
  const fieldPath = issue.path.map(String).join('.');
  const path = [where, fieldPath].filter(Boolean).join(':');
  // the next issues are named too (two at most): a reviewer's agent written as a snapshot's
  // (x, y, … instead of start + behavior) failed on `start` alone, `behavior` came only as "+1 more"
  const rest = r.error.issues
    .slice(1, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  const left = r.error.issues.length - 1 - rest.length;
  const more = rest.length > 0 ? `; also ${rest.join('; ')}${left > 0 ? ` (+${left} more)` : ''}` : '';
  return fail('INVALID_INPUT', path || '(root)', `${issue.message}${more}`);
}

/** Throws for programming errors only; unwraps a Result that must be ok. */
export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(formatError(r.error));
  return r.value;
}
