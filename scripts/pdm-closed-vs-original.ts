/**
 * Prints pdm-closed's closed-loop score per built-in scenario (non-reactive) beside the original
 * PDM-Closed's (data/reference/pdm_closed/closed_loop_original.json).
 *
 * The original's metrics were measured against the experts the built-ins had then; seven of them
 * (scenarios/builtin/legacyExpert.ts: LEGACY_IDM_EXPERT_IDS) have since become experts that yield
 * and go less far. In a non-reactive run the ego's drive does not depend on the expert, so the
 * original's progress against the current expert follows from its stored ratio: ratio · old
 * expert progress / new expert progress (nuPlan's 2 m floor on both, clipped at 1), with
 * ego_is_making_progress (ratio ≥ 0.2) and the score recomputed (`referenceAgainstExpert`). The
 * old expert's progress is measured on the old expert itself (`legacyExpert`). Where the stored
 * ratio is clipped at 1 and the new expert went further, only a lower bound is known: marked ≥.
 *
 * pdm-closed runs as the CLI's `pdm-closed` does (`centreline: 'route-line'`, the default), as the
 * original was run: handed the route's line (its route correction and Dijkstra search bypassed).
 *
 *   npx tsx scripts/pdm-closed-vs-original.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pdmClosedPlanner } from '../planner/baselines/PdmClosed.ts';
import { BUILTIN_IDS, builtinScenario, legacyExpert, referenceAgainstExpert } from '../scenarios/index.ts';
import { runScenario } from '../sim/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ref: { scenarios: Record<string, Record<string, number>> } = JSON.parse(
  readFileSync(resolve(here, '../data/reference/pdm_closed/closed_loop_original.json'), 'utf8'),
);
console.log(
  '| scenario | pdm-closed | original | Δ | differing metrics (ours / original) | expert progress old → new (m) |',
);
console.log('| --- | ---: | ---: | ---: | --- | --- |');
for (const id of BUILTIN_IDS) {
  const stored = ref.scenarios[id];
  if (!stored) continue;
  const b = builtinScenario(id)!;
  const log = runScenario(b.scenario, b.map, pdmClosedPlanner(), {
    mode: 'nonreactive',
  });
  const m = evaluateRun(log, b.map);
  const oldExpertM = evaluateRun({ ...log, expert: legacyExpert(id)! }, b.map).details.expertProgressM;
  const newExpertM = m.details.expertProgressM;
  const { metrics: r, exact } = referenceAgainstExpert(stored, oldExpertM, newExpertM);
  const metrics: Record<string, number> = { ...m.multipliers, ...m.weighted };
  const diffs = Object.entries(metrics)
    .filter(([k, v]) => Math.abs(v - r[k]!) > 5e-5)
    .map(([k, v]) => `${k} ${v.toFixed(4)} / ${r[k]}`)
    .join('; ');
  const d = 100 * (m.score - r.score!);
  const bound = exact ? '' : '≥';
  const experts =
    Math.abs(oldExpertM - newExpertM) < 1e-6 ? '' : `${oldExpertM.toFixed(1)} → ${newExpertM.toFixed(1)}`;
  console.log(
    `| ${id} | ${(100 * m.score).toFixed(2)} | ${bound}${(100 * r.score!).toFixed(2)} | ${d.toFixed(2)} | ${diffs} | ${experts} |`,
  );
}
