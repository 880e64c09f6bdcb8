import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest global setup: every temporary file and directory the tests make (`mkdtempSync(tmpdir())`,
 * the brokers' and the browser's scratch, audit logs, run logs) goes under one directory for the
 * run, removed when it ends — the suite used to leave ~100 directories in /tmp per run. The test
 * workers are forked after this runs and inherit TMPDIR; `EDGEPLAN_KEEP_TEST_TMP=1` keeps the
 * directory for a look after a failure (its path is printed).
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'edgeplan-test-'));
  // traversable by the daemons that drop root (mosquitto writes its persistence file as its own
  // user into a directory of its own below); each test's own mkdtemp directory stays 0700
  chmodSync(root, 0o755);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.EDGEPLAN_KEEP_TEST_TMP === '1') console.log(`test scratch kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
