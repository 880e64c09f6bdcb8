/**
 * `import { … } from 'edgeplan'`: the library's public surface (README, "Use it as a library").
 * The contracts (core/), and each folder's public entry: perception, planners, safety gate and audit
 * log, controllers, the stack and its registry, the simulator with nuPlan's metrics, and scenarios.
 * Built to dist/lib.mjs by `npm install` (prepare) or `npm run build`; TypeScript reads this file.
 */
export * from './controller/index.ts';
export * from './core/index.ts';
export * from './core/map/index.ts';
export * from './core/planning/index.ts';
export * from './perception/index.ts';
export * from './planner/index.ts';
export * from './safety/index.ts';
// names two folders export: the safety gate's, and the evaluation's summary of runs
export { AgentForecast, type CheckOptions } from './safety/index.ts';
export * from './scenarios/index.ts';
export * from './sim/index.ts';
export * from './stack/index.ts';
export { summarize } from './stack/index.ts';
