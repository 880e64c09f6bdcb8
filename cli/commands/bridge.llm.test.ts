import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAisleMap } from '../../bridge/testing/aisleMapFile.ts';
import { startBroker } from '../../bridge/testing/mosquitto.ts';
import { runMqttMission } from '../../bridge/testing/mqttMission.ts';

// issue #11 item 6 on live machines: `edgeplan ros|mqtt --planner hierarchical --llm …` (the bridges
// had no model flags: a robot could run the hierarchical planner with its rules backend only)

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edgeplan.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });

/** An OpenAI-compatible chat server whose longitudinal agent always answers DECELERATE. */
async function fakeModel() {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') calls++; // GET /models is the start-up check, not a model call
      const reply = {
        speed: 'DECELERATE',
        targetSpeedMps: 0.5,
        decelMps2: null,
        stopDistanceM: null,
        reason: 'slow',
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'm', object: 'model' }],
          choices: [
            { finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify(reply) } },
          ],
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('edgeplan ros / mqtt --llm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ep-bridge-llm-'));

  it('refuses --llm for a planner without a model, and a server that does not answer, in one line (exit 2)', () => {
    const base = [
      'ros',
      '--url',
      'ws://127.0.0.1:1',
      '--map',
      'builtin:warehouse_robot',
      '--profile',
      'robot',
    ];
    const a = run(...base, '--llm', 'openai', '--llm-url', 'http://127.0.0.1:1/v1', '--model', 'm');
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--llm needs --planner hierarchical/);
    const b = run(
      ...base,
      '--planner',
      'hierarchical',
      '--llm',
      'openai',
      '--llm-url',
      'http://127.0.0.1:1/v1',
      '--model',
      'm',
    );
    expect(b.status).toBe(2);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });

  it('mqtt: a robot driven by the hierarchical planner asks the model; each call is in its signed audit log', async () => {
    const model = await fakeModel();
    const broker = await startBroker();
    const map = writeAisleMap(dir);
    const log = join(dir, 'audit.jsonl');
    const key = join(dir, 'audit.pem');
    const withModel = () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"type":"record"') && l.includes('"llm":[')).length
        : 0;
    let stdout = '';
    try {
      const out = await runMqttMission(
        BIN,
        broker.url,
        [
          '--robots',
          'r1',
          '--map',
          map,
          '--planner',
          'hierarchical',
          '--llm',
          'openai',
          '--llm-url',
          model.url,
          '--model',
          'm',
          '--llm-agents',
          'longitudinal',
          '--llm-always',
          '--audit',
          log,
          '--audit-key',
          key,
        ],
        () => withModel() >= 3,
      );
      stdout = out.stdout;
      expect(withModel(), out.stdout + out.stderr).toBeGreaterThanOrEqual(3);
    } finally {
      await broker.down();
      await model.close();
    }
    expect(model.calls()).toBeGreaterThan(0);
    expect(stdout).toMatch(/llm openai: model ready/);
    const rec = readFileSync(log, 'utf8')
      .split('\n')
      .find((l) => l.includes('"llm":['))!;
    expect(rec).toMatch(/DECELERATE/);
    const v = run('audit', 'verify', log, '--pubkey', `${key}.pub`);
    expect(v.status, v.stdout + v.stderr).toBe(0);
  }, 180_000);
});
