/**
 * The speed cap the safety gate imposed by a repair, remembered for a short hold.
 *
 * The rules do not model every gate rule (a pedestrian who may step out, the drivable area in a
 * tight turn): after the gate repaired a command down to a lower speed, the next plan (0.1 s later)
 * asked for the old speed again, the gate repaired it again, and the executed command alternated
 * every tick or two (jerk: esmini traffic_lights, `ego_is_comfortable` 0). Once the gate repairs
 * the speed again for the same rule right after a first repair (the rules are asking for what it
 * just took away), the repair's target is held as a cap for the life of the repaired command: the
 * plans between ask for no more — below it they speed up to it, above it they hold the speed and
 * leave the braking to the gate's repair (braking to the repair's target ourselves cost
 * merge_into_traffic 0.6 points: the target is lower than the gate needs once the ego stops
 * asking for more). The planner asks for more only after the hold (or once the agents the failing
 * rules named are gone). A lone repair caps nothing: the gate often lets the next plan's ask pass
 * (a transient, e.g. the first move after a yield), and a cap would only cost progress.
 */
import type { MidLevelCommand, WorldSnapshot } from '../../core/index.ts';
import type { PlanRequest } from '../../core/planning/index.ts';

export interface GateCap {
  /** The repaired command's target speed, m/s: no plan asks for more while the cap holds. */
  speedMps: number;
  /** The repaired command (diagnostics). */
  repaired: MidLevelCommand;
  /** The cap holds until this time, s. */
  untilS: number;
  /** The rules that failed (diagnostics and the rationale). */
  rules: string[];
  /** The agents those rules named; empty when a rule named none (a region: held for the whole hold). */
  agentIds: string[];
}

/** What the planner remembers of the gate's speed repairs. */
export interface GateCapMemory {
  /** The cap in force (it may have run out: `gateCapHolds`). */
  cap: GateCap | undefined;
  /** The time of the last speed repair, s (−∞: none yet), and the rules that failed then. */
  lastRepairS: number;
  lastRules: string[];
}

export const GATE_CAP_MEMORY_INITIAL: GateCapMemory = {
  cap: undefined,
  lastRepairS: Number.NEGATIVE_INFINITY,
  lastRules: [],
};

/**
 * The memory after the gate's feedback at `tS`: a speed repair that repeats one of the last
 * repair's rules within `repeatS` of it caps the plans for `holdS` (a later repair replaces the
 * cap: the gate's newest word); a lone repair is only remembered; a veto or a repair that slowed
 * nothing leaves the memory as it was.
 */
export function gateCapStep(
  mem: GateCapMemory,
  feedback: NonNullable<PlanRequest['feedback']>,
  tS: number,
  holdS: number,
  repeatS: number,
): GateCapMemory {
  const cand = gateCapOf(feedback, tS, holdS);
  if (!cand) return mem;
  const repeated =
    tS - mem.lastRepairS <= repeatS + 1e-9 && cand.rules.some((r) => mem.lastRules.includes(r));
  return { cap: repeated ? cand : mem.cap, lastRepairS: tS, lastRules: cand.rules };
}

/** Within this of the cap the command keeps its speed rather than braking or speeding up to it, m/s. */
const AT_CAP_MPS = 0.1;

/**
 * The cap a gate repair imposes: the repaired command's target speed, when the repair lowered the
 * speed the planner asked for (a speed-only repair of a lane-following command). Undefined when the
 * verdict offered no repair, the repair did not slow the command down, or it stops the ego.
 * @param tS the time of the re-plan, s; @param holdS how long the cap holds, s (0: never).
 */
export function gateCapOf(
  feedback: NonNullable<PlanRequest['feedback']>,
  tS: number,
  holdS: number,
): GateCap | undefined {
  const repaired = feedback.verdict.modified;
  if (!repaired || holdS <= 0) return undefined;
  if (feedback.command.path !== 'FOLLOW_LANE' || repaired.path !== 'FOLLOW_LANE') return undefined;
  const asked = feedback.command.speed === 'STOP' ? 0 : feedback.command.targetSpeedMps;
  const capMps = repaired.speed === 'STOP' ? 0 : repaired.targetSpeedMps;
  if (capMps === undefined || asked === undefined || !(capMps < asked - AT_CAP_MPS)) return undefined;
  // a repair to a standstill is not held: the rules stop on their own where they must (a red
  // light, a crosswalk), and a held stop costs a standing start the gate may not have asked for
  // (builtin crosswalk_pedestrian, red_light: 0.5–1.7 points of progress)
  if (capMps <= AT_CAP_MPS) return undefined;
  const failing = feedback.verdict.rules.filter((r) => r.decision !== 'ALLOW');
  const agentIds: string[] = [];
  let anonymous = false;
  for (const r of failing) {
    const id = r.values.agentId;
    if (typeof id === 'string') agentIds.push(id);
    else anonymous = true;
  }
  return {
    speedMps: capMps,
    repaired,
    untilS: tS + holdS,
    rules: [...new Set(failing.map((r) => r.rule))],
    // a rule about a region (no agent) holds the cap for the whole hold
    agentIds: anonymous ? [] : [...new Set(agentIds)],
  };
}

/** Whether the cap still holds at the snapshot: within its hold, and (if it named agents) one of them still there. */
export function gateCapHolds(cap: GateCap | undefined, snap: WorldSnapshot): cap is GateCap {
  if (!cap || !(snap.tS < cap.untilS - 1e-9)) return false;
  if (cap.agentIds.length === 0) return true;
  return snap.agents.some((a) => cap.agentIds.includes(a.id));
}

/**
 * The command kept under the cap: unchanged when it asks for no more than the cap; otherwise, with
 * the ego above the cap, it holds the ego's speed (KEEP, no more than it asked: the gate's repair
 * does the braking; a DECELERATE keeps its target, rate and onset), at the cap it keeps it, and
 * below it speeds up to it.
 * Lateral fields (path, lane, offset), lifetime and source are the command's own.
 */
export function underGateCap(cmd: MidLevelCommand, cap: GateCap, egoSpeedMps: number): MidLevelCommand {
  const asked = cmd.speed === 'STOP' ? 0 : (cmd.targetSpeedMps ?? egoSpeedMps);
  if (asked <= cap.speedMps + 1e-9) return cmd;
  const out: MidLevelCommand = {
    ...cmd,
    targetSpeedMps: cap.speedMps,
    rationale:
      `${cmd.rationale}; capped at ${cap.speedMps.toFixed(2)} m/s by the gate's repair (${cap.rules.join(',')})`.slice(
        0,
        2000,
      ),
  };
  delete out.stopAt;
  if (egoSpeedMps > cap.speedMps + AT_CAP_MPS) {
    out.targetSpeedMps = Math.min(asked, egoSpeedMps);
    // a command that was braking (below the ego's speed) keeps its rate: dropped, a DECELERATE at
    // 3.5 m/s² became a KEEP braking at the default 2. It stays a DECELERATE, and so keeps its
    // onset too: the controller and the gate's roll-out build a braking up at `jerkMps3` for a
    // DECELERATE only — as a KEEP, CommonRoad ZAM_Tutorial-1_2_T-1's DECELERATE at 1.56 m/s² (onset
    // 2.5 m/s³) was a step, `ego_lon_jerk` failed (issue #14)
    const braking = out.targetSpeedMps < egoSpeedMps - 1e-9;
    out.speed = braking && cmd.speed === 'DECELERATE' ? 'DECELERATE' : 'KEEP';
    if (!braking) {
      delete out.decelMps2;
      delete out.jerkMps3;
    }
  } else {
    delete out.decelMps2;
    delete out.jerkMps3;
    out.speed = egoSpeedMps < cap.speedMps - AT_CAP_MPS ? 'ACCELERATE' : 'KEEP';
  }
  return out;
}
