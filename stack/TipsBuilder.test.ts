import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENE_FEATURES, TipsFileSchema } from '../planner/index.ts';
import { builtinScenario } from '../scenarios/builtin/builtin.ts';
import { buildTips } from './TipsBuilder.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgeplan-tips-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A run log as evaluate writes it: two ticks of cut_in, metrics with the given TTC and comfort. */
function writeLog(name: string, ttc: number, comfortable: number, root = dir, mode = 'nonreactive'): void {
  const { scenario } = builtinScenario('cut_in')!;
  const tick = (tS: number) => ({ tS, ego: { ...scenario.egoStart, tS }, agents: [], lights: [] });
  // `--mode both` writes <out>/<mode>/<planner>/logs; one --mode writes <out>/<planner>/logs
  const logs = root === dir ? join(root, mode, 'hierarchical', 'logs') : join(root, 'hierarchical', 'logs');
  mkdirSync(logs, { recursive: true });
  const metrics = {
    score: 0.7,
    multipliers: {
      no_ego_at_fault_collisions: 1,
      drivable_area_compliance: 1,
      driving_direction_compliance: 1,
      ego_is_making_progress: 1,
    },
    weighted: {
      time_to_collision_within_bound: ttc,
      ego_progress_along_expert_route: 1,
      speed_limit_compliance: 1,
      ego_is_comfortable: comfortable,
    },
    details: { collisions: [], progressRatio: 1 },
    perTick: {
      tS: [0, 0.1],
      ttcS: [null, ttc < 1 ? 0.5 : null],
      lonAccelMps2: [0, -5],
      lonJerkMps3: [0, -9],
    },
  };
  const log = {
    scenarioId: 'cut_in',
    scenarioRef: 'cut_in',
    planner: 'hierarchical',
    mode,
    ticks: [tick(0), tick(0.1)],
    metrics,
  };
  writeFileSync(join(logs, `${name}.json`), JSON.stringify(log));
}

describe('tips build', () => {
  it('turns each failed metric of a run into a tip with the scene where it failed; passed runs give none', () => {
    writeLog('failed', 0, 0);
    writeLog('passed', 1, 1);
    const r = buildTips(dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { skipped, ...file } = r.value;
    expect(skipped).toEqual([]);
    expect(
      TipsFileSchema.parse(file)
        .tips.map((t) => t.id)
        .sort(),
    ).toEqual(['cut_in/nonreactive/comfort', 'cut_in/nonreactive/ttc']);
    for (const t of file.tips) expect(t.features).toHaveLength(SCENE_FEATURES.length);
    expect(
      file.tips.find((t) => t.source.failure === 'time_to_collision_within_bound')!.nudges.headwayS,
    ).toBeGreaterThan(0);
  });

  it('reads the folder of an eval run with one --mode (<out>/<planner>/logs), the mode taken from the log', () => {
    const one = mkdtempSync(join(tmpdir(), 'edgeplan-tips-one-'));
    try {
      writeLog('failed', 0, 1, one, 'reactive');
      const r = buildTips(one);
      expect(r.ok && r.value.tips.map((t) => t.id)).toEqual(['cut_in/reactive/ttc']);
    } finally {
      rmSync(one, { recursive: true, force: true });
    }
  });

  it('says so when the folder holds no runs of the planner', () => {
    const r = buildTips(dir, { planner: 'nobody' });
    expect(r.ok).toBe(false);
  });
});
