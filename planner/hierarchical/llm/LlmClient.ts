/**
 * The model side of an agent: one request (system prompt, user prompt, optional BEV PNG, the JSON
 * schema the reply must follow, a deadline) → the reply text or a closed failure code. Transport
 * is injected: `OpenAiClient` (any OpenAI-compatible endpoint), `OllamaClient` (`/api/chat`),
 * `LlamaClient` (in-process GGUF). `askAgent` parses the reply with the agent's zod schema; any
 * failure is returned, never thrown, so the caller falls back to the rules and records why.
 */
import { z } from 'zod';

export interface LlmRequest {
  system: string;
  user: string;
  /** Name of the output schema (OpenAI's `json_schema.name`). */
  schemaName: string;
  jsonSchema: Record<string, unknown>;
  /** The BEV as a PNG, for models that take images. */
  imagePng?: Uint8Array;
  /** Wall-clock budget for the whole call, ms. */
  deadlineMs: number;
}

/**
 * Why a call gave no usable answer. `LOADING`: the client's model is still loading in the
 * background (the call returns at once: no plan waits for a load).
 */
export const LLM_FAILURE_CODES = [
  'TIMEOUT',
  'TRANSPORT',
  'REFUSAL',
  'TRUNCATED',
  'EMPTY',
  'SCHEMA',
  'LOADING',
] as const;
export type LlmFailureCode = (typeof LLM_FAILURE_CODES)[number];

export type LlmReply = { ok: true; text: string } | { ok: false; code: LlmFailureCode; message: string };

export interface LlmClient {
  readonly name: string;
  /** Sends the image when the model takes images. */
  readonly vision: boolean;
  complete(req: LlmRequest): Promise<LlmReply>;
  /**
   * Starts what the client must do before it can answer (a local model's load) in the background,
   * once; resolves when it can answer (undefined) or with why it never will (the load's error, said
   * once: a failed load is not retried). Clients with nothing to prepare leave it out.
   */
  ready?(): Promise<string | undefined>;
  /** Releases what the client holds (a loaded model). */
  close?(): Promise<void>;
}

/** A parsed answer, or why there is none (`text`: the reply, when one came but was not usable). */
export type AgentAnswer<T> =
  | { ok: true; value: T; text: string }
  | { ok: false; code: LlmFailureCode; message: string; text?: string };

/** Phrases of a refusal written as prose instead of the requested JSON. */
const REFUSAL_RE = /^\s*(i'?m sorry|i am sorry|i can(?:no|')t|i cannot|i won'?t|as an ai|sorry,)/i;

/** The JSON object in a reply: the whole text, or a fenced ```json block (some servers add fences). */
export function extractJson(text: string): unknown {
  const t = text.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(t);
  return JSON.parse(fence ? fence[1]! : t);
}

/** Asks one agent's question and parses the reply strictly (unknown keys are rejected). */
export async function askAgent<T>(
  client: LlmClient,
  schema: z.ZodObject,
  req: LlmRequest,
): Promise<AgentAnswer<T>> {
  let reply: LlmReply;
  try {
    reply = await withDeadline(client.complete(req), req.deadlineMs);
  } catch (e) {
    return { ok: false, code: 'TRANSPORT', message: oneLine(e) };
  }
  if (!reply.ok) return reply;
  const text = reply.text;
  if (text.trim() === '') return { ok: false, code: 'EMPTY', message: 'empty reply', text };
  if (REFUSAL_RE.test(text))
    return { ok: false, code: 'REFUSAL', message: `model refused: ${clip(text)}`, text };
  let json: unknown;
  try {
    json = extractJson(text);
  } catch {
    return { ok: false, code: 'SCHEMA', message: `reply is not JSON: ${clip(text)}`, text };
  }
  const parsed = schema.strict().safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      code: 'SCHEMA',
      message: `reply does not match ${req.schemaName}: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`,
      text,
    };
  }
  return { ok: true, value: parsed.data as T, text };
}

/** The JSON schema of an agent's output, generated from its zod schema (zod 4). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { target: 'draft-7' }) as Record<string, unknown>;
  delete js.$schema;
  return js;
}

/**
 * The user prompt with the reply's JSON schema written out. A backend that constrains the reply
 * by the schema without showing it to the model (Ollama's `format`, the llama path's grammar)
 * would otherwise have the model fill fields it was never told the meaning or bounds of — Ollama's
 * and node-llama-cpp's docs both advise giving the schema in the prompt as well. OpenAI-compatible
 * structured output hands the schema to the model itself (`response_format`).
 */
export function withSchemaText(user: string, jsonSchema: Record<string, unknown>): string {
  return `${user}\n\nAnswer with one JSON object that follows this JSON schema:\n${JSON.stringify(jsonSchema)}`;
}

/** Races a promise against the deadline (a client that ignores its abort signal still ends on time). */
export function withDeadline(p: Promise<LlmReply>, deadlineMs: number): Promise<LlmReply> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<LlmReply>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, code: 'TIMEOUT', message: `no reply within ${deadlineMs} ms` }),
      deadlineMs,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.slice(0, 300);
}

function clip(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
}
