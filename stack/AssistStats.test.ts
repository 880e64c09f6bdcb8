import { describe, expect, it } from 'vitest';
import type { SimLog } from '../sim/SimLog.ts';
import { assistRows, assistStats, mergeAssistStats } from './AssistStats.ts';

const log = (plans: Record<string, string | number | boolean>[][]) =>
  ({ ticks: plans.map((p, i) => ({ tS: i / 10, plans: p })) }) as unknown as Pick<SimLog, 'ticks'>;

describe('LLM-Assist and tips statistics of a run', () => {
  const s = assistStats(
    log([
      [{ speed: 'KEEP', path: 'FOLLOW_LANE', tips: 't1' }],
      [
        {
          speed: 'DECELERATE',
          path: 'FOLLOW_LANE',
          llm: 'lateral,longitudinal',
          llmAsked: 'unusual',
          llmChanged: true,
          rulesDecision: 'KEEP/FOLLOW_LANE',
          tips: 't1,t2',
        },
        { speed: 'STOP', path: 'FOLLOW_LANE', replan: true },
      ],
      [
        {
          speed: 'KEEP',
          path: 'FOLLOW_LANE',
          llm: 'fallback',
          llmAsked: 'reflection',
          fallback: 'lateral:TIMEOUT,longitudinal:SCHEMA',
        },
      ],
    ]),
  );
  it('counts asks by why, answers by agent, fallbacks by code, changes by decision, tips by id', () => {
    expect(s).toEqual({
      plans: 4,
      replans: 1,
      reasons: {},
      asked: { unusual: 1, reflection: 1 },
      answered: { lateral: 1, longitudinal: 1 },
      fallbacks: { TIMEOUT: 1, SCHEMA: 1 },
      allFellBack: 1,
      changed: { 'KEEP/FOLLOW_LANE → DECELERATE/FOLLOW_LANE': 1 },
      tipPlans: 2,
      tips: { t1: 2, t2: 1 },
    });
    expect(mergeAssistStats(s, s)!.changed).toEqual({ 'KEEP/FOLLOW_LANE → DECELERATE/FOLLOW_LANE': 2 });
  });
  it('rows: the model asked and what it changed; tips only when the run had them', () => {
    const rows = assistRows(s, { llm: true, tips: false });
    expect(rows.map((r) => r[0])).toEqual([
      'plans gated',
      'model asked',
      'agent answers used',
      'agent calls fallen back to the rules',
      "commands the model changed (speed/path ≠ the rules')",
    ]);
    expect(rows[1]).toEqual(['model asked', '2 of 4', 'why: an unusual scene 1, a low reflection score 1']);
    expect(rows[4]![1]).toBe('1 of 1');
    expect(assistRows(s, { llm: false, tips: true }).at(-1)).toEqual([
      'plans a tip matched',
      '2 of 4',
      'nudges applied; tips: t1 2, t2 1',
    ]);
  });
});
