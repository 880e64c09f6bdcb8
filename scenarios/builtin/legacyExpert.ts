/**
 * The experts some built-in scenarios had before they got speed-profile experts that yield (an
 * IDM drive of the route, which hit the cutter, the oncoming car and the pedestrians), and the
 * conversion of a reference score measured against such an old expert to the current one.
 *
 * Why: the original PDM-Closed's closed-loop metrics (data/reference/pdm_closed/
 * closed_loop_original.json) were computed against the old experts. In a non-reactive run the
 * ego's drive does not depend on the expert, so only ego_progress_along_expert_route (and through
 * it ego_is_making_progress and the score) moves with the expert, and it can be recomputed from
 * the two experts' progress (`referenceAgainstExpert`).
 */
import type { TrackPoint } from '../../core/index.ts';
import { NUPLAN_METRIC_PARAMS, scenarioScore } from '../../sim/metrics/index.ts';
import { attentiveIdmExpert, builtinScenario, driveExpert } from './builtin.ts';

/** Built-ins whose expert was `attentiveIdmExpert` before it became a speed-profile drive. */
export const LEGACY_IDM_EXPERT_IDS: readonly string[] = [
  'hard_braking_lead',
  'stop_and_go',
  'cut_in',
  'unprotected_left',
  'crosswalk_pedestrian',
  'occluded_pedestrian',
  'warehouse_robot',
];

/**
 * The expert track built-in `id` had when the original PDM-Closed's reference was computed
 * (rear-axle poses, one per 0.1 s tick): the IDM drive for `LEGACY_IDM_EXPERT_IDS`, else the
 * current expert. Undefined for an unknown id.
 */
export function legacyExpert(id: string): TrackPoint[] | undefined {
  const b = builtinScenario(id);
  if (!b) return undefined;
  if (!LEGACY_IDM_EXPERT_IDS.includes(id)) return b.scenario.expert;
  return driveExpert(b.scenario, b.map, attentiveIdmExpert());
}

export interface ReferenceAgainstExpert {
  /** The reference's metrics and score with progress measured against the new expert. */
  metrics: Record<string, number>;
  /**
   * False when the reference's progress ratio was clipped at 1 and the new expert went further:
   * the ego's progress is then known only to be at least the old expert's, and the ratio given
   * is that lower bound.
   */
  exact: boolean;
}

/**
 * Converts reference metrics (nuPlan names, `score`; ratios rounded to 4 decimals) measured
 * against an expert that progressed `oldExpertM` to an expert that progressed `newExpertM`. The
 * ratio is min(1, max(E, 2 m) / max(X, 2 m)) (0 when E < −2 m), so max(E, 2 m) = ratio ·
 * max(X_old, 2 m) when the ratio is under 1, and the new ratio is that over max(X_new, 2 m);
 * ego_is_making_progress is the new ratio ≥ 0.2, and the score is recomputed. Metrics are
 * returned as they are when the two experts progressed the same.
 */
export function referenceAgainstExpert(
  ref: Readonly<Record<string, number>>,
  oldExpertM: number,
  newExpertM: number,
): ReferenceAgainstExpert {
  const thr = NUPLAN_METRIC_PARAMS.progress.scoreProgressThresholdM;
  const oldX = Math.max(oldExpertM, thr);
  const newX = Math.max(newExpertM, thr);
  const ratio = ref.ego_progress_along_expert_route;
  if (ratio === undefined) throw new Error('reference metrics without ego_progress_along_expert_route');
  if (Math.abs(oldX - newX) < 1e-9 || ratio === 0) return { metrics: { ...ref }, exact: true };
  // Clipped at 1: the ego went at least as far as the old expert, exactly how far is not stored.
  const exact = ratio < 1 || newX <= oldX;
  const newRatio = Math.round(1e4 * Math.min(1, (ratio * oldX) / newX)) / 1e4;
  const metrics: Record<string, number> = {
    ...ref,
    ego_progress_along_expert_route: newRatio,
    ego_is_making_progress: newRatio >= NUPLAN_METRIC_PARAMS.makingProgress.minProgressRatio ? 1 : 0,
  };
  const pick = <K extends string>(names: readonly K[]) =>
    Object.fromEntries(names.map((k) => [k, metrics[k]!])) as Record<K, number>;
  const agg = NUPLAN_METRIC_PARAMS.aggregate;
  metrics.score = scenarioScore(
    pick(agg.multipliers),
    pick(Object.keys(agg.weights) as (keyof typeof agg.weights)[]),
  );
  return { metrics, exact };
}
