/**
 * The whole leaderboard route 2 on vendored Town02 driven closed-loop by pdm-closed: about a minute
 * on a loaded machine, so it runs in `npm run test:long` (CI runs it), not in `npm test`.
 */
import { expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { evaluateRun } from '../../../sim/metrics/index.ts';
import { runScenario } from '../../../sim/runScenario.ts';
import { createPlanner } from '../../../stack/index.ts';
import { importCarlaRoutes } from './index.ts';

const ROUTES = new URL('../../../data/carla/routes_town02.xml', import.meta.url).pathname;

it('CARLA leaderboard route 2 on Town02 is driven closed-loop to its end by pdm-closed', () => {
  const r = importCarlaRoutes(ROUTES, { id: '2' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const s = r.value.scenarios[0]!;
  const map = new RoadMap(r.value.map!);
  const planner = createPlanner('pdm-closed');
  if (!planner.ok) throw new Error('no planner');
  const log = runScenario(s, map, planner.value, { mode: 'nonreactive', seed: 0 });
  const g = s.route.goal!;
  const closest = Math.min(...log.ticks.map((t) => Math.hypot(t.ego.x - g.x, t.ego.y - g.y)));
  expect(closest).toBeLessThan(3);
  const m = evaluateRun(log, map);
  expect(m.multipliers.drivable_area_compliance).toBe(1);
  expect(m.weighted.ego_progress_along_expert_route).toBeGreaterThan(0.95);
});
