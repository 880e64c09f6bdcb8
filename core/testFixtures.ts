/** Ego states and snapshots for tests (test-only helpers, imported by *.test.ts in any folder). */
import { Polyline } from './geometry.ts';
import type { AgentState, EgoState, WorldSnapshot } from './schemas.ts';

/** An ego state (rear-axle pose) heading east, with defaults for the unused fields. */
export function ego(
  tS: number,
  x: number,
  y: number,
  speedMps: number,
  extra: Partial<EgoState> = {},
): EgoState {
  return { tS, x, y, headingRad: 0, speedMps, accelMps2: 0, steerRad: 0, yawRateRadps: 0, ...extra };
}

/** A vehicle agent (centre pose, 4.5 × 2 m) heading east. */
export function car(
  id: string,
  x: number,
  y: number,
  speedMps: number,
  extra: Partial<AgentState> = {},
): AgentState {
  return { id, kind: 'vehicle', x, y, headingRad: 0, speedMps, lengthM: 4.5, widthM: 2, ...extra };
}

/** A snapshot at the ego's time with no lights, along the route `laneIds`. */
export function snapshotOf(e: EgoState, laneIds: string[], agents: AgentState[] = []): WorldSnapshot {
  return { tS: e.tS, ego: e, agents, lights: [], route: { laneIds } };
}

/**
 * A winding 1 m polyline of 160 vertices from the origin (random start heading, a steady bend
 * with jitter), for random-scene tests.
 */
export function windingPath(random: () => number): Polyline {
  const pts = [{ x: 0, y: 0 }];
  let h = random() * 2 * Math.PI;
  const bend = (random() - 0.5) * 0.08;
  for (let k = 1; k < 160; k++) {
    h += bend + (random() - 0.5) * 0.02;
    pts.push({ x: pts[k - 1]!.x + Math.cos(h), y: pts[k - 1]!.y + Math.sin(h) });
  }
  return new Polyline(pts);
}

/** A point scattered about `path`: somewhere along it (10 m before its start to 20 m past its end), up to 16 m to either side. */
export function pointAbout(path: Polyline, random: () => number): { x: number; y: number } {
  const at = path.poseAt(random() * (path.length + 30) - 10);
  const off = (random() - 0.5) * 2 * (2 + random() * 14);
  return { x: at.x - off * Math.sin(at.headingRad), y: at.y + off * Math.cos(at.headingRad) };
}
