/**
 * Whether another road user's or object's outline (any kind) reaches into the ego's lane near the ego: the MRM's stop eases on
 * a repaired tick of its release wait only where none does (`Mrm.ts` `mrmDrive`). A repair says the
 * danger the VETO saw is still there; where it is a vehicle beside the ego's lane (an oncoming car
 * that has swung back over its line) the stop may brake at RSS b_min; one still over the line may
 * move in ways no forecast rule covers (fuzz seed 7 run 862: a car holding 0.44 m into the ego's lane
 * swung back, its outline turning about its centre, and its rear corner swept into the ego's front —
 * eased to b_min on the repairs before, the ego had come alongside it).
 */
import type { AgentState } from '../core/index.ts';
import type { SafetyScene } from './Scene.ts';

/** How far behind the ego's position along its lane an outline counts, m (our choice: a car's length and more). */
export const OCCUPIED_BEHIND_M = 10;
/** How far ahead, m (our choice: the gate's 5 s horizon at 20 m/s). */
export const OCCUPIED_AHEAD_M = 100;

const fp = { sM: 0, dM: 0, segment: 0 };
/** Corner offsets (along, across) in half-lengths and half-widths. */
const CORNERS: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [1, -1],
  [-1, 1],
  [-1, -1],
];

/**
 * True where an agent's outline (any corner, any kind) lies within the ego's lane's width from
 * `OCCUPIED_BEHIND_M` behind to `OCCUPIED_AHEAD_M` ahead of the ego along that lane, and where the
 * map places the ego on no lane (not knowing is occupied). Pure.
 */
export function egoLaneOccupied(scene: Pick<SafetyScene, 'snapshot' | 'map'>): boolean {
  const { ego, agents } = scene.snapshot;
  const loc = scene.map.locate(ego.x, ego.y, ego.headingRad, 2);
  const lane = loc ? scene.map.lane(loc.laneId) : undefined;
  if (!loc || !lane) return true;
  const half = (scene.map.laneWidthAt(loc.laneId, loc.sM) ?? lane.data.widthM) / 2;
  // every kind: a cyclist, a robot, a pedestrian or a static object in the lane is as much in the
  // way as a car (only vehicles counted before review 14 L6: a cyclist, or an object a bridge reads
  // as static, let the stop ease to b_min)
  for (const a of agents) if (reaches(a, lane.line, half, loc.sM)) return true;
  return false;
}

function reaches(
  a: AgentState,
  line: { project(x: number, y: number, out: typeof fp): typeof fp },
  half: number,
  egoS: number,
): boolean {
  const c = Math.cos(a.headingRad);
  const s = Math.sin(a.headingRad);
  const hl = a.lengthM / 2;
  const hw = a.widthM / 2;
  for (const [u, v] of CORNERS) {
    line.project(a.x + u * hl * c - v * hw * s, a.y + u * hl * s + v * hw * c, fp);
    if (Math.abs(fp.dM) < half && fp.sM > egoS - OCCUPIED_BEHIND_M && fp.sM < egoS + OCCUPIED_AHEAD_M)
      return true;
  }
  return false;
}
