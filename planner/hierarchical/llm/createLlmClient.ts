/**
 * A model client from plain, serialisable options (they cross into evaluation worker threads),
 * and a reachability check that turns a missing server or model into one clear line.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { AGENT_NAMES } from '../Prompts.ts';
import { createLlamaClient } from './LlamaClient.ts';
import type { LlmClient } from './LlmClient.ts';
import { oneLine } from './LlmClient.ts';
import { createOllamaClient } from './OllamaClient.ts';
import { createOpenAiClient } from './OpenAiClient.ts';

export const LlmOptionsSchema = z.object({
  kind: z.enum(['openai', 'ollama', 'llama']),
  /** Server URL (openai: base URL with /v1; ollama: http://host:11434). */
  url: z.string().optional(),
  /** Model name (openai / ollama) or GGUF path (llama). */
  model: z.string().optional(),
  /** Which agents ask the model. */
  agents: z.array(z.enum(AGENT_NAMES)).min(1).default(['analyst', 'lateral', 'longitudinal']),
  deadlineMs: z.number().int().positive().default(3000),
  stream: z.boolean().default(false),
  /** Consult at every plan instead of only where LLM-Assist says it helps. */
  always: z.boolean().default(false),
});
export type LlmOptions = z.infer<typeof LlmOptionsSchema>;
export type LlmOptionsInput = z.input<typeof LlmOptionsSchema>;

const DEFAULT_MODEL = { openai: 'gpt-4o-mini', ollama: 'llama3.2', llama: '' } as const;

/** The client for the options (the llama client loads its model lazily, on the first call). */
export function createLlmClient(o: LlmOptions): LlmClient {
  const model = o.model ?? DEFAULT_MODEL[o.kind];
  if (o.kind === 'openai')
    return createOpenAiClient({ model, stream: o.stream, ...(o.url ? { baseURL: o.url } : {}) });
  if (o.kind === 'ollama')
    return createOllamaClient({ model, stream: o.stream, ...(o.url ? { url: o.url } : {}) });
  return createLlamaClient({ modelPath: model });
}

/**
 * Why a fetch failed, from the nested cause fetch wraps it in ("fetch failed" says nothing): the
 * socket's code (ECONNREFUSED, ENOTFOUND), an AggregateError's first code (IPv6 and IPv4 both
 * refused), else the cause's message ("bad port").
 */
function fetchFailure(e: unknown): string {
  type Cause = { code?: string; message?: string; errors?: Cause[]; cause?: Cause };
  const cause = (e as Cause).cause;
  const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code ?? cause?.cause?.code;
  if (code) return code;
  if (cause?.message) return oneLine(cause.message);
  return oneLine(e);
}

/** Undefined when the server answers and knows the model; else one line saying what is missing. */
export async function checkLlm(o: LlmOptions, timeoutMs = 3000): Promise<string | undefined> {
  const model = o.model ?? DEFAULT_MODEL[o.kind];
  if (o.kind === 'llama') {
    if (!model) return 'llm llama: no model given (--model path/to/model.gguf)';
    if (!existsSync(model)) return `llm llama: model file ${model} not found`;
    return undefined;
  }
  const base = (
    o.url ?? (o.kind === 'openai' ? 'https://api.openai.com/v1' : 'http://127.0.0.1:11434')
  ).replace(/\/+$/, '');
  const url = o.kind === 'openai' ? `${base}/models` : `${base}/api/tags`;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const headers: Record<string, string> = {};
    if (o.kind === 'openai') headers.authorization = `Bearer ${process.env.OPENAI_API_KEY ?? 'sk-local'}`;
    const res = await fetch(url, { signal: ac.signal, headers });
    if (!res.ok) return `llm ${o.kind}: ${url} answered HTTP ${res.status}`;
    // a server that answers, but not as a model server does (a web page, a proxy's login): said as
    // such, not as "no server"
    const text = await res.text();
    let body: { data?: { id: string }[]; models?: { name: string; model?: string }[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return `llm ${o.kind}: ${url} answered, but not with JSON (${res.headers.get('content-type') ?? 'no content-type'}): not an ${o.kind === 'openai' ? 'OpenAI-compatible' : 'Ollama'} server?`;
    }
    if (!body || typeof body !== 'object')
      return `llm ${o.kind}: ${url} answered, but not with a JSON object: not an ${o.kind === 'openai' ? 'OpenAI-compatible' : 'Ollama'} server?`;
    const names =
      o.kind === 'openai'
        ? (body.data ?? []).map((m) => m.id)
        : (body.models ?? []).flatMap((m) => [m.name, m.model ?? m.name, m.name.replace(/:latest$/, '')]);
    if (names.length > 0 && !names.includes(model))
      return `llm ${o.kind}: the server at ${base} has no model "${model}" (it has: ${[...new Set(names)].slice(0, 6).join(', ')})`;
    return undefined;
  } catch (e) {
    return `llm ${o.kind}: no server at ${base} (${ac.signal.aborted ? `no answer within ${timeoutMs} ms` : fetchFailure(e)})`;
  } finally {
    clearTimeout(timer);
  }
}
