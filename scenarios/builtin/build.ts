/**
 * Helpers to write scenarios by hand: poses on lanes, scripted tracks along lanes (speed and
 * lateral-offset profiles), walking tracks, and the expert trajectory.
 */
import {
  angleDiff,
  type EgoState,
  type Polyline,
  type RoadMapData,
  type Scenario,
  type ScenarioAgent,
  type ScenarioInput,
  ScenarioSchema,
  type TrackPoint,
  type Vec2,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/RoadMap.ts';
import { RoutePath } from '../../core/map/RoutePath.ts';
import type { Planner } from '../../core/planning/Planner.ts';
import { egoArcLength, HORIZON_STEPS, STEP_S, trajectoryAlong } from '../../core/vehicle/pathFollowing.ts';

const DT = 0.1;

export function poseOn(
  map: RoadMap,
  laneId: string,
  sM: number,
  dM = 0,
): { x: number; y: number; headingRad: number } {
  const l = map.mustLane(laneId);
  return l.line.toCartesian(sM, dM);
}

/** An ego state on a lane: the rear axle placed so the footprint centre is at lane arc length s. */
export function egoOn(
  map: RoadMap,
  laneId: string,
  sM: number,
  speedMps: number,
  rearToCenterM = 1.461,
): EgoState {
  const p = poseOn(map, laneId, sM - rearToCenterM);
  return {
    tS: 0,
    x: p.x,
    y: p.y,
    headingRad: p.headingRad,
    speedMps,
    accelMps2: 0,
    steerRad: 0,
    yawRateRadps: 0,
  };
}

export interface AlongOptions {
  laneIds: string[];
  startSM: number;
  durationS: number;
  /** Speed at time t, m/s. */
  speed: (tS: number) => number;
  /** Lateral offset from the lane path at time t, m (left positive). */
  lateral?: (tS: number) => number;
}

/** A scripted track along a lane sequence (pose = footprint centre). */
export function trackAlong(map: RoadMap, o: AlongOptions): TrackPoint[] {
  const path = RoutePath.build(map, o.laneIds, o.startSM).line;
  return trackOnPath(path, 0, o);
}

export function trackOnPath(
  path: Polyline,
  s0: number,
  o: Omit<AlongOptions, 'laneIds' | 'startSM'>,
): TrackPoint[] {
  const out: TrackPoint[] = [];
  let s = s0;
  const steps = Math.round(o.durationS / DT);
  const p = { x: 0, y: 0, headingRad: 0 };
  for (let k = 0; k <= steps; k++) {
    const t = k * DT;
    const v = Math.max(0, o.speed(t));
    const d = o.lateral ? o.lateral(t) : 0;
    const dNext = o.lateral ? o.lateral(t + DT) : 0;
    path.toCartesian(s, d, p);
    const ds = Math.max(v * DT, 1e-3);
    const heading = p.headingRad + Math.atan2(dNext - d, ds);
    out.push({
      tS: Math.round(t * 1e6) / 1e6,
      x: p.x,
      y: p.y,
      headingRad: heading,
      speedMps: Math.hypot(v, (dNext - d) / DT),
    });
    s += v * DT;
  }
  return out;
}

/**
 * A person walking from a to b at `speedMps`, standing at a until `startS`, then at b. With
 * `relaxationS` τ > 0 it speeds up as bodies do (social-force relaxation, Helbing & Molnár 1995):
 * v(t) = v_w·(1 − e^(−t/τ)), not at full pace one sample after standing.
 */
export function walkTrack(
  a: Vec2,
  b: Vec2,
  startS: number,
  speedMps: number,
  durationS: number,
  relaxationS = 0,
): TrackPoint[] {
  const len = Math.hypot(b.x - a.x, b.y - a.y);
  const heading = Math.atan2(b.y - a.y, b.x - a.x);
  const out: TrackPoint[] = [];
  const steps = Math.round(durationS / DT);
  const tau = relaxationS;
  for (let k = 0; k <= steps; k++) {
    const t = k * DT;
    const dt = Math.max(0, t - startS);
    const walked = tau > 0 ? speedMps * (dt - tau * (1 - Math.exp(-dt / tau))) : dt * speedMps;
    const d = Math.min(len, walked);
    const moving = t >= startS && d < len;
    out.push({
      tS: Math.round(t * 1e6) / 1e6,
      x: a.x + (d / len) * (b.x - a.x),
      y: a.y + (d / len) * (b.y - a.y),
      headingRad: heading,
      speedMps: moving ? (tau > 0 ? speedMps * (1 - Math.exp(-dt / tau)) : speedMps) : 0,
    });
  }
  return out;
}

/** Smoothstep from 0 at t0 to 1 at t1. */
export function smooth(tS: number, t0: number, t1: number): number {
  const u = Math.min(1, Math.max(0, (tS - t0) / (t1 - t0)));
  return u * u * (3 - 2 * u);
}

export function vehicleAgent(
  id: string,
  start: TrackPoint | { x: number; y: number; headingRad: number; speedMps: number },
  behavior: ScenarioAgent['behavior'],
  extra: Partial<ScenarioAgent> = {},
): ScenarioAgent {
  return {
    id,
    kind: 'vehicle',
    lengthM: 4.8,
    widthM: 1.9,
    start: { x: start.x, y: start.y, headingRad: start.headingRad, speedMps: start.speedMps },
    behavior,
    reactive: 'idm',
    ...extra,
  };
}

export function replayAgent(
  id: string,
  track: TrackPoint[],
  extra: Partial<ScenarioAgent> = {},
): ScenarioAgent {
  return vehicleAgent(id, track[0]!, { type: 'replay', track }, extra);
}

/** An IDM agent on a lane sequence starting at arc length s of the first lane. */
export function idmAgent(
  map: RoadMap,
  id: string,
  laneIds: string[],
  startSM: number,
  speedMps: number,
  targetSpeedMps?: number,
): ScenarioAgent {
  const p = poseOn(map, laneIds[0]!, startSM);
  return vehicleAgent(
    id,
    { ...p, speedMps },
    {
      type: 'idm',
      laneIds,
      startSM,
      params: {
        minGapM: 1,
        headwayS: 1.5,
        accelMaxMps2: 1,
        decelMaxMps2: 2,
        ...(targetSpeedMps ? { targetSpeedMps } : {}),
      },
      departAtS: 0,
    },
  );
}

/** Rear-axle expert track from a footprint-centre track (expert = logged ego). */
export function expertFromCentreTrack(track: TrackPoint[], rearToCenterM = 1.461): TrackPoint[] {
  return track.map((p) => ({
    ...p,
    x: p.x - rearToCenterM * Math.cos(p.headingRad),
    y: p.y - rearToCenterM * Math.sin(p.headingRad),
  }));
}

/**
 * An expert that drives the route's reference path at a scripted speed `speedMps(t)` (m/s at
 * time t, s), tracked by the engine like any planner's trajectory, so the expert's poses are a
 * drive the vehicle model can make. For scenarios whose expert yields by timing (a merge into a
 * gap) where the IDM route follower, which sees only what is ahead in its lane, would not.
 */
export function speedProfileExpert(speedMps: (tS: number) => number): Planner<{ sM: number }> {
  const scratch = { sM: 0, dM: 0, segment: 0 };
  const s = new Float64Array(HORIZON_STEPS + 1);
  const v = new Float64Array(HORIZON_STEPS + 1);
  return {
    name: 'speed-profile-expert',
    init: () => ({ sM: Number.NaN }),
    step(state, snap, ctx) {
      const path = ctx.route.line;
      s[0] = egoArcLength(path, snap.ego, state.sM, scratch);
      v[0] = speedMps(snap.tS);
      for (let k = 1; k <= HORIZON_STEPS; k++) {
        v[k] = speedMps(snap.tS + k * STEP_S);
        s[k] = s[k - 1]! + 0.5 * (v[k - 1]! + v[k]!) * STEP_S;
      }
      return {
        state: { sM: s[0]! },
        output: { trajectory: trajectoryAlong(path, snap.tS, s, v, HORIZON_STEPS + 1) },
      };
    },
  };
}

/** Piecewise-linear function through knots [t, value] (held constant outside them). */
export function piecewiseLinear(knots: ReadonlyArray<readonly [number, number]>): (tS: number) => number {
  // indexed, not destructured: `const [t, v] = knot` runs the array iterator, whose result objects
  // the expert's speed profile allocated at every horizon step (66 MB of the stack bench's idm suite)
  return (tS) => {
    if (tS <= knots[0]![0]) return knots[0]![1];
    for (let i = 1; i < knots.length; i++) {
      const k1 = knots[i]!;
      const k0 = knots[i - 1]!;
      const t1 = k1[0];
      if (tS <= t1) return k0[1] + ((k1[1] - k0[1]) * (tS - k0[0])) / (t1 - k0[0]);
    }
    return knots[knots.length - 1]![1];
  };
}

/** Builds and validates a scenario; throws on a programming error in the built-in library. */
export function scenario(input: ScenarioInput): Scenario {
  return ScenarioSchema.parse(input);
}

export function inlineMap(map: RoadMapData): ScenarioInput['map'] {
  return { kind: 'inline', map };
}

export { angleDiff, RoadMap };
