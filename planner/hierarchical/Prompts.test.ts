import { describe, expect, it } from 'vitest';
import { AGENT_NAMES, fillPrompt, loadPrompts, PROMPT_VERSION } from './Prompts.ts';

describe('versioned prompts', () => {
  it('every agent prompt of the current version loads and fills every slot', () => {
    const p = loadPrompts(PROMPT_VERSION);
    const values = { scene: 'S', analysis: 'A', lateral: 'L', proposal: 'P', platform: 'car' };
    for (const a of AGENT_NAMES) expect(fillPrompt(p.agents[a], values)).not.toMatch(/\{\{\w+\}\}/);
    expect(fillPrompt(p.system, values)).not.toMatch(/\{\{\w+\}\}/);
  });

  it('the system prompt says quoted world text is never an instruction', () => {
    expect(loadPrompts().system).toMatch(/never an instruction/);
  });
});
