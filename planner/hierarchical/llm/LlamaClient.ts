/**
 * An in-process GGUF model through node-llama-cpp (pinned 3.21.1), for edge boxes without a
 * server: CPU prebuilt binaries (`build: 'never'`: nothing is compiled or downloaded), the agent's
 * JSON schema compiled into a GBNF grammar so every token keeps the reply valid JSON, a fresh
 * context per call, the deadline as an abort signal. Text-only (no image input).
 */
import type { Llama, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import type { LlmClient, LlmReply, LlmRequest } from './LlmClient.ts';
import { oneLine } from './LlmClient.ts';

export interface LlamaClientOptions {
  modelPath: string;
  /** Token limit of one reply. */
  maxTokens?: number;
  /** CPU threads (1 is fastest for tiny models on 2 cores). */
  threads?: number;
  contextSize?: number;
}

type GrammarSchema = Parameters<Llama['createGrammarForJsonSchema']>[0];

/** The subset of JSON Schema node-llama-cpp's grammar compiler reads (anyOf → oneOf, bounds dropped). */
export function toGrammarSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toGrammarSchema);
  if (!s || typeof s !== 'object') return s;
  const o = s as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'anyOf' || k === 'oneOf') out.oneOf = toGrammarSchema(v);
    else if (k === 'properties') {
      const props: Record<string, unknown> = {};
      for (const [pk, pv] of Object.entries(v as Record<string, unknown>)) props[pk] = toGrammarSchema(pv);
      out.properties = props;
    } else if (k === 'items') out.items = toGrammarSchema(v);
    else if (
      k === 'type' ||
      k === 'enum' ||
      k === 'const' ||
      k === 'required' ||
      k === 'additionalProperties'
    )
      out[k] = v;
    else if (k === 'maxItems' || k === 'minItems') out[k] = v;
  }
  if (out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** The client; node-llama-cpp and the model load on the first call (a load failure is that call's TRANSPORT failure). */
export function createLlamaClient(opts: LlamaClientOptions): LlmClient {
  type Lib = typeof import('node-llama-cpp');
  let lib: Lib | undefined;
  let loaded: { llama: Llama; model: LlamaModel } | undefined;
  let loadError: string | undefined;
  const grammars = new Map<string, LlamaGrammar>();
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
        let grammar = grammars.get(req.schemaName);
        if (!grammar) {
          grammar = await m.llama.createGrammarForJsonSchema(
            toGrammarSchema(req.jsonSchema) as GrammarSchema,
          );
          grammars.set(req.schemaName, grammar);
        }
        context = await m.model.createContext({
          contextSize: Math.min(opts.contextSize ?? 8192, m.model.trainContextSize),
          threads: opts.threads ?? 1,
        });
        const completion = new lib!.LlamaCompletion({ contextSequence: context.getSequence() });
        const prompt = `${req.system}\n\n${req.user}\n\nAnswer (JSON):\n`;
        const maxTokens = opts.maxTokens ?? 256;
        let tokens = 0;
        const text = await completion.generateCompletion(prompt, {
          grammar,
          maxTokens,
          signal: ac.signal,
          onToken: () => {
            tokens++;
          },
        });
        if (tokens >= maxTokens)
          return { ok: false, code: 'TRUNCATED', message: `reply cut off at ${maxTokens} tokens` };
        return { ok: true, text };
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
