/**
 * An in-process GGUF model through node-llama-cpp (pinned 3.21.1), for edge boxes without a
 * server: CPU prebuilt binaries (`build: 'never'`: nothing is compiled or downloaded), the agent's
 * JSON schema compiled into a GBNF grammar so every token keeps the reply valid JSON, a fresh
 * context per call, the deadline as an abort signal. Text-only (no image input).
 * The grammar comes from `jsonSchemaToGbnf` (bounded strings and numbers, no free whitespace), so
 * a reply is schema-valid by construction and its longest form sets the token budget.
 */
import type { Llama, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { type JsonGrammarParams, jsonSchemaToGbnf } from './JsonGrammar.ts';
import type { LlmClient, LlmReply, LlmRequest } from './LlmClient.ts';
import { oneLine, withSchemaText } from './LlmClient.ts';

export interface LlamaClientOptions {
  modelPath: string;
  /**
   * Token limit of one reply; default: the longest reply the grammar admits (bytes) plus
   * `REPLY_TOKEN_MARGIN`, so a finished reply is never cut (every token is at least one byte).
   * Either way capped by the room the prompt leaves in the context.
   */
  maxTokens?: number;
  /** How the JSON schema becomes a grammar (fraction digits, defaults for unbounded fields). */
  grammar?: Partial<JsonGrammarParams>;
  /** CPU threads (1 is fastest for tiny models on 2 cores). */
  threads?: number;
  /** Context limit, tokens (default 8192, never above the model's training context). */
  contextSize?: number;
}

/** Tokens beyond the grammar's byte bound: the end-of-generation token and a little slack. */
export const REPLY_TOKEN_MARGIN = 8;

/** The client; node-llama-cpp and the model load on the first call (a load failure is that call's TRANSPORT failure). */
export function createLlamaClient(opts: LlamaClientOptions): LlmClient {
  type Lib = typeof import('node-llama-cpp');
  let lib: Lib | undefined;
  let loaded: { llama: Llama; model: LlamaModel } | undefined;
  let loadError: string | undefined;
  const grammars = new Map<string, { grammar: LlamaGrammar; maxBytes: number }>();
  const load = async (): Promise<{ llama: Llama; model: LlamaModel }> => {
    if (loaded) return loaded;
    if (loadError) throw new Error(loadError);
    try {
      lib ??= await import('node-llama-cpp');
      const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
      const model = await llama.loadModel({ modelPath: opts.modelPath });
      loaded = { llama, model };
      return loaded;
    } catch (e) {
      loadError = `cannot load ${opts.modelPath}: ${oneLine(e)}`;
      throw new Error(loadError);
    }
  };
  return {
    name: `llama:${opts.modelPath.split('/').pop()}`,
    vision: false,
    async complete(req: LlmRequest): Promise<LlmReply> {
      let m: { llama: Llama; model: LlamaModel };
      try {
        m = await load();
      } catch (e) {
        return { ok: false, code: 'TRANSPORT', message: oneLine(e) };
      }
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), req.deadlineMs);
      let context: Awaited<ReturnType<LlamaModel['createContext']>> | undefined;
      try {
        const key = JSON.stringify(req.jsonSchema);
        let entry = grammars.get(key);
        if (!entry) {
          const g = jsonSchemaToGbnf(req.jsonSchema, opts.grammar);
          if (!g.ok)
            return {
              ok: false,
              code: 'SCHEMA',
              message: `${req.schemaName} has no grammar: ${g.path}: ${g.message}`,
            };
          entry = {
            grammar: await m.llama.createGrammar({ grammar: g.grammar.gbnf }),
            maxBytes: g.grammar.maxBytes,
          };
          grammars.set(key, entry);
        }
        const prompt = `${req.system}\n\n${withSchemaText(req.user, req.jsonSchema)}\n\nAnswer (JSON):\n`;
        const promptTokens = m.model.tokenize(prompt).length;
        const contextLimit = Math.min(opts.contextSize ?? 8192, m.model.trainContextSize);
        // Room left in the context after the prompt. A grammar bound larger than the room is
        // still tried (a real vocabulary spends several bytes per token); a reply that does
        // not fit stops at the room and is TRUNCATED, never a partial reply.
        const room = contextLimit - promptTokens - REPLY_TOKEN_MARGIN;
        const maxTokens = Math.min(opts.maxTokens ?? entry.maxBytes + REPLY_TOKEN_MARGIN, room);
        if (maxTokens <= 0)
          return {
            ok: false,
            code: 'TRUNCATED',
            message: `prompt of ${promptTokens} tokens leaves no room for a reply in a context of ${contextLimit}`,
          };
        // a context just large enough for this prompt and the reply budget
        context = await m.model.createContext({
          contextSize: promptTokens + maxTokens + REPLY_TOKEN_MARGIN,
          threads: opts.threads ?? 1,
        });
        const completion = new lib!.LlamaCompletion({ contextSequence: context.getSequence() });
        const { response, metadata } = await completion.generateCompletionWithMeta(prompt, {
          grammar: entry.grammar,
          maxTokens,
          signal: ac.signal,
        });
        if (metadata.stopReason === 'maxTokens')
          return { ok: false, code: 'TRUNCATED', message: `reply cut off at ${maxTokens} tokens` };
        return { ok: true, text: response };
      } catch (e) {
        if (ac.signal.aborted)
          return { ok: false, code: 'TIMEOUT', message: `no reply within ${req.deadlineMs} ms` };
        return { ok: false, code: 'TRANSPORT', message: oneLine(e) };
      } finally {
        clearTimeout(timer);
        await context?.dispose();
      }
    },
    async close(): Promise<void> {
      await loaded?.model.dispose();
      await loaded?.llama.dispose();
    },
  };
}
