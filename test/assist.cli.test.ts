import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENE_FEATURES } from '../planner/index.ts';
import { runMain } from './cliRun.ts';

// ux20 #16/#17 (issue #11 item 4): the run said neither how often the model was asked nor what it
// changed, and --tips gave no feedback at all

/** An OpenAI-compatible server whose longitudinal agent always answers `speed`. */
async function fakeModel(speed: string) {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // the client's first request checks the server (GET /models): not a model call
      if (req.method === 'POST') calls++;
      const reply = { speed, targetSpeedMps: 4, decelMps2: null, stopDistanceM: null, reason: 'slow down' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
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

const llm = (url: string) => [
  '--llm',
  'openai',
  '--llm-url',
  url,
  '--model',
  'm',
  '--llm-agents',
  'longitudinal',
];

describe('edgeplan run / eval --planner hierarchical: the LLM-Assist and tips table', () => {
  it('with --llm-always: how often the model was asked and which rules decisions it changed', async () => {
    const m = await fakeModel('DECELERATE');
    try {
      const r = await runMain('run', 'cut_in', '--planner', 'hierarchical', ...llm(m.url), '--llm-always');
      expect(r.status).toBe(0);
      expect(m.calls()).toBeGreaterThan(0);
      const asked = /^\| model asked +\| +(\d+) of (\d+) \| why: --llm-always \1/m.exec(r.stdout);
      expect(asked, r.stdout).not.toBeNull();
      // every plan gated asked once; a last call may still be out when the run ends (its plan never lands)
      expect(m.calls() - Number(asked![1])).toBeGreaterThanOrEqual(0);
      expect(m.calls() - Number(asked![1])).toBeLessThanOrEqual(1);
      expect(r.stdout).toMatch(/^\| agent answers used +\| +\d+ \| longitudinal \d+/m);
      expect(r.stdout).toMatch(
        /^\| commands the model changed .*\| +[1-9]\d* of \d+ \| [A-Z]+\/FOLLOW_LANE → DECELERATE\/FOLLOW_LANE \d+/m,
      );
    } finally {
      await m.close();
    }
  });

  it('without --llm-always on a plain scene: says LLM-Assist never triggered', async () => {
    const m = await fakeModel('DECELERATE');
    try {
      const r = await runMain('run', 'cut_in', '--planner', 'hierarchical', ...llm(m.url));
      expect(r.status).toBe(0);
      expect(m.calls()).toBe(0);
      expect(r.stdout).toMatch(/^\| model asked +\| +0 of \d+ \| LLM-Assist never triggered/m);
    } finally {
      await m.close();
    }
  });

  it('--tips: how many plans a tip matched, in run and per planner and mode in eval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ep-tips-'));
    const file = join(dir, 'tips.json');
    // one tip whose radius takes in every scene, and one no scene comes near
    const tip = (id: string, f: number) => ({
      id,
      lesson: 'keep a longer headway',
      features: SCENE_FEATURES.map(() => f),
      nudges: { headwayS: 0.1 },
      source: { scenarioId: 'x', mode: 'nonreactive', failure: 'ttc', tS: 1 },
    });
    writeFileSync(
      file,
      JSON.stringify({
        formatVersion: 1,
        featureNames: [...SCENE_FEATURES],
        radius: 3,
        tips: [tip('near', 0.3), tip('far', 9)],
      }),
    );
    const r = await runMain('run', 'cut_in', '--planner', 'hierarchical', '--tips', file);
    expect(r.status).toBe(0);
    const matched = /^\| plans a tip matched +\| +(\d+) of (\d+) \| nudges applied; tips: near \1 +\|$/m.exec(
      r.stdout,
    );
    expect(matched, r.stdout).not.toBeNull();
    // every plan but the re-plans (a re-plan after a gate repair keeps the plan's parameters)
    expect(Number(matched![1])).toBeGreaterThan(0.9 * Number(matched![2]));
    const e = await runMain('eval', 'cut_in,red_light', '--planner', 'hierarchical,idm', '--tips', file);
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/^\| hierarchical CLS-NR: tips +\| +count \| detail/m);
    expect(e.stdout).toMatch(/^\| plans a tip matched +\| +[1-9]\d* of \d+ \| nudges applied; tips: near /m);
    expect(e.stdout).not.toMatch(/idm CLS-NR: tips/);
  });
});
