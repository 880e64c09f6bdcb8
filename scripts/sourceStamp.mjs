// The newest modification time and the count of the TypeScript sources the CLI is built from:
// dist/ is fresh when both match what the build recorded in dist/stamp.json.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
