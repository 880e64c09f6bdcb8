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

/** How long `close` waits for a generation still out to end before it frees the model, ms. */
const CLOSE_WAIT_MS = 5000;

/** Tokens beyond the grammar's byte bound: the end-of-generation token and a little slack. */
export const REPLY_TOKEN_MARGIN = 8;

/**
 * The client. node-llama-cpp and the model load once, in the background, from the first `ready()`
 * or `complete()`: the loading promise is what is cached, so calls made while it loads share the
 * one load (caching its result made every call of the first seconds load the model again, on its
 * own Llama instance, and a grammar of one instance met the model of another: every call failed,
 * review ux21 #1). Until the model is loaded a call returns `LOADING` at once; a failed load is
 * every later call's `TRANSPORT` failure with the load's error, never retried. Generations run one
 * at a time; a call's deadline covers its wait for the one before it.
 */
export function createLlamaClient(opts: LlamaClientOptions): LlmClient {
  type Lib = typeof import('node-llama-cpp');
  interface Loaded {
    lib: Lib;
    llama: Llama;
    model: LlamaModel;
  }
  let loading: Promise<Loaded | { error: string }> | undefined;
  let loaded: Loaded | undefined;
  let loadError: string | undefined;
  let closed = false;
  const startedMs = Date.now();
  const grammars = new Map<string, { grammar: LlamaGrammar; maxBytes: number }>();
  /** The one load, started on first use. */
  const load = (): Promise<Loaded | { error: string }> => {
    loading ??= (async () => {
      try {
        const lib = await import('node-llama-cpp');
        const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
        const model = await llama.loadModel({ modelPath: opts.modelPath });
        loaded = { lib, llama, model };
        if (closed) await release();
        return loaded;
      } catch (e) {
        loadError = `cannot load ${opts.modelPath}: ${oneLine(e)}`;
        return { error: loadError };
      }
    })();
    return loading;
  };
  const release = async (): Promise<void> => {
    const l = loaded;
    loaded = undefined;
    await l?.model.dispose();
    await l?.llama.dispose();
  };
  /** The generation before this one (generations run one at a time). */
  let queue: Promise<unknown> = Promise.resolve();
  /** The abort controllers of the calls queued or generating (aborted by `close`). */
  const running = new Set<AbortController>();
  const generate = async (m: Loaded, req: LlmRequest, signal: AbortSignal): Promise<LlmReply> => {
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
      if (signal.aborted)
        return { ok: false, code: 'TIMEOUT', message: `no reply within ${req.deadlineMs} ms` };
      // a context just large enough for this prompt and the reply budget
      context = await m.model.createContext({
        contextSize: promptTokens + maxTokens + REPLY_TOKEN_MARGIN,
        threads: opts.threads ?? 1,
      });
      const completion = new m.lib.LlamaCompletion({ contextSequence: context.getSequence() });
      const { response, metadata } = await completion.generateCompletionWithMeta(prompt, {
        grammar: entry.grammar,
        maxTokens,
        signal,
      });
      if (metadata.stopReason === 'maxTokens')
        return { ok: false, code: 'TRUNCATED', message: `reply cut off at ${maxTokens} tokens` };
      return { ok: true, text: response };
    } catch (e) {
      if (signal.aborted)
        return { ok: false, code: 'TIMEOUT', message: `no reply within ${req.deadlineMs} ms` };
      return { ok: false, code: 'TRANSPORT', message: oneLine(e) };
    } finally {
      await context?.dispose();
    }
  };
  return {
    name: `llama:${opts.modelPath.split('/').pop()}`,
    vision: false,
    async ready(): Promise<string | undefined> {
      const r = await load();
      return 'error' in r ? r.error : undefined;
    },
    complete(req: LlmRequest): Promise<LlmReply> {
      void load();
      if (loadError) return Promise.resolve({ ok: false, code: 'TRANSPORT', message: loadError });
      const m = loaded;
      if (!m)
        return Promise.resolve({
          ok: false,
          code: 'LOADING',
          message: `model ${opts.modelPath.split('/').pop()} still loading (${Date.now() - startedMs} ms since the client started)`,
        });
      // the deadline runs from the call: the wait for the generation before it counts
      const ac = new AbortController();
      const timeout: LlmReply = {
        ok: false,
        code: 'TIMEOUT',
        message: `no reply within ${req.deadlineMs} ms`,
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<LlmReply>((resolve) => {
        timer = setTimeout(() => {
          ac.abort();
          resolve(timeout);
        }, req.deadlineMs);
      });
      running.add(ac);
      const run = queue
        .then(() => (ac.signal.aborted || closed ? timeout : generate(m, req, ac.signal)))
        .finally(() => running.delete(ac));
      // the next generation waits for this one to end, however it ends (a generation that never
      // settles holds the queue: every later call then ends at its own deadline)
      queue = run.catch(() => undefined);
      return Promise.race([run, late]).finally(() => clearTimeout(timer));
    },
    async close(): Promise<void> {
      closed = true;
      // generations still out (a timed-out call's, whose caller has moved on) are aborted and
      // waited for before the model goes: disposing it under a running generation threw an
      // unhandled DisposedError from node-llama-cpp's batch loop and killed the process. A
      // generation that never settles is given up on after CLOSE_WAIT_MS.
      for (const ac of running) ac.abort();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        queue,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      await release();
    },
  };
}
