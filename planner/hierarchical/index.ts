/** The hierarchical multi-agent planner: agents, reflection, model backends. */
export * from './AgentOutputs.ts';
export { type HierarchicalParams, HierarchicalParamsSchema } from './HierarchicalParams.ts';
export {
  createHierarchicalPlanner,
  type HierarchicalConfig,
  type HierarchicalConfigInput,
  HierarchicalConfigSchema,
  type HierarchicalDeps,
  type HierarchicalState,
  type HierarchicalStats,
} from './HierarchicalPlanner.ts';
export {
  checkLlm,
  createLlmClient,
  type LlmOptions,
  type LlmOptionsInput,
  LlmOptionsSchema,
} from './llm/createLlmClient.ts';
export type { LlmClient, LlmReply, LlmRequest } from './llm/LlmClient.ts';
export { AGENT_NAMES, type AgentName, PROMPT_VERSION } from './Prompts.ts';
export type { AgentForecast, ForecastFn, RolloutFn } from './Reflection.ts';
export {
  matchTips,
  nudgedParams,
  SCENE_FEATURES,
  sceneFeatures,
  type Tip,
  type TipMatch,
  TipSchema,
  type TipsFile,
  TipsFileSchema,
  tipsText,
} from './Tips.ts';
