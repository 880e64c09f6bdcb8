/**
 * A trajectory baseline as a command planner: the baseline plans its trajectory as usual, and the
 * command behind it (the gate's derivation: speed and path decisions, stop point) is what the
 * stack executes. The derived targets are refined for execution: the target speed is the planned
 * speed one second ahead (the controller re-targets every plan), and a planned slow-down carries
 * its braking intensity.
 */
import type { MidLevelCommand, Trajectory } from '../core/index.ts';
import type { CommandPlanner, Planner } from '../core/planning/index.ts';
import { deriveCommand } from '../safety/index.ts';

/** Look-ahead of the executed target speed, s. */
const TARGET_LOOK_S = 1;

export function commandFromTrajectory<S>(inner: Planner<S>): CommandPlanner<S> {
  return {
    name: `${inner.name}-stack`,
    init: (ctx, first) => inner.init(ctx, first),
    plan(state, req, ctx) {
      const r = inner.step(state, req.snapshot, ctx);
      const traj = r.output.trajectory;
      const derived =
        r.output.command ?? deriveCommand(traj, req.snapshot, ctx.map, `derived:${inner.name}`, ctx.vehicle);
      return {
        state: r.state,
        output: {
          command: refine(derived, traj, req.snapshot.ego.speedMps, ctx.vehicle.maxSpeedMps),
          trajectory: traj,
        },
      };
    },
  };
}

/**
 * The derived command with its target speed taken from the trajectory `TARGET_LOOK_S` ahead, at most
 * the vehicle's top speed `topMps` (a baseline planning to the road's limit above it: PDM-Closed's
 * 2.05 m/s for a 2 m/s robot on a 4 m/s road was refused by the gate at 92 of 302 checks).
 */
function refine(cmd: MidLevelCommand, traj: Trajectory, v0: number, topMps: number): MidLevelCommand {
  const pts = traj.points;
  if (pts.length < 2) return cmd;
  const t0 = pts[0]!.tS;
  let look = pts[pts.length - 1]!;
  for (const p of pts) {
    if (p.tS - t0 <= TARGET_LOOK_S + 1e-9) look = p;
    else break;
  }
  const out: MidLevelCommand = { ...cmd };
  if (cmd.speed !== 'STOP') {
    const lookMps = Math.min(look.speedMps, topMps);
    out.targetSpeedMps = Math.max(0, lookMps);
    const dv = v0 - lookMps;
    if (dv > 0.05) {
      out.speed = 'DECELERATE';
      out.decelMps2 = Math.min(12, Math.max(0.5, dv / Math.max(look.tS - t0, 0.1)));
    } else if (lookMps > v0 + 0.05) out.speed = 'ACCELERATE';
    else out.speed = 'KEEP';
  }
  return out;
}
