/** stack/: the tick pipeline and what composes the components (gated planners, evaluation, fuzzing). */

export * from './AssistStats.ts';
export { commandFromTrajectory } from './CommandFromTrajectory.ts';
export * from './ControllerSummary.ts';
export {
  CHECK_RUN_S,
  type CheckOptions,
  checkData,
  type FamilyReport,
  isImportable,
} from './eval/checkData.ts';
export * from './eval/evalJob.ts';
export * from './eval/evaluate.ts';
export { DEFAULT_QUEUE, probeRedis, queueRunner, redisConnection, startWorker } from './eval/queue.ts';
export { inShard, mergeShards, parseShard, writeShard } from './eval/shard.ts';
export { type FuzzOptions, type FuzzReport, fuzzTable, runFuzz } from './fuzz/fuzz.ts';
export { FUZZ_FAMILIES, fuzzCase } from './fuzz/fuzzScenario.ts';
export { createGatedPlanner, type GatedPlannerOptions, type GatedState } from './GatedPlanner.ts';
export {
  assistSummary,
  type DriverOptions,
  gateRollout,
  hierarchicalPlannerFor,
} from './HierarchicalStack.ts';
export * from './ReactiveForecast.ts';
export * from './registry.ts';
export * from './runInSim.ts';
export * from './SourceSink.ts';
export * from './Stack.ts';
export { sceneAt } from './sceneAt.ts';
export * from './TipsBuilder.ts';
