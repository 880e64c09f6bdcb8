/**
 * Signals, stop lines and crosswalks along the ego's lane path, checked as far as the stopping
 * distance at the current speed reaches (never less, whatever the roll-out's length or the
 * command's horizon): no entry into a lane whose light is red (nor yellow when a stop needs less
 * than the dilemma-zone deceleration), a full stop at stop signs, no entry into a crosswalk a
 * pedestrian is on or stepping onto; and the ego must stay able to stop for each of them with at
 * most `signalStopDecelMps2` (or what it already needs now) at every step of the roll-out. Rail
 * crossings must never be stopped on.
 */
import { MovingPoseScratch, type Polygon, PoseScratch, pointInPolygon } from '../../core/index.ts';
import { STOP_POINT_MARGIN_M } from '../../core/vehicle/stopPointMargin.ts';
import { pieceAt } from '../LanePath.ts';
import {
  type CheckContext,
  firstUnstoppable,
  frontOffset,
  obligationLookEndM,
  q,
  type RuleSink,
  round,
} from './CheckContext.ts';

const pt = new PoseScratch();
/** A STOP whose stop point (front bumper) lies more than this past a red light's line stops past it, m (the executor's stop-point margin, `STOP_POINT_MARGIN_M`). */
const STOP_POINT_PAST_M = STOP_POINT_MARGIN_M;
const fq = { sM: 0, dM: 0, segment: 0 };

export function signalRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, map, snapshot, params, vehicle: veh } = ctx;
  const path = r.path;
  if (!path) {
    sink.pass('signal.light', 'ego off the lane graph');
    return;
  }
  const front = frontOffset(veh);
  const f0 = r.s[0]! + front;
  const v0 = r.v[0]!;
  const lookEnd = obligationLookEndM(ctx);
  const budget = params.signalStopDecelMps2;
  let lightDone = false;
  // --- lights: a RED / YELLOW light governs its lane's signal stop line where the lane has one
  // (CommonRoad and a hand-written map put the light on the approach lane, with the line at its
  // end; the ego is on that lane while it approaches), else the lane's entry (nuPlan: a light per
  // lane connector). Before, only lane entries counted: a KEEP at 12 m/s towards a red light named
  // on the ego's own lane, 40 m ahead, was allowed (red team 3). The nearest wins.
  const stops: { s: number; laneId: string; state: 'RED' | 'YELLOW'; lineId?: string }[] = [];
  for (const piece of path.pieces) {
    if (piece.fromS > lookEnd) break;
    for (const l of snapshot.lights) {
      if (l.laneId !== piece.laneId || (l.state !== 'RED' && l.state !== 'YELLOW')) continue;
      let lined = false;
      for (const sl of map.lane(piece.laneId)?.stopLines ?? []) {
        if (sl.kind !== 'signal') continue;
        lined = true;
        stops.push({ s: piece.fromS + sl.sM, laneId: piece.laneId, state: l.state, lineId: sl.id });
      }
      if (!lined) stops.push({ s: piece.fromS, laneId: piece.laneId, state: l.state });
    }
  }
  stops.sort((a, b) => a.s - b.s);
  // a STOP's own stop point (its `stopAt`, the front bumper's): the command says where the ego ends
  // up, whatever its roll-out does on the way (red team 10: a stop point 27 m ahead, past a red
  // line, was allowed while the roll-out at 3 m/s² still stopped short of the line — a later check,
  // or the executor braking for the point, drives to where the command said)
  const stopFrontS =
    ctx.command.speed === 'STOP' && ctx.command.stopAt && Number.isFinite(r.stopS)
      ? r.stopS + front
      : Number.NaN;
  for (const st of stops) {
    if (st.s <= f0 + 0.5 || st.s > lookEnd) continue;
    const dist = st.s - f0;
    const need = (v0 * v0) / (2 * Math.max(dist, 0.1));
    if (need > veh.maxDecelMps2) continue; // cannot stop any more: clearing the junction is the safe choice
    if (st.state === 'YELLOW' && need > params.yellowStopDecelMps2) continue; // dilemma zone: go
    const pastM = stopFrontS - st.s;
    const pointPast = pastM > STOP_POINT_PAST_M;
    const k = pointPast ? 0 : firstUnstoppable(ctx, st.s, budget);
    if (k < 0) continue;
    const where = st.lineId ? `, stop line ${q(st.lineId)},` : '';
    sink.fail(
      st.state === 'RED' ? 'signal.redLight' : 'signal.yellowLight',
      pointPast
        ? `${st.state.toLowerCase()} light for lane ${q(st.laneId)}${where} ${round(dist)} m ahead; the command's stop point lies ${round(pastM)} m past its line (a stop at the line needs ${round(need)} m/s²)`
        : `${st.state.toLowerCase()} light for lane ${q(st.laneId)}${where} ${round(dist)} m ahead; at t+${round(k * r.dtS, 1)} s the roll-out can no longer stop before it with ${round(Math.max(budget, need))} m/s² (a stop now needs ${round(need)} m/s²)`,
      {
        laneId: st.laneId,
        ...(st.lineId ? { stopLineId: st.lineId } : {}),
        distanceM: round(dist),
        requiredDecelMps2: round(need),
        atS: round(k * r.dtS, 2),
        ...(pointPast ? { stopPointPastLineM: round(pastM) } : {}),
      },
      // a red that the VETO's COMFORT_STOP (`comfortStopDecelMps2`) no longer meets is critical:
      // the EMERGENCY_STOP brakes for the line, where a COMFORT_STOP at 1 m/s² rolled on through
      // the junction (12 m/s, 10 m before a red line: 72 m; red team 3; 30 m before it, a stop
      // needing 2.6 m/s² — under the 3 m/s² signal budget — rolled 42 m past it; review 4)
      st.state === 'RED' && need > params.comfortStopDecelMps2
        ? { stopBeforeS: st.s - front - 0.5, critical: true }
        : { stopBeforeS: st.s - front - 0.5 },
    );
    lightDone = true;
    break;
  }
  if (!lightDone)
    sink.pass('signal.light', 'no red or yellow light entered', { lookAheadM: round(lookEnd - f0) });
  // --- stop lines: stop signs need a full stop; rail crossings must not be stopped on
  let stopDone = false;
  let railDone = false;
  for (const piece of path.pieces) {
    if (piece.fromS > lookEnd) break;
    const lane = map.lane(piece.laneId);
    if (!lane) continue;
    for (const sl of lane.stopLines) {
      const lineS = piece.fromS + sl.sM;
      if (sl.kind === 'stop_sign' && !stopDone && lineS > f0 - 0.5 && lineS < lookEnd) {
        // standing at the line (or having stopped in the roll-out) discharges the duty
        const standing = v0 < 0.3 && lineS - f0 < 5;
        const k = standing ? -1 : firstUnstoppable(ctx, lineS, budget);
        const needStop = (v0 * v0) / (2 * Math.max(lineS - f0, 0.1));
        if (k >= 0) {
          sink.fail(
            'signal.stopLine',
            `stop sign ${q(sl.id)} ${round(lineS - f0)} m ahead: at t+${round(k * r.dtS, 1)} s the roll-out can no longer stop before it`,
            { stopLineId: sl.id, distanceM: round(lineS - f0), atS: round(k * r.dtS, 2) },
            // as a red light: beyond the COMFORT_STOP's rate, the VETO's stop brakes for the line
            needStop > params.comfortStopDecelMps2
              ? { stopBeforeS: lineS - front - 0.3, critical: true }
              : { stopBeforeS: lineS - front - 0.3 },
          );
          stopDone = true;
        }
      }
      if (sl.kind === 'rail' && !railDone) {
        const a = lineS;
        const b = lineS + params.railCrossingLengthM;
        // no entry without room to clear it: a queue beyond the tracks would leave the ego standing
        // on them after the roll-out (a KEEP that is still moving over the crossing at its end)
        const queue = f0 < a - 0.5 ? queueBeyond(ctx, b, params.railClearRoomM) : '';
        if (queue) {
          const k = firstUnstoppable(ctx, a, budget);
          if (k >= 0) {
            sink.fail(
              'situational.railCrossing',
              `no room to clear rail crossing ${q(sl.id)} ${round(a - f0)} m ahead: ${q(queue)} stands within the ego's length past it; at t+${round(k * r.dtS, 1)} s the roll-out can no longer stop before the crossing`,
              { stopLineId: sl.id, crossingFromM: round(a - f0), agentId: queue, atS: round(k * r.dtS, 2) },
              { stopBeforeS: a - front - 0.5 },
            );
            railDone = true;
            continue;
          }
        }
        // The planned stop point counts even when it lies beyond the horizon.
        for (let k = 1; k <= r.n; k++) {
          const atStop = k === r.n;
          if (atStop && Number.isNaN(r.stopS)) break;
          const fr = (atStop ? r.stopS : r.s[k]!) + front;
          const bk = fr - veh.lengthM;
          if ((atStop || r.v[k]! < 0.1) && fr > a && bk < b) {
            const canStopBefore = f0 < a - 0.5;
            sink.fail(
              'situational.railCrossing',
              `the ${atStop ? 'planned stop' : 'roll-out'} comes to rest on rail crossing ${q(sl.id)}`,
              { stopLineId: sl.id, crossingFromM: round(a - f0), crossingToM: round(b - f0) },
              canStopBefore ? { stopBeforeS: a - front - 0.5 } : { minSpeedMps: 3 },
            );
            railDone = true;
            break;
          }
        }
      }
    }
  }
  if (!stopDone) sink.pass('signal.stopLine', 'stop lines respected');
  if (!railDone) sink.pass('situational.railCrossing', 'no stop on a rail crossing');
  junctionExitRule(ctx, sink, f0, lookEnd);
  crosswalkRule(ctx, sink, f0, lookEnd);
}

/**
 * Do not enter a junction you cannot leave: a vehicle standing or queueing (≤ `railQueueSpeedMps`)
 * whose rear lies, where its forecast puts it when the ego's rear would leave the junction (at most
 * the horizon's end), within the ego's length plus `junctionClearRoomM` past the junction's exit on
 * the path means the ego must stay able to stop before the junction (≤ `signalStopDecelMps2`).
 * RSS alone let a KEEP roll 8 m into a junction behind a queue at its exit (it keeps the distance
 * to the queue, not the junction clear): the ego would stand in the crossing traffic's path when
 * the lights change. One that can no longer stop before the junction at `signalStopDecelMps2`
 * goes on (the RSS rules stop it behind the queue).
 */
function junctionExitRule(ctx: CheckContext, sink: RuleSink, f0: number, lookEnd: number): void {
  const { rollout: r, map, params, vehicle: veh } = ctx;
  const path = r.path!;
  const ps = path.pieces;
  const front = frontOffset(veh);
  const v0 = r.v[0]!;
  for (let i = 0; i < ps.length; i++) {
    const piece = ps[i]!;
    if (piece.fromS > lookEnd) break;
    if (!map.lane(piece.laneId)?.data.junctionId) continue;
    // the junction runs over this and the junction lanes straight after it on the path
    let j = i;
    while (j + 1 < ps.length && map.lane(ps[j + 1]!.laneId)?.data.junctionId) j++;
    const a = piece.fromS;
    const b = ps[j]!.toS;
    i = j;
    if (a <= f0 + 0.5) continue; // in it already: leaving it is the way out
    const need = (v0 * v0) / (2 * Math.max(a - f0, 0.1));
    // a stop the signal budget does not make is no stop for a blocked exit (as a yellow's dilemma
    // zone): braking 5–8 m/s² to keep a junction clear trades a traffic rule for a rear-end risk —
    // the RSS rules keep the ego behind the queue itself (CommonRoad ARG_Carcarana-4_5_T-1 at 0 s:
    // 10.6 m before a junction at 10.5 m/s, 5.4 m/s², an emergency stop for a car pulling away)
    if (need > params.signalStopDecelMps2) continue;
    // the queue where the forecast puts it when the ego's rear would leave the junction (at most
    // the horizon's end): a cyclist at 1.9 m/s or a car pulling away just past the exit counted as
    // a queue standing there, and a green was held. When the rear does not leave it within the
    // roll-out, a vehicle creeping slower than `junctionCreepSpeedMps` is taken no later than
    // `junctionQueueForecastMaxS`: forecast on at 1 m/s to the horizon's end it was counted gone,
    // and a KEEP at 3 m/s rolled into a 30 m junction it could not leave (review 4)
    const leaveS = rearLeavesS(ctx, b);
    const creepCapS = leaveS < 0 ? params.junctionQueueForecastMaxS : Number.POSITIVE_INFINITY;
    const queue = queueBeyond(ctx, b, params.junctionClearRoomM, Math.abs(leaveS), creepCapS, true);
    if (!queue) continue;
    const k = firstUnstoppable(ctx, a, params.signalStopDecelMps2);
    if (k < 0) continue;
    sink.fail(
      'situational.junctionExit',
      `no room to leave the junction ${round(a - f0)} m ahead: ${q(queue)} stands within the ego's length past its exit; at t+${round(k * r.dtS, 1)} s the roll-out can no longer stop before the junction`,
      { junctionFromM: round(a - f0), junctionToM: round(b - f0), agentId: queue, atS: round(k * r.dtS, 2) },
      // as a red light: beyond the COMFORT_STOP's rate, the VETO's stop brakes for the junction (a
      // refused command 40 m before it at 10.5 m/s got 1 m/s²: 55 m, into the junction)
      need > params.comfortStopDecelMps2
        ? { stopBeforeS: a - front - 0.5, critical: true }
        : { stopBeforeS: a - front - 0.5 },
    );
    return;
  }
  sink.pass('situational.junctionExit', 'no junction ahead without room to leave it');
}

/**
 * When the roll-out's rear bumper passes path arc length `endS`, s; when it does not within the
 * roll-out, minus the horizon's end.
 */
function rearLeavesS(ctx: CheckContext, endS: number): number {
  const { rollout: r, vehicle: veh } = ctx;
  const rear = veh.lengthM - frontOffset(veh);
  for (let k = 0; k < r.n; k++) if (r.s[k]! - rear >= endS) return k * r.dtS;
  return -(r.n - 1) * r.dtS;
}

const queuePose = new MovingPoseScratch();

/**
 * The id of a vehicle (or object) standing or queueing in the ego's corridor whose rear lies
 * within the ego's length plus `clearRoomM` past path arc length `endS` (a crossing's or junction's
 * end), or ''; with `atS`, each agent where its forecast puts it then (its present place if the
 * forecast dropped it) — one creeping slower than `junctionCreepSpeedMps` no later than `creepCapS`.
 * Pedestrians are never a queue, nor (with `crossersPass`) a cyclist standing across the path.
 */
function queueBeyond(
  ctx: CheckContext,
  endS: number,
  clearRoomM: number,
  atS?: number,
  creepCapS = Number.POSITIVE_INFINITY,
  /** A cyclist standing across the path is crossing it, no queue (not past rails: nothing may stop on them). */
  crossersPass = false,
): string {
  const { rollout: r, snapshot, params, vehicle: veh, forecast: f } = ctx;
  const path = r.path!;
  for (let i = 0; i < snapshot.agents.length; i++) {
    const ag = snapshot.agents[i]!;
    if (ag.kind === 'pedestrian' || ag.speedMps > params.railQueueSpeedMps) continue;
    let x = ag.x;
    let y = ag.y;
    if (atS !== undefined) {
      // its lane-following slot (the first kept for it)
      let j = 0;
      while (j < f.count && f.index[j] !== i) j++;
      if (j < f.count) {
        f.poseAt(j, ag.speedMps < params.junctionCreepSpeedMps ? Math.min(atS, creepCapS) : atS, queuePose);
        x = queuePose.x;
        y = queuePose.y;
      }
    }
    path.line.project(x, y, fq, endS - 20, endS + veh.lengthM + 40);
    const rearS = fq.sM - ag.lengthM / 2;
    const frontS = fq.sM + ag.lengthM / 2;
    if (Math.abs(fq.dM) > (veh.widthM + ag.widthM) / 2 + params.corridorMarginM) continue;
    if (crossersPass && ag.kind === 'cyclist' && crossesPath(path.line, fq.sM, ag.headingRad)) continue;
    if (frontS > endS && rearS < endS + veh.lengthM + clearRoomM) return ag.id;
  }
  return '';
}

/** |cos| of the heading difference below which a road user stands across the path (45°). */
const ACROSS_COS = Math.SQRT1_2;

/**
 * Whether a road user heading `headingRad` stands across the path at arc length `sM`: a cyclist
 * waiting across the exit lane crosses it, as a pedestrian does (never a queue: it leaves the lane
 * sideways within seconds, and the collision rules keep the ego behind it meanwhile). Held as a
 * queue, the ego waited at the junction's entry for a cyclist whose crossing waited for the ego to
 * come near (CARLA ScenarioRunner CyclistCrossing: a deadlock for the rest of the run).
 */
function crossesPath(
  line: NonNullable<CheckContext['rollout']['path']>['line'],
  sM: number,
  headingRad: number,
): boolean {
  line.toCartesian(sM, 0, pt);
  return Math.abs(Math.cos(headingRad - pt.headingRad)) < ACROSS_COS;
}

/**
 * Crosswalks: a pedestrian on a crosswalk the path crosses (or within `crosswalkNearM` of it and
 * walking towards it) has right of way: the ego must stay able to stop before the crosswalk.
 */
function crosswalkRule(ctx: CheckContext, sink: RuleSink, f0: number, lookEnd: number): void {
  const { rollout: r, map, snapshot, params, vehicle: veh } = ctx;
  const path = r.path!;
  const cws = map.data.crosswalks;
  if (cws.length === 0) {
    sink.pass('vru.crosswalk', 'no crosswalk');
    return;
  }
  const front = frontOffset(veh);
  const greenS = greenLightS(ctx, lookEnd);
  for (const cw of cws) {
    // no pedestrian or cyclist on it or a step from it: nobody below can be `who` (skipped before
    // the walk along the path, which on a town of crosswalks was a fifth of a run's CPU)
    if (!vruAt(snapshot.agents, cw.polygon, params.crosswalkNearM)) continue;
    // where the path enters the crosswalk (1 m resolution, from the front bumper to the look-ahead)
    let entry = Number.NaN;
    for (let sF = Math.max(0, f0 - 1); sF <= Math.min(lookEnd, path.line.length); sF += 1) {
      path.line.toCartesian(sF, 0, pt);
      if (pointInPolygon(pt.x, pt.y, cw.polygon)) {
        entry = sF;
        break;
      }
    }
    if (Number.isNaN(entry)) continue;
    if (entry < f0 - 0.5) continue; // already on it: the collision rules handle who is where
    // the ego's own light is green before it: a person standing at the crosswalk waits for theirs
    const egoGreen = greenS <= entry;
    // someone on it (in or beside the ego's path, or walking towards it) or stepping onto it?
    let who = '';
    for (const ag of snapshot.agents) {
      if (ag.kind !== 'pedestrian' && ag.kind !== 'cyclist') continue;
      if (pointInPolygon(ag.x, ag.y, cw.polygon)) {
        path.line.project(ag.x, ag.y, fq, r.s[0]! - 10, r.s[0]! + lookEnd - f0 + 20);
        const across = Math.sin(ag.headingRad - path.line.headingAt(Math.max(0, fq.sM))); // left +
        const lateralV = ag.speedMps * across;
        // one standing on it facing the ego's path (within 60°, as `vru.stepOut` reads facing) waits
        // to cross it — at a refuge mid-crosswalk, on the far side of a lane it has crossed — and has
        // the right of way the moment it steps: a person standing at the centre line of a 4-lane
        // crosswalk facing the ego's lanes, 46 m ahead at 10 m/s, was passed (red team 8, Town10HD)
        // Only out on the road (a lane, or a refuge between lanes), not at the kerb end of the
        // polygon, and not against the ego's green: a person at the far kerb facing the road held a
        // straight-on ego at its green light (review 13)
        const waiting =
          ag.speedMps < 0.3 &&
          -Math.sign(fq.dM) * across >= 0.5 &&
          !egoGreen &&
          onCarriageway(ctx, ag.x, ag.y, path.line.headingAt(Math.max(0, fq.sM)));
        const towards = fq.dM * lateralV < 0 || waiting;
        // one who has crossed the ego's lane and walks on (or stands) on the far side no longer conflicts
        if (!towards && Math.abs(fq.dM) > veh.widthM / 2 + params.crosswalkClearM) continue;
        // nor one on a refuge island between the lanes (off every lane, lanes both sides), clear of
        // the ego's lane, standing or walking towards the far lanes: a crossing an island splits is two
        // crossings (Highway Code rule 195; StVO §26 protects who wants to use *this* one), and it
        // has crossed the ego's half — a person waiting there for the other direction's traffic
        // held a KEEP at 12 m/s 47 m before the zebra (round 22, `SafetyGate.situational2.test.ts`)
        if (
          !towards &&
          -Math.sign(fq.dM) * across <= -0.5 &&
          onRefuge(ctx, ag.x, ag.y, ag.widthM, fq.sM, fq.dM)
        )
          continue;
        who = ag.id;
        break;
      }
      if (ag.speedMps < 0.3) continue;
      // a step of `crosswalkNearM` along the walking direction lands on it
      const ahead = params.crosswalkNearM;
      const c = Math.cos(ag.headingRad);
      const s = Math.sin(ag.headingRad);
      if (pointInPolygon(ag.x + ahead * c, ag.y + ahead * s, cw.polygon)) {
        who = ag.id;
        break;
      }
    }
    if (!who) continue;
    const v0 = r.v[0]!;
    const need = (v0 * v0) / (2 * Math.max(entry - f0, 0.1));
    if (need > veh.maxDecelMps2) {
      // it cannot stop before it any more: what is left is to brake as hard as it can (a person
      // on the crosswalk is struck slower, or not at all once they step on); passed where the
      // roll-out does. Before, such a conflict passed unbraked (review 13: an ego whose file gave
      // it 0.5 m/s² went on at 10 m/s towards a person crossing 23 m ahead)
      if (brakesAtMost(ctx)) continue;
      sink.fail(
        'vru.crosswalk',
        `pedestrian ${q(who)} on crosswalk ${q(cw.id)} ${round(entry - f0)} m ahead: no stop before it (${round(need)} m/s² needed, ${round(veh.maxDecelMps2)} possible); brake at the maximum`,
        { agentId: who, crosswalkId: cw.id, distanceM: round(entry - f0), requiredDecelMps2: round(need) },
        { brakeMps2: veh.maxDecelMps2, capSpeedMps: 0, critical: true },
      );
      return;
    }
    const k = firstUnstoppable(ctx, entry, params.signalStopDecelMps2);
    if (k < 0) continue;
    sink.fail(
      'vru.crosswalk',
      `pedestrian ${q(who)} on crosswalk ${q(cw.id)} ${round(entry - f0)} m ahead: at t+${round(k * r.dtS, 1)} s the roll-out can no longer stop before it`,
      { agentId: who, crosswalkId: cw.id, distanceM: round(entry - f0), atS: round(k * r.dtS, 2) },
      { stopBeforeS: entry - front - 1 },
    );
    return;
  }
  sink.pass('vru.crosswalk', 'no occupied crosswalk ahead, or the ego can stop before it');
}

/**
 * Whether a pedestrian or cyclist is on crosswalk `polygon`, or moving (0.3 m/s or more) with a step
 * of `aheadM` along its heading landing on it: what `crosswalkRule` requires of the one it names.
 */
function vruAt(agents: CheckContext['snapshot']['agents'], polygon: Polygon, aheadM: number): boolean {
  for (const ag of agents) {
    if (ag.kind !== 'pedestrian' && ag.kind !== 'cyclist') continue;
    if (pointInPolygon(ag.x, ag.y, polygon)) return true;
    if (ag.speedMps < 0.3) continue;
    const c = Math.cos(ag.headingRad);
    const s = Math.sin(ag.headingRad);
    if (pointInPolygon(ag.x + aheadM * c, ag.y + aheadM * s, polygon)) return true;
  }
  return false;
}

/**
 * Arc length of the first GREEN light the ego's path passes within `lookEnd` (its lane's signal stop
 * line where it has one, else the lane's entry; the convention of the red lights above), m; +∞ if
 * none.
 */
function greenLightS(ctx: CheckContext, lookEnd: number): number {
  const { rollout: r, map, snapshot } = ctx;
  const path = r.path!;
  for (const piece of path.pieces) {
    if (piece.fromS > lookEnd) break;
    for (const l of snapshot.lights) {
      if (l.laneId !== piece.laneId || l.state !== 'GREEN') continue;
      let s = piece.fromS;
      for (const sl of map.lane(piece.laneId)?.stopLines ?? [])
        if (sl.kind === 'signal') s = piece.fromS + sl.sM;
      return s;
    }
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * How far either side a refuge may lie from the lanes it parts, m (our choice: a pedestrian island
 * or a painted median is 1–4 m wide; a lane 2.5 m away on both sides across the path puts the person
 * between carriageways, a kerb has road on one side only).
 */
const REFUGE_REACH_M = 2.5;

/**
 * Whether (x, y) is out on the road: in a drivable lane, or on a refuge with lanes on both sides
 * across the path's heading `pathHeadingRad` — not at the kerb end of a crosswalk's polygon.
 */
/**
 * Whether a person standing at (x, y), at `sM` along and `dM` off the ego's path (left +), stands on a refuge island:
 * in no drivable lane, lanes within `REFUGE_REACH_M` on both sides (as `onCarriageway`), and its body
 * clear of the ego's lane — the lane of the path there, half its width off the path.
 */
function onRefuge(ctx: CheckContext, x: number, y: number, widthM: number, sM: number, dM: number): boolean {
  const { map } = ctx;
  const path = ctx.rollout.path!;
  if (map.lanesAt(x, y).some((l) => l.drivable)) return false;
  if (!onCarriageway(ctx, x, y, path.line.headingAt(Math.max(0, sM)))) return false;
  const piece = pieceAt(path, sM);
  const half =
    (map.laneWidthAt(piece.laneId, Math.max(0, sM - piece.fromS)) ??
      map.lane(piece.laneId)?.data.widthM ??
      3.5) / 2;
  return Math.abs(dM) - widthM / 2 > half;
}

function onCarriageway(ctx: CheckContext, x: number, y: number, pathHeadingRad: number): boolean {
  const { map } = ctx;
  // (lanes, not the drivable area: a junction's paved polygon reaches the kerb)
  const inLane = (px: number, py: number): boolean => map.lanesAt(px, py).some((l) => l.drivable);
  if (inLane(x, y)) return true;
  const nx = -Math.sin(pathHeadingRad) * REFUGE_REACH_M;
  const ny = Math.cos(pathHeadingRad) * REFUGE_REACH_M;
  return inLane(x + nx, y + ny) && inLane(x - nx, y - ny);
}

/**
 * Whether the roll-out brakes at the platform's maximum (within 10 %, after the actuator's lag and a
 * 0.1 s step) until it stops: nothing more is left to ask of it.
 */
function brakesAtMost(ctx: CheckContext): boolean {
  const { rollout: r, vehicle: veh, params } = ctx;
  const v0 = r.v[0]!;
  const onsetS = params.accelLagS + 0.1;
  for (let k = 1; k < r.n; k++) {
    const t = k * r.dtS;
    if (r.v[k]! < 0.1) return true;
    if (t <= onsetS) continue;
    if (r.v[k]! > v0 - 0.9 * veh.maxDecelMps2 * (t - onsetS) + 0.1) return false;
  }
  return true;
}
