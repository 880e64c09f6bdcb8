import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshBuild, sourceStamp } from './sourceStamp.mjs';

describe('freshBuild: a build in dist/ is used only while it is of the current sources', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'edgeplan-stamp-'));
    mkdirSync(join(root, 'core'));
    writeFileSync(join(root, 'core', 'a.ts'), 'export const a = 1;\n');
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'evalWorker.mjs'), '');
    writeFileSync(join(root, 'dist', 'stamp.json'), JSON.stringify(sourceStamp(root)));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('names the built entry when the stamp matches the sources', () => {
    expect(freshBuild(root, 'evalWorker')).toBe(join(root, 'dist', 'evalWorker.mjs'));
  });

  it('returns nothing after a source changed, a source was added, or for an entry not built', () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'core', 'a.ts'), later, later);
    expect(freshBuild(root, 'evalWorker')).toBeUndefined();
    writeFileSync(join(root, 'dist', 'stamp.json'), JSON.stringify(sourceStamp(root)));
    writeFileSync(join(root, 'core', 'b.ts'), 'export const b = 2;\n');
    utimesSync(join(root, 'core', 'b.ts'), 0, 0);
    expect(freshBuild(root, 'evalWorker')).toBeUndefined();
    writeFileSync(join(root, 'dist', 'stamp.json'), JSON.stringify(sourceStamp(root)));
    expect(freshBuild(root, 'evalWorker')).toBe(join(root, 'dist', 'evalWorker.mjs'));
    expect(freshBuild(root, 'fuzzWorker')).toBeUndefined();
  });
});
