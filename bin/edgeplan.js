#!/usr/bin/env node
// Entry point of the `edgeplan` command. Runs the compiled CLI in dist/ (built by `npm install`'s
// prepare step, and rebuilt here on first use after a source change); falls back to compiling the
// TypeScript sources on the fly (tsx) when a build is not possible.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBuild } from '../scripts/sourceStamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.mjs');

// `edgeplan … | head`: a reader that stops early closes the pipe; that ends the output, it is no error
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

let main;
if (process.env.EDGEPLAN_NO_DIST !== '1') {
  try {
    if (!freshBuild(root, 'cli')) await (await import('../scripts/build.mjs')).buildDist();
    if (existsSync(cli)) ({ main } = await import(pathToFileURL(cli).href));
  } catch {
    main = undefined;
  }
}
if (!main) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv);
