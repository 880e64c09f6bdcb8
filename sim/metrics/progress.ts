/**
 * ego_progress_along_expert_route (weight 5) and ego_is_making_progress (multiplier), after
 * M/ego_progress_along_expert_route.py, M/ego_is_making_progress.py and U/route_extractor.py.
 * The expert's centre route is reduced to a chain of (roadblock, baseline) nodes; ego and expert
 * progress are summed along that chain frame by frame (`PerFrameProgressAlongRouteComputer`), and
 * the ratio is min(1, max(E, 2) / max(X, 2)), or 0 when E < −2 m, or 1 when the expert is on no
 * lane at all.
 */
import type { Polyline } from '../../core/index.ts';
import { getRoute, getRouteSimplified } from './laneAssignment.ts';
import type { MetricMap } from './MetricMap.ts';
import { projectArcLength } from './metricGeometry.ts';
import { NUPLAN_METRIC_PARAMS } from './params.ts';

/** A node of `RouteRoadBlockLinkedList`. */
export interface RouteNode {
  roadblockId: string;
  baseline: Polyline;
}

/** `get_route_baseline_roadblock_linkedlist` over the expert centres (as an array). */
export function expertRouteNodes(mm: MetricMap, xs: ArrayLike<number>, ys: ArrayLike<number>): RouteNode[] {
  const simplified = getRouteSimplified(getRoute(mm, xs, ys));
  const nodes: RouteNode[] = [];
  let prevId: string | null = null;
  for (const objs of simplified) {
    const first = objs[0];
    if (!first) continue;
    const id = mm.roadblockId(first);
    if (id !== prevId) {
      prevId = id;
      nodes.push({ roadblockId: id, baseline: first.line });
    }
  }
  return nodes;
}

function lastX(l: Polyline): number {
  return l.xs[l.xs.length - 1]!;
}
function lastY(l: Polyline): number {
  return l.ys[l.ys.length - 1]!;
}

/**
 * `PerFrameProgressAlongRouteComputer`: progress (m) per pose along the node chain, starting at the
 * head node; poses off the remaining route contribute 0. `nodes` must be non-empty.
 */
export function perFrameProgress(
  mm: MetricMap,
  nodes: ReadonlyArray<RouteNode>,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
): Float64Array {
  const n = xs.length;
  const progress = new Float64Array(n);
  if (n === 0) return progress;
  let cur = 0;
  let prevDist = projectArcLength(nodes[0]!.baseline, xs[0]!, ys[0]!);
  for (let i = 1; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    const curNode = nodes[cur]!;
    if (mm.roadblockContains(curNode.roadblockId, x, y)) {
      const d = projectArcLength(curNode.baseline, x, y);
      progress[i] = d - prevDist;
      prevDist = d;
      continue;
    }
    // get_multi_block_progress: walk forward to the node holding the pose, if any.
    let multi = 0;
    let skipped = 0;
    let next = cur + 1;
    let skippedNode = -1;
    while (next < nodes.length) {
      const nextNode = nodes[next]!;
      if (mm.roadblockContains(nextNode.roadblockId, x, y)) {
        const prevBl = nodes[cur]!.baseline;
        const inPrev = prevBl.length - prevDist;
        const d = projectArcLength(nextNode.baseline, x, y);
        const lastPrev = projectArcLength(nextNode.baseline, lastX(prevBl), lastY(prevBl));
        multi = inPrev + (d - lastPrev) + skipped;
        cur = next;
        prevDist = d;
        break;
      }
      if (next + 1 >= nodes.length) break;
      // compute_progress_for_skipped_road_block
      const from = skippedNode >= 0 ? nodes[skippedNode]!.baseline : nodes[cur]!.baseline;
      skippedNode = next;
      const skBl = nodes[skippedNode]!.baseline;
      const startOnSkipped = projectArcLength(skBl, lastX(from), lastY(from));
      next = next + 1;
      const nextBl = nodes[next]!.baseline;
      skipped += projectArcLength(skBl, nextBl.xs[0]!, nextBl.ys[0]!) - startOnSkipped;
    }
    progress[i] = multi;
  }
  return progress;
}

export interface ProgressResult {
  /** ego_progress_along_expert_route score: the ego / expert progress ratio in [0, 1]. */
  ratio: number;
  egoProgressM: number;
  expertProgressM: number;
  /** Ego progress per tick along the expert route, m (zeros when the expert has no route). */
  egoPerTickM: Float64Array;
}

/**
 * Ego progress along the expert route. `egoX/Y` and `expertX/Y` are centre points (nuPlan uses
 * `ego_state.center` for both).
 */
export function progressAlongExpertRoute(
  mm: MetricMap,
  egoX: ArrayLike<number>,
  egoY: ArrayLike<number>,
  expertX: ArrayLike<number>,
  expertY: ArrayLike<number>,
): ProgressResult {
  const nodes = expertX.length > 0 ? expertRouteNodes(mm, expertX, expertY) : [];
  if (nodes.length === 0) {
    return { ratio: 1, egoProgressM: 0, expertProgressM: 0, egoPerTickM: new Float64Array(egoX.length) };
  }
  const egoPer = perFrameProgress(mm, nodes, egoX, egoY);
  const expertPer = perFrameProgress(mm, nodes, expertX, expertY);
  let e = 0;
  for (const v of egoPer) e += v;
  let x = 0;
  for (const v of expertPer) x += v;
  return { ratio: progressRatio(e, x), egoProgressM: e, expertProgressM: x, egoPerTickM: egoPer };
}

/** The devkit's ratio rule: 0 when E < −2 m, else min(1, max(E, 2) / max(X, 2)). */
export function progressRatio(egoProgressM: number, expertProgressM: number): number {
  const thr = NUPLAN_METRIC_PARAMS.progress.scoreProgressThresholdM;
  if (egoProgressM < -thr) return 0;
  return Math.min(1, Math.max(egoProgressM, thr) / Math.max(expertProgressM, thr));
}

/** ego_is_making_progress: 1 when the progress ratio ≥ 0.2, else 0. */
export function makingProgressScore(ratio: number): number {
  return ratio >= NUPLAN_METRIC_PARAMS.makingProgress.minProgressRatio ? 1 : 0;
}
