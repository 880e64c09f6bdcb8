/**
 * The minimal-risk manoeuvre as a pure, replayable state machine (Autoware's MRM handler:
 * NORMAL → OPERATING → SUCCEEDED). A VETO starts an MRM (an emergency escalates a comfortable
 * stop, never the other way); it is released before standstill once the gate has passed commands
 * for `releaseAfterS` (the situation is safe again), and after standing still it hands back to
 * normal driving when the gate has passed commands for `recoverAfterS`.
 * `step(state, input, params) → { state, output }`; no clock, no I/O.
 *
 * `mrmDrive` turns a step into what is driven — the stop (its shape, its rate, eased only where the
 * gate passes the eased stop) and why — for both the simulator's gated planner and the runtime stack,
 * so that a bridge drives the same manoeuvre that `eval` measures and the audit log records it.
 */
import { z } from 'zod';
import type { DrivenReason, MidLevelCommand, Trajectory, Verdict } from '../core/index.ts';

export const MrmParamsSchema = z.object({
  /** Comfortable stop, m/s² (issue 7: −1.0 m/s²). */
  comfortDecelMps2: z.number().positive().default(1.0),
  /** Standstill below this speed, m/s. */
  stoppedSpeedMps: z.number().positive().default(0.1),
  /** Allowed commands needed after standstill before resuming, s (our choice: 10 planning ticks). */
  recoverAfterS: z.number().nonnegative().default(1.0),
  /**
   * Allowed (or repaired) commands needed to release a running MRM before standstill, s: once the
   * gate finds a safe command again the stop is no longer the minimal risk (our choice: 5 ticks).
   */
  releaseAfterS: z.number().nonnegative().default(0.5),
  /**
   * On a tick of the release wait whose command the gate ALLOWs as it is, a running stop brakes no
   * harder than RSS's proper response needs: b_min, m/s² (ad-rss-lib α_lon,brake,min 4;
   * Shalev-Shwartz et al. 2017). An emergency stop's 8 m/s² answers the danger the VETO saw; a
   * command found safe unchanged says it has passed, and braking with b_min still answers it (the
   * passed command's own braking, when harder, is the caller's to keep). A repaired command (MODIFY)
   * says the danger is still there: the stop eases to b_min there only where no other vehicle's
   * outline reaches into the ego's lane (`safety/egoLaneOccupied.ts`; fuzz seed 7 run 862: eased on
   * the repairs of an oncoming drift while the car held 0.44 m over the line, the ego came alongside
   * it as it swung back and was struck), else keeps its rate; a new VETO restores it.
   */
  releaseBrakeMps2: z.number().positive().default(4),
  /**
   * The gentlest rate a running stop eases to on such a tick, m/s², tried before `releaseBrakeMps2`:
   * the eased stop is checked by the gate at each rate, gentlest first, and the first it passes is
   * driven (the gentlest safe stop, not the one safe rate b_min). The comfortable stop's rate (issue 7:
   * −1.0 m/s²). At b_min only, the stop kept braking through the five ticks of the release wait after
   * an oncoming drift had swung back: fuzz --n 1000 seeds 7 / 11 / 20791 / 424242 progress gap
   * 0.0448 / 0.0516 / 0.0360 / 0.0515 → 0.0435 / 0.0503 / 0.0342 / 0.0499, no collision gained.
   */
  gentlestReleaseBrakeMps2: z.number().positive().default(1.0),
});
export type MrmParams = z.infer<typeof MrmParamsSchema>;

export type MrmKind = 'COMFORT_STOP' | 'EMERGENCY_STOP' | 'SHOULDER_STOP';

/**
 * Room a shoulder stop leaves between the vehicle's sides and the shoulder's edges, m (each side;
 * the gate's in-lane shift margin, `inLaneShiftMarginM`: the tracker's overshoot).
 */
export const SHOULDER_SIDE_MARGIN_M = 0.15;

/**
 * A shoulder `shoulderWidthM` wide holds a vehicle `vehicleWidthM` wide stopped on its centre (the
 * change's target) with `SHOULDER_SIDE_MARGIN_M` to spare on both sides: a narrower one is no place
 * to stop on (the body would stand past its outer edge, off the drivable area).
 */
export function shoulderHoldsVehicle(shoulderWidthM: number, vehicleWidthM: number): boolean {
  return shoulderWidthM >= vehicleWidthM + 2 * SHOULDER_SIDE_MARGIN_M;
}

export interface MrmState {
  mode: 'NORMAL' | 'OPERATING' | 'SUCCEEDED';
  kind: MrmKind | null;
  decelMps2: number;
  /** When the current stretch of ALLOWs began while stopped, s (NaN if none). */
  allowSinceS: number;
  /** The time the MRM started, s (NaN when normal). */
  startedAtS: number;
  /** A SHOULDER_STOP's side (the VETO's `mrm.shoulderSide`; absent: right). */
  shoulderSide?: 'LEFT' | 'RIGHT';
}

export interface MrmInput {
  tS: number;
  verdict: Pick<Verdict, 'decision' | 'mrm'>;
  egoSpeedMps: number;
}

export interface MrmOutput {
  /** The MRM is in control (the planner's output is overridden by a stop). */
  active: boolean;
  kind: MrmKind | null;
  /** The stop's rate on this check, m/s²: the VETO's, or b_min on a tick that eases it. */
  decelMps2: number;
  /**
   * On a tick of the release wait that the gate ALLOWed unchanged, the rates below the stop's own it
   * may ease to, gentlest first, m/s²; on a repaired tick (MODIFY) of the wait b_min alone (where the
   * caller finds the ego's lane clear: `mrmDrive`); empty otherwise. `mrmDrive` drives the first whose
   * stop the gate passes.
   */
  easeMps2: number[];
  /** A SHOULDER_STOP's side (absent: right). */
  shoulderSide?: 'LEFT' | 'RIGHT';
}

export const MRM_INITIAL: MrmState = {
  mode: 'NORMAL',
  kind: null,
  decelMps2: 0,
  allowSinceS: Number.NaN,
  startedAtS: Number.NaN,
};

const rank = (k: MrmKind | null): number => (k === 'EMERGENCY_STOP' ? 2 : k === null ? 0 : 1);

export function mrmStep(
  state: MrmState,
  input: MrmInput,
  params: MrmParams,
): { state: MrmState; output: MrmOutput } {
  const veto = input.verdict.decision === 'VETO';
  const req = input.verdict.mrm;
  let s: MrmState = state;
  if (veto) {
    const kind: MrmKind = req?.kind ?? 'COMFORT_STOP';
    const decel = req?.decelMps2 ?? params.comfortDecelMps2;
    if (s.mode === 'NORMAL' || s.mode === 'SUCCEEDED') {
      s = {
        mode: 'OPERATING',
        kind,
        decelMps2: decel,
        allowSinceS: Number.NaN,
        startedAtS: input.tS,
        ...(kind === 'SHOULDER_STOP' && req?.shoulderSide ? { shoulderSide: req.shoulderSide } : {}),
      };
    } else if (rank(kind) > rank(s.kind) || decel > s.decelMps2) {
      // escalate: a harder stop replaces a softer one, never the reverse
      s = { ...s, kind: rank(kind) >= rank(s.kind) ? kind : s.kind, decelMps2: Math.max(decel, s.decelMps2) };
    }
  }
  if (s.mode === 'OPERATING' && input.egoSpeedMps < params.stoppedSpeedMps) {
    s = { ...s, mode: 'SUCCEEDED', allowSinceS: Number.NaN };
  } else if (s.mode === 'OPERATING') {
    // released when the gate has passed commands again for releaseAfterS (safe again)
    if (veto) s = { ...s, allowSinceS: Number.NaN };
    else {
      const since = Number.isNaN(s.allowSinceS) ? input.tS : s.allowSinceS;
      s = input.tS - since >= params.releaseAfterS - 1e-9 ? { ...MRM_INITIAL } : { ...s, allowSinceS: since };
    }
  }
  if (s.mode === 'SUCCEEDED') {
    if (veto) s = { ...s, allowSinceS: Number.NaN };
    else {
      const since = Number.isNaN(s.allowSinceS) ? input.tS : s.allowSinceS;
      s = input.tS - since >= params.recoverAfterS - 1e-9 ? { ...MRM_INITIAL } : { ...s, allowSinceS: since };
    }
  }
  const active = s.mode !== 'NORMAL';
  // in the release wait, on a tick the gate allowed as it was, the stop eases to RSS's b_min (or
  // gentler: `easeMps2`); the state keeps the VETO's rate, which a repair or a VETO in the wait brings back
  const inWait = s.mode === 'OPERATING' && !Number.isNaN(s.allowSinceS);
  const waiting = inWait && input.verdict.decision === 'ALLOW';
  // on a repaired tick of the wait, b_min only, and only where the caller finds the ego's lane clear
  // (`mrmDrive`'s `repaired`)
  const repaired = inWait && input.verdict.decision === 'MODIFY';
  const decelMps2 = waiting ? Math.min(s.decelMps2, params.releaseBrakeMps2) : s.decelMps2;
  // the rates it may ease to there, gentlest first: the comfortable stop's, then b_min (a stop that
  // brakes no harder than b_min may still ease to the comfortable rate)
  const easeMps2 = waiting
    ? [...new Set([params.gentlestReleaseBrakeMps2, params.releaseBrakeMps2])]
        .filter((r) => r < s.decelMps2 - 1e-9)
        .sort((a, b) => a - b)
    : repaired
      ? [params.releaseBrakeMps2].filter((r) => r < s.decelMps2 - 1e-9)
      : [];
  return {
    state: s,
    output: {
      active,
      kind: s.kind,
      decelMps2,
      easeMps2,
      ...(s.shoulderSide ? { shoulderSide: s.shoulderSide } : {}),
    },
  };
}

/** What the MRM drives after one check: the stop (when in control), its rate and why. */
export interface MrmDrive {
  /** The MRM is in control (a stop overrides the planner unless a passed command brakes harder). */
  active: boolean;
  kind: MrmKind | null;
  /** The stop's braking rate, m/s²: the VETO's, or the eased rate (0 when not active). */
  decelMps2: number;
  /** This check's in-lane move away from an encroaching vehicle, m (left +). */
  lateralOffsetM?: number;
  /** A SHOULDER_STOP's side: it changes onto the left shoulder in left-hand traffic (absent: right). */
  shoulderSide?: 'LEFT' | 'RIGHT';
  /**
   * Why: MRM_VETO (this check vetoed), MRM_EASED / MRM_EASE_REFUSED (an ALLOW in the release wait; the
   * gate passed or refused the eased stop), MRM_HOLD (otherwise in the wait), MRM_STANDSTILL (stopped,
   * waiting to recover), MRM_RELEASED (released on this check), COMMAND / REPAIR (no MRM).
   */
  reason: DrivenReason;
}

/**
 * The minimal-risk stop as a command, from `base` (the checked command, or a template carrying the
 * times, horizon and rationale the caller wants): STOP in lane (a shoulder stop changes onto the
 * shoulder: right, or left where `shoulderSide` says — left-hand traffic), no
 * stop point or target lane, and no braking onset. It carries the MRM's rate as its commanded
 * deceleration (the executor brakes at it down to the stop): a `base` that is the planner's command
 * must not lend the stop its own rate or jerk (review 8: a planner's DECELERATE at 0.3 m/s² with a
 * 1 m/s³ onset turned the gated planner's 8 m/s² emergency stop into a ramp, 11.55 m/s after 1 s
 * from 12, while the stack braked to 3.2).
 */
export function mrmStopCommand(base: MidLevelCommand, drive: MrmDrive): MidLevelCommand {
  const stop: MidLevelCommand = {
    ...base,
    speed: 'STOP',
    path:
      drive.kind !== 'SHOULDER_STOP'
        ? 'FOLLOW_LANE'
        : drive.shoulderSide === 'LEFT'
          ? 'LEFT_CHANGE'
          : 'RIGHT_CHANGE',
    targetSpeedMps: 0,
    source: `mrm:${drive.kind}`,
  };
  delete stop.stopAt;
  delete stop.targetLaneId;
  delete stop.jerkMps3;
  if (drive.decelMps2 > 0) stop.decelMps2 = Math.max(drive.decelMps2, 0.1);
  else delete stop.decelMps2;
  // the stop's offset is the gate's move away (held), never the command's: an end the command gave
  // its own offset does not carry over to it
  delete stop.lateralOffsetEndAt;
  if (stop.path === 'FOLLOW_LANE' && drive.lateralOffsetM !== undefined)
    stop.lateralOffsetM = drive.lateralOffsetM;
  else delete stop.lateralOffsetM;
  return stop;
}

/**
 * What one check leaves driving, from its `mrmStep` result `m` and `verdict`. A stop eased (to the
 * comfortable rate, else to b_min: `easeMps2`, gentlest first) is a command of its own — the gate passed
 * the checked command, not it — so it is eased only to a rate where `easedPasses(stop, rate)` (the gate's
 * check of the eased stop on the path it is driven on) says so: the
 * VETO's rate may be what stops short of the conflict it was for (a stopped car 20 m ahead of an
 * ego at 12 m/s). On a repaired tick (MODIFY) it eases only where `laneClear()` (the caller's
 * `egoLaneOccupied` check of the scene) says no other vehicle reaches into the ego's lane.
 * `base`: see `mrmStopCommand`. Pure given a pure `easedPasses` and `laneClear`.
 */
export function mrmDrive(
  m: { state: MrmState; output: MrmOutput },
  prev: MrmState,
  verdict: Pick<Verdict, 'decision' | 'mrm'>,
  base: MidLevelCommand,
  easedPasses: (stop: MidLevelCommand, decelMps2: number) => boolean,
  laneClear: () => boolean = () => false,
): { drive: MrmDrive; stop?: MidLevelCommand } {
  const lateral =
    verdict.mrm?.lateralOffsetM !== undefined ? { lateralOffsetM: verdict.mrm.lateralOffsetM } : {};
  if (!m.output.active) {
    const released = prev.mode === 'OPERATING';
    return {
      drive: {
        active: false,
        kind: null,
        decelMps2: 0,
        reason: released ? 'MRM_RELEASED' : verdict.decision === 'MODIFY' ? 'REPAIR' : 'COMMAND',
      },
    };
  }
  const kind = m.output.kind;
  const held: MrmDrive = {
    active: true,
    kind,
    decelMps2: Math.max(m.state.decelMps2, 0.1),
    ...lateral,
    ...(kind === 'SHOULDER_STOP' && m.state.shoulderSide ? { shoulderSide: m.state.shoulderSide } : {}),
    reason:
      verdict.decision === 'VETO' ? 'MRM_VETO' : m.state.mode === 'SUCCEEDED' ? 'MRM_STANDSTILL' : 'MRM_HOLD',
  };
  // a repaired tick eases only with the ego's lane clear of other vehicles' outlines
  const repairedWait = verdict.decision === 'MODIFY';
  if (m.output.easeMps2.length === 0 || (repairedWait && !laneClear()))
    return { drive: held, stop: mrmStopCommand(base, held) };
  // the gentlest eased stop the gate passes: each rate is a stop of its own, checked as driven
  for (const rate of m.output.easeMps2) {
    const eased: MrmDrive = { ...held, decelMps2: Math.max(rate, 0.1), reason: 'MRM_EASED' };
    const stop = mrmStopCommand(base, eased);
    if (easedPasses(stop, eased.decelMps2)) return { drive: eased, stop };
  }
  const refused: MrmDrive = { ...held, reason: 'MRM_EASE_REFUSED' };
  return { drive: refused, stop: mrmStopCommand(base, refused) };
}

/**
 * The passed command that may take over from the running stop where it brakes harder (the MRM
 * never slows a response): a repair (MODIFY), or the checked command itself where the stop has
 * eased to b_min below the VETO's rate (only there: a stop at its own rate keeps control over the
 * planner's command — handing it over lost 13 points on CommonRoad USA_Lanker-1_11 and
 * ARG_Carcarana). `checkedIsRepair`: the checked command is a repair in force. The caller compares
 * the braking on its own roll-outs.
 */
export function mrmChallenger(
  drive: MrmDrive,
  verdict: Pick<Verdict, 'decision' | 'modified'>,
  checked: MidLevelCommand,
  checkedIsRepair = false,
): { command: MidLevelCommand; repair: boolean } | undefined {
  if (!drive.active) return undefined;
  if (verdict.decision === 'MODIFY' && verdict.modified) return { command: verdict.modified, repair: true };
  // a repair in force that the gate passes again is still the repair (the runtime stack re-checks
  // the command in force at every control step; the gated planner re-derives its repair each tick)
  if (checkedIsRepair && verdict.decision === 'ALLOW') return { command: checked, repair: true };
  if (drive.reason === 'MRM_EASED' && verdict.decision === 'ALLOW')
    return { command: checked, repair: false };
  return undefined;
}

/**
 * Whether `passed` brakes harder than `stop`: slower 1 s after `tS` on the two roll-outs (the
 * arbitration between a running stop and its challenger).
 */
export function brakesHarder(passed: Trajectory, stop: Trajectory, tS: number): boolean {
  return speedAt(passed, tS + 1) < speedAt(stop, tS + 1) - 1e-6;
}

/** Planned speed at time tS (the last point's beyond the end), m/s. */
function speedAt(traj: Trajectory, tS: number): number {
  const pts = traj.points;
  for (const p of pts) if (p.tS >= tS - 1e-9) return p.speedMps;
  return pts.length ? pts[pts.length - 1]!.speedMps : 0;
}

/** A command's own braking rate, where it carries one (the audit's `driven.decelMps2`). */
export function commandRate(c: MidLevelCommand): { decelMps2?: number } {
  return c.decelMps2 !== undefined ? { decelMps2: c.decelMps2 } : {};
}
