import { describe, expect, it } from 'vitest';
import { runMain as run } from '../test/cliRun.ts';

// review 12, L5: 'abc' and 0 were taken as the 3000 ms default without a word
describe('--llm-deadline-ms', () => {
  it.each(['abc', '0', '-5', '2.5', '1e3'])('"%s" is a usage error (exit 2), not the default', async (v) => {
    const r = await run(
      'run',
      'crosswalk_pedestrian',
      '--planner',
      'hierarchical',
      '--llm',
      'openai',
      '--llm-url',
      'http://127.0.0.1:1/v1',
      '--llm-deadline-ms',
      v,
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--llm-deadline-ms must be a whole number of milliseconds > 0, got "${v}"`);
  });
});
