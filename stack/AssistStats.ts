/**
 * LLM-Assist and the tips memory of the hierarchical planner over a run, from the diagnostics each
 * gated plan logs (`SimTick.plans`, the planner's `CommandPlan.info`): how often the model was asked
 * and why, which agents' answers were used, the fallbacks to the rules by reason, the commands whose
 * decision the model changed (and from what), and the plans a tip matched. `run` prints the table
 * for one run, `eval` per planner and mode over the suite (`mergeAssistStats`).
 */
import { z } from 'zod';
import type { SimLog } from '../sim/SimLog.ts';

const Counts = z.record(z.string(), z.number());

/** The statistics as data (they cross worker threads and the BullMQ queue: parsed there). */
export const AssistStatsSchema = z.object({
  /** Plans gated (re-plans included). */
  plans: z.number(),
  replans: z.number(),
  /** Plans for which the model was asked, by why (`always`, `unusual`, `reflection`). */
  asked: Counts,
  /** Agent answers of the model that were used, by agent. */
  answered: Counts,
  /** Agent calls that fell back to the rules, by failure code (SCHEMA, TIMEOUT, …). */
  fallbacks: Counts,
  /** Asked plans whose every agent call fell back (the rules' plan drove). */
  allFellBack: z.number(),
  /** The first reason given for each failure code, as the client said it (`info.fallbackWhy`). */
  reasons: z.record(z.string(), z.string()).default({}),
  /** Commands whose speed/path decision the model changed, by `rules → model` decision. */
  changed: Counts,
  /** Plans a tip matched (its nudges applied, its lesson in the prompt). */
  tipPlans: z.number(),
  /** Plans each tip matched, by tip id. */
  tips: Counts,
});
export type AssistStats = z.infer<typeof AssistStatsSchema>;

const bump = (r: Record<string, number>, k: string, n = 1) => {
  r[k] = (r[k] ?? 0) + n;
};

/** The statistics of a run log (zeros when its planner logged no plan diagnostics). */
export function assistStats(log: Pick<SimLog, 'ticks'>): AssistStats {
  const s: AssistStats = {
    plans: 0,
    replans: 0,
    asked: {},
    answered: {},
    fallbacks: {},
    allFellBack: 0,
    reasons: {},
    changed: {},
    tipPlans: 0,
    tips: {},
  };
  for (const t of log.ticks)
    for (const p of t.plans ?? []) {
      s.plans++;
      if (p.replan === true) s.replans++;
      if (typeof p.llmAsked === 'string') {
        bump(s.asked, p.llmAsked);
        if (p.llm === 'fallback') s.allFellBack++;
        else if (typeof p.llm === 'string') for (const a of p.llm.split(',')) bump(s.answered, a);
        if (typeof p.fallback === 'string')
          for (const f of p.fallback.split(',')) bump(s.fallbacks, f.slice(f.indexOf(':') + 1) || '?');
        if (typeof p.fallbackWhy === 'string')
          for (const w of p.fallbackWhy.split('; ')) {
            const m = /^\w+: (\w+) (.*)$/.exec(w);
            if (m && s.reasons[m[1]!] === undefined) s.reasons[m[1]!] = m[2]!;
          }
        if (p.llmChanged === true && typeof p.rulesDecision === 'string')
          bump(s.changed, `${p.rulesDecision} → ${p.speed}/${p.path}`);
      }
      if (typeof p.tips === 'string' && p.tips) {
        s.tipPlans++;
        for (const id of p.tips.split(',')) bump(s.tips, id);
      }
    }
  return s;
}

/** `a` and `b` summed (runs of one planner and mode); either may be undefined. */
export function mergeAssistStats(
  a: AssistStats | undefined,
  b: AssistStats | undefined,
): AssistStats | undefined {
  if (!a || !b) return a ?? b;
  const add = (x: Record<string, number>, y: Record<string, number>) => {
    const r = { ...x };
    for (const [k, n] of Object.entries(y)) bump(r, k, n);
    return r;
  };
  return {
    plans: a.plans + b.plans,
    replans: a.replans + b.replans,
    asked: add(a.asked, b.asked),
    answered: add(a.answered, b.answered),
    fallbacks: add(a.fallbacks, b.fallbacks),
    allFellBack: a.allFellBack + b.allFellBack,
    reasons: { ...b.reasons, ...a.reasons },
    changed: add(a.changed, b.changed),
    tipPlans: a.tipPlans + b.tipPlans,
    tips: add(a.tips, b.tips),
  };
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const listed = (r: Record<string, number>, most = 6) => {
  const e = Object.entries(r).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  return (
    e
      .slice(0, most)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') + (e.length > most ? `, … ${e.length - most} more` : '')
  );
};

/** Longest reason quoted per failure code in the table and the summary, characters. */
const REASON_CHARS = 120;

/**
 * The fallbacks by code, most first, each with the first reason its client gave (quoted, cut):
 * `TRANSPORT 125 ("cannot load …"), TIMEOUT 1 ("no reply within 3000 ms")`. The run summary and the
 * LLM-Assist table both say it so (they counted different things before: review ux21 #1).
 */
export function fallbackList(s: Pick<AssistStats, 'fallbacks' | 'reasons'>): string {
  return Object.entries(s.fallbacks)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([k, n]) => {
      const r = s.reasons?.[k];
      if (r === undefined) return `${k} ${n}`;
      return `${k} ${n} (${JSON.stringify(r.length > REASON_CHARS ? `${r.slice(0, REASON_CHARS - 1)}…` : r)})`;
    })
    .join(', ');
}

/** What asks the model, for the line that says it never was. */
const WHY = { always: '--llm-always', unusual: 'an unusual scene', reflection: 'a low reflection score' };

/**
 * The rows of the LLM-Assist / tips table (`[what, count, detail]`): `llm` and `tips` say which of
 * the two the run had (rows of the other are left out).
 */
export function assistRows(s: AssistStats, o: { llm: boolean; tips: boolean }): string[][] {
  const rows: string[][] = [
    ['plans gated', `${s.plans}`, `${s.replans} re-plans after a gate repair or veto`],
  ];
  if (o.llm) {
    const asked = sum(s.asked);
    const answered = sum(s.answered);
    const fellBack = sum(s.fallbacks);
    const changed = sum(s.changed);
    rows.push(
      [
        'model asked',
        `${asked} of ${s.plans}`,
        asked > 0
          ? `why: ${Object.entries(s.asked)
              .map(([k, n]) => `${WHY[k as keyof typeof WHY] ?? k} ${n}`)
              .join(', ')}`
          : 'LLM-Assist never triggered: it asks on an unusual scene or a reflection score below its threshold (--llm-always: every plan)',
      ],
      ['agent answers used', `${answered}`, answered > 0 ? listed(s.answered) : ''],
      [
        'agent calls fallen back to the rules',
        `${fellBack}`,
        fellBack > 0
          ? `${fallbackList(s)}; ${s.allFellBack} plan(s) with every call fallen back (the rules' plan drove)`
          : '',
      ],
      [
        "commands the model changed (speed/path ≠ the rules')",
        `${changed} of ${asked - s.allFellBack}`,
        changed > 0
          ? listed(s.changed)
          : asked - s.allFellBack > 0
            ? 'the model agreed with the rules on every decision it answered'
            : asked > 0
              ? 'the model answered none: every call fell back to the rules'
              : '',
      ],
    );
  }
  if (o.tips)
    rows.push([
      'plans a tip matched',
      `${s.tipPlans} of ${s.plans}`,
      s.tipPlans > 0
        ? `nudges applied${o.llm ? ', lesson in the prompt' : ''}; tips: ${listed(s.tips)}`
        : "no tip's scene was near enough to a plan's scene (the tips file's radius)",
    ]);
  return rows;
}
