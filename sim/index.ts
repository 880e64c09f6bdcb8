export * from './RoadMap.ts';
export * from './RoutePath.ts';
export * from './SimLog.ts';
export * from './ego/KinematicBicycle.ts';
export * from './ego/LqrTracker.ts';
