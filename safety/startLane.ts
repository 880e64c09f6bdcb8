/**
 * The lane a roll-out starts on. Where lanes branch from one lane (a junction's connectors, a turn
 * pocket) their first metres overlap, and `RoadMap.locate` picks the branch that heads best, which
 * at the start of a turn is the straight one: a repair rolled out along it drives the ego straight
 * on (or right) while the planner turns left, off the road. Among the branches the ego is on, the
 * one the planned trajectory follows wins (its forward path runs closest to the plan); without a
 * plan that moves, the route's; else the located lane. A plan tells two branches apart only where
 * they have separated by more than `FIT_MIN_SEPARATION_M` within its reach: before that its fit
 * measures the ego's own offset in the lane, not the branch it takes, and the route's stands (a
 * slow stop at the start of a left turn, 0.3 m right of the lane's centre, fits the straight
 * branch a few centimetres better; rolled out along that branch the checks looked 200 m straight
 * on, at oncoming cars the turn never meets).
 */
import { angleDiff, type FrenetPoint, hypot2, type Trajectory } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { projectOnStart } from './LanePath.ts';
import type { LanePathCache } from './Rollout.ts';

/** A branch the ego is on: within this of its lane's edge, m. */
const ON_BRANCH_MARGIN_M = 0.5;
/** A branch the ego is on: heading within this of the lane's, rad (≈ 34°). */
const ON_BRANCH_HEADING_RAD = 0.6;
/** The plan is compared with each branch over this much of its time, s (the gate's horizon). */
const FIT_S = 4;
/** A plan that moves less than this says nothing about its branch, m. */
const FIT_MIN_TRAVEL_M = 1;
/** Fits closer than this are a tie (the branches still overlap where the plan runs), m. */
const FIT_TIE_M = 0.05;
/**
 * Branches closer than this to each other where the plan's reach ends cannot be told apart by the
 * plan, m: the ego stands up to ≈ 0.35 m off its lane's centre (imported lanes at one mean width,
 * the tracker's offset), which is what a fit over so short a reach measures.
 */
const FIT_MIN_SEPARATION_M = 0.5;

const fp: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
/** The successors of a lane the map lacks (none), shared rather than a new `[]` per call. */
const NONE: ReadonlyArray<string> = Object.freeze([]);

/**
 * The id of the lane a roll-out from the pose (x, y, headingRad; rear axle) starts on: the located
 * lane, or a branch of the same lane the ego is also on that `along` (the planner's trajectory)
 * follows more closely or, without a moving plan, that the route takes sooner (`rankOf`: how soon,
 * ∞ off the route; by default the lane's first position in `route`; the gate hands `gateRouteRank` from
 * the ego's route position): where a route that uses lanes twice turns at a junction it goes
 * straight through on another pass, both branches are route lanes, and the one it takes next is
 * the one to start on. Undefined off the map.
 */
export function startLane(
  map: RoadMap,
  x: number,
  y: number,
  headingRad: number,
  tS: number,
  route: ReadonlyArray<string>,
  paths: LanePathCache,
  along?: Trajectory,
  rankOf?: (laneId: string) => number,
): string | undefined {
  const loc = map.locate(x, y, headingRad, 5, undefined);
  if (!loc) return undefined;
  const located = map.mustLane(loc.laneId);
  let best = loc.laneId;
  let bestFit = Number.POSITIVE_INFINITY;
  let bestRank = rankIn(rankOf, route, best);
  const plan = along && travel(along, tS) >= FIT_MIN_TRAVEL_M ? along : undefined;
  if (plan) bestFit = planDistance(paths, best, route, plan, tS, x, y);
  // the candidates, considered in one loop body rather than through a local closure (this runs on
  // every gate check, house habit 10): on side 0 each branch of a predecessor (a junction's entry,
  // where connectors fan out of one lane) and the lane after it; on side 1 each lane merging into a
  // successor (a junction's exit, an on-ramp, where connectors from different lanes join one) and
  // the lane before it
  for (let side = 0; side < 2; side++) {
    const hubs = side === 0 ? located.data.predecessors : located.data.successors;
    for (const hubId of hubs) {
      const hub = map.lane(hubId);
      if (!hub) continue;
      for (const branch of side === 0 ? hub.data.successors : hub.data.predecessors) {
        if (branch === loc.laneId) continue;
        // a branch whose piece next to the hub is shorter than the ego has gone into it (an
        // imported connector's lane section, metres long): the lane beyond that piece (j ≥ 0)
        const b = map.lane(branch);
        const beyond = (side === 0 ? b?.data.successors : b?.data.predecessors) ?? NONE;
        for (let j = -1; j < beyond.length; j++) {
          const id = j < 0 ? branch : beyond[j]!;
          if (id === loc.laneId || id === best || !onLane(map, id, x, y, headingRad)) continue;
          const rank = rankIn(rankOf, route, id);
          if (plan) {
            const f = planDistance(paths, id, route, plan, tS, x, y);
            const apart = separation(paths, best, id, route, x, y, travel(plan, tS)) >= FIT_MIN_SEPARATION_M;
            const better = apart
              ? f < bestFit - FIT_TIE_M || (f < bestFit + FIT_TIE_M && rank < bestRank)
              : rank < bestRank;
            if (!better) continue;
            bestFit = f;
          } else if (rank >= bestRank) continue;
          best = id;
          bestRank = rank;
        }
      }
    }
  }
  return best;
}

/** Lane `id`'s rank: `rankOf`'s, by default its first position in `route`. */
function rankIn(
  rankOf: ((laneId: string) => number) | undefined,
  route: ReadonlyArray<string>,
  id: string,
): number {
  return rankOf ? rankOf(id) : firstIn(route, id);
}

/** Lane `id`'s first position in `route` (∞ off it). */
function firstIn(route: ReadonlyArray<string>, id: string): number {
  const i = route.indexOf(id);
  return i < 0 ? Number.POSITIVE_INFINITY : i;
}

/** Whether the pose lies on lane `id` (within its width and a margin, heading along it). */
function onLane(map: RoadMap, id: string, x: number, y: number, headingRad: number): boolean {
  const l = map.lane(id);
  if (!l?.drivable) return false;
  l.line.project(x, y, fp);
  if (fp.sM < -ON_BRANCH_MARGIN_M || fp.sM > l.line.length + ON_BRANCH_MARGIN_M) return false;
  const half = (map.laneWidthAt(id, Math.min(Math.max(fp.sM, 0), l.line.length)) ?? l.data.widthM) / 2;
  if (Math.abs(fp.dM) > half + ON_BRANCH_MARGIN_M) return false;
  return Math.abs(angleDiff(headingRad, l.line.headingAt(fp.sM))) <= ON_BRANCH_HEADING_RAD;
}

/**
 * How far apart lanes `a` and `b` run `reachM` on from the pose (x, y): the point of `a`'s forward
 * path that far on from the pose, projected on `b`'s, m (∞ when either path is missing).
 */
function separation(
  paths: LanePathCache,
  a: string,
  b: string,
  route: ReadonlyArray<string>,
  x: number,
  y: number,
  reachM: number,
): number {
  const pa = paths.get(a, route);
  const pb = paths.get(b, route);
  if (!pa || !pb) return Number.POSITIVE_INFINITY;
  projectOnStart(pa, x, y, fp);
  const s = Math.max(0, fp.sM) + reachM;
  const pt = pa.line.poseAt(s);
  projectOnStart(pb, x, y, fp);
  const from = fp.sM - 5;
  pb.line.project(pt.x, pt.y, fp, from, from + 10 + 2 * reachM);
  return Math.abs(fp.dM);
}

/** How far the plan moves over the fitted time, m. */
function travel(along: Trajectory, tS: number): number {
  const pts = along.points;
  let d = 0;
  for (let i = 1; i < pts.length; i++) {
    const p = pts[i]!;
    if (p.tS > tS + FIT_S + 1e-9) break;
    if (p.tS <= tS) continue;
    const q = pts[i - 1]!;
    d += hypot2(p.x - q.x, p.y - q.y);
  }
  return d;
}

/** Mean lateral distance of the plan's poses (over `FIT_S`) from lane `id`'s forward path, m. */
function planDistance(
  paths: LanePathCache,
  id: string,
  route: ReadonlyArray<string>,
  along: Trajectory,
  tS: number,
  x: number,
  y: number,
): number {
  const path = paths.get(id, route);
  if (!path) return Number.POSITIVE_INFINITY;
  // project within a window around the ego (the path runs 400 m on), found on the start lane
  projectOnStart(path, x, y, fp);
  const from = fp.sM - 5;
  const to = fp.sM + 5 + travel(along, tS);
  let sum = 0;
  let n = 0;
  for (const p of along.points) {
    if (p.tS < tS - 1e-9) continue;
    if (p.tS > tS + FIT_S + 1e-9) break;
    path.line.project(p.x, p.y, fp, from, to);
    sum += Math.abs(fp.dM);
    n++;
  }
  return n > 0 ? sum / n : Number.POSITIVE_INFINITY;
}
