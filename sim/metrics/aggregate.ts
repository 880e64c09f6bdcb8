/**
 * The weighted-average aggregation of nuPlan (nuplan/planning/metrics/aggregator/
 * weighted_average_metric_aggregator.py with AGG/closed_loop_*_weighted_average.yaml): scenario
 * score = Π multipliers · Σ wᵢ·sᵢ / Σ wᵢ, and the suite score is the plain mean over scenarios
 * (the per-type grouping weighs each type by its count, which cancels out).
 */
import { NUPLAN_METRIC_PARAMS } from './params.ts';

export type MultiplierName = (typeof NUPLAN_METRIC_PARAMS.aggregate.multipliers)[number];
export type WeightedName = keyof typeof NUPLAN_METRIC_PARAMS.aggregate.weights;

export type Multipliers = Record<MultiplierName, number>;
export type Weighted = Record<WeightedName, number>;

/** Scenario score in [0, 1]: (coll · drivable · progress · direction) · (5p + 5t + 4s + 2c) / 16. */
export function scenarioScore(multipliers: Multipliers, weighted: Weighted): number {
  let factor = 1;
  for (const name of NUPLAN_METRIC_PARAMS.aggregate.multipliers) factor *= multipliers[name];
  let sum = 0;
  let sumW = 0;
  const weights = NUPLAN_METRIC_PARAMS.aggregate.weights;
  for (const name of Object.keys(weights) as WeightedName[]) {
    sum += weights[name] * weighted[name];
    sumW += weights[name];
  }
  return factor * (sumW > 0 ? sum / sumW : 0);
}

/** Suite score: the plain mean of scenario scores (0 for an empty suite). */
export function suiteScore(scores: ReadonlyArray<number>): number {
  if (scores.length === 0) return 0;
  let s = 0;
  for (const v of scores) s += v;
  return s / scores.length;
}
