import { describe, expect, it } from 'vitest';
import {
  type AgentState,
  type MidLevelCommand,
  VehicleParamsSchema,
  type Verdict,
} from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { oneLane, twoLanes } from '../../core/map/testFixtures.ts';
import type { CommandPlan } from '../../core/planning/index.ts';
import { plannerContext } from '../../core/planning/testFixtures.ts';
import { car, ego, snapshotOf } from '../../core/testFixtures.ts';
import { createEnvironmentTransform } from '../../perception/index.ts';
import {
  createHierarchicalPlanner,
  type HierarchicalConfigInput,
  type HierarchicalState,
} from './HierarchicalPlanner.ts';
import type { RolloutFn } from './Reflection.ts';
import { straightRollout } from './testing/views.ts';

/** A free straight road (15 m/s limit): the rules speed the ego up from 8 m/s. */
const vehicle = VehicleParamsSchema.parse({});
const map = new RoadMap(oneLane('one-lane', 'L0', 400, 3.5, 15));
const ctx = plannerContext(map, ['L0'], vehicle);
const made = createEnvironmentTransform(map, {}, vehicle);
if (!made.ok) throw new Error('perception');
const env = made.value;

const rollout: RolloutFn = straightRollout;

/** A pedestrian far off the road: named by the gate's rule, ignored by the rules. */
const walker: AgentState = {
  id: 'ped',
  kind: 'pedestrian',
  x: 60,
  y: 40,
  headingRad: 0,
  speedMps: 0,
  lengthM: 0.6,
  widthM: 0.5,
};

function planner(config: HierarchicalConfigInput = {}, withRollout = false) {
  const p = createHierarchicalPlanner(config, withRollout ? { rollout } : {});
  const st = p.init(ctx, snapshotOf(ego(0, 20, 0, 8), ['L0']));
  const at = (
    s: HierarchicalState,
    tS: number,
    speedMps: number,
    agents: AgentState[] = [],
    feedback?: { command: MidLevelCommand; verdict: Verdict },
  ): CommandPlan => {
    const snap = snapshotOf(ego(tS, 20 + 8 * tS, 0, speedMps), ['L0'], agents);
    const r = p.plan(
      s,
      { snapshot: snap, scene: env.transform(snap, snap.route), ...(feedback ? { feedback } : {}) },
      ctx,
    );
    if (r instanceof Promise) throw new Error('the rules plan synchronously');
    return r.output;
  };
  return { st, at };
}

/** The gate's repair of `cmd` down to 5 m/s, braking at 2 m/s², for `rule` (naming `agentId` if given). */
function repairTo5(cmd: MidLevelCommand, agentId?: string): { command: MidLevelCommand; verdict: Verdict } {
  return {
    command: cmd,
    verdict: {
      decision: 'MODIFY',
      rules: [
        {
          rule: 'vru.stepOut',
          decision: 'MODIFY',
          values: agentId ? { agentId } : {},
          message: 'pedestrian beside the path could step out',
        },
      ],
      modified: { ...cmd, speed: 'DECELERATE', targetSpeedMps: 5, decelMps2: 2 },
      explanation: 'MODIFY: vru.stepOut → DECELERATE 5 m/s',
    },
  };
}

/**
 * The gate repairs the plan at 0 s and, the rules asking again, the plan at 0.1 s (the thrash):
 * returns the plan at 0.2 s, the first after the second repair.
 */
function thrash(
  at: ReturnType<typeof planner>['at'],
  st: HierarchicalState,
  agents: AgentState[] = [],
  agentId?: string,
): void {
  const first = at(st, 0, 8, agents).command;
  expect(first.speed).toBe('ACCELERATE');
  expect(first.targetSpeedMps).toBeGreaterThan(8);
  expect(at(st, 0, 8, agents, repairTo5(first, agentId)).command).toMatchObject({
    speed: 'DECELERATE',
    targetSpeedMps: 5,
  });
  const again = at(st, 0.1, 7.8, agents).command;
  expect(again.speed).toBe('ACCELERATE');
  at(st, 0.1, 7.8, agents, repairTo5(again, agentId));
}

describe('hierarchical planner: the speed cap of a repeated gate repair', () => {
  it('a lone repair caps nothing: the next plan asks again (the gate may let it pass)', () => {
    const { st, at } = planner({ reflection: false });
    const asked = at(st, 0, 8).command;
    at(st, 0, 8, [], repairTo5(asked));
    const next = at(st, 0.1, 7.8).command;
    expect(next.speed).toBe('ACCELERATE');
    expect(next.targetSpeedMps).toBeGreaterThan(7.8);
  });

  it('after a repeated repair the plans no longer ask to speed up: above the cap they hold the speed', () => {
    const { st, at } = planner({ reflection: false });
    thrash(at, st);
    const next = at(st, 0.2, 7.6).command;
    expect(next.speed).toBe('KEEP');
    expect(next.targetSpeedMps).toBeCloseTo(7.6, 6);
  });

  it('after the hold (the command lifetime) the plan may ask for more again', () => {
    const { st, at } = planner({ reflection: false });
    thrash(at, st);
    const later = at(st, 1.2, 6).command;
    expect(later.speed).toBe('ACCELERATE');
    expect(later.targetSpeedMps).toBeGreaterThan(6);
  });

  it('with reflection on, the capped plan stands (no ACCELERATE after a repeated repair)', () => {
    const { st, at } = planner({}, true);
    thrash(at, st);
    const next = at(st, 0.2, 7.6).command;
    expect(next.speed).not.toBe('ACCELERATE');
    expect(next.targetSpeedMps).toBeLessThanOrEqual(7.6);
  });

  it('a cap for an agent the gate named ends once that agent is gone', () => {
    const { st, at } = planner({ reflection: false });
    thrash(at, st, [walker], 'ped');
    expect(at(st, 0.2, 7.6, [walker]).command.speed).toBe('KEEP');
    expect(at(st, 0.3, 7.4, []).command.speed).toBe('ACCELERATE');
  });

  it('gateCapHoldS 0 turns the cap off', () => {
    const { st, at } = planner({ reflection: false, params: { gateCapHoldS: 0 } });
    thrash(at, st);
    expect(at(st, 0.2, 7.6).command.speed).toBe('ACCELERATE');
  });
});

describe('hierarchical planner: a stop at a point braked up to at the comfortable onset', () => {
  /**
   * A box standing in the lane 62 m ahead of the ego's rear axle (x 20), a car alongside in the
   * left lane: the way round (a change into that lane) is barred only by traffic, so the wait keeps
   * the room to steer out (`blockerRoomM`; on one lane it is at the stop margin, `wayRoundMayOpen`).
   */
  const box: AgentState = {
    id: 'box',
    kind: 'static',
    x: 82,
    y: 0,
    headingRad: 0,
    speedMps: 0,
    lengthM: 1,
    widthM: 2,
  };
  const twoMap = new RoadMap(twoLanes('two-lanes', 'L0', 'L1', 400, 15));
  const twoCtx = plannerContext(twoMap, ['L0'], vehicle);
  const twoEnvMade = createEnvironmentTransform(twoMap, {}, vehicle);
  if (!twoEnvMade.ok) throw new Error('perception');
  const twoEnv = twoEnvMade.value;
  function stopAt(accelMps2: number, config: HierarchicalConfigInput = {}): MidLevelCommand {
    const p = createHierarchicalPlanner({ reflection: false, ...config });
    const first = snapshotOf(ego(0, 20, 0, 12, { accelMps2 }), ['L0'], [box, car('beside', 20, 3.5, 12)]);
    const st = p.init(twoCtx, first);
    const r = p.plan(st, { snapshot: first, scene: twoEnv.transform(first, first.route) }, twoCtx);
    if (r instanceof Promise) throw new Error('the rules plan synchronously');
    return r.output.command;
  }

  it('decided while the ego is not yet braking: a point-free stop whose braking builds up at 3 m/s³', () => {
    const c = stopAt(0);
    expect(c.speed).toBe('STOP');
    expect(c.stopAt).toBeUndefined();
    expect(c.jerkMps3).toBe(3);
    expect(c.decelMps2).toBeGreaterThan(0);
    expect(c.decelMps2).toBeLessThanOrEqual(3);
  });

  it('once the ego brakes as the built-up stop holds, the stop point is commanded again', () => {
    const building = stopAt(0);
    const c = stopAt(-(building.decelMps2 ?? 0));
    expect(c.speed).toBe('STOP');
    expect(c.stopAt).toBeDefined();
    expect(c.jerkMps3).toBeUndefined();
  });

  it('with the onset off (stopOnsetJerkMps3 0) the stop point is braked onto at once', () => {
    const c = stopAt(0, { params: { stopOnsetJerkMps3: 0 } });
    expect(c.speed).toBe('STOP');
    expect(c.stopAt).toBeDefined();
    expect(c.jerkMps3).toBeUndefined();
  });
});

describe('hierarchical planner: a car seen driving that stops in the lane', () => {
  /**
   * Plans every 0.1 s for 20 s with the ego standing at x 20 and a car ahead in the lane at x
   * `x0`, driving east at 5 m/s for `driveS`, then standing; the scene part of the last rationale.
   */
  function sceneAfter20S(x0: number, driveS: number): string {
    const p = createHierarchicalPlanner({ reflection: false });
    const snapAt = (tS: number) =>
      snapshotOf(
        ego(tS, 20, 0, 0),
        ['L0'],
        [car('car', x0 + 5 * Math.min(tS, driveS), 0, tS < driveS ? 5 : 0)],
      );
    const st = p.init(ctx, snapAt(0));
    let rationale = '';
    for (let k = 0; k <= 200; k++) {
      const snap = snapAt(k * 0.1);
      const r = p.plan(st, { snapshot: snap, scene: env.transform(snap, snap.route) }, ctx);
      if (r instanceof Promise) throw new Error('the rules plan synchronously');
      rationale = r.output.command.rationale;
    }
    return rationale.split(' | ')[0]!;
  }

  it('is a stopped lead however long it stands; one standing there from the first sighting is a blocked lane', () => {
    // it drove 10 m and has stood 18 s, 40 m ahead of the ego's rear axle
    expect(sceneAfter20S(50, 2)).toMatch(/stopped_lead car/);
    expect(sceneAfter20S(50, 2)).not.toMatch(/blocked_lane/);
    expect(sceneAfter20S(60, 0)).toMatch(/blocked_lane car/);
  });
});
