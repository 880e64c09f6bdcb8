import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

// Issue 17 item 10: every npm call in the repository warned `Unknown project config
// "onnxruntime-node-install"` (a key in the project's .npmrc that npm does not know; the
// onnxruntime install is skipped with ONNXRUNTIME_NODE_INSTALL=skip in .ci/run instead).
describe('npm in the repository', () => {
  it('warns about no project config key it does not know', () => {
    const r = spawnSync('npm', ['config', 'get', 'registry'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Unknown project config/);
  });
});
