#!/usr/bin/env node
// Compiles the CLI, the library entry (index.ts → dist/lib.mjs) and the worker-thread entry points to dist/ (ESM, code split, npm packages
// left as imports), so `edgeplan` starts without compiling TypeScript. Run by `npm install`
// (prepare) and by bin/edgeplan.js on first use after a source change. Writes to a temporary
// folder and renames it into place, so concurrent starts never see a half-written build.
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sourceStamp } from './sourceStamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildDist() {
  const stamp = sourceStamp(root);
  const tmp = mkdtempSync(join(root, '.dist-'));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: {
        cli: 'cli/main.ts',
        // the package entry (`import … from 'edgeplan'`, package.json exports)
        lib: 'index.ts',
        evalWorker: 'stack/eval/evalWorker.ts',
        fuzzWorker: 'stack/fuzz/fuzzWorker.ts',
        policyWorker: 'controller/policyWorker.mjs',
      },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    });
    writeFileSync(join(tmp, 'stamp.json'), JSON.stringify(stamp));
    const dist = join(root, 'dist');
    const old = `${dist}.old-${process.pid}`;
    // another process may be swapping its build in at the same time: either build will do
    try {
      if (existsSync(dist)) renameSync(dist, old);
      renameSync(tmp, dist);
    } catch {
      // keep whichever build is in place
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildDist();
