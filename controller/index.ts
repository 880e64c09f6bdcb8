/** controller/: turns the current mid-level command into controls at the control rate. */
export {
  type Budget,
  type Calibration,
  type CalibrationSet,
  calibrate,
  type LatencyModel,
  mixtureQuantile,
  parseBudget,
} from './Budget.ts';
export {
  GOVERNOR_START,
  type GovernorParams,
  GovernorParamsSchema,
  type GovernorState,
  governedThresholds,
  governorAfter,
  governorCredit,
} from './BudgetGovernor.ts';
export {
  type ClassicalParams,
  ClassicalParamsSchema,
  type ClassicalState,
  createClassicalController,
  lanePath,
} from './ClassicalController.ts';
export {
  CONTROLLER_NAMES,
  type ControllerFactory,
  type ControllerName,
  controllerFactory,
  DEFAULT_BUDGET,
} from './ControllerFactory.ts';
export {
  atBrakingLimit,
  BRAKING_LIMIT_TOL_MPS2,
  calibrateRunner,
  createEarlyExitController,
  decelToStopAtMps2,
  type EarlyExitOptions,
  type EarlyExitState,
  EMERGENCY_STOP_PATH,
  LEAVING_LIMIT_STOP_PATH,
  latencyModel,
  STOP_BEYOND_REACH_PATH,
} from './EarlyExitController.ts';
export {
  createExpertController,
  type ExpertParams,
  ExpertParamsSchema,
  type ExpertState,
  expertFlops,
} from './ExpertController.ts';
export {
  ACCEL_SCALE_MPS2,
  ACTION_DIM,
  actionToControl,
  controlToAction,
  FEATURE_DIM,
  featuresFor,
  initialReference,
  STEER_SCALE_RAD,
  writeFeatures,
} from './Features.ts';
export {
  createPolicyRunner,
  type Manifest,
  ManifestSchema,
  MODEL_DIR,
  type PolicyMode,
  type PolicyResult,
  type PolicyRunner,
  PROBE_RUNS,
} from './PolicyRunner.ts';
export { settleThread, threadAsleepProbe, threadRunClock } from './ThreadSchedStat.ts';
