/**
 * no_ego_at_fault_collisions (multiplier), after M/no_ego_at_fault_collisions.py and
 * U/collision_utils.py: each agent collides at most once per run (its first overlapping tick); the
 * collision is classified (stopped ego, stopped track, rear, front bumper, lateral) and judged
 * at-fault for front and stopped-track collisions, and for lateral ones while ego straddles lanes or
 * leaves them. Score: 1 without at-fault collisions, else Π max(0, 1 − n_group / (thr_group + 1))
 * over VRUs (thr 0), vehicles (thr 0) and objects (thr 1).
 *
 * Agent kinds → nuPlan types: vehicle, robot → VEHICLE; pedestrian → PEDESTRIAN and cyclist →
 * BICYCLE (VRUs); kind `static` or an id in `log.staticAgentIds` → GENERIC_OBJECT (an object, not
 * an `Agent`: always "stopped", speed 0).
 */
import { type AgentState, agentBox, boxCorners, boxesOverlap, type OrientedBox } from '../../core/index.ts';
import type { SimLog } from '../SimLog.ts';
import type { EgoTrack } from './egoTrack.ts';
import { relativeAngle, segmentIntersectsPolygon } from './metricGeometry.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';
import type { CollisionRecord, CollisionType, ObjectGroup } from './ScenarioMetrics.ts';

const P = NUPLAN_METRIC_PARAMS.collisions;
const BEHIND_RAD = (P.behindAngleDeg * Math.PI) / 180;

/** True when the agent is a static object (nuPlan: not an `Agent`). */
export function isStaticObject(a: AgentState, staticIds: ReadonlySet<string>): boolean {
  return a.kind === 'static' || staticIds.has(a.id);
}

/** nuPlan type group of an agent. */
export function agentGroup(a: AgentState, staticIds: ReadonlySet<string>): ObjectGroup {
  if (isStaticObject(a, staticIds)) return 'object';
  if (a.kind === 'pedestrian' || a.kind === 'cyclist') return 'vru';
  return 'vehicle';
}

/** nuPlan `_get_collision_type`: first matching rule. */
export function collisionType(
  egoSpeedMps: number,
  egoRearX: number,
  egoRearY: number,
  egoHeadingRad: number,
  egoBox: OrientedBox,
  agent: AgentState,
  isStatic: boolean,
  scratch: Float64Array = new Float64Array(8),
): CollisionType {
  if (egoSpeedMps <= P.egoStoppedSpeedMps) return 'STOPPED_EGO';
  if (isStatic || agent.speedMps <= P.trackStoppedSpeedMps) return 'STOPPED_TRACK';
  if (relativeAngle(egoRearX, egoRearY, egoHeadingRad, agent.x, agent.y) > BEHIND_RAD) return 'ACTIVE_REAR';
  // Front bumper: nuPlan corners 0 (FL) → 3 (FR); core order FL(0,1) FR(2,3).
  const c = boxCorners(egoBox, scratch);
  const fx0 = c[0]!;
  const fy0 = c[1]!;
  const fx1 = c[2]!;
  const fy1 = c[3]!;
  const poly = boxCorners(agentBox(agent), scratch);
  if (segmentIntersectsPolygon(fx0, fy0, fx1, fy1, poly)) return 'ACTIVE_FRONT';
  return 'ACTIVE_LATERAL';
}

/** nuPlan `ego_delta_v_collision` with 2000 kg / 2000 kg, m/s. */
export function egoDeltaV(
  egoSpeedMps: number,
  egoHeadingRad: number,
  agentSpeedMps: number,
  agentHeadingRad: number,
): number {
  const ratio = P.agentMassKg / (P.agentMassKg + P.egoMassKg);
  const sq =
    egoSpeedMps ** 2 +
    agentSpeedMps ** 2 -
    2 * egoSpeedMps * agentSpeedMps * Math.cos(egoHeadingRad - agentHeadingRad);
  return ratio * Math.sqrt(Math.max(0, sq));
}

/**
 * Finds every collision of a run, in tick order (agents in each tick's list order), and judges
 * fault with `inCommonOrConnected[t]` (false: ego straddling lanes or off the lanes).
 */
export function findCollisions(
  log: SimLog,
  track: EgoTrack,
  inCommonOrConnected: ReadonlyArray<boolean>,
): CollisionRecord[] {
  const staticIds = new Set(log.staticAgentIds);
  const collided = new Set<string>();
  const out: CollisionRecord[] = [];
  const box: OrientedBox = { cx: 0, cy: 0, headingRad: 0, lengthM: 0, widthM: 0 };
  const scratch = new Float64Array(8);
  for (let t = 0; t < track.n; t++) {
    const egoB = track.boxes[t]!;
    for (const a of log.ticks[t]!.agents) {
      if (collided.has(a.id) || !boxesOverlap(egoB, agentBox(a, box))) continue;
      collided.add(a.id);
      const isStatic = isStaticObject(a, staticIds);
      const type = collisionType(
        track.speedMps[t]!,
        track.rx[t]!,
        track.ry[t]!,
        track.headingRad[t]!,
        egoB,
        a,
        isStatic,
        scratch,
      );
      const atFault =
        type === 'ACTIVE_FRONT' ||
        type === 'STOPPED_TRACK' ||
        (type === 'ACTIVE_LATERAL' && !inCommonOrConnected[t]);
      out.push({
        tick: t,
        tS: log.ticks[t]!.tS,
        agentId: a.id,
        group: agentGroup(a, staticIds),
        type,
        atFault,
        deltaVMps: egoDeltaV(
          track.speedMps[t]!,
          track.headingRad[t]!,
          isStatic ? 0 : a.speedMps,
          a.headingRad,
        ),
      });
    }
  }
  return out;
}

/** nuPlan `_compute_collision_score`: max(0, 1 − n / (thr + 1)). */
function groupScore(n: number, thr: number): number {
  return Math.max(0, 1 - n / (thr + 1));
}

/** no_ego_at_fault_collisions score in {0, 0.5, 1} from the collision records. */
export function noAtFaultCollisionsScore(collisions: ReadonlyArray<CollisionRecord>): number {
  let vru = 0;
  let vehicle = 0;
  let object = 0;
  for (const c of collisions) {
    if (!c.atFault) continue;
    if (c.group === 'vru') vru++;
    else if (c.group === 'vehicle') vehicle++;
    else object++;
  }
  if (vru + vehicle + object === 0) return 1;
  return (
    groupScore(vru, P.maxViolationsVru) *
    groupScore(vehicle, P.maxViolationsVehicle) *
    groupScore(object, P.maxViolationsObject)
  );
}
