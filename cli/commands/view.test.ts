import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, runMain as run } from '../../test/cliRun.ts';

/** A listener on a free port of 127.0.0.1, so that the port is busy. */
function occupyPort(): Promise<{ blocker: Server; port: number }> {
  return new Promise((resolve) => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1', () => {
      const a = blocker.address();
      resolve({ blocker, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

// Through the CLI's main() in this process (test/cliRun.ts): the binary's own exit status and
// streams are tested in test/cli.test.ts; a fresh node per command here cost ~0.4 s of CPU each.
describe('edgeplan export / report / view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-view-'));
  let wrote: CliResult;
  beforeAll(async () => {
    wrote = await run('run', 'cut_in', '--planner', 'idm', '--out', dir);
    // The first file of a worker imports the CLI's whole module graph here: over vitest's 10 s hook
    // default at load 12-16 (npm test, 2026-12-04), so the bound of the tests themselves.
  }, 120_000);
  const log = join(dir, 'cut_in.json');

  it('exports a run log to MCAP and names the message count per topic', async () => {
    expect(wrote.status).toBe(0);
    const out = join(dir, 'cut_in.mcap');
    const before = Date.now();
    const r = await run('export', log, '--mcap', out);
    expect(r.status).toBe(0);
    // 15 s at 0.1 s → 151 ticks, one /scene, /tf and /metrics message each.
    expect(r.stdout).toContain('/scene 151, /tf 151');
    // Issue 17 item 9: the time base is said, and it is now, not 1970 (a built-in has no start time).
    const start = /timestamps start at (\S+) \(the export time: the scenario has no start time;/.exec(
      r.stdout,
    );
    expect(start, r.stdout).not.toBeNull();
    const startMs = Date.parse(start![1]!);
    expect(startMs).toBeGreaterThanOrEqual(before - 1000); // whole seconds
    expect(startMs).toBeLessThanOrEqual(Date.now());
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

  it('report on a folder skips the .json files that are not run logs, with a note (review ux19 #26)', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'cut_in.json'), readFileSync(log));
    writeFileSync(join(folder, 'a_scenario.json'), JSON.stringify({ formatVersion: 1, id: 'x' }));
    const r = await run('report', folder, '--html', join(folder, 'r.html'));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      `skipped 1 .json file(s) that are not run logs (${join(folder, 'a_scenario.json')})`,
    );
    expect(r.stdout).toContain('(1 runs,');
  });

  it('rejects a run log that does not exist with one line and exit code 2', async () => {
    const r = await run('export', join(dir, 'missing.json'), '--mcap', join(dir, 'x.mcap'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing.json');
  });

  // Issue 17 item 6: `view` crashed with a stack trace when its port was in use.
  it('view on a busy port serves on the next free one and says so (the binary, stopped with Ctrl-C)', async () => {
    const { blocker, port } = await occupyPort();
    const child = spawn(process.execPath, [BIN, 'view', log, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      // Waits for the line that says where it serves, or for the process to end (a crash).
      const url = await new Promise<string | undefined>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /viewer: (http:\/\/\S+)/.exec(stdout);
          if (m) resolve(m[1]);
        });
        void exited.then(() => resolve(undefined));
      });
      expect(url, `stdout: ${stdout}\nstderr: ${stderr}`).toBeDefined();
      const served = Number(new URL(url!).port);
      expect(served).toBeGreaterThan(port);
      expect(served).toBeLessThanOrEqual(port + 10);
      expect(stdout).toContain(`viewer: port ${port} is in use, serving on ${served} instead`);
      expect((await fetch(new URL('/api/session', url))).status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
      blocker.close();
    }
  });

  it('view --port 99999 is bad input: one line naming the range, exit code 2', async () => {
    const r = await run('view', log, '--port', '99999');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--port must be an integer in 0..65535');
  });

  // Issue 17 item 7: a JSON that is not a run log got the schema's first complaint
  // ("scenarioId: Invalid input … (+5 more)"); it is named for what it is.
  it.each([
    [
      'export',
      'a Scenario JSON',
      'scenario.json',
      { formatVersion: 1, id: 's', egoStart: {} },
      /is a Scenario JSON, not a run log: `edgeplan run .*scenario\.json --out <dir>`/,
    ],
    [
      'view',
      'an imported road map',
      'Town.map.json',
      { id: 'Town', lanes: [] },
      /Town\.map\.json is a road map \(as `edgeplan import` writes one\), not a run log/,
    ],
    [
      'report',
      'some other JSON in a results folder',
      'notes.json',
      { shopping: ['milk'] },
      /notes\.json is not a run log \(run logs are the per-run JSON files/,
    ],
  ])('%s of %s says what the file is, in one line, exit 2', async (cmd, _what, name, content, says) => {
    const folder = join(dir, `not-logs-${cmd}`);
    mkdirSync(folder);
    const file = join(folder, name);
    writeFileSync(file, JSON.stringify(content));
    const args =
      cmd === 'export'
        ? [file, '--mcap', join(folder, 'x.mcap')]
        : cmd === 'view'
          ? [file, '--port', '0']
          : [folder, '--html', join(folder, 'r.html')];
    const r = await run(cmd, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(says);
    expect(r.stderr).not.toContain('Invalid input');
  });

  it('rejects an unknown scenario for the live view with exit code 2', async () => {
    const r = await run('view', '--live', 'no_such_scenario', '--port', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no_such_scenario');
  });
});

describe('view --pick / --planners (review ux19 #15)', () => {
  const root = '/r';
  const files = ['nonreactive', 'reactive'].flatMap((m) =>
    ['constant-velocity', 'idm', 'pdm-closed'].flatMap((p) =>
      ['cut_in', 'red_light'].map((s) => `${root}/${m}/${p}/logs/${s}.json`),
    ),
  );
  it('shows the first two runs of the picked scenario and lists every run of it', async () => {
    const { pickRuns } = await import('./view.ts');
    const r = pickRuns(files, { pick: 'red_light', root });
    expect(r.labels).toEqual(['nonreactive/constant-velocity', 'nonreactive/idm']);
    expect(r.runs).toHaveLength(6);
    expect(r.files.every((f) => f.endsWith('/red_light.json'))).toBe(true);
  });
  it('takes the planners to show, by name or mode/name', async () => {
    const { pickRuns } = await import('./view.ts');
    expect(pickRuns(files, { pick: 'cut_in', planners: ['reactive/pdm-closed', 'idm'], root }).files).toEqual(
      ['/r/reactive/pdm-closed/logs/cut_in.json', '/r/nonreactive/idm/logs/cut_in.json'],
    );
    expect(() => pickRuns(files, { planners: ['hierarchical'], root })).toThrow(
      /no run "hierarchical" of cut_in here \(there are: nonreactive\/constant-velocity, /,
    );
  });
});
