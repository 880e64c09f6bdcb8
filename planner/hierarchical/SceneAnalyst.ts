/**
 * The scene analyst (first agent): hazards most urgent first, the limits in force, what the route
 * asks for next, and whether the scene is unusual. Rules backend: a deterministic reading of the
 * lane graph and the objects along the route.
 */
import type { Hazard, RouteIntent, SceneAnalysis } from './AgentOutputs.ts';
import type { HierarchicalParams } from './HierarchicalParams.ts';
import type { RouteObject, WorldView } from './WorldView.ts';

/** A route turn sharper than this through the next junction is a turn, rad (~35°). */
const TURN_RAD = 0.6;
/** Oncoming traffic is listed within this range, m (cars; robots: a fifth). */
const ONCOMING_RANGE_M = 150;

/** The lateral band an object occupies relative to the ego lane. */
export type Band = 'ego' | 'left' | 'right' | 'beside-left' | 'beside-right' | 'off';

/** Which band of the road an object's footprint overlaps most (straight-road reading of dM). */
export function bandOf(o: RouteObject, view: WorldView): Band {
  const half = view.laneWidthM / 2;
  const reach = o.widthM / 2;
  // overlaps the ego lane by more than 0.3 m → in it
  if (Math.abs(o.dM) - reach < half - 0.3) return 'ego';
  if (o.dM > 0) {
    if (view.leftWidthM > 0 && o.dM < half + view.leftWidthM + 0.5) return 'left';
    return o.dM - reach < half + 3 ? 'beside-left' : 'off';
  }
  if (view.rightWidthM > 0 && -o.dM < half + view.rightWidthM + 0.5) return 'right';
  return -o.dM - reach < half + 3 ? 'beside-right' : 'off';
}

/** A blocker whose near end is this far behind the ego's front is passed (the next one is the blocker), m. */
export const BLOCKER_PASSED_M = 0.5;

/** An object stands in the ego lane and will not move on its own (parked, broken down). */
export function isBlocker(o: RouteObject, view: WorldView, p: HierarchicalParams): boolean {
  if (bandOf(o, view) !== 'ego' || o.sM < -BLOCKER_PASSED_M) return false;
  // the ego keeps its own lane's centre (FOLLOW_LANE): an object that leaves its footprint there
  // the room a nudge past it would leave (`nudgeClearanceM`) is beside the lane, not in it
  const clear = view.egoWidthM / 2 + p.nudgeClearanceM;
  if (o.laneSpan && (o.laneSpan.minM >= clear || o.laneSpan.maxM <= -clear)) return false;
  if (o.kind === 'static') return true;
  if (o.kind === 'pedestrian' || o.kind === 'cyclist') return false;
  if (o.standingS < p.parkedAfterS) return false;
  if (stoppedInTraffic(o, view, p)) return false;
  // a queue at a stop line or a junction is traffic, not a blocker
  return !queuedAtStop(o, view);
}

/** It stands where traffic queues: within 15 m of the next stop line or 10 m of the next junction. */
function queuedAtStop(o: RouteObject, view: WorldView): boolean {
  const sl = view.laneGraph.nextStopLine;
  if (sl && sl.distanceM < o.sM + o.lengthM + 15) return true;
  const j = view.laneGraph.nextJunction;
  return !!j && j.distanceM < o.sM + o.lengthM + 10;
}

/**
 * A vehicle that stands in the flow of traffic and is never a blocker to pass (`isBlocker`): one
 * seen driving that stopped in the lane (`stoppedInTraffic`) or one queued before a stop line or a
 * junction. The ego waits behind it at the queue's standstill gap (`standstillGapM`): no way round it
 * is planned, so no room to steer out is kept.
 */
export function inTrafficQueue(o: RouteObject, view: WorldView, p: HierarchicalParams): boolean {
  if (o.kind !== 'vehicle') return false;
  return stoppedInTraffic(o, view, p) || queuedAtStop(o, view);
}

/**
 * A vehicle we watched drive here (moved `seenDrivingM` since first seen) that stands in the lane
 * without pulling over to the kerb (`pulledOver`), its hazard lights off and not flagged parked: a
 * car in traffic that has stopped — for a queue, a walker in front of it, a passenger — whose stop
 * ends on its own. It is a stopped lead to wait behind, not a blocker to pass in the oncoming lane.
 * Autoware's static_obstacle_avoidance calls a vehicle stopped in the ego lane without pulling over
 * "ambiguous" and by default (`policy: manual`) passes none without an operator; we keep passing the
 * ones first seen standing after `parkedAfterS` (its `auto` policy's `th_stopped_time`), where
 * nothing tells a parked car from a stopped one, and wait for the ones seen driving.
 */
export function stoppedInTraffic(o: RouteObject, view: WorldView, p: HierarchicalParams): boolean {
  if (o.kind !== 'vehicle' || o.parked === true || o.hazardLights) return false;
  if (o.movedM === undefined || o.movedM < p.seenDrivingM) return false;
  return !pulledOver(o, view, p);
}

/**
 * Its centre is pulled over towards a side of the ego lane with no lane beyond (the kerb), by at
 * least `pulledOverOffsetM` and by more than `pulledOverRatio` of the most it could move over inside
 * the lane plus `pulledOverShoulderM` (Autoware's `isParkedVehicle`: offset over shiftable length).
 */
export function pulledOver(o: RouteObject, view: WorldView, p: HierarchicalParams): boolean {
  const offsetM = o.laneSpan ? (o.laneSpan.minM + o.laneSpan.maxM) / 2 : o.dM;
  if (Math.abs(offsetM) < p.pulledOverOffsetM) return false;
  const kerbSide = offsetM > 0 ? view.leftWidthM === 0 : view.rightWidthM === 0;
  if (!kerbSide) return false;
  const shiftableM = Math.max(0, (view.laneWidthM - o.widthM) / 2) + p.pulledOverShoulderM;
  return Math.abs(offsetM) / shiftableM > p.pulledOverRatio;
}

/** Runs the analyst's rules on one view. */
export function analyseScene(view: WorldView, p: HierarchicalParams): SceneAnalysis {
  const g = view.laneGraph;
  const hazards: Hazard[] = [];
  const notes: string[] = [];
  const robot = view.platform === 'robot';
  const half = view.laneWidthM / 2;
  // blocked lane (static / parked in the ego lane ahead)
  let blocked: RouteObject | undefined;
  for (const o of view.objects) {
    if (o.sM > p.borrowLookM * 2) continue;
    if (isBlocker(o, view, p) && (!blocked || o.sM < blocked.sM)) blocked = o;
  }
  if (blocked)
    hazards.push({ kind: 'blocked_lane', agentId: blocked.id, distanceM: blocked.sM, timeS: null });
  // the lead in the lane
  const lead = g.ego?.lead;
  if (lead && lead.agentId !== blocked?.id) {
    hazards.push({
      // (a lead of unknown speed is not known to stand: braked for as one, passed as none)
      kind: lead.speedMps < 0.5 && lead.speedKnown !== false ? 'stopped_lead' : 'lead',
      agentId: lead.agentId,
      distanceM: lead.gapM,
      timeS: lead.ttcS,
    });
  }
  // signals and stop signs
  const sl = g.nextStopLine;
  if (sl) {
    if (sl.signal === 'RED')
      hazards.push({ kind: 'red_light', agentId: null, distanceM: sl.distanceM, timeS: null });
    else if (sl.signal === 'YELLOW')
      hazards.push({ kind: 'yellow_light', agentId: null, distanceM: sl.distanceM, timeS: null });
    else if (sl.kind === 'stop_sign')
      hazards.push({ kind: 'stop_sign', agentId: null, distanceM: sl.distanceM, timeS: null });
  }
  // agents whose path crosses ours
  for (const c of g.crossing) {
    const vru = c.kind === 'pedestrian' || c.kind === 'cyclist';
    hazards.push({
      kind: vru ? 'crossing_vru' : 'crossing_vehicle',
      agentId: c.agentId,
      distanceM: c.conflictM,
      timeS: c.agentTimeS,
    });
  }
  // walkers on or next to the crosswalk ahead
  const cw = g.nextCrosswalk;
  if (cw) {
    for (const o of view.objects) {
      if (o.kind !== 'pedestrian' && o.kind !== 'cyclist') continue;
      // on the road (or within a metre of our lane), or walking towards it; one standing on the
      // pavement beside the crosswalk is the longitudinal agent's step-out cap, not a stop (braking
      // for it tells it that we yield)
      const near = Math.abs(o.dM) < half + 1;
      const towards = -Math.sign(o.dM) * o.acrossMps > 0.3 && Math.abs(o.dM) < half + (robot ? 1 : 3);
      if (Math.abs(o.sM - cw.distanceM) < 4 && (near || towards)) {
        hazards.push({ kind: 'crosswalk_occupied', agentId: o.id, distanceM: cw.distanceM, timeS: null });
        break;
      }
    }
  }
  // parked things beside the lane that hide walkers
  for (const o of view.objects) {
    if (o.id === blocked?.id || o.sM > (robot ? 10 : 60) || o.sM + o.lengthM < 0) continue;
    const standingStill = o.kind === 'static' || (o.kind === 'vehicle' && o.standingS >= 1);
    if (!standingStill) continue;
    const band = bandOf(o, view);
    const edgeGap = Math.abs(o.dM) - o.widthM / 2 - half;
    const beside =
      (band === 'beside-left' || band === 'beside-right' || band === 'right') && edgeGap < p.occluderLateralM;
    if (beside && o.dM < 0 && o.widthM > (robot ? 0.4 : 1.2))
      hazards.push({ kind: 'occlusion', agentId: o.id, distanceM: o.sM, timeS: null });
  }
  // oncoming traffic in the left neighbour
  for (const o of view.objects) {
    if (o.alongMps > -1 || bandOf(o, view) !== 'left') continue;
    if (o.sM < -5 || o.sM > (robot ? ONCOMING_RANGE_M / 5 : ONCOMING_RANGE_M)) continue;
    hazards.push({ kind: 'oncoming_traffic', agentId: o.id, distanceM: o.sM, timeS: o.sM / -o.alongMps });
  }
  // cut-ins: a neighbour close ahead moving towards our lane
  for (const o of view.objects) {
    const band = bandOf(o, view);
    if ((band !== 'left' && band !== 'right') || o.sM < -2 || o.sM > (robot ? 5 : 30)) continue;
    const towards = band === 'left' ? -o.acrossMps : o.acrossMps;
    if (towards > (robot ? 0.15 : 0.5) && o.alongMps > -1)
      hazards.push({ kind: 'cut_in', agentId: o.id, distanceM: o.sM, timeS: null });
  }
  hazards.sort((a, b) => urgency(a) - urgency(b));

  // route intent
  let routeIntent: RouteIntent = 'KEEP_LANE';
  let changeByM: number | null = null;
  const next = g.successors[0];
  if (g.egoLane && !g.egoLane.onRoute && g.left && g.successors.some((s) => s.laneId === g.left!.laneId))
    routeIntent = 'CHANGE_LEFT';
  else if (
    g.egoLane &&
    !g.egoLane.onRoute &&
    g.right &&
    g.successors.some((s) => s.laneId === g.right!.laneId)
  )
    routeIntent = 'CHANGE_RIGHT';
  else if (next?.relation === 'left') routeIntent = 'CHANGE_LEFT';
  else if (next?.relation === 'right') routeIntent = 'CHANGE_RIGHT';
  else if (g.nextJunction && g.nextJunction.distanceM < (robot ? 8 : 60)) {
    routeIntent =
      view.routeTurnRad > TURN_RAD ? 'TURN_LEFT' : view.routeTurnRad < -TURN_RAD ? 'TURN_RIGHT' : 'STRAIGHT';
  }
  if (routeIntent === 'CHANGE_LEFT' || routeIntent === 'CHANGE_RIGHT') {
    const after = g.successors.find((s) => s.relation === 'successor');
    changeByM = after ? Math.max(0, after.startM) : null;
  }

  // unusual: what the rules were not written for
  let unusual = false;
  // World text (a sign, a radio or operator message) is noted, but does not make the scene unusual:
  // "unusual" hands the plan to the model (LLM-Assist), and a sign anyone can write would then choose
  // who plans — a hostile sign handed 150 of 150 plans to the model (review ux21 #2b). Text that
  // carries an order is the gate's to flag (`input.instruction`) and the plan's info says it was there.
  if (view.hasWorldText) notes.push('world text present (quoted, not obeyed; it does not ask the model)');
  if (blocked && !g.left && !g.right) {
    unusual = true;
    notes.push('lane blocked and no lane to go around');
  }
  if (sl?.signal === 'UNKNOWN') {
    unusual = true;
    notes.push('signal state unknown');
  }
  for (const o of view.objects) {
    if (
      o.kind === 'pedestrian' &&
      bandOf(o, view) === 'ego' &&
      o.sM > 0 &&
      !(cw && Math.abs(o.sM - cw.distanceM) < 5)
    ) {
      unusual = true;
      notes.push(`pedestrian ${o.id} in the lane away from a crosswalk`);
      break;
    }
  }
  if (blocked) notes.push(`lane blocked by ${blocked.id} in ${blocked.sM.toFixed(1)} m`);
  return {
    hazards: hazards.slice(0, 16),
    speedLimitMps: Math.min(view.speedLimitMps, view.curveCapMps, view.horizonCapMps ?? Infinity),
    routeIntent,
    changeByM,
    unusual,
    notes: notes.slice(0, 8),
  };
}

/** Sort key: conflicts and signals first, then by distance. */
function urgency(h: Hazard): number {
  const rank: Record<Hazard['kind'], number> = {
    crossing_vru: 0,
    crossing_vehicle: 1,
    cut_in: 1,
    red_light: 2,
    stop_sign: 2,
    yellow_light: 2,
    crosswalk_occupied: 2,
    blocked_lane: 3,
    stopped_lead: 3,
    lead: 4,
    occlusion: 5,
    oncoming_traffic: 6,
  };
  return rank[h.kind] * 1000 + Math.max(-999, Math.min(999, h.distanceM));
}
