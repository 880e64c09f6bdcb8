/**
 * What any gate can give a planner that has to yield at a crossing (issue #14): the planner
 * (default `idm`) behind an **ideal hold** instead of the gate — the ego held with its front where
 * its footprint, following the route, first comes within `margin` metres of a crossing vehicle's
 * lane (the conflict entry along its path), released at the first tick at which no vehicle whose
 * route crosses the ego's is short of the conflict any more (its rear past the ego's swept path),
 * the planner's own commands driving unchecked before the hold and after the release. It reads the
 * scenario's routes and every agent's present pose — the hold knows that no further car comes, so
 * it is an upper bound on what a gate that keeps the right of way can give, not a gate.
 *
 *   npx tsx stack/examples/holdBound.ts [scenario=unprotected_left] [--planner idm] [--margins 0,0.6,0.8]
 *
 * Prints the CLS-NR / CLS-R score, progress and the release time per margin (0: the crossing car's
 * own lane strip touched, 0.6: RSS's lateral distance to a car of its lane that may drift — α_lat
 * 0.2 m/s² over ρ 2 s, b_lat 0.8, μ 0.1 —, (lane − car width) / 2: the crossing lane's edge, the
 * conflict area of ad-rss-lib's lane-based intersections).
 */
import { markdownTable } from '../../cli/table.ts';
import { obbOverlap, type Polyline, type WorldSnapshot } from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { RoutePath } from '../../core/map/RoutePath.ts';
import { STOP_POINT_MARGIN_M } from '../../core/vehicle/stopPointMargin.ts';
import { createSafetyGate, type SafetyGate } from '../../safety/index.ts';
import { builtinScenario } from '../../scenarios/builtin/builtin.ts';
import { evaluateRun } from '../../sim/metrics/index.ts';
import { runScenario } from '../../sim/runScenario.ts';
import { createGatedPlanner } from '../GatedPlanner.ts';
import { createPlanner } from '../registry.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const id =
  args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--')) ?? 'unprotected_left';
const plannerName = opt('--planner') ?? 'idm';
const built = builtinScenario(id);
if (!built) throw new Error(`unknown built-in scenario "${id}"`);
const { scenario, map } = built;
const veh = scenario.vehicle;
const STEP_M = 0.1;

/** A crossing vehicle's lane: its centreline, the lane's half width and the vehicle's. */
interface Strip {
  line: Polyline;
  laneHalfM: number;
  carHalfM: number;
}

/** The lanes of the agents' routes that the ego's route does not use (the lanes it may cross). */
function crossingStrips(m: RoadMap, egoLanes: ReadonlySet<string>): Strip[] {
  const out: Strip[] = [];
  for (const a of scenario.agents) {
    const b = a.behavior as { laneIds?: string[] } | undefined;
    for (const l of (b?.laneIds ?? []).filter((x) => !egoLanes.has(x))) {
      const lane = m.mustLane(l);
      out.push({ line: lane.line, laneHalfM: lane.data.widthM / 2, carHalfM: a.widthM / 2 });
    }
  }
  return out;
}

const pose = { x: 0, y: 0, headingRad: 0 };
const fp = { sM: 0, dM: 0, segment: 0 };

const chordA = { x: 0, y: 0, headingRad: 0 };
const chordB = { x: 0, y: 0, headingRad: 0 };
/** The pose at arc s of a lane polyline, heading from the chord over ±0.5 m (a 1 m-sampled arc's tangent). */
function poseOn(line: Polyline, s: number, out: { x: number; y: number; headingRad: number }): void {
  line.poseAt(Math.max(0, s - 0.5), chordA);
  line.poseAt(Math.min(line.length, s + 0.5), chordB);
  line.poseAt(s, out);
  out.headingRad = Math.atan2(chordB.y - chordA.y, chordB.x - chordA.x);
}

/** Whether the ego's footprint, its rear axle at arc s of `route`, overlaps the band of half width `halfM` about `line`. */
function footprintNear(route: Polyline, s: number, line: Polyline, halfM: number): boolean {
  poseOn(route, s, pose);
  const c = Math.cos(pose.headingRad);
  const sn = Math.sin(pose.headingRad);
  const cx = pose.x + veh.rearAxleToCenterM * c;
  const cy = pose.y + veh.rearAxleToCenterM * sn;
  // the strip as boxes 1 m long along its centreline, near the ego only
  line.project(cx, cy, fp);
  for (let u = Math.max(0, fp.sM - 8); u <= Math.min(line.length, fp.sM + 8); u += 0.5) {
    line.poseAt(u, pose);
    if (
      obbOverlap(
        cx,
        cy,
        c,
        sn,
        veh.lengthM / 2,
        veh.widthM / 2,
        pose.x,
        pose.y,
        Math.cos(pose.headingRad),
        Math.sin(pose.headingRad),
        0.5,
        halfM,
      )
    )
      return true;
  }
  return false;
}

/** First and last rear-axle route arc at which the footprint overlaps any strip's car band grown by `marginM` a side (NaN: never). */
function conflictSpan(route: Polyline, strips: Strip[], marginM: number): [number, number] {
  let first = Number.NaN;
  let last = Number.NaN;
  for (let s = 0; s <= route.length; s += STEP_M) {
    if (strips.some((st) => footprintNear(route, s, st.line, st.carHalfM + marginM))) {
      if (Number.isNaN(first)) first = s;
      last = s;
    }
  }
  return [first, last];
}

/** The hold as a gate: STOP with the front at `stopAt` until `held(snapshot)` is false, then ALLOW. */
function holdGate(
  real: SafetyGate,
  stopAt: { x: number; y: number },
  held: (s: WorldSnapshot) => boolean,
): SafetyGate {
  return {
    ...real,
    checkCommand(input, scene) {
      const cmd = input as Parameters<SafetyGate['trajectoryFor']>[0];
      if (!held(scene.snapshot)) return { decision: 'ALLOW', rules: [], explanation: 'hold: released' };
      return {
        decision: 'MODIFY',
        rules: [],
        modified: { ...cmd, speed: 'STOP', targetSpeedMps: 0, stopAt },
        explanation: 'hold: short of the conflict',
      };
    },
  };
}

const egoLanes = new Set(scenario.route.laneIds);
const routePath = RoutePath.build(map, scenario.route.laneIds).line;
const strips = crossingStrips(map, egoLanes);
if (strips.length === 0) throw new Error('no agent route crosses the ego route');
// the crossing lane's edge: its half width beyond the car's
const laneEdge = Math.min(...strips.map((st) => st.laneHalfM - st.carHalfM));
const margins = (opt('--margins') ?? `0,0.6,${laneEdge.toFixed(2)}`).split(',').map(Number);

const rows: string[][] = [];
for (const margin of margins) {
  // the crossing car's band (its width along its lane) grown by the margin a side
  const [entryS, exitS] = conflictSpan(routePath, strips, margin);
  if (Number.isNaN(entryS)) throw new Error('the routes do not cross');
  const holdS = entryS - STOP_POINT_MARGIN_M;
  routePath.poseAt(holdS + veh.rearAxleToCenterM + veh.lengthM / 2, pose);
  const stopAt = { x: pose.x, y: pose.y };
  // where each agent's route meets the ego's swept path from the hold on through the conflict: that
  // agent holds the ego until its rear is past the last such place
  const swept: Array<{ id: string; line: Polyline; toS: number; halfLen: number }> = [];
  for (const a of scenario.agents) {
    const b = a.behavior as { laneIds?: string[] } | undefined;
    if (!b?.laneIds?.length || b.laneIds.some((l) => egoLanes.has(l))) continue;
    const line = RoutePath.build(map, b.laneIds).line;
    let toS = Number.NaN;
    for (let u = 0; u <= line.length; u += 0.5) {
      poseOn(line, u, pose);
      const ax = pose.x;
      const ay = pose.y;
      const ac = Math.cos(pose.headingRad);
      const as = Math.sin(pose.headingRad);
      for (let s = holdS; s <= exitS + veh.lengthM; s += 0.5) {
        poseOn(routePath, s, pose);
        const c = Math.cos(pose.headingRad);
        const sn = Math.sin(pose.headingRad);
        const hit = obbOverlap(
          pose.x + veh.rearAxleToCenterM * c,
          pose.y + veh.rearAxleToCenterM * sn,
          c,
          sn,
          veh.lengthM / 2,
          veh.widthM / 2,
          ax,
          ay,
          ac,
          as,
          a.lengthM / 2,
          a.widthM / 2 + margin,
        );
        if (hit) {
          toS = u;
          break;
        }
      }
    }
    if (!Number.isNaN(toS)) swept.push({ id: a.id, line, toS, halfLen: a.lengthM / 2 });
  }
  const held = (snap: WorldSnapshot): boolean =>
    snap.tS >= 0.4 &&
    swept.some((w) => {
      const ag = snap.agents.find((x) => x.id === w.id);
      if (!ag) return false;
      w.line.project(ag.x, ag.y, fp);
      return fp.sM <= w.toS;
    });
  for (const mode of ['nonreactive', 'reactive'] as const) {
    const made = createPlanner(plannerName);
    if (!made.ok) throw new Error(made.error.message);
    const gate = holdGate(createSafetyGate(), stopAt, held);
    const planner = createGatedPlanner(made.value, { gate });
    const log = runScenario(scenario, map, planner, { mode });
    const m = evaluateRun(log, map);
    const release = log.ticks.find((t) => t.tS >= 0.4 && t.verdict?.decision === 'ALLOW')?.tS;
    rows.push([
      margin.toFixed(2),
      holdS.toFixed(2),
      mode,
      (100 * m.score).toFixed(1),
      m.weighted.ego_progress_along_expert_route.toFixed(3),
      release === undefined ? '–' : release.toFixed(1),
    ]);
  }
}
// beside it: the planner alone and behind the gate itself
for (const name of [plannerName, `${plannerName}+gate`])
  for (const mode of ['nonreactive', 'reactive'] as const) {
    const made = createPlanner(name);
    if (!made.ok) throw new Error(made.error.message);
    const log = runScenario(scenario, map, made.value, { mode });
    const m = evaluateRun(log, map);
    rows.push([
      name,
      '–',
      mode,
      (100 * m.score).toFixed(1),
      m.weighted.ego_progress_along_expert_route.toFixed(3),
      '–',
    ]);
  }
console.log(
  markdownTable(
    [
      'hold margin m (or planner)',
      'hold: rear-axle route s, m',
      'mode',
      'score',
      'progress',
      'released at s',
    ],
    rows,
  ),
);
