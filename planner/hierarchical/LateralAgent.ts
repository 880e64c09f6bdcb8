/**
 * The lateral agent (second): FOLLOW_LANE / LEFT_CHANGE / RIGHT_CHANGE / LEFT_BORROW /
 * RIGHT_BORROW and the target lane. Rules backend, in order: finish a borrow already begun (or
 * abort it before reaching the blocker when the oncoming lane stops being clear); go around a
 * blocked lane (change into a same-direction neighbour with a gap, else borrow the oncoming lane
 * when it is clear for the whole pass); change lanes where the route asks, into an acceptable gap;
 * otherwise follow the lane.
 */
import type { LaneSlot } from '../../core/sceneContext.ts';
import type { LateralDecision, SceneAnalysis } from './AgentOutputs.ts';
import type { HierarchicalParams } from './HierarchicalParams.ts';
import { bandOf } from './SceneAnalyst.ts';
import type { RouteObject, WorldView } from './WorldView.ts';

/** What the lateral agent remembers between plans: the borrow in progress. */
export interface LateralMemory {
  /** `offsetM`: a nudge's lateral offset from the lane centre, m (null: the whole oncoming lane). */
  borrow: { blockerId: string; side: 'LEFT' | 'RIGHT'; laneId: string; offsetM: number | null } | null;
}
export const LATERAL_MEMORY_INITIAL: LateralMemory = { borrow: null };

/** The lateral decision with the rules' nudge (kept out of the model's schema: the model borrows whole lanes). */
export type LateralChoice = LateralDecision & { offsetM?: number | null; passingId?: string };

export interface LateralStep {
  decision: LateralChoice;
  memory: LateralMemory;
}

/** Runs the lateral rules. */
export function decideLateral(
  view: WorldView,
  analysis: SceneAnalysis,
  memory: LateralMemory,
  p: HierarchicalParams,
): LateralStep {
  const g = view.laneGraph;
  const follow = (reason: string, mem: LateralMemory = { borrow: null }): LateralStep => ({
    decision: { path: 'FOLLOW_LANE', targetLaneId: null, reason },
    memory: mem,
  });
  // 1. a borrow in progress
  if (memory.borrow) {
    const b = memory.borrow;
    const blocker = view.objects.find((o) => o.id === b.blockerId);
    const egoRearBehindEnd = blocker ? blocker.sM + blocker.lengthM + view.egoLengthM + p.borrowReturnM : -1;
    if (!blocker || egoRearBehindEnd < 0)
      return follow(`rule:borrow-return — past ${b.blockerId}, back into the lane`);
    const clear = oncomingClear(view, blocker, b.side, p, b.offsetM !== null);
    if (!clear.ok && blocker.sM > view.egoSpeedMps * 1.0 + 2)
      return follow(`rule:borrow-abort — ${clear.why} before reaching ${b.blockerId}`);
    return {
      decision: {
        path: b.side === 'LEFT' ? 'LEFT_BORROW' : 'RIGHT_BORROW',
        targetLaneId: b.laneId,
        reason: `rule:borrow-continue — passing ${b.blockerId}`,
        offsetM: b.offsetM,
        passingId: b.blockerId,
      },
      memory,
    };
  }
  // 2. a blocked lane ahead
  const bh = analysis.hazards.find((h) => h.kind === 'blocked_lane' && h.distanceM < p.borrowLookM);
  const blocker = bh?.agentId ? view.objects.find((o) => o.id === bh.agentId) : undefined;
  if (blocker) {
    for (const side of ['LEFT', 'RIGHT'] as const) {
      const nb = side === 'LEFT' ? g.left : g.right;
      if (!nb) continue;
      if (!nb.opposite && nb.changeAllowed) {
        const slot = side === 'LEFT' ? g.leftSlot : g.rightSlot;
        const gap = gapAccepted(slot, view, p);
        if (gap.ok)
          return {
            decision: {
              path: side === 'LEFT' ? 'LEFT_CHANGE' : 'RIGHT_CHANGE',
              targetLaneId: nb.laneId,
              reason: `rule:blocked-change — ${blocker.id} blocks the lane; gap ${gap.why}`,
            },
            memory,
          };
      }
    }
    // borrow the oncoming lane (left first: where drivers pass on right-hand traffic)
    for (const side of ['LEFT', 'RIGHT'] as const) {
      const nb = side === 'LEFT' ? g.left : g.right;
      if (!nb?.opposite) continue;
      const offsetM = nudgeOffsetM(view, blocker, side, p);
      const clear = oncomingClear(view, blocker, side, p, offsetM !== null);
      if (!clear.ok) return follow(`rule:borrow-wait — ${blocker.id} blocks the lane; ${clear.why}`);
      const how = offsetM !== null ? `nudge ${offsetM.toFixed(2)} m, centre in lane` : 'whole lane';
      return {
        decision: {
          path: side === 'LEFT' ? 'LEFT_BORROW' : 'RIGHT_BORROW',
          targetLaneId: nb.laneId,
          reason: `rule:borrow — ${blocker.id} blocks the lane (${how}); ${clear.why}`,
          offsetM,
          passingId: blocker.id,
        },
        memory: { borrow: { blockerId: blocker.id, side, laneId: nb.laneId, offsetM } },
      };
    }
    return follow(`rule:blocked-no-way — ${blocker.id} blocks the lane and no neighbour is usable`);
  }
  // 3. the route asks for a lane change
  if (analysis.routeIntent === 'CHANGE_LEFT' || analysis.routeIntent === 'CHANGE_RIGHT') {
    const left = analysis.routeIntent === 'CHANGE_LEFT';
    const nb = left ? g.left : g.right;
    if (nb && !nb.opposite) {
      const gap = gapAccepted(left ? g.leftSlot : g.rightSlot, view, p);
      if (gap.ok)
        return {
          decision: {
            path: left ? 'LEFT_CHANGE' : 'RIGHT_CHANGE',
            targetLaneId: nb.laneId,
            reason: `rule:route-change — the route continues ${left ? 'left' : 'right'}; gap ${gap.why}`,
          },
          memory,
        };
      return follow(`rule:route-change-wait — no gap yet (${gap.why})`);
    }
  }
  return follow('rule:follow — nothing calls for leaving the lane');
}

/** Gap acceptance into a neighbour lane: the lead and the follower both far enough (MOBIL-style safe gap). */
export function gapAccepted(
  slot: LaneSlot | null,
  view: WorldView,
  p: HierarchicalParams,
): { ok: boolean; why: string } {
  const v = view.egoSpeedMps;
  const lead = slot?.lead;
  const back = slot?.follow;
  if (lead) {
    const need =
      p.changeGapFrontM + Math.max(0, -lead.relSpeedMps) * (p.changeTimeS + 1) + 0.3 * v * p.changeTimeS;
    if (lead.gapM < need)
      return { ok: false, why: `lead ${lead.agentId} ${lead.gapM.toFixed(1)} m < ${need.toFixed(1)} m` };
  }
  if (back) {
    const need = p.changeGapRearM + Math.max(0, back.relSpeedMps) * (p.changeTimeS + 1.5);
    if (back.gapM < need)
      return { ok: false, why: `follower ${back.agentId} ${back.gapM.toFixed(1)} m < ${need.toFixed(1)} m` };
  }
  return { ok: true, why: 'accepted' };
}

/**
 * A nudge past the blocker: the smallest offset from the lane centre that leaves `nudgeClearanceM`
 * between the ego's side and the blocker's near side, when it keeps the ego's centre at least
 * `nudgeCentreMarginM` inside its own lane (nuPlan's driving-direction metric follows the ego's
 * centre: a centre in the oncoming lane counts as driving against traffic); null when it does not.
 */
export function nudgeOffsetM(
  view: WorldView,
  blocker: RouteObject,
  side: 'LEFT' | 'RIGHT',
  p: HierarchicalParams,
): number | null {
  const nearEdgeM = side === 'LEFT' ? blocker.dM + blocker.widthM / 2 : -(blocker.dM - blocker.widthM / 2);
  const need = nearEdgeM + view.egoWidthM / 2 + p.nudgeClearanceM;
  if (need > view.laneWidthM / 2 - p.nudgeCentreMarginM) return null;
  return Math.max(0.2, need);
}

/**
 * The oncoming lane is clear for the whole pass: every agent in it reaches the end of the pass
 * (blocker's far end + the ego's length + the return margin) later than the ego gets there, with
 * `borrowMarginM` to spare, and nothing stands in it along the pass.
 */
export function oncomingClear(
  view: WorldView,
  blocker: RouteObject,
  side: 'LEFT' | 'RIGHT',
  p: HierarchicalParams,
  nudge = false,
): { ok: boolean; why: string } {
  const passEndM = Math.max(0, blocker.sM) + blocker.lengthM + view.egoLengthM + p.borrowReturnM;
  const vBorrow = nudge ? p.nudgeSpeedMps : p.borrowSpeedMps;
  const vPass = Math.max(vBorrow, Math.min(view.egoSpeedMps, vBorrow * 1.5));
  // from standing: accelerate to vPass at 1.5 m/s², then cruise
  const tAccel = Math.max(0, vPass - view.egoSpeedMps) / 1.5;
  const dAccel = ((view.egoSpeedMps + vPass) / 2) * tAccel;
  const passS = dAccel >= passEndM ? tAccel : tAccel + (passEndM - dAccel) / vPass;
  const band = side === 'LEFT' ? 'left' : 'right';
  for (const o of view.objects) {
    if (o.id === blocker.id || bandOf(o, view) !== band) continue;
    if (o.sM + o.lengthM < -view.egoLengthM) continue; // behind us
    const closing = Math.max(0, -o.alongMps);
    if (closing < 0.3) {
      if (o.sM < passEndM + 5 && o.alongMps < view.egoSpeedMps)
        return { ok: false, why: `${o.id} stands in the oncoming lane at ${o.sM.toFixed(1)} m` };
      continue;
    }
    const needM = passEndM + closing * passS + p.borrowMarginM;
    if (o.sM < needM)
      return {
        ok: false,
        why: `oncoming ${o.id} at ${o.sM.toFixed(1)} m, needs > ${needM.toFixed(1)} m for a ${passS.toFixed(1)} s pass`,
      };
  }
  return { ok: true, why: `oncoming lane clear for a ${passS.toFixed(1)} s pass` };
}
