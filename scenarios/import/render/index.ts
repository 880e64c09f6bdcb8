/** Map PNG rendering for checking imports by eye (`edgeplan map`). */
export { type RenderOptions, renderMapPng } from './renderMapPng.ts';
