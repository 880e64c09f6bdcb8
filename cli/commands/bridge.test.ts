import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edgeplan.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('edgeplan ros', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-ros-cli-'));
  // nothing listens on port 1: every attempt is refused
  const NOWHERE = ['--url', 'ws://127.0.0.1:1', '--map', 'builtin:warehouse_robot'];

  it('refuses a URL that is not a WebSocket URL instead of retrying it for ever', () => {
    const r = run('ros', '--url', 'robot:9090', '--map', 'builtin:warehouse_robot');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--url must be a rosbridge WebSocket URL/);
  });

  it('says why rosbridge cannot be reached and gives up after --connect-timeout (exit 2)', () => {
    const r = run('ros', ...NOWHERE, '--profile', 'robot', '--connect-timeout', '1.5');
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/rosbridge ws:\/\/127\.0\.0\.1:1: cannot connect \(.*ECONNREFUSED/);
    // the first failure and each change of reason, not each attempt
    expect(r.stdout.match(/cannot connect/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/no rosbridge at ws:\/\/127\.0\.0\.1:1 within 1\.5 s/);
  });

  it("takes the config's profile when --profile is not given", () => {
    const cfg = join(dir, 'robot.yaml');
    writeFileSync(cfg, 'profile: robot\n');
    const r = run('ros', ...NOWHERE, '--config', cfg, '--connect-timeout', '0.5');
    expect(r.stdout).toMatch(/^edgeplan ros: robot on map/m);
  });
});

describe('edgeplan mqtt', () => {
  const args = ['mqtt', '--url', 'mqtt://127.0.0.1:1', '--map', 'builtin:warehouse_robot'];

  it('refuses a robot id listed twice', () => {
    const r = run(...args, '--robots', 'a,b,a');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/"a" is listed twice/);
  });

  it('refuses robot ids holding MQTT wildcards or separators', () => {
    for (const bad of ['r/+', '#', 'a/b', 'a,,b']) {
      const r = run(...args, '--robots', bad);
      expect(r.status, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/is not a robot id/);
    }
  });
});
