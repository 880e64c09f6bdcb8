/**
 * Situational rules on the facts the contracts carry (never on ids): a stopped school bus with its
 * red flashers on is not passed; an emergency vehicle with siren or warning lights is not raced
 * (no acceleration, no lane change into its lane while it approaches: not once it drives away
 * from the ego faster than the ego goes) and is passed slowly when
 * it stands beside the path; a region hidden from the sensors beside the path is passed at a speed
 * from which a person stepping out of it can still be avoided.
 */
import {
  type AgentState,
  angleDiff,
  hypot2,
  PoseScratch,
  pointInPolygon,
  pointPolygonBoundaryDistance,
  type Vec2,
} from '../../core/index.ts';
import { isActiveEmergency } from '../../core/map/index.ts';
import { drivesOnLeft } from '../drivingSide.ts';
import { changesLane } from '../Rollout.ts';
import { longitudinalOppositeDirection, type RssVehicle, rssVehicleAtRest } from '../rss.ts';
import {
  type CheckContext,
  firstUnstoppable,
  frontOffset,
  obligationLookEndM,
  q,
  type RuleSink,
  round,
} from './CheckContext.ts';
import { ssmMaxSpeed } from './vruRule.ts';

const fp = { sM: 0, dM: 0, segment: 0 };

/**
 * Whether the ego (at `egoX`, `egoY`, heading `egoHeadingRad`, at up to `egoSpeedMps`) and agent
 * `a` (straight on at its speed) close in on each other: their relative velocity points against
 * their relative position.
 */
function closesIn(
  a: AgentState,
  egoX: number,
  egoY: number,
  egoHeadingRad: number,
  egoSpeedMps: number,
): boolean {
  const px = a.x - egoX;
  const py = a.y - egoY;
  const wx = a.speedMps * Math.cos(a.headingRad) - egoSpeedMps * Math.cos(egoHeadingRad);
  const wy = a.speedMps * Math.sin(a.headingRad) - egoSpeedMps * Math.sin(egoHeadingRad);
  return px * wx + py * wy < 0;
}

/** Lane `laneId` and every lane reached from it by left / right neighbour links (either direction): its carriageway. */
function linkedLanes(ctx: CheckContext, laneId: string): Set<string> {
  const seen = new Set<string>([laneId]);
  const todo = [laneId];
  while (todo.length > 0) {
    const lane = ctx.map.lane(todo.pop()!);
    if (!lane) continue;
    for (const nb of [lane.data.left, lane.data.right]) {
      if (!nb || seen.has(nb.laneId)) continue;
      seen.add(nb.laneId);
      todo.push(nb.laneId);
    }
  }
  return seen;
}

/** The lanes of the carriageway the ego's path is on at arc length `sM` (`linkedLanes` of the path's lane there). */
function carriagewayLanes(ctx: CheckContext, sM: number): Set<string> {
  const path = ctx.rollout.path!;
  let laneId = path.pieces[0]!.laneId;
  for (const p of path.pieces) if (p.fromS <= sM) laneId = p.laneId;
  return linkedLanes(ctx, laneId);
}

/** Whether agent `a` is on a lane of the carriageway the ego's path is on at arc length `sM` (`carriagewayLanes`). */
function sameCarriageway(ctx: CheckContext, sM: number, a: AgentState): boolean {
  const loc = ctx.map.locate(a.x, a.y, a.headingRad, 1);
  if (!loc) return false;
  return carriagewayLanes(ctx, sM).has(loc.laneId);
}

/** How many lanes back from the path's first lane `onPathRoad` follows predecessors (a nuPlan lane is ~50 m). */
const PATH_ROAD_BACK_LANES = 4;

/**
 * Whether lane `laneId` is one of the path's lanes or lies on the chain of predecessors behind its
 * first lane: the road the ego drives along, however it bends.
 */
function onPathRoad(ctx: CheckContext, laneId: string): boolean {
  const path = ctx.rollout.path!;
  if (path.pieces.some((p) => p.laneId === laneId)) return true;
  let back = [path.pieces[0]!.laneId];
  const seen = new Set(back);
  for (let depth = 0; depth < PATH_ROAD_BACK_LANES && back.length > 0; depth++) {
    const next: string[] = [];
    for (const id of back)
      for (const p of ctx.map.lane(id)?.data.predecessors ?? []) {
        if (p === laneId) return true;
        if (!seen.has(p)) {
          seen.add(p);
          next.push(p);
        }
      }
    back = next;
  }
  return false;
}

/** `acrossMedian`: the gap between the carriageways is searched for lanes every this, m (a quarter of the 1 m `medianMinM`). */
const MEDIAN_PROBE_STEP_M = 0.25;

const probe = new PoseScratch();
const fl = { sM: 0, dM: 0, segment: 0 };

/**
 * Whether agent `a` (projected on the ego's path at `sM`) is on another carriageway of a divided
 * road: within the path's extent (beyond either end the projection runs along the end
 * segment's straight extension, which says nothing of where the road goes: an ambulance behind on
 * the curved lane before the path's first was 12 m "off" it; review 9), not on the path's own
 * lanes or the predecessors behind them, its lane running along the path (either way: |cos| of
 * the headings ≥ 0.9, not a crossing road), no side-by-side link joining it to the path's
 * carriageway, the nearest lane of its own carriageway (its lane and those linked beside it) at
 * least `medianMinM` from the nearest lane of the path's, and no other lane running along in
 * between. Measured from the path's own lane alone, an
 * undivided 2 + 2 road whose map links only the lanes of one direction (nuPlan lane groups, a
 * Lanelet2 import) was two carriageways 3.5 m apart: an oncoming ambulance went unyielded to and a
 * loading school bus was passed (review 9).
 */
function acrossMedian(ctx: CheckContext, sM: number, a: AgentState): boolean {
  const path = ctx.rollout.path!;
  if (sM < 0 || sM > path.line.length) return false;
  const loc = ctx.map.locate(a.x, a.y, a.headingRad, 1);
  if (!loc) return false;
  const pathHeading = path.line.headingAt(sM);
  const laneInfo = ctx.map.lane(loc.laneId);
  if (!laneInfo) return false;
  // the agent's lane direction: its own heading less the heading error against the lane
  const laneHeading = a.headingRad - loc.headingErrRad;
  const cosRel = Math.cos(laneHeading - pathHeading);
  if (Math.abs(cosRel) < 0.9) return false;
  const carriageway = carriagewayLanes(ctx, sM);
  if (carriageway.has(loc.laneId) || onPathRoad(ctx, loc.laneId)) return false;
  // the gap between the two carriageways: from the nearest lane of the path's (the path's own
  // lane in the path's frame, the others in their own) to the nearest of the agent's, each lane's
  // centre taken at the agent's station
  let pathLaneId = path.pieces[0]!.laneId;
  for (const p of path.pieces) if (p.fromS <= sM) pathLaneId = p.laneId;
  const theirs = linkedLanes(ctx, loc.laneId);
  let gap = Number.POSITIVE_INFINITY;
  let gapLine = path.line;
  let gapS = sM;
  let gapSide = 1;
  let gapInnerM = 0;
  for (const wId of theirs) {
    const w = ctx.map.lane(wId);
    if (!w) continue;
    w.line.project(a.x, a.y, fl);
    if (fl.sM < 0 || fl.sM > w.line.length) continue;
    w.line.toCartesian(fl.sM, 0, probe);
    const wx = probe.x;
    const wy = probe.y;
    for (const cId of carriageway) {
      const c = ctx.map.lane(cId);
      if (!c) continue;
      const line = cId === pathLaneId ? path.line : c.line;
      if (cId === pathLaneId) line.project(wx, wy, fl, sM - 20, sM + 20);
      else line.project(wx, wy, fl);
      if (fl.sM < 0 || fl.sM > line.length) continue;
      const g = Math.abs(fl.dM) - c.data.widthM / 2 - w.data.widthM / 2;
      if (g < gap) {
        gap = g;
        gapLine = line;
        gapS = fl.sM;
        gapSide = Math.sign(fl.dM);
        gapInnerM = c.data.widthM / 2;
      }
    }
  }
  if (!(gap >= ctx.params.medianMinM)) return false;
  // a strip of at least `medianMinM` with no lane running along lies in the gap: lanes that tile
  // it (the inner oncoming lane of a road whose centre line has no links, the agent in the outer
  // one; the lanes of a map with no links at all) make it a road, not a median
  const h0 = gapLine.headingAt(gapS);
  let freeM = 0;
  for (let off = MEDIAN_PROBE_STEP_M / 2; off < gap; off += MEDIAN_PROBE_STEP_M) {
    gapLine.toCartesian(gapS, gapSide * (gapInnerM + off), probe);
    let laneThere = false;
    for (const l of ctx.map.lanesAt(probe.x, probe.y)) {
      if (carriageway.has(l.data.id) || theirs.has(l.data.id)) continue;
      l.line.project(probe.x, probe.y, fl);
      if (Math.abs(Math.cos(l.line.headingAt(fl.sM) - h0)) >= 0.9) laneThere = true;
    }
    freeM = laneThere ? 0 : freeM + MEDIAN_PROBE_STEP_M;
    if (freeM >= ctx.params.medianMinM - 1e-9) return true;
  }
  return false;
}

/**
 * Whether agent `a` (projected on the ego's path at `sM`, within the path's extent) is on a lane
 * that runs along the path (either way: |cos| of the headings ≥ 0.9) and is none of the path's own
 * lanes or those behind them.
 */
function alongPathLane(ctx: CheckContext, sM: number, a: AgentState): boolean {
  const path = ctx.rollout.path!;
  if (sM < 0 || sM > path.line.length) return false;
  const loc = ctx.map.locate(a.x, a.y, a.headingRad, 1);
  if (!loc || onPathRoad(ctx, loc.laneId)) return false;
  const laneHeading = a.headingRad - loc.headingErrRad;
  return Math.abs(Math.cos(laneHeading - path.line.headingAt(sM))) >= 0.9;
}

/** A school bus standing with its red flashers / stop arm on (unknown lights: assumed on). */
export function isLoadingSchoolBus(a: AgentState): boolean {
  return a.subclass === 'school_bus' && a.speedMps < 0.5 && a.lightsOn !== false;
}

/**
 * A line bus or a school bus standing with its hazard lights on — at its stop, passengers getting on
 * and off (StVO §20(4): pass it only at walking pace, in the other direction on the same carriageway
 * too). A school bus with its red lights / stop arm out stops the ego instead (`isLoadingSchoolBus`).
 */
export function isBusAtStopWithHazards(a: AgentState): boolean {
  return (
    (a.subclass === 'bus' || a.subclass === 'school_bus') &&
    a.speedMps < 0.5 &&
    a.indicator === 'HAZARD' &&
    !isLoadingSchoolBus(a)
  );
}

/** First step at which the front bumper is within [fromS, toS] of the path above `capMps`, or -1. */
function firstTooFast(ctx: CheckContext, fromS: number, toS: number, capMps: number): number {
  const r = ctx.rollout;
  const front = frontOffset(ctx.vehicle);
  for (let k = 0; k < r.n; k++) {
    const f = r.s[k]! + front;
    if (f >= fromS && f - ctx.vehicle.lengthM <= toS && r.v[k]! > capMps + 0.3) return k;
  }
  return -1;
}

/** A junction on the path ahead: where the front bumper enters and leaves it (path arc length), m. */
interface JunctionAhead {
  id: string;
  entryS: number;
  exitS: number;
  /** The path's lane before the junction (its entry's lane when the path starts in it). */
  approachLaneId: string;
}

/**
 * The junctions the path enters ahead of the front bumper `f0` up to `lookEnd` (not one the front is
 * already in: leaving it is the way out), by the path's junction lanes.
 */
function junctionsAhead(ctx: CheckContext, f0: number, lookEnd: number): JunctionAhead[] {
  const ps = ctx.rollout.path!.pieces;
  const out: JunctionAhead[] = [];
  for (let i = 0; i < ps.length; i++) {
    const piece = ps[i]!;
    if (piece.fromS > lookEnd) break;
    const id = ctx.map.lane(piece.laneId)?.data.junctionId;
    if (id === undefined) continue;
    let j = i;
    while (j + 1 < ps.length && ctx.map.lane(ps[j + 1]!.laneId)?.data.junctionId === id) j++;
    if (piece.fromS > f0 + 0.5)
      out.push({
        id,
        entryS: piece.fromS,
        exitS: ps[j]!.toS,
        approachLaneId: ps[i - 1]?.laneId ?? piece.laneId,
      });
    i = j;
  }
  return out;
}

/**
 * Whether lane `laneId` leads into junction `junctionId` — it is one of its lanes, or a successor
 * is and the lane's end lies within `junctionFeedM` of arc length `sM` on it — and is none of the
 * path's own road (the ego's lanes and those behind them: an arm the ego comes from is no arm
 * traffic comes out of into its way).
 */
function feedsJunction(ctx: CheckContext, laneId: string, sM: number, junctionId: string): boolean {
  const lane = ctx.map.lane(laneId);
  if (!lane || onPathRoad(ctx, laneId)) return false;
  if (lane.data.junctionId === junctionId) return true;
  if (lane.line.length - sM > ctx.params.junctionFeedM) return false;
  return lane.data.successors.some((id) => ctx.map.lane(id)?.data.junctionId === junctionId);
}

/**
 * A junction ahead that an emergency vehicle on a run is in or about to enter from another arm (on
 * a lane feeding it, `feedsJunction`), or null.
 */
function emergencyJunction(ctx: CheckContext, a: AgentState, ahead: JunctionAhead[]): JunctionAhead | null {
  if (ahead.length === 0) return null;
  const loc = ctx.map.locate(a.x, a.y, a.headingRad, 1);
  if (!loc) return null;
  // one standing counts only at the mouth (about to pull out), not parked up the side road
  const lane = ctx.map.lane(loc.laneId);
  const standing = a.speedMps < 0.5;
  if (standing && lane && lane.data.junctionId === undefined) {
    const toEndM = lane.line.length - loc.sM - a.lengthM / 2;
    if (toEndM > EV_MOUTH_M) return null;
  }
  for (const j of ahead) if (feedsJunction(ctx, loc.laneId, loc.sM, j.id)) return j;
  return null;
}

/** A standing emergency vehicle whose front is within this of its lane's end waits to enter the junction, m (our choice: a car length and a half). */
const EV_MOUTH_M = 8;

/** Speed at which a turn enters a junction with a hidden arm, m/s (our choice: a walking-pace creep, 7 km/h). */
const JUNCTION_CREEP_MPS = 2;
/** A path through a junction turns when its heading changes by at least this, rad (30°, as `crossing.pet`). */
const JUNCTION_TURN_RAD = Math.PI / 6;

/**
 * Whether the path turns (≥ 30°) through junction `j` into or across the traffic of an arm whose
 * lane ends heading `armHeadingRad`: any arm for the turn across the oncoming lanes (left in
 * right-hand traffic, right in left-hand traffic: `drivesOnLeft`), not the opposite one (heading
 * within 45° of head-on) for the near-side turn, whose opposite traffic turning into the same exit
 * yields. Read as right-hand traffic, a right turn across the oncoming lanes of Autoware's Japanese
 * crossroads past a hidden opposite arm went in at 6 m/s and the near-side left turn was held (red team 10).
 */
function crossesArm(ctx: CheckContext, j: JunctionAhead, armHeadingRad: number): boolean {
  const line = ctx.rollout.path!.line;
  const a = line.headingAt(Math.min(j.entryS + 0.5, line.length));
  const b = line.headingAt(Math.max(0, Math.min(j.exitS - 0.5, line.length)));
  const turn = angleDiff(b, a);
  if (Math.abs(turn) < JUNCTION_TURN_RAD) return false;
  const opposite = Math.abs(angleDiff(armHeadingRad, a)) > (3 * Math.PI) / 4;
  const farSide = drivesOnLeft(ctx.map, j.approachLaneId) ? turn < 0 : turn > 0;
  return farSide || !opposite;
}

/** Scratch point for sampling lanes. */
const feedPt = new PoseScratch();

/**
 * A junction ahead one of whose other arms a hidden region covers: a lane feeding it
 * (`feedsJunction`) whose centreline lies in the region within `junctionFeedM` of its end, or null.
 */
function hiddenJunctionArm(
  ctx: CheckContext,
  polygon: ReadonlyArray<Vec2>,
  ahead: JunctionAhead[],
  skip?: (j: JunctionAhead, armHeadingRad: number) => boolean,
): JunctionAhead | null {
  for (const j of ahead) {
    for (const lane of ctx.map.data.lanes) {
      if (lane.type !== undefined && lane.type !== 'driving') continue;
      const l = ctx.map.lane(lane.id);
      if (!l) continue;
      const len = l.line.length;
      if (!feedsJunction(ctx, lane.id, len, j.id)) continue;
      if (skip?.(j, l.line.headingAt(len))) continue;
      const from = lane.junctionId === j.id ? 0 : Math.max(0, len - ctx.params.junctionFeedM);
      for (let s = len; s >= from; s -= 1) {
        l.line.toCartesian(s, 0, feedPt);
        if (pointInPolygon(feedPt.x, feedPt.y, polygon)) return j;
      }
    }
  }
  return null;
}

export function situationalRules(ctx: CheckContext, sink: RuleSink): void {
  const { rollout: r, snapshot, params, vehicle: veh } = ctx;
  const path = r.path;
  if (!path) {
    sink.pass('situational.schoolBus', 'ego off the lane graph');
    return;
  }
  const front = frontOffset(veh);
  const f0 = r.s[0]! + front;
  const v0 = r.v[0]!;
  const lookEnd = obligationLookEndM(ctx);
  const budget = params.signalStopDecelMps2;
  let busDone = false;
  let evDone = false;
  let stopDone = false;
  const ahead = junctionsAhead(ctx, f0, lookEnd);
  for (const ag of snapshot.agents) {
    if (busDone && evDone && stopDone) break;
    const bus = !busDone && isLoadingSchoolBus(ag);
    const ev = !evDone && isActiveEmergency(ag);
    const atStop = !stopDone && isBusAtStopWithHazards(ag);
    if (!bus && !ev && !atStop) continue;
    path.line.project(ag.x, ag.y, fp, r.s[0]! - 200, r.s[0]! + 400);
    const rearS = fp.sM - ag.lengthM / 2;
    const frontS = fp.sM + ag.lengthM / 2;
    if (atStop) {
      // own, adjacent or oncoming lane, or any lane of the same carriageway; not across a median
      // (the other roadway of a divided road is no "same carriageway" of §20(4)); from 10 m before
      // it to its far end (people step out behind it and cross in front of it): walking pace
      const near =
        sameCarriageway(ctx, fp.sM, ag) ||
        (Math.abs(fp.dM) <= params.schoolBusLateralM && !acrossMedian(ctx, fp.sM, ag));
      if (!near || frontS < f0 || rearS > lookEnd) continue;
      const cap = params.busStopPassSpeedMps;
      const zoneS = rearS - params.busStopZoneM;
      let k = firstUnstoppable(ctx, zoneS, budget, cap);
      if (k < 0) k = firstTooFast(ctx, zoneS, frontS, cap);
      if (k >= 0) {
        sink.fail(
          'situational.busStop',
          `bus ${q(ag.id)} at its stop with hazard lights on ${round(Math.max(0, rearS - f0))} m ahead: pass at walking pace ≤ ${round(cap, 2)} m/s, the other direction too (StVO §20(4); t+${round(k * r.dtS, 1)} s at ${round(r.v[k]!)} m/s)`,
          { agentId: ag.id, distanceM: round(rearS - f0), capMps: round(cap, 2), atS: round(k * r.dtS, 2) },
          { capSpeedMps: cap },
        );
        stopDone = true;
      }
      continue;
    }
    if (bus) {
      // own, adjacent and oncoming lane by offset; and any lane of the same carriageway (lanes
      // joined by side-by-side links, both directions: no median between them), however many
      // lanes wide — on a three-lane road a bus loading in the oncoming lane is 7 m off
      // — but not across a median: the other roadway of a divided road does not stop
      // — and, further off, on a lane along the path where lanes (linked or not: a centre turn
      // lane, a map whose lane groups stop at the centre line) tile the ground up to it
      const off = Math.abs(fp.dM);
      const near =
        sameCarriageway(ctx, fp.sM, ag) ||
        ((off <= params.schoolBusLateralM ||
          (off <= params.schoolBusUndividedM && alongPathLane(ctx, fp.sM, ag))) &&
          !acrossMedian(ctx, fp.sM, ag));
      if (!near || rearS < f0 - 1 || rearS - f0 > lookEnd - f0) continue;
      const lineS = rearS - params.schoolBusStopGapM;
      const k = firstUnstoppable(ctx, lineS, budget);
      if (k >= 0) {
        sink.fail(
          'situational.schoolBus',
          `stopped school bus ${q(ag.id)} with its red lights on ${round(rearS - f0)} m ahead: at t+${round(k * r.dtS, 1)} s the roll-out can no longer stop behind it`,
          { agentId: ag.id, distanceM: round(rearS - f0), atS: round(k * r.dtS, 2) },
          { stopBeforeS: lineS - front },
        );
        busDone = true;
      }
      continue;
    }
    // emergency vehicle
    const dist = hypot2(ag.x - snapshot.ego.x, ag.y - snapshot.ego.y);
    if (dist > params.emergencyRangeM) continue;
    // in or about to enter, from another arm, a junction the ego is about to enter: give it the
    // junction — stay able to stop before it (≤ the signal budget, or what a stop needs now while
    // that is no more; past that the ego is committed and clears it). An ambulance with its siren
    // waiting at the mouth of a T-junction's stem, 20 m ahead of a KEEP at 10 m/s, was neither
    // approaching along the path nor beside it, and the KEEP went through in front of it (red team 9)
    const evJunction = emergencyJunction(ctx, ag, ahead);
    if (evJunction) {
      const need = (v0 * v0) / (2 * Math.max(evJunction.entryS - f0, 0.1));
      const k = need <= budget ? firstUnstoppable(ctx, evJunction.entryS, budget) : -1;
      if (k >= 0) {
        sink.fail(
          'situational.emergencyVehicle',
          `emergency vehicle ${q(ag.id)} with ${ag.sirenOn ? 'siren' : 'warning lights'} at the junction ${round(evJunction.entryS - f0)} m ahead, from another arm: give it the way (t+${round(k * r.dtS, 1)} s the roll-out can no longer stop before the junction)`,
          { agentId: ag.id, distanceM: round(evJunction.entryS - f0), atS: round(k * r.dtS, 2) },
          { stopBeforeS: evJunction.entryS - front - 0.5 },
        );
        evDone = true;
        continue;
      }
    }
    const standing = ag.speedMps < 0.5;
    if (standing) {
      // beside or in the path ahead: pass at a walking-pace cap (move-over laws)
      if (Math.abs(fp.dM) > params.schoolBusLateralM || frontS < f0 || rearS > lookEnd) continue;
      // (beyond a median it stands on another roadway: no lane beside it is the ego's)
      if (acrossMedian(ctx, fp.sM, ag)) continue;
      const cap = params.emergencyPassSpeedMps;
      let k = firstUnstoppable(ctx, rearS - 10, budget, cap);
      if (k < 0) k = firstTooFast(ctx, rearS - 10, frontS, cap);
      if (k >= 0) {
        sink.fail(
          'situational.emergencyVehicle',
          `emergency vehicle ${q(ag.id)} standing with warning lights ${round(rearS - f0)} m ahead: pass at ≤ ${cap} m/s (t+${round(k * r.dtS, 1)} s at ${round(r.v[k]!)} m/s)`,
          { agentId: ag.id, distanceM: round(rearS - f0), capMps: cap, atS: round(k * r.dtS, 2) },
          { capSpeedMps: cap },
        );
        evDone = true;
      }
      continue;
    }
    // approaching on an emergency run: do not race it, do not move into its lane. One that drives
    // away from the ego faster than the roll-out ever goes (it has passed, or leads on its run)
    // asks for neither: nothing closes in on it and nothing is in its way
    const vEnd = r.v[r.n - 1]!;
    let vEgoMax = v0;
    for (let k = 1; k < r.n; k++) vEgoMax = Math.max(vEgoMax, r.v[k]!);
    // at either end of the roll-out's speeds (the relative velocity is linear in the ego's speed):
    // at its top speed alone, an ambulance coming up from behind looked as if it fell back once the
    // command asked for more speed than it has — speeding up more got past the rule
    const ex = snapshot.ego.x;
    const ey = snapshot.ego.y;
    const eh = snapshot.ego.headingRad;
    if (!closesIn(ag, ex, ey, eh, v0) && !closesIn(ag, ex, ey, eh, vEgoMax)) continue;
    // one on the other roadway of a divided road needs no one on this roadway to yield (an
    // ambulance coming the other way beyond a median capped a lawful ACCELERATE; red team 6)
    if (acrossMedian(ctx, fp.sM, ag)) continue;
    const accelerates = vEnd > v0 + 0.5;
    const laneChanging = changesLane(r);
    const intoItsLane = laneChanging && Math.abs(fp.dM - r.targetOffsetM) < 1.75;
    if (accelerates || intoItsLane) {
      sink.fail(
        'situational.emergencyVehicle',
        `emergency vehicle ${q(ag.id)} with ${ag.sirenOn ? 'siren' : 'warning lights'} ${round(dist)} m away: ${intoItsLane ? 'no lane change into its lane' : `no acceleration (${round(v0)} → ${round(vEnd)} m/s)`}`,
        { agentId: ag.id, distanceM: round(dist), egoSpeedMps: round(v0), endSpeedMps: round(vEnd) },
        intoItsLane ? { postponeLaneChange: true } : { capSpeedMps: v0 },
      );
      evDone = true;
    }
  }
  if (!busDone) sink.pass('situational.schoolBus', 'no loading school bus passed');
  if (!stopDone) sink.pass('situational.busStop', 'no bus at its stop with hazard lights passed too fast');
  if (!evDone) sink.pass('situational.emergencyVehicle', 'no emergency vehicle on a run raced or crowded');
  occlusionRule(ctx, sink, f0, lookEnd, ahead);
}

/** How far a hidden region must reach into the oncoming lane to hide what comes in it, m (under a bicycle's width: anything oncoming pokes out of a narrower strip). */
const HIDDEN_LANE_MIN_M = 0.3;

/**
 * The smallest arc length of a polygon given as (s, d) pairs (`sd`: s0, d0, s1, d1, …) within the
 * strip lo ≤ d ≤ hi (clipped along its edges), or +∞ when no part of it lies there.
 */
function nearestSInStrip(sd: ReadonlyArray<number>, lo: number, hi: number): number {
  let best = Number.POSITIVE_INFINITY;
  const n = sd.length / 2;
  for (let i = 0; i < n; i++) {
    const s0 = sd[2 * i]!;
    const d0 = sd[2 * i + 1]!;
    if (d0 >= lo && d0 <= hi) best = Math.min(best, s0);
    const j = (i + 1) % n;
    const s1 = sd[2 * j]!;
    const d1 = sd[2 * j + 1]!;
    // where the edge crosses the strip's borders
    if ((d0 - lo) * (d1 - lo) < 0) best = Math.min(best, s0 + ((lo - d0) / (d1 - d0)) * (s1 - s0));
    if ((d0 - hi) * (d1 - hi) < 0) best = Math.min(best, s0 + ((hi - d0) / (d1 - d0)) * (s1 - s0));
  }
  return best;
}

/** Scratch (s, d) pairs of an occlusion region's corners along the path. */
const regionSd: number[] = [];

// scratch vehicles of the sight-distance check (speeds and dynamics set before each use)
const phantom: RssVehicle = rssVehicleAtRest();
const egoWrong: RssVehicle = rssVehicleAtRest();

/**
 * Overtaking sight distance: a borrow into an oncoming lane that a hidden region covers (its
 * lateral extent on the path overlaps the borrowed lane's, ahead of the ego) must be safe against a
 * vehicle that comes out of it — one at the region's near edge at t = 0, coming on at the borrowed
 * lane's speed limit: at every roll-out step the ego spends in the oncoming lane it keeps RSS's
 * opposite-direction distance to it (it in its correct lane, the ego in the wrong one). The
 * occlusion cap alone let an 8 m/s borrow into a lane hidden from 37 m ahead (a bend, a hedge):
 * a car at 13.9 m/s closes that in 1.7 s. Fails `situational.occlusion` with the lane change
 * postponed; returns whether it failed.
 */
function hiddenOncoming(
  ctx: CheckContext,
  sink: RuleSink,
  id: string,
  sd: ReadonlyArray<number>,
  maxS: number,
  dLo: number,
  dHi: number,
  f0: number,
): boolean {
  const { rollout: r, map, params, vehicle: veh, command } = ctx;
  if (command.path !== 'LEFT_BORROW' && command.path !== 'RIGHT_BORROW') return false;
  if (!r.targetOpposite || maxS < f0) return false;
  const lane = map.lane(r.targetLaneId);
  const halfW = (lane?.data.widthM ?? 3.5) / 2;
  const lo = r.targetOffsetM - halfW;
  const hi = r.targetOffsetM + halfW;
  // a region that reaches less than HIDDEN_LANE_MIN_M into the oncoming lane hides nothing coming
  // in it (a van's shadow drawn to the lane line counted)
  if (dHi < lo + HIDDEN_LANE_MIN_M || dLo > hi - HIDDEN_LANE_MIN_M) return false;
  // the region's near edge within the oncoming lane: a wedge that only widens into it far ahead
  // hides nothing near (its whole near edge was taken)
  const nearS = nearestSInStrip(sd, lo + HIDDEN_LANE_MIN_M, hi - HIDDEN_LANE_MIN_M);
  if (!(nearS <= maxS)) return false;
  const vOn = lane?.data.speedLimitMps ?? params.occludedSpeedMps;
  const front = frontOffset(veh);
  const edge = Math.max(nearS, f0);
  phantom.dynamics = params.rssOther;
  egoWrong.dynamics = params.rssEgo;
  phantom.speedLonMps = vOn;
  // the ego is in the oncoming lane once its body is (a nudge's left side, not only its centre)
  const bodyIn = halfW + veh.widthM / 2;
  for (let k = 0; k < r.n; k++) {
    if (Math.abs(r.d[k]! - r.targetOffsetM) >= bodyIn) continue; // not in the oncoming lane yet
    const tS = k * r.dtS;
    const gap = edge - vOn * tS - (r.s[k]! + front);
    egoWrong.speedLonMps = r.v[k]!;
    const safe = longitudinalOppositeDirection(phantom, egoWrong);
    if (gap >= safe) continue;
    sink.fail(
      'situational.occlusion',
      `borrowing the oncoming lane ${q(r.targetLaneId)} hidden by ${q(id)} ${round(edge - f0)} m ahead: a vehicle coming out of it at ${round(vOn)} m/s would be ${round(gap)} m away at t+${round(tS, 1)} s, < RSS opposite-direction distance ${round(safe)} m`,
      {
        occlusionId: id,
        distanceM: round(edge - f0),
        gapM: round(gap),
        safeDistanceM: round(safe),
        atS: round(tS, 2),
      },
      { postponeLaneChange: true },
    );
    return true;
  }
  return false;
}

/** Whether two polygons touch or lie within `gapM` of each other. */
function polygonsWithin(a: ReadonlyArray<Vec2>, b: ReadonlyArray<Vec2>, gapM: number): boolean {
  for (const [p, poly] of [
    [a, b],
    [b, a],
  ] as const)
    for (const v of p)
      if (pointInPolygon(v.x, v.y, poly) || pointPolygonBoundaryDistance(v.x, v.y, poly) <= gapM) return true;
  // edges that cross with every corner outside the other (two strips laid crosswise)
  for (let i = 0, j = a.length - 1; i < a.length; j = i++)
    for (let m = 0, n = b.length - 1; m < b.length; n = m++)
      if (segmentsCross(a[j]!, a[i]!, b[n]!, b[m]!)) return true;
  return false;
}

function segmentsCross(p: Vec2, q2: Vec2, r: Vec2, s: Vec2): boolean {
  const o = (a: Vec2, b: Vec2, c: Vec2) => (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  return o(p, q2, r) * o(p, q2, s) < 0 && o(r, s, p) * o(r, s, q2) < 0;
}

/**
 * The nearest crosswalk the path crosses ahead (from the front bumper to `lookEnd`) that the
 * hidden region `polygon` covers or borders (within `crosswalkNearM`: one step onto it), with
 * where the path enters and leaves it (front-bumper arc lengths, 1 m resolution), or null. One
 * the front bumper is already on is passed over (as `vru.crosswalk`: the collision rules handle
 * whoever appears), not the region: a bus may hide both crossings of a junction.
 */
function hiddenCrosswalk(
  ctx: CheckContext,
  polygon: ReadonlyArray<Vec2>,
  f0: number,
  lookEnd: number,
): { id: string; entryS: number; exitS: number } | null {
  const path = ctx.rollout.path!;
  let best: { id: string; entryS: number; exitS: number } | null = null;
  for (const cw of ctx.map.data.crosswalks) {
    if (!polygonsWithin(polygon, cw.polygon, ctx.params.crosswalkNearM)) continue;
    path.line.toCartesian(Math.max(0, f0), 0, cwPt);
    if (pointInPolygon(cwPt.x, cwPt.y, cw.polygon)) continue;
    let entryS = Number.NaN;
    let exitS = Number.NaN;
    for (let sF = Math.max(0, f0); sF <= Math.min(lookEnd, path.line.length); sF += 1) {
      path.line.toCartesian(sF, 0, cwPt);
      if (pointInPolygon(cwPt.x, cwPt.y, cw.polygon)) {
        if (Number.isNaN(entryS)) entryS = sF;
        exitS = sF;
      } else if (!Number.isNaN(entryS)) break;
    }
    if (!Number.isNaN(entryS) && (!best || entryS < best.entryS)) best = { id: cw.id, entryS, exitS };
  }
  return best;
}

const cwPt = new PoseScratch();

/**
 * An occluded region within `occlusionNearM` of the ego's path ahead: the stretch beside it is
 * driven at ≤ `occludedSpeedMps`, and the ego must be able to slow to it before.
 */
function occlusionRule(
  ctx: CheckContext,
  sink: RuleSink,
  f0: number,
  lookEnd: number,
  ahead: JunctionAhead[],
): void {
  const { rollout: r, snapshot, params, vehicle: veh } = ctx;
  const path = r.path!;
  const regions = snapshot.occlusions ?? [];
  const robot = veh.kind === 'robot';
  // a robot's stopping performance, as `iso15066.ssm` takes it (the gate's hardest braking rung)
  const ssmBrake = Math.max(params.ssmRobotBrakeMps2, 0.75 * veh.maxDecelMps2);
  for (const o of regions) {
    let minS = Infinity;
    let maxS = -Infinity;
    let minAbsD = Infinity;
    let dLo = Infinity;
    let dHi = -Infinity;
    let left = false;
    let right = false;
    // (s, d) of the region's corners, in a scratch reused over regions and checks
    const sd = regionSd;
    sd.length = 0;
    for (const p of o.polygon) {
      path.line.project(p.x, p.y, fp, r.s[0]! - 50, r.s[0]! + 400);
      sd.push(fp.sM, fp.dM);
      minS = Math.min(minS, fp.sM);
      maxS = Math.max(maxS, fp.sM);
      minAbsD = Math.min(minAbsD, Math.abs(fp.dM));
      dLo = Math.min(dLo, fp.dM);
      dHi = Math.max(dHi, fp.dM);
      if (fp.dM > 0) left = true;
      else right = true;
    }
    if (hiddenOncoming(ctx, sink, o.id, sd, maxS, dLo, dHi, f0)) return;
    // a turn (≥ 30°) through a junction one of whose other arms it hides crosses or joins that arm's
    // traffic without sight of it: creep to the junction (sight-distance rule) — at the hidden-region
    // speed a KEEP at 6 m/s turned out of a side road into a road a building hid (red team 9)
    // (not the opposite arm for a right turn: its traffic turning into the same exit yields to it)
    const jt = robot ? null : hiddenJunctionArm(ctx, o.polygon, ahead, (j, h) => !crossesArm(ctx, j, h));
    if (jt) {
      const k = firstUnstoppable(ctx, jt.entryS, params.signalStopDecelMps2, JUNCTION_CREEP_MPS);
      if (k >= 0) {
        sink.fail(
          'situational.occlusion',
          `hidden region ${q(o.id)} covers another arm of the junction ${round(Math.max(0, jt.entryS - f0))} m ahead, where the path turns: creep in at ≤ ${JUNCTION_CREEP_MPS} m/s (t+${round(k * r.dtS, 1)} s at ${round(r.v[k]!)} m/s)`,
          { occlusionId: o.id, distanceM: round(jt.entryS - f0), capMps: JUNCTION_CREEP_MPS, turning: true },
          { capSpeedMps: JUNCTION_CREEP_MPS },
        );
        return;
      }
    }
    const clearance = left && right ? 0 : Math.max(0, minAbsD - veh.widthM / 2);
    // a robot passes a hidden region as it would a person standing at its edge whose speed it
    // cannot monitor (ISO/TS 15066 with ISO 13855's 1.6 m/s): 8.3 m/s is a car's cap and left a
    // robot at 2 m/s 0.3 m from a blind rack end; the protective distance decides how near counts
    const cap = robot
      ? Math.min(params.occludedSpeedMps, ssmMaxSpeed(clearance, params, ssmBrake))
      : params.occludedSpeedMps;
    if (!robot && clearance > params.occlusionNearM) {
      // far from the path, but it hides a crosswalk's end: someone may walk onto the crosswalk
      // from it unseen, and the crosswalk leads into the path (a van stopped in the next lane
      // just short of a crosswalk hides its kerb end: KEEP at 12 m/s went by at full speed)
      const cw = hiddenCrosswalk(ctx, o.polygon, f0, lookEnd);
      if (!cw) {
        // it hides another arm of a junction ahead: a vehicle (or cyclist) may come out of it
        // unseen — the junction is crossed at the hidden-region speed, slowed to before it (a
        // building on the corner hid a T-junction's stem, the arm on the right, and a KEEP at
        // 11 m/s went through at full speed; red team 9)
        const j = hiddenJunctionArm(ctx, o.polygon, ahead);
        if (!j) continue;
        let kj = firstUnstoppable(ctx, j.entryS, params.signalStopDecelMps2, cap);
        if (kj < 0) kj = firstTooFast(ctx, j.entryS, j.exitS, cap);
        if (kj < 0) continue;
        sink.fail(
          'situational.occlusion',
          `hidden region ${q(o.id)} covers another arm of the junction ${round(Math.max(0, j.entryS - f0))} m ahead: cross it at ≤ ${round(cap)} m/s (t+${round(kj * r.dtS, 1)} s at ${round(r.v[kj]!)} m/s)`,
          {
            occlusionId: o.id,
            clearanceM: round(clearance),
            distanceM: round(j.entryS - f0),
            capMps: round(cap),
          },
          { capSpeedMps: cap },
        );
        return;
      }
      let k = firstUnstoppable(ctx, cw.entryS, params.signalStopDecelMps2, cap);
      if (k < 0) k = firstTooFast(ctx, cw.entryS, cw.exitS, cap);
      if (k < 0) continue;
      sink.fail(
        'situational.occlusion',
        `hidden region ${q(o.id)} covers the end of crosswalk ${q(cw.id)} ${round(Math.max(0, cw.entryS - f0))} m ahead: pass it at ≤ ${round(cap)} m/s (t+${round(k * r.dtS, 1)} s at ${round(r.v[k]!)} m/s)`,
        {
          occlusionId: o.id,
          crosswalkId: cw.id,
          clearanceM: round(clearance),
          distanceM: round(cw.entryS - f0),
          capMps: round(cap),
        },
        { capSpeedMps: cap },
      );
      return;
    }
    if (maxS < f0 || minS > lookEnd) continue;
    let k = minS > f0 ? firstUnstoppable(ctx, minS, params.signalStopDecelMps2, cap) : -1;
    if (k < 0) k = firstTooFast(ctx, minS, maxS, cap);
    if (k < 0) continue;
    sink.fail(
      'situational.occlusion',
      `hidden region ${q(o.id)} ${round(clearance)} m beside the path ${round(Math.max(0, minS - f0))} m ahead: pass at ≤ ${round(cap)} m/s (t+${round(k * r.dtS, 1)} s at ${round(r.v[k]!)} m/s)`,
      { occlusionId: o.id, clearanceM: round(clearance), distanceM: round(minS - f0), capMps: round(cap) },
      { capSpeedMps: cap },
    );
    return;
  }
  sink.pass(
    'situational.occlusion',
    regions.length ? 'hidden regions passed slowly enough' : 'no hidden region',
  );
}
