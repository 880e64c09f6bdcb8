/**
 * The llama path with the real node-llama-cpp runtime on a tiny GGUF the test writes itself:
 * loading, grammar-constrained JSON for the full agent schemas (random weights: only the grammar
 * keeps the replies valid), truncation, the deadline and the fallback on a model that cannot load.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LateralDecisionSchema, LongitudinalDecisionSchema, SceneAnalysisSchema } from '../AgentOutputs.ts';
import { createLlamaClient } from './LlamaClient.ts';
import { askAgent, jsonSchemaOf, type LlmClient } from './LlmClient.ts';
import { writeTinyGguf } from './testing/tinyGguf.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeplan-llama-'));
const modelPath = join(dir, 'tiny.gguf');
let client: LlmClient;

beforeAll(async () => {
  writeTinyGguf(modelPath);
  client = createLlamaClient({ modelPath });
  expect(await client.ready?.()).toBeUndefined();
}, 90_000);
afterAll(async () => {
  await client.close?.();
  rmSync(dir, { recursive: true, force: true });
});

const SpeedOnly = z.object({ speed: z.enum(['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP']) });

// Deadlines and test bounds are waits, not timing asserts: the tiny model answers in about a second
// alone, but a grammar-constrained scene_analysis passed 20 s with the 2 cores under load average 30+.
describe('llama client (node-llama-cpp, tiny generated GGUF)', () => {
  it('loads the model and the grammar keeps the reply schema-valid JSON', async () => {
    const a = await askAgent<{ speed: string }>(client, SpeedOnly, {
      system: 'You drive.',
      user: 'Decide the speed.',
      schemaName: 'speed_only',
      jsonSchema: jsonSchemaOf(SpeedOnly),
      deadlineMs: 60_000,
    });
    expect(a.ok).toBe(true);
    if (a.ok) expect(['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP']).toContain(a.value.speed);
  }, 90_000);

  for (const [name, schema] of [
    ['lateral_decision', LateralDecisionSchema],
    ['longitudinal_decision', LongitudinalDecisionSchema],
    ['scene_analysis', SceneAnalysisSchema],
  ] as const) {
    it(`the full ${name} schema comes back schema-valid`, async () => {
      const a = await askAgent(client, schema, {
        system: 'You are one agent of a driving planner.',
        user: 'Scene: lead vehicle 25 m ahead at 8 m/s; speed limit 11 m/s. Decide.',
        schemaName: name,
        jsonSchema: jsonSchemaOf(schema),
        deadlineMs: 60_000,
      });
      expect(a.ok ? 'OK' : `${a.code}: ${a.message}`).toBe('OK');
    }, 90_000);
  }

  it('a token limit below the reply is a TRUNCATED failure', async () => {
    const short = createLlamaClient({ modelPath, maxTokens: 12 });
    try {
      expect(await short.ready?.()).toBeUndefined();
      const a = await askAgent(short, LongitudinalDecisionSchema, {
        system: 'You drive.',
        user: 'Decide.',
        schemaName: 'longitudinal_decision',
        jsonSchema: jsonSchemaOf(LongitudinalDecisionSchema),
        deadlineMs: 60_000,
      });
      expect(a).toMatchObject({ ok: false, code: 'TRUNCATED' });
    } finally {
      await short.close?.();
    }
  }, 90_000);

  it('a context too small for the longest reply caps the budget and the cut reply is TRUNCATED', async () => {
    // the random model writes the 300-character reason in full; 200 tokens of context cannot hold it
    const small = createLlamaClient({ modelPath, contextSize: 200 });
    try {
      expect(await small.ready?.()).toBeUndefined();
      const a = await askAgent(small, LongitudinalDecisionSchema, {
        system: 'You drive.',
        user: 'Decide.',
        schemaName: 'longitudinal_decision',
        jsonSchema: jsonSchemaOf(LongitudinalDecisionSchema),
        deadlineMs: 60_000,
      });
      expect(a).toMatchObject({ ok: false, code: 'TRUNCATED' });
    } finally {
      await small.close?.();
    }
  }, 90_000);

  it('a prompt that fills the context is TRUNCATED before generating', async () => {
    const small = createLlamaClient({ modelPath, contextSize: 64 });
    try {
      expect(await small.ready?.()).toBeUndefined();
      const a = await askAgent(small, SpeedOnly, {
        system: 'You drive.',
        user: 'Decide the speed. '.repeat(10),
        schemaName: 'speed_only',
        jsonSchema: jsonSchemaOf(SpeedOnly),
        deadlineMs: 60_000,
      });
      expect(a).toMatchObject({ ok: false, code: 'TRUNCATED' });
      expect(a.ok ? '' : a.message).toMatch(/no room/);
    } finally {
      await small.close?.();
    }
  }, 90_000);

  it('a schema the grammar compiler does not take is a SCHEMA failure naming the keyword', async () => {
    const a = await askAgent(client, SpeedOnly, {
      system: 'You drive.',
      user: 'Decide.',
      schemaName: 'speed_pattern',
      jsonSchema: { type: 'object', properties: { speed: { type: 'string', pattern: '^K' } } },
      deadlineMs: 60_000,
    });
    expect(a).toMatchObject({ ok: false, code: 'SCHEMA' });
    expect(a.ok ? '' : a.message).toMatch(/pattern/);
  }, 90_000);

  it('a deadline shorter than the generation is a TIMEOUT', async () => {
    const a = await askAgent(client, LongitudinalDecisionSchema, {
      system: 'You drive.',
      user: 'Decide.'.repeat(200),
      schemaName: 'longitudinal_decision',
      jsonSchema: jsonSchemaOf(LongitudinalDecisionSchema),
      deadlineMs: 5,
    });
    expect(a).toMatchObject({ ok: false, code: 'TIMEOUT' });
  }, 90_000);

  it('a model file that cannot load is a TRANSPORT failure (the caller falls back)', async () => {
    const bad = join(dir, 'truncated.gguf');
    writeFileSync(bad, Buffer.from('GGUF\u0003\u0000\u0000\u0000'));
    const c = createLlamaClient({ modelPath: bad });
    // said once, by the load (never retried): every call then fails at once with that reason
    expect(await c.ready?.()).toMatch(/cannot load/);
    const a = await askAgent(c, SpeedOnly, {
      system: 's',
      user: 'u',
      schemaName: 'speed_only',
      jsonSchema: jsonSchemaOf(SpeedOnly),
      deadlineMs: 60_000,
    });
    expect(a).toMatchObject({ ok: false, code: 'TRANSPORT' });
    expect(a.ok ? '' : a.message).toMatch(/cannot load/);
  }, 90_000);

  it('calls made while the model loads share one load: they fall back as LOADING, none as TRANSPORT (ux21 #1)', async () => {
    // caching the load's result, not its promise, loaded the model once per call of the first
    // seconds, each on its own Llama instance: "The given LlamaModel and LlamaGrammar must be from
    // the same Llama instance" for every call after (3 parallel calls: 2 failed, then all)
    const c = createLlamaClient({ modelPath });
    try {
      const req = {
        system: 'You drive.',
        user: 'Decide the speed.',
        schemaName: 'speed_only',
        jsonSchema: jsonSchemaOf(SpeedOnly),
        deadlineMs: 60_000,
      };
      const early = await Promise.all([0, 1, 2].map(() => askAgent(c, SpeedOnly, req)));
      for (const a of early) expect(a.ok ? 'OK' : a.code).toMatch(/^(OK|LOADING)$/);
      expect(await c.ready?.()).toBeUndefined();
      const later = await Promise.all([0, 1, 2].map(() => askAgent(c, SpeedOnly, req)));
      expect(later.map((a) => (a.ok ? 'OK' : `${a.code}: ${a.message}`))).toEqual(['OK', 'OK', 'OK']);
    } finally {
      await c.close?.();
    }
  }, 180_000);

  it("a call's deadline covers its wait for the generation before it", async () => {
    const slow = askAgent(client, LongitudinalDecisionSchema, {
      system: 'You drive.',
      user: 'Decide.',
      schemaName: 'longitudinal_decision',
      jsonSchema: jsonSchemaOf(LongitudinalDecisionSchema),
      deadlineMs: 60_000,
    });
    // queued behind a generation of hundreds of tokens: its 1 ms are gone before that one ends
    const queued = await askAgent(client, SpeedOnly, {
      system: 'You drive.',
      user: 'Decide the speed.',
      schemaName: 'speed_only',
      jsonSchema: jsonSchemaOf(SpeedOnly),
      deadlineMs: 1,
    });
    expect(queued).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect((await slow).ok).toBe(true);
  }, 180_000);
});
