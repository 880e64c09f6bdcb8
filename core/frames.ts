/**
 * Frame conversions. Map frame: ENU, metres. Ego frame: origin at the ego's rear axle, +x forward,
 * +y left. Functions that change frame say so in their name.
 */
import type { OrientedBox } from './geometry.ts';
import type { AgentState, EgoState, Pose, Vec2, VehicleParams } from './schemas.ts';

/** Map point → ego frame (x forward, y left). */
export function mapToEgo(p: Vec2, ego: Pose, out: Vec2 = { x: 0, y: 0 }): Vec2 {
  const c = Math.cos(ego.headingRad);
  const s = Math.sin(ego.headingRad);
  const dx = p.x - ego.x;
  const dy = p.y - ego.y;
  out.x = c * dx + s * dy;
  out.y = -s * dx + c * dy;
  return out;
}

/** Ego-frame point → map frame. */
export function egoToMap(p: Vec2, ego: Pose, out: Vec2 = { x: 0, y: 0 }): Vec2 {
  const c = Math.cos(ego.headingRad);
  const s = Math.sin(ego.headingRad);
  const x = ego.x + c * p.x - s * p.y;
  const y = ego.y + s * p.x + c * p.y;
  out.x = x;
  out.y = y;
  return out;
}

/** The ego footprint (rear-axle pose → centred oriented box). */
export function egoBox(
  ego: Pick<EgoState, 'x' | 'y' | 'headingRad'>,
  v: VehicleParams,
  out: OrientedBox = { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 },
): OrientedBox {
  out.cx = ego.x + v.rearAxleToCenterM * Math.cos(ego.headingRad);
  out.cy = ego.y + v.rearAxleToCenterM * Math.sin(ego.headingRad);
  out.headingRad = ego.headingRad;
  out.lengthM = v.lengthM;
  out.widthM = v.widthM;
  return out;
}

/** An agent's footprint as an oriented box (agent poses are already centred). */
export function agentBox(
  a: Pick<AgentState, 'x' | 'y' | 'headingRad' | 'lengthM' | 'widthM'>,
  out: OrientedBox = { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 },
): OrientedBox {
  out.cx = a.x;
  out.cy = a.y;
  out.headingRad = a.headingRad;
  out.lengthM = a.lengthM;
  out.widthM = a.widthM;
  return out;
}

/** Speed unit converters for the edges (STYLE habit 4). */
export const kmhToMps = (kmh: number): number => kmh / 3.6;
export const mpsToKmh = (mps: number): number => mps * 3.6;
export const mphToMps = (mph: number): number => mph * 0.44704;
export const degToRad = (deg: number): number => (deg * Math.PI) / 180;
export const radToDeg = (rad: number): number => (rad * 180) / Math.PI;
