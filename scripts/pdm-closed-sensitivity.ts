/**
 * How much a built-in scenario's pdm-closed closed-loop score depends on tiny changes of the start
 * state: the run is repeated with the ego's start moved along its heading by δx and with a start
 * acceleration a0 (the scenario's is 0; a nuPlan log's initial state carries the logged one), and
 * the score, the at-fault multiplier and the progress are printed per change. A scene whose score
 * flips under changes far below what separates two faithful implementations' closed loops cannot
 * tell whether pdm-closed reproduces the original there (planner/README.md, crosswalk_pedestrian).
 *
 *   npx tsx scripts/pdm-closed-sensitivity.ts [scenario id, default crosswalk_pedestrian]
 */
import { pdmClosedPlanner } from '../planner/baselines/PdmClosed.ts';
import { builtinScenario } from '../scenarios/index.ts';
import { runScenario } from '../sim/index.ts';
import { evaluateRun } from '../sim/metrics/index.ts';

const id = process.argv[2] ?? 'crosswalk_pedestrian';
const b = builtinScenario(id);
if (!b) {
  console.error(`${id}: not a built-in scenario`);
  process.exit(2);
}
const SHIFTS_M = [0, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3, 0.01, -0.01, 0.03, -0.03, 0.1, -0.1];
const ACCELS_MPS2 = [1e-3, -1e-3, 0.01, -0.01, 0.03, -0.03, 0.1, -0.1];

console.log(`${id}, pdm-closed, non-reactive`);
console.log('| start change | score | no at-fault collision | TTC | progress |');
console.log('| --- | ---: | ---: | ---: | ---: |');
const row = (label: string, dx: number, a0: number): void => {
  const s = structuredClone(b.scenario);
  const h = s.egoStart.headingRad;
  s.egoStart.x += dx * Math.cos(h);
  s.egoStart.y += dx * Math.sin(h);
  s.egoStart.accelMps2 = (s.egoStart.accelMps2 ?? 0) + a0;
  const m = evaluateRun(runScenario(s, b.map, pdmClosedPlanner(), { mode: 'nonreactive' }), b.map);
  console.log(
    `| ${label} | ${(100 * m.score).toFixed(2)} | ${m.multipliers.no_ego_at_fault_collisions} | ${m.weighted.time_to_collision_within_bound} | ${m.weighted.ego_progress_along_expert_route.toFixed(4)} |`,
  );
};
for (const dx of SHIFTS_M) row(dx === 0 ? 'none' : `δx ${dx} m`, dx, 0);
for (const a0 of ACCELS_MPS2) row(`a0 ${a0} m/s²`, 0, a0);
