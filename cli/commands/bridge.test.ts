import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAisleMap } from '../../bridge/testing/aisleMapFile.ts';
import { startBroker } from '../../bridge/testing/mosquitto.ts';
import { runMqttMission } from '../../bridge/testing/mqttMission.ts';

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

describe('edgeplan mqtt / ros --audit (review 14 H3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-bridge-audit-'));

  it('records every verdict of a robot driven over mosquitto in its own signed log, which verifies', async () => {
    const broker = await startBroker();
    const map = writeAisleMap(dir);
    const log = join(dir, 'audit.jsonl');
    const key = join(dir, 'audit.pem');
    const r1Log = join(dir, 'audit.r1.jsonl');
    const records = () =>
      existsSync(r1Log)
        ? readFileSync(r1Log, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"type":"record"')).length
        : 0;
    let stdout = '';
    try {
      ({ stdout } = await runMqttMission(
        BIN,
        broker.url,
        ['--robots', 'r1,r2', '--map', map, '--audit', log, '--audit-key', key],
        () => records() >= 20,
      ));
      expect(records(), stdout).toBeGreaterThanOrEqual(20);
    } finally {
      await broker.down();
    }
    expect(stdout).toMatch(/audit key: .*audit\.pem\.pub/);
    expect(stdout).toMatch(/audit log: .*audit\.r1\.jsonl \(robot r1, \d+ records/);
    for (const f of [r1Log, join(dir, 'audit.r2.jsonl')]) {
      const v = run('audit', 'verify', f, '--pubkey', `${key}.pub`);
      expect(v.status, v.stdout + v.stderr).toBe(0);
    }
  }, 180_000);

  it('ros: opens the log before connecting and closes it signed when it gives up', () => {
    const log = join(dir, 'ros.jsonl');
    const key = join(dir, 'ros.pem');
    const r = run(
      'ros',
      '--url',
      'ws://127.0.0.1:1',
      '--map',
      'builtin:warehouse_robot',
      '--profile',
      'robot',
      '--connect-timeout',
      '0.5',
      '--audit',
      log,
      '--audit-key',
      key,
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/audit key: .*ros\.pem\.pub/);
    const v = run('audit', 'verify', log, '--pubkey', `${key}.pub`);
    expect(v.status, v.stdout + v.stderr).toBe(0);
  });

  it('refuses --audit-key without --audit', () => {
    const r = run(
      'ros',
      '--url',
      'ws://127.0.0.1:1',
      '--map',
      'builtin:warehouse_robot',
      '--audit-key',
      join(dir, 'k.pem'),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give one with --audit/);
  });
});
