import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runMain as run } from '../../test/cliRun.ts';

// Through the CLI's main() in this process (test/cliRun.ts): the binary's own exit status and
// streams are tested in test/cli.test.ts; a fresh node per command here cost ~0.4 s of CPU each.
describe('edgeplan export / report / view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-view-'));
  let wrote: CliResult;
  beforeAll(async () => {
    wrote = await run('run', 'cut_in', '--planner', 'idm', '--out', dir);
  });
  const log = join(dir, 'cut_in.json');

  it('exports a run log to MCAP and names the message count per topic', async () => {
    expect(wrote.status).toBe(0);
    const out = join(dir, 'cut_in.mcap');
    const r = await run('export', log, '--mcap', out);
    expect(r.status).toBe(0);
    // 15 s at 0.1 s → 151 ticks, one /scene, /tf and /metrics message each.
    expect(r.stdout).toContain('/scene 151, /tf 151');
    expect(existsSync(out)).toBe(true);
  });

  it('writes a self-contained HTML report from a results folder', async () => {
    const out = join(dir, 'report.html');
    const r = await run('report', dir, '--html', out);
    expect(r.status).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('cut_in');
  });

  it('rejects a run log that does not exist with one line and exit code 2', async () => {
    const r = await run('export', join(dir, 'missing.json'), '--mcap', join(dir, 'x.mcap'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.json');
  });

  it('rejects an unknown scenario for the live view with exit code 2', async () => {
    const r = await run('view', '--live', 'no_such_scenario', '--port', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no_such_scenario');
  });
});
