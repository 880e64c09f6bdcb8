/**
 * pdm-closed in closed loop against the original PDM-Closed's closed-loop scores
 * (data/reference/pdm_closed/closed_loop_original.json: tuplan_garage driven by nuplan-devkit's
 * LQR tracker and bicycle, scored by the devkit's metric classes), on a cheap subset of the
 * built-in scenarios: the whole suite is `npx tsx scripts/pdm-closed-vs-original.ts`. The reference
 * was measured against the experts the built-ins had then; its progress is converted to the
 * current expert as the script does (`referenceAgainstExpert`, the old expert from `legacyExpert`).
 * The original was handed the route's line as its centreline (`centreline: 'route-line'`, the
 * default): with its own search it would have stayed in the first lane of route_lane_change, where
 * it scored 100.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScenario, legacyExpert, referenceAgainstExpert } from '../../scenarios/index.ts';
import { runScenario } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { pdmClosedPlanner } from './PdmClosed.ts';

const REF: { scenarios: Record<string, Record<string, number>> } = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, '../../data/reference/pdm_closed/closed_loop_original.json'),
    'utf8',
  ),
);

/**
 * Junction turn with TTC and drivable area, an at-fault rear-end, a comfort failure, a VRU, and the
 * pedestrian crossing that only PDM's 50 m drivable-area map reproduces (the at-fault collision).
 */
const SUBSET = [
  'unprotected_left',
  'hard_braking_lead',
  'highway_merge',
  'occluded_pedestrian',
  'crosswalk_pedestrian',
];

describe('pdm-closed scores within 1 point of the original PDM-Closed in closed loop', () => {
  for (const id of SUBSET) {
    it(id, () => {
      const b = builtinScenario(id)!;
      const log = runScenario(b.scenario, b.map, pdmClosedPlanner(), {
        mode: 'nonreactive',
      });
      const m = evaluateRun(log, b.map);
      const oldExpertM = evaluateRun({ ...log, expert: legacyExpert(id)! }, b.map).details.expertProgressM;
      const converted = referenceAgainstExpert(REF.scenarios[id]!, oldExpertM, m.details.expertProgressM);
      expect(converted.exact).toBe(true);
      const ref = converted.metrics;
      expect(Math.abs(100 * m.score - 100 * ref.score!)).toBeLessThanOrEqual(1);
      for (const [k, v] of Object.entries({ ...m.multipliers })) expect(v, k).toBe(ref[k]);
    });
  }
});
