import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSqlite, openSqlite, SQLITE_MISSING } from './openSqlite.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('better-sqlite3 loading', () => {
  it('says which package is missing and how to install it when better-sqlite3 cannot be loaded', () => {
    const r = loadSqlite(() => {
      throw new Error("Cannot find module 'better-sqlite3'\nRequire stack: …");
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNSUPPORTED');
      expect(r.error.message).toBe(`${SQLITE_MISSING} (Cannot find module 'better-sqlite3')`);
      expect(r.error.message).toContain('npm install --no-save better-sqlite3@12');
    }
  });

  it('opens a database when the package is installed, and names the file it cannot open', () => {
    const mem = openSqlite(':memory:');
    if (!mem.ok) throw new Error(mem.error.message);
    expect(mem.value.prepare('select 6 * 7 as x').get()).toEqual({ x: 42 });
    mem.value.close();
    const missing = openSqlite('/no/such/dir/log.db', { fileMustExist: true });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toMatchObject({ code: 'IO_ERROR', path: '/no/such/dir/log.db' });
  });

  it('is not loaded by the CLI until a nuPlan file is read', () => {
    // Starts the command as a user does (bin/edgeplan.js: every command module is loaded) and
    // lists, at exit, the CommonJS modules it pulled in.
    const hook = [
      "import { createRequire } from 'node:module';",
      `const req = createRequire(${JSON.stringify(`${ROOT}/`)});`,
      "process.on('exit', () => process.stderr.write(Object.keys(req.cache).some((k) => k.includes('better-sqlite3')) ? 'loaded' : 'not loaded'));",
    ].join('\n');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(hook)}`,
        join(ROOT, 'bin', 'edgeplan.js'),
        '--help',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage');
    expect(r.stderr.trim()).toBe('not loaded');
  });
});
