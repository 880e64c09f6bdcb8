/** sim/: the closed-loop engine (ego by controls or a tracked trajectory), agent models, run logs. */
export * from './agents/AgentFleet.ts';
export * from './agents/StoryboardAgents.ts';
export { evaluateRun, MetricMap, suiteScore } from './metrics/index.ts';
export type { ScenarioMetrics } from './metrics/ScenarioMetrics.ts';
export * from './runScenario.ts';
export * from './SimEngine.ts';
export * from './SimLog.ts';
