// The newest modification time and the count of the TypeScript sources the CLI is built from:
// dist/ is fresh when both match what the build recorded in dist/stamp.json.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SKIP = new Set(['node_modules', 'dist', 'test', 'bench', 'data', 'docs', 'results', '.git']);

export function sourceStamp(root) {
  let newest = 0;
  let files = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        files++;
        const m = statSync(p).mtimeMs;
        if (m > newest) newest = m;
      }
    }
  };
  walk(root);
  return { newest, files };
}

/**
 * The built entry `dist/<name>.mjs` when dist/ holds a build of the current sources (its
 * stamp.json matches `sourceStamp`), else undefined: then the TypeScript sources are the code to run.
 */
export function freshBuild(root, name) {
  try {
    const entry = join(root, 'dist', `${name}.mjs`);
    const built = JSON.parse(readFileSync(join(root, 'dist', 'stamp.json'), 'utf8'));
    const now = sourceStamp(root);
    return existsSync(entry) && built.newest === now.newest && built.files === now.files ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads a worker thread's module: dist/<name>.mjs when the build is fresh (`freshBuild`), else
 * registers tsx in this thread and imports `source` (a file URL of the TypeScript entry). An ES
 * module that fails to link runs none of its code (a rebuild swapped dist/ away under us: bin/edgeplan.js
 * after a source change), so the sources can then take over cleanly.
 */
export async function importBuiltOrSource(root, name, source) {
  const built = freshBuild(root, name);
  if (built) {
    try {
      await import(pathToFileURL(built).href);
      return;
    } catch {
      // fall through to the sources
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import(source);
}
