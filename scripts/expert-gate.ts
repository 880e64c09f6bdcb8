/**
 * Would the safety gate let the human's own drive through? Runs a scenario's logged expert as a
 * trajectory planner behind the gate (`createGatedPlanner`, as `<planner>+gate`), `--delay S`
 * seconds late (it stands until then), and prints every check that did not ALLOW: the time, the
 * verdict and its repair, and each failing rule with its message; then the run's score. Where the
 * gate refuses the expert, no planner behind it can drive as the expert did: it tells a planner
 * that holds back from a gate that lets nothing through, and names the rule and the agent.
 *
 * The expert's poses from the current time on are handed over as planned (rear-axle poses, as the
 * ego's), so once a refusal has held the ego back the plan runs ahead of it: read the checks up to
 * the first refusals, not the kinematic ones after them.
 *
 *   npx tsx scripts/expert-gate.ts SCENARIO [--delay S] [--mode nonreactive|reactive] [--map PATH] [--to S]
 *
 * (For a planner's own run, every check with its rules is in the audit log:
 * `edgeplan safety run SCENARIO --planner hierarchical --audit A.jsonl --key K.pem`, then
 * `edgeplan audit query A.jsonl --decision MODIFY --pubkey K.pem.pub`.)
 */
import type { TrajectoryPoint } from '../core/index.ts';
import type { Planner } from '../core/planning/index.ts';
import { loadScenario } from '../scenarios/index.ts';
import { evaluateRun, runScenario } from '../sim/index.ts';
import { createGatedPlanner } from '../stack/index.ts';

const args = process.argv.slice(2);
const valued = new Set(['--delay', '--mode', '--map', '--to']);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const ref = args.find((a, i) => !a.startsWith('-') && !valued.has(args[i - 1] ?? ''));
if (!ref) {
  console.error(
    'usage: npx tsx scripts/expert-gate.ts SCENARIO [--delay S] [--mode nonreactive|reactive] [--map PATH] [--to S]',
  );
  process.exit(2);
}
const mode = opt('--mode') === 'reactive' ? 'reactive' : 'nonreactive';
const delayS = Number(opt('--delay') ?? 0);
const toS = Number(opt('--to') ?? Number.POSITIVE_INFINITY);
const mapPath = opt('--map');

const loaded = loadScenario(ref, mapPath ? { mapPath } : {});
if (!loaded.ok) {
  console.error(loaded.error.message);
  process.exit(1);
}
const { scenario, map } = loaded.value;
const f2 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));

/** The logged expert, `delayS` late: its pose at `tS`, standing at its start until the delay is up. */
function expertAt(tS: number): TrajectoryPoint {
  const ex = scenario.expert;
  const k = Math.max(0, Math.min(ex.length - 1, Math.round((tS - delayS - ex[0]!.tS) / scenario.dtS)));
  const e = ex[k]!;
  return { tS, x: e.x, y: e.y, headingRad: e.headingRad, speedMps: tS < delayS ? 0 : e.speedMps };
}

const expert: Planner<null> = {
  name: `expert+${delayS}s`,
  init: () => null,
  step: (state, snap) => {
    const points: TrajectoryPoint[] = [];
    for (let i = 0; i <= 80; i++) points.push(expertAt(Math.round((snap.tS + i * 0.1) * 1e6) / 1e6));
    return { state, output: { trajectory: { points } } };
  },
};

const log = await runScenario(scenario, map, createGatedPlanner(expert), { mode });
for (const t of log.ticks) {
  const v = t.verdict;
  if (!v || v.decision === 'ALLOW' || t.tS > toS + 1e-9) continue;
  const m = v.modified;
  const repair = m
    ? ` → ${m.speed} ${f2(m.targetSpeedMps)}${m.decelMps2 !== undefined ? ` at ${f2(m.decelMps2)} m/s²` : ''}`
    : '';
  console.log(
    `${t.tS.toFixed(1)} s  ego ${f2(t.ego.speedMps)} m/s  ${v.decision}${repair}${v.mrm ? ` (MRM ${v.mrm})` : ''}`,
  );
  for (const r of v.rules) if (r.decision !== 'ALLOW') console.log(`    ${r.rule}: ${r.message}`);
}
const m = evaluateRun(log, map);
const low = Object.entries({ ...m.multipliers, ...m.weighted })
  .filter(([, x]) => x < 1)
  .map(([k, x]) => `${k} ${x.toFixed(3)}`);
console.log(
  `${scenario.id} · the expert ${delayS} s late behind the gate · ${mode} · score ${(100 * m.score).toFixed(1)}${low.length ? ` (${low.join(', ')})` : ''}; progress ${m.details.egoProgressM.toFixed(2)} / ${m.details.expertProgressM.toFixed(2)} m`,
);
for (const c of m.details.collisions)
  console.log(`collision: ${c.agentId} at ${c.tS.toFixed(1)} s, ${c.type}${c.atFault ? ' (at fault)' : ''}`);
