/**
 * Prints, per built-in scenario, how its expert drives: nuPlan progress of the old expert
 * (`legacyExpert`) and of the current one, contacts, least TTC, comfort, and per agent the least
 * footprint gap, the least gap to it in the expert's path ahead, the headway behind it and the
 * time apart where their paths cross (`expertMargins`; test/builtinExperts.test.ts holds the
 * margins these must keep).
 *
 *   npx tsx scripts/expert-margins.ts [scenario id …]
 */
import { BUILTIN_IDS, builtinScenario, expertMargins, legacyExpert } from '../scenarios/index.ts';

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
console.log(
  '| scenario | progress old → new (m) | contacts | min TTC (s) | comfortable | per agent: gap / ahead (m), behind / crossing (s) |',
);
console.log('| --- | --- | --- | ---: | --- | --- |');
const ids = process.argv.length > 2 ? process.argv.slice(2) : BUILTIN_IDS;
for (const id of ids) {
  const b = builtinScenario(id);
  if (!b) throw new Error(`unknown built-in scenario ${id}`);
  const now = expertMargins(b.scenario, b.map);
  const old = expertMargins({ ...b.scenario, expert: legacyExpert(id)! }, b.map);
  const m = now.metrics;
  const contacts = m.details.collisions.map((c) => `${c.agentId} ${f(c.tS)} s ${c.type}`).join(', ');
  const agents = Object.entries(now.byAgent)
    .map(([a, g]) => `${a} ${f(g.minGapM, 2)} / ${f(g.minGapAheadM, 2)}, ${f(g.followS)} / ${f(g.crossS)}`)
    .join('; ');
  console.log(
    `| ${id} | ${f(old.metrics.details.expertProgressM)} → ${f(m.details.expertProgressM)} | ${contacts} | ${f(m.details.minTtcS ?? Infinity, 2)} | ${m.weighted.ego_is_comfortable === 1 ? 'yes' : `no (${m.details.comfortFailed})`} | ${agents} |`,
  );
}
