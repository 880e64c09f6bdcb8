/**
 * Paths inside the edgeplan checkout, valid both when running from the TypeScript sources and
 * from the compiled dist/ (where a module's own URL no longer mirrors the source tree).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The checkout's root: the nearest folder above this module with edgeplan's package.json. */
export function repoRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"edgeplan"/.test(readFileSync(pkg, 'utf8'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('edgeplan: cannot find the checkout root (package.json)');
    dir = up;
  }
}

/** A path relative to the checkout's root. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}
