/**
 * Controllers by name, for the command stacks: `classical` (pure pursuit + speed law), `expert`
 * (iLQR), `full-depth` (every block of the multi-exit policy) and `early-exit` (DeeR exits under a
 * budget, `avg:40%` by default). A factory shares one policy worker (and one calibration) across
 * the controllers it makes; `close()` stops the worker.
 */
import { fail, ok, type Result } from '../core/index.ts';
import type { CommandController } from '../core/planning/index.ts';
import { type Budget, type Calibration, parseBudget } from './Budget.ts';
import { createClassicalController } from './ClassicalController.ts';
import { calibrateRunner, createEarlyExitController } from './EarlyExitController.ts';
import { createExpertController } from './ExpertController.ts';
import { createPolicyRunner, type PolicyRunner } from './PolicyRunner.ts';

export const CONTROLLER_NAMES = ['classical', 'expert', 'full-depth', 'early-exit'] as const;
export type ControllerName = (typeof CONTROLLER_NAMES)[number];
export const DEFAULT_BUDGET = 'avg:40%';

export interface ControllerFactory {
  readonly name: ControllerName;
  readonly budget: Budget | undefined;
  /** A fresh controller (each stack gets its own state; the policy worker is shared). */
  create(): CommandController;
  /**
   * Early exit: the budget's calibration on the held-out rows (thresholds, modelled compute and p99;
   * `met` false when no exit meets a p99 budget); undefined for other controllers or without a model.
   */
  calibration(): Calibration | undefined;
  /** The shared policy runner, when this controller uses the network. */
  readonly runner: PolicyRunner | undefined;
  close(): void;
}

/**
 * A controller factory by name; `budget` (e.g. `avg:40%`, `p99:0.5ms`) applies to `early-exit`;
 * `stepSamplesMs`, on-core times of full-depth steps in this closed loop, to its p99 budgets
 * (without them, the runner's warm probe: see calibrateRunner).
 */
export function controllerFactory(
  name: string,
  opts: { budget?: string; modelDir?: string; stepSamplesMs?: ArrayLike<number> } = {},
): Result<ControllerFactory> {
  if (!(CONTROLLER_NAMES as readonly string[]).includes(name))
    return fail(
      'NOT_FOUND',
      'controller',
      `unknown controller "${name}" (known: ${CONTROLLER_NAMES.join(', ')})`,
    );
  const n = name as ControllerName;
  let budget: Budget | undefined;
  if (n === 'early-exit') {
    const b = parseBudget(opts.budget ?? DEFAULT_BUDGET);
    if (!b.ok) return b;
    budget = b.value;
  } else if (opts.budget !== undefined) {
    return fail('INVALID_INPUT', 'budget', `--budget applies to the early-exit controller, not "${name}"`);
  }
  let runner: PolicyRunner | undefined;
  const net = n === 'early-exit' || n === 'full-depth';
  const getRunner = (): PolicyRunner => {
    runner ??= createPolicyRunner(opts.modelDir ? { modelDir: opts.modelDir } : {});
    return runner;
  };
  return ok({
    name: n,
    budget,
    get runner() {
      return net ? getRunner() : undefined;
    },
    calibration() {
      if (n !== 'early-exit' || !budget) return undefined;
      return calibrateRunner(
        getRunner(),
        budget,
        opts.stepSamplesMs ? { stepSamplesMs: opts.stepSamplesMs } : {},
      );
    },
    create(): CommandController {
      if (n === 'classical') return createClassicalController() as CommandController;
      if (n === 'expert') return createExpertController() as CommandController;
      return createEarlyExitController({
        runner: getRunner(),
        mode: n === 'full-depth' ? 'full' : 'early',
        ...(budget ? { budget } : {}),
        ...(opts.stepSamplesMs ? { stepSamplesMs: opts.stepSamplesMs } : {}),
      }) as CommandController;
    },
    close() {
      runner?.close();
      runner = undefined;
    },
  });
}
