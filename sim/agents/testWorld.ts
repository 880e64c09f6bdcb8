/**
 * Small worlds for the agent tests: a scenario around a few agents, an ego that drives a scripted
 * motion (no planner), and the fleet stepped through it. Test support only.
 */
import {
  type AgentState,
  type EgoState,
  type Polyline,
  type RoadMapData,
  type Scenario,
  type ScenarioAgent,
  ScenarioSchema,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { AgentFleet, type AgentModel, lightsAt } from './AgentFleet.ts';

export interface World {
  scenario: Scenario;
  map: RoadMap;
}

/** A scenario on `data` with these agents; the ego starts at `egoStart` (its route: `routeLaneIds`). */
export function world(
  data: RoadMapData,
  agents: ScenarioAgent[],
  egoStart: EgoState,
  routeLaneIds: string[],
  durationS = 10,
): World {
  const map = new RoadMap(data);
  const p = { tS: 0, x: egoStart.x, y: egoStart.y, headingRad: egoStart.headingRad, speedMps: 0 };
  const scenario = ScenarioSchema.parse({
    formatVersion: 1,
    id: 'test',
    map: { kind: 'inline', map: data },
    egoStart,
    route: { laneIds: routeLaneIds },
    expert: [p, { ...p, tS: 0.1 }],
    agents,
    durationS,
  });
  return { scenario, map };
}

/** Ego state (rear axle) whose footprint centre is at (x, y) with this heading and speed. */
export function egoAtCentre(
  tS: number,
  x: number,
  y: number,
  headingRad: number,
  speedMps: number,
  accelMps2 = 0,
  rearToCenterM = 1.461,
): EgoState {
  return {
    tS,
    x: x - rearToCenterM * Math.cos(headingRad),
    y: y - rearToCenterM * Math.sin(headingRad),
    headingRad,
    speedMps,
    accelMps2,
    steerRad: 0,
    yawRateRadps: 0,
  };
}

/**
 * An ego that drives `path` at a constant speed from arc length `s0M` (footprint centre), with a
 * lateral offset d(t) (left positive).
 */
export function egoAlong(
  path: Polyline,
  s0M: number,
  speedMps: number,
  lateral: (tS: number) => number = () => 0,
): (tS: number) => EgoState {
  const pose = { x: 0, y: 0, headingRad: 0 };
  return (tS) => {
    const s = s0M + speedMps * tS;
    const d = lateral(tS);
    path.toCartesian(s, d, pose);
    const heading = pose.headingRad + Math.atan2(lateral(tS + 0.1) - d, speedMps * 0.1);
    return egoAtCentre(tS, pose.x, pose.y, heading, speedMps);
  };
}

/** Steps a reactive fleet with the scripted ego; returns the agents of ticks 0…n and the egos. */
export function drive(
  w: World,
  agents: AgentModel,
  ego: ((tS: number) => EgoState) | undefined,
  durationS = w.scenario.durationS,
): { agents: AgentState[][]; egos: (EgoState | undefined)[] } {
  const fleet = new AgentFleet(w.scenario, w.map, 'reactive', { agents });
  const dt = w.scenario.dtS;
  const steps = Math.round(durationS / dt);
  const out: AgentState[][] = [fleet.current()];
  const egos: (EgoState | undefined)[] = [];
  for (let k = 0; k < steps; k++) {
    const tS = Math.round(k * dt * 1e6) / 1e6;
    const e = ego?.(tS);
    egos.push(e);
    fleet.step(tS, dt, e, w.scenario.vehicle, lightsAt(w.scenario, tS));
    out.push(fleet.current());
  }
  egos.push(ego?.(steps * dt));
  return { agents: out, egos };
}

/** The agent with this id at tick k. */
export function agentAt(run: { agents: AgentState[][] }, k: number, id: string): AgentState {
  const a = run.agents[k]!.find((x) => x.id === id);
  if (!a) throw new Error(`no agent ${id} at tick ${k}`);
  return a;
}

/** First tick at which `pred` holds, or −1. */
export function firstTick(n: number, pred: (k: number) => boolean): number {
  for (let k = 0; k < n; k++) if (pred(k)) return k;
  return -1;
}
