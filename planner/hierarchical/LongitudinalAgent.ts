/**
 * The longitudinal agent (third): KEEP / ACCELERATE / DECELERATE / STOP, the target speed, the
 * braking intensity and the stop point. Rules backend: every reason to slow down becomes a
 * "virtual lead" (the lead vehicle, a blocker to wait behind, a red or stoppable yellow light, a
 * conflict point to yield at, an occupied crosswalk) and IDM (Treiber et al. 2000) gives the
 * acceleration toward the speed allowed (limit, curve cap, occlusion cap); the most restrictive
 * wins. A binding stop point close enough becomes STOP with `stopDistanceM`.
 */
import { brakingDistanceM, stopsForLight } from '../../core/map/index.ts';
import { STANDSTILL_TARGET_MPS } from '../../core/vehicle/index.ts';
import type { LongitudinalDecision, SceneAnalysis } from './AgentOutputs.ts';
import type { HierarchicalParams } from './HierarchicalParams.ts';
import { aimM, inLaneNudge, type LateralChoice, wayRoundMayOpen } from './LateralAgent.ts';
import { BLOCKER_PASSED_M, bandOf, inTrafficQueue, isBlocker } from './SceneAnalyst.ts';
import {
  CREEP_STOP_M,
  CREEP_STOP_MPS,
  EXECUTOR_STOP_SHORT_M,
  EXECUTOR_STOP_SHORT_S,
  rampedStopDistanceM,
} from './StopOnset.ts';
import type { RouteObject, WorldView } from './WorldView.ts';

/** A dead end (the route's end, where the road ends) is a stop point from this far, m (as a lane's end). */
const DEAD_END_LOOK_M = 40;

interface VirtualLead {
  gapM: number;
  speedMps: number;
  /** A point to stop at (a line, a conflict) rather than a vehicle to follow. */
  stop: boolean;
  why: string;
  /** Time headway kept to it, s (default `headwayS`). */
  headwayS?: number;
  /** The acceleration it asks for directly (the merge gap's pull), m/s²; absent: IDM against the gap. */
  accelMps2?: number;
  /** A vehicle followed: its own acceleration, m/s² (the ACC model's heuristic reads it). */
  leadAccelMps2?: number;
  /** A vehicle's acceleration for gap recovery (`gapRecoveryMps2`), m/s²: a lead followed along the lane, or a car merging in; absent: IDM as it is. */
  recoverAccelMps2?: number;
  /** The lead stands (its speed, not only its speed along the lane: a walker crossing moves on). */
  standing?: boolean;
  /**
   * Where the stop behind it stands once it stands, m (default `minGapM`): a car in a queue,
   * `standstillGapM`. IDM's s0 stays `minGapM` (a lower s0 when the lead stops eased the braking at
   * speed just then, and the gate's RSS repair braked past nuPlan's bound instead: esmini
   * alks_r157_cut_in_quick_brake).
   */
  standGapM?: number;
  /**
   * A stop point kept short of a conflict by a margin (`stopMarginM`): the room to the conflict
   * itself (where our footprint enters the agent's path), m. A stop the comfortable braking cannot
   * make at the point may use the margin (`marginStopM`).
   */
  hardGapM?: number;
}

/**
 * Where a stop for `l` aims, m ahead of the front bumper: its point, or — where braking at
 * `comfortDecelMps2` no longer stops there but still stops short of the conflict the point keeps a
 * margin to (`hardGapM`) — as far into that margin as the comfortable stop (built up at
 * `stopOnsetJerkMps3` from no braking) needs, the executor's own short-stop included. The margin is room
 * to spare, not the conflict: the ego that has rolled into it at a walking pace (a yield decided
 * late, a stop point held while the crossing car slid along) was stopped at the maximum braking
 * (6 m/s²) for a car that would get there seconds later, and nuPlan's comfort failed for the whole
 * run (15 of 268 wild CommonRoad runs of 2026-12-05, e.g. reach DEU_Muehlhausen-11_1_T-1 at 1.7 m/s
 * "in 0.0 m" of a car there in 4.3 s).
 */
export function marginStopM(l: VirtualLead, v: number, p: HierarchicalParams): number {
  const d = l.gapM;
  const b = p.comfortDecelMps2;
  if (l.hardGapM === undefined || !(l.hardGapM > d) || !(v > 0) || !(b > 0)) return d;
  // a point the comfortable braking, held from now, still makes is kept (an approach from speed, already
  // braking: the built-up stop's room below assumes none yet and would creep into the margin)
  if ((v * v) / (2 * Math.max(d, 0.1)) <= b) return d;
  const comfortM =
    (p.stopOnsetJerkMps3 > 0 ? rampedStopDistanceM(v, 0, b, p.stopOnsetJerkMps3) : (v * v) / (2 * b)) +
    EXECUTOR_STOP_SHORT_M +
    EXECUTOR_STOP_SHORT_S * v;
  if (comfortM <= d) return d;
  return Math.min(l.hardGapM, comfortM);
}

/**
 * The rules' decision: the agent schema's fields, and the jerk at which a DECELERATE's braking builds
 * up (`MidLevelCommand.jerkMps3`), m/s³ — set where the gap to the lead followed is opening, so the
 * braking is for comfort of distance, not to avoid a contact (not part of the model's schema: the
 * rules alone set it).
 */
export type RuleLongitudinalDecision = LongitudinalDecision & { onsetJerkMps3?: number };

/**
 * The constant-acceleration heuristic (CAH) of the ACC model (Kesting, Treiber, Helbing 2010,
 * eq. 2.3): the acceleration that, were the lead to keep its acceleration `aLeadMps2`, just avoids
 * closing below a zero gap. `gapM` bumper to bumper, speeds m/s; returns m/s².
 */
export function cahAccelMps2(
  speedMps: number,
  leadSpeedMps: number,
  aLeadMps2: number,
  gapM: number,
  accelMaxMps2: number,
): number {
  const s = Math.max(gapM, 0.05);
  const al = Math.min(aLeadMps2, accelMaxMps2);
  const v = speedMps;
  const vl = leadSpeedMps;
  if (vl * (v - vl) <= -2 * s * al) return (v * v * al) / Math.max(vl * vl - 2 * s * al, 1e-6);
  return al - ((v - vl) ** 2 * (v > vl ? 1 : 0)) / (2 * s);
}

/**
 * ACC model (Kesting et al. 2010, eq. 2.4): IDM's acceleration where it is at least the CAH's,
 * else blended toward the CAH with coolness `c`, braking at most `b` beyond it — IDM alone brakes
 * hard for a small gap to a lead that is pulling away (real traffic follows closer than IDM's
 * desired gap), where the lead's motion asks for little. m/s².
 */
export function accAccelMps2(
  aIdmMps2: number,
  aCahMps2: number,
  comfortDecelMps2: number,
  c: number,
): number {
  if (aIdmMps2 >= aCahMps2) return aIdmMps2;
  const b = comfortDecelMps2;
  return (1 - c) * aIdmMps2 + c * (aCahMps2 + b * Math.tanh((aIdmMps2 - aCahMps2) / b));
}

/** Gap recovery (`gapRecoveryDecelMps2`): the kinematic need is reckoned from after this, s (the actuator's 0.2 s lag and one plan period). */
export const GAP_RECOVERY_LAG_S = 0.3;
/** …keeping at least this bumper gap, m (nuPlan's IDM `min_gap_to_lead_agent`). */
export const GAP_RECOVERY_MIN_M = 1;
/**
 * A car merging in is recovered behind only once it drives our way: its speed along our lane at
 * least this share of its speed (cos 25°). One still crossing in at an angle has a join gap that is
 * a projection of where it cuts our lane, not a headway it keeps (esmini trailer_connect: a car
 * pulling out at 57° to our lane, its join gap 2.2 m, braked for at 1 m/s² instead of IDM's stop,
 * the ego reached its path 1.1 m into the yield margin and the gate's emergency stop held it there).
 * A car moving sideways away from us (`leavingSideways`: turning off out of our lane) is recovered
 * behind at any angle: its sideways motion opens our way, and its along-lane speed falls only
 * because it turns (wild DEU_Flensburg-28_1: the lead turning off at 51°, 6.4 m ahead, was braked
 * for by IDM at 6 m/s² as its along-lane speed fell from 8.4 to 5.3 m/s in 0.3 s).
 */
export const GAP_RECOVERY_MERGE_ALIGN = 0.9;

/**
 * The most braking a headway deficit behind `l` asks for, m/s², or undefined where IDM stands: a
 * vehicle followed along the lane or merging in (`recoverAccelMps2`) that is not braking
 * (> −0.5 m/s²) and not standing, whose closing at its present speed needs no more than
 * `comfortDecelMps2` to keep `GAP_RECOVERY_MIN_M` after `GAP_RECOVERY_LAG_S`: then max(
 * `gapRecoveryDecelMps2`, 1.5 × that need). A lead braking, a gap already too short to absorb the
 * closing, or a need beyond the comfortable braking leaves IDM's braking as it is.
 */
export function gapRecoveryMps2(
  v: number,
  l: Pick<VirtualLead, 'speedMps' | 'recoverAccelMps2' | 'standing'>,
  gapM: number,
  p: HierarchicalParams,
): number | undefined {
  if (!(p.gapRecoveryDecelMps2 > 0) || l.recoverAccelMps2 === undefined || l.standing) return undefined;
  if (!(l.recoverAccelMps2 > -0.5)) return undefined;
  const closing = Math.max(0, v - l.speedMps);
  const room = gapM - GAP_RECOVERY_MIN_M - closing * GAP_RECOVERY_LAG_S;
  if (!(room > 0.05)) return undefined;
  const need = (closing * closing) / (2 * room);
  if (need > p.comfortDecelMps2) return undefined;
  return Math.max(p.gapRecoveryDecelMps2, 1.5 * need);
}

/** Time for the front bumper to cover `dM` from speed v accelerating at `a` up to `vMax`, s. */
export function timeToCover(dM: number, v: number, vMax: number, a: number): number {
  if (dM <= 0) return 0;
  const vm = Math.max(vMax, 0.1);
  const tA = Math.max(0, vm - v) / a;
  const dA = ((v + vm) / 2) * tA;
  if (dA >= dM) return (-v + Math.sqrt(v * v + 2 * a * dM)) / a;
  return tA + (dM - dA) / vm;
}

/**
 * What the longitudinal agent remembers between plans: the crossing agents it has decided to yield
 * to. A yield stands until the agent has gone (leaves the crossing list), so a gap judged too short
 * once is not taken a moment later when the estimate wobbles (a false start into the conflict).
 */
export interface LongitudinalMemory {
  /** Agent id → where we stop for it, route arc length of the front bumper, m. */
  yieldTo: ReadonlyMap<string, number>;
}

/**
 * Runs the longitudinal rules. `memory`: the yields in force; `yielded` (optional, filled here): the
 * agents yielded to in this plan, the next plan's memory.
 */
export function decideLongitudinal(
  view: WorldView,
  analysis: SceneAnalysis,
  lateral: LateralChoice,
  p: HierarchicalParams,
  memory?: LongitudinalMemory,
  yielded?: Map<string, number>,
): RuleLongitudinalDecision {
  const g = view.laneGraph;
  const v = view.egoSpeedMps;
  const robot = view.platform === 'robot';
  const borrowing = lateral.path === 'LEFT_BORROW' || lateral.path === 'RIGHT_BORROW';
  const changing = lateral.path === 'LEFT_CHANGE' || lateral.path === 'RIGHT_CHANGE';
  // a nudge within the lane past `passingId` (LateralAgent `inLaneNudge`): passed as a borrow's nudge is
  const nudging = lateral.path === 'FOLLOW_LANE' && lateral.offsetM != null && !!lateral.passingId;
  let vMax = analysis.speedLimitMps;
  const caps: string[] = [];
  if (borrowing || nudging) {
    // swing out slowly (the blocker stays a lead for RSS until we clear it sideways), then pass;
    // a nudge (centre kept in lane) swings out less and may pass faster
    const nudgeM = lateral.offsetM != null ? Math.abs(lateral.offsetM) : null;
    const out = Math.abs(view.egoDM) > (nudgeM !== null ? 0.8 * nudgeM : view.laneWidthM * 0.6);
    const vPass = nudgeM !== null ? p.nudgeSpeedMps : p.borrowSpeedMps;
    const cap = out ? vPass : nudgeM !== null ? p.nudgeSwingOutSpeedMps : p.borrowSpeedMps / 2;
    if (vMax > cap) {
      vMax = cap;
      caps.push(out ? 'borrow speed' : 'borrow swing-out speed');
    }
  } else if (!robot && !changing) {
    // the centre still over in an oncoming neighbour with no borrow under way (a borrow's return,
    // an abort): back into the lane no faster than the borrow speed, as it went out — nuPlan's
    // driving-direction window scores the ego's travel there (CARLA StoryAddEntityAction: the
    // return speeding up from 5 to 7 m/s on a free road drove 7 m against the lane in 1.1 s, 0)
    const half = view.laneWidthM / 2;
    const over = (view.egoDM > half && !!g.left?.opposite) || (view.egoDM < -half && !!g.right?.opposite);
    if (over && vMax > p.borrowSpeedMps) {
      vMax = p.borrowSpeedMps;
      caps.push('back from the oncoming lane');
    }
  }
  // occlusion: arrive alongside the occluder slow enough to stop for someone stepping out
  for (const h of analysis.hazards) {
    if (h.kind !== 'occlusion') continue;
    const o = view.objects.find((x) => x.id === h.agentId);
    if (!o || o.sM + o.lengthM < 0) continue;
    const cap = Math.sqrt(p.occlusionSpeedMps ** 2 + 2 * (0.5 * p.comfortDecelMps2) * Math.max(0, o.sM));
    if (cap < vMax) {
      vMax = cap;
      caps.push(`occlusion behind ${o.id}`);
    }
  }
  // a pedestrian beside the path facing it may step out: arrive where it could reach us slow
  // enough to stop short of it, or fast enough to be past first (the gate's vru.stepOut); the
  // slowest speed that does both is approached gently from afar (a late repair brakes hard, and
  // an ego braking hard towards a waiting pedestrian tells it that it yields)
  if (!robot) {
    for (const o of view.objects) {
      const cap = stepOutCapMps(o, view, p);
      if (cap < vMax) {
        vMax = cap;
        caps.push(`step-out room for ${o.id}`);
      }
    }
  }
  // defensive: do not overtake a close neighbour fast (it may cut in): at most 2 m/s faster —
  // but not slower than a follower closing in within a few seconds (braking for a courtesy in
  // front of it trades a possible cut-in for a likely rear-end)
  if (!robot) {
    const f = g.ego?.follow;
    const floor =
      f && f.relSpeedMps > 0 && f.gapM < p.followerHorizonS * Math.max(v, f.speedMps) ? f.speedMps : 0;
    for (const o of view.objects) {
      const band = bandOf(o, view);
      if ((band !== 'left' && band !== 'right') || o.alongMps < 1) continue;
      if (o.sM < -2 || o.sM > Math.max(15, 2 * v)) continue;
      const cap = Math.max(o.alongMps + 2, floor);
      if (cap < vMax) {
        vMax = cap;
        caps.push(`close neighbour ${o.id}`);
      }
    }
  }
  const leads: VirtualLead[] = [];
  const lead = g.ego?.lead;
  const blockerH = analysis.hazards.find((h) => h.kind === 'blocked_lane');
  const merge = lateral.merge;
  const mergeLead = merge?.leadId ?? undefined;
  // the ACC model's heuristic is for following a vehicle that drives along the lane (not a walker
  // in it, nor a box standing)
  const leadObj = lead ? view.objects.find((o) => o.id === lead.agentId) : undefined;
  const followed = leadObj?.kind === 'vehicle' && leadObj.alongMps > 0.5;
  const leadStands =
    lead !== null &&
    lead !== undefined &&
    Math.max(Math.abs(lead.speedMps), leadObj?.speedMps ?? 0) <= STANDSTILL_TARGET_MPS;
  const leadTaken =
    lead &&
    !(borrowing && (lead.agentId === blockerH?.agentId || lead.agentId === lateral.passingId)) &&
    !(nudging && lead.agentId === lateral.passingId) &&
    !(changing && lead.agentId === blockerH?.agentId);
  if (lead && leadTaken && lead.speedMps < -p.oncomingLeadMps) {
    // coming at us in our lane (esmini lane_change.xosc: a truck swerves head-on into the ego lane):
    // taken as standing, IDM kept accelerating towards it while the gap closed at 35 m/s. Braking
    // cannot keep it off; what it can do is have the ego stand before they meet. Braking evenly to
    // a stop in d takes 2d/v, in which it covers 2du/v: d + 2du/v ≤ gap gives our share v/(v + 2u)
    // of the gap (0 once standing: the stop is held until it has passed)
    const share = v / Math.max(v - 2 * lead.speedMps, 1e-6);
    leads.push({
      gapM: Math.max(0, lead.gapM * share),
      speedMps: 0,
      stop: true,
      why: `oncoming ${lead.agentId} in our lane (${(-lead.speedMps).toFixed(0)} m/s)`,
    });
  } else if (lead && leadTaken)
    leads.push({
      gapM: lead.gapM,
      speedMps: Math.max(0, lead.speedMps),
      stop: false,
      why: `lead ${lead.agentId}`,
      standing: leadStands,
      // a car standing in a queue, or a blocker no way round can pass: the stop behind it is at the
      // queue's standstill gap (no way round it is planned, so no steering room is kept)
      ...(leadStands && leadObj ? standGap(leadObj, view, p) : {}),
      ...(followed
        ? { leadAccelMps2: leadObj?.accelMps2 ?? 0, recoverAccelMps2: leadObj?.accelMps2 ?? 0 }
        : {}),
      ...(lead.agentId === mergeLead ? { headwayS: p.mergeHeadwayS } : {}),
    });
  if (changing) {
    const slot = lateral.path === 'LEFT_CHANGE' ? g.leftSlot : g.rightSlot;
    if (slot?.lead)
      leads.push({
        gapM: slot.lead.gapM,
        speedMps: Math.max(0, slot.lead.speedMps),
        stop: false,
        why: `target-lane lead ${slot.lead.agentId}`,
        ...(slot.lead.agentId === mergeLead ? { headwayS: p.mergeHeadwayS } : {}),
      });
  }
  if (merge && !robot) {
    // the gap committed to: a critically damped pull to its middle at its speed
    const w = clamp(1.5 / Math.max(merge.untilS, 1e-3), p.mergeOmegaMinRadps, p.mergeOmegaMaxRadps);
    const e = aimM(merge, p);
    const aPull = clamp(w * w * e + 2 * w * (merge.speedMps - v), -p.mergeDecelMps2, p.accelMaxMps2);
    leads.push({
      gapM: Infinity,
      speedMps: v,
      stop: false,
      why: `fitting into the merge gap (${e >= 0 ? '+' : ''}${e.toFixed(1)} m, gap at ${merge.speedMps.toFixed(1)} m/s)`,
      accelMps2: aPull,
    });
  }
  // changes the route must make before a broken line turns solid: slow so that each takes no more
  // line than there is (a driver slows for an exit whose lanes must be crossed in a short stretch)
  const rc = view.routeChange;
  if (rc?.crossBy && !robot) {
    // the speed to make them at from where the first may begin, reached by then braking gently
    const toStartM = Math.max(0, rc.startM);
    const vChange = Math.max(
      p.routeChangeMinMps,
      (rc.crossBy.aheadM - toStartM) / ((rc.crossBy.changes - 1) * p.routeChangeS + p.routeChangeCrossS),
    );
    const cap = Math.sqrt(vChange * vChange + 2 * 0.5 * p.comfortDecelMps2 * toStartM);
    if (cap < vMax) {
      vMax = cap;
      caps.push(
        `${rc.crossBy.changes} lane change(s) before the line turns solid in ${rc.crossBy.aheadM.toFixed(0)} m`,
      );
    }
  }
  // a lane the route leaves that ends: stop at its end rather than force in
  if (rc && !rc.fromContinues && !changing && !robot && g.egoLane?.laneId === rc.fromLaneId) {
    const d = Math.max(0, rc.endM - p.stopMarginM);
    const cap = Math.sqrt(2 * 0.5 * p.comfortDecelMps2 * d);
    if (cap < vMax) {
      vMax = Math.max(cap, 0);
      caps.push(`end of ${rc.fromLaneId} in ${rc.endM.toFixed(0)} m`);
    }
    if (d < 40) leads.push({ gapM: d, speedMps: 0, stop: true, why: `end of ${rc.fromLaneId}` });
  }
  // the road ends where the route does: drive up to its end and stop there — an ego stopped short
  // of the end has not arrived (the simulator ends a run when the front is 1 m from the route's
  // end: esmini follow_reference stood 1.5 m short, progress 0.21), and one past it leaves the road
  // (as the end of a lane the route leaves: a cap that brakes at half the comfortable rate to it,
  // and the stop point itself from 40 m — from further off it slowed the ego on unprotected_left's
  // last metres of the run, progress 1 → 0.994)
  if (view.deadEndM !== undefined && !robot) {
    const d = Math.max(0, view.deadEndM);
    const cap = Math.sqrt(2 * 0.5 * p.comfortDecelMps2 * d);
    if (cap < vMax) {
      vMax = cap;
      caps.push(`end of the road in ${d.toFixed(0)} m`);
    }
    if (d < DEAD_END_LOOK_M) leads.push({ gapM: d, speedMps: 0, stop: true, why: 'end of the road' });
  }
  if (borrowing) {
    // same-direction traffic in the lane we borrow, and the blocker's neighbours
    const band = lateral.path === 'LEFT_BORROW' ? 'left' : 'right';
    for (const o of view.objects) {
      if (o.sM < 0 || o.id === blockerH?.agentId || o.id === lateral.passingId || bandOf(o, view) !== band)
        continue;
      leads.push({
        gapM: o.sM,
        speedMps: Math.max(0, o.alongMps),
        stop: o.alongMps < 0.3,
        why: `in the borrowed lane: ${o.id}`,
      });
    }
  }
  // nudging past one blocker, the next one in the lane that no nudge passes is already a wait
  // point. The analyst names it the blocker only once the first is passed, and its wait then, a
  // comfortable stop from there, came 0.6 m ahead at 1.9 m/s and braked at 4.3 m/s² (CARLA
  // Slalom). The ego cannot wait beside the one it passes: the wait is just past it (where the
  // next becomes the blocker, plus `stopMarginM`), or `blockerRoomM` before the next if that is
  // further on — points that stay put as the ego drives, so the braking to them is planned once —
  // no nearer than a comfortable stop, and never nearer the next than `stopMarginM` (than
  // `barredWaitM` where no way round the next can open: its own wait is there). It stands for
  // the next one's own wait while the nudge lasts.
  let nextWait: { id: string; gapM: number } | undefined;
  const nudged = nudging ? view.objects.find((o) => o.id === lateral.passingId) : undefined;
  if (nudged) {
    let next: RouteObject | undefined;
    for (const o of view.objects) {
      if (o.id === nudged.id || o.sM > p.borrowLookM * 2 || (next && o.sM >= next.sM)) continue;
      if (isBlocker(o, view, p) && !inLaneNudge(view, o, p)) next = o;
    }
    if (next) {
      const justPastM = nudged.sM + BLOCKER_PASSED_M + p.stopMarginM;
      const open = wayRoundMayOpen(view, next, p);
      const nearestM = open ? p.stopMarginM : barredWaitM(p);
      const roomM = open ? p.blockerRoomM : nearestM;
      const earliestM = Math.max(justPastM, next.sM - roomM, (v * v) / (2 * p.comfortDecelMps2));
      nextWait = { id: next.id, gapM: Math.max(0, Math.min(earliestM, next.sM - nearestM)) };
      leads.push({
        gapM: nextWait.gapM,
        speedMps: 0,
        stop: true,
        why: `wait behind ${next.id} (next past ${nudged.id})`,
      });
    }
  }
  // wait behind a blocker (leaving room to steer out); while oncoming traffic is still to pass,
  // time the arrival so the ego is still rolling when the lane opens (a pass from a standstill
  // swings out hardest)
  if (
    blockerH &&
    !borrowing &&
    !changing &&
    !(nudging && blockerH.agentId === lateral.passingId) &&
    blockerH.agentId !== nextWait?.id
  ) {
    // the room to steer out only where a way round can open (`wayRoundMayOpen`): where every way
    // round is barred for good the ego waits at the queue's standstill gap (`barredWaitM`; CARLA
    // Slalom stood 7.7 m before a cone that no nudge passes, a static one beside it in the
    // oncoming lane)
    const blockerObj = view.objects.find((o) => o.id === blockerH.agentId);
    const keepRoom = !blockerObj || wayRoundMayOpen(view, blockerObj, p);
    const room = robot
      ? keepRoom
        ? 1.5
        : barredWaitM(p)
      : keepRoom
        ? clamp(blockerH.distanceM - (v * v) / (2 * p.comfortDecelMps2), p.stopMarginM, p.blockerRoomM)
        : barredWaitM(p);
    const dWait = Math.max(0, blockerH.distanceM - room);
    let passS = 0;
    if (g.left?.opposite && keepRoom) {
      for (const o of view.objects) {
        if (o.alongMps > -0.3 || bandOf(o, view) !== 'left') continue;
        if (o.sM + o.lengthM < -view.egoLengthM) continue;
        passS = Math.max(passS, (o.sM + o.lengthM + view.egoLengthM) / (-o.alongMps + v));
      }
    }
    const creep = clamp(dWait / Math.max(passS, 0.1), robot ? 0.3 : 2.0, vMax);
    // the lane clears before we reach the wait point: roll on at the timed speed, no stop planned
    const clearsFirst = passS > 0 && passS < dWait / Math.max(creep, 0.1);
    if (!clearsFirst)
      leads.push({ gapM: dWait, speedMps: 0, stop: true, why: `wait behind ${blockerH.agentId}` });
    if (passS > 0 && creep < vMax) {
      const why = `arrive as the oncoming lane clears (${passS.toFixed(1)} s)`;
      // far from the wait point: slow down toward it as behind a car going at the timed speed
      // (a lower speed cap would brake at once, harder than needed); near it: the cap
      if (dWait > 10) leads.push({ gapM: dWait, speedMps: creep, stop: false, why });
      else {
        vMax = creep;
        caps.push(why);
      }
    }
  }
  // signals
  const sl = g.nextStopLine;
  if (sl && sl.distanceM > -0.5) {
    const d = Math.max(0, sl.distanceM - 0.3);
    if (sl.signal === 'RED') leads.push({ gapM: d, speedMps: 0, stop: true, why: 'red light' });
    else if (sl.signal === 'YELLOW' && (v * v) / (2 * Math.max(d, 0.1)) <= p.yellowStopDecelMps2)
      leads.push({ gapM: d, speedMps: 0, stop: true, why: 'yellow light, stoppable' });
    else if (sl.kind === 'stop_sign' && !(d < 1.5 && v < 0.3))
      leads.push({ gapM: d, speedMps: 0, stop: true, why: 'stop sign' });
  }
  // yield at conflict points
  const aGo = Math.max(p.accelMaxMps2, 0.5);
  const vGo = Math.max(vMax, robot ? 0.5 : 3);
  // each crossing vehicle's window at our path (for the gaps behind the ones yielded to), and the
  // yields to vehicles whose gap behind can be timed (the arrival is decided after the loop)
  const windows: { inS: number; outS: number }[] = [];
  const timed: {
    id: string;
    lead: VirtualLead;
    cap?: number;
    inS: number;
    entryM: number;
    outS: number;
    clearM: number;
    /** Its front's distance to the strip our body sweeps, m (0: at or in it). */
    toEntryM: number;
  }[] = [];
  let untimed = false;
  for (const c of g.crossing) {
    const o = view.objects.find((x) => x.id === c.agentId);
    const vru = c.kind === 'pedestrian' || c.kind === 'cyclist';
    // merging into our lane the way we go (a cut-in): follow it from where it joins, do not stop
    // (it joins our lane `agentTimeS` from now and is beside us until then: one pulling away, faster
    // than us, is followed at the gap it will have when it joins — not braked for as if it were
    // ahead in our lane already, at a gap it only has now)
    // …and so is one already ahead in our path going our way, however slowly: it drives along our
    // path, so its rear never "gets out" of it (timed as a crossing, a car at 0.6 m/s 24 m ahead in
    // our lane opened its gap in 42 s and the ego crawled, CommonRoad DEU_Muehlhausen-2_2_T-1)
    if (
      !vru &&
      o &&
      o.alongMps > 0.5 * Math.max(o.speedMps, 0.1) &&
      (o.alongMps > 1 || (o.sM > 0 && inOurPath(o, view)))
    ) {
      // …but one that has come up from behind and overlaps our footprint now (a log-replayed car
      // driving through the ego) is no lead: its rear is behind our front, there is no gap to keep
      // to it, and braking only keeps us where it drives (nuPlan: its contact is ACTIVE_REAR)
      if (o.alongMps > v && overlapsEgo(o, view)) continue;
      const joinGapM = o.sM + Math.max(0, o.alongMps - v) * Math.max(0, c.agentTimeS);
      // …nor one whose front is still behind our rear bumper when it joins: it merges in behind us,
      // a follower (its near end is its front; taken as a lead at gap 0 it had the ego brake at
      // 6 m/s² for a car 8 m behind in the next lane, CommonRoad ZAM_Tutorial-1_1_T-1)
      if (o.sM < -view.egoLengthM && joinGapM < -view.egoLengthM) continue;
      // …nor one wholly behind us in our path: it can join ahead of us only by driving through the
      // ego, so it follows us, whatever its lane path does further on (a log car 41 m behind in our
      // lane, its path turning off past us, read as joining 2.9 m "behind" our front: IDM braked at
      // 6 m/s² from a crawl, wild DEU_Flensburg-28_1)
      if (o.sM < -view.egoLengthM && inOurPath(o, view)) continue;
      // …and from a standstill the ego does not move off while one faster than it is still beside
      // it closing in sideways: it is where the car goes (when its centre joins our line, the time
      // the join gap is read at, its side has long met ours: a 0.15 rad merge from the next lane,
      // read at 2.2 s, touched in 0.7 s). A one-tick move-off left the ego creeping at 0.07 m/s and
      // the car's side-swipe became the ego's at-fault contact (CommonRoad crime USA_US101-5_1_T-1)
      if (v <= p.mergeHoldMps && o.sM < 0 && o.alongMps > v + 1 && closingSideways(o, view)) {
        leads.push({ gapM: 0, speedMps: 0, stop: true, why: `holding for ${c.agentId} merging alongside` });
        continue;
      }
      leads.push({
        gapM: Math.max(0, joinGapM),
        speedMps: o.alongMps,
        stop: false,
        why: `merging ${c.agentId}`,
        // (recovered behind once it drives our way or turns off away from us, not while it still
        // cuts in at an angle)
        ...(o.kind === 'vehicle' &&
        (o.alongMps >= GAP_RECOVERY_MERGE_ALIGN * o.speedMps || leavingSideways(o, view))
          ? { recoverAccelMps2: o.accelMps2 ?? 0 }
          : {}),
      });
      continue;
    }
    // gone by: its rear is past every part of our footprint in its path (what the box says, not
    // whether perception still lists it) — the yield, kept or not, ends here
    if (!vru && o && !o.entry && o.rearPastM !== undefined && o.rearPastM >= p.gapRearMarginM) continue;
    // …and a walker or cyclist whose body has crossed our footprint's way and walks on away from it
    // (its path meets ours only behind it): the yield ends too — held until perception dropped it,
    // the ego braked on to a standstill 1.5 m short of a pedestrian already out of its lane, the
    // last metre at 6.5 m/s², and pulled away from rest (esmini alks_pedestrian). The gate's VRU
    // rules still cap the speed passing near it
    if (vru && o && !o.entry && o.rearPastM !== undefined && o.rearPastM >= p.vruGoneByMarginM) continue;
    const agentLen = o ? Math.max(o.lengthM, o.widthM) : vru ? 0.6 : 4.5;
    const tArr = timeToCover(c.conflictM, v, vGo, aGo);
    let tClear = timeToCover(c.conflictM + view.egoLengthM + (vru ? 1 : agentLen), v, vGo, aGo);
    // …and not before our footprint has left its path (on a turn across it, further than the
    // centreline point plus the lengths)
    if (!vru && o?.entry && Number.isFinite(o.entry.egoExitM))
      tClear = Math.max(tClear, timeToCover(o.entry.egoExitM, v, vGo, aGo));
    const occupyS = (agentLen + view.egoWidthM + (vru ? 1.0 : 1.0)) / Math.max(c.speedMps, vru ? 0.5 : 1);
    // a vehicle visibly braking gets there later than at constant speed (it stopping short is
    // `yieldsToUs` above)
    const braking = !vru && o?.accelMps2 !== undefined && o.accelMps2 <= -p.yieldingDecelMps2;
    const agentIn =
      braking && o?.entry
        ? Math.max(c.agentTimeS, timeAtBraking(o.entry.agentToEntryM, o.speedMps, -(o.accelMps2 ?? 0)))
        : c.agentTimeS;
    // when its rear has gone by our footprint's part in its path, with the margins (a braking
    // vehicle: at that braking; one that stops first never does)
    const rearOutS =
      !vru && o?.entry
        ? (braking
            ? timeAtBraking(o.entry.agentClearM + p.gapRearMarginM, o.speedMps, -(o.accelMps2 ?? 0))
            : (o.entry.agentClearM + p.gapRearMarginM) / Math.max(o.speedMps, 0.1)) + p.gapRearS
        : undefined;
    // going by: it is committed to our path (`committedToPath`: it can no longer stop short of it
    // for us, so no driver brakes to let us go and none waits in front of it) and its rear, with
    // the margins, is out before we could get there: the gap behind it is sound and the yield ends
    // here (waiting on until its centre is across too loses the pull-away's first second for nothing)
    if (
      !vru &&
      o &&
      rearOutS !== undefined &&
      committedToPath(o, p) &&
      rearOutS <= timeToCover(o.entry?.egoEntryM ?? 0, v, vGo, aGo)
    )
      continue;
    const agentOut = Math.max(c.agentTimeS + occupyS, rearOutS ?? -Infinity);
    // from (near) standstill the ego loses time getting going (HCM start-up lost time): ask more
    const before = p.yieldBeforeS + (v < 1 ? p.startUpLostS : 0);
    // a vehicle braking to a stop (or standing) before our path lets us go: taking the turn it
    // offers is what it expects (waiting too would leave both standing)
    if (!vru && o && yieldsToUs(o, p)) continue;
    // …and so does one whose light turns it back before our path (it can stop there comfortably)
    if (!vru && o && stopsForSignal(o, p, view.clearingOnRed === true)) continue;
    if (!vru) windows.push({ inS: agentIn, outS: agentOut });
    // already in its path (our footprint inside the strip its body sweeps) and out of it, by
    // `yieldBeforeS`, before it gets there: a stop would leave us standing in its way when it
    // comes — clearing its path is the yield. Stopped there at 6 m/s², "in 0.0 m" of the point
    // (reach DEU_Muehlhausen-11_1_T-1: at 1.7 m/s, out of the path in 6 m, the car there in 4.3 s)
    if (
      !vru &&
      o?.entry &&
      o.entry.egoEntryM <= 0 &&
      Number.isFinite(o.entry.egoExitM) &&
      timeToCover(o.entry.egoExitM, v, vGo, aGo) + p.yieldBeforeS <= agentIn
    )
      continue;
    const kept = memory?.yieldTo.has(c.agentId) === true;
    // gap acceptance ahead of it: it gets there no sooner than `yieldGapS` after we have cleared
    // (never counting on it braking for us), or it has gone before we arrive
    const conflict = kept || (agentIn < tClear + p.yieldGapS && agentOut > tArr - before);
    if (!conflict) continue;
    // committed: already at the conflict at speed, going on clears it sooner than stopping (vehicles)
    if (!vru && c.conflictM < 1 && v > 3) continue;
    const margin = vru ? p.stopMarginM + (robot ? 0.4 : 1.0) : p.stopMarginM;
    // the stop point chosen when the yield began stands: as the agent passes, the point where it
    // meets our corridor slides toward us (it is then beside our path), not the crossing itself
    const frontS = view.egoSM + view.egoFrontM;
    let stopS = Math.max(
      frontS + Math.max(0, c.conflictM - margin),
      memory?.yieldTo.get(c.agentId) ?? -Infinity,
    );
    // …but never past where our footprint enters its path (on a turn across it, our front corner
    // gets there before the centreline point does)
    if (o?.entry) stopS = Math.min(stopS, frontS + Math.max(0, o.entry.egoEntryM - margin));
    yielded?.set(c.agentId, stopS);
    const gapM = Math.max(0, stopS - frontS);
    // the conflict itself: where our footprint enters its path (else where it meets our corridor)
    const hardGapM = Math.max(gapM, Math.min(c.conflictM, o?.entry?.egoEntryM ?? Infinity));
    const lead: VirtualLead = {
      gapM,
      speedMps: 0,
      stop: true,
      why: `yield to ${c.kind} ${c.agentId} (it is there at ${agentIn.toFixed(1)} s, we clear at ${tClear.toFixed(1)} s${kept ? '; yielding since before' : ''})`,
      ...(!vru && Number.isFinite(hardGapM) ? { hardGapM } : {}),
    };
    // a vehicle to yield to, with the stop point beyond the braking curve: hold the approach speed
    // (capped so that braking at `yieldBrakeMps2` still stops there) and decide again on the way —
    // braking early leaves a driver who would let us go no reason to
    const far = !vru && !robot && gapM - p.minGapM > (v * v) / (2 * p.yieldBrakeMps2) + v * p.targetLookS;
    const cap = far ? Math.sqrt(2 * p.yieldBrakeMps2 * (gapM - p.minGapM)) : undefined;
    if (!vru && !robot && o?.entry && rearOutS !== undefined && Number.isFinite(rearOutS)) {
      const clearM = Number.isFinite(o.entry.egoExitM)
        ? o.entry.egoExitM - o.entry.egoEntryM
        : view.egoLengthM + agentLen;
      timed.push({
        inS: agentIn,
        id: c.agentId,
        lead,
        ...(cap !== undefined ? { cap } : {}),
        entryM: o.entry.egoEntryM,
        outS: rearOutS,
        clearM,
        toEntryM: o.entry.agentToEntryM,
      });
      continue;
    }
    untimed = true;
    if (cap !== undefined) {
      if (cap < vMax) {
        vMax = cap;
        caps.push(`stoppable before ${c.agentId}`);
      }
      continue;
    }
    leads.push(lead);
  }
  // timed approach to the vehicles yielded to (a gap between them is taken only when we clear it
  // `yieldGapS` before the next one gets there): the stop point is kept, but the ego rolls on to
  // meet the gap as it opens — then where braking at `yieldBrakeMps2` still stops it short of its
  // entry into their path, at the speed that needs (a stand at the stop point followed by a
  // standing start loses what the roll keeps) — and, while one of them is still to reach our path,
  // slowly enough not to look as if we pull out
  let passing = false;
  if (timed.length > 0 && !untimed) {
    let tEnter = Math.max(...timed.map((w) => w.outS));
    let tIn = Math.max(...timed.map((w) => w.inS));
    const clearM = Math.max(...timed.map((w) => w.clearM));
    const crossS = timeToCover(clearM, 0, vGo, aGo);
    windows.sort((x, y) => x.inS - y.inS);
    for (const w of windows)
      if (w.inS < tEnter + crossS + p.yieldGapS && w.outS > tEnter) {
        tEnter = w.outS;
        tIn = Math.max(tIn, w.inS);
      }
    const entryM = Math.min(...timed.map((w) => w.entryM));
    const stopM = Math.min(...timed.map((w) => w.lead.gapM));
    // every one of them is at our path already (its front at the strip our body sweeps): none can
    // still yield, so there is nothing left to show; the stop point is then kept by a speed cap (below)
    passing = timed.every((w) => w.toEntryM <= 0);
    const show = passing ? Infinity : Math.max(0, entryM - p.yieldShowMarginM) / p.yieldShowS;
    // at constant speed v until the gap opens (T), then braking at b: v·T + v²/(2b) = the room
    // to our entry less `yieldShowMarginM` (never less than to the stop point)
    const bY = p.yieldBrakeMps2;
    const T = Math.max(tEnter, 0.1);
    const roomM = Math.max(stopM, entryM - p.yieldShowMarginM);
    const timedMps = bY * (-T + Math.sqrt(T * T + (2 * roomM) / bY));
    const target = Math.min(show, timedMps);
    if (target < vMax && target < v + p.accelMaxMps2 * p.targetLookS) {
      leads.push({
        gapM: Infinity,
        speedMps: v,
        stop: false,
        why: `yield to ${timed.map((w) => `vehicle ${w.id}`).join(', ')}: approach timed (in our corridor in ${Math.max(0, tIn).toFixed(1)} s; its gap opens in ${tEnter.toFixed(1)} s)`,
        accelMps2: clamp((target - v) / p.targetLookS, -p.rollDecelMps2, p.accelMaxMps2),
      });
    }
  }
  for (const w of timed) {
    if (passing) {
      // braking at `yieldBrakeMps2` still stops at the stop point (with half a metre in hand); the
      // stop lead only at the point itself (it would brake the roll from well before it)
      const cap = Math.sqrt(2 * p.yieldBrakeMps2 * Math.max(0, w.lead.gapM - 0.5));
      if (cap < vMax) {
        vMax = cap;
        caps.push(`stoppable before ${w.id}`);
      }
      if (w.lead.gapM < 1) leads.push(w.lead);
      continue;
    }
    if (w.cap !== undefined) {
      if (w.cap < vMax) {
        vMax = w.cap;
        caps.push(`stoppable before ${w.id}`);
      }
    } else leads.push(w.lead);
  }
  for (const h of analysis.hazards) {
    if (h.kind !== 'crosswalk_occupied') continue;
    leads.push({
      gapM: Math.max(0, h.distanceM - p.stopMarginM),
      speedMps: 0,
      stop: true,
      why: `crosswalk occupied by ${h.agentId}`,
    });
  }

  // IDM against every virtual lead; the most restrictive wins
  const aMax = p.accelMaxMps2;
  const b = p.comfortDecelMps2;
  const free = aMax * (1 - (v / Math.max(vMax, 0.1)) ** 4);
  let a = free;
  let binding: VirtualLead | undefined;
  let bindingOpening = false;
  for (const l of leads) {
    if (l.accelMps2 !== undefined) {
      if (l.accelMps2 < a) {
        a = l.accelMps2;
        binding = l;
        bindingOpening = false;
      }
      continue;
    }
    const g0 = l.stop ? 1.0 : p.minGapM;
    const sStar =
      g0 +
      v * (l.stop ? 0.5 : (l.headwayS ?? p.headwayS)) +
      (v * (v - l.speedMps)) / (2 * Math.sqrt(aMax * b));
    const gap = Math.max(l.gapM, 0.05);
    let ai = aMax * (1 - (v / Math.max(vMax, 0.1)) ** 4 - (Math.max(sStar, 0) / gap) ** 2);
    // only where the gap is opening (a lead as fast or faster): behind a slower or braking lead IDM
    // stays as it is (reflection's comfortable stop then shapes the braking; blending there made the
    // command alternate between the two, USA_US101-3_3_T-1 jerk)
    const opening =
      l.leadAccelMps2 !== undefined && p.accCoolness > 0 && l.speedMps >= v && l.leadAccelMps2 > -0.5;
    if (opening)
      ai = accAccelMps2(ai, cahAccelMps2(v, l.speedMps, l.leadAccelMps2 ?? 0, gap, aMax), b, p.accCoolness);
    const recover = l.stop ? undefined : gapRecoveryMps2(v, l, gap, p);
    const recovering = recover !== undefined && ai < -recover;
    if (recovering) ai = -recover;
    if (ai < a) {
      a = ai;
      binding = l;
      // the onset is softened only while the gap truly opens: a lead as fast that has begun to
      // brake (its measured acceleration lags) closes it; and where only the headway is recovered
      // (the lead not braking harder than 0.5 m/s², its closing within the comfortable braking)
      bindingOpening = (opening && l.speedMps > v && (l.leadAccelMps2 ?? -1) >= 0) || recovering;
    }
  }
  let capNote = caps.length > 0 ? `; capped by ${caps.join(', ')}` : '';
  if (binding?.stop) {
    const d = marginStopM(binding, v, p);
    const need = (v * v) / (2 * Math.max(d, 0.1));
    // …or when the IDM speed one look-ahead on is (near) zero: a DECELERATE to 0 is executed as a
    // speed step, braking far harder than the stop needs
    const idmTarget = v + clamp(a, -p.maxDecelMps2, aMax) * p.targetLookS;
    if ((v < 0.5 && d < 4) || need >= 0.5 * b || d < 1 || idmTarget < 0.5) {
      const roll = rollOnToStop(d, v, STOP_LEAD_MIN_DECEL_MPS2, `${binding.why} in ${d.toFixed(2)} m`);
      if (roll) return roll;
      return {
        speed: 'STOP',
        targetSpeedMps: 0,
        decelMps2: clamp(Math.max(need, STOP_LEAD_MIN_DECEL_MPS2), STOP_LEAD_MIN_DECEL_MPS2, p.maxDecelMps2),
        stopDistanceM: d,
        reason: `rule:stop — ${binding.why} in ${d.toFixed(1)} m${d > binding.gapM ? ` (${(d - binding.gapM).toFixed(1)} m into its margin)` : ''}${capNote}`,
      };
    }
  }
  // a lead that stands (a queue's last car, a walker waiting in the lane): IDM only tends to its
  // standstill gap, and its target near the end is a few cm/s that never stands (CARLA
  // ScenarioRunner PedestrianCrossingFront: 0.08 m/s for 37 s behind a walker who waited for the
  // ego to stand). Once the IDM speed one look-ahead on is near zero, or the ego is slow within a
  // few metres of it, it is a stop at the standstill gap (`minGapM`, or behind a car in a queue
  // `standstillGapM`: the IDM approach tends to `minGapM`, the stop then rolls up to it), held there.
  if (binding?.standing && !binding.stop && binding.accelMps2 === undefined) {
    const gapMin = binding.standGapM ?? p.minGapM;
    const d = Math.max(0, binding.gapM - gapMin);
    const idmTarget = v + clamp(a, -p.maxDecelMps2, aMax) * p.targetLookS;
    if ((v < 0.5 && d < 4) || idmTarget < 0.5) {
      const roll = rollOnToStop(
        d,
        v,
        STANDING_LEAD_MIN_DECEL_MPS2,
        `${gapMin.toFixed(1)} m behind ${binding.why}`,
      );
      if (roll) return roll;
      const need = (v * v) / (2 * Math.max(d, 0.1));
      return {
        speed: 'STOP',
        targetSpeedMps: 0,
        // just what reaches the gap: within a metre of it the stop has no point (compose's creep
        // stop) and the braking alone sets where the ego stands
        decelMps2: clamp(need, STANDING_LEAD_MIN_DECEL_MPS2, p.maxDecelMps2),
        stopDistanceM: d,
        reason: `rule:stop — ${binding.why} stands: at ${gapMin.toFixed(1)} m behind it, in ${d.toFixed(1)} m${capNote}`,
      };
    }
  }
  a = clamp(a, -p.maxDecelMps2, aMax);
  // a lane change beginning: no more speeding up than its steering onset leaves room for
  // (`changeOnsetAccelMps2`), aimed at through the speed one look-ahead on
  const onset = !robot && a > p.changeOnsetAccelMps2 && changeOnset(view, lateral, p);
  if (onset) {
    a = p.changeOnsetAccelMps2;
    caps.push('the lane change beginning');
    capNote = `; capped by ${caps.join(', ')}`;
  }
  // free road: aim at the allowed speed (the controller's own acceleration limit shapes the rise);
  // behind something: the IDM speed one look-ahead on
  const target = binding === undefined && a > 0 && !onset ? vMax : clamp(v + a * p.targetLookS, 0, vMax);
  const why = binding ? binding.why : 'free road';
  const decision: RuleLongitudinalDecision =
    a < -0.15
      ? {
          speed: 'DECELERATE',
          targetSpeedMps: target,
          decelMps2: clamp(-a, 0.3, p.maxDecelMps2),
          stopDistanceM: null,
          reason: `rule:idm — ${why}${capNote}`,
          // behind a lead pulling away the braking only restores the headway: built up at an ACC's
          // jerk (a step to −3 m/s² there failed nuPlan's jerk bound, DEU_Ibbenbueren-10_2_T-1)
          ...(bindingOpening ? { onsetJerkMps3: p.accOnsetJerkMps3 } : {}),
        }
      : {
          speed: a > 0.15 ? 'ACCELERATE' : 'KEEP',
          targetSpeedMps: target,
          decelMps2: null,
          stopDistanceM: null,
          reason: `rule:idm — ${why}${capNote}`,
        };
  return view.speedLimitPosted === false ? decision : underPostedLimit(decision, v, view.speedLimitMps, p);
}

/**
 * Where the ego waits behind a blocker that no way round can ever pass (`wayRoundMayOpen` false:
 * no usable neighbour, a static object in the pass, the pass ending in a junction), m short of it:
 * the queue's standstill gap (`standstillGapM`), never more than `stopMarginM`. Nothing is planned
 * round it, so the steering room buys nothing, as behind a car in a queue; what is kept is the
 * stop's accuracy (the creep stop lands within 0.05 m, the actuator lag adds ≤ 0.1 m). nuPlan's IDM
 * planner and PDM-Closed keep `min_gap_to_lead_agent` 1 m to any object, static ones included
 * (CARLA Slalom: a cone filling the lane's middle, the next across the centre line 10 m on, stood
 * at 1.95 m; the expert's IDM at 0.53 m).
 */
export function barredWaitM(p: HierarchicalParams): number {
  return Math.min(p.standstillGapM, p.stopMarginM);
}

/**
 * The standstill gap behind a lead that stands, where it is not `minGapM`: behind a car in a queue
 * (`inTrafficQueue`) `standstillGapM`, behind a blocker that no way round can pass `barredWaitM`
 * (the blocker's own wait point is there: a standing lead kept at `minGapM` stood the ego 2.4 m
 * short of it). Empty where the room to steer out stays (a walker, a car that may turn out parked,
 * a blocker a way round may open past).
 */
function standGap(o: RouteObject, view: WorldView, p: HierarchicalParams): { standGapM?: number } {
  if (inTrafficQueue(o, view, p)) return { standGapM: p.standstillGapM };
  if (isBlocker(o, view, p) && !wayRoundMayOpen(view, o, p)) return { standGapM: barredWaitM(p) };
  return {};
}

/**
 * Whether a lane change is beginning: commanded, with the body less than `changeOnsetM` over
 * towards its target (the lane graph's offset in the ego lane, not yet the target), or the route's
 * next change due within `changeOnsetLeadS` of travel either way (the lateral
 * agent begins it once the body is a length into its stretch, `rc.startM + egoLengthM ≤ 0`, and
 * a gap is there; one kept waiting longer is not capped).
 */
function changeOnset(view: WorldView, lateral: LateralChoice, p: HierarchicalParams): boolean {
  const g = view.laneGraph;
  if (lateral.path === 'LEFT_CHANGE' || lateral.path === 'RIGHT_CHANGE') {
    // (once in the target lane its offset there is no measure of the move: well under way)
    if (!g.egoLane || g.egoLane.laneId === lateral.targetLaneId) return false;
    const d = g.egoLane.dM;
    return (lateral.path === 'LEFT_CHANGE' ? d : -d) < p.changeOnsetM;
  }
  const rc = view.routeChange;
  // (from the ego's route position, whether or not its lane is the from-lane yet: a change due at
  // a bend's exit is made from the lane after the connector the ego is still on)
  if (!rc || lateral.path !== 'FOLLOW_LANE') return false;
  // due within the lead time: not a change kept waiting for a gap, at the speed it waits at
  const dueInM = rc.startM + view.egoLengthM;
  const leadM = view.egoSpeedMps * p.changeOnsetLeadS;
  return dueInM <= leadM && dueInM > -leadM;
}

/** The least braking of a stop at a stop point (a line, a conflict, a wait point), m/s². */
const STOP_LEAD_MIN_DECEL_MPS2 = 0.5;
/** The least braking of the stop behind a standing lead, m/s². */
const STANDING_LEAD_MIN_DECEL_MPS2 = 0.1;

/**
 * Within a creep stop's reach (`CREEP_STOP_M`, below `CREEP_STOP_MPS`: commanded without its point,
 * the braking alone sets where the ego stands), a stop whose braking to the point, v²/2d, is under
 * the stop's least braking `minDecelMps2` would stand short of it by d − v²/(2·minDecelMps2) — and
 * stay there, the stop held (CARLA FollowLeadingVehicle: 0.37 m/s 1.0 m before the standstill gap
 * behind a stopped car, braked at the 0.1 m/s² floor, stood 0.36 m short for 40 s). It rolls on at
 * its speed instead until that braking is what the point needs, then stops on it. Null: stop now
 * (the braking needed reaches the floor, or the ego is too slow to hold a speed: the controller
 * stands at targets ≤ `STANDSTILL_TARGET_MPS`).
 */
export function rollOnToStop(
  dM: number,
  vMps: number,
  minDecelMps2: number,
  what: string,
): RuleLongitudinalDecision | null {
  if (!(dM < CREEP_STOP_M) || !(vMps < CREEP_STOP_MPS) || !(vMps > STANDSTILL_TARGET_MPS)) return null;
  const stopsInM = (vMps * vMps) / (2 * minDecelMps2);
  if (stopsInM >= dM - ROLL_ON_TOLERANCE_M) return null;
  return {
    speed: 'KEEP',
    targetSpeedMps: vMps,
    decelMps2: null,
    stopDistanceM: null,
    reason: `rule:stop-roll — ${what}: braking at ${minDecelMps2} m/s² now stands ${(dM - stopsInM).toFixed(2)} m short; rolling on`,
  };
}

/** A creep stop that stands this close to its point is on it, m (a tick's travel at a walking pace). */
const ROLL_ON_TOLERANCE_M = 0.05;

/** Above the posted limit by more than this, m/s, the ego eases back under it (`underPostedLimit`). */
const OVER_LIMIT_TOLERANCE_MPS = 0.05;

/**
 * Above the posted limit (a start above it, a lower limit entered): back under it promptly — a
 * DECELERATE to the limit at no less than `comfortDecelMps2`, its braking built up at
 * `accOnsetJerkMps3` (ISO 15622's ACC bound: a set-speed change, no hazard) and released by the
 * controller so that it is 0 at the limit (peak braking √(j·Δv): 1.7 m/s² for 1.1 m/s over, shed
 * in ≈ 1.3 s). IDM's free-road term alone sheds the excess at a·((v/v₀)⁴ − 1): 0.11 m/s² for 1.7 %
 * over at 1.5 m/s², a KEEP that holds it for good, and 0.54 m/s² for 8 %, less as it falls (esmini
 * distance_test: 15 m/s on a 13.89 m/s road, still 0.4 m/s over after 2 s; now 0 after 1.3 s). At
 * `stopOnsetJerkMps3` (3 m/s³) nuPlan's Savitzky–Golay jerk read that ramp and its release at the
 * run's first tick as −4.39 m/s³, over its 4.13 (at 2.5: −3.85). A stop, or a decision that brakes at `comfortDecelMps2` or harder
 * already, is left as it is; so is a lane whose limit is the road class's default, not posted
 * (the caller: the importer's guess, which the run's metric does not score either).
 */
export function underPostedLimit(
  d: RuleLongitudinalDecision,
  vMps: number,
  postedMps: number,
  p: HierarchicalParams,
): RuleLongitudinalDecision {
  if (!(vMps > postedMps + OVER_LIMIT_TOLERANCE_MPS)) return d;
  // a stop, or braking at the comfortable rate or harder, sheds the excess already (with its own
  // onset, or as a step that reflection and the gate weigh as it is)
  if (d.speed === 'STOP' || (d.speed === 'DECELERATE' && (d.decelMps2 ?? 0) >= p.comfortDecelMps2)) return d;
  return {
    ...d,
    speed: 'DECELERATE',
    targetSpeedMps: Math.min(d.targetSpeedMps, postedMps),
    decelMps2: Math.max(d.decelMps2 ?? 0, p.comfortDecelMps2),
    onsetJerkMps3: p.accOnsetJerkMps3,
    reason: `${d.reason}; ${(vMps - postedMps).toFixed(2)} m/s over the posted ${postedMps.toFixed(2)} m/s: back under it`,
  };
}

/**
 * Speed cap for a pedestrian standing beside the path, facing it (within 60°), that could step out
 * (`stepOut*` parameters, as the gate's vru.stepOut): at a distance x from the point a metre short
 * of it the ego must be slow enough to stop there (`stopShort(x)`) or fast enough to be past before
 * it can reach the path (`clear(x)`). The two meet at x*, v*: beyond x* the ego keeps under the
 * stop-short speed, approaching v* at half the comfortable braking; inside x* at v* it clears first.
 * Infinity when no cap applies (not a pedestrian, in or past the path, behind, facing away).
 */
export function stepOutCapMps(o: RouteObject, view: WorldView, p: HierarchicalParams): number {
  if (o.kind !== 'pedestrian' || o.headingAcross === undefined) return Infinity;
  const half = Math.max(o.lengthM, o.widthM) / 2;
  const side = o.dM - view.egoDM;
  const clearance = Math.abs(side) - view.egoWidthM / 2 - half;
  if (clearance <= 1.0) return Infinity; // in the path: the crossing and crosswalk rules
  const facing = -Math.sign(side) * o.headingAcross;
  if (facing < 0.5) return Infinity;
  const d = o.sM - 1;
  if (d <= 0) return Infinity;
  const vTowards = Math.max(0, o.speedMps * facing);
  const tReach = timeToCover(clearance, vTowards, p.stepOutSpeedMps, p.stepOutAccelMps2);
  const tR = p.stepOutReactionS;
  const b = p.stepOutDecelMps2;
  const stopShort = (x: number): number => b * (-tR + Math.sqrt(tR * tR + (2 * Math.max(0, x)) / b));
  const clear = (x: number): number => (x + 1 + 2 * half) / Math.max(tReach, 0.1);
  // x*: the distance (0.5 m steps) beyond which stopping short needs a lower speed than clearing
  // (right at the point, crawling stops short too: the first stretch where it does not is skipped)
  let xStar = -1;
  let stopsShort = false;
  for (let x = 0; x <= d; x += 0.5) {
    if (stopShort(x) >= clear(x)) stopsShort = true;
    else if (stopsShort) {
      xStar = x;
      break;
    }
  }
  if (xStar < 0) return Infinity; // nearer than x*: at or above its clearing speed the ego is past first
  const vStar = stopShort(xStar);
  return Math.sqrt(vStar * vStar + 2 * (0.5 * p.comfortDecelMps2) * (d - xStar));
}

/**
 * The object's footprint overlaps the ego's now (boxes along the route: its rear behind our front
 * bumper and its front ahead of our rear, its side within our width).
 */
export function overlapsEgo(o: RouteObject, view: WorldView): boolean {
  if (!(o.sM < 0 && o.sM + o.lengthM > -view.egoLengthM)) return false;
  return Math.abs(o.dM - view.egoDM) < (o.widthM + view.egoWidthM) / 2;
}

/** The object moves sideways toward the ego's line (its centre on one side, its across speed to the other), m/s > 0.1. */
export function closingSideways(o: RouteObject, view: WorldView): boolean {
  return (o.dM - view.egoDM) * o.acrossMps < 0 && Math.abs(o.acrossMps) > 0.1;
}

/**
 * The object moves sideways away from the ego (its offset from the ego's, across the route, growing
 * at more than 0.1 m/s): a car turning off out of our lane, the mirror of `closingSideways`.
 */
export function leavingSideways(o: RouteObject, view: WorldView): boolean {
  return (o.dM - view.egoDM) * o.acrossMps > 0 && Math.abs(o.acrossMps) > 0.1;
}

/** The object's body is across the ego's width now (boxes along the route, its side within our width). */
export function inOurPath(o: RouteObject, view: WorldView): boolean {
  return Math.abs(o.dM - view.egoDM) < (o.widthM + view.egoWidthM) / 2;
}

/** When a body at speed v braking at b covers d, s (Infinity: it stops before). */
export function timeAtBraking(dM: number, v: number, b: number): number {
  if (dM <= 0) return 0;
  const disc = v * v - 2 * b * dM;
  if (disc < 0) return Infinity;
  return (v - Math.sqrt(disc)) / b;
}

/**
 * A crossing vehicle is committed to our path: its front is in the strip our body sweeps, or so
 * close to it that even the hardest braking (`maxDecelMps2`, an emergency stop) would not stop it
 * short. It can no longer yield to us — no driver brakes to let us go any more (the reactive agents
 * do not yield where they cannot stop before the conflict) — so the gap behind it opens when its rear
 * gets out (its braking, if any, counted in when that is). Needs the path entry.
 */
export function committedToPath(o: RouteObject, p: HierarchicalParams): boolean {
  if (!o.entry) return false;
  const v = Math.max(0, o.speedMps);
  return o.entry.agentToEntryM <= (v * v) / (2 * p.maxDecelMps2);
}

/**
 * A crossing vehicle yields to us: it stands, or brakes (≥ `yieldingDecelMps2`) to a stop, short
 * of the strip our body sweeps by `yieldingMarginM`. Needs the path entry and an acceleration.
 */
export function yieldsToUs(o: RouteObject, p: HierarchicalParams): boolean {
  if (!o.entry || o.accelMps2 === undefined) return false;
  const room = o.entry.agentToEntryM - p.yieldingMarginM;
  if (room <= 0) return false;
  const v = o.speedMps;
  if (v < 0.3) return o.accelMps2 < 0.2;
  if (o.accelMps2 > -p.yieldingDecelMps2) return false;
  return (v * v) / (2 * -o.accelMps2) < room;
}

/**
 * A crossing vehicle will stop at its own red or yellow light before it reaches the strip our body
 * sweeps: the stop line lies `yieldingMarginM` or more short of our path, and stopping there takes
 * at most `yellowStopDecelMps2` (the braking a driver accepts to stop for a yellow), or it is
 * braking hard enough to stop there already; one who would need harder braking may run it, red or
 * yellow, and stays a conflict. While the ego clears its junction on red (`clearing`), a driver
 * whose light is red and who cannot stop at the line is taken to brake at `yellowStopDecelMps2`
 * and come to rest over it — a stop `clearingOvershootMarginM` or more short of our path lets us
 * go (Autoware's intersection module: "skip on RED", the tolerable overshoot).
 */
export function stopsForSignal(o: RouteObject, p: HierarchicalParams, clearing = false): boolean {
  const s = o.signalStop;
  if (!s || !o.entry) return false;
  if (s.distanceM > o.entry.agentToEntryM - p.yieldingMarginM) return false;
  // (the rule the gate forecasts other drivers' lights by: comfortable, or braking hard enough already)
  if (stopsForLight(o.speedMps, s.distanceM, p.yellowStopDecelMps2, o.accelMps2)) return true;
  if (!clearing || s.signal !== 'RED') return false;
  const margin = Math.max(p.yieldingMarginM, p.clearingOvershootMarginM);
  return brakingDistanceM(o.speedMps, p.yellowStopDecelMps2) <= o.entry.agentToEntryM - margin;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
