/**
 * The situational-safety gate (Autoware `vehicle_cmd_gate` / `planning_validator` in spirit): it
 * trusts nothing the planner or controller says. Every command is parsed, range- and
 * freshness-checked, rolled forward over the horizon against the agents' predicted motion, and
 * checked by named rules; a failing command is repaired if one of a few modifications (postpone
 * the lane change, cap the speed, stop earlier) passes every rule, otherwise vetoed with a
 * minimal-risk manoeuvre. `checkControl` clamps each control step to the platform's limits.
 */
import {
  type AgentState,
  angleDiff,
  type Control,
  type EgoState,
  inLaneOffsetLimitM,
  type MidLevelCommand,
  type RuleResult,
  type Trajectory,
  type Verdict,
  type WorldSnapshot,
} from '../core/index.ts';
import { egoClearingOnRed } from '../core/map/index.ts';
import {
  AgentForecast,
  type ForecastBraking,
  type ForecastSignals,
  forecastAgents,
} from './AgentForecast.ts';
import { canonicalJson, sha256Hex } from './canonicalJson.ts';
import { checkControlStep } from './checkControlStep.ts';
import { drivesOnLeft } from './drivingSide.ts';
import { type EvasiveCandidate, evasiveCandidates } from './evasive.ts';
import { shoulderHoldsVehicle } from './Mrm.ts';
import { LanePathCache, Rollout, rolloutCommand, rolloutToTrajectory, rolloutTrajectory } from './Rollout.ts';
import { longitudinalOppositeDirection } from './rss.ts';
import {
  type CheckContext,
  type Fix,
  frontOffset,
  q,
  RuleSink,
  rearBrakeLimit,
  round,
} from './rules/CheckContext.ts';
import { collisionRule, crossingPetRule, mayTurnRule, ttcRule } from './rules/collision.ts';
import { inputRules, parseCommand, topSpeedClamp } from './rules/inputRule.ts';
import { kinematicsRule } from './rules/kinematicsRule.ts';
import { laneChangeRules } from './rules/laneChangeRule.ts';
import { mapRules } from './rules/mapRule.ts';
import { rssRule } from './rules/rssRule.ts';
import { signalRules } from './rules/signalRule.ts';
import { situationalRules } from './rules/situationalRule.ts';
import { vruPassingRule, vruRule, vruStepOutRule } from './rules/vruRule.ts';
import { type SafetyParams, type SafetyParamsInput, SafetyParamsSchema } from './SafetyParams.ts';
import { gateRouteRank, routeAhead, type SafetyScene } from './Scene.ts';
import { withSpeedHypotheses } from './speedHypotheses.ts';
import { startLane } from './startLane.ts';

export interface CheckOptions {
  /**
   * The planned trajectory behind the command: checked instead of the command's roll-out, and
   * the branch of a junction it takes is the one the repairs roll out along.
   */
  trajectory?: Trajectory;
}

export interface ControlCheck {
  verdict: Verdict;
  /** The control to apply (clamped on MODIFY, a brake on VETO). */
  control: Control;
}

export interface SafetyGate {
  readonly params: SafetyParams;
  /** SHA-256 of the canonical parameters (goes into every audit record). */
  readonly configHash: string;
  /** Checks one command (untrusted input) in one scene. */
  checkCommand(command: unknown, scene: SafetyScene, opts?: CheckOptions): Verdict;
  /** Checks one control step against the platform's limits and the state's freshness. */
  checkControl(
    control: unknown,
    state: EgoState,
    scene: Pick<SafetyScene, 'vehicle' | 'nowS'> & { dtS?: number; prevAccelMps2?: number },
  ): ControlCheck;
  /**
   * The trajectory (0.1 s poses) that executes `command` in `scene` (a MODIFY's repair, the MRM),
   * along the lane branch that `along` (the planner's trajectory) takes, or the route's. Its speeds
   * are a reference for nuPlan's LQR tracker (led by decel/gain while braking; below zero near a
   * car's commanded stop, which that tracker brakes on and the car does not reverse): a trajectory
   * planner's way to drive the simulator, not a plan for another controller.
   */
  trajectoryFor(
    command: MidLevelCommand,
    scene: SafetyScene,
    overrides?: Partial<SafetyParams>,
    along?: Trajectory,
  ): Trajectory;
}

/** An in-lane shift away from an encroaching vehicle (the repair's lateral response). */
interface LateralShift {
  /** Offset from the lane's centre, m (left +). */
  offsetM: number;
  /** The largest in-lane offset the lane allows this vehicle, m. */
  limitM: number;
  agentId: string;
  /** The vehicle's lateral offset from the ego now, m (left +). */
  agentLateralM: number;
}

/** Rules whose failure names a vehicle the ego may move away from laterally. */
const SHIFT_RULES = new Set(['collision.predicted', 'ttc', 'rss.longitudinalOpposite']);
/** A vehicle counts as coming from one side when its centre is this far off the ego's, m (our choice). */
const SHIFT_MIN_LATERAL_M = 1.0;
/** An in-lane shift shorter than this is not worth a repair, m (our choice). */
const SHIFT_MIN_M = 0.1;
/** Scratch projection for `committedChange`. */
const cf = { sM: 0, dM: 0, segment: 0 };

/**
 * Target speeds of the timed yield's candidates, as fractions of the ego's speed, highest first
 * (our choice, as the braking ladder's; below `TIMED_YIELD_MIN_MPS` the stop is kept).
 */
const TIMED_YIELD_FRACTIONS = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];
/** A timed yield slower than this is a stop (the stop's own creep), m/s (our choice). */
const TIMED_YIELD_MIN_MPS = 1;

/** Rule order: the rules that most often fail first (a repair candidate stops at its first failure). */
const RULES = [
  collisionRule,
  ttcRule,
  crossingPetRule,
  mayTurnRule,
  rssRule,
  vruRule,
  vruStepOutRule,
  vruPassingRule,
  signalRules,
  situationalRules,
  laneChangeRules,
  mapRules,
  kinematicsRule,
];

/**
 * How far away an agent can be and still matter to a roll-out into a lane of the other direction,
 * m: what the ego (at its fastest in the roll-out) and the fastest agent (≥ the 20 m/s the default
 * cull assumes) cover towards each other in the horizon, plus RSS's opposite-direction distance at
 * those speeds (the agent in its correct lane), plus the cull margin.
 */
function oppositeReachM(r: Rollout, agents: ReadonlyArray<AgentState>, params: SafetyParams): number {
  let vEgo = 0;
  for (let k = 0; k < r.n; k++) vEgo = Math.max(vEgo, r.v[k]!);
  let vOther = 20;
  for (const a of agents) vOther = Math.max(vOther, a.speedMps);
  const safeM = longitudinalOppositeDirection(
    { speedLonMps: vOther, speedLatMps: 0, dynamics: params.rssOther },
    { speedLonMps: vEgo, speedLatMps: 0, dynamics: params.rssEgo },
  );
  return (vEgo + vOther) * params.horizonS + safeM + params.cullMarginM;
}

/**
 * The plan `startLane` may fit branches against: the planner's trajectory for a command that keeps
 * its lane, none for a lane change or a borrow. A plan that leaves its lane runs towards the
 * neighbour, so the connector overlapping the ego that heads that way fits it best: mid-change on a
 * junction's connector (CARLA Town06 764_2_-5 into 764_2_-6), a merging connector from another
 * road (796_0_1, into the lane after 764_2_-6) was taken as the start lane, it has no right
 * neighbour, and `laneChange.permitted` refused the change half-way; the route's rank is what tells
 * the lane a change starts from.
 */
function branchPlan(cmd: MidLevelCommand, plan: Trajectory | undefined): Trajectory | undefined {
  return cmd.path === 'FOLLOW_LANE' ? plan : undefined;
}

/** Creates a gate; `params` are validated and defaulted (throws on invalid params: a programming error). */
export function createSafetyGate(input: SafetyParamsInput = {}): SafetyGate {
  const params = SafetyParamsSchema.parse(input);
  const configHash = sha256Hex(canonicalJson(params));
  const cap = Math.round(params.horizonS / params.stepS) + 2;
  const rollout = new Rollout(Math.max(cap, 64));
  const trajRollout = new Rollout(128);
  const forecast = new AgentForecast(128, Math.max(cap, 64));
  const turnForecast = new AgentForecast(32, Math.max(cap, 64));
  const sink = new RuleSink();
  /** The candidate repairs' rules: only their failures are read (see `RuleSink`'s `keepPasses`). */
  const candSink = new RuleSink(false);
  /** The checked command's rolled-out speeds (a repair never brakes less at any step), m/s. */
  const cmdV = new Float64Array(Math.max(cap, 64));
  let cmdN = 0;
  let paths: LanePathCache | undefined;
  /** The lane this check's roll-outs start on (`startLane`, once per check). */
  let startId: string | undefined;
  /** The context of the last evaluation (whether a follower runs into that roll-out). */
  let lastCtx: CheckContext | undefined;
  // the context's per-evaluation sets, one of each for the gate's life and emptied for each
  // evaluation (only when not empty: clearing a Set allocates its new table), not three new Sets
  // per evaluation (house habit 10); the rules read them only while they run
  const rearStruckSet = new Set<number>();
  const sideStruckSet = new Set<number>();
  const contactNowSet = new Set<number>();
  const emptied = (set: Set<number>): Set<number> => {
    if (set.size > 0) set.clear();
    return set;
  };
  const rearStruck = (): boolean => !!lastCtx && !Number.isNaN(lastCtx.rearStruckAtS);
  /** The route ahead of the last scene's route position (`routeAhead`), kept while it stands. */
  let ahead:
    | { ids: ReadonlyArray<string>; index: number | undefined; route: ReadonlyArray<string> }
    | undefined;
  /** The route and route position `routeRank` ranks from (`rankFrom` sets them before each `startLane`). */
  let rankLaneIds: ReadonlyArray<string> = [];
  let rankIndex: number | undefined;
  /**
   * How soon the route takes a lane from the scene's route position (`gateRouteRank`; `startLane`'s
   * rank). One function for the gate's life, reading the position `rankFrom` set: a closure per
   * scene was an allocation on every check (house habit 10).
   */
  const routeRank = (laneId: string): number => gateRouteRank(rankLaneIds, rankIndex, laneId);
  const rankFrom = (scene: SafetyScene): ((laneId: string) => number) => {
    rankLaneIds = scene.snapshot.route.laneIds;
    rankIndex = scene.routeIndex;
    return routeRank;
  };
  const routeOf = (scene: SafetyScene): ReadonlyArray<string> => {
    const ids = scene.snapshot.route.laneIds;
    if (ahead?.ids !== ids || ahead.index !== scene.routeIndex)
      ahead = { ids, index: scene.routeIndex, route: routeAhead(scene) };
    return ahead.route;
  };
  // scratch arguments of `forecastAgents`, filled per evaluation (it reads them, keeps neither)
  const signals: ForecastSignals = { lights: [], comfortDecelMps2: params.yellowStopDecelMps2 };
  // whether the ego clears its junction on red, per snapshot (every evaluation of one check reads it)
  let clearingSnap: WorldSnapshot | undefined;
  const clearingAt = { tS: Number.NaN, x: Number.NaN, y: Number.NaN };
  let clearing = false;
  const signalsOf = (scene: SafetyScene): ForecastSignals => {
    const snap = scene.snapshot;
    const e = snap.ego;
    // (the same snapshot object, at the same time and place: callers may refill one in place)
    if (clearingSnap !== snap || clearingAt.tS !== snap.tS || clearingAt.x !== e.x || clearingAt.y !== e.y) {
      clearingSnap = snap;
      clearingAt.tS = snap.tS;
      clearingAt.x = e.x;
      clearingAt.y = e.y;
      clearing = egoClearingOnRed(scene.map, snap, scene.vehicle, scene.routeIndex);
    }
    signals.lights = snap.lights;
    signals.clearingOnRed = clearing;
    signals.egoPath = rollout.path?.line;
    signals.egoHalfWidthM = scene.vehicle.widthM / 2;
    return signals;
  };
  const brakingScratch: ForecastBraking = {
    share: params.observedBrakeShare,
    egoHeadingRad: 0,
    sameWayRad: params.observedBrakeSameWayRad,
  };
  const braking = (egoHeadingRad: number): ForecastBraking => {
    brakingScratch.egoHeadingRad = egoHeadingRad;
    return brakingScratch;
  };
  const pathsFor = (scene: SafetyScene): LanePathCache => {
    if (!paths || paths.map !== scene.map) paths = new LanePathCache(scene.map);
    return paths;
  };

  function evaluate(
    cmd: MidLevelCommand,
    scene: SafetyScene,
    traj: Trajectory | undefined,
    out: RuleSink,
    firstOnly = false,
    squeeze = false,
  ): void {
    out.clear();
    const snap = scene.snapshot;
    const ego = snap.ego;
    const cache = pathsFor(scene);
    const route = routeOf(scene);
    if (traj)
      rolloutTrajectory(
        traj,
        ego,
        scene.map,
        route,
        params,
        cache,
        cmd.path,
        rollout,
        startId,
        scene.vehicle,
      );
    else rolloutCommand(cmd, ego, scene.map, route, scene.vehicle, params, cache, rollout, true, startId);
    // agents beyond what either side can cover in the horizon (agents up to 20 m/s) cannot matter
    let radius = (ego.speedMps + 20) * params.horizonS + params.cullMarginM;
    // a command into a lane of the other direction (a borrow) is held to RSS's opposite-direction
    // distance at every step, which reaches far beyond what both cover in the horizon (≈ 220 m for
    // the ego at 14 m/s and an oncoming car at 20): an oncoming car 150 m away at 12 m/s was culled
    // and a borrow towards it allowed. Keep every agent that could come within it in the horizon
    if (rollout.targetOpposite) radius = Math.max(radius, oppositeReachM(rollout, snap.agents, params));
    forecastAgents(
      snap.agents,
      scene.map,
      cache,
      route,
      ego.x,
      ego.y,
      radius,
      rollout.n,
      rollout.dtS,
      forecast,
      signalsOf(scene),
      params.observedBrakeShare > 0 ? braking(ego.headingRad) : undefined,
      turnForecast,
    );
    const ctx: CheckContext = {
      snapshot: snap,
      map: scene.map,
      vehicle: scene.vehicle,
      params,
      command: cmd,
      rollout,
      forecast,
      turnForecast,
      fromTrajectory: !!traj,
      rearStruck: emptied(rearStruckSet),
      rearStruckAtS: Number.NaN,
      sideStruck: emptied(sideStruckSet),
      contactNow: emptied(contactNowSet),
      rssSqueeze: squeeze,
    };
    lastCtx = ctx;
    for (const rule of RULES) {
      rule(ctx, out);
      // a repair candidate only needs to know whether (and why first) it fails
      if (firstOnly && out.violations > 0) return;
    }
  }

  function stopPoint(scene: SafetyScene, sRear: number): { x: number; y: number } | undefined {
    const path = rollout.path;
    if (!path) return undefined;
    const p = path.line.toCartesian(sRear + frontOffset(scene.vehicle), 0);
    return { x: p.x, y: p.y };
  }

  interface Acc {
    postpone: boolean;
    cap: number;
    stopS: number;
    minSpeed: number;
    critical: boolean;
    /** Braking intensity a rule asked for (RSS proper response), m/s² (0: none). */
    brake: number;
    /** Every failing rule allows a braking onset (a headway deficit, RSS's response time). */
    onset: boolean;
    /** The onset's jerk: the steepest any failing rule asks for, m/s³. */
    onsetJerk: number;
  }
  const emptyAcc = (): Acc => ({
    postpone: false,
    cap: Number.POSITIVE_INFINITY,
    stopS: Number.POSITIVE_INFINITY,
    minSpeed: 0,
    critical: false,
    brake: 0,
    onset: true,
    onsetJerk: 0,
  });
  /** Merges fixes into `acc`; returns whether the repair changed (no change: stop iterating). */
  const accumulate = (acc: Acc, fixes: ReadonlyArray<Fix>): boolean => {
    const before = `${acc.postpone}|${acc.cap}|${acc.stopS}|${acc.minSpeed}|${acc.brake}`;
    for (const f of fixes) {
      if (f.postponeLaneChange) acc.postpone = true;
      if (f.capSpeedMps !== undefined) acc.cap = Math.min(acc.cap, f.capSpeedMps);
      if (f.stopBeforeS !== undefined && f.brakeMps2 === undefined)
        acc.stopS = Math.min(acc.stopS, f.stopBeforeS);
      if (f.minSpeedMps !== undefined) acc.minSpeed = Math.max(acc.minSpeed, f.minSpeedMps);
      if (f.brakeMps2 !== undefined) acc.brake = Math.max(acc.brake, f.brakeMps2);
      if (f.critical) acc.critical = true;
      const jerk = f.onsetJerkMps3 ?? (f.comfortOnset ? params.brakeOnsetJerkMps3 : undefined);
      if (jerk === undefined) acc.onset = false;
      else acc.onsetJerk = Math.max(acc.onsetJerk, jerk);
    }
    return `${acc.postpone}|${acc.cap}|${acc.stopS}|${acc.minSpeed}|${acc.brake}` !== before;
  };
  /** The conflict point a fix names (for the emergency MRM's stopping distance), m of path. */
  const conflictS = (fixes: ReadonlyArray<Fix>): number => {
    let s = Number.POSITIVE_INFINITY;
    for (const f of fixes) if (f.stopBeforeS !== undefined) s = Math.min(s, f.stopBeforeS);
    return s;
  };

  function applyFixes(
    cmd: MidLevelCommand,
    acc: Acc,
    scene: SafetyScene,
    stopPt: { x: number; y: number } | undefined,
  ): MidLevelCommand {
    const m: MidLevelCommand = { ...cmd };
    if (acc.postpone) {
      m.path = 'FOLLOW_LANE';
      delete m.targetLaneId;
      delete m.lateralOffsetM;
      delete m.lateralOffsetEndAt;
      delete m.lateralAccelMps2;
    }
    withShift(m);
    if (acc.minSpeed > 0) {
      m.speed = 'KEEP';
      m.targetSpeedMps = Math.max(acc.minSpeed, cmd.targetSpeedMps ?? scene.snapshot.ego.speedMps);
      delete m.stopAt;
      return m;
    }
    if (Number.isFinite(acc.stopS) && stopPt) {
      m.speed = 'STOP';
      m.targetSpeedMps = 0;
      m.stopAt = stopPt;
      delete m.decelMps2;
      delete m.jerkMps3;
    } else if (Number.isFinite(acc.cap)) {
      const v0 = scene.snapshot.ego.speedMps;
      const target = Math.min(acc.cap, m.targetSpeedMps ?? v0);
      m.speed = target < v0 - 0.1 ? 'DECELERATE' : 'KEEP';
      m.targetSpeedMps = Math.max(0, target);
      delete m.stopAt;
      delete m.jerkMps3;
      if (m.speed === 'DECELERATE' && acc.brake > 0) {
        m.decelMps2 = round(acc.brake, 2);
        if (acc.onset && acc.onsetJerk > 0) m.jerkMps3 = acc.onsetJerk;
      } else delete m.decelMps2;
    }
    return m;
  }

  /** A braking candidate of the repair ladder: DECELERATE to `targetMps` at `decelMps2` (STOP at 0). */
  function brakeCandidate(
    cmd: MidLevelCommand,
    postpone: boolean,
    targetMps: number,
    decelMps2: number,
    onsetJerk: number | undefined,
  ): MidLevelCommand {
    const m: MidLevelCommand = {
      ...cmd,
      decelMps2: round(decelMps2, 2),
      targetSpeedMps: round(targetMps, 2),
    };
    if (onsetJerk !== undefined) m.jerkMps3 = onsetJerk;
    else delete m.jerkMps3;
    m.speed = targetMps < 0.05 ? 'STOP' : 'DECELERATE';
    delete m.stopAt;
    if (postpone) {
      m.path = 'FOLLOW_LANE';
      delete m.targetLaneId;
      delete m.lateralOffsetM;
      delete m.lateralOffsetEndAt;
      delete m.lateralAccelMps2;
    }
    return withShift(m);
  }

  /**
   * The in-lane shift the repair candidates of this check carry (RSS's lateral proper response to
   * a vehicle encroaching from one side: move away within the lane), or undefined.
   */
  let shift: LateralShift | undefined;
  /** Puts the current shift on a candidate that keeps its lane. */
  function withShift(m: MidLevelCommand): MidLevelCommand {
    if (shift && m.path === 'FOLLOW_LANE') {
      // the gate's own move away holds (the command's offset, and where it ended, are replaced)
      m.lateralOffsetM = shift.offsetM;
      delete m.lateralOffsetEndAt;
    }
    return m;
  }

  /** How hard a rolled-out candidate brakes (its peak deceleration), m/s². */
  function harshness(): number {
    let h = 0;
    for (let k = 0; k < rollout.n; k++) h = Math.max(h, -rollout.a[k]!);
    return h;
  }

  /**
   * Whether the rolled-out candidate brakes at least as much as the checked command at every step
   * (its speed nowhere above the command's by more than 0.05 m/s): a repair never brakes less than
   * the command it repairs (issue #14).
   */
  function brakesNoLess(): boolean {
    const n = Math.min(cmdN, rollout.n);
    for (let k = 0; k < n; k++) if (rollout.v[k]! > cmdV[k]! + 0.05) return false;
    return true;
  }

  function describe(m: MidLevelCommand, original: MidLevelCommand): string {
    const parts: string[] = [];
    if (m.path !== original.path) parts.push(`postpone ${original.path} (keep the lane)`);
    if (
      m.path === 'FOLLOW_LANE' &&
      m.lateralOffsetM !== undefined &&
      m.lateralOffsetM !== original.lateralOffsetM
    )
      parts.push(
        `shift ${round(Math.abs(m.lateralOffsetM), 2)} m ${m.lateralOffsetM < 0 ? 'right' : 'left'} within the lane`,
      );
    if (m.speed === 'STOP' && !m.stopAt && m.decelMps2 !== undefined)
      parts.push(`brake at ${round(m.decelMps2, 1)} m/s² to a stop`);
    else if (m.speed === 'DECELERATE' && m.decelMps2 !== undefined)
      parts.push(
        `brake at ${round(m.decelMps2, 1)} m/s²${m.jerkMps3 !== undefined ? ` (onset ${round(m.jerkMps3, 1)} m/s³)` : ''} to ${round(m.targetSpeedMps ?? 0, 1)} m/s`,
      );
    else if (m.speed === 'STOP' && original.speed !== 'STOP')
      parts.push(m.stopAt ? `stop at (${round(m.stopAt.x, 1)}, ${round(m.stopAt.y, 1)})` : 'stop');
    else if (m.speed === 'STOP' && m.stopAt && original.stopAt !== m.stopAt)
      parts.push(`stop earlier, at (${round(m.stopAt.x, 1)}, ${round(m.stopAt.y, 1)})`);
    else if (m.speed === 'ACCELERATE' && (m.targetSpeedMps ?? 0) > (original.targetSpeedMps ?? 0))
      parts.push(`speed up to ${round(m.targetSpeedMps ?? 0)} m/s`);
    else if (m.targetSpeedMps !== original.targetSpeedMps)
      parts.push(`cap the speed at ${round(m.targetSpeedMps ?? 0)} m/s`);
    return parts.join(', ') || 'adjusted';
  }

  function results(s: RuleSink, decision: 'MODIFY' | 'VETO'): RuleResult[] {
    return s.outcomes.map((o) => (o.result.decision === 'ALLOW' ? o.result : { ...o.result, decision }));
  }

  function veto(
    rules: RuleResult[],
    why: string,
    scene: SafetyScene,
    critical: boolean,
    stopS: number,
  ): Verdict {
    const v = scene.snapshot.ego.speedMps;
    let kind: 'COMFORT_STOP' | 'EMERGENCY_STOP' | 'SHOULDER_STOP' = 'COMFORT_STOP';
    let side: 'LEFT' | 'RIGHT' | undefined;
    let decel = params.comfortStopDecelMps2;
    let rearNote = '';
    if (critical) {
      kind = 'EMERGENCY_STOP';
      // stop short of the first conflict; without a point, at twice the comfortable rate
      const room =
        Number.isFinite(stopS) && rollout.n > 0
          ? Math.max(0.5, stopS - rollout.s[0]!)
          : (v * v) / (4 * params.comfortStopDecelMps2) + 0.5;
      const needFront = (v * v) / (2 * room);
      const desired = Math.max(params.comfortStopDecelMps2 * 2, needFront);
      // rear-aware: brake no harder than the follower can match, unless the front conflict needs it
      const rear = rearBrakeLimit(scene.snapshot, scene.vehicle, params);
      decel = Math.min(scene.vehicle.maxDecelMps2, Math.max(needFront, Math.min(desired, rear.maxDecelMps2)));
      if (rear.id && rear.maxDecelMps2 < desired)
        rearNote = ` (follower ${q(rear.id)} ${round(rear.gapM)} m behind limits it to ${round(rear.maxDecelMps2)} m/s²; the front conflict needs ${round(needFront)} m/s²)`;
    } else {
      side = shoulderSide(scene);
      if (side) kind = 'SHOULDER_STOP';
    }
    // a bend of the lane the roll-out takes above the lateral bound is taken by the stop too (it
    // follows the lane); where the stop would still be above the tyres' grip there (the tracker's
    // steering is clamped at the grip: the car runs wide), it brakes at the gentlest rate that is down
    // to the grip's cap by the bend (esmini distance_with_trailers: from 30 m/s in a curve that needs
    // 8.9 m/s², a COMFORT_STOP at 1 m/s² ran wide over the centre line into a parked truck). Above
    // the comfort bound but within the grip the stop is left as it is: the car follows the lane, a
    // comfort matter (CommonRoad USA_Lanker-1_11_T-1: 5.5 m/s² 1 m ahead at 5.2 m/s had made a
    // 1 m/s² stop 1.4, progress 0.850 → 0.818)
    const bend = bendBrakeMps2(rules, v);
    if (bend > decel + 1e-9) {
      kind = 'EMERGENCY_STOP';
      decel = Math.min(scene.vehicle.maxDecelMps2, bend);
      rearNote = ` (the bend ahead needs ${round(bend)} m/s² to be within the tyres' grip)`;
    }
    return {
      decision: 'VETO',
      rules,
      mrm: {
        kind,
        decelMps2: round(decel, 3),
        ...(kind === 'SHOULDER_STOP' && side ? { shoulderSide: side } : {}),
      },
      explanation: `VETO: ${why} → minimal-risk manoeuvre ${kind}${kind === 'SHOULDER_STOP' ? ` (${side === 'LEFT' ? 'left' : 'right'} shoulder)` : ''} at ${round(decel)} m/s²${rearNote}`,
    };
  }

  /**
   * The braking that brings speed `vMps` down to the tyres' grip cap of the lane's own bend by that
   * bend, where a failing `kinematics.lateralAccel` names one (`laneGripCapMps`, `bendAheadM`), m/s²
   * (0 when none does or the speed is within the cap).
   */
  function bendBrakeMps2(rules: ReadonlyArray<RuleResult>, vMps: number): number {
    let need = 0;
    for (const r of rules) {
      if (r.rule !== 'kinematics.lateralAccel' || r.decision === 'ALLOW') continue;
      const cap = r.values.laneGripCapMps;
      const ahead = r.values.bendAheadM;
      if (typeof cap !== 'number' || typeof ahead !== 'number' || cap >= vMps) continue;
      need = Math.max(need, (vMps * vMps - cap * cap) / (2 * Math.max(ahead, 0.5)));
    }
    return need;
  }

  /**
   * The side of the shoulder beside the ego's lane a comfortable stop pulls onto: the driving side's
   * (`drivesOnLeft`: the map's `drivingSide`, else the oncoming lane linked on the right) — the right
   * in right-hand traffic, the left in left-hand traffic (a stop on the right there is in the
   * oncoming traffic's way, or in the overtaking lane); undefined when that side has no shoulder,
   * or one too narrow to hold the vehicle's body (`shoulderHoldsVehicle`): then the stop is made in
   * the lane, as UNECE R157's and ISO 22737's minimal-risk manoeuvres stop (CARLA's towns edge
   * their roads with 0.3 m shoulders: a stop changing onto one put the car's centre on it, its body
   * 0.9 m past the curb).
   */
  function shoulderSide(scene: SafetyScene): 'LEFT' | 'RIGHT' | undefined {
    const lane = scene.map.lane(rollout.startLaneId);
    if (!lane) return undefined;
    const left = drivesOnLeft(scene.map, lane.data.id);
    const nb = left ? lane.data.left : lane.data.right;
    const sh = nb && !nb.opposite ? scene.map.lane(nb.laneId) : undefined;
    if (sh?.data.type !== 'shoulder') return undefined;
    return shoulderHoldsVehicle(sh.data.widthM, scene.vehicle.widthM) ? (left ? 'LEFT' : 'RIGHT') : undefined;
  }

  /**
   * RSS's lateral proper response (Shalev-Shwartz et al. 2017: once the lateral safe distance is
   * violated, move away laterally): the in-lane shift away from the first vehicle a failing
   * collision / TTC / oncoming-RSS rule names that comes the other way from one side, as far as
   * the lane allows less the tracker's overshoot margin
   * (`inLaneShiftMarginM`). Undefined when none, or the lane leaves no room. Uses the command's
   * roll-out (its path and start offset).
   */
  function lateralShiftFor(
    failing: ReadonlyArray<{ result: RuleResult }>,
    scene: SafetyScene,
  ): LateralShift | undefined {
    const path = rollout.path;
    const lane = scene.map.lane(rollout.startLaneId);
    if (!path || !lane || rollout.n === 0) return undefined;
    const ego = scene.snapshot.ego;
    const c = Math.cos(ego.headingRad);
    const sn = Math.sin(ego.headingRad);
    const limitM = inLaneOffsetLimitM(lane.data.widthM, scene.vehicle.widthM);
    const reach = Math.max(0, limitM - params.inLaneShiftMarginM);
    for (const o of failing) {
      if (!SHIFT_RULES.has(o.result.rule)) continue;
      const id = o.result.values.agentId;
      const ag = scene.snapshot.agents.find((a) => a.id === id);
      if (!ag || ag.kind === 'pedestrian' || ag.kind === 'static') continue;
      const dx = ag.x - ego.x;
      const dy = ag.y - ego.y;
      const lat = -dx * sn + dy * c;
      if (Math.abs(lat) < SHIFT_MIN_LATERAL_M) continue;
      // coming the other way (more than 120° off the ego's heading): same-direction traffic that
      // closes in sideways (a cut-in, a merge) is the lane-change and cut-in rules' business, and
      // moving over in a merge only squeezes the ego towards the edge it merges from
      if (Math.cos(ag.headingRad - ego.headingRad) > -0.5) continue;
      const offsetM = -Math.sign(lat) * round(reach, 3);
      if (reach < SHIFT_MIN_M) return undefined; // the lane leaves no room to move away
      return { offsetM, limitM, agentId: ag.id, agentLateralM: lat };
    }
    return undefined;
  }

  /** The verdict's account of a shift (the rule that asked for it). */
  function shiftResult(sh: LateralShift, decision: 'MODIFY' | 'VETO'): RuleResult {
    const side = sh.agentLateralM > 0 ? 'left' : 'right';
    const away = sh.offsetM < 0 ? 'right' : 'left';
    return {
      rule: 'rss.lateralResponse',
      decision,
      values: {
        agentId: sh.agentId,
        agentLateralM: round(sh.agentLateralM, 2),
        lateralOffsetM: round(sh.offsetM, 3),
        limitM: round(sh.limitM, 3),
      },
      message: `vehicle ${q(sh.agentId)} comes the other way on the ${side} (${round(Math.abs(sh.agentLateralM), 1)} m off): move away laterally, ${round(Math.abs(sh.offsetM), 2)} m ${away} of the lane centre (the lane allows ${round(sh.limitM, 2)} m)`,
    };
  }

  /**
   * A lane change (or borrow) under way — the ego's footprint is over its lane's line, and the
   * command carries on into that neighbour lane or comes back (a FOLLOW_LANE from there, an abort)
   * — with a vehicle behind in that neighbour lane going the same way faster than the ego: that
   * vehicle (the nearest) and the change that completes the move, or undefined. Reads the
   * command's roll-out (its path and start offset): call it right after the command's evaluation.
   */
  function committedChange(
    cmd: MidLevelCommand,
    scene: SafetyScene,
  ): { id: string; speedMps: number; complete: MidLevelCommand['path'] } | undefined {
    const path = rollout.path;
    if (!path || rollout.n === 0 || rollout.inLaneShift) return undefined;
    const lane = scene.map.lane(rollout.startLaneId);
    if (!lane) return undefined;
    const veh = scene.vehicle;
    const d0 = rollout.d[0]!;
    const side = Math.sign(d0);
    if (side === 0) return undefined;
    const nb = side > 0 ? lane.data.left : lane.data.right;
    const nbLane = nb ? scene.map.lane(nb.laneId) : undefined;
    if (!nb || !nbLane) return undefined;
    const complete: MidLevelCommand['path'] =
      side > 0
        ? nb.opposite
          ? 'LEFT_BORROW'
          : 'LEFT_CHANGE'
        : nb.opposite
          ? 'RIGHT_BORROW'
          : 'RIGHT_CHANGE';
    if (cmd.path !== 'FOLLOW_LANE' && cmd.path !== complete) return undefined;
    // a footprint corner on that side past the lane line (front and rear corners, the body's yaw
    // against the lane counted; d0 is the rear axle's offset)
    const yaw = angleDiff(scene.snapshot.ego.headingRad, path.line.headingAt(rollout.s[0]!));
    const across = (veh.widthM / 2) * Math.cos(yaw);
    const front = frontOffset(veh) * Math.sin(yaw);
    const rear = -(veh.lengthM - frontOffset(veh)) * Math.sin(yaw);
    const edge = side * d0 + across + Math.max(side * front, side * rear);
    if (edge <= lane.data.widthM / 2) return undefined;
    const nbOffset = (side * (lane.data.widthM + nbLane.data.widthM)) / 2;
    const ego = scene.snapshot.ego;
    let best: { id: string; speedMps: number; lon: number } | undefined;
    for (const ag of scene.snapshot.agents) {
      if (ag.kind === 'pedestrian' || ag.kind === 'static' || ag.speedMps <= ego.speedMps + 0.1) continue;
      path.line.project(ag.x, ag.y, cf, rollout.s[0]! - 80, rollout.s[0]! + 20);
      if (Math.abs(cf.dM - nbOffset) >= (nbLane.data.widthM + ag.widthM) / 2) continue;
      if (Math.cos(angleDiff(ag.headingRad, path.line.headingAt(Math.max(0, cf.sM)))) < 0.7) continue;
      const lon = cf.sM - (rollout.s[0]! + veh.rearAxleToCenterM);
      if (lon >= 0 || (best && lon < best.lon)) continue;
      best = { id: ag.id, speedMps: ag.speedMps, lon };
    }
    return best && { id: best.id, speedMps: best.speedMps, complete };
  }

  /**
   * The committed lane change's way out: the abort (keep the lane the ego is located on) and the
   * completion (the command's change), each holding the current speed (or the command's, if
   * higher) and each speeding up towards the follower's; the first that passes every rule, else
   * the first that fails only what the move owes that follower (its RSS rear distance, the gap,
   * the lateral distance to it) or the turn's sharpness — no predicted contact, no TTC breach, no
   * other rule (those it fails are reported: a slower choice only meets the faster car side-on).
   * Undefined when there is none.
   */
  function committedChoice(
    cmd: MidLevelCommand,
    scene: SafetyScene,
    c: { id: string; speedMps: number; complete: MidLevelCommand['path'] },
  ):
    | { cand: MidLevelCommand; clean: boolean; why: string; failing: Set<string>; results: RuleResult[] }
    | undefined {
    const v0 = scene.snapshot.ego.speedMps;
    const hold = Math.max(v0, cmd.speed === 'STOP' ? 0 : (cmd.targetSpeedMps ?? v0));
    const lane = scene.map.lane(rollout.startLaneId);
    const limit = Math.min(scene.vehicle.maxSpeedMps, lane?.data.speedLimitMps ?? Number.POSITIVE_INFINITY);
    const faster = Math.min(limit, Math.max(hold, c.speedMps));
    const mk = (abort: boolean, target: number, why: string) => {
      const m: MidLevelCommand = {
        ...cmd,
        speed: target > v0 + 0.1 ? 'ACCELERATE' : 'KEEP',
        targetSpeedMps: round(target, 2),
      };
      delete m.stopAt;
      delete m.decelMps2;
      delete m.jerkMps3;
      delete m.targetLaneId;
      delete m.lateralOffsetM;
      delete m.lateralOffsetEndAt;
      delete m.lateralAccelMps2;
      m.path = abort ? 'FOLLOW_LANE' : c.complete;
      return { cand: m, why };
    };
    const cands = [
      mk(true, hold, 'abort at the speed held'),
      mk(false, hold, 'complete at the speed held'),
      ...(faster > hold + 0.1
        ? [mk(true, faster, 'abort speeding up'), mk(false, faster, 'complete speeding up')]
        : []),
    ];
    let fallback: ReturnType<typeof committedChoice>;
    for (const x of cands) {
      evaluate(x.cand, scene, undefined, candSink, false);
      const bad = candSink.outcomes.filter((o) => o.result.decision !== 'ALLOW');
      if (bad.length === 0) return { ...x, clean: true, failing: new Set(), results: [] };
      // (only what the committed move itself owes the follower, or the turn's sharpness: a choice
      // that fails a rule about anything else — a lead, a person, a light — is no way out)
      const owed = bad.every(
        (o) =>
          o.result.rule === 'kinematics.lateralAccel' ||
          o.result.rule === 'laneChange.gap' ||
          ((o.result.rule === 'rss.longitudinalRear' || o.result.rule === 'rss.lateral') &&
            o.result.values.agentId === c.id),
      );
      if (owed && !fallback)
        fallback = {
          ...x,
          clean: false,
          failing: new Set(bad.map((o) => o.result.rule)),
          results: bad.map((o) => ({ ...o.result, decision: 'MODIFY' as const })),
        };
    }
    return fallback;
  }

  /**
   * Evasive steering (AES), only when the hardest stop in lane is predicted to strike a standing
   * object (no person, nothing moving): the first
   * evasive candidate (`evasiveCandidates`) that passes every rule, else the first with no predicted
   * contact whose only failures are the TTC bound and RSS's longitudinal distance to the agents the
   * stop strikes (it passes them closer than those margins, but passes them: strictly better than
   * striking them). Undefined otherwise: the MRM stop stays.
   */
  function evasive(
    cmd: MidLevelCommand,
    scene: SafetyScene,
  ): (EvasiveCandidate & { margins: string[] }) | undefined {
    const from = startId ?? rollout.startLaneId;
    const stop = brakeCandidate(cmd, true, 0, scene.vehicle.maxDecelMps2, undefined);
    delete stop.lateralOffsetM;
    delete stop.lateralOffsetEndAt;
    evaluate(stop, scene, undefined, candSink, false);
    const struck = new Set<unknown>();
    for (const o of candSink.outcomes)
      if (o.result.rule === 'collision.predicted' && o.result.decision !== 'ALLOW')
        struck.add(o.result.values.agentId);
    if (struck.size === 0) return undefined;
    // only around standing objects (AES's case: a parked or stopped vehicle, a lost load): a moving
    // road user's path is what a swerve may cut into (fuzz seed 11: a swerve away from a crossing
    // pedestrian met it in the next lane)
    for (const a of scene.snapshot.agents)
      if (struck.has(a.id) && (a.speedMps > 0.5 || a.kind === 'pedestrian' || a.kind === 'cyclist'))
        return undefined;
    let fallback: (EvasiveCandidate & { margins: string[] }) | undefined;
    for (const ev of evasiveCandidates(cmd, scene.map, from, scene.snapshot.ego.speedMps, params)) {
      evaluate(ev.command, scene, undefined, candSink, false);
      const bad = candSink.outcomes.filter((o) => o.result.decision !== 'ALLOW');
      if (bad.length === 0) return { ...ev, margins: [] };
      const margin = (r: RuleResult): boolean =>
        (r.rule === 'ttc' || r.rule === 'rss.longitudinal') && struck.has(r.values.agentId);
      if (!fallback && bad.every((o) => margin(o.result)))
        fallback = { ...ev, margins: [...new Set(bad.map((o) => o.result.rule))] };
    }
    return fallback;
  }

  function checkCommand(input: unknown, sceneIn: SafetyScene, opts: CheckOptions = {}): Verdict {
    // an agent of unknown speed is held against the command at rest and moving (`speedHypotheses.ts`)
    const hypotheses = withSpeedHypotheses(sceneIn.snapshot, sceneIn.map, params);
    const scene = hypotheses === sceneIn.snapshot ? sceneIn : { ...sceneIn, snapshot: hypotheses };
    const parsed = parseCommand(input);
    if (!parsed.ok) {
      const rule: RuleResult = {
        rule: 'input.schema',
        decision: 'VETO',
        values: { path: parsed.error.path },
        message: parsed.error.message,
      };
      return {
        decision: 'VETO',
        rules: [rule],
        mrm: { kind: 'COMFORT_STOP', decelMps2: params.comfortStopDecelMps2 },
        explanation: `VETO: command rejected: ${parsed.error.path}: ${parsed.error.message} → minimal-risk manoeuvre COMFORT_STOP`,
      };
    }
    // a target speed above the vehicle's top speed (within the map's limits) is clamped to it, a
    // MODIFY naming `input.range`, and the clamped command is what the rules judge
    const clamp = topSpeedClamp(parsed.value, scene.map, scene.vehicle, params);
    if (!clamp) return checkParsed(parsed.value, scene, opts);
    return withClamp(checkParsed(clamp.command, scene, opts), clamp.command, clamp.result);
  }

  /**
   * A verdict on the clamped command as the verdict on the command asked for: an ALLOW becomes the
   * MODIFY to the clamped command; the clamp's `input.range` result stands in the rules (in place of
   * the clamped command's passing one) and its message heads the explanation.
   */
  function withClamp(v: Verdict, clamped: MidLevelCommand, clampResult: RuleResult): Verdict {
    const passed = v.rules.findIndex((r) => r.rule === 'input.range' && r.decision === 'ALLOW');
    const rules =
      passed >= 0 ? v.rules.map((r, i) => (i === passed ? clampResult : r)) : [clampResult, ...v.rules];
    const why = `input.range: ${clampResult.message}`;
    if (v.decision === 'ALLOW')
      return {
        decision: 'MODIFY',
        rules,
        modified: clamped,
        explanation: `MODIFY: ${why} → cap the speed at ${round(clamped.targetSpeedMps ?? 0)} m/s`,
      };
    return {
      ...v,
      rules,
      explanation: v.explanation.replace(/^(MODIFY|VETO|ALLOW)[^:]*: /, (m) => `${m}${why}; `),
    };
  }

  function checkParsed(cmd: MidLevelCommand, scene: SafetyScene, opts: CheckOptions): Verdict {
    const nowS = scene.nowS ?? scene.snapshot.tS;
    const inputSink = new RuleSink();
    inputSink.pass('input.schema', 'command parses');
    const inputOk = inputRules(cmd, scene.snapshot, scene.map, scene.vehicle, params, nowS, inputSink);
    const ego = scene.snapshot.ego;
    startId = startLane(
      scene.map,
      ego.x,
      ego.y,
      ego.headingRad,
      ego.tS,
      routeOf(scene),
      pathsFor(scene),
      branchPlan(cmd, opts.trajectory),
      rankFrom(scene),
    );
    evaluate(cmd, scene, opts.trajectory, sink);
    // (a planned trajectory's roll-out is not a command's: its repairs are held to nothing here)
    cmdN = opts.trajectory ? 0 : rollout.n;
    for (let k = 0; k < cmdN; k++) cmdV[k] = rollout.v[k]!;
    const all = new RuleSink();
    for (const o of inputSink.outcomes) all.outcomes.push(o);
    for (const o of sink.outcomes) all.outcomes.push(o);
    all.violations = inputSink.violations + sink.violations;
    const failing = all.outcomes.filter((o) => o.fix);
    if (!inputOk) {
      // the command itself is refused, but the scene's rules still say how hard the stop must be:
      // a red light that a COMFORT_STOP at 1 m/s² would roll through keeps its critical stop
      const inputAcc = emptyAcc();
      const inputFixes = failing.map((o) => o.fix!);
      accumulate(inputAcc, inputFixes);
      const why = failing.map((o) => `${o.result.rule}: ${o.result.message}`).join('; ');
      return veto(results(all, 'VETO'), why, scene, inputAcc.critical, conflictS(inputFixes));
    }
    if (all.violations === 0) {
      return {
        decision: 'ALLOW',
        rules: all.outcomes.map((o) => o.result),
        explanation: `ALLOW: ${all.outcomes.length} rules pass over ${round((rollout.n - 1) * rollout.dtS, 1)} s`,
      };
    }
    const committed = committedChange(cmd, scene);
    let acc = emptyAcc();
    const fixes = failing.map((o) => o.fix!);
    accumulate(acc, fixes);
    // a lane change or borrow heading into a predicted conflict is given up first (back to the
    // lane's centre), before any braking: staying in lane is the gentlest repair
    if (cmd.path !== 'FOLLOW_LANE' && acc.critical) acc.postpone = true;
    const firstConflict = conflictS(fixes);
    const why = failing.map((o) => `${o.result.rule}: ${o.result.message}`).join('; ');
    const stopPt = () => (Number.isFinite(acc.stopS) ? stopPoint(scene, acc.stopS) : undefined);
    const modify = (cand: MidLevelCommand): Verdict => ({
      decision: 'MODIFY',
      rules: results(all, 'MODIFY'),
      modified: cand,
      explanation: `MODIFY: ${why} → ${describe(cand, cmd)}`,
    });
    let best: MidLevelCommand | undefined;
    let bestHarsh = Number.POSITIVE_INFINITY;
    let bestStruck = false;
    /** The first passing repair that brakes less than the command somewhere (used only without another). */
    let lesser: { c: MidLevelCommand; h: number; struck: boolean } | undefined;
    // the command's own braking, which no repair undercuts: its rate and its onset (a checked
    // trajectory's is what it plans, not its derived command's: those hold nothing here); a rung
    // whose roll-out is faster than the command's anywhere waits (`brakesNoLess`)
    const cmdBrakes = !opts.trajectory && (cmd.speed === 'DECELERATE' || cmd.speed === 'STOP');
    const cmdDecel = cmdBrakes && cmd.decelMps2 !== undefined ? cmd.decelMps2 : 0;
    const cmdJerk = cmdBrakes && cmd.decelMps2 !== undefined ? cmd.jerkMps3 : undefined;
    // 3. the braking ladder, gentlest first (lower deceleration, then higher target speed): the
    //    first that passes and brakes less than the merged repair wins
    const ladder = (squeeze: boolean): void => {
      const v0 = scene.snapshot.ego.speedMps;
      const decels = [
        ...new Set([
          Math.max(params.commandDecelMps2, acc.brake, cmdDecel),
          Math.max(params.rssEgo.brakeMinMps2, acc.brake, cmdDecel),
          Math.max(acc.brake, 0.75 * scene.vehicle.maxDecelMps2, cmdDecel),
        ]),
      ]
        .filter((d) => d <= scene.vehicle.maxDecelMps2 + 1e-9)
        .sort((a, b) => a - b);
      const targets = [
        ...new Set([
          ...(Number.isFinite(acc.cap) ? [Math.min(acc.cap, v0)] : []),
          v0 * 0.85,
          v0 * 0.7,
          v0 * 0.5,
          v0 * 0.25,
          0,
        ]),
      ].sort((a, b) => b - a);
      // (no onset gentler than the command's own)
      const onsetJerk = cmdJerk === undefined ? acc.onsetJerk : Math.max(acc.onsetJerk, cmdJerk);
      outer: for (const d of decels) {
        if (!squeeze && d >= bestHarsh - 0.05) break;
        // an onset first (to any target; the comfortable one, or RSS's within its response time),
        // then the deceleration at once
        const onsets = acc.onset && onsetJerk > 0 ? [onsetJerk, undefined] : [undefined];
        for (const onset of onsets) {
          for (const t of targets) {
            if (t > v0 - 0.1 && t > 0) continue;
            const c = brakeCandidate(cmd, acc.postpone, t, d, onset);
            evaluate(c, scene, undefined, candSink, true, squeeze);
            if (candSink.violations === 0) {
              if (squeeze && rearStruck()) continue;
              // a repair that brakes less than the command at some step (a ramp under the
              // command's step) waits for one that does not
              if (!brakesNoLess()) {
                if (!lesser) lesser = { c, h: harshness(), struck: rearStruck() };
                continue;
              }
              const h = harshness();
              if (squeeze || h < bestHarsh - 0.05) {
                best = c;
                bestHarsh = h;
                bestStruck = rearStruck();
              }
              break outer;
            }
          }
        }
      }
    };
    // a yield to a vehicle with the right of way through a turn that `crossing.pet` asks for (a gap
    // too short, not a predicted contact: `collision.predicted` and `ttc` keep their stop)
    const yields = failing.some((o) => o.result.rule === 'crossing.pet' && o.result.values.yields === true);
    /**
     * 3b. A timed yield instead of a stop (issue #14: the gentlest command that is safe). The car
     * with the right of way passes; the ego need not be at rest by then, only still able to yield.
     * When the repair found is the stop short of its path, a DECELERATE (built up at the comfortable
     * onset) braking no harder than that stop, to the highest speed that passes every rule and
     * either reaches the car's path within the horizon — every rule passing there: behind the car,
     * out of `crossingPetS` of it or creeping, as any command the gate allows — or from the
     * roll-out's end still stops short of the stop's point (its lag, then `comfortStopDecelMps2`),
     * so that every later check can still hold the ego there if the car is late or another follows.
     */
    const timedYield = (): void => {
      if (best?.speed !== 'STOP' || !best.stopAt || !Number.isFinite(acc.stopS)) return;
      const v0 = scene.snapshot.ego.speedMps;
      const stopS = acc.stopS;
      const comfort = params.comfortStopDecelMps2;
      const decels = [...new Set([comfort, Math.max(comfort, bestHarsh)])];
      const targets = [...new Set([...TIMED_YIELD_FRACTIONS.map((f) => round(v0 * f, 2)), 2, 1.5, 1])]
        .filter((t) => t <= v0 + 1e-9 && t >= TIMED_YIELD_MIN_MPS)
        .sort((a, b) => b - a);
      for (const t of targets) {
        for (const d of decels) {
          const c = brakeCandidate(cmd, acc.postpone, t, d, params.brakeOnsetJerkMps3);
          evaluate(c, scene, undefined, candSink, true);
          if (candSink.violations > 0 || rearStruck()) continue;
          const k = rollout.n - 1;
          const vEnd = rollout.v[k]!;
          const stopsShort = rollout.s[k]! + vEnd * params.accelLagS + (vEnd * vEnd) / (2 * comfort) <= stopS;
          if (!stopsShort && rollout.s[k]! <= stopS) continue;
          const h = harshness();
          if (h > bestHarsh + 0.05) continue;
          best = c;
          bestHarsh = h;
          bestStruck = false;
          return;
        }
      }
    };
    /** Steps 2 and 3: the merged repairs, then the braking ladder (sets `best`). */
    const search = (): void => {
      // 2. the merged repairs, re-checked and re-merged until a round adds nothing (≤ 3 rounds)
      let cand = applyFixes(cmd, acc, scene, stopPt());
      for (let iter = 0; iter < 3; iter++) {
        evaluate(cand, scene, undefined, candSink, true);
        if (candSink.violations === 0 && !brakesNoLess()) {
          if (!lesser) lesser = { c: cand, h: harshness(), struck: rearStruck() };
          break;
        }
        if (candSink.violations === 0) {
          best = cand;
          bestHarsh = harshness();
          bestStruck = rearStruck();
          break;
        }
        const more = candSink.outcomes.filter((o) => o.fix).map((o) => o.fix!);
        const changed = accumulate(acc, more);
        if (!changed) break;
        cand = applyFixes(cmd, acc, scene, stopPt());
      }
      if (acc.minSpeed === 0) ladder(false);
      // only a repair that brakes less than the command somewhere passes: better than none
      if (!best && lesser) {
        best = lesser.c;
        bestHarsh = lesser.h;
        bestStruck = lesser.struck;
      }
      if (yields) timedYield();
    };
    // 0. RSS's lateral proper response: a vehicle encroaching from one side is moved away from
    //    within the lane — at the command's speed if that passes, else with the speed repairs below
    //    (the gentlest that passes with the shift wins); without any that passes, as before
    shift = undefined;
    const sh = lateralShiftFor(failing, scene);
    const shifted = (v: Verdict): Verdict =>
      sh ? { ...v, rules: [...v.rules, shiftResult(sh, v.decision === 'VETO' ? 'VETO' : 'MODIFY')] } : v;
    if (sh && (cmd.path === 'FOLLOW_LANE' || acc.postpone)) {
      shift = sh;
      const alone: MidLevelCommand = { ...cmd, path: 'FOLLOW_LANE' };
      delete alone.targetLaneId;
      withShift(alone);
      evaluate(alone, scene, undefined, candSink, true);
      if (candSink.violations === 0 && !rearStruck()) return shifted(modify(alone));
      const acc0 = { ...acc };
      search();
      if (best && !bestStruck) return shifted(modify(best));
      shift = undefined;
      acc = acc0;
      best = undefined;
      bestHarsh = Number.POSITIVE_INFINITY;
      bestStruck = false;
      lesser = undefined;
    }
    // 1. postponing the lane change alone (when a lane-change rule asked for it) changes no speed
    if (acc.postpone) {
      const only = applyFixes(cmd, { ...emptyAcc(), postpone: true }, scene, undefined);
      evaluate(only, scene, undefined, candSink, true);
      if (candSink.violations === 0) return modify(only);
    }
    // 1b. a lane change under way with a faster vehicle coming up behind in the target lane: the
    //     abort (back to the lane it came from) and the completion are judged against each other,
    //     each at the speed held or raised, never slowed: braking or stopping sideways in front of
    //     a faster car is what turns its overtaking into a strike on the ego's side
    if (committed) {
      const pick = committedChoice(cmd, scene, committed);
      if (pick) {
        const v = modify(pick.cand);
        return {
          ...v,
          ...(pick.clean
            ? {}
            : { rules: [...v.rules.filter((x) => !pick.failing.has(x.rule)), ...pick.results] }),
          explanation: `${v.explanation} (lane change under way, ${q(committed.id)} ${round(committed.speedMps)} m/s coming up behind in the target lane: ${pick.why})`,
        };
      }
    }
    search();
    // crossing.pet alone is a margin beyond the footprint rules: it keeps the ego from speeding up
    // into a crossing, it never forces a stop. When no gentle command (braking no harder than
    // `commandDecelMps2`, or than the ego already does) keeps out of it — speeding up is the way
    // out of a crossing the ego is in — the command stands. A turn across a vehicle with the right
    // of way (`values.yields`) is no margin but a yield (critical): it takes the stop that keeps
    // short of the car's path, however firm, like any other critical conflict
    if (failing.every((o) => o.result.rule === 'crossing.pet' && o.result.values.yields !== true)) {
      const gentle = Math.max(params.commandDecelMps2, -ego.accelMps2) + 0.05;
      if (best && !bestStruck && bestHarsh <= gentle) return modify(best);
      return {
        decision: 'ALLOW',
        rules: all.outcomes.map((o) =>
          o.result.rule === 'crossing.pet' && o.result.decision !== 'ALLOW'
            ? {
                ...o.result,
                decision: 'ALLOW' as const,
                message: `${o.result.message} — no gentle command keeps out of it: the command stands`,
              }
            : o.result,
        ),
        explanation: `ALLOW: ${why} — no gentle command keeps out of it (a margin, never a stop): the command stands`,
      };
    }
    if (best && !bestStruck) return modify(best);
    // 4. squeezed between an RSS-unsafe lead and a follower that would run into the strict proper
    //    response: braking into the follower turns a possible front conflict into a certain rear
    //    one. The longitudinal check then keeps the squeeze distance (lead braking no harder than
    //    the ego's b_min, the ego's actuation lag); collision, TTC and every other rule still hold.
    const rssFired = failing.some((o) => o.result.rule === 'rss.longitudinal');
    if (rssFired && (!best || bestStruck)) {
      evaluate(cmd, scene, opts.trajectory, candSink, true, true);
      if (candSink.violations === 0 && !rearStruck()) {
        const squeezed = all.outcomes.map((o) =>
          o.result.rule === 'rss.longitudinal'
            ? {
                ...o.result,
                decision: 'ALLOW' as const,
                message: `squeezed by a follower, strict RSS relaxed to the squeeze distance: ${o.result.message}`,
                values: { ...o.result.values, squeeze: true },
              }
            : o.result,
        );
        return {
          decision: squeezed.some((x) => x.decision !== 'ALLOW') ? 'MODIFY' : 'ALLOW',
          rules: squeezed,
          ...(squeezed.some((x) => x.decision !== 'ALLOW') ? { modified: cmd } : {}),
          explanation: `ALLOW (squeeze): ${why} — braking harder would be run into from behind; the squeeze distance holds`,
        };
      }
      const before = best;
      ladder(true);
      if (best && best !== before) {
        const v = modify(best);
        return {
          ...v,
          explanation: `${v.explanation} (squeeze: a follower would run into the strict RSS response)`,
        };
      }
    }
    if (best) return modify(best);
    // 5. evasive steering (AES): no stop passes a critical conflict; a move into a free adjacent
    //    lane at the emergency lateral rate, braking with the grip left, that passes every rule (no
    //    contact, the lane free by RSS for the whole move) is strictly better than the stop
    if (acc.critical) {
      const ev = evasive(cmd, scene);
      if (ev) {
        const msg = `no stop avoids it: evasive ${ev.command.path} into ${q(ev.laneId)} at ${round(params.evasiveLatAccelMps2)} m/s² lateral${ev.margins.length > 0 ? ` (no contact; emergency margins taken: ${ev.margins.join(', ')})` : ''}`;
        return {
          decision: 'MODIFY',
          rules: [
            ...results(all, 'MODIFY'),
            { rule: 'evasive.steer', decision: 'MODIFY', values: { laneId: ev.laneId }, message: msg },
          ],
          modified: ev.command,
          explanation: `MODIFY: ${why} → ${msg}`,
        };
      }
    }
    const vetoed = veto(results(all, 'VETO'), why, scene, acc.critical, Math.min(firstConflict, acc.stopS));
    // nothing passes: the emergency stop still moves away from the encroaching vehicle within the lane
    if (sh && vetoed.mrm?.kind === 'EMERGENCY_STOP')
      return shifted({
        ...vetoed,
        mrm: { ...vetoed.mrm, lateralOffsetM: sh.offsetM },
        explanation: `${vetoed.explanation}, ${round(Math.abs(sh.offsetM), 2)} m ${sh.offsetM < 0 ? 'right' : 'left'} within the lane`,
      });
    return vetoed;
  }

  function checkControl(
    input: unknown,
    state: EgoState,
    scene: Pick<SafetyScene, 'vehicle' | 'nowS'> & { dtS?: number; prevAccelMps2?: number },
  ): ControlCheck {
    return checkControlStep(
      input,
      state,
      scene.vehicle,
      params,
      scene.nowS ?? state.tS,
      scene.dtS ?? 0.05,
      scene.prevAccelMps2,
    );
  }

  function trajectoryFor(
    command: MidLevelCommand,
    scene: SafetyScene,
    overrides: Partial<SafetyParams> = {},
    along?: Trajectory,
  ): Trajectory {
    const p: SafetyParams = { ...params, stepS: 0.1, horizonS: 8, ...overrides };
    const cmd = { ...command, horizonS: Math.max(command.horizonS, 8) };
    const ego = scene.snapshot.ego;
    const route = routeOf(scene);
    const cache = pathsFor(scene);
    const from = startLane(
      scene.map,
      ego.x,
      ego.y,
      ego.headingRad,
      ego.tS,
      route,
      cache,
      branchPlan(command, along),
      rankFrom(scene),
    );
    rolloutCommand(cmd, ego, scene.map, route, scene.vehicle, p, cache, trajRollout, false, from);
    return rolloutToTrajectory(trajRollout, 0.1, 8);
  }

  return { params, configHash, checkCommand, checkControl, trajectoryFor };
}
