/**
 * `--llm openai|ollama|llama [--llm-url URL] [--model NAME] [--llm-agents analyst,lateral]` for
 * `run` and `eval` with `--planner hierarchical`: the serialisable driver options, after checking
 * that the server answers and knows the model (a missing one is one clear line, exit code 2).
 */

import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { AGENT_NAMES, checkLlm, LlmOptionsSchema, type TipsFile, TipsFileSchema } from '../planner/index.ts';
import type { DriverOptions } from '../stack/index.ts';
import { UsageError } from './errors.ts';

export interface LlmFlags {
  llm?: string;
  llmUrl?: string;
  model?: string;
  llmAgents?: string;
  llmDeadlineMs?: number;
  llmAlways?: boolean;
  tips?: string;
}

/** `--llm-deadline-ms`: a whole number of ms > 0 ('abc' and 0 were taken as the 3000 ms default). */
function deadlineMs(v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`--llm-deadline-ms must be a whole number of milliseconds > 0, got "${v}"`);
  return n;
}

export function addLlmOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--llm <backend>', 'hierarchical planner: model backend for LLM-Assist').choices([
        'openai',
        'ollama',
        'llama',
      ]),
    )
    .option('--llm-url <url>', 'model server (openai: base URL with /v1; ollama: http://host:11434)')
    .option('--model <name>', 'model name (openai / ollama) or .gguf path (llama)')
    .option('--llm-agents <list>', `agents that ask the model (${AGENT_NAMES.join(',')})`)
    .option('--llm-deadline-ms <n>', 'budget of one model call, ms (a whole number > 0)', deadlineMs)
    .option('--llm-always', 'consult the model at every plan, not only where LLM-Assist says it helps')
    .option(
      '--tips <file>',
      'hierarchical planner: tips memory (a file from edgeplan tips build); off by default',
    );
}

/** Driver options from the flags; checks the server / model when a backend is named. */
export async function driverOptionsFrom(planners: string[], f: LlmFlags): Promise<DriverOptions> {
  const tips = f.tips ? tipsFrom(planners, f.tips) : undefined;
  if (!f.llm) return tips ? { hierarchical: { tips } } : {};
  if (!planners.includes('hierarchical')) throw new UsageError('--llm needs --planner hierarchical');
  const parsed = LlmOptionsSchema.safeParse({
    kind: f.llm,
    ...(f.llmUrl ? { url: f.llmUrl } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.llmAgents ? { agents: f.llmAgents.split(',').map((a) => a.trim()) } : {}),
    ...(f.llmDeadlineMs !== undefined ? { deadlineMs: f.llmDeadlineMs } : {}),
    ...(f.llmAlways ? { always: true } : {}),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--llm options: ${i.path.join('.')}: ${i.message}`);
  }
  const missing = await checkLlm(parsed.data);
  if (missing) throw new UsageError(missing);
  return { llm: parsed.data, ...(tips ? { hierarchical: { tips } } : {}) };
}

/**
 * Waits for a driver's model client to be able to answer (a local model's load, started in the
 * background when the driver was made), so that an offline run does not spend its first plans on
 * `LOADING` fallbacks; a model that cannot load is one line and exit code 2, as a missing server is.
 * The planner itself never waits for a load (a live bridge's plans fall back until it is ready).
 */
export async function awaitModel(
  driver: { ready?: () => Promise<string | undefined> },
  f: LlmFlags,
): Promise<void> {
  const why = await driver.ready?.();
  if (why) throw new UsageError(`llm ${f.llm}: ${why}`);
}

/** The tips file, parsed (a bad one is one line naming the field). */
function tipsFrom(planners: string[], path: string): TipsFile {
  if (!planners.includes('hierarchical')) throw new UsageError('--tips needs --planner hierarchical');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--tips ${path}: ${(e as Error).message}`);
  }
  const parsed = TipsFileSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--tips ${path}: ${i.path.join('.')}: ${i.message}`);
  }
  return parsed.data;
}
