import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/loadScenario.ts';
import { createPlanner } from '../../stack/index.ts';
import type { RunLog } from '../export/index.ts';
import { evaluateRun } from '../metrics/index.ts';
import { runScenario } from '../runScenario.ts';
import { buildReport } from './buildReport.ts';

function run(id: string, planner: string): RunLog {
  const loaded = loadScenario(id);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const p = createPlanner(planner);
  if (!p.ok) throw new Error(p.error.message);
  const sim = runScenario(loaded.value.scenario, loaded.value.map, p.value, { mode: 'nonreactive' });
  return { ...sim, metrics: evaluateRun(sim, loaded.value.map) };
}

describe('buildReport', () => {
  const logs = [run('red_light', 'idm'), run('red_light', 'constant-velocity'), run('cut_in', 'idm')];
  const html = buildReport(logs);

  it('is self-contained: no script, no external resources', () => {
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('has a score cell per scenario and planner, blank where a planner did not run', () => {
    const row = /<tr><td><a href="#cut_in">cut_in<\/a><\/td>(.*?)<\/tr>/.exec(html)![1]!;
    // Columns in first-seen order: idm, constant-velocity; cut_in ran with idm only.
    expect(row.match(/<td/g)).toHaveLength(2);
    expect(row).toContain('class="na"');
    const s = (100 * logs[2]!.metrics!.score).toFixed(1);
    expect(row).toContain(`>${s}`);
  });

  it('plots speed, acceleration, jerk and TTC for every scenario, plus the score chart', () => {
    // 1 bar chart + 4 plots × 2 scenarios.
    expect(html.match(/<svg /g)).toHaveLength(9);
    expect(html).toContain('nuPlan bound 0.95 s');
  });
});
