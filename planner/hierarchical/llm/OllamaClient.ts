/**
 * Ollama's chat API (`POST /api/chat`): messages with `images` as base64 for models that take
 * images, `format` = the agent's JSON schema (structured outputs), `stream` true (NDJSON chunks)
 * or false, temperature 0. `done_reason: length` is a truncation.
 */
import type { LlmClient, LlmReply, LlmRequest } from './LlmClient.ts';
import { oneLine, withSchemaText } from './LlmClient.ts';
import { VISION_MODEL_RE } from './OpenAiClient.ts';

export interface OllamaClientOptions {
  /** Server URL (default http://127.0.0.1:11434). */
  url?: string;
  model: string;
  stream?: boolean;
  vision?: boolean;
  /** `fetch` to use (tests inject none: the real one). */
  fetchImpl?: typeof fetch;
}

interface ChatChunk {
  message?: { content?: string };
  done?: boolean;
  done_reason?: string;
  error?: string;
}

export function createOllamaClient(opts: OllamaClientOptions): LlmClient {
  const base = (opts.url ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
  const vision = opts.vision ?? VISION_MODEL_RE.test(opts.model);
  const doFetch = opts.fetchImpl ?? fetch;
  return {
    name: `ollama:${opts.model}`,
    vision,
    async complete(req: LlmRequest): Promise<LlmReply> {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), req.deadlineMs);
      const user: { role: 'user'; content: string; images?: string[] } = {
        role: 'user',
        content: withSchemaText(req.user, req.jsonSchema),
      };
      if (vision && req.imagePng) user.images = [Buffer.from(req.imagePng).toString('base64')];
      const stream = opts.stream ?? false;
      try {
        const res = await doFetch(`${base}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: opts.model,
            messages: [{ role: 'system', content: req.system }, user],
            format: req.jsonSchema,
            stream,
            options: { temperature: 0 },
          }),
          signal: ac.signal,
        });
        if (!res.ok) {
          const body = await res.text().catch(() => '');
          return { ok: false, code: 'TRANSPORT', message: `HTTP ${res.status}: ${body.slice(0, 200)}` };
        }
        let text = '';
        let reason: string | undefined;
        let done = false;
        const take = (c: ChatChunk): LlmReply | undefined => {
          if (c.error) return { ok: false, code: 'TRANSPORT', message: `ollama: ${c.error}` };
          text += c.message?.content ?? '';
          if (c.done) {
            done = true;
            reason = c.done_reason;
          }
          return undefined;
        };
        if (!stream) {
          const fail = take((await res.json()) as ChatChunk);
          if (fail) return fail;
        } else {
          const body = await res.text();
          for (const line of body.split('\n')) {
            if (line.trim() === '') continue;
            let c: ChatChunk;
            try {
              c = JSON.parse(line) as ChatChunk;
            } catch {
              return { ok: false, code: 'TRANSPORT', message: `bad stream chunk: ${line.slice(0, 80)}` };
            }
            const fail = take(c);
            if (fail) return fail;
          }
        }
        if (!done) return { ok: false, code: 'TRUNCATED', message: 'stream ended before done' };
        if (reason === 'length')
          return { ok: false, code: 'TRUNCATED', message: 'reply cut off at the token limit' };
        return { ok: true, text };
      } catch (e) {
        if (ac.signal.aborted)
          return { ok: false, code: 'TIMEOUT', message: `no reply within ${req.deadlineMs} ms` };
        return { ok: false, code: 'TRANSPORT', message: oneLine(e) };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
