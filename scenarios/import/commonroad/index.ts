/** CommonRoad XML (2018b, 2020a) importer: lanelets → RoadMap, obstacles + planning problems → Scenarios. */
export { type CommonRoadParams, CommonRoadParamsSchema } from './CommonRoadParams.ts';
export { importCommonRoad } from './importCommonRoad.ts';
