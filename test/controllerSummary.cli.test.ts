import { describe, expect, it } from 'vitest';
import { runMain } from './cliRun.ts';

// ux19 #20 / ux20 #14: `run --controller early-exit` printed the score only; the exits were in the log
describe('edgeplan run / eval --controller early-exit', () => {
  it('run prints what the early-exit controller did: exits taken, mean compute vs full depth, fallbacks', async () => {
    const r = await runMain(
      'run',
      'cut_in',
      '--planner',
      'pdm-closed-stack',
      '--controller',
      'early-exit',
      '--budget',
      'avg:40%',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^controller early-exit: \d+ ticks \(the first control step of each\) · exit \d on \d+ ticks \([\d.]+ %\).* \(of 6 exits\) · mean compute [\d.]+ % of full depth · fallbacks \d+/m,
    );
  });

  it('eval prints it per planner and mode over the suite; a classical stack prints none', async () => {
    const r = await runMain(
      'eval',
      'cut_in,red_light',
      '--planner',
      'pdm-closed-stack',
      '--controller',
      'early-exit',
      '--workers',
      '1',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pdm-closed-stack CLS-NR: controller early-exit: \d+ ticks .* mean compute /m);
    const c = await runMain('run', 'cut_in', '--planner', 'pdm-closed-stack');
    expect(c.stdout).not.toMatch(/^controller /m);
  });
});
