/** core/map: the road map model (lanes, spatial index, routing) and the route reference path. */
export * from './RoadMap.ts';
export * from './RoadMarks.ts';
export * from './RouteLanes.ts';
export * from './RoutePath.ts';
export * from './signalStop.ts';
