/**
 * What every rule sees (the roll-out, the agents' forecast, the scene, the parameters) and where
 * it writes (a `RuleSink`: one result per rule plus the fix it suggests). Rules are pure functions
 * of the context; the gate owns the context and reuses it between checks.
 */
import {
  MAX_QUOTED_CHARS,
  type MidLevelCommand,
  quoteWorldText,
  type RuleResult,
  type VehicleParams,
  type WorldSnapshot,
} from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { frontOffset } from '../../core/vehicle/pathFollowing.ts';
import type { AgentForecast } from '../AgentForecast.ts';
import type { Rollout } from '../Rollout.ts';
import type { SafetyParams } from '../SafetyParams.ts';

export interface CheckContext {
  snapshot: WorldSnapshot;
  map: RoadMap;
  vehicle: VehicleParams;
  params: SafetyParams;
  /** The command under check (for trajectory checks: the command derived from it). */
  command: MidLevelCommand;
  rollout: Rollout;
  forecast: AgentForecast;
  /** Turns vehicles may take at the fork ahead (`forecastAgents`' `turns`): hypotheses for `crossing.mayTurn` only. */
  turnForecast: AgentForecast;
  /** The roll-out came from a trajectory (kinematics are checked more strictly then). */
  fromTrajectory: boolean;
  /**
   * Forecast agents (indices into the forecast) that run into the ego from behind in this roll-out
   * (filled by the collision rule): the follower's fault, and no longer a front conflict after.
   */
  rearStruck: Set<number>;
  /** When the first of them hits, s after now (NaN: none). */
  rearStruckAtS: number;
  /**
   * Forecast pedestrians that walk into the ego's side after its front has passed them (filled by
   * the collision rule): theirs to avoid (nuPlan: a lateral contact with the ego in its lane is not
   * the ego's fault), and braking for them would put the ego's front where they walk.
   */
  sideStruck: Set<number>;
  /**
   * Forecast agents in contact with the ego now that have come through it from behind, going its
   * way faster than it (filled by the collision rule): a contact it did not make and cannot undo;
   * no lead to keep an RSS distance to (braking for it would only brake into the contact).
   */
  contactNow: Set<number>;
  /**
   * Squeeze mode: a follower would run into the strict RSS response, so the longitudinal check
   * assumes the lead brakes no harder than the ego's own b_min and the ego responds after its
   * actuation lag with its planned acceleration (set by the gate, never by the command).
   */
  rssSqueeze: boolean;
}

/** A rule's suggested repair: the gate combines them into one modified command. */
export interface Fix {
  /** Cap the target speed, m/s. */
  capSpeedMps?: number;
  /** Keep the lane (postpone the lane change / borrow). */
  postponeLaneChange?: boolean;
  /** Stop with the rear axle at this arc length of the lane path, m. */
  stopBeforeS?: number;
  /** Keep moving at least this fast (never stop here), m/s. */
  minSpeedMps?: number;
  /** No modification can repair it (input errors). */
  unfixable?: boolean;
  /** A collision or near-collision is predicted (the MRM must be an emergency stop). */
  critical?: boolean;
  /**
   * Brake at least this hard, m/s² (RSS proper response): the repair decelerates with it to
   * `capSpeedMps` (or to a stop) instead of stopping at a point.
   */
  brakeMps2?: number;
  /** The braking may be built up at the comfortable onset (an RSS headway deficit, no closing danger). */
  comfortOnset?: boolean;
  /**
   * The braking may be built up at this jerk from the actuator's lag on, m/s³ (or steeper): RSS's
   * own response time ρ — a present danger's proper response with its onset spread over ρ, which
   * loses no less speed than RSS's stepped response (hold the speed for ρ, then brake).
   */
  onsetJerkMps3?: number;
}

export interface RuleOutcome {
  result: RuleResult;
  fix?: Fix;
}

export class RuleSink {
  readonly outcomes: RuleOutcome[] = [];
  violations = 0;
  /**
   * @param keepPasses false: `pass` records nothing (`outcomes` holds the failures alone) — for the
   * gate's candidate repairs, of which only the failures are read: their passing rules' results
   * were built and dropped at every candidate of every check. A rule whose pass message or values
   * cost something to build may skip building them where `keepPasses` is false.
   */
  constructor(readonly keepPasses = true) {}
  pass(rule: string, message: string, values: RuleResult['values'] = {}): void {
    if (this.keepPasses) this.outcomes.push({ result: { rule, decision: 'ALLOW', values, message } });
  }
  fail(rule: string, message: string, values: RuleResult['values'], fix: Fix): void {
    this.violations++;
    this.outcomes.push({
      result: { rule, decision: fix.unfixable ? 'VETO' : 'MODIFY', values, message },
      fix,
    });
  }
  clear(): void {
    this.outcomes.length = 0;
    this.violations = 0;
  }
}

/** Rear-axle → footprint centre distance and half extents of the ego. */
export function egoCentre(
  ctx: CheckContext,
  k: number,
  out: { x: number; y: number; c: number; s: number },
): void {
  const r = ctx.rollout;
  const h = r.h[k]!;
  out.c = Math.cos(h);
  out.s = Math.sin(h);
  out.x = r.x[k]! + ctx.vehicle.rearAxleToCenterM * out.c;
  out.y = r.y[k]! + ctx.vehicle.rearAxleToCenterM * out.s;
}

// arc length from the rear axle to the front bumper, m (core's, also for the rules that import it from here)
export { frontOffset };

export const round = (v: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

/**
 * A world-supplied string (agent id, lane id, stop-line id) as it may appear in a verdict: core's
 * one quoting (also used for scene text and rationales), under the name the rules use.
 */
export const q = quoteWorldText;
export { MAX_QUOTED_CHARS };

/** The same string bounded for a rule's `values` (no quotes: values are data, not text). */
export function bounded(text: string, max = MAX_QUOTED_CHARS): string {
  return q(text, max).slice(1, -1);
}

/** nuPlan's stopped-ego speed: a collision below it is not the ego's (collision classification), m/s. */
const STOPPED_EGO_MPS = 0.05;

/**
 * Distance the ego needs to come to rest from `speedMps` when it brakes at `decelMps2` as the sim's
 * tracker delivers it (the platform's stopping distance, what RSS's braking term means for it): the
 * deceleration down to decel/gain, below which the LQR on a stopped reference brakes at gain·v
 * (nuPlan: its reference one second ahead is at best 0), then its proportional stop below
 * `trackerStopSpeedMps` down to nuPlan's stopped-ego speed, m. About decel/gain² + 0.3 m more than
 * v²/2·decel (2.4 m at 4 m/s²): a stop planned at constant deceleration ends in the obstacle.
 */
export function trackedStopDistanceM(p: SafetyParams, speedMps: number, decelMps2: number): number {
  const v = Math.max(0, speedMps);
  if (v <= STOPPED_EGO_MPS) return 0;
  const g = p.trackingGainPerS;
  const vStop = p.trackerStopSpeedMps;
  const creep = (Math.min(v, vStop) - STOPPED_EGO_MPS) / p.trackerStopGainPerS;
  if (v <= vStop) return creep;
  const vTaper = Math.max(vStop, Math.min(v, decelMps2 / g));
  return (v * v - vTaper * vTaper) / (2 * decelMps2) + (vTaper - vStop) / g + creep;
}

/**
 * The deceleration with which the tracked ego comes to rest from `speedMps` within `roomM`, m/s²
 * (capped at `maxMps2`): the smallest d with trackedStopDistanceM(d) ≤ roomM, in closed form (the
 * distance falls with d: below d = g·v_stop it is (v² − v_stop²)/2d + creep; up to d = g·v it is
 * v²/2d + d/2g² − v_stop/g + creep, a quadratic in d; beyond, the taper alone). Runs per roll-out step
 * in danger, so no iteration.
 */
export function trackedDecelToStopMps2(
  p: SafetyParams,
  speedMps: number,
  roomM: number,
  maxMps2: number,
): number {
  if (trackedStopDistanceM(p, speedMps, maxMps2) > roomM) return maxMps2;
  const v = Math.max(0, speedMps);
  const g = p.trackingGainPerS;
  const vStop = p.trackerStopSpeedMps;
  // at or below the tracker's stop speed the creep does not depend on d: any braking will do
  if (v <= vStop) return 0;
  const creep = (vStop - STOPPED_EGO_MPS) / p.trackerStopGainPerS;
  // the taper branch: d² − 2g²R·d + g²v² ≤ 0 with R = room − creep + v_stop/g, smallest root
  const r = roomM - creep + vStop / g;
  const disc = g ** 4 * r * r - g * g * v * v;
  if (disc >= 0) {
    const d = g * g * r - Math.sqrt(disc);
    if (d >= g * vStop && d <= g * v) return Math.min(maxMps2, d);
  }
  // the constant-deceleration branch down to v_stop
  const room = roomM - creep;
  if (room > 0) {
    const d = (v * v - vStop * vStop) / (2 * room);
    if (d < g * vStop) return Math.min(maxMps2, d);
  }
  // d ≥ g·v: the taper alone meets the room (its distance does not fall further)
  return Math.min(maxMps2, g * v);
}

/**
 * Distance the front bumper needs to stop from `speedMps` after the response time, plus a margin:
 * how far ahead signals, stop lines, crosswalks and occlusions are checked whatever the horizon.
 */
export function stoppingLookAheadM(ctx: CheckContext, speedMps: number): number {
  const p = ctx.params;
  return speedMps * p.rssEgo.responseTimeS + (speedMps * speedMps) / (2 * p.commandDecelMps2) + 10;
}

/**
 * Path arc length (front bumper) up to which obligations ahead count: the stopping distance from
 * now and from the roll-out's end, whichever reaches farther, m.
 */
export function obligationLookEndM(ctx: CheckContext): number {
  const r = ctx.rollout;
  const front = frontOffset(ctx.vehicle);
  return Math.max(
    r.s[0]! + front + stoppingLookAheadM(ctx, r.v[0]!),
    r.s[r.n - 1]! + front + stoppingLookAheadM(ctx, r.v[r.n - 1]!),
  );
}

/**
 * First roll-out step at which the front bumper can no longer slow to `targetMps` (0: stop) before
 * path arc length `lineS` with at most max(budget, 1.2 × what that needs at the start + 0.1 m/s²,
 * room for the actuator's lag), or reaches `lineS` faster than `targetMps`; -1 if it always can
 * (steps at or under `targetMps` always can: from rest the check starts where it speeds up).
 */
export function firstUnstoppable(
  ctx: CheckContext,
  lineS: number,
  budgetMps2: number,
  targetMps = 0,
): number {
  const r = ctx.rollout;
  const front = frontOffset(ctx.vehicle);
  const vt2 = targetMps * targetMps;
  const v0 = r.v[0]!;
  const need0 = Math.max(0, v0 * v0 - vt2) / (2 * Math.max(lineS - (r.s[0]! + front), 0.1));
  const allowed = Math.max(budgetMps2, 1.2 * need0 + 0.1);
  let passedSlow = false;
  for (let k = 0; k < r.n; k++) {
    const v = r.v[k]!;
    // slow enough here: it can hold (a creep over the line at this speed is the tracker's taper).
    // Not an all-clear for the rest of the roll-out: one that is slow now and speeds up later (an
    // ACCELERATE from rest at a red light or before an occupied crosswalk) is checked on at every
    // later step — returning here let a pull-away over a red line pass
    if (v <= targetMps + 0.1) {
      if (r.s[k]! + front >= lineS) passedSlow = true;
      continue;
    }
    const room = lineS - (r.s[k]! + front);
    // past the line: a stop line (target 0) is crossed, whatever came before; a speed cap's line
    // (target > 0) reached at or under the cap was kept (what lies beyond is the zone's own check)
    if (room <= 0) return targetMps > 0 && passedSlow ? -1 : k;
    if ((v * v - vt2) / (2 * room) > allowed) return k;
  }
  return -1;
}

/**
 * True when roll-out step `k` (> `fromStep`) breaks a speed bound `capMps` that braking from the
 * check at `fromStep` on (the next one by default; after the actuator's lag, at `decelMps2` or the
 * platform's limit) still meets: the gate re-checks every tick and slows the ego when it must, not
 * a horizon early.
 */
export function laterCheckAvoids(
  ctx: CheckContext,
  k: number,
  capMps: number,
  decelMps2: number,
  fromStep = 1,
): boolean {
  const { rollout: r, params, vehicle } = ctx;
  if (k <= fromStep || fromStep >= r.n) return false;
  const v1 = r.v[fromStep]!;
  const room = r.s[k]! - r.s[fromStep]! - v1 * params.accelLagS;
  const decel = Math.min(decelMps2, vehicle.maxDecelMps2);
  return v1 * v1 - capMps * capMps <= 2 * decel * Math.max(0, room);
}

/**
 * Whether the roll-out keeps the ego's own lane (no change, no borrow) and its path has no junction
 * up to step `k` (and up to path arc length `untilS`, where the other car is, when given): in a junction the ego crosses other lanes (an unprotected turn), where a car coming
 * the other way is in its own lane and the conflict is the ego's to avoid.
 */
export function keepsOwnLaneOutsideJunctions(ctx: CheckContext, k: number, untilS = Number.NaN): boolean {
  const r = ctx.rollout;
  if (r.kind !== 'FOLLOW_LANE' || r.targetOpposite || !r.path) return false;
  const end = Math.max(r.s[k]! + frontOffset(ctx.vehicle), Number.isNaN(untilS) ? 0 : untilS);
  for (const piece of r.path.pieces) {
    if (piece.fromS > end) break;
    if (piece.toS >= r.s[0]! && ctx.map.lane(piece.laneId)?.data.junctionId !== undefined) return false;
  }
  return true;
}

/**
 * How far ahead a predicted conflict with a vehicle coming the other way into the ego's lane is
 * braked for at full strength (stop before it) rather than answered with RSS's correct-lane
 * response, s: `oncomingMitigateS`, and never less than the time the ego needs to come to rest at
 * RSS's b_min after the actuator's lag. Farther off, the ego can still stop short later, and a drift
 * that swings back costs no stop; closer, a correct-lane response that does not stop it in time
 * leaves it moving at the contact — nuPlan counts a front strike of a moving ego as its fault, a
 * stopped ego's as not (fuzz oncoming_drift: seed 7 runs 385 and 997, 11's 214, 20791's 232, 367 and
 * 439 were hit at 0.5–8.9 m/s with the fixed 1.5 s; a stop at 8 m/s² begun at the first lateral
 * movement clears every one of them, and with this window the gate asks for one in time).
 */
export function oncomingMitigateS(ctx: CheckContext): number {
  const p = ctx.params;
  return Math.max(p.oncomingMitigateS, ctx.rollout.v[0]! / p.rssEgo.brakeMinMps2 + p.accelLagS);
}

/**
 * Whether a predicted contact with a vehicle coming the other way into the ego's lane, `tS` after
 * now, is braked for at full strength (a stop before path arc length `stopS`, m) rather than
 * answered with RSS's correct-lane response. Within `params.oncomingMitigateS` always; beyond the
 * widened window (`oncomingMitigateS(ctx)`) never; in between only when the follower behind
 * (`rearBrakeLimit`, `rearMaxDecelMps2`) allows the braking the stop needs after the lag: at 20 m/s
 * with a follower at 0.9 s, the widened window asked an EMERGENCY_STOP at 8 m/s² for a drift 65 m
 * ahead, which the follower could not match (review 4).
 */
export function oncomingStops(
  ctx: CheckContext,
  widenedS: number,
  rearMaxDecelMps2: number,
  tS: number,
  stopS: number,
): boolean {
  const p = ctx.params;
  if (tS <= p.oncomingMitigateS) return true;
  if (tS > widenedS) return false;
  if (!Number.isFinite(rearMaxDecelMps2)) return true;
  const v0 = ctx.rollout.v[0]!;
  const roomM = stopS - ctx.rollout.s[0]! - v0 * p.accelLagS;
  return roomM > 0 && (v0 * v0) / (2 * roomM) <= rearMaxDecelMps2;
}

/**
 * The hardest the ego may brake without being rear-ended by the vehicle behind it in its lane:
 * the follower reacts after ρ and brakes with b_min (`rssFollower`); the ego's stop must leave
 * room for the follower's (g + v²/2a ≥ v_f·ρ + v_f²/2b_f). Infinity without a follower.
 * Takes the snapshot (map frame), the ego's vehicle and the gate's params; returns m/s², the
 * follower's id ('' without one) and its gap to the ego's rear bumper, m.
 */
export function rearBrakeLimit(
  snapshot: WorldSnapshot,
  veh: VehicleParams,
  params: SafetyParams,
): { maxDecelMps2: number; id: string; gapM: number } {
  const ego = snapshot.ego;
  const c = Math.cos(ego.headingRad);
  const sn = Math.sin(ego.headingRad);
  const rearX = -(veh.lengthM - frontOffset(veh)); // rear bumper, from the rear axle along the heading
  let best = { maxDecelMps2: Number.POSITIVE_INFINITY, id: '', gapM: 0 };
  const v = ego.speedMps;
  const fd = params.rssFollower;
  for (const ag of snapshot.agents) {
    if (ag.kind === 'pedestrian' || ag.kind === 'static' || ag.speedMps < 0.1) continue;
    const dx = ag.x - ego.x;
    const dy = ag.y - ego.y;
    const lon = dx * c + dy * sn;
    const lat = -dx * sn + dy * c;
    if (Math.abs(lat) > (veh.widthM + ag.widthM) / 2 || lon > rearX) continue;
    if (Math.cos(ag.headingRad - ego.headingRad) < 0.7) continue;
    const gap = rearX - (lon + ag.lengthM / 2);
    if (gap > 80) continue;
    const vf = ag.speedMps;
    const followerStop = vf * fd.responseTimeS + (vf * vf) / (2 * fd.brakeMinMps2);
    const over = followerStop - Math.max(0, gap) + 1;
    const limit = over <= 0 ? Number.POSITIVE_INFINITY : (v * v) / (2 * over);
    if (limit < best.maxDecelMps2) best = { maxDecelMps2: limit, id: ag.id, gapM: gap };
  }
  return best;
}

/**
 * Whether the roll-out, up to step `k`, gives RSS's proper response to a vehicle coming the other
 * way into the ego's own lane (Shalev-Shwartz et al. 2017, opposite directions: the car in its
 * correct lane brakes with b_min,correct after its response time; built up at the comfortable
 * onset from now, which over ρ = 1 s loses no more speed than the stepped response): at every step
 * its speed is at most that response's. Only while the ego keeps its own lane (no change, no borrow)
 * outside junctions: on the other's side of the line, or crossing its lane, the conflict is the ego's own.
 */
export function givesOncomingProperResponse(ctx: CheckContext, k: number): boolean {
  const r = ctx.rollout;
  const p = ctx.params;
  if (!keepsOwnLaneOutsideJunctions(ctx, k)) return false;
  const b = p.rssEgo.brakeMinCorrectMps2;
  const jerk = p.brakeOnsetJerkMps3;
  const rampS = b / jerk;
  const v0 = r.v[0]!;
  for (let i = 0; i <= k; i++) {
    if (Math.abs(r.d[i]!) > 1) return false;
    const t = Math.max(0, i * r.dtS - p.accelLagS);
    const lost = t <= rampS ? 0.5 * jerk * t * t : 0.5 * b * rampS + b * (t - rampS);
    if (r.v[i]! > Math.max(0, v0 - lost) + 0.05) return false;
  }
  return true;
}
