import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import foxglove from '@foxglove/schemas/jsonschema.js';
import { McapIndexedReader } from '@mcap/core';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../core/index.ts';
import { loadScenario } from '../../scenarios/loadScenario.ts';
import { createPlanner } from '../../stack/index.ts';
import { evaluateRun } from '../metrics/index.ts';
import { runScenario } from '../runScenario.ts';
import { exportMcap } from './exportMcap.ts';
import type { RunLog } from './RunLog.ts';

/** A fixed export time (2026-01-02T03:04:05Z) instead of the clock, so that stamps are exact. */
const NOW = { nowUnixS: 1_767_323_045 };

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

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: { const: unknown }[];
};

/**
 * The subset of JSON Schema the Foxglove schemas use (object / array / number / integer / string /
 * boolean / enum via oneOf-const): returns the paths where `v` does not conform, [] when it does.
 */
function violations(schema: JsonSchema, v: unknown, path = ''): string[] {
  if (schema.oneOf)
    return schema.oneOf.some((o) => o.const === v) ? [] : [`${path}: ${String(v)} not in enum`];
  const types = ([] as string[]).concat(schema.type ?? []);
  const ok = (t: string) =>
    t === 'object'
      ? typeof v === 'object' && v !== null && !Array.isArray(v)
      : t === 'array'
        ? Array.isArray(v)
        : t === 'integer'
          ? Number.isInteger(v)
          : t === 'null'
            ? v === null
            : typeof v === t;
  if (types.length && !types.some(ok)) return [`${path}: expected ${types.join('|')}`];
  const out: string[] = [];
  if (schema.properties && typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) out.push(`${path}.${k}: missing`);
    for (const [k, val] of Object.entries(o)) {
      const sub = schema.properties[k];
      if (!sub) out.push(`${path}.${k}: not in schema`);
      else out.push(...violations(sub, val, `${path}.${k}`));
    }
  }
  const items = schema.items;
  if (items && Array.isArray(v))
    for (const [i, x] of v.entries()) out.push(...violations(items, x, `${path}.${i}`));
  return out;
}

const sortedNs = (ns: bigint[]) => [...ns].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

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
  const firstOf: Record<string, unknown> = {};
  const logTimes: bigint[] = [];
  const topicOf = new Map([...reader.channelsById.values()].map((c) => [c.id, c.topic]));
  for await (const m of reader.readMessages()) {
    const topic = topicOf.get(m.channelId)!;
    logTimes.push(m.logTime);
    counts[topic] = (counts[topic] ?? 0) + 1;
    const msg = JSON.parse(new TextDecoder().decode(m.data));
    if (topic === '/log') logs.push(msg);
    firstOf[topic] ??= msg;
  }
  const metadata = new Map<string, Map<string, string>>();
  for await (const md of reader.readMetadata()) metadata.set(md.name, md.metadata);
  return { reader, counts, logs, firstOf, logTimes, metadata };
}

describe('exportMcap', () => {
  it('writes one message per tick on /scene, /tf and /metrics and the map once, readable by @mcap/core', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    const r = await exportMcap(log, map, out, NOW);
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
    // the run's commands and verdicts dropped: their topics are left out, not written empty
    const full = cutInLog();
    const map = full.map;
    const log = { ...full.log, ticks: full.log.ticks.map(({ command: _c, verdict: _v, ...t }) => t) };
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    await exportMcap(log, map, out, NOW);
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

  it('writes messages that conform to the Foxglove JSON schemas of their topics', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    await exportMcap(log, map, out, NOW);
    const { firstOf } = await readBack(out);
    const schemas: Record<string, JsonSchema> = {
      '/map': foxglove.SceneUpdate,
      '/scene': foxglove.SceneUpdate,
      '/tf': foxglove.FrameTransform,
      '/log': foxglove.Log,
    };
    // The checker itself rejects a bad message: level 9 is not a foxglove.LogLevel, `extra` is
    // unknown, and the required fields are missing.
    expect(violations(foxglove.Log, { level: 9, extra: 1 })).toEqual(
      expect.arrayContaining(['.level: 9 not in enum', '.extra: not in schema', '.timestamp: missing']),
    );
    for (const [topic, schema] of Object.entries(schemas)) {
      expect(firstOf[topic], topic).toBeDefined();
      expect(violations(schema, firstOf[topic]), topic).toEqual([]);
    }
  });

  it('logs each veto as a warning and each collision as an error on /log', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    await exportMcap(log, map, out, NOW);
    const { logs } = await readBack(out);
    // 3 vetoed ticks (10, 11, 12) → 3 WARNING (3) lines naming the rule.
    const warnings = logs.filter((l) => l.level === 3);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]!.message).toContain('rss.longitudinal');
    const collisions = log.metrics!.details.collisions.length;
    expect(collisions).toBeGreaterThan(0);
    expect(logs.filter((l) => l.level === 4)).toHaveLength(collisions);
  });

  it('stamps messages from the export time when the run log has no start time, and says so', async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    const r = await exportMcap(log, map, out, NOW);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.timeBase).toEqual({ source: 'export time', startUnixS: NOW.nowUnixS });
    const { logTimes, metadata, firstOf } = await readBack(out);
    const base = BigInt(NOW.nowUnixS) * 1_000_000_000n;
    expect(sortedNs(logTimes)[0]).toBe(base);
    // The last tick is 15 s after the first.
    expect(sortedNs(logTimes).at(-1)).toBe(base + 15_000_000_000n);
    expect((firstOf['/tf'] as { timestamp: { sec: number } }).timestamp.sec).toBe(NOW.nowUnixS);
    expect(metadata.get('edgeplan.time')?.get('timeBase')).toBe('export time');
    expect(metadata.get('edgeplan.time')?.get('startIso')).toBe('2026-01-02T03:04:05.000Z');
  });

  it('puts the ego in REP-105 base_link (rear axle) on /tf and its cube, or the frame asked for (review ux21 #13)', async () => {
    const { log, map } = cutInLog();
    const dir = mkdtempSync(join(tmpdir(), 'mcap-'));
    for (const [frame, opts] of [
      ['base_link', NOW],
      ['ego', { ...NOW, egoFrameId: 'ego' }],
    ] as const) {
      const out = join(dir, `${frame}.mcap`);
      const r = await exportMcap(log, map, out, opts);
      if (!r.ok) throw new Error(r.error.message);
      const { firstOf } = await readBack(out);
      const tf = firstOf['/tf'] as {
        parent_frame_id: string;
        child_frame_id: string;
        translation: { x: number };
      };
      expect(tf.parent_frame_id).toBe('map');
      expect(tf.child_frame_id).toBe(frame);
      // the rear axle: the run log's ego pose
      expect(tf.translation.x).toBe(log.ticks[0]!.ego.x);
      const scene = firstOf['/scene'] as { entities: { id: string; frame_id: string }[] };
      expect(scene.entities.find((e) => e.id === 'ego')!.frame_id).toBe(frame);
    }
  });

  it("stamps messages from the scenario's start time when the run log has one", async () => {
    const { log, map } = cutInLog();
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'run.mcap');
    // A nuPlan-like log start, 2021-06-08T14:03:11.5Z.
    const r = await exportMcap({ ...log, startUnixS: 1_623_160_991.5 }, map, out, NOW);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.timeBase.source).toBe('scenario start');
    const { logTimes, metadata } = await readBack(out);
    expect(sortedNs(logTimes)[0]).toBe(1_623_160_991_500_000_000n);
    expect(metadata.get('edgeplan.time')?.get('timeBase')).toBe('scenario start');
  });

  it("writes a gated run's commands and verdicts on /command and /verdict, MODIFYs included (review 19 #16)", async () => {
    // a real gated run: pdm-closed+gate on cut_in, reactive agents, as the review exported it
    const loaded = loadScenario('cut_in');
    if (!loaded.ok) throw new Error(loaded.error.message);
    const { scenario, map } = loaded.value;
    const planner = createPlanner('pdm-closed+gate');
    if (!planner.ok) throw new Error(planner.error.message);
    const sim = runScenario(scenario, map, planner.value, { mode: 'reactive' });
    const log = { ...sim, ticks: sim.ticks.map(({ planMs: _w, ...t }) => t) } as RunLog;
    const withVerdict = log.ticks.filter((t) => t.verdict);
    const modified = withVerdict.filter((t) => t.verdict!.decision === 'MODIFY').length;
    expect(modified).toBeGreaterThan(0);
    const out = join(mkdtempSync(join(tmpdir(), 'mcap-')), 'gated.mcap');
    const r = await exportMcap(log, map, out, NOW);
    if (!r.ok) throw new Error(r.error.message);
    const { reader, counts, firstOf } = await readBack(out);
    const schemaOf = Object.fromEntries(
      [...reader.channelsById.values()].map((c) => [c.topic, reader.schemasById.get(c.schemaId)!]),
    );
    expect(schemaOf['/command']!.name).toBe('edgeplan.MidLevelCommand');
    expect(schemaOf['/verdict']!.name).toBe('edgeplan.Verdict');
    expect(schemaOf['/verdict']!.encoding).toBe('jsonschema');
    expect(counts['/verdict']).toBe(withVerdict.length);
    expect(counts['/command']).toBe(log.ticks.filter((t) => t.command).length);
    // every MODIFY is there, with its repaired command, and each message fits its schema
    const verdicts: { decision: string; modified?: unknown }[] = [];
    const topicOf = new Map([...reader.channelsById.values()].map((c) => [c.id, c.topic]));
    for await (const m of reader.readMessages({ topics: ['/verdict'] }))
      if (topicOf.get(m.channelId) === '/verdict')
        verdicts.push(JSON.parse(new TextDecoder().decode(m.data)));
    const mods = verdicts.filter((v) => v.decision === 'MODIFY');
    expect(mods).toHaveLength(modified);
    expect(mods.every((v) => v.modified !== undefined)).toBe(true);
    for (const topic of ['/command', '/verdict']) {
      const schema = JSON.parse(new TextDecoder().decode(schemaOf[topic]!.data)) as JsonSchema;
      expect(schema.properties?.['timestamp']).toBeDefined();
      expect(violations(schema, firstOf[topic]), topic).toEqual([]);
    }
  });

  it('returns an IO_ERROR result for an unwritable path', async () => {
    const { log, map } = cutInLog();
    const r = await exportMcap(log, map, '/nonexistent-dir/x/run.mcap', NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('IO_ERROR');
  });
});
