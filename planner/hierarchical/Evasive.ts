/**
 * Evasive steering (AES) in the planner: a standing object the ego's footprint is heading into,
 * nearer than the emergency stop needs (the actuator's lag, then the vehicle's hardest braking),
 * makes a move off the lane — or the rest of one under way — an emergency: it is commanded at the
 * evasive lateral rate with braking (`lateralAccelMps2`, `decelMps2`), which the gate rolls out and
 * the controller steers at that rate. A FOLLOW_LANE qualifies only where the centre of the lane the
 * ego is in clears the object (the rest of a move into the lane beside it), never back into it.
 */
import type { MidLevelCommand, VehicleParams } from '../../core/index.ts';
import type { HierarchicalParams } from './HierarchicalParams.ts';
import type { WorldView } from './WorldView.ts';

/** The id of the standing object that makes `path` an evasive move, or undefined. */
export function evasiveBlocker(
  view: WorldView,
  path: MidLevelCommand['path'],
  vehicle: VehicleParams,
  p: HierarchicalParams,
): string | undefined {
  const v = Math.max(0, view.egoSpeedMps);
  const stopM = v * p.evasiveReactS + (v * v) / (2 * vehicle.maxDecelMps2);
  const half = view.egoWidthM / 2 + p.evasiveClearM;
  for (const o of view.objects) {
    // standing objects only (a person may step on into the way out; the gate holds the same line)
    if (o.speedMps > 0.5 || !o.laneSpan || o.kind === 'pedestrian' || o.kind === 'cyclist') continue;
    // ahead within the stop, or alongside (not yet passed)
    if (o.sM > stopM || o.sM < -(o.lengthM + view.egoLengthM)) continue;
    const hitsEgo = o.laneSpan.maxM > view.egoDM - half && o.laneSpan.minM < view.egoDM + half;
    if (!hitsEgo) continue;
    if (path === 'FOLLOW_LANE' && o.laneSpan.maxM > -half && o.laneSpan.minM < half) continue;
    return o.id;
  }
  return undefined;
}

/**
 * `cmd` as the evasive move: at the evasive lateral rate, braking towards a stop with the grip left
 * (re-decided every plan: once the object is passed the rules speed up again).
 */
export function asEvasive(cmd: MidLevelCommand, blockerId: string, p: HierarchicalParams): MidLevelCommand {
  const out: MidLevelCommand = {
    ...cmd,
    speed: 'DECELERATE',
    targetSpeedMps: 0,
    decelMps2: Math.round(p.evasiveDecelMps2 * 100) / 100,
    lateralAccelMps2: Math.round(p.evasiveLatAccelMps2 * 100) / 100,
    rationale: `${cmd.rationale} | evasive: no stop clears standing "${blockerId}"`.slice(0, 2000),
  };
  delete out.stopAt;
  delete out.jerkMps3;
  if (out.path === 'FOLLOW_LANE') {
    delete out.lateralOffsetM;
    delete out.lateralOffsetEndAt;
  }
  return out;
}
