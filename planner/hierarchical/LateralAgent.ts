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

/** What the lateral agent remembers between plans: the borrow in progress, the route's lane change. */
export interface LateralMemory {
  /**
   * `offsetM`: a nudge's lateral offset from the lane centre, m (null: the whole oncoming lane).
   * `inLane`: a nudge that keeps the ego's body inside its own lane (`inLaneNudge`), driven as
   * FOLLOW_LANE with that offset (signed, left +); `laneId` is then the ego's lane.
   */
  borrow: {
    blockerId: string;
    side: 'LEFT' | 'RIGHT';
    laneId: string;
    offsetM: number | null;
    inLane?: boolean;
  } | null;
  /** The route's lane change under way (into `laneId`). */
  change?: { laneId: string } | null;
  /** The gap committed to for the route's lane change: behind `leadId`, ahead of `followId` (target-lane vehicles; null: open). */
  merge?: { leadId: string | null; followId: string | null } | null;
}
export const LATERAL_MEMORY_INITIAL: LateralMemory = { borrow: null };

/**
 * The gap aimed at for the route's lane change, for the longitudinal agent: the room from our
 * front bumper to the rear of the vehicle we go in behind and from the front of the one we go in
 * ahead of to our rear bumper, measured along the target lane (null: open), m, the gap's speed,
 * m/s, and how long until the change can begin, s.
 */
export interface MergeGap {
  leadId: string | null;
  followId: string | null;
  leadGapM: number | null;
  followGapM: number | null;
  speedMps: number;
  untilS: number;
}

/** The lateral decision with the rules' nudge (kept out of the model's schema: the model borrows whole lanes). */
export type LateralChoice = LateralDecision & {
  offsetM?: number | null;
  passingId?: string;
  merge?: MergeGap;
};

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
    // the blocker drives off before we are alongside: it is traffic now, followed in the lane
    // (passing it in the oncoming lane would drive there for as long as it keeps going)
    if (blocker.alongMps > p.borrowMovedMps && blocker.sM > 0)
      return follow(
        `rule:borrow-abort — ${b.blockerId} moves off (${blocker.alongMps.toFixed(1)} m/s), back into the lane behind it`,
      );
    if (b.inLane)
      return {
        decision: {
          path: 'FOLLOW_LANE',
          targetLaneId: null,
          reason: `rule:nudge-continue — passing ${b.blockerId} ${(b.offsetM ?? 0).toFixed(2)} m within the lane`,
          offsetM: b.offsetM,
          passingId: b.blockerId,
        },
        memory,
      };
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
    // past it within our own lane, where the lane leaves the room (before any change or borrow:
    // the least intrusive way round, as Apollo's and Autoware's path optimisers nudge)
    const nudge = inLaneNudge(view, blocker, p);
    if (nudge && g.egoLane)
      return {
        decision: {
          path: 'FOLLOW_LANE',
          targetLaneId: null,
          reason: `rule:nudge — ${blocker.id} blocks the lane's centre; ${Math.abs(nudge.offsetM).toFixed(2)} m ${nudge.side === 'LEFT' ? 'left' : 'right'} within the lane clears it by ${p.nudgeClearanceM} m`,
          offsetM: nudge.offsetM,
          passingId: blocker.id,
        },
        memory: {
          borrow: {
            blockerId: blocker.id,
            side: nudge.side,
            laneId: g.egoLane.laneId,
            offsetM: nudge.offsetM,
            inLane: true,
          },
        },
      };
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
    // traffic between us and the blocker (a lead not standing long enough to be parked) is a
    // queue we wait in, not something to pass on the oncoming lane: it may drive on, stop for
    // longer, or be what the blocker waits for (CARLA InitAddEntityAction: a car that had just
    // stopped 11 m ahead was swung around for a parked one 20 m past it)
    const lead = g.ego?.lead;
    if (lead && lead.agentId !== blocker.id && lead.gapM < blocker.sM)
      return follow(
        `rule:borrow-wait — ${blocker.id} blocks the lane; ${lead.agentId} is in the lane before it`,
      );
    // borrow the oncoming lane (left first: where drivers pass on right-hand traffic)
    for (const side of ['LEFT', 'RIGHT'] as const) {
      const nb = side === 'LEFT' ? g.left : g.right;
      if (!nb?.opposite) continue;
      const offsetM = nudgeOffsetM(view, blocker, side, p);
      const clear = oncomingClear(view, blocker, side, p, offsetM !== null);
      if (!clear.ok) return follow(`rule:borrow-wait — ${blocker.id} blocks the lane; ${clear.why}`);
      // Into the oncoming lane no faster than the borrow speed: nuPlan's driving-direction metric
      // sums the ego centre's travel against a lane's direction over 1 s and scores 0 from 6 m.
      // Swinging out while still braking from the road's speed crossed the line at 8–9 m/s (esmini
      // alks_cut-out: 7.6 m); the stop behind the blocker slows the ego meanwhile.
      if (offsetM === null && view.egoSpeedMps > p.borrowSpeedMps)
        return follow(
          `rule:borrow-slow — ${blocker.id} blocks the lane; into the oncoming lane at ${p.borrowSpeedMps} m/s or less`,
        );
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
  // 3. the route asks for a lane change: made from the lane it leaves, into an accepted gap,
  // timed by committing to one gap beforehand (the longitudinal agent fits the speed to it)
  const rc = view.routeChange;
  if (rc) {
    const left = rc.side === 'LEFT';
    const nb = left ? g.left : g.right;
    const slot = left ? g.leftSlot : g.rightSlot;
    const change = (why: string, merge?: MergeGap): LateralStep => ({
      decision: {
        path: left ? 'LEFT_CHANGE' : 'RIGHT_CHANGE',
        targetLaneId: rc.laneId,
        reason: `rule:route-change — the route continues ${left ? 'left' : 'right'} into ${rc.laneId}; ${why}`,
        ...(merge ? { merge } : {}),
      },
      memory: {
        borrow: null,
        change: { laneId: rc.laneId },
        merge: merge ? ids(merge) : (memory.merge ?? null),
      },
    });
    const merge = mergeGap(view, rc, memory.merge ?? null, p);
    const inFrom = g.egoLane?.laneId === rc.fromLaneId && rc.startM + view.egoLengthM <= 0;
    if (inFrom && nb && nb.laneId === rc.laneId && !nb.opposite) {
      // a change under way goes on once the ego has moved over (turning back is the riskier move)
      const d = g.egoLane?.dM ?? 0;
      const movedM = left ? d : -d;
      if (memory.change?.laneId === rc.laneId && movedM > 0.5)
        return change(`under way (${movedM.toFixed(1)} m over)`, merge);
      const gap = gapAccepted(slot, view, p);
      if (gap.ok) return change(`gap ${gap.why}${merge ? ` (${gapName(merge)})` : ''}`, merge);
      return {
        decision: {
          path: 'FOLLOW_LANE',
          targetLaneId: null,
          reason: `rule:route-change-wait — no gap yet (${gap.why})${merge ? `; aiming ${gapName(merge)}` : ''}`,
          ...(merge ? { merge } : {}),
        },
        memory: { borrow: null, change: null, merge: merge ? ids(merge) : null },
      };
    }
    return {
      decision: {
        path: 'FOLLOW_LANE',
        targetLaneId: null,
        reason: `rule:route-change-ahead — into ${rc.laneId} in ${Math.max(0, rc.startM).toFixed(0)} m${merge ? `; aiming ${gapName(merge)}` : ''}`,
        ...(merge ? { merge } : {}),
      },
      memory: { borrow: null, change: null, merge: merge ? ids(merge) : null },
    };
  }
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
  // just merged in front of a close follower: settle in the middle of the gap taken
  const settle = settleGap(view, memory.merge ?? null, p);
  if (settle)
    return {
      decision: {
        path: 'FOLLOW_LANE',
        targetLaneId: null,
        reason: `rule:follow — settling ${gapName(settle)}`,
        merge: settle,
      },
      memory: { borrow: null, change: null, merge: ids(settle) },
    };
  return follow('rule:follow — nothing calls for leaving the lane');
}

function ids(m: MergeGap): { leadId: string | null; followId: string | null } {
  return { leadId: m.leadId, followId: m.followId };
}

function gapName(m: MergeGap): string {
  if (m.leadId && m.followId) return `the gap behind ${m.leadId}, ahead of ${m.followId}`;
  if (m.leadId) return `the gap behind ${m.leadId}`;
  if (m.followId) return `the gap ahead of ${m.followId}`;
  return 'the open lane';
}

/** Room the gap needs ahead of and behind the ego (gapAccepted's, with no closing speed), m. */
function gapNeeds(vMps: number, p: HierarchicalParams): { front: number; rear: number } {
  return { front: p.changeGapFrontM + 0.3 * vMps * p.changeTimeS, rear: p.changeGapRearM };
}

/**
 * The gap to aim at for the route's change `rc`: of the gaps between the target lane's vehicles
 * (bumper room for the ego and `gapNeeds` on both sides), the one committed to before while it is
 * still there and big enough; else the one whose balanced position asks the least change of our
 * position by the time the change can begin (holding our speed), a gap behind costing half as
 * much as one ahead (the merging car yields). Undefined when the target lane is empty.
 */
export function mergeGap(
  view: WorldView,
  rc: NonNullable<WorldView['routeChange']>,
  committed: LateralMemory['merge'] | null,
  p: HierarchicalParams,
): MergeGap | undefined {
  const cars = view.objects
    .filter((o) => o.changeLane && o.kind !== 'pedestrian' && Math.abs(o.changeLane.aheadM) < 150)
    .sort((a, b) => b.changeLane!.aheadM - a.changeLane!.aheadM);
  if (cars.length === 0) return undefined;
  const v = view.egoSpeedMps;
  const L = view.egoLengthM;
  const untilS = Math.max(0, rc.startM + L) / Math.max(v, 3);
  const gaps: MergeGap[] = [];
  for (let k = 0; k <= cars.length; k++) {
    const lead = k > 0 ? cars[k - 1]! : undefined;
    const fol = k < cars.length ? cars[k]! : undefined;
    const leadGapM = lead ? lead.changeLane!.aheadM - lead.lengthM / 2 : null;
    const followGapM = fol ? -(fol.changeLane!.aheadM + fol.lengthM / 2) - L : null;
    const speedMps =
      lead && fol
        ? (lead.changeLane!.alongMps + fol.changeLane!.alongMps) / 2
        : (lead ?? fol)!.changeLane!.alongMps;
    gaps.push({
      leadId: lead?.id ?? null,
      followId: fol?.id ?? null,
      leadGapM,
      followGapM,
      speedMps,
      untilS,
    });
  }
  const fits = (g: MergeGap): boolean => {
    if (g.leadGapM === null || g.followGapM === null) return true;
    const n = gapNeeds(g.speedMps, p);
    return g.leadGapM + g.followGapM >= n.front + n.rear;
  };
  if (committed) {
    const kept = gaps.find((g) => g.leadId === committed.leadId && g.followId === committed.followId);
    if (kept && fits(kept)) return kept;
  }
  let best: MergeGap | undefined;
  let bestCost = Infinity;
  for (const g of gaps) {
    if (!fits(g)) continue;
    // how far our front bumper must move relative to holding our speed, m (+: further ahead)
    const moveM = aimM(g, p) + (g.speedMps - v) * g.untilS;
    const cost = moveM > 0 ? 3 * moveM : -moveM;
    if (cost < bestCost) {
      bestCost = cost;
      best = g;
    }
  }
  return best;
}

/**
 * Where our front bumper should be relative to where it is, m (+: ahead): the middle of the room
 * the gap leaves beyond its needs (an open side: that need plus 2 m).
 */
export function aimM(g: MergeGap, p: HierarchicalParams): number {
  const n = gapNeeds(g.speedMps, p);
  const hi = g.leadGapM === null ? null : g.leadGapM - n.front;
  const lo = g.followGapM === null ? null : -(g.followGapM - n.rear);
  if (hi !== null && lo !== null) return (hi + lo) / 2;
  if (hi !== null) return Math.min(0, hi - 2);
  if (lo !== null) return Math.max(0, lo + 2);
  return 0;
}

/**
 * After the change: the committed gap's vehicles are now our lead and our follower, the follower
 * close (within `followerHorizonS`): keep settling between them rather than dropping back onto it.
 */
function settleGap(
  view: WorldView,
  m: LateralMemory['merge'] | null,
  p: HierarchicalParams,
): MergeGap | undefined {
  if (!m?.followId) return undefined;
  const slot = view.laneGraph.ego;
  const f = slot?.follow;
  if (!f || f.agentId !== m.followId) return undefined;
  if (f.gapM > p.followerHorizonS * Math.max(view.egoSpeedMps, f.speedMps)) return undefined;
  const l = slot?.lead;
  if (m.leadId && l?.agentId !== m.leadId) return undefined;
  return {
    leadId: l?.agentId ?? null,
    followId: f.agentId,
    leadGapM: l ? l.gapM : null,
    followGapM: f.gapM,
    speedMps: l ? (l.speedMps + f.speedMps) / 2 : f.speedMps,
    untilS: 0,
  };
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
  // a neighbour of unknown speed (first seen) may close at any speed: no gap until it is measured
  for (const n of [lead, back])
    if (n?.speedKnown === false) return { ok: false, why: `${n.agentId}: speed not measured yet` };
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
 * A nudge past the blocker inside the ego's own lane: the smallest lateral offset from the lane's
 * centre (signed, left +) that leaves `nudgeClearanceM` between the ego's side and the blocker's
 * footprint (`laneSpan`, its corners across the lane FOLLOW_LANE keeps; else its centre ± half its
 * width) while the ego's body stays `nudgeEdgeMarginM` inside the lane's edge — tried on both
 * sides, the smaller move taken. Null when neither side leaves the room (then a change, a borrow
 * or a wait). The offset is at least `nudgeMinM`, so that the move is worth commanding.
 */
export function inLaneNudge(
  view: WorldView,
  blocker: RouteObject,
  p: HierarchicalParams,
): { side: 'LEFT' | 'RIGHT'; offsetM: number } | null {
  const span = blocker.laneSpan ?? {
    minM: blocker.dM - blocker.widthM / 2,
    maxM: blocker.dM + blocker.widthM / 2,
  };
  const half = view.egoWidthM / 2;
  const room = view.laneWidthM / 2 - half - p.nudgeEdgeMarginM;
  if (!(room > 0)) return null;
  // left of it: our right side clear of its left edge; right of it: our left side clear of its right edge
  const left = Math.max(p.nudgeMinM, span.maxM + half + p.nudgeClearanceM);
  const right = Math.min(-p.nudgeMinM, span.minM - half - p.nudgeClearanceM);
  const okLeft = left <= room;
  const okRight = -right <= room;
  if (okLeft && (!okRight || left < -right)) return { side: 'LEFT', offsetM: left };
  if (okRight) return { side: 'RIGHT', offsetM: right };
  return null;
}

/**
 * The oncoming lane is clear for the whole pass: every agent in it reaches the end of the pass
 * (blocker's far end + the ego's length + the return margin) later than the ego gets there, with
 * `borrowMarginM` to spare, and nothing stands in it along the pass. `lasting`: what bars the pass
 * does not go away on its own — the junction the pass would end in, or a static object (a cone, a
 * barrier) standing in the lane along it; traffic (a car, even one standing) may move on.
 */
export function oncomingClear(
  view: WorldView,
  blocker: RouteObject,
  side: 'LEFT' | 'RIGHT',
  p: HierarchicalParams,
  nudge = false,
): { ok: boolean; why: string; lasting?: boolean } {
  const passEndM = Math.max(0, blocker.sM) + blocker.lengthM + view.egoLengthM + p.borrowReturnM;
  // back in the lane before the next junction: a pass into it drives the junction on the wrong side
  const j = view.laneGraph.nextJunction;
  if (!nudge && j && j.distanceM > 0 && j.distanceM < passEndM + p.borrowJunctionM)
    return {
      ok: false,
      why: `the pass ends ${passEndM.toFixed(1)} m ahead, within ${p.borrowJunctionM} m of the junction at ${j.distanceM.toFixed(1)} m`,
      lasting: true,
    };
  const vBorrow = nudge ? p.nudgeSpeedMps : p.borrowSpeedMps;
  const vPass = Math.max(vBorrow, Math.min(view.egoSpeedMps, vBorrow * 1.5));
  // from standing: accelerate to vPass at 1.5 m/s², then cruise
  const tAccel = Math.max(0, vPass - view.egoSpeedMps) / 1.5;
  const dAccel = ((view.egoSpeedMps + vPass) / 2) * tAccel;
  const passS = dAccel >= passEndM ? tAccel : tAccel + (passEndM - dAccel) / vPass;
  const band = side === 'LEFT' ? 'left' : 'right';
  // the strip the ego's body sweeps in the pass, measured towards `side` from the lane's centre: the
  // neighbour lane's middle (a nudge: its offset), the body's half width and `nudgeClearanceM` about it
  const half = view.laneWidthM / 2;
  const centreM = nudge
    ? Math.abs(nudgeOffsetM(view, blocker, side, p) ?? 0)
    : half + (side === 'LEFT' ? view.leftWidthM : view.rightWidthM) / 2;
  const reachM = view.egoWidthM / 2 + p.nudgeClearanceM;
  for (const o of view.objects) {
    if (o.id === blocker.id || o.sM + o.lengthM < -view.egoLengthM) continue;
    // an object standing in our lane that reaches over its edge into that strip along the pass
    // (CARLA Slalom's c5 across the centre line past c4: listed in our lane's band, it was never
    // checked, and the borrow past c4 looked clear)
    if (bandOf(o, view) === 'ego') {
      const span = o.laneSpan ?? { minM: o.dM - o.widthM / 2, maxM: o.dM + o.widthM / 2 };
      const [near, far] = side === 'LEFT' ? [span.minM, span.maxM] : [-span.maxM, -span.minM];
      const standing = Math.abs(o.alongMps) < 0.3 && o.speedMps < 0.3;
      if (standing && far > half && far > centreM - reachM && near < centreM + reachM && o.sM < passEndM + 5)
        return {
          ok: false,
          why: `${o.id} stands across the lane's edge at ${o.sM.toFixed(1)} m, in the way of the pass`,
          lasting: o.kind === 'static',
        };
      continue;
    }
    if (bandOf(o, view) !== band) continue;
    // one of unknown speed (first seen) may be coming on at any speed: not clear until measured
    if (o.speedKnown === false)
      return { ok: false, why: `${o.id} in the oncoming lane: speed not measured yet` };
    const closing = Math.max(0, -o.alongMps);
    if (closing < 0.3) {
      if (o.sM < passEndM + 5 && o.alongMps < view.egoSpeedMps)
        return {
          ok: false,
          why: `${o.id} stands in the oncoming lane at ${o.sM.toFixed(1)} m`,
          lasting: o.kind === 'static',
        };
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

/**
 * Whether a way round `blocker` can open while the ego waits — and the wait behind it must keep the
 * room to steer out (`blockerRoomM`): a nudge inside the lane, a same-direction neighbour the ego may
 * change into (its gap opens as traffic flows), or an oncoming neighbour whose pass only traffic bars
 * (`oncomingClear` not `lasting`). False when every way round is barred for good: no neighbour to
 * use, the pass would end in a junction, a static object stands in the oncoming lane along the pass
 * (CARLA Slalom: c5 beside the lane past c4). Then no borrow is expected, the room buys nothing, and
 * the ego waits at `barredWaitM` (the queue's standstill gap, as behind traffic it will not pass).
 */
export function wayRoundMayOpen(view: WorldView, blocker: RouteObject, p: HierarchicalParams): boolean {
  if (inLaneNudge(view, blocker, p)) return true;
  const g = view.laneGraph;
  for (const side of ['LEFT', 'RIGHT'] as const) {
    const nb = side === 'LEFT' ? g.left : g.right;
    if (!nb) continue;
    if (!nb.opposite) {
      if (nb.changeAllowed) return true;
      continue;
    }
    const clear = oncomingClear(view, blocker, side, p, nudgeOffsetM(view, blocker, side, p) !== null);
    if (clear.ok || !clear.lasting) return true;
  }
  return false;
}
