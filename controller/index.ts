/** controller/: turns the current mid-level command into controls at the control rate. */
export {
  type ClassicalParams,
  ClassicalParamsSchema,
  type ClassicalState,
  createClassicalController,
  lanePath,
} from './ClassicalController.ts';
