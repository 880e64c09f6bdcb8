/** core/vehicle: vehicle models (kinematic bicycle, unicycle), nuPlan's LQR tracker, the IDM law. */

export * from './egoAtRest.ts';
export * from './evasiveClose.ts';
export * from './IdmPlanner.ts';
export * from './idm.ts';
export * from './KinematicBicycle.ts';
export * from './LqrTracker.ts';
export * from './standstill.ts';
export * from './stopPointMargin.ts';
