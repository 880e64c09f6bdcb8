/**
 * The package as a library (README, "Use it as a library"): `import … from 'edgeplan'` resolves
 * through package.json `exports` in a project that has the package installed as `npm link` does (a
 * symlink in its node_modules), and the README's example type-checks against `index.ts` and runs
 * against the built `dist/lib.mjs`, printing a score.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script (no types)
import { buildDist } from '../scripts/build.mjs';
// @ts-expect-error: a plain .mjs helper (no types)
import { freshBuild } from '../scripts/sourceStamp.mjs';

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block of the README section `## Use it as a library`. */
function example(): string {
  const section = README.split(/^## /m).find((s) => s.startsWith('Use it as a library'));
  const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README: no ```ts block under "## Use it as a library"');
  return code;
}

const dir = mkdtempSync(join(tmpdir(), 'ep-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("import { … } from 'edgeplan'", () => {
  it('the README example type-checks and runs against the linked package', async () => {
    if (!freshBuild(ROOT, 'lib')) await buildDist();
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'edgeplan'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(dir, 'example.ts'), example());
    const repoTs = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...repoTs.compilerOptions, typeRoots: [join(ROOT, 'node_modules', '@types')] },
        include: ['example.ts'],
      }),
    );
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    expect(tsc.stdout + tsc.stderr, 'tsc').toBe('');
    expect(tsc.status).toBe(0);
    // tsx (the project's, by path: the scratch project has only edgeplan) strips the types; 'edgeplan' itself resolves to dist/
    const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const run = spawnSync(process.execPath, ['--import', tsx, 'example.ts'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^cut_in: score \d+\.\d, at-fault collisions 0\n$/);
    // the package entry is the build, not the TypeScript sources
    const plain = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('edgeplan'); console.log(typeof m.command, typeof m.evaluateRun, import.meta.resolve('edgeplan'))",
      ],
      { cwd: dir, encoding: 'utf8', timeout: 120_000 },
    );
    expect(plain.stdout).toMatch(/^function function file:\/\/.*\/dist\/lib\.mjs\n$/);
  }, 600_000);
});
