/**
 * better-sqlite3, loaded only where nuPlan files (SQLite logs, GeoPackage maps) are read. It is a
 * native package (compiled on install where no prebuilt binary fits), so nothing else in edgeplan
 * depends on it: importing this module costs nothing, and a missing or broken install becomes one
 * error naming the package and the fix, not a crash at start-up.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { fail, ok, type Result } from '../../../core/index.ts';

export type SqliteDatabase = BetterSqlite3.Database;
type SqliteConstructor = typeof BetterSqlite3;

/** What to do when better-sqlite3 cannot be loaded (said in every such error). */
export const SQLITE_MISSING =
  'reading nuPlan files (.db logs, .gpkg maps) needs the package better-sqlite3, which is not installed or failed to build: run `npm install --no-save better-sqlite3@12`';

/**
 * The better-sqlite3 constructor, loaded on first use (Node caches the module). Synchronous on
 * purpose: the importers are synchronous, and better-sqlite3 is a CommonJS package. `requireFn`
 * is for tests (a require that fails as on a machine without the package).
 */
export function loadSqlite(
  requireFn: (id: string) => unknown = createRequire(import.meta.url),
): Result<SqliteConstructor> {
  try {
    return ok(requireFn('better-sqlite3') as SqliteConstructor);
  } catch (e) {
    return fail(
      'UNSUPPORTED',
      'better-sqlite3',
      `${SQLITE_MISSING} (${(e as Error).message.split('\n')[0]})`,
    );
  }
}

/** Opens the SQLite file at `path`; a missing package or an unopenable file is a Result. */
export function openSqlite(path: string, opts: BetterSqlite3.Options = {}): Result<SqliteDatabase> {
  const Database = loadSqlite();
  if (!Database.ok) return Database;
  try {
    return ok(new Database.value(path, opts));
  } catch (e) {
    return fail('IO_ERROR', path, (e as Error).message);
  }
}
