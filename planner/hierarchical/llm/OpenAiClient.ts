/**
 * Any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp server, LM Studio) through the
 * official `openai` client: chat completions with `response_format: json_schema` (the agent's
 * schema, generated from zod), optionally streamed, the BEV PNG as an `image_url` data URL for
 * models that take images. Refusals (`message.refusal`), `finish_reason: length`, timeouts and
 * transport errors come back as failure codes.
 */
import OpenAI from 'openai';
import type { LlmClient, LlmReply, LlmRequest } from './LlmClient.ts';
import { oneLine } from './LlmClient.ts';

export interface OpenAiClientOptions {
  /** Base URL including `/v1` (default: the OpenAI API). */
  baseURL?: string;
  model: string;
  /** API key; default `OPENAI_API_KEY`, or a placeholder for local servers that need none. */
  apiKey?: string;
  stream?: boolean;
  /** Send the BEV image (default: guessed from the model name). */
  vision?: boolean;
  maxTokens?: number;
}

/** Model names that take images (a guess; `vision` overrides it). */
export const VISION_MODEL_RE =
  /(gpt-4o|gpt-4\.1|gpt-5|vision|-vl|llava|gemma-?3|minicpm-v|pixtral|moondream)/i;

export function createOpenAiClient(opts: OpenAiClientOptions): LlmClient {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? process.env.OPENAI_API_KEY ?? 'sk-local',
    ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
    maxRetries: 0,
  });
  const vision = opts.vision ?? VISION_MODEL_RE.test(opts.model);
  return {
    name: `openai:${opts.model}`,
    vision,
    async complete(req: LlmRequest): Promise<LlmReply> {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), req.deadlineMs);
      const user: OpenAI.Chat.Completions.ChatCompletionUserMessageParam['content'] =
        vision && req.imagePng
          ? [
              { type: 'text', text: req.user },
              {
                type: 'image_url',
                image_url: { url: `data:image/png;base64,${Buffer.from(req.imagePng).toString('base64')}` },
              },
            ]
          : req.user;
      const body = {
        model: opts.model,
        messages: [
          { role: 'system' as const, content: req.system },
          { role: 'user' as const, content: user },
        ],
        temperature: 0,
        max_tokens: opts.maxTokens ?? 512,
        response_format: {
          type: 'json_schema' as const,
          json_schema: { name: req.schemaName, schema: req.jsonSchema, strict: true },
        },
      };
      try {
        if (opts.stream) {
          const stream = await client.chat.completions.create(
            { ...body, stream: true },
            { signal: ac.signal, timeout: req.deadlineMs },
          );
          let text = '';
          let refusal = '';
          let finish: string | null = null;
          for await (const chunk of stream) {
            const c = chunk.choices[0];
            if (!c) continue;
            text += c.delta?.content ?? '';
            refusal += (c.delta as { refusal?: string | null } | undefined)?.refusal ?? '';
            if (c.finish_reason) finish = c.finish_reason;
          }
          return finish_(text, refusal, finish);
        }
        const r = await client.chat.completions.create(body, { signal: ac.signal, timeout: req.deadlineMs });
        const c = r.choices[0];
        if (!c) return { ok: false, code: 'EMPTY', message: 'no choices in the reply' };
        return finish_(c.message.content ?? '', c.message.refusal ?? '', c.finish_reason);
      } catch (e) {
        if (ac.signal.aborted || e instanceof OpenAI.APIConnectionTimeoutError)
          return { ok: false, code: 'TIMEOUT', message: `no reply within ${req.deadlineMs} ms` };
        if (e instanceof OpenAI.APIError && e.status !== undefined)
          return { ok: false, code: 'TRANSPORT', message: `HTTP ${e.status}: ${oneLine(e)}` };
        return { ok: false, code: 'TRANSPORT', message: oneLine(e) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function finish_(text: string, refusal: string, finish: string | null): LlmReply {
  if (refusal) return { ok: false, code: 'REFUSAL', message: `model refused: ${refusal.slice(0, 200)}` };
  if (finish === 'length')
    return { ok: false, code: 'TRUNCATED', message: 'reply cut off at the token limit' };
  if (finish === 'content_filter')
    return { ok: false, code: 'REFUSAL', message: 'reply withheld by the content filter' };
  return { ok: true, text };
}
