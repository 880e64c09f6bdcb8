export * from './build.ts';
export * from './builtin.ts';
export * from './expertMargins.ts';
export * from './legacyExpert.ts';
export * from './maps.ts';
