import { afterAll, describe, expect, it } from 'vitest';
import { createPolicyRunner, FEATURE_DIM, parseBudget } from '../controller/index.ts';
import { RoadMap } from '../core/map/index.ts';
import type { CommandController, ControllerInfo } from '../core/planning/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { road } from '../scenarios/builtin/maps.ts';
import { command, driveController, testScenario } from '../stack/testing/simScene.ts';
import { BETA_LEARNER, collector, type Rows } from './train-controller-collect.ts';

const straight = road({ lanes: 2, lengthM: 600 });
const map = new RoadMap(straight);
// the committed model, on the real runtime
const runner = createPolicyRunner();
afterAll(() => runner.close());

/** Drives 4 s with `make()`'s collector (rows into `rows`); the steps' infos. */
function drive(ctrl: CommandController): ControllerInfo[] {
  const scene = testScenario({
    map: straight,
    ego: egoOn(map, 'R0', 10, 10),
    routeLaneIds: ['R0'],
    durationS: 4,
  });
  const infos: ControllerInfo[] = [];
  const wrapped: CommandController = {
    ...ctrl,
    step: (s, r, c) => {
      const o = ctrl.step(s, r, c);
      infos.push(o.info);
      return o;
    },
  };
  driveController(scene, wrapped, () => command({ speed: 'KEEP', targetSpeedMps: 12 }));
  return infos;
}

describe('train:controller data collection', () => {
  it('DAgger with the early-exit controller drives with its exits and labels every step with the expert', () => {
    expect(runner.ready()).toBe(true);
    const budget = parseBudget('avg:40%');
    if (!budget.ok) throw new Error(budget.error.message);
    const rows: Rows = { x: [], y: [], run: [] };
    const infos = drive(collector(rows, 7, 1, runner, budget.value) as CommandController);
    const n = infos.length;
    expect(n).toBeGreaterThan(50);
    // every step recorded (features and the expert's label), whoever drove
    expect(rows.run.length).toBe(n);
    expect(rows.x.length).toBe(n * FEATURE_DIM);
    expect(rows.y.every(Number.isFinite)).toBe(true);
    // the learner drove about β of the steps, at the early-exit controller's exits: under avg:40%
    // the earliest exit (2) dominates and full depth is not taken at every step
    const driven = infos.filter((i) => i.exit !== undefined);
    expect(driven.length / n).toBeGreaterThan(BETA_LEARNER - 0.15);
    expect(driven.length / n).toBeLessThan(BETA_LEARNER + 0.15);
    const K = runner.manifest!.blocks;
    expect(driven.filter((i) => i.exit === 2).length).toBeGreaterThan(driven.length / 2);
    expect(driven.some((i) => i.exit! < K)).toBe(true);
  });

  it('DAgger without a budget drives with full depth; expert roll-outs have no learner exits', () => {
    const rows: Rows = { x: [], y: [], run: [] };
    const K = runner.manifest!.blocks;
    const full = drive(collector(rows, 8, 1, runner) as CommandController);
    const driven = full.filter((i) => i.exit !== undefined);
    expect(driven.length).toBeGreaterThan(0);
    expect(driven.every((i) => i.exit === K)).toBe(true);
    const expertRows: Rows = { x: [], y: [], run: [] };
    const expert = drive(collector(expertRows, 9, 1, undefined) as CommandController);
    expect(expert.every((i) => i.exit === undefined)).toBe(true);
    expect(expertRows.run.length).toBe(expert.length);
  });
});
