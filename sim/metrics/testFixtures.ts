/**
 * Tiny hand-built maps and logs for the metric tests (test-only helpers, imported by *.test.ts).
 */
import {
  type AgentState,
  type EgoState,
  type RoadMapData,
  RoadMapSchema,
  type TrackPoint,
  type VehicleParams,
  VehicleParamsSchema,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/RoadMap.ts';
import { chained, straightLane, twoLanes } from '../../core/map/testFixtures.ts';
import { car, ego } from '../../core/testFixtures.ts';
import type { SimLog, SimTick } from '../SimLog.ts';
import { MetricMap } from './MetricMap.ts';

/** An ego state (rear-axle pose) and a vehicle agent heading east: core's shared test helpers. */
export { car, ego };

/** nuPlan Pacifica: length 5.176, width 2.297, rear axle → centre 1.461, wheel base 3.089. */
export const PACIFICA: VehicleParams = VehicleParamsSchema.parse({});

/**
 * A straight two-lane eastbound road from x = 0 to x = 200: lane `R` (right, centreline y = 0) and
 * lane `L` (left, y = 3.5), each 3.5 m wide, speed limit 10 m/s. Drivable strip: y ∈ [−1.75, 5.25].
 */
export function straightRoad(): RoadMap {
  return new RoadMap(twoLanes('straight', 'R', 'L', 200, 10));
}

/**
 * A single-lane road through a junction: lane `in` (x 0→50, limit 10), connector `j` (x 50→70,
 * junction `J`, limit 5), lane `out` (x 70→150, limit 15). All at y = 0, 3.5 m wide. The lanes
 * named in `unposted` carry their figure with no posted limit (`speedLimitPosted: false`).
 */
export function junctionRoad(unposted: readonly string[] = []): RoadMap {
  const flag = (id: string) => (unposted.includes(id) ? { speedLimitPosted: false } : {});
  const data: RoadMapData = RoadMapSchema.parse({
    id: 'junction',
    lanes: chained([
      straightLane('in', { x: 0, y: 0 }, { x: 50, y: 0 }, 10, flag('in')),
      straightLane('j', { x: 50, y: 0 }, { x: 70, y: 0 }, 5, { junctionId: 'J', ...flag('j') }),
      straightLane('out', { x: 70, y: 0 }, { x: 150, y: 0 }, 15, flag('out')),
    ]),
    junctions: [{ id: 'J' }],
  });
  return new RoadMap(data);
}

export function metricMap(map: RoadMap): MetricMap {
  return new MetricMap(map);
}

/** Builds a log from ego states and a per-tick agent list (default: no agents). */
export function makeLog(
  egos: EgoState[],
  agentsAt: (t: number) => AgentState[] = () => [],
  opts: { dtS?: number; expert?: TrackPoint[]; staticAgentIds?: string[] } = {},
): SimLog {
  const ticks: SimTick[] = egos.map((e, t) => ({ tS: e.tS, ego: e, agents: agentsAt(t), lights: [] }));
  return {
    scenarioId: 'test',
    planner: 'test',
    mode: 'nonreactive',
    seed: 0,
    dtS: opts.dtS ?? 0.1,
    vehicle: PACIFICA,
    routeLaneIds: ['R'],
    expert:
      opts.expert ??
      egos.map((e) => ({ tS: e.tS, x: e.x, y: e.y, headingRad: e.headingRad, speedMps: e.speedMps })),
    ticks,
    staticAgentIds: opts.staticAgentIds ?? [],
  };
}

/** Ego driving east along y at constant speed from x0, `n` ticks of `dtS`. */
export function cruise(n: number, x0: number, y: number, speedMps: number, dtS = 0.1): EgoState[] {
  return Array.from({ length: n }, (_, t) => ego(t * dtS, x0 + speedMps * t * dtS, y, speedMps));
}
