export * from './Clock.ts';
export * from './frames.ts';
export * from './geometry.ts';
export * from './obb.ts';
export * from './result.ts';
export * from './SavGol.ts';
export * from './schemas.ts';
