/** perception/: the environment transform (BEV raster, local lane graph, scene text, BEV → PNG). */
export * from './BevRaster.ts';
export * from './bevToPng.ts';
export * from './EnvironmentTransform.ts';
export * from './LaneChunks.ts';
export * from './LaneGraphBuilder.ts';
export * from './PerceptionParams.ts';
export * from './Rasterizer.ts';
export * from './SceneContext.ts';
export * from './sceneToText.ts';
