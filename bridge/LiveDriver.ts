/**
 * Drives one live machine: the `LiveSource` feeds the stack's real-time loop (stack/runRealtime:
 * one control per fresh odometry, the watchdog on a timer), the controls go out through the
 * bridge's output, and missions come and go. A mission is a goal pose: it is routed on the map from
 * where the ego is, a fresh stack is built for it (planners know routes, the mission adds the stop
 * at the goal), and it ends when the ego stands at the goal. Without a mission the watchdog holds
 * the vehicle (minimal-risk control: brake, or zero velocity for robots).
 */
import {
  angleDiff,
  type Clock,
  type Control,
  type MidLevelCommand,
  type Pose,
  type Result,
  type Route,
  type VehicleParams,
  type Verdict,
} from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { type RealtimeLoop, type RealtimeStep, runRealtime } from '../stack/runRealtime.ts';
import type { Stack, StackTick } from '../stack/Stack.ts';
import { ControlLatency } from './ControlLatency.ts';
import type { LiveSource, PoseJumpCheck, PoseJumpEvent } from './LiveSource.ts';
import {
  type ApproachBudget,
  type GoalRoute,
  goalArrival,
  planGoalRoute,
  plannerContextFor,
} from './Mission.ts';

/** Where a driver's outputs go (a ROS link, an MQTT client). */
export interface LiveOutput {
  /** One control; `fromInput` when computed from fresh odometry (not the watchdog's). */
  sendControl(control: Control, fromInput: boolean, speedMps: number): void;
  /** The command in force and the newest verdict. */
  sendDecision(command: MidLevelCommand | undefined, verdict: Verdict | undefined, tS: number): void;
}

/**
 * A fresh stack for a mission; `budget` is what its goal stop needs to slow the approach to what the
 * hold can stop from after the control latency measured live (`withGoalStop`'s `arrival`).
 */
export type MakeStack = (goal: Pose, route: Route, ego: Pose, map: RoadMap, budget: ApproachBudget) => Stack;

export type MissionState = 'ACTIVE' | 'REACHED' | 'CANCELLED' | 'FAILED';

export interface MissionEvent {
  id: string;
  state: MissionState;
  goal: Pose;
  message?: string;
}

export interface LiveDriverOptions {
  source: LiveSource;
  output: LiveOutput;
  clock: Clock;
  map: RoadMap;
  vehicle: VehicleParams;
  /** A fresh stack that drives `route` to `goal` from `ego` (its planner wrapped with the goal stop). */
  makeStack: MakeStack;
  staleAfterS: number;
  watchdogDecelMps2: number;
  goalToleranceM: number;
  /** Control rate of the loop without a mission (the watchdog's), Hz; a mission's stack brings its own. */
  controlHz: number;
  onStep?: (step: RealtimeStep) => void;
  onMission?: (e: MissionEvent) => void;
  /**
   * What the driver says once per change (for the log): the watchdog taking over from a mission
   * and letting go, a localisation jump, an operator stop, a turn on the spot.
   */
  onNotice?: (line: string) => void;
  /** Localisation jump check (default: the vehicle's top speed, 1 m margin, 1 s to settle). */
  poseJump?: Partial<PoseJumpCheck>;
}

/** Operator holds: an e-stop (latched until released) and a pause (VDA 5050 startPause). */
export type HoldReason = 'estop' | 'pause';

/** Turning on the spot: aligned within this, rad. */
const TURN_DONE_RAD = 0.1;
/** Clearance kept around the turning footprint's circle to any object, m. */
const TURN_CLEARANCE_M = 0.5;

export class LiveDriver {
  private loop: RealtimeLoop | undefined;
  private stack: Stack | undefined;
  private mission: { id: string; goal: Pose } | undefined;
  /** The mission's reference line (progress toward the goal is measured along it). */
  private missionLine: { project(x: number, y: number): { sM: number } } | undefined;
  private pending: { id: string; goal: Pose } | undefined;
  /** The mission's route (taken away while the vehicle is held at the goal, given back to drive on). */
  private missionRoute: Route | undefined;
  /** The mission holds the vehicle (arriving: a stop begun now lands at the goal) until it stands. */
  private holding = false;
  /** How long the vehicle goes on with a control (pose age + step gap), measured on every step. */
  readonly latency = new ControlLatency();
  private switching: Promise<void> = Promise.resolve();
  /** Steps by cause, for diagnostics; `takeovers`: the watchdog took a mission's vehicle over. */
  readonly counts = { steps: 0, fromInput: 0, watchdog: 0, takeovers: 0 };
  /** Operator holds in force (the mission stays, the vehicle is held until each is released). */
  private readonly holds = new Set<HoldReason>();
  /** The mission starts by turning on the spot to this heading (a lane behind the ego). */
  private turnToRad: number | undefined;
  /** The turn waits: an object within the turning circle (said once per wait). */
  private turnBlocked = false;
  /** Why the watchdog holds a mission's vehicle now (said on change), undefined while it drives. */
  private takeover: string | undefined;
  private takeoverAtS = 0;
  lastStep: RealtimeStep | undefined;

  private map: RoadMap;

  constructor(private readonly o: LiveDriverOptions) {
    this.map = o.map;
    const pj = o.poseJump ?? {};
    o.source.checkPoseJumps(
      {
        maxSpeedMps: pj.maxSpeedMps ?? o.vehicle.maxSpeedMps,
        marginM: pj.marginM ?? 1,
        settleS: pj.settleS ?? 1,
      },
      (e) => this.poseJumped(e),
    );
    this.startLoop(undefined);
  }

  /** Operator holds in force. */
  get heldBy(): HoldReason[] {
    return [...this.holds];
  }

  /**
   * Engages or releases an operator hold. While any is engaged the vehicle gets the minimal-risk
   * control (robots: zero velocity) and a mission in progress stays ACTIVE, paused; it drives on
   * when the last is released. An e-stop is latched: only its release ends it (not a new goal, not
   * a cancel, not a link loss).
   */
  setHold(reason: HoldReason, on: boolean): void {
    if (on === this.holds.has(reason)) return;
    if (on) this.holds.add(reason);
    else this.holds.delete(reason);
    this.o.onNotice?.(
      on
        ? `${reason === 'estop' ? 'e-stop ENGAGED' : 'paused'}: the vehicle is held${this.mission ? ` (mission ${this.mission.id} paused)` : ''}${reason === 'estop' ? ' until the e-stop is released' : ''}`
        : `${reason === 'estop' ? 'e-stop released' : 'pause released'}${this.holds.size > 0 ? ` (still held: ${[...this.holds].join(', ')})` : this.mission ? `: mission ${this.mission.id} drives on` : ''}`,
    );
    this.syncRoute();
  }

  /** The source's localisation jump check: said in the log; a re-localisation re-routes the mission. */
  private poseJumped(e: PoseJumpEvent): void {
    if (e.kind === 'jump')
      this.o.onNotice?.(
        `localisation jump: the pose moved ${e.distanceM.toFixed(2)} m in ${e.dtS.toFixed(3)} s (at most ${e.allowedM.toFixed(2)} m at ${this.o.vehicle.maxSpeedMps} m/s): the vehicle is held until the poses agree again`,
      );
    else if (e.kind === 'outlier-over')
      this.o.onNotice?.('localisation: the pose is back on its track (the jump was an outlier): driving on');
    else {
      const m = this.mission;
      this.o.onNotice?.(
        `localisation: ${e.kind === 'initialpose' ? `the pose jumped onto the one the operator set (${e.distanceM.toFixed(2)} m from it, within ${e.allowedM.toFixed(2)} m)` : 'the new pose held steady'}: taken as a re-localisation${m ? `; mission ${m.id} re-routed from it` : ''}`,
      );
      if (m) {
        this.endMission();
        this.pending = m;
        this.tryRoute();
      }
    }
  }

  get activeMission(): { id: string; goal: Pose } | undefined {
    return this.mission;
  }

  /** A goal waits for odometry to be routed. */
  get hasPending(): boolean {
    return this.pending !== undefined;
  }

  get currentStack(): Stack | undefined {
    return this.stack;
  }

  /** The map missions are routed on now (a VDA 5050 order replaces it with its graph). */
  get currentMap(): RoadMap {
    return this.map;
  }

  /**
   * Starts a mission to `goal` (replacing the one in progress). Routed as soon as odometry is in;
   * a goal on no lane or with no route fails the mission at once. `map` replaces the map from
   * this mission on (VDA 5050 orders bring their own graph).
   */
  setGoal(goal: Pose, id = `goal-${Date.now()}`, map?: RoadMap): void {
    if (map) this.map = map;
    if (this.mission) this.o.onMission?.({ ...this.mission, state: 'CANCELLED', message: 'replaced' });
    this.endMission();
    this.pending = { id, goal };
    this.tryRoute();
  }

  /** Cancels the mission in progress (the vehicle is held). */
  cancel(message = 'cancelled'): void {
    this.pending = undefined;
    if (this.mission) this.o.onMission?.({ ...this.mission, state: 'CANCELLED', message });
    this.endMission();
  }

  /** No mission from now on: the route goes, so the watchdog holds the vehicle. */
  private endMission(): void {
    this.mission = undefined;
    this.missionRoute = undefined;
    this.holding = false;
    this.turnToRad = undefined;
    this.turnBlocked = false;
    this.takeover = undefined;
    this.syncRoute();
  }

  /**
   * The source has the mission's route only while the stack is to drive: not while the mission
   * holds the vehicle at its goal, turns it on the spot, or an operator hold is in force.
   */
  private syncRoute(): void {
    const drive =
      this.mission !== undefined && !this.holding && this.turnToRad === undefined && this.holds.size === 0;
    this.o.source.setRoute(drive ? this.missionRoute : undefined);
  }

  /** The braking of the hold: the minimal-risk control's (robots: zero velocity, at their own braking). */
  private get holdDecelMps2(): number {
    const v = this.o.vehicle;
    return v.kind === 'robot' && v.maxDecelMps2 > 0 ? v.maxDecelMps2 : this.o.watchdogDecelMps2;
  }

  private tryRoute(): void {
    const p = this.pending;
    const ego = this.o.source.currentEgo;
    if (!p || !ego) return;
    this.pending = undefined;
    const v = this.o.vehicle;
    const plan: Result<GoalRoute> = planGoalRoute(this.map, ego, p.goal, {
      turnInPlace: v.kind === 'robot' && v.turnInPlace === true,
    });
    if (!plan.ok) {
      this.o.onMission?.({ ...p, state: 'FAILED', message: plan.error.message });
      return;
    }
    // the planner follows lanes: a goal farther beside the lane's centreline than the tolerance
    // can never be stood on within it (the vehicle would stop beside it, ACTIVE for good)
    const lastId = plan.value.route.laneIds.at(-1)!;
    const offM = Math.abs(this.map.lane(lastId)?.line.project(p.goal.x, p.goal.y).dM ?? 0);
    if (offM > this.o.goalToleranceM) {
      this.o.onMission?.({
        ...p,
        state: 'FAILED',
        message: `the goal lies ${offM.toFixed(2)} m beside the centreline of lane ${lastId}, more than the goal tolerance ${this.o.goalToleranceM} m: the vehicle follows the lane and would stop beside it`,
      });
      return;
    }
    const r = { ok: true as const, value: plan.value.route };
    this.mission = p;
    this.missionRoute = r.value;
    this.holding = false;
    this.turnToRad = plan.value.turnToRad;
    this.turnBlocked = false;
    this.takeover = undefined;
    if (this.turnToRad !== undefined)
      this.o.onNotice?.(
        `mission ${p.id}: its route starts on lane ${r.value.laneIds[0]} behind the robot: turning on the spot to ${((this.turnToRad * 180) / Math.PI).toFixed(0)}° first`,
      );
    this.missionLine = plannerContextFor(this.map, r.value, ego, this.o.vehicle).route.line;
    const budget: ApproachBudget = {
      toleranceM: this.o.goalToleranceM,
      holdDecelMps2: this.holdDecelMps2,
      latencyS: () => this.latency.latencyS(this.o.clock.nowS()),
    };
    const stack = this.o.makeStack(p.goal, r.value, ego, this.map, budget);
    this.switching = this.switching.then(async () => {
      await this.loop?.stop();
      // cancelled or replaced while the old loop was stopping: hold, and say nothing of it
      if (this.mission !== p) {
        this.startLoop(undefined);
        return;
      }
      this.syncRoute();
      this.startLoop(stack);
      this.o.onMission?.({ ...p, state: 'ACTIVE' });
    });
  }

  private startLoop(stack: Stack | undefined): void {
    this.stack = stack;
    this.latency.restart();
    const o = this.o;
    // without a mission a stack that never runs (the source has no snapshot: the watchdog holds)
    const idle: Stack = stack ?? idleStack(o.controlHz);
    this.loop = runRealtime({
      stack: idle,
      source: o.source,
      sink: { send: (c: Control, tick: StackTick | undefined) => this.send(c, tick) },
      clock: o.clock,
      vehicle: o.vehicle,
      context: (first) => plannerContextFor(this.map, first.route, first.ego, o.vehicle),
      staleAfterS: o.staleAfterS,
      watchdogDecelMps2: o.watchdogDecelMps2,
      trigger: 'source',
      onStep: (s) => this.stepped(s),
    });
  }

  private send(c: Control, tick: StackTick | undefined): void {
    const ego = this.o.source.currentEgo;
    const turn = tick ? undefined : this.turnControl();
    this.o.output.sendControl(turn ?? c, tick !== undefined || turn !== undefined, ego?.speedMps ?? 0);
    if (tick) this.o.output.sendDecision(tick.command, tick.verdict, this.o.clock.nowS());
  }

  /**
   * The control that turns the robot on the spot toward the route's heading (zero speed, yaw rate
   * proportional to the error up to its limit), on a fresh pose with no operator hold and no object
   * within the circle its footprint sweeps plus a clearance; undefined: the minimal-risk control.
   * The turn is not a command the gate checks (it checks commands along lanes): this clearance is
   * its check.
   */
  private turnControl(): Control | undefined {
    const target = this.turnToRad;
    const ego = this.o.source.currentEgo;
    if (target === undefined || !ego || this.holds.size > 0 || this.o.source.poseJumpHeld) return undefined;
    if (this.o.clock.nowS() - ego.tS > this.o.staleAfterS) return undefined;
    const v = this.o.vehicle;
    const front = v.rearAxleToCenterM + v.lengthM / 2;
    const back = v.lengthM / 2 - v.rearAxleToCenterM;
    const sweepM = Math.hypot(Math.max(front, back), v.widthM / 2);
    const agents = this.o.source.freshAgents;
    if (!agents) return undefined; // objects required and stale: no turn blind
    const blocker = agents.find(
      (a) =>
        Math.hypot(a.x - ego.x, a.y - ego.y) - Math.hypot(a.lengthM, a.widthM) / 2 <
        sweepM + TURN_CLEARANCE_M,
    );
    if (blocker) {
      if (!this.turnBlocked)
        this.o.onNotice?.(
          `mission ${this.mission?.id}: the turn on the spot waits: ${blocker.kind} ${blocker.id} within ${(sweepM + TURN_CLEARANCE_M).toFixed(2)} m`,
        );
      this.turnBlocked = true;
      return undefined;
    }
    this.turnBlocked = false;
    const err = angleDiff(target, ego.headingRad);
    const omega = Math.sign(err) * Math.min(v.maxYawRateRadps, Math.max(0.2, 1.5 * Math.abs(err)));
    return { kind: 'unicycle', vMps: 0, omegaRadps: omega };
  }

  /** Says once when the watchdog takes a mission's vehicle over, and once when it lets go. */
  private judgeTakeover(s: RealtimeStep): void {
    const m = this.mission;
    // a mission's own holds (at the goal, turning, an operator hold) are not the watchdog's
    const inHold = this.holding || this.turnToRad !== undefined || this.holds.size > 0;
    const why =
      m && !inHold && s.watchdog
        ? s.watchdog === 'stale'
          ? `odometry stale (${(s.tS - (this.o.source.currentEgo?.tS ?? s.tS)).toFixed(2)} s old, more than staleAfterS ${this.o.staleAfterS} s)`
          : this.o.source.missing === 'no-mission'
            ? undefined
            : (this.o.source.missing ?? 'no snapshot')
        : undefined;
    if (why === undefined && this.takeover === undefined) return;
    if (why !== undefined && this.takeover !== undefined) return; // still held (the first reason said)
    if (why !== undefined) {
      this.takeover = why;
      this.takeoverAtS = s.tS;
      this.counts.takeovers++;
      this.o.onNotice?.(`watchdog: took the vehicle over (${why}): minimal-risk control`);
    } else {
      this.o.onNotice?.(
        `watchdog: released after ${(s.tS - this.takeoverAtS).toFixed(2)} s (fresh input)${m ? `: mission ${m.id} drives on` : ''}`,
      );
      this.takeover = undefined;
    }
  }

  /**
   * The state of the input as the watchdog sees it: `ok`, `stale` (the newest pose older than
   * `staleAfterS`), or what the snapshot lacks (`no-odometry`, `pose-jump`, `objects-stale`,
   * `no-mission`). Diagnostics publish it beside `watchdog` (before, `input` said `ok` beside
   * `watchdog: stale`: it did not look at the pose's age).
   */
  inputState(nowS: number): string {
    const missing = this.o.source.missing;
    if (missing === 'no-odometry' || missing === 'pose-jump') return missing;
    const ego = this.o.source.currentEgo;
    if (ego && nowS - ego.tS > this.o.staleAfterS) return 'stale';
    // a mission whose route is withheld holds the vehicle itself (arriving, turning, an operator
    // hold: said in their own fields); the input is fine
    if (missing === 'no-mission' && this.mission) return 'ok';
    return missing ?? 'ok';
  }

  private stepped(s: RealtimeStep): void {
    this.counts.steps++;
    if (s.tick) this.counts.fromInput++;
    else this.counts.watchdog++;
    this.lastStep = s;
    this.judgeTakeover(s);
    const ego = this.o.source.currentEgo;
    // turning on the spot: done once aligned, then the stack drives the route
    if (
      this.turnToRad !== undefined &&
      ego &&
      Math.abs(angleDiff(this.turnToRad, ego.headingRad)) <= TURN_DONE_RAD
    ) {
      this.turnToRad = undefined;
      this.o.onNotice?.(`mission ${this.mission?.id}: turned round: driving the route`);
      this.syncRoute();
    }
    this.latency.step(s.tS, s.tick ? ego?.tS : undefined);
    if (this.pending) this.tryRoute();
    const m = this.mission;
    const line = this.missionLine;
    // judged on every stack step and, while the vehicle is held (no stack steps), on every fresh pose
    const fresh = ego !== undefined && s.tS - ego.tS <= this.o.staleAfterS;
    if (m && ego && line && (s.tick || (this.holding && fresh))) {
      const tol = this.o.goalToleranceM;
      const g = goalArrival(
        ego,
        m.goal,
        line,
        { toleranceM: tol, latencyS: this.latency.latencyS(s.tS), holdDecelMps2: this.holdDecelMps2 },
        this.holding,
      );
      if (g.state === 'reached' || g.state === 'passed') {
        // either way the mission ends and the route goes, so the watchdog holds the vehicle
        this.endMission();
        this.o.onMission?.(
          g.state === 'reached'
            ? { ...m, state: 'REACHED' }
            : {
                ...m,
                state: 'FAILED',
                message: `passed the goal: ${(-g.alongM).toFixed(2)} m beyond it (${g.distanceM.toFixed(2)} m away) at ${ego.speedMps.toFixed(2)} m/s, outside the ${tol} m tolerance; the vehicle is held`,
              },
        );
      } else if (g.state === 'arriving' && !this.holding) {
        // a stop begun now lands at the goal after the latency: hold the vehicle now (the
        // minimal-risk control) rather than let the stack's stop, a latency late, carry it past
        this.holding = true;
        this.syncRoute();
      } else if (g.state === 'ahead' && this.holding) {
        // held, it stands short of the tolerance: the mission drives on
        this.holding = false;
        this.syncRoute();
      }
    }
    this.o.onStep?.(s);
  }

  /** The mission starts by turning on the spot (the heading it turns to, rad). */
  get turningTo(): number | undefined {
    return this.turnToRad;
  }

  /** Why the watchdog holds a mission's vehicle now (undefined: it does not). */
  get takenOver(): string | undefined {
    return this.takeover;
  }

  /** The mission holds the vehicle at its goal until it stands (then REACHED or FAILED). */
  get arriving(): boolean {
    return this.holding;
  }

  /** Stops the loop (the in-flight plan lands first). */
  async stop(): Promise<void> {
    await this.switching;
    await this.loop?.stop();
  }
}

/** The stack of the idle loop: never ticked (no snapshot without a mission), rates for the watchdog. */
const idleStack = (controlHz: number): Stack => ({
  name: 'idle',
  rates: {
    planHz: 10,
    controlHz,
    planLatencyS: 0,
    commandLifetimeS: 1,
    expiryDecelMps2: 2,
    maxReplans: 1,
  },
  stats: {
    plans: 0,
    replans: 0,
    commands: 0,
    controlSteps: 0,
    verdicts: { ALLOW: 0, MODIFY: 0, VETO: 0 },
    expiredSteps: 0,
    controlClamps: 0,
    plannerErrors: 0,
    clockRestarts: 0,
  },
  planning: false,
  init() {},
  tick() {
    throw new Error('idle stack ticked: a snapshot without a mission');
  },
  async settle() {},
});
