/**
 * merge_into_traffic: a dense stream on the highway with a car beside the ego where its route
 * changes lanes. The scenario exists so that CLS-R measures a merge: a replayed stream car runs
 * into a planner that merges blind (non-reactive, and reactive with nuPlan's IDM agents, where
 * scripted tracks replay), an interactive one opens the gap; the expert eases off and takes the
 * gap behind that car without contact.
 */
import { describe, expect, it } from 'vitest';
import { agentBox, boxesOverlap, egoBox } from '../../core/index.ts';
import { idmPlanner } from '../../core/vehicle/index.ts';
import { runScenario } from '../../sim/index.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { builtinScenario } from './builtin.ts';

const { scenario, map } = builtinScenario('merge_into_traffic')!;

/** Collisions of a run of the IDM planner (merges where its route does, sees only its lane ahead). */
function idmRun(mode: 'nonreactive' | 'reactive', agents?: 'idm' | 'interactive') {
  const log = runScenario(scenario, map, idmPlanner(), { mode, seed: 0, ...(agents ? { agents } : {}) });
  return { log, metrics: evaluateRun(log, map) };
}

describe('merge_into_traffic', () => {
  it('has an expert that merges into the stream without touching anyone and with a gap behind and ahead', () => {
    const log = runScenario(scenario, map, idmPlanner(), { mode: 'nonreactive', seed: 0 });
    let minGapM = Infinity;
    for (const [k, t] of log.ticks.entries()) {
      const e = scenario.expert[k]!;
      const ego = { ...t.ego, x: e.x, y: e.y, headingRad: e.headingRad, speedMps: e.speedMps };
      const box = egoBox(ego, scenario.vehicle);
      for (const a of t.agents) {
        expect(boxesOverlap(box, agentBox(a)), `${a.id} at ${t.tS} s`).toBe(false);
        // Once its centre is in R0 (y > −1.75), the bumper gaps to the cars in R0.
        if (box.cy > -1.75)
          minGapM = Math.min(minGapM, Math.abs(a.x - box.cx) - (a.lengthM + box.lengthM) / 2);
      }
    }
    expect(log.ticks[log.ticks.length - 1]!.ego.y).toBeGreaterThan(-1.75); // it did merge
    expect(minGapM).toBeGreaterThan(8);
  });

  it('a replayed stream car hits a planner that merges blind; with IDM agents too (they replay scripts)', () => {
    for (const r of [idmRun('nonreactive'), idmRun('reactive', 'idm')]) {
      const c = r.metrics.details.collisions;
      expect(c.map((x) => `${x.agentId} ${x.type}`)).toEqual(['main_5 ACTIVE_LATERAL']);
      expect(r.metrics.multipliers.no_ego_at_fault_collisions).toBe(0);
    }
  });

  it('an interactive stream car opens the gap for the same planner: no collision', () => {
    const { log, metrics } = idmRun('reactive', 'interactive');
    expect(metrics.details.collisions).toEqual([]);
    expect(metrics.multipliers.no_ego_at_fault_collisions).toBe(1);
    // main_5 yielded: it is behind where it was scripted to be.
    const last = log.ticks[log.ticks.length - 1]!;
    const scripted = scenario.agents.find((a) => a.id === 'main_5')!;
    const track = scripted.behavior.type === 'replay' ? scripted.behavior.track : [];
    const main5 = last.agents.find((a) => a.id === 'main_5')!;
    expect(main5.x).toBeLessThan(track[track.length - 1]!.x - 5);
  });
});
