/** OpenSCENARIO 1.x importer (esmini / scenario_runner subset) and its storyboard executor. */

export { EGO_TRIGGERS_UNFIRED_TAG, STORYBOARD_LIVE_TAG } from './EgoTriggers.ts';
export {
  CATEGORIES,
  type CategoryRow,
  type CheckResult,
  checkEsminiExpectations,
  PRACTICAL,
  summarize,
} from './EsminiExpectations.ts';
export { LiveStoryboard, liveStoryboardFactory } from './LiveStoryboard.ts';
export { importOpenScenario, prepareOpenScenario } from './OpenScenario.ts';
export { type EntityState, type OscEntity, OscExecutor, type StoryEvent } from './OscExecutor.ts';
export { evalExpression, resolveTree } from './Parameters.ts';
export {
  eventsCsv,
  runStoryboard,
  type StateRow,
  type StoryboardOptions,
  type StoryboardResult,
  statesCsv,
} from './StoryboardRun.ts';
