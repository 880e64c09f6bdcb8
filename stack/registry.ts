/**
 * Every runnable planner by name: the trajectory baselines (`pdm-closed`, `idm`, …), each behind
 * the safety gate (`<name>+gate`), and the command stacks (`<name>-stack`: the baseline's command
 * through the gate to the classical controller, the ego driven by controls). Each call builds a
 * fresh instance.
 */

import { controllerFactory, createClassicalController } from '../controller/index.ts';
import type { Scenario } from '../core/index.ts';
import { fail, ok, type Result } from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import type { CommandController, CommandPlanner, Planner } from '../core/planning/index.ts';
import { createEnvironmentTransform } from '../perception/index.ts';
import {
  BASELINE_NAMES,
  createBaselinePlanner,
  createLlmClient,
  LlmOptionsSchema,
} from '../planner/index.ts';
import { type AuditLog, createSafetyGate } from '../safety/index.ts';
import type { SimLog } from '../sim/index.ts';
import { runScenario } from '../sim/index.ts';
import { commandFromTrajectory } from './CommandFromTrajectory.ts';
import { createGatedPlanner } from './GatedPlanner.ts';
import { type DriverOptions as HierarchicalOptions, hierarchicalPlannerFor } from './HierarchicalStack.ts';
import { runStackScenario, type StackRunOptions } from './runInSim.ts';
import { createStack, type Perception, type Stack, type StackRates } from './Stack.ts';

/** Suffix that wraps a planner in the situational-safety gate (`idm+gate`). */
export const GATE_SUFFIX = '+gate';
/** Suffix that runs a planner as a command stack (`idm-stack`). */
export const STACK_SUFFIX = '-stack';

/** The hierarchical multi-agent planner's command stack (rules + reflection; `--llm` adds a model). */
export const HIERARCHICAL = 'hierarchical';

export const PLANNER_NAMES: readonly string[] = [
  ...BASELINE_NAMES,
  ...BASELINE_NAMES.map((n) => `${n}${STACK_SUFFIX}`),
  HIERARCHICAL,
];

/**
 * A fresh trajectory planner by name. `<name>+gate` runs a baseline behind the safety gate (verdicts
 * recorded per tick, MRM on veto).
 */
export function createPlanner(name: string): Result<Planner> {
  const gated = name.endsWith(GATE_SUFFIX);
  const base = gated ? name.slice(0, -GATE_SUFFIX.length) : name;
  const made = createBaselinePlanner(base);
  if (!made.ok) return fail('NOT_FOUND', 'planner', `unknown planner "${name}" (known: ${knownNames()})`);
  if (!gated) return made;
  return ok({ ...createGatedPlanner(made.value), name } as Planner);
}

function knownNames(): string {
  return `${PLANNER_NAMES.join(', ')}, each trajectory baseline also as <name>${GATE_SUFFIX}`;
}

export interface StackBuildOptions {
  rates?: Partial<StackRates>;
  controller?: CommandController;
  audit?: AuditLog;
  /** Run the environment transform every plan even when the planner does not read it. */
  perception?: boolean;
  /** Wraps the command planner before the stack is built (live missions add their goal stop). */
  wrap?: (planner: CommandPlanner) => CommandPlanner;
}

/** What drives the ego: a trajectory planner (tracked by nuPlan's LQR) or a stack (by controls). */
export type Driver =
  | { kind: 'trajectory'; name: string; planner: Planner }
  | {
      kind: 'stack';
      name: string;
      build: (scenario: Scenario, map: RoadMap, opts?: StackBuildOptions) => Stack;
      /** Stops what the driver's controller holds (the policy worker) and its model client. */
      close?: () => void;
      /**
       * Starts the driver's model client (a local model's load, in the background) and resolves when
       * it can answer (undefined) or with why it never will; absent without a model.
       */
      ready?: () => Promise<string | undefined>;
    };

/** Driver options: the command stacks' controller by name (controller/ CONTROLLER_NAMES) and its budget. */
export interface DriverOptions extends HierarchicalOptions {
  /** Command stacks: the controller by name (controller/ CONTROLLER_NAMES) and its budget (early exit). */
  controller?: string;
  budget?: string;
}

/** Builds a stack around a command planner: the gate, the classical controller, perception if asked for. */
export function stackFor(
  name: string,
  planner: CommandPlanner,
  scenario: Scenario,
  map: RoadMap,
  opts: StackBuildOptions = {},
): Stack {
  if (opts.wrap) planner = opts.wrap(planner);
  let perception: Perception | undefined;
  if (planner.needsScene || opts.perception) {
    const t = createEnvironmentTransform(map, {}, scenario.vehicle);
    if (t.ok) perception = { transform: (snap, route, prev) => t.value.transform(snap, route, prev) };
  }
  return createStack({
    name,
    planner,
    gate: createSafetyGate(),
    controller: opts.controller ?? createClassicalController(),
    ...(perception ? { perception } : {}),
    ...(opts.audit ? { audit: opts.audit } : {}),
    ...(opts.rates ? { rates: opts.rates } : {}),
  });
}

/**
 * A driver by name (see the module comment for the names). `dopts`: the command stacks' controller
 * and budget; `llm` / `hierarchical` configure the `hierarchical` planner.
 */
export function createDriver(name: string, dopts: DriverOptions = {}): Result<Driver> {
  const factory =
    dopts.controller !== undefined || dopts.budget !== undefined
      ? controllerFactory(
          dopts.controller ?? 'early-exit',
          dopts.budget !== undefined ? { budget: dopts.budget } : {},
        )
      : undefined;
  if (factory && !factory.ok) return factory;
  const f = factory?.value;
  if (name === HIERARCHICAL) {
    // one model client for every stack the driver builds (a local model loads once, not per scenario)
    const llm = dopts.llm ? createLlmClient(LlmOptionsSchema.parse(dopts.llm)) : undefined;
    const close = (): void => {
      f?.close();
      void llm?.close?.();
    };
    return ok({
      kind: 'stack',
      name,
      build: (scenario, map, opts) => {
        const o = f && !opts?.controller ? { ...opts, controller: f.create() } : opts;
        return stackFor(name, hierarchicalPlannerFor(scenario, map, dopts, llm), scenario, map, o);
      },
      ...(f || llm ? { close } : {}),
      ...(llm ? { ready: async () => (llm.ready ? llm.ready() : undefined) } : {}),
    });
  }
  if (name.endsWith(STACK_SUFFIX)) {
    const base = name.slice(0, -STACK_SUFFIX.length);
    if (!BASELINE_NAMES.includes(base))
      return fail('NOT_FOUND', 'planner', `unknown planner "${name}" (known: ${knownNames()})`);
    return ok({
      kind: 'stack',
      name,
      build: (scenario, map, opts) => {
        const inner = createBaselinePlanner(base);
        if (!inner.ok) throw new Error(inner.error.message);
        const o = f && !opts?.controller ? { ...opts, controller: f.create() } : opts;
        return stackFor(name, commandFromTrajectory(inner.value), scenario, map, o);
      },
      ...(f ? { close: () => f.close() } : {}),
    });
  }
  if (f)
    return fail(
      'INVALID_INPUT',
      'controller',
      `--controller and --budget apply to command stacks (<name>${STACK_SUFFIX}), not "${name}"`,
    );
  const p = createPlanner(name);
  if (!p.ok) return p;
  return ok({ kind: 'trajectory', name, planner: p.value });
}

/** Runs a driver closed-loop on a scenario (trajectory mode or control mode). */
export async function runDriver(
  driver: Driver,
  scenario: Scenario,
  map: RoadMap,
  opts: StackRunOptions & { recordPlans?: boolean; stack?: StackBuildOptions },
): Promise<SimLog> {
  if (driver.kind === 'trajectory') {
    return runScenario(scenario, map, driver.planner, {
      mode: opts.mode,
      ...(opts.agents ? { agents: opts.agents } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.recordPlans ? { recordPlans: true } : {}),
      ...(opts.onTick ? { onTick: opts.onTick } : {}),
      ...(opts.nowMs ? { nowMs: opts.nowMs } : {}),
      ...(opts.storyboard ? { storyboard: opts.storyboard } : {}),
    });
  }
  const log = await runStackScenario(scenario, map, driver.build(scenario, map, opts.stack), opts);
  return { ...log, planner: driver.name };
}
