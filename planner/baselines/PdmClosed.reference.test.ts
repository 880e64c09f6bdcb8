/**
 * `pdm-closed` against the original PDM-Closed (tuplan_garage with nuplan-devkit) on six scene
 * snapshots of the built-in scenarios: the reference in data/reference/pdm_closed/ holds the
 * original's IDM target speeds, per-proposal scores, chosen proposal and 4 s trajectory
 * (copied from the shared reference by scripts/pdm-reference.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorldSnapshot } from '../../core/index.ts';
import { builtinScenario } from '../../scenarios/index.ts';
import { plannerContext } from '../../sim/index.ts';
import { PDM_CLOSED_PLUS, PdmClosed, PdmClosedParamsSchema } from './PdmClosed.ts';

interface ReferenceSnapshot {
  id: string;
  scenario: string;
  snapshot: WorldSnapshot;
  centreline: { xs: number[]; ys: number[] };
  original: {
    bestIndex: number;
    emergencyBrake: boolean;
    targetSpeeds: number[];
    scores: { multi: number[][]; progressRaw: number[]; weighted: number[][]; score: number[] };
    /** [x, y, heading, speed] every 0.1 s (the original leaves speed at 0 in its output). */
    trajectory: number[][];
  };
}

const REF: { snapshots: ReferenceSnapshot[] } = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../data/reference/pdm_closed/snapshots.json'), 'utf8'),
);

/**
 * The harness that produced the reference handed the original its centreline (the route's line,
 * PDM's route correction and Dijkstra search bypassed): `centreline: 'route-line'`, the default, does the same.
 */
function planOn(ref: ReferenceSnapshot, params = {}) {
  const built = builtinScenario(ref.scenario);
  if (!built) throw new Error(`no built-in scenario ${ref.scenario}`);
  const ctx = plannerContext(built.scenario, built.map, 0);
  const pdm = new PdmClosed(PdmClosedParamsSchema.parse(params), ctx);
  const trajectory = pdm.plan(ref.snapshot, built.scenario.vehicle);
  return { pdm, trajectory };
}

const runs = REF.snapshots.map((ref) => ({ ref, ...planOn(ref) }));

describe('pdm-closed reproduces the original PDM-Closed on the reference snapshots', () => {
  it('is handed the same centreline the original was (built-in scenarios unchanged)', () => {
    for (const { ref, pdm } of runs) {
      const f = { sM: 0, dM: 0, segment: 0 };
      for (let i = 0; i < ref.centreline.xs.length; i++) {
        pdm.paths[0]!.project(ref.centreline.xs[i]!, ref.centreline.ys[i]!, f);
        expect(Math.abs(f.dM), `${ref.id} centreline point ${i}`).toBeLessThan(1e-6);
      }
    }
  });

  it('sets the same IDM target speeds', () => {
    for (const { ref, pdm } of runs) {
      ref.original.targetSpeeds.forEach((v, i) => {
        expect(pdm.targetSpeeds[i], `${ref.id} policy ${i}`).toBeCloseTo(v, 9);
      });
    }
  });

  it('gives every proposal the same multipliers, TTC and comfort, and progress and score within 1e-6', () => {
    for (const { ref, pdm } of runs) {
      const s = pdm.scorer;
      const o = ref.original.scores;
      for (let i = 0; i < pdm.nProposals; i++) {
        const at = `${ref.id} proposal ${i}`;
        expect(s.noCollision[i], `${at} collision`).toBe(o.multi[0]![i]);
        expect(s.drivableArea[i], `${at} drivable area`).toBe(o.multi[1]![i]);
        expect(s.drivingDirection[i], `${at} driving direction`).toBe(o.multi[2]![i]);
        expect(s.ttc[i], `${at} TTC`).toBe(o.weighted[1]![i]);
        expect(s.comfort[i], `${at} comfort`).toBe(o.weighted[2]![i]);
        expect(Math.abs(s.progressRaw[i]! - o.progressRaw[i]!), `${at} progress`).toBeLessThan(1e-6);
        expect(Math.abs(s.score[i]! - o.score[i]!), `${at} score`).toBeLessThan(1e-6);
      }
    }
  });

  it('chooses the same proposal and does not brake where the original does not', () => {
    for (const { ref, pdm } of runs) {
      expect(pdm.bestIndex, ref.id).toBe(ref.original.bestIndex);
      expect(pdm.emergencyBrake, ref.id).toBe(ref.original.emergencyBrake);
    }
  });

  it('returns the original trajectory over 8 s (the issue asks 0.05 m; it is within 1e-6 m, 1e-6 rad)', () => {
    for (const { ref, trajectory } of runs) {
      const o = ref.original.trajectory;
      expect(trajectory.points).toHaveLength(o.length);
      o.forEach(([x, y, h], t) => {
        const p = trajectory.points[t]!;
        expect(Math.hypot(p.x - x!, p.y - y!), `${ref.id} pose ${t}`).toBeLessThan(1e-6);
        expect(Math.abs(p.headingRad - h!), `${ref.id} heading ${t}`).toBeLessThan(1e-6);
      });
    }
  });
});

describe('pdm-closed-plus keeps edgeplan changes apart from the original', () => {
  it('differs from the original where its changes bite (first IDM step, junction box)', () => {
    // The original brakes at −3 m/s² on the first IDM step of every proposal (the zero lead row);
    // plus reads the real lead: on route_lane_change its full-speed proposal even accelerates.
    const lc = REF.snapshots.find((r) => r.scenario === 'route_lane_change')!;
    const v0 = lc.snapshot.ego.speedMps;
    const orig = planOn(lc).pdm;
    const plus = planOn(lc, PDM_CLOSED_PLUS).pdm;
    for (let i = 0; i < orig.nProposals; i++) expect(orig.propV[i * 81 + 1]!).toBeCloseTo(v0 - 0.3, 9);
    expect(plus.propV[4 * 81 + 1]!).toBeGreaterThan(v0);
    // Turning left through the junction: the original's corners leave the connectors (the
    // intersection is not in PDM's drivable map); counting the junction box (as plus does) keeps
    // the slow centre proposal drivable.
    const left = REF.snapshots.find((r) => r.scenario === 'unprotected_left')!;
    expect(planOn(left).pdm.scorer.drivableArea[0]).toBe(0);
    expect(planOn(left, { junctionBoxDrivable: true }).pdm.scorer.drivableArea[0]).toBe(1);
    expect(PDM_CLOSED_PLUS.junctionBoxDrivable).toBe(true);
  });
});
