/** Hand-built scenes for the gate's tests and bench (procedural roads from scenarios/builtin). */
import {
  type AgentAttributes,
  type AgentState,
  type MidLevelCommand,
  type RoadMapData,
  RoadMapSchema,
  type TrafficLightState,
  type VehicleParams,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { LanePathCache, Rollout, rolloutCommand } from '../../safety/Rollout.ts';
import type { SafetyParams } from '../../safety/SafetyParams.ts';
import type { SafetyScene } from '../../safety/Scene.ts';
import { egoOn, intersection, poseOn, type RoadOptions, road } from '../../scenarios/builtin/index.ts';

export const CAR: VehicleParams = VehicleParamsSchema.parse({});
export const ROBOT: VehicleParams = VehicleParamsSchema.parse({
  kind: 'robot',
  lengthM: 1.0,
  widthM: 0.7,
  rearAxleToCenterM: 0,
  wheelBaseM: 0.6,
  maxSpeedMps: 2,
  maxAccelMps2: 1,
  maxDecelMps2: 2,
});

const maps = new Map<string, RoadMap>();
/** A scene places the ego by its footprint centre: centre → front bumper, m. */
export const EGO_HALF_M = CAR.lengthM / 2;

/**
 * Arc length of the centre of an agent (half-length `agentHalfM`) whose rear is `gapM` ahead of the
 * front bumper of an ego centred at `egoS`.
 */
export const ahead = (egoS: number, gapM: number, agentHalfM = 2.4): number =>
  egoS + EGO_HALF_M + gapM + agentHalfM;

export function roadMap(o: RoadOptions = {}): RoadMap {
  const key = JSON.stringify(o);
  if (!maps.has(key)) maps.set(key, new RoadMap(road(o)));
  return maps.get(key)!;
}
export function mapOf(data: RoadMapData): RoadMap {
  return new RoadMap(data);
}
export function junctionMap(): RoadMap {
  const key = 'intersection';
  if (!maps.has(key)) maps.set(key, new RoadMap(intersection()));
  return maps.get(key)!;
}

export interface AgentSpec {
  id: string;
  kind?: AgentState['kind'];
  lane: string;
  /** Centre arc length on the lane, m. */
  s: number;
  d?: number;
  speed?: number;
  lengthM?: number;
  widthM?: number;
  /** Heading offset from the lane direction, rad. */
  dh?: number;
  /** Subclass, lights, indicator, parked. */
  attrs?: AgentAttributes;
  /** What a tracker estimated: the agent's acceleration, m/s², and how long it has been seen, s. */
  accelMps2?: number;
  seenForS?: number;
}

export function agentOn(map: RoadMap, a: AgentSpec): AgentState {
  const p = poseOn(map, a.lane, a.s, a.d ?? 0);
  const kind = a.kind ?? 'vehicle';
  const dims =
    kind === 'pedestrian'
      ? [0.6, 0.6]
      : kind === 'cyclist'
        ? [1.8, 0.7]
        : kind === 'robot'
          ? [1, 0.7]
          : [4.8, 1.9];
  return {
    id: a.id,
    kind,
    x: p.x,
    y: p.y,
    headingRad: p.headingRad + (a.dh ?? 0),
    speedMps: a.speed ?? 0,
    lengthM: a.lengthM ?? dims[0]!,
    widthM: a.widthM ?? dims[1]!,
    ...a.attrs,
    ...(a.accelMps2 !== undefined ? { accelMps2: a.accelMps2 } : {}),
    ...(a.seenForS !== undefined ? { seenForS: a.seenForS } : {}),
  };
}

export interface SceneSpec {
  map: RoadMap;
  lane?: string;
  /** Ego footprint-centre arc length on its lane, m. */
  s?: number;
  speed?: number;
  agents?: AgentSpec[];
  lights?: TrafficLightState[];
  route?: string[];
  vehicle?: VehicleParams;
  instruction?: WorldSnapshot['instruction'];
  occlusions?: WorldSnapshot['occlusions'];
  tS?: number;
}

export function scene(spec: SceneSpec): SafetyScene {
  const vehicle = spec.vehicle ?? CAR;
  const lane = spec.lane ?? 'R0';
  const ego = {
    ...egoOn(spec.map, lane, spec.s ?? 50, spec.speed ?? 10, vehicle.rearAxleToCenterM),
    tS: spec.tS ?? 0,
  };
  const snapshot: WorldSnapshot = {
    tS: spec.tS ?? 0,
    ego,
    agents: (spec.agents ?? []).map((a) => agentOn(spec.map, a)),
    lights: spec.lights ?? [],
    route: { laneIds: spec.route ?? [lane] },
    ...(spec.instruction ? { instruction: spec.instruction } : {}),
    ...(spec.occlusions ? { occlusions: spec.occlusions } : {}),
  };
  return { snapshot, map: spec.map, vehicle };
}

export function cmd(c: Partial<MidLevelCommand> = {}): MidLevelCommand {
  return {
    speed: 'KEEP',
    path: 'FOLLOW_LANE',
    horizonS: 5,
    rationale: '',
    issuedAtS: 0,
    expiresAtS: 1,
    source: 'test',
    ...c,
  };
}

/**
 * A long approach: lane A (`approachM`, default 300 m, longer than the old 160 m path), then a
 * 30 m junction lane B whose light the scene sets, then lane C. Limit 16.7 m/s.
 */
export function longApproachMap(approachM = 300): RoadMap {
  const key = `long:${approachM}`;
  if (!maps.has(key))
    maps.set(
      key,
      new RoadMap(
        RoadMapSchema.parse({
          id: key,
          lanes: [
            {
              id: 'A',
              centerline: [
                { x: 0, y: 0 },
                { x: approachM, y: 0 },
              ],
              widthM: 3.5,
              speedLimitMps: 16.7,
              successors: ['B'],
            },
            {
              id: 'B',
              centerline: [
                { x: approachM, y: 0 },
                { x: approachM + 30, y: 0 },
              ],
              widthM: 3.5,
              speedLimitMps: 16.7,
              successors: ['C'],
              predecessors: ['A'],
              junctionId: 'J',
            },
            {
              id: 'C',
              centerline: [
                { x: approachM + 30, y: 0 },
                { x: approachM + 400, y: 0 },
              ],
              widthM: 3.5,
              speedLimitMps: 16.7,
              predecessors: ['B'],
            },
          ],
          stopLines: [{ id: 'SLA', laneId: 'A', sM: approachM, kind: 'signal' }],
        }),
      ),
    );
  return maps.get(key)!;
}

/**
 * The gate's roll-out of `command` for a car from the scene's ego along its route on `map` (64
 * steps), as the gate rolls its repairs out.
 */
export function rolledOut(
  command: MidLevelCommand,
  sc: SafetyScene,
  map: RoadMap,
  params: SafetyParams,
): Rollout {
  const r = new Rollout(64);
  rolloutCommand(
    command,
    sc.snapshot.ego,
    map,
    sc.snapshot.route.laneIds,
    CAR,
    params,
    new LanePathCache(map),
    r,
  );
  return r;
}

/** A map whose lane `from` is renamed `to` everywhere it is referenced (ids carrying injected text). */
export function renamed(data: RoadMapData, from: string, to: string): RoadMapData {
  const r = (id: string) => (id === from ? to : id);
  return {
    ...data,
    lanes: data.lanes.map((l) => ({
      ...l,
      id: r(l.id),
      successors: l.successors.map(r),
      predecessors: l.predecessors.map(r),
      ...(l.left ? { left: { ...l.left, laneId: r(l.left.laneId) } } : {}),
      ...(l.right ? { right: { ...l.right, laneId: r(l.right.laneId) } } : {}),
    })),
  };
}

/**
 * Ego on the 300 m approach lane A of `longApproachMap(300)`, front bumper `dist` m before the stop
 * line of junction lane B, whose light is `state` (the held-out tables' signal scenes).
 */
export function lightApproach(
  map: RoadMap,
  dist: number,
  speed: number,
  state: TrafficLightState['state'],
): SceneSpec {
  return {
    map,
    lane: 'A',
    s: 300 - dist - EGO_HALF_M,
    speed,
    route: ['A', 'B', 'C'],
    lights: [{ laneId: 'B', state }],
  };
}

/**
 * Junction approach on IN2 of `junctionMap()` (heading +x along y = −1.75), front bumper `dist` m
 * before the stop line at x = −14, straight on through C20 (green) to OUT0; `extra` overrides.
 */
export function junctionApproach(
  map: RoadMap,
  dist: number,
  speed: number,
  extra: Partial<SceneSpec> = {},
): SceneSpec {
  return {
    map,
    lane: 'IN2',
    s: 120 - dist - EGO_HALF_M,
    speed,
    route: ['IN2', 'C20', 'OUT0'],
    lights: [{ laneId: 'C20', state: 'GREEN' }],
    ...extra,
  };
}
