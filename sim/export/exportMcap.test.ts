import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../core/index.ts';
import { createPlanner } from '../../planner/index.ts';
import { loadScenario } from '../loadScenario.ts';
import { evaluateRun } from '../metrics/index.ts';
import { runScenario } from '../runScenario.ts';
import { exportMcap } from './exportMcap.ts';
import type { RunLog } from './RunLog.ts';

const veto: Verdict = {
  decision: 'VETO',
  rules: [{ rule: 'rss.longitudinal', decision: 'VETO', values: {}, message: 'gap too small' }],
  explanation: 'unsafe gap',
};

/** cut_in with the IDM baseline (it collides with the cutter), plus a synthetic veto on 3 ticks. */
function cutInLog() {
  const loaded = loadScenario('cut_in');
  if (!loaded.ok) throw new Error(loaded.error.message);
  const { scenario, map } = loaded.value;
  const planner = createPlanner('idm');
  if (!planner.ok) throw new Error(planner.error.message);
  const sim = runScenario(scenario, map, planner.value, { mode: 'nonreactive', recordPlans: true });
  const metrics = evaluateRun(sim, map);
  const ticks = sim.ticks.map(({ planMs: _w, ...t }, k) => (k >= 10 && k < 13 ? { ...t, verdict: veto } : t));
  return { log: { ...sim, ticks, metrics } as RunLog, map };
}

async function readBack(path: string) {
  const buf = readFileSync(path);
  const reader = await McapIndexedReader.Initialize({
    readable: {
      size: async () => BigInt(buf.byteLength),
      read: async (offset: bigint, size: bigint) => buf.subarray(Number(offset), Number(offset + size)),
    },
  });
  const counts: Record<string, number> = {};
  const logs: { level: number; message: string }[] = [];
  const topicOf = new Map([...reader.channelsById.values()].map((c) => [c.id, c.topic]));
  for await (const m of reader.readMessages()) {
    const topic = topicOf.get(m.channelId)!;
    counts[topic] = (counts[topic] ?? 0) + 1;
    if (topic === '/log') logs.push(JSON.parse(new TextDecoder().decode(m.data)));
  }
  return { reader, counts, logs };
}

describe('exportMcap', () => {
  it('writes one message per tick on /scene, /tf and /metrics and the map once, readable by @mcap/core', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    const r = await exportMcap(log, map, out);
    expect(r.ok).toBe(true);
    const { counts } = await readBack(out);
    // cut_in lasts 15 s at the engine's 0.1 s step: 15 / 0.1 + 1 = 151 ticks.
    expect(log.ticks.length).toBe(151);
    expect(counts['/scene']).toBe(151);
    expect(counts['/tf']).toBe(151);
    expect(counts['/metrics']).toBe(151);
    expect(counts['/map']).toBe(1);
  });

  it('uses the Foxglove schema names with JSON encoding for each topic', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    await exportMcap(log, map, out);
    const { reader } = await readBack(out);
    const schemaOf = Object.fromEntries(
      [...reader.channelsById.values()].map((c) => [c.topic, reader.schemasById.get(c.schemaId)!.name]),
    );
    expect(schemaOf).toEqual({
      '/map': 'foxglove.SceneUpdate',
      '/scene': 'foxglove.SceneUpdate',
      '/tf': 'foxglove.FrameTransform',
      '/log': 'foxglove.Log',
      '/metrics': 'edgeplan.TickMetrics',
    });
    for (const c of reader.channelsById.values()) expect(c.messageEncoding).toBe('json');
  });

  it('logs each veto as a warning and each collision as an error on /log', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    await exportMcap(log, map, out);
    const { logs } = await readBack(out);
    // 3 vetoed ticks (10, 11, 12) → 3 WARNING (3) lines naming the rule.
    const warnings = logs.filter((l) => l.level === 3);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]!.message).toContain('rss.longitudinal');
    const collisions = log.metrics!.details.collisions.length;
    expect(collisions).toBeGreaterThan(0);
    expect(logs.filter((l) => l.level === 4)).toHaveLength(collisions);
  });

  it('returns an IO_ERROR result for an unwritable path', async () => {
    const { log, map } = cutInLog();
    const r = await exportMcap(log, map, '/nonexistent-dir/x/run.mcap');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('IO_ERROR');
  });
});
