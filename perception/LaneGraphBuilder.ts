/**
 * The local lane graph around the ego: nearby lanes, the ego lane and its neighbours, route
 * successors, the next junction / stop line / crosswalk, lead and follow agents per lane, and
 * agents whose predicted path (along their lanes, else their heading) enters the ego corridor.
 * Built per map (crosswalk entries per lane are cached on first use); `build` is pure in its inputs.
 */
import {
  type AgentState,
  angleDiff,
  hypot2,
  Polyline,
  pointInPolygon,
  type Route,
  type SignalState,
  type VehicleParams,
  VehicleParamsSchema,
  type WorldSnapshot,
} from '../core/index.ts';
import {
  type LaneInfo,
  markAt,
  nextRouteLane,
  type RoadMap,
  roadMarkCrossable,
  routeIndexOf,
  routeLanesAfter,
} from '../core/map/index.ts';
import { ACCEL_MAX_MPS2, ACCEL_MIN_MPS2, alongAtDecayingAccel } from './AgentAccelHistory.ts';
import { LaneChunks } from './LaneChunks.ts';
import type { PerceptionParams } from './PerceptionParams.ts';
import type {
  CrossingAgent,
  LaneAgent,
  LaneGraph,
  LaneSlot,
  NearbyLane,
  NeighbourLane,
  Successor,
} from './SceneContext.ts';

/** Lanes of a chain with the along-distance of their start, relative to the ego rear axle, m. */
interface ChainLane {
  lane: LaneInfo;
  startM: number;
  relation: 'base' | 'successor' | 'left' | 'right' | 'predecessor';
  /** The lane's route position (index into the route's lanes), -1 off the route. */
  routeIndex: number;
}

const SIGNAL_RANK: Readonly<Record<SignalState, number>> = { UNKNOWN: 1, GREEN: 2, YELLOW: 3, RED: 4 };

/** Prediction step for path crossing, s (nuPlan samples agent predictions at 0.5 s; finer for walkers). */
const PREDICTION_STEP_S = 0.25;
/** Crosswalk entry search step along a centreline, m. */
const CROSSWALK_STEP_M = 0.5;
/**
 * A predicted crossing is dropped when the agent arrives this long after the ego's rear has
 * cleared the conflict point at its current speed, s (2 s: the usual following-time rule).
 */
const CROSSING_CLEAR_S = 2;
/** Agents farther from their lane centre than half its width plus this are not "in" it, m. */
const IN_LANE_MARGIN_M = 0.3;
/**
 * A vehicle in a lane whose direction is within this of its heading follows that lane (and its
 * successors), rad (as the safety gate's forecast, `safety/AgentForecast.ts`).
 */
const LANE_FOLLOW_HEADING_RAD = 0.5;
/** A lane-following agent's predicted sideways drift stops after this, m (half a lane: a cut-in starts; as the gate's forecast). */
const MAX_DRIFT_M = 1.75;
/**
 * Below this sideways speed a lane-following agent keeps its offset in the lane (heading noise of
 * a few hundredths of a radian is not a lane change), m/s (the gate's threshold for a drift into
 * the ego's path, `safety/AgentForecast.ts`).
 */
const DRIFT_MIN_MPS = 0.5;
/** A vehicle over the ego's footprint at least this much faster than the ego is passing through, m/s. */
const PASSING_MPS = 0.1;
/** At most this many lane paths (branches at forks) per agent. */
const MAX_AGENT_PATHS = 8;

/** The ego stays on a lane continuous with its last one when within this beyond the lane's edge or end, m. */
const CONTINUITY_SLACK_M = 0.5;
/** … and heading within this of the lane's, rad (≈ 34°: a lane change's angle, not a crossing road's). */
const CONTINUITY_HEADING_RAD = 0.6;

/** A lane on an agent's predicted path, with the along-distance of its start from the agent, m. */
interface PathLane {
  lane: LaneInfo;
  startM: number;
}

export class LaneGraphBuilder {
  private readonly map: RoadMap;
  private readonly params: PerceptionParams;
  private readonly vehicle: VehicleParams;
  private readonly crosswalkCache = new Map<number, { id: string; sM: number }[]>();
  private readonly chunks: LaneChunks;
  private readonly frenet = { sM: 0, dM: 0, segment: 0 };
  /** Scratch pose of `locate` (a chunk end vertex). */
  private readonly edgePose = { x: 0, y: 0, headingRad: 0 };

  constructor(
    map: RoadMap,
    params: PerceptionParams,
    vehicle: VehicleParams = VehicleParamsSchema.parse({}),
    chunks: LaneChunks = new LaneChunks(map),
  ) {
    this.map = map;
    this.params = params;
    this.vehicle = vehicle;
    this.chunks = chunks;
  }

  /**
   * The ego's lane. With the previous ego lane known, a route lane continuous with it (itself, a
   * successor up to two lanes on, a same-direction neighbour) that holds the ego (within its width
   * plus `CONTINUITY_SLACK_M`, heading within `CONTINUITY_HEADING_RAD`) wins: where route lanes
   * overlap in plan (an overpass) the located one may be the other level. Of the successors, the
   * two lanes the route takes next from the previous lane's occurrence nearest route position
   * `routeIndex` (`routeLanesAfter`) are tried first: a route that uses lanes twice has both the
   * turn and the straight-on connector of a junction it turns at on one pass on it, overlapping at
   * the entry with the straight one heading better. Else the route lane located best
   * (`RoadMap.locate`), else any lane.
   */
  private locateEgo(ego: WorldSnapshot['ego'], route: Route, prevEgoLaneId?: string, routeIndex?: number) {
    const map = this.map;
    const prev = prevEgoLaneId !== undefined ? map.lane(prevEgoLaneId) : undefined;
    if (prev) {
      const onRoute = new Set(route.laneIds);
      const same = new Set<string>([prev.data.id]);
      for (const n of [prev.data.left, prev.data.right]) if (n && !n.opposite) same.add(n.laneId);
      const routeWay = routeLanesAfter(route.laneIds, prev.data.id, routeIndex);
      if (routeWay.length > 0) {
        const c = this.holding(ego, new Set([...same, ...routeWay]), onRoute);
        if (c) return c;
      }
      const near = new Set(same);
      for (const a of prev.data.successors) {
        near.add(a);
        for (const b of map.lane(a)?.data.successors ?? []) near.add(b);
      }
      const c = this.holding(ego, near, onRoute);
      if (c) return c;
    }
    return map.locate(ego.x, ego.y, ego.headingRad, 5, route.laneIds);
  }

  /** The route lane of `near` located best that holds the ego (`locateEgo`'s continuity test), if any. */
  private holding(ego: WorldSnapshot['ego'], near: ReadonlySet<string>, onRoute: ReadonlySet<string>) {
    const map = this.map;
    const candidates = [...near].filter((id) => onRoute.has(id));
    if (candidates.length === 0) return undefined;
    const c = map.locate(ego.x, ego.y, ego.headingRad, CONTINUITY_SLACK_M, candidates);
    const lane = c ? map.lane(c.laneId) : undefined;
    if (
      c &&
      lane &&
      near.has(c.laneId) &&
      Math.abs(c.headingErrRad) <= CONTINUITY_HEADING_RAD &&
      Math.abs(c.dM) <= lane.data.widthM / 2 + CONTINUITY_SLACK_M &&
      c.sM >= -CONTINUITY_SLACK_M &&
      c.sM <= lane.line.length + CONTINUITY_SLACK_M
    )
      return c;
    return undefined;
  }

  /** Rear axle → front bumper along the heading, m. */
  private get frontM(): number {
    return this.vehicle.rearAxleToCenterM + this.vehicle.lengthM / 2;
  }

  /**
   * The lane graph around the ego. `prevEgoLaneId` is the ego lane of the previous graph (the
   * caller's state; undefined: none): where lanes of the route overlap in plan (an overpass, a
   * route that passes near itself) the one continuous with it wins (`locateEgo`). `routeIndex` is
   * the ego's route position as the caller tracks it: where the route uses a lane twice, the chain
   * ahead follows the route from the occurrence nearest it (without it, from the first).
   * `accelOf` holds each agent's sustained acceleration, m/s² (`AgentAccelHistory`; absent: none
   * known, every agent forecast at constant speed).
   */
  build(
    snap: WorldSnapshot,
    route: Route,
    prevEgoLaneId?: string,
    routeIndex?: number,
    accelOf?: ReadonlyMap<string, number>,
  ): LaneGraph {
    const map = this.map;
    const p = this.params;
    const ego = snap.ego;
    const onRoute = new Set(route.laneIds);
    const loc = this.locateEgo(ego, route, prevEgoLaneId, routeIndex);
    const lanes = this.nearbyLanes(ego.x, ego.y, onRoute);
    const empty: LaneGraph = {
      egoLane: null,
      lanes,
      left: null,
      right: null,
      successors: [],
      nextJunction: null,
      nextStopLine: null,
      nextCrosswalk: null,
      ego: null,
      leftSlot: null,
      rightSlot: null,
      crossing: [],
    };
    if (!loc) return empty;
    const base = map.mustLane(loc.laneId);
    const front = this.frontM;
    const chain = this.chainAhead(base, loc.sM, route, true, routeIndex);
    const successors: Successor[] = chain.slice(1).map((c) => ({
      laneId: c.lane.data.id,
      relation: c.relation as Successor['relation'],
      startM: round2(c.startM - front),
      lengthM: round2(c.lane.line.length),
      ...(c.lane.data.junctionId ? { junctionId: c.lane.data.junctionId } : {}),
    }));
    // The marking toward a neighbour at the ego's position and its next change along the lane,
    // where the map gives markings of its own (data only: nothing decides on it yet).
    const markingOf = (own: LaneInfo['data']['leftMarks']): Pick<NeighbourLane, 'marking'> => {
      if (!own) return {};
      const m = markAt(own, loc.sM);
      const next = own.find((x) => x.sM > loc.sM + 1e-6);
      return {
        marking: {
          type: m.type,
          color: m.color,
          crossable: roadMarkCrossable(m),
          ...(next
            ? {
                next: {
                  type: next.type,
                  color: next.color,
                  crossable: roadMarkCrossable(next),
                  inM: round2(next.sM - loc.sM),
                },
              }
            : {}),
        },
      };
    };
    const neighbour = (
      n: LaneInfo['data']['left'],
      own: LaneInfo['data']['leftMarks'],
    ): NeighbourLane | null =>
      n
        ? { laneId: n.laneId, changeAllowed: n.changeAllowed, opposite: n.opposite, ...markingOf(own) }
        : null;

    // Next junction, stop line and crosswalk along the chain, ahead of the front bumper.
    let nextJunction: LaneGraph['nextJunction'] = null;
    let nextStopLine: LaneGraph['nextStopLine'] = null;
    let nextCrosswalk: LaneGraph['nextCrosswalk'] = null;
    for (const c of chain) {
      const l = c.lane;
      if (!nextJunction && l.data.junctionId) {
        nextJunction = { junctionId: l.data.junctionId, distanceM: round2(Math.max(0, c.startM - front)) };
      }
      if (!nextStopLine) {
        for (const sl of l.stopLines) {
          const d = c.startM + sl.sM - front;
          if (d >= 0) {
            nextStopLine = {
              id: sl.id,
              laneId: l.data.id,
              distanceM: round2(d),
              kind: sl.kind,
              signal: this.signalFor(l, snap, route, c.routeIndex),
            };
            break;
          }
        }
      }
      if (!nextCrosswalk) {
        for (const cw of this.crosswalksOn(l)) {
          const d = c.startM + cw.sM - front;
          if (d >= -this.vehicle.lengthM) {
            nextCrosswalk = { id: cw.id, distanceM: round2(Math.max(0, d)) };
            break;
          }
        }
      }
    }

    // Lead / follow per lane slot.
    // Agents farther than the look-ahead/behind (straight line ≤ along-lane distance) cannot be lead or follow.
    const reach = Math.max(p.lookaheadM, p.lookbehindM) + front + 10;
    const located = snap.agents.map((a) =>
      Math.abs(a.x - ego.x) > reach || Math.abs(a.y - ego.y) > reach ? undefined : this.locateAgent(a),
    );
    const slotOf = (laneInfo: LaneInfo | undefined, sEgo: number, isBase: boolean): LaneSlot | null => {
      if (!laneInfo) return null;
      const ahead = isBase ? chain : this.chainAhead(laneInfo, sEgo, route, false);
      const behind = this.chainBehind(laneInfo, sEgo);
      return this.slot(laneInfo, [...behind, ...ahead], snap, located, isBase);
    };
    const leftLane = base.data.left ? map.lane(base.data.left.laneId) : undefined;
    const rightLane = base.data.right ? map.lane(base.data.right.laneId) : undefined;
    const sOn = (l: LaneInfo | undefined) => (l ? l.line.projectAligned(ego.x, ego.y, ego.headingRad).sM : 0);
    const egoSlot = slotOf(base, loc.sM, true);
    const leftSlot = base.data.left?.opposite ? null : slotOf(leftLane, sOn(leftLane), false);
    const rightSlot = base.data.right?.opposite ? null : slotOf(rightLane, sOn(rightLane), false);

    // Traffic in the ego's own lane chain (ahead or behind, same direction) is lead/follow
    // traffic, not crossing traffic: leave it out of `crossing`.
    const egoChain = new Set<string>();
    for (const c of chain) egoChain.add(c.lane.data.id);
    const behind = this.chainBehind(base, loc.sM);
    for (const c of behind) egoChain.add(c.lane.data.id);
    const inEgoLane = new Set<string>();
    snap.agents.forEach((a, i) => {
      const l = located[i];
      if (l && egoChain.has(l.laneId)) inEgoLane.add(a.id);
    });
    if (egoSlot?.lead) inEgoLane.add(egoSlot.lead.agentId);
    if (egoSlot?.follow) inEgoLane.add(egoSlot.follow.agentId);
    // …and so is a vehicle wholly behind our rear bumper in our path, whatever lane it is located
    // in (where lanes overlap or merge behind us, the one it is placed in is not our chain): it can
    // reach a point ahead of us only by driving through the ego, so it follows us. Listed as
    // crossing, a log car 22 m behind at 14.5 m/s read "crossing 3 m ahead" (wild
    // BEL_Nivelles-18_2 cr_33); it is the follower when nearer than the one in our chain.
    const followers = [{ lane: base, startM: -loc.sM }, ...behind];
    const behindReach = p.lookbehindM + this.vehicle.lengthM + 10;
    const hx = Math.cos(ego.headingRad);
    const hy = Math.sin(ego.headingRad);
    snap.agents.forEach((a) => {
      if (inEgoLane.has(a.id)) return;
      // (only agents behind the ego and near enough are projected on its lanes)
      const dx = a.x - ego.x;
      const dy = a.y - ego.y;
      if (dx * hx + dy * hy >= 0 || dx * dx + dy * dy > behindReach * behindReach) return;
      const f = this.followerBehind(a, followers, loc.dM, ego.speedMps);
      if (!f) return;
      inEgoLane.add(a.id);
      if (egoSlot && (!egoSlot.follow || f.gapM < egoSlot.follow.gapM)) egoSlot.follow = f;
    });
    const crossing = this.crossingAgents(snap, chain, inEgoLane, accelOf);

    return {
      egoLane: {
        laneId: base.data.id,
        sM: round2(loc.sM),
        dM: round2(loc.dM),
        headingErrRad: round3(loc.headingErrRad),
        type: base.data.type,
        speedLimitMps: base.data.speedLimitMps,
        onRoute: onRoute.has(base.data.id),
        ...(base.data.junctionId ? { junctionId: base.data.junctionId } : {}),
      },
      lanes,
      left: neighbour(base.data.left, base.data.leftMarks),
      right: neighbour(base.data.right, base.data.rightMarks),
      successors,
      nextJunction,
      nextStopLine,
      nextCrosswalk,
      ego: egoSlot,
      leftSlot,
      rightSlot,
      crossing,
    };
  }

  private nearbyLanes(x: number, y: number, onRoute: Set<string>): NearbyLane[] {
    const r = this.params.laneGraphRadiusM;
    const out: NearbyLane[] = [];
    const chunks = this.chunks;
    const best = new Map<number, number>();
    const r2 = r * r;
    const n = chunks.query(x, y, r);
    for (let q = 0; q < n; q++) {
      const id = chunks.result[q]!;
      const set = chunks.lanes[chunks.chunkLane[id]!]!;
      const k = chunks.chunkK[id]!;
      const c = set.center;
      // Squared distances (Math.hypot is slow in V8); the root is taken once per lane below.
      let d2 = best.get(set.lane.index) ?? Infinity;
      // The chunk's box is never farther than its centreline: skip chunks that cannot do better.
      const b = set.bounds;
      const bx = Math.max(b[4 * k]! - x, 0, x - b[4 * k + 2]!);
      const by = Math.max(b[4 * k + 1]! - y, 0, y - b[4 * k + 3]!);
      if (bx * bx + by * by >= Math.min(d2, r2)) {
        if (d2 === Infinity) best.set(set.lane.index, Infinity);
        continue;
      }
      for (let v = set.range[2 * k]!; v < set.range[2 * k + 1]!; v++) {
        const dv = segmentDistance2(x, y, c[2 * v]!, c[2 * v + 1]!, c[2 * v + 2]!, c[2 * v + 3]!);
        if (dv < d2) d2 = dv;
      }
      best.set(set.lane.index, d2);
    }
    for (const [i, d2] of best) {
      const l = this.map.lanes[i]!;
      const d = Math.sqrt(d2);
      if (d > r) continue;
      out.push({
        laneId: l.data.id,
        type: l.data.type,
        widthM: l.data.widthM,
        speedLimitMps: l.data.speedLimitMps,
        onRoute: onRoute.has(l.data.id),
        distanceM: round2(d),
        ...(l.data.junctionId ? { junctionId: l.data.junctionId } : {}),
      });
    }
    out.sort((a, b) => a.distanceM - b.distanceM || (a.laneId < b.laneId ? -1 : a.laneId > b.laneId ? 1 : 0));
    return out;
  }

  /**
   * The lane `base` and the lanes after it, up to the look-ahead: the route's lanes after `base`
   * (its occurrence nearest route position `routeIndex`, the first without it) when `followRoute`
   * and `base` is on the route, then a successor: the one the route takes soonest after the last
   * route lane (`nextRouteLane`), else the first.
   * startM is the along-distance of each lane's start from the ego rear axle (at sEgo on base).
   */
  private chainAhead(
    base: LaneInfo,
    sEgo: number,
    route: Route,
    followRoute: boolean,
    routeIndex?: number,
  ): ChainLane[] {
    const map = this.map;
    const ids = route.laneIds;
    // the route position of the last lane added (-1: off the route), for the successor picked
    let pos = routeIndexOf(ids, base.data.id, routeIndex);
    const out: ChainLane[] = [{ lane: base, startM: -sEgo, relation: 'base', routeIndex: pos }];
    const limit = this.params.lookaheadM + this.frontM;
    let k = followRoute ? pos : -1;
    let cur = out[0]!;
    const seen = new Set<string>([base.data.id]);
    while (cur.startM + cur.lane.line.length < limit && out.length < 64) {
      let next: ChainLane | undefined;
      if (k >= 0 && k + 1 < route.laneIds.length) {
        const id = route.laneIds[k + 1]!;
        const l = map.lane(id);
        const rel = map.relation(cur.lane.data.id, id);
        if (l && rel !== 'none') {
          // A lane change continues alongside: the new lane starts where the old one did.
          k++;
          next = {
            lane: l,
            startM: rel === 'successor' ? cur.startM + cur.lane.line.length : cur.startM,
            relation: rel,
            routeIndex: k,
          };
        } else k = -1;
      }
      if (!next) {
        const step = nextRouteLane(ids, cur.lane.data.successors, pos);
        const l = step ? map.lane(step.laneId) : undefined;
        if (!step || !l) break;
        next = {
          lane: l,
          startM: cur.startM + cur.lane.line.length,
          relation: 'successor',
          routeIndex: step.index,
        };
      }
      pos = next.routeIndex;
      if (seen.has(next.lane.data.id)) break;
      seen.add(next.lane.data.id);
      out.push(next);
      cur = next;
    }
    return out;
  }

  /** First predecessors behind `base`, up to the look-behind (nearest first). */
  private chainBehind(base: LaneInfo, sEgo: number): ChainLane[] {
    const out: ChainLane[] = [];
    let start = -sEgo;
    let cur = base;
    const seen = new Set<string>([base.data.id]);
    while (start > -this.params.lookbehindM && out.length < 16) {
      const id = cur.data.predecessors[0];
      const l = id ? this.map.lane(id) : undefined;
      if (!l || seen.has(l.data.id)) break;
      seen.add(l.data.id);
      start -= l.line.length;
      out.push({ lane: l, startM: start, relation: 'predecessor', routeIndex: -1 });
      cur = l;
    }
    return out;
  }

  /**
   * `a` as the ego's follower when it is a vehicle, cyclist or robot wholly behind the ego's rear
   * bumper in its path: on one of `lanes` (the ego's lane from its start and the lanes behind it,
   * `startM` relative to the ego's rear axle), pointing its way (within LANE_FOLLOW_HEADING_RAD),
   * its body overlapping the ego's width where the ego is offset `egoDM` in its lane (the
   * planner's `inOurPath`), within `lookbehindM`. Null otherwise.
   */
  private followerBehind(
    a: AgentState,
    lanes: ReadonlyArray<{ lane: LaneInfo; startM: number }>,
    egoDM: number,
    egoSpeedMps: number,
  ): LaneAgent | null {
    if (a.kind !== 'vehicle' && a.kind !== 'cyclist' && a.kind !== 'robot') return null;
    const v = this.vehicle;
    const f = this.frenet;
    const rearBumper = v.rearAxleToCenterM - v.lengthM / 2;
    for (const c of lanes) {
      const line = c.lane.line;
      line.project(a.x, a.y, f);
      if (f.sM <= 0 || f.sM >= line.length) continue;
      if (Math.abs(f.dM - egoDM) >= (a.widthM + v.widthM) / 2) continue;
      const rel = angleDiff(a.headingRad, line.headingAt(f.sM));
      if (Math.abs(rel) > LANE_FOLLOW_HEADING_RAD) continue;
      const halfAlong = (a.lengthM * Math.abs(Math.cos(rel)) + a.widthM * Math.abs(Math.sin(rel))) / 2;
      const centre = c.startM + f.sM;
      if (centre + halfAlong >= rearBumper) return null;
      const gap = rearBumper - (centre + halfAlong);
      if (gap > this.params.lookbehindM) return null;
      const along = a.speedMps * Math.cos(rel);
      return laneAgent(a, gap, along, egoSpeedMps, along - egoSpeedMps);
    }
    return null;
  }

  private locateAgent(a: AgentState): { laneId: string; sM: number; dM: number } | undefined {
    // Walkers and static objects may stand at any angle: localise them by position only.
    const heading =
      a.kind === 'vehicle' || a.kind === 'cyclist' || a.kind === 'robot' ? a.headingRad : undefined;
    const loc = this.locate(a.x, a.y, heading, 1);
    if (!loc) return undefined;
    if (Math.abs(loc.dM) > loc.lane.data.widthM / 2 + IN_LANE_MARGIN_M) return undefined;
    return { laneId: loc.lane.data.id, sM: loc.sM, dM: loc.dM };
  }

  /**
   * RoadMap.locate's rule (containing lane best aligned with the heading, else the nearest within
   * maxDistM; same cost terms) with Frenet projection restricted to the lane chunks near the point.
   */
  private locate(
    x: number,
    y: number,
    headingRad: number | undefined,
    maxDistM: number,
  ): { lane: LaneInfo; sM: number; dM: number } | undefined {
    let best: LaneInfo | undefined;
    let bestS = 0;
    let bestD = 0;
    let bestCost = Infinity;
    const f = this.frenet;
    const chunks = this.chunks;
    // Candidates: chunks within maxDist + the widest half lane; the exact bound per lane is below.
    const n = chunks.query(x, y, maxDistM + chunks.maxHalfWidthM);
    for (let q = 0; q < n; q++) {
      const id = chunks.result[q]!;
      const set = chunks.lanes[chunks.chunkLane[id]!]!;
      const k = chunks.chunkK[id]!;
      const l = set.lane;
      const w = l.data.widthM;
      if (!LaneChunks.near(set, k, x, y, maxDistM + w / 2)) continue;
      const s0 = set.s[2 * k]!;
      const s1 = set.s[2 * k + 1]!;
      l.line.project(x, y, f, s0, s1);
      const sClamped = Math.min(Math.max(f.sM, 0), l.line.length);
      const outside = Math.max(0, -f.sM, f.sM - l.line.length);
      let lateral = Math.abs(f.dM);
      // projected onto the chunk's inner end (a vertex it shares with the next chunk): the point lies
      // beyond it, and its distance is to that vertex, not the line's perpendicular offset — else the
      // chunk ending at a car's s was as near as the one holding it, and the first met won (a lead
      // read 1.67 m further than it stood, CARLA StoryAddEntityAction)
      if ((f.sM <= s0 + 1e-9 && s0 > 0) || (f.sM >= s1 - 1e-9 && s1 < l.line.length)) {
        l.line.poseAt(f.sM, this.edgePose);
        lateral = hypot2(x - this.edgePose.x, y - this.edgePose.y);
      }
      if (lateral > maxDistM + w / 2 || outside > maxDistM) continue;
      const headingErr = headingRad === undefined ? 0 : angleDiff(headingRad, l.line.headingAt(sClamped));
      const cost = Math.max(0, lateral - w / 2) + outside + 4 * Math.abs(headingErr) + 0.01 * lateral;
      if (cost < bestCost) {
        bestCost = cost;
        best = l;
        bestS = f.sM;
        bestD = f.dM;
      }
    }
    return best ? { lane: best, sM: bestS, dM: bestD } : undefined;
  }

  private slot(
    laneInfo: LaneInfo,
    chain: ChainLane[],
    snap: WorldSnapshot,
    located: ReadonlyArray<{ laneId: string; sM: number } | undefined>,
    ownLane: boolean,
  ): LaneSlot {
    const ego = snap.ego;
    const v = this.vehicle;
    const startOf = new Map<string, ChainLane>();
    for (const c of chain) startOf.set(c.lane.data.id, c);
    let lead: LaneAgent | null = null;
    let follow: LaneAgent | null = null;
    let leadDs = Infinity;
    let followDs = -Infinity;
    const egoCentre = v.rearAxleToCenterM;
    snap.agents.forEach((a, i) => {
      const loc = located[i];
      if (!loc) return;
      const c = startOf.get(loc.laneId);
      if (!c) return;
      const ds = c.startM + loc.sM - egoCentre;
      const laneHeading = c.lane.line.headingAt(loc.sM);
      const rel = angleDiff(a.headingRad, laneHeading);
      const along = a.speedMps * Math.cos(rel);
      // the agent's footprint along the lane: its box projected on the lane's heading (a box standing
      // across the lane reaches half its width toward us, not half its length: CARLA Slalom's 2 × 1 m
      // cone across the lane was read 0.5 m nearer than it stood, and the ego stopped that far short)
      const half =
        v.lengthM / 2 + (a.lengthM * Math.abs(Math.cos(rel)) + a.widthM * Math.abs(Math.sin(rel))) / 2;
      // In our own lane, a vehicle over our footprint, its centre behind our front, that is faster
      // than us has come through from behind (a contact it made) and is pulling away (one whose
      // rear our front is in stays the lead): no lead to brake for (the one
      // beyond it is). In a neighbour lane the one alongside still counts (lane-change gaps).
      if (ownLane && ds >= 0 && ds < v.lengthM / 2 && along > ego.speedMps + PASSING_MPS) return;
      if (ds >= 0 && ds < leadDs && ds - half <= this.params.lookaheadM) {
        leadDs = ds;
        const gap = ds - half;
        const closing = ego.speedMps - along;
        lead = laneAgent(a, gap, along, ego.speedMps, closing);
      } else if (ds < 0 && ds > followDs && -ds - half <= this.params.lookbehindM) {
        followDs = ds;
        const gap = -ds - half;
        const closing = along - ego.speedMps;
        follow = laneAgent(a, gap, along, ego.speedMps, closing);
      }
    });
    return { laneId: laneInfo.data.id, lead, follow };
  }

  /**
   * Agents (not the ego lane's lead/follow) whose predicted path, sampled every PREDICTION_STEP_S
   * up to the horizon, enters the ego corridor (the chain's centreline, half the ego width + half
   * the agent width + margin) ahead of the front bumper. A vehicle, cyclist or robot in a lane that
   * points its way follows that lane and every successor branch at its speed (its sideways drift
   * kept, up to half a lane): a turner whose lanes never meet ours is no crossing, whatever its
   * heading points at. Walkers, static objects and agents off the lane graph go straight on at
   * constant velocity.
   */
  private crossingAgents(
    snap: WorldSnapshot,
    chain: ChainLane[],
    exclude: Set<string>,
    accelOf: ReadonlyMap<string, number> | undefined,
  ): CrossingAgent[] {
    const ego = snap.ego;
    const v = this.vehicle;
    const p = this.params;
    // The corridor follows the lanes actually driven (a lane change replaces the lane it leaves),
    // cut to the look-ahead window and thinned to ≥ 2 m between vertices: projections stay cheap
    // on long CARLA lanes.
    const driven: LaneInfo[] = [];
    for (const c of chain) {
      if (c.relation === 'left' || c.relation === 'right') driven.pop();
      driven.push(c.lane);
    }
    const egoF = driven[0]!.line.projectAligned(ego.x, ego.y, ego.headingRad);
    const windowEnd = p.lookaheadM + this.frontM + 2;
    const pts: { x: number; y: number }[] = [];
    let offset = -egoF.sM;
    for (const l of driven) {
      const line = l.line;
      for (let v = 0; v < line.size; v++) {
        const along = offset + line.s[v]!;
        const last = pts[pts.length - 1];
        const nextAlong = v + 1 < line.size ? offset + line.s[v + 1]! : Infinity;
        if (nextAlong < -2 || along > windowEnd) continue;
        if (last && hypot2(line.xs[v]! - last.x, line.ys[v]! - last.y) < 2 && v + 1 < line.size) continue;
        pts.push({ x: line.xs[v]!, y: line.ys[v]! });
      }
      offset += line.length;
      if (offset > windowEnd) break;
    }
    if (pts.length < 2) return [];
    let path: Polyline;
    try {
      path = new Polyline(pts);
    } catch {
      return [];
    }
    const sEgo = path.projectAligned(ego.x, ego.y, ego.headingRad).sM;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const q of pts) {
      minX = Math.min(minX, q.x);
      minY = Math.min(minY, q.y);
      maxX = Math.max(maxX, q.x);
      maxY = Math.max(maxY, q.y);
    }
    const front = this.frontM;
    const sFront = sEgo + front;
    const sEnd = sEgo + p.lookaheadM + front;
    const out: CrossingAgent[] = [];
    const f = { sM: 0, dM: 0, segment: 0 };
    const at = { x: 0, y: 0 };
    const near = { x: 0, y: 0, headingRad: 0 };
    for (const a of snap.agents) {
      if (exclude.has(a.id)) continue;
      // a vehicle pulling away (sustained acceleration, bounded) is forecast along its lanes at
      // that acceleration, decaying, up to its lane's speed (`agentPaths`; `forecastAccel`)
      const accel = forecastAccel(a, accelOf);
      const reach = alongAtDecayingAccel(a.speedMps, accel, Number.POSITIVE_INFINITY, p.predictionHorizonS);
      const dist = hypot2(a.x - ego.x, a.y - ego.y);
      if (dist > p.lookaheadM + front + reach) continue;
      const halfWidth = v.widthM / 2 + a.widthM / 2 + p.corridorMarginM;
      // Nowhere within its reach of the corridor: cannot cross. Along its lanes it gets at most
      // `reach` along the centreline from its projection, its offset and drift on top.
      const slack = MAX_DRIFT_M + 2 * (this.chunks.maxHalfWidthM + IN_LANE_MARGIN_M);
      const within = reach + halfWidth + slack;
      if (a.x - within > maxX || a.x + within < minX || a.y - within > maxY || a.y + within < minY) continue;
      path.project(a.x, a.y, f);
      path.poseAt(f.sM, near);
      if (hypot2(a.x - near.x, a.y - near.y) > within) continue;
      const onLanes = this.agentPaths(a, reach, accel);
      if (onLanes) {
        let best: CrossingAgent | undefined;
        for (const lanes of onLanes.paths) {
          for (let t = 0; t <= p.predictionHorizonS + 1e-9; t += PREDICTION_STEP_S) {
            if (best && t >= best.agentTimeS) break;
            if (!onLanes.at(lanes, t, at)) break;
            // outside the corridor's box: no projection needed
            const outside =
              at.x < minX - halfWidth ||
              at.x > maxX + halfWidth ||
              at.y < minY - halfWidth ||
              at.y > maxY + halfWidth;
            if (!outside) path.project(at.x, at.y, f);
            if (outside || f.sM < sFront || f.sM > sEnd || Math.abs(f.dM) > halfWidth) {
              if (a.speedMps < 0.05 && accel === 0) break;
              continue;
            }
            best = crossingAt(a, dist, f.sM - sFront, t, ego.speedMps, v.lengthM) ?? best;
            break;
          }
        }
        if (best) out.push(best);
        continue;
      }
      const c = Math.cos(a.headingRad);
      const s = Math.sin(a.headingRad);
      // Swept segment's box against the corridor's box: most agents are rejected here.
      const ex = a.x + c * reach;
      const ey = a.y + s * reach;
      if (
        Math.min(a.x, ex) > maxX + halfWidth ||
        Math.max(a.x, ex) < minX - halfWidth ||
        Math.min(a.y, ey) > maxY + halfWidth ||
        Math.max(a.y, ey) < minY - halfWidth
      )
        continue;
      for (let t = 0; t <= p.predictionHorizonS + 1e-9; t += PREDICTION_STEP_S) {
        const x = a.x + c * a.speedMps * t;
        const y = a.y + s * a.speedMps * t;
        path.project(x, y, f);
        if (f.sM < sFront || f.sM > sEnd || Math.abs(f.dM) > halfWidth) {
          if (a.speedMps < 0.05) break; // a still agent does not move into the corridor later
          continue;
        }
        const crossing = crossingAt(a, dist, f.sM - sFront, t, ego.speedMps, v.lengthM);
        if (crossing) out.push(crossing);
        break;
      }
    }
    out.sort(
      (a, b) =>
        crossingKey(a) - crossingKey(b) ||
        a.distanceM - b.distanceM ||
        (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0),
    );
    return out;
  }

  /**
   * The lane paths a vehicle, cyclist or robot follows over `reachM`: from each lane it is in
   * (within half the width + IN_LANE_MARGIN_M) pointing within LANE_FOLLOW_HEADING_RAD of its
   * heading, on through every successor branch (≤ MAX_AGENT_PATHS). Undefined for other kinds and
   * for an agent in no such lane (it is predicted along its heading). `at(path, t, out)` is its
   * centre at t s: along the path at its speed along the lane, its lateral offset drifting at its
   * sideways speed (from DRIFT_MIN_MPS) up to MAX_DRIFT_M from where it is; false past the path's end.
   */
  private agentPaths(
    a: AgentState,
    reachM: number,
    accelMps2 = 0,
  ):
    | { paths: PathLane[][]; at: (path: PathLane[], t: number, out: { x: number; y: number }) => boolean }
    | undefined {
    if (a.kind !== 'vehicle' && a.kind !== 'cyclist' && a.kind !== 'robot') return undefined;
    const chunks = this.chunks;
    const f = this.frenet;
    const n = chunks.query(a.x, a.y, chunks.maxHalfWidthM + IN_LANE_MARGIN_M);
    const starts: { lane: LaneInfo; sM: number; dM: number; errRad: number }[] = [];
    for (let q = 0; q < n; q++) {
      const id = chunks.result[q]!;
      const set = chunks.lanes[chunks.chunkLane[id]!]!;
      const l = set.lane;
      if (starts.some((st) => st.lane === l)) continue;
      const k = chunks.chunkK[id]!;
      const half = l.data.widthM / 2 + IN_LANE_MARGIN_M;
      if (!LaneChunks.near(set, k, a.x, a.y, half)) continue;
      l.line.project(a.x, a.y, f);
      if (f.sM < 0 || f.sM > l.line.length || Math.abs(f.dM) > half) continue;
      const errRad = angleDiff(a.headingRad, l.line.headingAt(f.sM));
      if (Math.abs(errRad) > LANE_FOLLOW_HEADING_RAD) continue;
      starts.push({ lane: l, sM: f.sM, dM: f.dM, errRad });
    }
    if (starts.length === 0) return undefined;
    const paths: PathLane[][] = [];
    const info = new Map<
      PathLane[],
      { sM: number; dM: number; vLon: number; vLat: number; aLon: number; capMps: number }
    >();
    for (const st of starts) {
      const grow = (lanes: PathLane[]): void => {
        if (paths.length >= MAX_AGENT_PATHS) return;
        const last = lanes[lanes.length - 1]!;
        const end = last.startM + last.lane.line.length;
        const next = last.lane.data.successors
          .map((id) => this.map.lane(id))
          .filter((l): l is LaneInfo => !!l && !lanes.some((x) => x.lane === l));
        if (end >= reachM || next.length === 0 || lanes.length >= 16) {
          paths.push(lanes);
          info.set(lanes, {
            sM: st.sM,
            dM: st.dM,
            vLon: a.speedMps * Math.cos(st.errRad),
            aLon: accelMps2 * Math.cos(st.errRad),
            // up to the speed of the lane it is in (no slower than it goes)
            capMps: Math.max(a.speedMps * Math.cos(st.errRad), st.lane.data.speedLimitMps),
            vLat:
              Math.abs(a.speedMps * Math.sin(st.errRad)) < DRIFT_MIN_MPS
                ? 0
                : a.speedMps * Math.sin(st.errRad),
          });
          return;
        }
        for (const l of next) grow([...lanes, { lane: l, startM: end }]);
      };
      grow([{ lane: st.lane, startM: -st.sM }]);
    }
    const pose = { x: 0, y: 0, headingRad: 0 };
    const at = (path: PathLane[], t: number, out: { x: number; y: number }): boolean => {
      const i = info.get(path)!;
      if (t === 0) {
        out.x = a.x;
        out.y = a.y;
        return true;
      }
      const along = i.aLon > 0 ? alongAtDecayingAccel(i.vLon, i.aLon, i.capMps, t) : i.vLon * t;
      let k = 0;
      while (k + 1 < path.length && path[k + 1]!.startM <= along) k++;
      const pl = path[k]!;
      const sM = along - pl.startM;
      if (sM > pl.lane.line.length + 1e-6) return false;
      pl.lane.line.poseAt(Math.max(0, sM), pose);
      const drift = Math.max(-MAX_DRIFT_M, Math.min(MAX_DRIFT_M, i.vLat * t));
      const d = i.dM + drift;
      out.x = pose.x - Math.sin(pose.headingRad) * d;
      out.y = pose.y + Math.cos(pose.headingRad) * d;
      return true;
    };
    return { paths, at };
  }

  /**
   * State of the signal governing `lane` (at route position `k`, -1 off the route): its own light,
   * else the next route lane's, else the most restrictive successor's.
   */
  private signalFor(lane: LaneInfo, snap: WorldSnapshot, route: Route, k: number): SignalState | 'NONE' {
    const own = worst(snap, [lane.data.id]);
    if (own) return own;
    if (k >= 0 && k + 1 < route.laneIds.length && lane.data.successors.includes(route.laneIds[k + 1]!)) {
      const next = worst(snap, [route.laneIds[k + 1]!]);
      if (next) return next;
    }
    return worst(snap, lane.data.successors) ?? 'NONE';
  }

  /** Crosswalks the lane's centreline enters, with the arc length of entry (cached per lane). */
  private crosswalksOn(l: LaneInfo): { id: string; sM: number }[] {
    const hit = this.crosswalkCache.get(l.index);
    if (hit) return hit;
    const out: { id: string; sM: number }[] = [];
    const pose = { x: 0, y: 0, headingRad: 0 };
    for (const cw of this.map.data.crosswalks) {
      for (let sM = 0; sM <= l.line.length; sM += CROSSWALK_STEP_M) {
        l.line.poseAt(sM, pose);
        if (pointInPolygon(pose.x, pose.y, cw.polygon)) {
          out.push({ id: cw.id, sM });
          break;
        }
      }
    }
    out.sort((a, b) => a.sM - b.sM);
    this.crosswalkCache.set(l.index, out);
    return out;
  }
}

function worst(snap: WorldSnapshot, laneIds: ReadonlyArray<string>): SignalState | undefined {
  let best: SignalState | undefined;
  for (const light of snap.lights) {
    if (!laneIds.includes(light.laneId)) continue;
    if (!best || SIGNAL_RANK[light.state] > SIGNAL_RANK[best]) best = light.state;
  }
  return best;
}

function laneAgent(a: AgentState, gapM: number, along: number, egoSpeed: number, closing: number): LaneAgent {
  return {
    agentId: a.id,
    kind: a.kind,
    gapM: round2(gapM),
    speedMps: round2(along),
    relSpeedMps: round2(along - egoSpeed),
    ttcS: gapM <= 0 ? 0 : closing > 1e-6 ? round2(gapM / closing) : null,
    ...(a.speedKnown === false ? { speedKnown: false } : {}),
  };
}

/** When both could be at the conflict point: the later of the two arrival times (ego stopped: never). */
/**
 * The crossing of agent `a` (`dist` m from the ego) entering the ego's corridor `conflictM` m ahead
 * of its front at `t` s, or null when the ego (speed `egoSpeedMps`, length `egoLengthM`) will have
 * cleared that point more than CROSSING_CLEAR_S before: no conflict.
 */
function crossingAt(
  a: WorldSnapshot['agents'][number],
  dist: number,
  conflictM: number,
  t: number,
  egoSpeedMps: number,
  egoLengthM: number,
): CrossingAgent | null {
  const egoTimeS = egoSpeedMps > 0.1 ? conflictM / egoSpeedMps : null;
  if (egoTimeS !== null && t > egoTimeS + egoLengthM / egoSpeedMps + CROSSING_CLEAR_S) return null;
  return {
    agentId: a.id,
    kind: a.kind,
    speedMps: round2(a.speedMps),
    distanceM: round2(dist),
    conflictM: round2(conflictM),
    agentTimeS: round2(t),
    egoTimeS: egoTimeS === null ? null : round2(egoTimeS),
  };
}

/**
 * The acceleration a vehicle is forecast at, m/s²: its sustained acceleration in `accelOf`
 * (perception's own reading of its speeds) from ACCEL_MIN_MPS2, bounded by ACCEL_MAX_MPS2; 0
 * (constant speed) below it, when braking, for an agent whose speed is unknown, and for every other
 * kind: a cyclist's or robot's speed is no lane's (capped at the lane's limit, a cyclist pulling away
 * from rest at 1 m/s² was forecast into our path at car speeds, and the ego stopped for it at
 * 6 m/s², wild DEU_Ibbenbueren-13_3 cr_37).
 */
function forecastAccel(a: AgentState, accelOf: ReadonlyMap<string, number> | undefined): number {
  if (!accelOf || a.speedKnown === false || a.kind !== 'vehicle') return 0;
  const acc = accelOf.get(a.id);
  if (acc === undefined || acc < ACCEL_MIN_MPS2) return 0;
  return Math.min(acc, ACCEL_MAX_MPS2);
}

function crossingKey(c: CrossingAgent): number {
  return c.egoTimeS === null ? Infinity : Math.max(c.agentTimeS, c.egoTimeS);
}

/** Squared distance from (x, y) to the segment (ax, ay)–(bx, by), m². */
function segmentDistance2(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  let t = len2 > 0 ? ((x - ax) * vx + (y - ay) * vy) / len2 : 0;
  t = t < 0 ? 0 : Math.min(t, 1);
  const dx = x - ax - t * vx;
  const dy = y - ay - t * vy;
  return dx * dx + dy * dy;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
