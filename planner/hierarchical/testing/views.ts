/** Hand-built scenes for the agent tests: a straight two-way road, the ego in lane `R0`. */
import type { Trajectory } from '../../../core/index.ts';
import type { LaneAgent, LaneGraph } from '../../../core/sceneContext.ts';
import { type HierarchicalParams, HierarchicalParamsSchema } from '../HierarchicalParams.ts';
import type { RolloutFn } from '../Reflection.ts';
import type { RouteObject, WorldView } from '../WorldView.ts';

export const PARAMS: HierarchicalParams = HierarchicalParamsSchema.parse({});

export function laneGraph(over: Partial<LaneGraph> = {}): LaneGraph {
  return {
    egoLane: {
      laneId: 'R0',
      sM: 20,
      dM: 0,
      headingErrRad: 0,
      type: 'driving',
      speedLimitMps: 11,
      onRoute: true,
    },
    lanes: [],
    left: { laneId: 'O0', changeAllowed: true, opposite: true },
    right: null,
    successors: [],
    nextJunction: null,
    nextStopLine: null,
    nextCrosswalk: null,
    ego: { laneId: 'R0', lead: null, follow: null },
    leftSlot: null,
    rightSlot: null,
    crossing: [],
    ...over,
  };
}

export function view(over: Partial<WorldView> = {}, g: Partial<LaneGraph> = {}): WorldView {
  return {
    tS: 0,
    platform: 'car',
    egoSpeedMps: 10,
    egoLengthM: 5,
    egoWidthM: 2,
    egoFrontM: 4,
    egoDM: 0,
    egoSM: 20,
    laneWidthM: 3.5,
    leftWidthM: 3.5,
    rightWidthM: 0,
    speedLimitMps: 11,
    curveCapMps: 30,
    routeTurnRad: 0,
    hasWorldText: false,
    laneGraph: laneGraph(g),
    objects: [],
    ...over,
  };
}

export function obj(id: string, over: Partial<RouteObject> = {}): RouteObject {
  return {
    id,
    kind: 'vehicle',
    sM: 30,
    dM: 0,
    lengthM: 4.5,
    widthM: 1.9,
    speedMps: 0,
    alongMps: 0,
    acrossMps: 0,
    standingS: 0,
    ...over,
  };
}

export function laneAgent(agentId: string, over: Partial<LaneAgent> = {}): LaneAgent {
  return { agentId, kind: 'vehicle', gapM: 30, speedMps: 10, relSpeedMps: 0, ttcS: null, ...over };
}

/**
 * A roll-out straight east along y = 0 for 4 s: hold the speed, brake at the command's rate (2 m/s²
 * when it gives none) to its target, or accelerate at 1.5 m/s².
 */
export const straightRollout: RolloutFn = (c, snap) => {
  const v0 = snap.ego.speedMps;
  const target = c.speed === 'STOP' ? 0 : (c.targetSpeedMps ?? v0);
  const a = target < v0 ? -(c.decelMps2 ?? 2) : target > v0 ? 1.5 : 0;
  const points: Trajectory['points'] = [];
  let x = snap.ego.x;
  let v = v0;
  for (let i = 0; i <= 40; i++) {
    points.push({ tS: snap.tS + i * 0.1, x, y: 0, headingRad: 0, speedMps: v });
    const vNext = a < 0 ? Math.max(target, v + a * 0.1) : Math.min(target, v + a * 0.1);
    x += ((v + vNext) / 2) * 0.1;
    v = vNext;
  }
  return { points };
};
