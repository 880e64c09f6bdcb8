/**
 * Constant-velocity baseline: keeps its initial speed along the route's reference path and
 * ignores everything else (nuPlan's SimplePlanner drives straight; following the route makes the
 * yardstick about speed choice, not about steering).
 */
import type { FrenetPoint } from '../../core/index.ts';
import type { Planner } from '../../core/planning/Planner.ts';
import { egoArcLength, HORIZON_STEPS, STEP_S, trajectoryAlong } from '../../core/vehicle/pathFollowing.ts';

interface State {
  sM: number;
  speedMps: number;
}

export function constantVelocityPlanner(): Planner<State> {
  const scratch: FrenetPoint = { sM: 0, dM: 0, segment: 0 };
  const s = new Float64Array(HORIZON_STEPS + 1);
  const v = new Float64Array(HORIZON_STEPS + 1);
  return {
    name: 'constant-velocity',
    init: (_ctx, first) => ({ sM: Number.NaN, speedMps: first.ego.speedMps }),
    step(state, snap, ctx) {
      const s0 = egoArcLength(ctx.route.line, snap.ego, state.sM, scratch);
      for (let k = 0; k <= HORIZON_STEPS; k++) {
        s[k] = s0 + state.speedMps * k * STEP_S;
        v[k] = state.speedMps;
      }
      return {
        state: { sM: s0, speedMps: state.speedMps },
        output: { trajectory: trajectoryAlong(ctx.route.line, snap.tS, s, v, HORIZON_STEPS + 1) },
      };
    },
  };
}
