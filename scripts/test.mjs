#!/usr/bin/env node
// `npm test` after lint: the type check runs beside vitest instead of before it (it needs nothing
// from the tests, and its ~15 s of CPU would otherwise delay the first test); exits non-zero when
// either fails. Extra arguments go to vitest: `npm test -- path/to/file.test.ts`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs a command with the terminal's streams; resolves to its exit code (1 when killed). */
const run = (cmd, args) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`${cmd}: ${e.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });

// Incremental: tsc keeps what it learnt in .tsbuildinfo (git-ignored) and re-checks only what
// changed since, a few seconds instead of ~30 s of CPU on a second run (a fresh clone checks all).
const [typecheck, tests] = await Promise.all([
  run(bin('tsc'), ['--noEmit', '--incremental', '--tsBuildInfoFile', join(root, '.tsbuildinfo')]),
  run(bin('vitest'), ['run', ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error(`npm test: the type check failed (exit ${typecheck})`);
process.exit(typecheck !== 0 ? typecheck : tests);
