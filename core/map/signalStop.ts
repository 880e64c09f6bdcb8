/**
 * Where another vehicle's own traffic light stops it: the first stop line ahead of its front
 * bumper along its lane and (while unbranched) its successors, with the light there when it is RED
 * or YELLOW, and whether the vehicle can stop there comfortably. Shared by the planner (a crossing
 * car turned back by its light lets the ego go) and the safety gate (that car is forecast to stop
 * at its line, not to run through it), so that both read another driver's light the same way.
 */
import type {
  AgentState,
  Polyline,
  SignalState,
  TrafficLightState,
  VehicleParams,
  WorldSnapshot,
} from '../index.ts';
import type { LaneInfo, RoadMap } from './RoadMap.ts';
import { routeIndexOf } from './RouteLanes.ts';

/** An emergency vehicle on an emergency run (siren or warning lights on): it goes through its red. */
export function isActiveEmergency(a: Pick<AgentState, 'subclass' | 'sirenOn' | 'lightsOn'>): boolean {
  return a.subclass === 'emergency' && (a.sirenOn === true || a.lightsOn === true);
}

/** How far along its lanes a vehicle's stop line is looked for, m. */
export const SIGNAL_LOOK_M = 80;

export interface SignalStop {
  /** From the vehicle's front bumper to the stop line along its lanes, m. */
  distanceM: number;
  signal: 'RED' | 'YELLOW';
  /** The lane whose stop line it is. */
  laneId: string;
  /** The stop line's arc length on that lane, m. */
  lineSM: number;
}

/** Scratch of `egoClearingOnRed` and `restsClearOf`. */
const probe = { sM: 0, dM: 0, segment: 0 };
const pose = { x: 0, y: 0, headingRad: 0 };

const LIGHT_RANK: Record<SignalState, number> = { GREEN: 0, UNKNOWN: 1, YELLOW: 2, RED: 3 };

/** The most restrictive light on any of `laneIds`. */
export function worstLight(
  lights: ReadonlyArray<TrafficLightState>,
  laneIds: ReadonlyArray<string>,
): SignalState | undefined {
  let best: SignalState | undefined;
  for (const l of lights) {
    if (!laneIds.includes(l.laneId)) continue;
    if (!best || LIGHT_RANK[l.state] > LIGHT_RANK[best]) best = l.state;
  }
  return best;
}

/**
 * The light that governs a lane's signal stop line: the lane's own, else that of the lane taken
 * after the line (`nextLaneId`, when it is a successor of the lane), else the worst of the lane's
 * successors' (CommonRoad keys the light on the lane with the line, nuPlan and the built-in maps on
 * the junction lanes after it). Undefined when none of them has a light.
 */
export function stopLineLight(
  lights: ReadonlyArray<TrafficLightState>,
  lane: { id: string; successors: ReadonlyArray<string> },
  nextLaneId?: string,
): SignalState | undefined {
  return (
    worstLight(lights, [lane.id]) ??
    (nextLaneId !== undefined && lane.successors.includes(nextLaneId)
      ? worstLight(lights, [nextLaneId])
      : undefined) ??
    worstLight(lights, lane.successors)
  );
}

/**
 * The first stop line ahead of a vehicle (centre x, y, heading, length) along the lane it is
 * located on and, while unbranched, its successors, with the signal there when RED or YELLOW (the
 * lane's own light, else the worst of its successors', as perception reads the ego's); undefined
 * when that line shows anything else, when none lies within `lookM`, or off the lanes (or facing
 * against the lane).
 */
export function signalStopAhead(
  map: RoadMap,
  lights: ReadonlyArray<TrafficLightState>,
  x: number,
  y: number,
  headingRad: number,
  lengthM: number,
  lookM = SIGNAL_LOOK_M,
): SignalStop | undefined {
  if (lights.length === 0) return undefined;
  const loc = locatedAlong(map, x, y, headingRad);
  if (!loc) return undefined;
  let lane: LaneInfo | undefined = loc.lane;
  let fromS = loc.sM + lengthM / 2;
  let before = 0;
  const seen = new Set<string>();
  while (lane && before < lookM && !seen.has(lane.data.id)) {
    seen.add(lane.data.id);
    for (const sl of lane.stopLines) {
      if (sl.sM < fromS) continue;
      const signal = stopLineLight(lights, lane.data);
      if (signal !== 'RED' && signal !== 'YELLOW') return undefined;
      return { distanceM: before + sl.sM - fromS, signal, laneId: lane.data.id, lineSM: sl.sM };
    }
    before += lane.line.length - fromS;
    fromS = 0;
    lane = lane.data.successors.length === 1 ? map.lane(lane.data.successors[0]!) : undefined;
  }
  return undefined;
}

/**
 * Whether a vehicle at `speedMps` stops for its light `distanceM` ahead: it can do so braking at no
 * more than `comfortDecelMps2` (the braking a driver accepts for a yellow: ITE's 3 m/s²), or it is
 * already braking (`accelMps2`, when known) hard enough to stop short of it. One that would need
 * harder braking than either may run it, red or yellow.
 */
export function stopsForLight(
  speedMps: number,
  distanceM: number,
  comfortDecelMps2: number,
  accelMps2?: number,
): boolean {
  if (distanceM < 0) return false;
  const v = Math.max(0, speedMps);
  const need = (v * v) / (2 * Math.max(distanceM, 0.1));
  if (need <= comfortDecelMps2) return true;
  return accelMps2 !== undefined && -accelMps2 >= need;
}

/**
 * How far past the stop line of its own light the ego's front may be and still be clearing that
 * junction, m (our choice: the width of a large signalised junction; the maps mark junction lanes
 * too unevenly to use — CommonRoad's Peach has one of its two crossing lanelets in its intersection).
 */
export const CLEARING_LOOK_BACK_M = 40;
/** How far past its stop line another vehicle's front may be and still be one its red light holds, m (as `CLEARING_LOOK_BACK_M`). */
export const OVER_LINE_LOOK_M = 40;

/**
 * The stop line a vehicle (centre x, y, heading, length) has just driven over with its front, when
 * its light is RED now: on the lane it is located on behind its front, else at the end of the lane
 * it came from (the only predecessor, back to `overM` behind the front). `distanceM` is negative:
 * how far its front is past the line. Undefined otherwise (no such line, another light, off the lanes).
 */
export function signalStopBehind(
  map: RoadMap,
  lights: ReadonlyArray<TrafficLightState>,
  x: number,
  y: number,
  headingRad: number,
  lengthM: number,
  overM = OVER_LINE_LOOK_M,
): SignalStop | undefined {
  if (lights.length === 0) return undefined;
  const loc = locatedAlong(map, x, y, headingRad);
  if (!loc) return undefined;
  // back through the lane it came from while that is the only one
  const passed = passedSignalLine(map, lights, loc.lane, loc.sM + lengthM / 2, undefined, overM, (l) =>
    l.data.predecessors.length === 1 ? l.data.predecessors[0] : undefined,
  );
  if (!passed || passed.signal !== 'RED') return undefined;
  return { distanceM: -passed.overByM, signal: 'RED', laneId: passed.laneId, lineSM: passed.lineSM };
}

/**
 * The lane a vehicle (centre x, y, heading) is located on, pointing along it: undefined off the
 * lanes or facing against the lane (it does not drive towards that lane's lines).
 */
function locatedAlong(
  map: RoadMap,
  x: number,
  y: number,
  headingRad: number,
): { lane: LaneInfo; sM: number } | undefined {
  const loc = map.locate(x, y, headingRad, 1);
  if (!loc || Math.abs(loc.headingErrRad) > Math.PI / 2) return undefined;
  const lane = map.lane(loc.laneId);
  return lane ? { lane, sM: loc.sM } : undefined;
}

/**
 * The last signal stop line a front at `toS` on `lane` has driven over, looking back through the
 * lanes `prevOf` names (each lane's predecessor on the way it came) no more than `lookBackM`: how far
 * the front is past it, m, and its light as `stopLineLight` reads it (the lane taken from the line:
 * `next` on `lane` itself, the way the front came on lanes behind it).
 */
function passedSignalLine(
  map: RoadMap,
  lights: ReadonlyArray<TrafficLightState>,
  start: LaneInfo,
  toS: number,
  next: string | undefined,
  lookBackM: number,
  prevOf: (lane: LaneInfo) => string | undefined,
): { overByM: number; signal: SignalState | undefined; laneId: string; lineSM: number } | undefined {
  let lane: LaneInfo | undefined = start;
  let at = toS;
  let after = next;
  let back = 0;
  const seen = new Set<string>();
  while (lane && !seen.has(lane.data.id)) {
    seen.add(lane.data.id);
    let line: { sM: number } | undefined;
    for (const sl of lane.stopLines)
      if (sl.kind === 'signal' && sl.sM <= at && (!line || sl.sM > line.sM)) line = sl;
    if (line) {
      const overByM = back + at - line.sM;
      if (overByM > lookBackM) return undefined;
      const signal = stopLineLight(lights, lane.data, after);
      return { overByM, signal, laneId: lane.data.id, lineSM: line.sM };
    }
    back += at;
    if (back > lookBackM) return undefined;
    after = lane.data.id;
    const prev = prevOf(lane);
    lane = prev ? map.lane(prev) : undefined;
    at = lane ? lane.line.length : 0;
  }
  return undefined;
}

/**
 * Whether the ego is clearing a junction on red: its front is past the stop line of its own light
 * (back along its route and, before the route's first lane, the only way it can have come; no more
 * than `lookBackM` back) and that light is RED now — it entered on green or
 * yellow, and the law has it leave the junction (it has the way over those whose light is red).
 * `routeIndex` is the route lane the ego is on and `frontS` its front's arc length on that lane.
 * This is Autoware's "fully prioritized" state of its intersection module (the ego's own light red).
 */
export function clearingOnRed(
  map: RoadMap,
  lights: ReadonlyArray<TrafficLightState>,
  routeLaneIds: ReadonlyArray<string>,
  routeIndex: number,
  frontS: number,
  lookBackM = CLEARING_LOOK_BACK_M,
): boolean {
  if (lights.length === 0 || routeIndex < 0 || routeIndex >= routeLaneIds.length) return false;
  const lane = map.lane(routeLaneIds[routeIndex]!);
  if (!lane) return false;
  // back along the route, and before its first lane the way the ego came (the only predecessor)
  let k = routeIndex;
  const prevOf = (l: LaneInfo): string | undefined => {
    const onRoute = k > 0 && l.data.predecessors.includes(routeLaneIds[k - 1]!);
    const prev = onRoute
      ? routeLaneIds[k - 1]
      : l.data.predecessors.length === 1
        ? l.data.predecessors[0]
        : undefined;
    k = onRoute ? k - 1 : -1;
    return prev;
  };
  const passed = passedSignalLine(map, lights, lane, frontS, routeLaneIds[routeIndex + 1], lookBackM, prevOf);
  return passed?.signal === 'RED';
}

/**
 * `clearingOnRed` for the ego of a snapshot: its rear axle located on the map (the route position
 * nearest `routeIndex`, when given, where the route uses that lane more than once) and its front
 * `vehicle`'s length ahead of it. False off the route.
 */
export function egoClearingOnRed(
  map: RoadMap,
  snap: Pick<WorldSnapshot, 'ego' | 'lights' | 'route'>,
  vehicle: Pick<VehicleParams, 'rearAxleToCenterM' | 'lengthM'>,
  routeIndex?: number,
): boolean {
  if (snap.lights.length === 0) return false;
  const ego = snap.ego;
  const ids = snap.route.laneIds;
  const loc = map.locate(ego.x, ego.y, ego.headingRad, 2);
  let k = loc ? routeIndexOf(ids, loc.laneId, routeIndex) : -1;
  let sM = loc?.sM ?? 0;
  if (k < 0) {
    // located on a lane the route does not take (a sibling connector over the same ground at a
    // junction's entry): the route lane around the route position that the rear axle lies in
    const hint = routeIndex !== undefined && Number.isFinite(routeIndex) ? Math.floor(routeIndex) : undefined;
    const from = hint === undefined ? 0 : Math.max(0, hint - 2);
    const to = hint === undefined ? ids.length - 1 : Math.min(ids.length - 1, hint + 2);
    let bestD = Number.POSITIVE_INFINITY;
    for (let j = from; j <= to; j++) {
      const lane = map.lane(ids[j]!);
      if (!lane) continue;
      lane.line.project(ego.x, ego.y, probe);
      const d = Math.abs(probe.dM);
      if (probe.sM < 0 || probe.sM > lane.line.length || d > lane.data.widthM / 2 || d >= bestD) continue;
      bestD = d;
      k = j;
      sM = probe.sM;
    }
  }
  if (k < 0) return false;
  return clearingOnRed(map, snap.lights, ids, k, sM + vehicle.rearAxleToCenterM + vehicle.lengthM / 2);
}

/**
 * How far short of the ego's path a red-light overshoot must rest for the ego clearing its junction
 * to go on, m (Autoware's `ignore_on_red_traffic_light.object_margin_to_path`).
 */
export const RED_OVERSHOOT_MARGIN_M = 2;

/**
 * Whether a point (where another vehicle comes to rest) lies more than `clearanceM` from every point
 * of the ego's path `line` (its centreline): the vehicle rests short of the ego's way.
 */
export function restsClearOf(line: Polyline, x: number, y: number, clearanceM: number): boolean {
  line.project(x, y, probe);
  line.poseAt(Math.min(Math.max(probe.sM, 0), line.length), pose);
  return Math.hypot(x - pose.x, y - pose.y) > clearanceM;
}

/**
 * How far a vehicle at `speedMps` runs on while braking at `decelMps2` to rest, m: where another
 * driver whose light is red comes to a stop when it cannot stop at its line (Autoware's tolerable
 * overshoot, braking at its `object_expected_deceleration`).
 */
export function brakingDistanceM(speedMps: number, decelMps2: number): number {
  const v = Math.max(0, speedMps);
  return (v * v) / (2 * decelMps2);
}
