/**
 * Footprint rules over the roll-out: predicted collision and nuPlan's time-to-collision bound
 * (the ego projected at constant velocity for up to 0.95 s from each roll-out step — along its own
 * path against a vehicle going along that path — each agent along its forecast (its lane, its light);
 * after nuplan-devkit `time_to_collision_within_bound`). Collisions where an agent drives into the ego
 * from behind are the follower's fault (RSS) and do not count.
 */
import { angleDiff, CentreScratch, FrenetQuery, MovingPoseScratch, obbOverlap } from '../../core/index.ts';
import { pieceAt } from '../LanePath.ts';
import { changesLane } from '../Rollout.ts';
import {
  type CheckContext,
  egoCentre,
  givesOncomingProperResponse,
  laterCheckAvoids,
  oncomingMitigateS,
  oncomingStops,
  q,
  type RuleSink,
  rearBrakeLimit,
  round,
} from './CheckContext.ts';

const e = new CentreScratch();
const eTau = new CentreScratch();
/** `Polyline` queries of the TTC loop's helpers, per roll-out step and τ (no number boxed per call). */
const hq = new FrenetQuery();

/**
 * Whether a vehicle heading `agent.headingRad` goes along (or against) the ego's path where the ego
 * is τ = `TTC_STEPS[ti]` on from step k at its speed there, within 20°. (The step and τ by index, the
 * heading in its pose: doubles handed to a call that is not inlined are boxed, 16 B each.)
 */
function alongPath(ctx: CheckContext, k: number, ti: number, agent: { headingRad: number }): boolean {
  const path = ctx.rollout.path;
  if (!path) return false;
  const distM = ctx.rollout.v[k]! * TTC_STEPS[ti]!;
  hq.atS = Math.max(0, ctx.rollout.s[k]! + distM);
  path.line.headingAtQuery(hq);
  return Math.abs(Math.cos(agent.headingRad - hq.headingRad)) > CROSS_COS;
}

/**
 * The ego's centre τ = `TTC_STEPS[ti]` on from roll-out step k at its speed there (`distM`) at its
 * heading relative to its path: along the
 * path where it bends (its lane through a curve or a turn), with the heading it has off the path kept
 * (a drift goes on drifting), as the agents are taken along their lanes. Straight along the heading
 * where there is no path. Projected along its tangent, an ego on a 31 m-radius curve (CARLA Town07
 * road 24) at 10 m/s is 1.5 m outside the curve after 0.95 s — in the oncoming lane, where a car
 * keeping to its own lane then reads as a collision 0.6 s away (red team 5).
 */
function egoAlongPath(ctx: CheckContext, k: number, ti: number, out: typeof eTau): void {
  const r = ctx.rollout;
  const path = r.path;
  const distM = r.v[k]! * TTC_STEPS[ti]!;
  egoCentre(ctx, k, out);
  if (!path) {
    out.x += distM * out.c;
    out.y += distM * out.s;
    return;
  }
  const s0 = r.s[k]!;
  hq.atS = Math.max(0, s0);
  path.line.headingAtQuery(hq);
  const rel = angleDiff(r.h[k]!, hq.headingRad);
  hq.atS = s0 + distM * Math.cos(rel);
  hq.offsetM = r.d[k]! + distM * Math.sin(rel);
  path.line.toCartesianQuery(hq);
  const h = hq.headingRad + rel;
  out.c = Math.cos(h);
  out.s = Math.sin(h);
  out.x = hq.x + ctx.vehicle.rearAxleToCenterM * out.c;
  out.y = hq.y + ctx.vehicle.rearAxleToCenterM * out.s;
}

const sp = { sM: 0, dM: 0, segment: 0 };

/**
 * Whether the ego's footprint (centre and heading as `egoCentre` gives them, half length `hl`, half
 * width `hw`) overlaps the agent's at (ax, ay), heading ah.
 */
function meets(
  eg: { x: number; y: number; c: number; s: number },
  hl: number,
  hw: number,
  ax: number,
  ay: number,
  ah: number,
  ag: { lengthM: number; widthM: number },
): boolean {
  return obbOverlap(
    eg.x,
    eg.y,
    eg.c,
    eg.s,
    hl,
    hw,
    ax,
    ay,
    Math.cos(ah),
    Math.sin(ah),
    ag.lengthM / 2,
    ag.widthM / 2,
  );
}

/**
 * True when the agent at (ax, ay), heading ah, comes the other way (more than 120° off the ego's
 * heading) with its body over the ego's lane line: a car that has come over the line, not one in
 * its own lane beside the ego's path.
 */
function wrongWayIn(
  ctx: CheckContext,
  ax: number,
  ay: number,
  ah: number,
  halfWidthM: number,
  c: number,
  s: number,
): boolean {
  const path = ctx.rollout.path;
  if (!path || Math.cos(ah) * c + Math.sin(ah) * s >= -0.5) return false;
  path.line.project(ax, ay, sp);
  const lane = ctx.map.lane(pieceAt(path, sp.sM).laneId);
  return !!lane && Math.abs(sp.dM) < lane.data.widthM / 2 + halfWidthM;
}

/**
 * A vehicle coming the other way into the ego's own lane: RSS puts the response on the ego only as
 * its proper response (brake with b_min,correct); braking harder cannot prevent what the other
 * driver keeps doing. The fix asks for that response (built up at the comfortable onset). A conflict
 * closer than `oncomingMitigateS(ctx)` (at least the time to rest at b_min) is braked for at full
 * strength (mitigation) like any other.
 */
const oncomingFix = (ctx: CheckContext) => ({
  brakeMps2: ctx.params.rssEgo.brakeMinCorrectMps2 + 0.02,
  comfortOnset: true,
  capSpeedMps: 0,
  critical: true,
});

/**
 * How far the ego may move sideways towards a follower before a rear strike is no longer only the
 * follower's, m (RSS lateral: the one that moves sideways is responsible; our choice, about a
 * tracker's lateral wander within the lane — an in-lane drift of 1.1 m towards the next lane swiped
 * a car coming up in it and was excused as "struck from behind", review 13).
 */
const REAR_STRUCK_SIDEWAYS_M = 0.2;

const e0 = new CentreScratch();
const fr = new FrenetQuery();

/**
 * True when forecast slot `j` (agent `ag`, at ax, ay, heading ah at step `k`) meets the ego (`eg`,
 * its centre at step k) from behind (`fromBehind`) as the follower's fault: at the contact it is
 * in line with where the ego was sideways at the start (its offset across the ego's lane path
 * within the two half widths of the ego's start offset: it came along the ego's lane, or moved
 * over into it), and the ego's own sideways move has not closed the sideways distance between their
 * centres by more than `REAR_STRUCK_SIDEWAYS_M`. A car in the next lane that the ego drifts into is the ego's conflict,
 * however it meets it. Offsets are taken across the lane path where the ego has one (a follower
 * coming round a bend behind is in line along the lane, not along the ego's heading), else across
 * the ego's start heading.
 */
function struckFromBehind(
  ctx: CheckContext,
  k: number,
  ag: { lengthM: number; widthM: number },
  b: number,
  eg: { x: number; y: number; c: number; s: number },
): boolean {
  // the pose by its forecast index and the half extents read here: doubles handed to a call that is
  // not inlined are boxed, ≈ 80 B per agent and step (house habit 10)
  const f = ctx.forecast;
  const ax = f.x[b]!;
  const ay = f.y[b]!;
  const ah = f.h[b]!;
  const hl = ctx.vehicle.lengthM / 2;
  const hw = ctx.vehicle.widthM / 2;
  if (!fromBehind(ax, ay, ah, eg.x, eg.y, eg.c, eg.s, hl)) return false;
  const r = ctx.rollout;
  egoCentre(ctx, 0, e0);
  let dEgo0: number;
  let dEgoK: number;
  let dAg: number;
  const path = r.path;
  if (path) {
    const win = hl + ag.lengthM + 10;
    // (through the query's fields: no number boxed per agent and step)
    fr.x = e0.x;
    fr.y = e0.y;
    fr.fromS = r.s[0]! - win;
    fr.toS = r.s[0]! + win;
    dEgo0 = path.line.projectQuery(fr).dM;
    fr.x = eg.x;
    fr.y = eg.y;
    fr.fromS = r.s[k]! - win;
    fr.toS = r.s[k]! + win;
    dEgoK = path.line.projectQuery(fr).dM;
    fr.x = ax;
    fr.y = ay;
    dAg = path.line.projectQuery(fr).dM;
  } else {
    dEgo0 = 0;
    dEgoK = -(eg.x - e0.x) * e0.s + (eg.y - e0.y) * e0.c;
    dAg = -(ax - e0.x) * e0.s + (ay - e0.y) * e0.c;
  }
  const rel = ah - Math.atan2(eg.s, eg.c);
  const agHalf = Math.abs(Math.sin(rel)) * (ag.lengthM / 2) + Math.abs(Math.cos(rel)) * (ag.widthM / 2);
  const side = dAg - dEgo0;
  if (Math.abs(side) >= hw + agHalf) return false;
  // towards it: the ego's own move closed the sideways distance between the centres (one right
  // behind the ego is not moved towards by a shift either way: FRA_Anglet-1_1_T-1's motorcycle 0.02 m
  // off the ego's line, a 0.3 m shift read as "towards" and braked the ego in front of it). A move
  // back towards its own lane's centre, from the side away from it, is lane keeping, not a move into
  // it: measured from the centre where the ego starts on the far side of it (a vehicle it then meets
  // is over the ego's lane's line or in line with it; CommonRoad ESP_SantBoideLlobregat-19_1_T-1:
  // cr_322 turned in from a side road 6 m behind the ego, which started 0.35 m right of its lane's
  // centre; every command that recentred it was the ego's conflict, and the emergency stop met the
  // car still turning in)
  const from = Math.sign(side) * dEgo0 < 0 ? 0 : dEgo0;
  return Math.abs(dAg - dEgoK) >= Math.abs(dAg - from) - REAR_STRUCK_SIDEWAYS_M;
}

const e1 = new CentreScratch();

/**
 * True when forecast slot `j` meets the ego at step `k` by **cutting in from behind**: at the start
 * it goes the ego's way beside the ego (out of line with it sideways: not a follower in its lane)
 * with its centre behind the ego's front bumper, and at the contact it is faster than the ego (it
 * overtakes) and has itself moved sideways towards the ego's line — the ego keeping its lane
 * (no lane change, its own sideways move no more than `REAR_STRUCK_SIDEWAYS_M` towards it) and not
 * speeding up at any step up to the contact. RSS: the vehicle that moves laterally into a
 * laterally and longitudinally unsafe situation from behind is the responsible one (at the blame
 * time it was not ahead); braking cannot answer it. Counted as the ego's, a harder braking was
 * refused where a gentler one passed — the faster car then drew level sooner and its drift met the
 * ego's front instead of its flank (CommonRoad DEU_A9-3_1_T-1: cr_3582 from 16 m behind in the
 * next lane, the ramp raised to 2.5 m/s³ failed `ttc` at t+3.8 s where 1.5 m/s³ passed; issue #14,
 * the gate's verdict must be monotone in braking).
 */
function cutsInFromBehind(
  ctx: CheckContext,
  j: number,
  k: number,
  ag: { kind: string; widthM: number },
  eg: { x: number; y: number; c: number; s: number },
): boolean {
  if (ag.kind !== 'vehicle') return false;
  const r = ctx.rollout;
  const f = ctx.forecast;
  const b0 = j * f.capacity;
  // the pose at step k by index, the half extents here (as `struckFromBehind`: no boxed arguments)
  const ax = f.x[b0 + k]!;
  const ay = f.y[b0 + k]!;
  const ah = f.h[b0 + k]!;
  const hl = ctx.vehicle.lengthM / 2;
  const hw = ctx.vehicle.widthM / 2;
  if (f.v[b0 + k]! <= r.v[k]! + 0.1) return false;
  for (let i = 1; i <= k; i++) if (r.a[i]! > 0.05) return false;
  egoCentre(ctx, 0, e1);
  const x0 = f.x[b0]!;
  const y0 = f.y[b0]!;
  const h0 = f.h[b0]!;
  // going the ego's way, at the start and at the contact
  if (Math.cos(h0) * e1.c + Math.sin(h0) * e1.s <= 0.7 || Math.cos(ah) * eg.c + Math.sin(ah) * eg.s <= 0.7)
    return false;
  // behind the ego's front at the start
  if ((x0 - e1.x) * e1.c + (y0 - e1.y) * e1.s >= hl) return false;
  // sideways across the ego's start heading: it was beside the ego (not in line with it), it has
  // closed in on the ego itself, and the ego has not moved towards it by more than the lane's
  // wander (a merge or a turn of the ego's own path towards it is the ego's conflict)
  const side0 = -(x0 - e1.x) * e1.s + (y0 - e1.y) * e1.c;
  if (Math.abs(side0) < hw + ag.widthM / 2) return false;
  const sign = Math.sign(side0);
  const agMove = sign * (-(ax - x0) * e1.s + (ay - y0) * e1.c);
  const egoMove = sign * (-(eg.x - e1.x) * e1.s + (eg.y - e1.y) * e1.c);
  return agMove < -REAR_STRUCK_SIDEWAYS_M && egoMove <= REAR_STRUCK_SIDEWAYS_M;
}

/** True when agent (ax, ay, heading ah) is behind the ego and going the same way. */
function fromBehind(
  ax: number,
  ay: number,
  ah: number,
  ex: number,
  ey: number,
  c: number,
  s: number,
  halfL: number,
): boolean {
  const lon = (ax - ex) * c + (ay - ey) * s;
  const same = Math.cos(ah) * c + Math.sin(ah) * s > 0.7;
  return same && lon < -0.25 * halfL;
}

/**
 * True when an agent (speed `va`, centre ax, ay, heading ah) goes the ego's way faster than the ego
 * (speed `ve`, centre ex, ey, heading cosine c, sine s, half length halfL) does and its centre is
 * behind the ego's front: in contact now, it has come from behind (RSS: the rear vehicle's duty) and
 * is driving on through or along the ego.
 */
function overtakesThrough(
  va: number,
  ax: number,
  ay: number,
  ah: number,
  ve: number,
  ex: number,
  ey: number,
  c: number,
  s: number,
  halfL: number,
): boolean {
  const cos = Math.cos(ah) * c + Math.sin(ah) * s;
  // where it is: its centre behind our front bumper (alongside or behind us). A slower-than-us car
  // whose rear our front is in (centre beyond our front) is ours to avoid (nuPlan ACTIVE_FRONT)
  const lon = (ax - ex) * c + (ay - ey) * s;
  return cos > 0.7 && va * cos > ve + 0.1 && lon < halfL;
}

/**
 * How much faster than the ego's fastest speed over the roll-out a vehicle in contact now, its
 * centre beyond the ego's front, must go to count as driving on away through it, m/s (our choice:
 * a 1 m overlap gone within 1 s). A car the ego's front is in and that is barely faster is the
 * ego's to fall back from (nuPlan ACTIVE_FRONT).
 */
const PULLS_AWAY_MPS = 1;

/** The ego's highest speed over the roll-out, m/s. */
function rolloutTopSpeed(r: CheckContext['rollout']): number {
  let top = 0;
  for (let k = 0; k < r.n; k++) if (r.v[k]! > top) top = r.v[k]!;
  return top;
}

/**
 * The ego's front bumper must have passed a pedestrian by this much for its contact to count as
 * side-on, m (our choice: behind the front wheels, a car's front overhang being ≈ 1 m; a closer call
 * is braked for, so that the gate does not alternate between keeping on and braking).
 */
export const SIDE_PASSED_M = 1.5;
/** A pedestrian walks into the ego's side only when it moves towards it at least this fast, m/s (our choice). */
const SIDE_WALK_MPS = 0.3;

/**
 * True when pedestrian `ag` (centre ax, ay, heading ah) touches the moving ego's side behind its
 * front bumper while walking towards it: the ego has passed in front of it.
 */
function walksIntoSide(
  ax: number,
  ay: number,
  ah: number,
  speedMps: number,
  halfAgentM: number,
  ex: number,
  ey: number,
  c: number,
  s: number,
  halfL: number,
): boolean {
  const lon = (ax - ex) * c + (ay - ey) * s;
  if (lon + halfAgentM > halfL - SIDE_PASSED_M) return false;
  const lat = -(ax - ex) * s + (ay - ey) * c;
  const vLat = speedMps * (-Math.cos(ah) * s + Math.sin(ah) * c);
  return vLat * Math.sign(lat) < -SIDE_WALK_MPS;
}

export function collisionRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, forecast: f, vehicle: veh, snapshot } = ctx;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  const laneChanging = changesLane(r);
  const mitigateS = oncomingMitigateS(ctx);
  const rearMaxDecel = rearBrakeLimit(snapshot, veh, ctx.params).maxDecelMps2;
  let topSpeed = Number.NaN; // the roll-out's, computed when a contact needs it
  for (let k = 0; k < r.n; k++) {
    egoCentre(ctx, k, e);
    for (let j = 0; j < f.count; j++) {
      const ag = snapshot.agents[f.index[j]!]!;
      const b = j * f.capacity + k;
      const ax = f.x[b]!;
      const ay = f.y[b]!;
      const ah = f.h[b]!;
      const reach = hl + hw + (ag.lengthM + ag.widthM) / 2;
      if (Math.abs(ax - e.x) > reach || Math.abs(ay - e.y) > reach) continue;
      if (!meets(e, hl, hw, ax, ay, ah, ag)) continue;
      if (ctx.rearStruck.has(j) || ctx.sideStruck.has(j)) continue;
      if (
        ag.kind === 'pedestrian' &&
        veh.kind !== 'robot' && // robots keep ISO/TS 15066 separation from people on every side
        r.v[k]! > 0.5 &&
        walksIntoSide(ax, ay, ah, ag.speedMps, Math.max(ag.lengthM, ag.widthM) / 2, e.x, e.y, e.c, e.s, hl)
      ) {
        // it walks into the side of an ego whose front has passed it: braking would turn that
        // into a front strike (vru.stepOut keeps the ego where its front clears a step-out)
        ctx.sideStruck.add(j);
        continue;
      }
      // the ego at standstill is run into (nuPlan: a stopped ego is not at fault): stopping is the
      // answer, not a conflict of the roll-out
      if (r.v[k]! < 0.1 && k > 0) continue;
      if (k === 0 && !laneChanging && ag.kind !== 'static') {
        // a contact that exists now: no command undoes it. One the ego is not at fault for
        // (nuPlan's STOPPED_EGO: the ego at rest; ACTIVE_REAR: a vehicle going our way faster than
        // us has driven into us from behind) is judged by what lies ahead, not braked for
        if (Number.isNaN(topSpeed)) topSpeed = rolloutTopSpeed(r);
        if (
          overtakesThrough(ag.speedMps, ax, ay, ah, r.v[0]!, e.x, e.y, e.c, e.s, hl) ||
          // one that came through from behind and is now past our front, pulling away faster
          // than the ego goes at any time of the roll-out: the contact only ends
          overtakesThrough(ag.speedMps, ax, ay, ah, topSpeed + PULLS_AWAY_MPS, e.x, e.y, e.c, e.s, Infinity)
        ) {
          // its forecast runs on through the ego (the same contact, not a new one): skipped
          ctx.rearStruck.add(j);
          ctx.contactNow.add(j);
          continue;
        }
        // at rest: moving on into it is still checked at the later steps
        if (r.v[0]! < 0.1) continue;
      }
      const wrongWay =
        !laneChanging && ag.kind !== 'static' && wrongWayIn(ctx, ax, ay, ah, ag.widthM / 2, e.c, e.s);
      const far = wrongWay && !oncomingStops(ctx, mitigateS, rearMaxDecel, k * r.dtS, r.s[k]! - 2);
      if (far && givesOncomingProperResponse(ctx, k)) continue;
      if (!laneChanging && struckFromBehind(ctx, k, ag, b, e)) {
        // rear-ended by a follower (its fault); its constant-speed forecast then passes "through"
        // the ego, which is not a front conflict
        ctx.rearStruck.add(j);
        if (Number.isNaN(ctx.rearStruckAtS)) ctx.rearStruckAtS = k * r.dtS;
        continue;
      }
      if (!laneChanging && cutsInFromBehind(ctx, j, k, ag, e)) {
        // cut in on by a faster car from behind (its lateral move, its duty): no braking answers it
        ctx.sideStruck.add(j);
        continue;
      }
      sink.fail(
        'collision.predicted',
        `predicted footprint overlap with ${ag.kind} ${q(ag.id)} at t+${round(k * r.dtS, 1)} s (ego ${round(r.v[k]!)} m/s)`,
        { agentId: ag.id, atS: round(k * r.dtS, 2), egoSpeedMps: round(r.v[k]!) },
        far ? oncomingFix(ctx) : { stopBeforeS: r.s[k]! - 2, critical: true },
      );
      return;
    }
  }
  sink.pass('collision.predicted', 'no footprint overlap over the horizon', {
    horizonS: round((r.n - 1) * r.dtS, 1),
    ...(Number.isNaN(ctx.rearStruckAtS) ? {} : { rearStruckAtS: round(ctx.rearStruckAtS, 2) }),
  });
}

const TTC_STEPS = [0.3, 0.6, 0.95];
const ap = new MovingPoseScratch();

export function ttcRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, forecast: f, vehicle: veh, snapshot, params } = ctx;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  const bound = params.ttcBoundS;
  const laneChanging = changesLane(r);
  const mitigateS = oncomingMitigateS(ctx);
  const rearMaxDecel = rearBrakeLimit(snapshot, veh, params).maxDecelMps2;
  let minTtc = Infinity;
  for (let k = 0; k < r.n; k++) {
    const v = r.v[k]!;
    if (v < 0.1) continue; // nuPlan: no TTC while the ego is stopped
    egoCentre(ctx, k, e);
    for (let j = 0; j < f.count; j++) {
      const ag = snapshot.agents[f.index[j]!]!;
      const b = j * f.capacity + k;
      const ax = f.x[b]!;
      const ay = f.y[b]!;
      const ah = f.h[b]!;
      const reach = (v + ag.speedMps) * bound + hl + hw + (ag.lengthM + ag.widthM) / 2;
      if (Math.abs(ax - e.x) > reach || Math.abs(ay - e.y) > reach) continue;
      if (
        ctx.rearStruck.has(j) ||
        ctx.sideStruck.has(j) ||
        struckFromBehind(ctx, k, ag, b, e) ||
        (!laneChanging && cutsInFromBehind(ctx, j, k, ag, e))
      )
        continue;
      const wrongWay =
        !laneChanging && ag.kind !== 'static' && wrongWayIn(ctx, ax, ay, ah, ag.widthM / 2, e.c, e.s);
      // the contact a TTC hit predicts lies τ after its step: a vehicle coming the other way into the
      // ego's lane is mitigated at full strength only when that contact is closer than
      // `oncomingMitigateS(ctx)`, as `collision.predicted` judges the overlap itself
      const answered = wrongWay && givesOncomingProperResponse(ctx, k);
      for (let ti = 0; ti < TTC_STEPS.length; ti++) {
        const tau = TTC_STEPS[ti]!;
        if (tau > bound + 1e-9) break;
        const far = wrongWay && !oncomingStops(ctx, mitigateS, rearMaxDecel, k * r.dtS + tau, r.s[k]! - 1);
        if (far && answered) continue;
        // the agent where its forecast puts it τ later (along its lane through a turn, braking for
        // its light), not straight on along its heading at its speed now; the ego at its speed now
        // straight on (nuPlan's projection), except against a vehicle that goes along its path
        // there (a lead, or one coming the other way in its own lane, within 20° of the path's
        // heading): that one keeps to its lane on a curve and so does the ego — projected along
        // its tangent the ego leaves its own lane for the other's
        f.atS = k * r.dtS + tau;
        f.poseAtQuery(j, ap);
        const bc = Math.cos(ap.headingRad);
        const bs = Math.sin(ap.headingRad);
        if (alongPath(ctx, k, ti, ap)) egoAlongPath(ctx, k, ti, eTau);
        else {
          eTau.x = e.x + v * tau * e.c;
          eTau.y = e.y + v * tau * e.s;
          eTau.c = e.c;
          eTau.s = e.s;
        }
        if (
          obbOverlap(
            eTau.x,
            eTau.y,
            eTau.c,
            eTau.s,
            hl,
            hw,
            ap.x,
            ap.y,
            bc,
            bs,
            ag.lengthM / 2,
            ag.widthM / 2,
          )
        ) {
          if (tau < minTtc) minTtc = tau;
          sink.fail(
            'ttc',
            `time to collision with ${ag.kind} ${q(ag.id)} ≤ ${tau} s at t+${round(k * r.dtS, 1)} s (bound ${bound} s)`,
            { agentId: ag.id, ttcS: tau, boundS: bound, atS: round(k * r.dtS, 2), egoSpeedMps: round(v) },
            far ? oncomingFix(ctx) : { stopBeforeS: r.s[k]! - 1, critical: true },
          );
          return;
        }
      }
    }
  }
  sink.pass('ttc', `time to collision above ${bound} s over the horizon`, { boundS: bound });
}

/** A vehicle heading within 20° of the ego's path (or of its reverse) where it is follows or comes head-on; farther off it crosses the path (as `rss.longitudinalOpposite` tells the two apart). */
const CROSS_COS = Math.cos((20 * Math.PI) / 180);
/** A vehicle slower than this crosses nothing in time that matters (a standing one is `collision.predicted`'s), m/s. */
const CROSS_MIN_SPEED_MPS = 0.5;
/** A roll-out faster than the ego is now by more than this speeds up, m/s. */
const SPEED_UP_MPS = 0.1;
const cp = new FrenetQuery();
/** Per forecast agent: 0 not yet known, 1 the ego is already committed to its path, 2 it is not. */
const committed = new Uint8Array(256);
/** Per forecast slot: 0 not yet known, 1 its footprint meets the ego's at the same roll-out step, 2 never. */
const sameStep = new Uint8Array(256);
const e4 = new CentreScratch();

/** True when agent j's forecast footprint meets the ego's at the same roll-out step (a predicted collision). */
function meetsSameStep(ctx: CheckContext, j: number, last: number): boolean {
  const { forecast: f, vehicle: veh, snapshot } = ctx;
  const ag = snapshot.agents[f.index[j]!]!;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  const reach = hl + hw + (ag.lengthM + ag.widthM) / 2;
  const base = j * f.capacity;
  for (let k = 1; k <= last; k++) {
    const b = base + k;
    egoCentre(ctx, k, e4);
    if (Math.abs(f.x[b]! - e4.x) > reach || Math.abs(f.y[b]! - e4.y) > reach) continue;
    if (meets(e4, hl, hw, f.x[b]!, f.y[b]!, f.h[b]!, ag)) return true;
  }
  return false;
}
const e2 = new CentreScratch();

/**
 * True when the roll-out's footprint meets agent j's path (any of its forecast footprints) within
 * `withinM` of the ego's arc length now: the ego is in that vehicle's path already, or cannot stop
 * short of it.
 */
function entersPathWithin(ctx: CheckContext, j: number, withinM: number): boolean {
  const { rollout: r, forecast: f, vehicle: veh, snapshot } = ctx;
  const ag = snapshot.agents[f.index[j]!]!;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  const base = j * f.capacity;
  const last = Math.min(r.n, f.n) - 1;
  const reach = hl + hw + (ag.lengthM + ag.widthM) / 2;
  for (let k = 0; k <= last && r.s[k]! - r.s[0]! <= withinM + 1e-9; k++) {
    egoCentre(ctx, k, e2);
    for (let m = 0; m <= last; m++) {
      const b = base + m;
      const ax = f.x[b]!;
      const ay = f.y[b]!;
      if (Math.abs(ax - e2.x) > reach || Math.abs(ay - e2.y) > reach) continue;
      const ah = f.h[b]!;
      if (meets(e2, hl, hw, ax, ay, ah, ag)) return true;
    }
  }
  return false;
}

/** A junction lane whose heading changes by at least this much is a turn, rad (a slight fork is not). */
const TURN_MIN_RAD = Math.PI / 6;
/** A forecast whose heading changes by less than this over the horizon goes straight on, rad. */
const STRAIGHT_MAX_RAD = Math.PI / 12;

/** True when the ego's path at arc length `sM` is a junction lane that turns (a left or right turn). */
function turnsAt(ctx: CheckContext, sM: number): boolean {
  const path = ctx.rollout.path;
  if (!path) return false;
  const lane = ctx.map.lane(pieceAt(path, sM).laneId);
  if (!lane || lane.data.junctionId === undefined) return false;
  const line = lane.line;
  return Math.abs(angleDiff(line.headingAt(line.length), line.headingAt(0))) >= TURN_MIN_RAD;
}

/** True when agent j's forecast keeps its heading (within `STRAIGHT_MAX_RAD`) up to step `m`. */
function goesStraightTo(f: CheckContext['forecast'], j: number, m: number): boolean {
  const base = j * f.capacity;
  return Math.abs(angleDiff(f.h[base + m]!, f.h[base]!)) < STRAIGHT_MAX_RAD;
}

/**
 * Post-encroachment time at crossings (beyond RSS, the traffic-conflict technique's PET): a command
 * may not bring the ego to a spot of the path of a vehicle crossing its own less than `crossingPetS`
 * (or exactly that) before or after that vehicle does, in two cases.
 *
 * **Speeding up** (any path): the ego closes in on the crossing in a way that makes the other driver
 * brake (one with the right of way then brakes for an ego it expected to wait) or that leaves nothing
 * to spare if its forecast is a little off. Checked at every roll-out step at which the ego is faster
 * than now (the speed-up brings it there sooner). Repair: keep the current speed; when no gentle
 * command keeps out of it the command stands (a margin, never a stop: `SafetyGate`).
 *
 * **Turning across a vehicle going straight on** (at any speed, a KEEP too): where the ego's path is
 * a junction lane that turns and the vehicle's forecast keeps its heading, the vehicle has the right
 * of way (StVO §9(3): a left turn yields to oncoming traffic; §9(1): a right turn to traffic going
 * straight on beside it), and a pass within `crossingPetS` of it is a yield not given: ahead of it,
 * its driver has to brake for the ego; just behind it, the ego is in its path as its tail clears,
 * and a car 0.3 s off its forecast at 15 m/s (4.5 m) is a strike on the ego's side that neither can
 * brake out of (RSS, different geometry). `collision.predicted` and `ttc` see footprints that meet:
 * a 0.3 s gap is neither (red team 5: a KEEP 0.3 s behind a 15 m/s oncoming car through a left turn
 * was allowed). Not behind it at a creep that still stops short if it is late (its lag, then the
 * repair ladder's hardest rung, as `crossing.mayTurn`), nor for a vehicle whose footprint meets the
 * ego's at the same step (a predicted collision: `collision.predicted`'s, and its repair's). Repair:
 * stop short of its path (built up at the comfortable onset), critical — the yield, not a margin.
 *
 * Both: against the vehicle's forecast up to `crossingPetS` either side; a vehicle crosses where it
 * heads more than 20° off the ego's path. Not once the ego is in that vehicle's path or cannot stop
 * short of it (its lag, then b_min): going on to clear the crossing is then the way out. Road
 * vehicles only, cyclists among them (a robot keeps ISO/TS 15066 separation).
 */
export function crossingPetRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, forecast: f, vehicle: veh, snapshot, params } = ctx;
  const pet = params.crossingPetS;
  const v0 = r.v[0]!;
  const path = r.path;
  if (veh.kind !== 'car' || pet <= 0 || !path) {
    sink.pass('crossing.pet', 'no crossing check for this platform', { boundS: pet });
    return;
  }
  let speedsUp = false;
  for (let k = 1; k < r.n && !speedsUp; k++) speedsUp = r.v[k]! > v0 + SPEED_UP_MPS;
  let turns = false;
  for (let k = 1; k < r.n && !turns; k++) turns = r.v[k]! > 0.1 && turnsAt(ctx, r.s[k]!);
  if (!speedsUp && !turns) {
    sink.pass('crossing.pet', 'not speeding up, not turning', { boundS: pet });
    return;
  }
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  const win = Math.round(pet / r.dtS);
  const last = Math.min(r.n, f.n) - 1;
  // the ego can no longer stop short of a spot this close (its lag, then b_min): there, speeding
  // up to clear a crossing is an escape, not an encroachment
  const committedM = v0 * params.accelLagS + (v0 * v0) / (2 * params.rssEgo.brakeMinMps2);
  const hardBrake = Math.max(params.rssEgo.brakeMinMps2, 0.75 * veh.maxDecelMps2);
  committed.fill(0, 0, Math.min(f.count, committed.length));
  sameStep.fill(0, 0, Math.min(f.count, sameStep.length));
  for (let k = 1; k <= last; k++) {
    const faster = r.v[k]! > v0 + SPEED_UP_MPS;
    // (at rest the ego passes nothing: an ego waiting in the turn is run past, not encroaching)
    const turning = !faster && r.v[k]! > 0.1 && turnsAt(ctx, r.s[k]!);
    if (!faster && !turning) continue;
    egoCentre(ctx, k, e);
    for (let j = 0; j < f.count; j++) {
      const ag = snapshot.agents[f.index[j]!]!;
      // (a cyclist is a vehicle on the road: a right turn yields to one going straight on beside
      // it, on a shoulder or bike lane too — StVO §9(3); one riding a shoulder past an ego turning
      // right across it 0.3 s ahead of it was allowed, red team 8, Town10HD)
      if ((ag.kind !== 'vehicle' && ag.kind !== 'cyclist') || ag.speedMps < CROSS_MIN_SPEED_MPS) continue;
      if (ctx.rearStruck.has(j) || ctx.sideStruck.has(j) || ctx.contactNow.has(j)) continue;
      if (j >= committed.length) {
        if (entersPathWithin(ctx, j, committedM)) continue;
      } else {
        if (committed[j] === 0) committed[j] = entersPathWithin(ctx, j, committedM) ? 1 : 2;
        if (committed[j] === 1) continue;
      }
      const base = j * f.capacity;
      const reach = hl + hw + (ag.lengthM + ag.widthM) / 2 + ag.speedMps * pet;
      if (Math.abs(f.x[base + k]! - e.x) > reach || Math.abs(f.y[base + k]! - e.y) > reach) continue;
      // nearest step first: the gap reported is the post-encroachment time (the vehicle's last
      // step there before the ego, or its first after), not the time it first reached the spot
      for (let i = 0; i <= 2 * win; i++) {
        const m = k + (i % 2 === 0 ? i / 2 : -(i + 1) / 2);
        if (m < 0 || m > last + win || (m > last && (!turning || last < 1))) continue;
        // turning across it, past the forecast's end (the window reaches `crossingPetS` beyond the
        // roll-out's last step) the vehicle goes on as over its last step: a left turn whose ego
        // cleared the oncoming lane 3.9 s from now, ≈ 0.5 s before a 15 m/s car got there, was
        // checked against the car up to 4 s only and allowed (red team 7). Not for a speed-up (a
        // margin): there it cost PDM-Closed + gate's unprotected_left CLS-R 100 → 92, creeping
        // ahead of oncoming_2 capped at every tick
        const b = base + Math.min(m, last);
        const over = m - Math.min(m, last);
        const ax = f.x[b]! + over * (f.x[b]! - f.x[b - (over > 0 ? 1 : 0)]!);
        const ay = f.y[b]! + over * (f.y[b]! - f.y[b - (over > 0 ? 1 : 0)]!);
        const ah = f.h[b]!;
        if (!meets(e, hl, hw, ax, ay, ah, ag)) continue;
        // where it is, does it cross the ego's path (not follow it, not come head-on along it)?
        cp.x = ax;
        cp.y = ay;
        cp.fromS = r.s[k]! - 20;
        cp.toS = r.s[k]! + 20;
        path.line.projectQuery(cp);
        cp.atS = Math.max(0, cp.sM);
        path.line.headingAtQuery(cp);
        const ph = cp.headingRad;
        if (Math.abs(Math.cos(ah - ph)) > CROSS_COS) continue;
        const gapS = Math.abs(m - k) * r.dtS;
        if (turning) {
          if (!goesStraightTo(f, j, Math.min(m, last))) continue;
          // footprints that meet at the same step are a predicted collision: `collision.predicted`'s
          // (and its repair's), not a gap to keep
          if (j >= sameStep.length) {
            if (meetsSameStep(ctx, j, last)) break;
          } else {
            if (sameStep[j] === 0) sameStep[j] = meetsSameStep(ctx, j, last) ? 1 : 2;
            if (sameStep[j] === 1) break;
          }
          // behind it, slow enough that if it is late the ego — v·gap short of the spot when it
          // should have cleared — still stops short of it (its lag, then the repair ladder's
          // hardest rung, as for `crossing.mayTurn`): nosing in behind a car at a creep yields
          const vk = r.v[k]!;
          if (m < k && gapS >= params.accelLagS + vk / (2 * hardBrake)) continue;
          sink.fail(
            'crossing.pet',
            `the ego turns across the path of ${ag.kind} ${q(ag.id)}, going straight on (its right of way), ${round(gapS, 1)} s ${m < k ? 'after' : m > k ? 'before' : 'as'} it passes there (t+${round(k * r.dtS, 1)} s, ${round(r.v[k]!)} m/s; post-encroachment time within ${pet} s): yield, pass behind it out of ${pet} s or stop short of its path`,
            {
              agentId: ag.id,
              atS: round(k * r.dtS, 2),
              petS: round(gapS, 2),
              boundS: pet,
              egoSpeedMps: round(r.v[k]!),
              yields: true,
            },
            { stopBeforeS: r.s[k]! - 2, comfortOnset: true, critical: true },
          );
          return;
        }
        sink.fail(
          'crossing.pet',
          `${ag.kind} ${q(ag.id)} crosses the ego's path ${round(gapS, 1)} s ${m < k ? 'before' : m > k ? 'after' : 'as'} the ego passes there (t+${round(k * r.dtS, 1)} s, ${round(r.v[k]!)} m/s; post-encroachment time within ${pet} s): keep ${round(v0)} m/s instead of speeding up`,
          {
            agentId: ag.id,
            atS: round(k * r.dtS, 2),
            petS: round(gapS, 2),
            boundS: pet,
            egoSpeedMps: round(v0),
          },
          { capSpeedMps: v0, comfortOnset: true },
        );
        return;
      }
    }
  }
  sink.pass('crossing.pet', `no crossing vehicle within ${pet} s of a spot the ego speeds up or turns to`, {
    boundS: pet,
  });
}

const e3 = new CentreScratch();

/** True when the ego's footprint at roll-out step k meets any forecast footprint of turn slot j. */
function meetsTurnAt(ctx: CheckContext, k: number, j: number, last: number): number {
  const { turnForecast: f, vehicle: veh, snapshot } = ctx;
  const ag = snapshot.agents[f.index[j]!]!;
  const hl = veh.lengthM / 2;
  const hw = veh.widthM / 2;
  const reach = hl + hw + (ag.lengthM + ag.widthM) / 2;
  egoCentre(ctx, k, e3);
  const base = j * f.capacity;
  for (let m = 0; m <= last; m++) {
    const b = base + m;
    if (Math.abs(f.x[b]! - e3.x) > reach || Math.abs(f.y[b]! - e3.y) > reach) continue;
    if (meets(e3, hl, hw, f.x[b]!, f.y[b]!, f.h[b]!, ag)) return m;
  }
  return -1;
}

/**
 * A vehicle that may turn across the ego's way (RSS, different geometry, for the turn it has not
 * begun): one easing off or indicating before a fork (`AgentForecast`'s turn hypotheses) is
 * forecast straight on by the footprint rules, and seen turning only once it has begun — for an
 * ego at speed that is too late (esmini `ltap-od-relative-speed`: the target slowed 11.6 → 7 m/s
 * and turned left across the ego; the gate saw the turn 18.5 m away at 9.9 m/s and the emergency
 * stop met it at 4.2 m/s). The ego must stay able to answer the turn: stop short of the turn's path
 * after seeing it (`mayTurnReactionS`, then the repair ladder's hardest rung, 0.75 of the
 * platform's maximum, ≥ RSS b_min), or be through that path `crossingPetS` before the turning car
 * (at its speed) could be there. Checked along the roll-out up to the path; a step the gate's next
 * checks can still slow for (`commandDecelMps2`) is theirs, not this command's — the ego keeps its
 * speed until it must slow, and a car that then brakes hard (yields) or goes on straight through the
 * fork drops the hypothesis. Not when the ego can no longer stop short now (committed: going on is
 * the way out; the footprint rules judge a turn that comes). Repair: cap at the speed from which
 * the ego still stops short, braking at `commandDecelMps2`.
 */
export function mayTurnRule(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, turnForecast: f, vehicle: veh, snapshot, params } = ctx;
  if (veh.kind !== 'car' || !r.path || f.count === 0) {
    sink.pass('crossing.mayTurn', 'no vehicle that may turn across the ego’s way');
    return;
  }
  const last = Math.min(r.n, f.n) - 1;
  const b = Math.max(params.rssEgo.brakeMinMps2, 0.75 * veh.maxDecelMps2);
  const tResp = params.mayTurnReactionS;
  const stopDist = (v: number): number => v * tResp + (v * v) / (2 * b);
  const stopShortMps = (distM: number): number =>
    b * (-tResp + Math.sqrt(tResp * tResp + (2 * Math.max(0, distM)) / b));
  const slow = params.commandDecelMps2;
  for (let j = 0; j < f.count; j++) {
    const ag = snapshot.agents[f.index[j]!]!;
    let kIn = -1;
    let mIn = -1;
    for (let k = 0; k <= last && kIn < 0; k++) {
      const m = meetsTurnAt(ctx, k, j, last);
      if (m >= 0) {
        kIn = k;
        mIn = m;
      }
    }
    if (kIn <= 0) continue; // never on its turn's path, or on it already
    let kOut = last + 1;
    for (let k = kIn + 1; k <= last; k++)
      if (meetsTurnAt(ctx, k, j, last) < 0) {
        kOut = k;
        break;
      }
    // through its path before it could be there (with the crossing margin)
    if ((kOut - mIn) * r.dtS + params.crossingPetS <= 0) continue;
    const conflictS = r.s[kIn]! - 1;
    if (stopDist(r.v[0]!) > conflictS - r.s[0]!) continue; // committed
    for (let k = 1; k < kIn; k++) {
      const v = r.v[k]!;
      const dist = conflictS - r.s[k]!;
      if (stopDist(v) <= dist) continue;
      const cap = stopShortMps(dist);
      if (laterCheckAvoids(ctx, k, cap, slow, 2)) continue;
      sink.fail(
        'crossing.mayTurn',
        `vehicle ${q(ag.id)} may turn across the ego’s way (it ${ag.indicator === 'LEFT' || ag.indicator === 'RIGHT' ? 'indicates' : 'eases off'} before the fork): at t+${round(k * r.dtS, 1)} s the ego (${round(v)} m/s, ${round(dist)} m short of its turn’s path) could no longer stop short of it once it turns`,
        {
          agentId: ag.id,
          atS: round(k * r.dtS, 2),
          distanceM: round(dist),
          egoSpeedMps: round(v),
          capMps: round(cap),
        },
        { capSpeedMps: cap, brakeMps2: slow },
      );
      return;
    }
  }
  sink.pass('crossing.mayTurn', 'the ego can answer every turn a vehicle may take across its way');
}
