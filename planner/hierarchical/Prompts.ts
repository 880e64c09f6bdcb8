/**
 * The prompts are versioned files (`planner/prompts/<version>/<agent>.md`) with `{{name}}` slots;
 * the version is part of every LLM call's record. The scene slot carries perception's scene text,
 * in which world text is already quoted as untrusted; values put into other slots are JSON.
 */
import { readFileSync } from 'node:fs';
import { repoPath } from '../../core/repoPath.ts';

export const PROMPT_VERSION = 'v1';
export const AGENT_NAMES = ['analyst', 'lateral', 'longitudinal'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

export interface PromptSet {
  version: string;
  system: string;
  agents: Record<AgentName, string>;
}

/** Reads one prompt version from disk (once per planner). */
export function loadPrompts(version = PROMPT_VERSION): PromptSet {
  // through repoPath: the compiled CLI in dist/ no longer mirrors the source tree
  const read = (n: string) => readFileSync(repoPath('planner', 'prompts', version, `${n}.md`), 'utf8');
  return {
    version,
    system: read('system'),
    agents: { analyst: read('analyst'), lateral: read('lateral'), longitudinal: read('longitudinal') },
  };
}

/** Fills `{{name}}` slots; an unknown slot is left visible (a test catches it). */
export function fillPrompt(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m);
}
