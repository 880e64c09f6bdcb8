/**
 * Prints pdm-closed's closed-loop score per built-in scenario (non-reactive) beside the original
 * PDM-Closed's (data/reference/pdm_closed/closed_loop_original.json).
 *
 *   npx tsx scripts/pdm-closed-vs-original.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pdmClosedPlanner } from '../planner/baselines/PdmClosed.ts';
import { BUILTIN_IDS, builtinScenario } from '../scenarios/index.ts';
import { runScenario } from '../sim/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ref: { scenarios: Record<string, Record<string, number>> } = JSON.parse(
  readFileSync(resolve(here, '../data/reference/pdm_closed/closed_loop_original.json'), 'utf8'),
);
console.log('| scenario | pdm-closed | original | Δ | differing metrics (ours / original) |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const id of BUILTIN_IDS) {
  const b = builtinScenario(id)!;
  const m = evaluateRun(runScenario(b.scenario, b.map, pdmClosedPlanner(), { mode: 'nonreactive' }), b.map);
  const r = ref.scenarios[id];
  if (!r) continue;
  const metrics: Record<string, number> = { ...m.multipliers, ...m.weighted };
  const diffs = Object.entries(metrics)
    .filter(([k, v]) => Math.abs(v - r[k]!) > 5e-5)
    .map(([k, v]) => `${k} ${v.toFixed(4)} / ${r[k]}`)
    .join('; ');
  const d = 100 * (m.score - r.score!);
  console.log(
    `| ${id} | ${(100 * m.score).toFixed(2)} | ${(100 * r.score!).toFixed(2)} | ${d.toFixed(2)} | ${diffs} |`,
  );
}
