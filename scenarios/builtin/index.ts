export * from './build.ts';
export * from './builtin.ts';
export * from './maps.ts';
