/**
 * The package as npm publishes it (ux20: `dist/` was not in the tarball — .gitignore keeps it out
 * of git, and npm pack follows .gitignore without a `files` list — so an installed `edgeplan` had
 * no `dist/lib.mjs` and `import … from 'edgeplan'` failed). Packs the repo, installs the tarball
 * into an empty project of its own with `npm install --prefer-offline --ignore-scripts` (the
 * dependencies' tarballs from npm's cache where the repo's install left them, metadata from the
 * registry when the cache lacks it: `--offline` stops at the first packument missing), and runs the
 * README's library example and the installed `edgeplan` command against it. Never into a project
 * whose node_modules links to the repo's: npm prunes through such links. In `npm run test:long`:
 * 104 s at load 15 (2026-12-06, branch mendF), most of it the install.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const example = (): string => {
  const section = README.split(/^## /m).find((s) => s.startsWith('Use it as a library'));
  const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README: no ```ts block under "## Use it as a library"');
  return code;
};

const dir = mkdtempSync(join(tmpdir(), 'ep-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }), 300_000);

const npm = (args: string[], cwd: string) => {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

describe('npm pack → npm install → import … from edgeplan', () => {
  it('the tarball carries dist/ and no tests; installed, the README example and the command run against it', async () => {
    if (!freshBuild(ROOT, 'lib')) await buildDist();
    // --ignore-scripts: prepare (the build) ran just above when the sources had changed
    const packed = JSON.parse(
      npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT),
    ) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = packed[0]!.files.map((f) => f.path);
    expect(paths).toContain('dist/lib.mjs');
    expect(paths).toContain('dist/cli.mjs');
    expect(paths).toContain('index.ts');
    expect(paths.filter((p) => /\.test\.m?ts$/.test(p))).toEqual([]);
    const proj = join(dir, 'proj');
    spawnSync('mkdir', [proj]);
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    npm(
      [
        'install',
        '--prefer-offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        join(dir, packed[0]!.filename),
      ],
      proj,
    );
    writeFileSync(join(proj, 'example.ts'), example());
    // tsx (the repo's, by path) strips the types; 'edgeplan' resolves to the installed copy's dist/
    const tsx = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const run = spawnSync(process.execPath, ['--import', tsx, 'example.ts'], {
      cwd: proj,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^cut_in: score \d+\.\d, at-fault collisions 0\n$/);
    const where = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "console.log(import.meta.resolve('edgeplan'))"],
      { cwd: proj, encoding: 'utf8' },
    );
    expect(where.stdout.trim()).toBe(
      pathToFileURL(join(proj, 'node_modules', 'edgeplan', 'dist', 'lib.mjs')).href,
    );
    // the command line of the installed package too
    const cli = spawnSync(join(proj, 'node_modules', '.bin', 'edgeplan'), ['scenarios'], {
      cwd: proj,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/cut_in/);
  }, 1_200_000);
});
