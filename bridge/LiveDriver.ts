/**
 * Drives one live machine: the `LiveSource` feeds the stack's real-time loop (stack/runRealtime:
 * one control per fresh odometry, the watchdog on a timer), the controls go out through the
 * bridge's output, and missions come and go. A mission is a goal pose: it is routed on the map from
 * where the ego is, a fresh stack is built for it (planners know routes, the mission adds the stop
 * at the goal), and it ends when the ego stands at the goal. Without a mission the watchdog holds
 * the vehicle (minimal-risk control: brake, or zero velocity for robots).
 */
import type {
  Clock,
  Control,
  MidLevelCommand,
  Pose,
  Result,
  Route,
  VehicleParams,
  Verdict,
} from '../core/index.ts';
import type { RoadMap } from '../core/map/index.ts';
import { type RealtimeLoop, type RealtimeStep, runRealtime } from '../stack/runRealtime.ts';
import type { Stack, StackTick } from '../stack/Stack.ts';
import { ControlLatency } from './ControlLatency.ts';
import type { LiveSource } from './LiveSource.ts';
import { type ApproachBudget, goalArrival, plannerContextFor, routeToGoal } from './Mission.ts';

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
}

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
  /** Steps by cause, for diagnostics. */
  readonly counts = { steps: 0, fromInput: 0, watchdog: 0 };
  lastStep: RealtimeStep | undefined;

  private map: RoadMap;

  constructor(private readonly o: LiveDriverOptions) {
    this.map = o.map;
    this.startLoop(undefined);
  }

  get activeMission(): { id: string; goal: Pose } | undefined {
    return this.mission;
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
    this.o.source.setRoute(undefined);
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
    const r: Result<Route> = routeToGoal(this.map, ego, p.goal);
    if (!r.ok) {
      this.o.onMission?.({ ...p, state: 'FAILED', message: r.error.message });
      return;
    }
    this.mission = p;
    this.missionRoute = r.value;
    this.holding = false;
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
      this.o.source.setRoute(r.value);
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
    this.o.output.sendControl(c, tick !== undefined, ego?.speedMps ?? 0);
    if (tick) this.o.output.sendDecision(tick.command, tick.verdict, this.o.clock.nowS());
  }

  private stepped(s: RealtimeStep): void {
    this.counts.steps++;
    if (s.tick) this.counts.fromInput++;
    else this.counts.watchdog++;
    this.lastStep = s;
    const ego = this.o.source.currentEgo;
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
        this.o.source.setRoute(undefined);
      } else if (g.state === 'ahead' && this.holding) {
        // held, it stands short of the tolerance: the mission drives on
        this.holding = false;
        this.o.source.setRoute(this.missionRoute);
      }
    }
    this.o.onStep?.(s);
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
