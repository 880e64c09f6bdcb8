/** scenarios/: the Scenario format's loader, the built-in library and the importers. */
export * from './builtin/index.ts';
export * from './import/index.ts';
export * from './loadScenario.ts';
