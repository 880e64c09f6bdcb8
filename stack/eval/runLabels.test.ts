import { describe, expect, it } from 'vitest';
import { logFileStem } from './evalJob.ts';
import { evaluationJobs, uniqueRunLabels } from './evaluate.ts';

describe('uniqueRunLabels', () => {
  it('leaves unique ids alone and names a repeated id by its file', () => {
    expect(uniqueRunLabels(['A', 'B', 'A'], ['/x/one.xml', '/y/b.xml', 'two.xml'])).toEqual([
      'A @ one.xml',
      undefined,
      'A @ two.xml',
    ]);
  });

  it('numbers a repeated id whose files share a name too', () => {
    expect(uniqueRunLabels(['A', 'A', 'A'], ['/x/s.xml', '/y/s.xml', '/z/t.xml'])).toEqual([
      'A @ s.xml',
      'A @ s.xml (2)',
      'A @ t.xml',
    ]);
  });

  it('never gives a repeated id a label another scenario already has as its id', () => {
    const labels = uniqueRunLabels(['A @ s.xml', 'A', 'A'], ['p.json', '/x/s.xml', '/y/s.xml']);
    expect(labels).toEqual([undefined, 'A @ s.xml (2)', 'A @ s.xml (3)']);
  });

  it('puts the label on each job of the scenario, in every mode and planner', () => {
    const jobs = evaluationJobs({
      scenarios: ['a.xml', 'b.xml'],
      labels: ['X @ a.xml', undefined],
      planners: ['idm', 'pdm-closed'],
      modes: ['nonreactive', 'reactive'],
      seed: 0,
    });
    expect(jobs.map((j) => j.label)).toEqual(Array(4).fill(['X @ a.xml', undefined]).flat());
  });
});

describe('logFileStem', () => {
  it('turns path separators and characters file systems refuse into _', () => {
    expect(logFileStem('a/b\\c:d*e?f"g<h>i|j\nk')).toBe('a_b_c_d_e_f_g_h_i_j_k');
    expect(logFileStem('ZAM_Tutorial-1_1_T-1#100')).toBe('ZAM_Tutorial-1_1_T-1#100');
  });
});
