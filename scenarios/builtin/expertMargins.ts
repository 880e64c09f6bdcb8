/**
 * How close a scenario's expert track comes to the scenario's agents, and whether it is
 * comfortable, measured as nuPlan would measure an ego that drove it: the expert's poses are put
 * in the ego's place in a non-reactive run (agents replay independently of the ego there).
 */
import {
  agentBox,
  angleDiff,
  boxesOverlap,
  egoBox,
  type OrientedBox,
  type Scenario,
} from '../../core/index.ts';
import type { RoadMap } from '../../core/map/RoadMap.ts';
import { obbDistance } from '../../core/obb.ts';
import { idmPlanner } from '../../core/vehicle/IdmPlanner.ts';
import { runScenario, type SimLog } from '../../sim/index.ts';
import { evaluateRun, type ScenarioMetrics } from '../../sim/metrics/index.ts';

export interface AgentMargin {
  /** Smallest footprint-to-footprint distance over the run, m (0 on contact), and when, s. */
  minGapM: number;
  minGapAtS: number;
  /** Smallest gap while the agent is in the ego's path ahead (centre ahead, footprints abreast overlapping), m. */
  minGapAheadM: number;
  /**
   * Post-encroachment times, s: the smallest |t_ego − t_agent| over the places both footprints
   * covered (∞ when their paths never meet), split by how they meet. `followS`: the agent was
   * there first and headed the same way (within 30°): the ego's time headway behind it.
   * `crossS`: headings more than 30° apart, either order: the time between one leaving the
   * conflict and the other entering it. (The same way with the ego first is the agent's headway,
   * not the ego's, and is not measured.)
   */
  followS: number;
  crossS: number;
}

export interface ExpertMargins {
  /** nuPlan's metrics of the expert drive (ratio 1 against itself; TTC, comfort, collisions). */
  metrics: ScenarioMetrics;
  byAgent: Record<string, AgentMargin>;
}

/** The non-reactive run with the expert in the ego's place (accel and yaw rate from its track). */
export function expertLog(scenario: Scenario, map: RoadMap): SimLog {
  const run = runScenario(scenario, map, idmPlanner(), { mode: 'nonreactive', seed: 0 });
  const ex = scenario.expert;
  const n = Math.min(ex.length, run.ticks.length);
  const ticks = run.ticks.slice(0, n).map((t, k) => {
    const e = ex[k]!;
    if (Math.abs(e.tS - t.tS) > 1e-6)
      throw new Error(`${scenario.id}: expert off the 0.1 s grid at ${e.tS} s`);
    // Central differences (as parkedTruckBorrow.test.ts derives them): the expert's acceleration and
    // yaw rate at tick k.
    const prev = ex[Math.max(0, k - 1)]!;
    const next = ex[Math.min(ex.length - 1, k + 1)]!;
    const dtS = next.tS - prev.tS || scenario.dtS;
    const accelMps2 = (next.speedMps - prev.speedMps) / dtS;
    const yawRateRadps = angleDiff(next.headingRad, prev.headingRad) / dtS;
    return {
      ...t,
      ego: {
        ...t.ego,
        x: e.x,
        y: e.y,
        headingRad: e.headingRad,
        speedMps: e.speedMps,
        accelMps2,
        yawRateRadps,
      },
    };
  });
  return { ...run, ticks };
}

/** Headings within this of each other meet as a follower meets a lead (nuPlan's "ahead" cone). */
const SAME_WAY_RAD = (30 * Math.PI) / 180;

function distance(a: OrientedBox, b: OrientedBox): number {
  return obbDistance(
    a.cx,
    a.cy,
    Math.cos(a.headingRad),
    Math.sin(a.headingRad),
    a.lengthM / 2,
    a.widthM / 2,
    b.cx,
    b.cy,
    Math.cos(b.headingRad),
    Math.sin(b.headingRad),
    b.lengthM / 2,
    b.widthM / 2,
  );
}

/** Gaps, post-encroachment times and nuPlan's metrics of the expert of `scenario`. */
export function expertMargins(scenario: Scenario, map: RoadMap): ExpertMargins {
  const log = expertLog(scenario, map);
  const egoBoxes = log.ticks.map((t) => egoBox(t.ego, log.vehicle));
  const byAgent: Record<string, AgentMargin> = {};
  const agentBoxes: Record<string, { tS: number; b: OrientedBox }[]> = {};
  for (const [k, t] of log.ticks.entries()) {
    for (const a of t.agents) {
      const b = agentBox(a);
      (agentBoxes[a.id] ??= []).push({ tS: t.tS, b });
      const d = distance(egoBoxes[k]!, b);
      const m = (byAgent[a.id] ??= {
        minGapM: Infinity,
        minGapAtS: 0,
        minGapAheadM: Infinity,
        followS: Infinity,
        crossS: Infinity,
      });
      if (d < m.minGapM) {
        m.minGapM = d;
        m.minGapAtS = t.tS;
      }
      const e = egoBoxes[k]!;
      const c = Math.cos(e.headingRad);
      const sn = Math.sin(e.headingRad);
      const lon = (b.cx - e.cx) * c + (b.cy - e.cy) * sn;
      const lat = -(b.cx - e.cx) * sn + (b.cy - e.cy) * c;
      if (lon > 0 && Math.abs(lat) < (e.widthM + b.widthM) / 2) m.minGapAheadM = Math.min(m.minGapAheadM, d);
    }
  }
  for (const [id, boxes] of Object.entries(agentBoxes)) {
    const m = byAgent[id]!;
    for (const [i, e] of egoBoxes.entries()) {
      const tE = log.ticks[i]!.tS;
      for (const { tS, b } of boxes) {
        const dt = Math.abs(tS - tE);
        if ((dt >= m.followS && dt >= m.crossS) || !boxesOverlap(e, b)) continue;
        if (Math.abs(angleDiff(e.headingRad, b.headingRad)) > SAME_WAY_RAD) m.crossS = Math.min(m.crossS, dt);
        else if (tS <= tE) m.followS = Math.min(m.followS, dt);
      }
    }
    m.followS = Math.round(m.followS * 1e6) / 1e6;
    m.crossS = Math.round(m.crossS * 1e6) / 1e6;
  }
  return { metrics: evaluateRun(log, map), byAgent };
}
