/**
 * Bundles the browser app (viewer/src/main.ts + three.js) with esbuild into memory at server
 * start: no generated bundle lives in git or on disk.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fail, ok, type Result } from '../../core/index.ts';
import { repoPath } from '../../core/repoPath.ts';

const SRC = repoPath('viewer', 'src');

export interface AppBundle {
  html: string;
  js: string;
}

/** The page and its script. Fails (not throws) when esbuild reports an error. */
export async function bundleApp(): Promise<Result<AppBundle>> {
  try {
    const r = await build({
      entryPoints: [join(SRC, 'main.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const js = r.outputFiles[0]?.text ?? '';
    const html = readFileSync(join(SRC, 'index.html'), 'utf8');
    return ok({ html, js });
  } catch (e) {
    return fail('IO_ERROR', join(SRC, 'main.ts'), `bundling failed: ${(e as Error).message.split('\n')[0]}`);
  }
}
