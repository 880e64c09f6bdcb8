/** OpenSCENARIO 1.x importer (esmini / scenario_runner subset) and its storyboard executor. */
export { importOpenScenario } from './OpenScenario.ts';
export { type EntityState, type OscEntity, OscExecutor } from './OscExecutor.ts';
export { evalExpression, resolveTree } from './Parameters.ts';
