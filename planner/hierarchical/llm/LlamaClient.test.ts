/**
 * The llama path with the real node-llama-cpp runtime on a tiny GGUF the test writes itself:
 * loading, grammar-constrained JSON, the deadline and the fallback on a model that cannot load.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LongitudinalDecisionSchema } from '../AgentOutputs.ts';
import { createLlamaClient } from './LlamaClient.ts';
import { askAgent, jsonSchemaOf, type LlmClient } from './LlmClient.ts';
import { writeTinyGguf } from './testing/tinyGguf.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeplan-llama-'));
const modelPath = join(dir, 'tiny.gguf');
let client: LlmClient;

beforeAll(() => {
  writeTinyGguf(modelPath);
  client = createLlamaClient({ modelPath, maxTokens: 96 });
});
afterAll(async () => {
  await client.close?.();
  rmSync(dir, { recursive: true, force: true });
});

const SpeedOnly = z.object({ speed: z.enum(['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP']) });

describe('llama client (node-llama-cpp, tiny generated GGUF)', () => {
  it('loads the model and the grammar keeps the reply schema-valid JSON', async () => {
    const a = await askAgent<{ speed: string }>(client, SpeedOnly, {
      system: 'You drive.',
      user: 'Decide the speed.',
      schemaName: 'speed_only',
      jsonSchema: jsonSchemaOf(SpeedOnly),
      deadlineMs: 20000,
    });
    expect(a.ok).toBe(true);
    if (a.ok) expect(['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP']).toContain(a.value.speed);
  }, 30000);

  it('the full longitudinal schema either parses or fails with a code, never throws', async () => {
    const a = await askAgent(client, LongitudinalDecisionSchema, {
      system: 'You drive.',
      user: 'Decide.',
      schemaName: 'longitudinal_decision',
      jsonSchema: jsonSchemaOf(LongitudinalDecisionSchema),
      deadlineMs: 20000,
    });
    if (!a.ok) expect(['SCHEMA', 'TRUNCATED']).toContain(a.code);
  }, 30000);

  it('a deadline shorter than the generation is a TIMEOUT', async () => {
    const a = await askAgent(client, LongitudinalDecisionSchema, {
      system: 'You drive.',
      user: 'Decide.'.repeat(200),
      schemaName: 'longitudinal_decision',
      jsonSchema: jsonSchemaOf(LongitudinalDecisionSchema),
      deadlineMs: 5,
    });
    expect(a).toMatchObject({ ok: false, code: 'TIMEOUT' });
  }, 30000);

  it('a model file that cannot load is a TRANSPORT failure (the caller falls back)', async () => {
    const bad = join(dir, 'truncated.gguf');
    writeFileSync(bad, Buffer.from('GGUF\u0003\u0000\u0000\u0000'));
    const c = createLlamaClient({ modelPath: bad });
    const a = await askAgent(c, SpeedOnly, {
      system: 's',
      user: 'u',
      schemaName: 'speed_only',
      jsonSchema: jsonSchemaOf(SpeedOnly),
      deadlineMs: 20000,
    });
    expect(a).toMatchObject({ ok: false, code: 'TRANSPORT' });
    expect(a.ok ? '' : a.message).toMatch(/cannot load/);
  }, 30000);
});
