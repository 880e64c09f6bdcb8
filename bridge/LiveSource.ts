/**
 * The stack's source for a live machine: the newest odometry, objects, traffic lights, instruction
 * and mission route, put together into a `WorldSnapshot` when the stack asks. Times are on the
 * bridge's clock at arrival, dated back by a measured lag (never by the robot's clock directly), so
 * staleness never depends on the two clocks agreeing. The robot's stamps (or counters) also order
 * its ego messages: one not newer than the last taken is dropped (a second publisher, a replay, a
 * reordering link, a backlog delivered after a stall), so the newest pose is never replaced by an
 * older one — however long the silence before it. Only a restarted clock or counter is taken back
 * (`OrderReset`): keys far behind the newest, live and in order among themselves for a while, with
 * nothing ahead of the newest in between. No route (no mission) or no odometry since the link came
 * up: no snapshot, and the control loop's watchdog holds the vehicle.
 */
import type {
  AgentState,
  Clock,
  EgoState,
  Instruction,
  Route,
  TrafficLightState,
  WorldSnapshot,
} from '../core/index.ts';
import type { Source } from '../stack/SourceSink.ts';

/**
 * Localisation jump check: a pose further from the previous one than the vehicle can have moved
 * (`maxSpeedMps` × the time between them + `marginM`) is implausible — a relocalisation, a filter
 * that diverged, a second publisher. The vehicle is held until the poses are consistent again.
 */
export interface PoseJumpCheck {
  /** The vehicle's top speed, m/s (`VehicleParams.maxSpeedMps`). */
  maxSpeedMps: number;
  /** Allowed on top of top speed × Δt (localisation noise, a small correction), m. */
  marginM: number;
  /**
   * After a jump, poses consistent with one another for this long are taken as a re-localisation,
   * s: the vehicle drives on from the new pose. A pose consistent with the last one before the jump
   * (a single outlier) ends the hold at once.
   */
  settleS: number;
}

/**
 * When an ego message behind the newest taken is a restarted clock or counter rather than old data.
 * As ROS answers a clock that jumps back (tf2 clears its buffer, robot_localization resets), but
 * judged on the messages themselves, since a robot need not publish `/clock`: a key more than
 * `backBy` behind the newest starts a candidate run; the run is taken as the new timeline once it
 * holds `confirmN` keys, strictly increasing, arriving over at least `confirmS` of our clock, with
 * no key ahead of the newest (the old timeline still live: a second publisher, a replay) and none
 * near it in between. Old data delivered late — a backlog after a stall, however long the silence —
 * arrives in a burst or is overtaken by the live stream, and is dropped.
 */
export interface OrderReset {
  /** How far behind the newest a key must lie to start a run: s for stamps, counts for counters. */
  backByStampS: number;
  backByCount: number;
  /** Keys in the run before it is taken. */
  confirmN: number;
  /** Our time the run must span before it is taken, s (the vehicle is held meanwhile). */
  confirmS: number;
}

export const DEFAULT_ORDER_RESET: OrderReset = {
  backByStampS: 1,
  backByCount: 0,
  confirmN: 3,
  confirmS: 0.5,
};

/** What became of an ego message's order key: taken, dropped, or taken as a restarted clock / counter. */
export type OrderVerdict = 'take' | 'drop' | 'reset';

/** What the jump check saw: a jump, an outlier dismissed, a re-localisation accepted. */
export interface PoseJumpEvent {
  /** `initialpose`: a re-localisation the operator announced (`expectRelocalisation`), taken at once. */
  kind: 'jump' | 'outlier-over' | 'relocalised' | 'initialpose';
  /** How far the pose moved, m, and in how long, s (jump). */
  distanceM: number;
  dtS: number;
  /** What the vehicle could have moved, m (jump). */
  allowedM: number;
}

export class LiveSource implements Source {
  private ego: EgoState | undefined;
  /** The robot's stamp of the newest odometry (echoed on the control computed from it), s. */
  private egoStampS: number | undefined;
  private agents: AgentState[] = [];
  private agentsAtS = Number.NEGATIVE_INFINITY;
  /** Objects have come at least once: from then on they are required fresh. */
  private objectsSeen = false;
  private lights: TrafficLightState[] = [];
  private lightsAtS = Number.NEGATIVE_INFINITY;
  private instruction: Instruction | undefined;
  private instructionAtS = Number.NEGATIVE_INFINITY;
  /** The order key (robot stamp or counter) of the newest ego taken. */
  private lastOrder: number | undefined;
  /** Keys far behind the newest, in order among themselves: maybe a restarted clock (`OrderReset`). */
  private resetRun: { lastKey: number; firstAtS: number; n: number } | undefined;
  /** The newest key of the timeline left at the last reset (its late messages are not taken back unconfirmed). */
  private otherTimeline: number | undefined;
  /** Restarted clocks / counters taken (diagnostics). */
  clockResets = 0;
  private route: Route | undefined;
  private readonly listeners = new Set<() => void>();
  /** The jump check (undefined: none). */
  private jumpCheck: PoseJumpCheck | undefined;
  private onJump: ((e: PoseJumpEvent) => void) | undefined;
  /** The last pose before a jump (a pose near it again ends the hold: an outlier) and when the new track began. */
  private jumped: { before: EgoState; beforeStampS: number | undefined; sinceS: number } | undefined;
  /** A re-localisation the operator announced, until when (our clock). */
  private expected: { x: number; y: number; radiusM: number; untilS: number } | undefined;
  /** Localisation jumps seen (diagnostics). */
  jumpCount = 0;
  /** Odometry messages taken in. */
  odometryCount = 0;
  /** Ego messages dropped because their stamp or counter was not newer than the last one taken. */
  outOfOrderCount = 0;

  constructor(
    private readonly clock: Clock,
    /** Objects older than this are left out, s. */
    private readonly objectsStaleAfterS = 1,
    /** Light states older than this are left out, s. */
    private readonly lightsStaleAfterS = 2,
    /**
     * An operator instruction older than this is left out, s: it was given for the situation of
     * its time (a publisher that wants it kept re-sends it, e.g. a latched topic on reconnection).
     */
    private readonly instructionStaleAfterS = 30,
    /** When keys behind the newest are a restarted clock or counter (never a silence alone). */
    private readonly orderReset: OrderReset = DEFAULT_ORDER_RESET,
  ) {}

  /** Checks each new pose against the previous one (a localisation jump holds the vehicle). */
  checkPoseJumps(check: PoseJumpCheck, onJump?: (e: PoseJumpEvent) => void): void {
    this.jumpCheck = check;
    this.onJump = onJump;
  }

  /**
   * The operator set the pose (AMCL's `/initialpose`, RViz "2D Pose Estimate"): a pose within
   * `radiusM` of (x, y) in the next `withinS` seconds — a jump onto it, or the pose already held
   * there after one — is taken at once as the new track (no `settleS` wait). Without a jump it
   * changes nothing (the localiser agreed already, or has not followed yet).
   */
  expectRelocalisation(at: { x: number; y: number }, radiusM: number, withinS = 5): void {
    this.expected = { x: at.x, y: at.y, radiusM, untilS: this.clock.nowS() + withinS };
    if (this.jumped && this.ego) this.takeExpected(this.ego, 0);
  }

  /** Ends a jump's hold when the pose is the one the operator set; true when it did. */
  private takeExpected(pose: { x: number; y: number }, dtS: number): boolean {
    const e = this.expected;
    if (!e) return false;
    if (this.clock.nowS() > e.untilS) {
      this.expected = undefined;
      return false;
    }
    const distanceM = Math.hypot(pose.x - e.x, pose.y - e.y);
    if (distanceM > e.radiusM) return false;
    this.expected = undefined;
    this.jumped = undefined;
    this.onJump?.({ kind: 'initialpose', distanceM, dtS, allowedM: e.radiusM });
    return true;
  }

  /** The vehicle is held after a localisation jump, until the poses agree again. */
  get poseJumpHeld(): boolean {
    return this.jumped !== undefined;
  }

  /**
   * Judges one ego message's order key, once per message (it advances the reset run): `take` (newer
   * than the last taken, or no key), `drop` (not newer: old data, counted in `outOfOrderCount`), or
   * `reset` (the last of a confirmed restarted-clock run: taken, and the robot's earlier stamps no
   * longer compare with its new ones — a caller measuring lag against them starts afresh).
   * `kind` says whether the key is a stamp (s) or a counter, for `OrderReset`'s threshold.
   */
  admit(orderKey: number | undefined, kind: 'stamp' | 'counter' = 'stamp'): OrderVerdict {
    const last = this.lastOrder;
    if (orderKey === undefined) return 'take';
    const r = this.orderReset;
    const backBy = kind === 'stamp' ? r.backByStampS : r.backByCount;
    // after a reset, the clock left behind is another timeline: its late messages (in flight, a
    // backlog) are far ahead of the new newest and must not switch back to it unconfirmed
    const other = this.otherTimeline;
    if (other !== undefined && last !== undefined && last >= other - backBy) this.otherTimeline = undefined;
    const ontoOther =
      this.otherTimeline !== undefined &&
      last !== undefined &&
      orderKey > last + backBy &&
      orderKey >= other! - backBy;
    if (last === undefined || (orderKey > last && !ontoOther)) {
      this.lastOrder = orderKey;
      this.resetRun = undefined;
      return 'take';
    }
    const nowS = this.clock.nowS();
    if (!ontoOther && orderKey >= last - backBy) {
      // a duplicate or a message overtaken by a little: old data, and no new timeline
      this.resetRun = undefined;
      this.outOfOrderCount++;
      return 'drop';
    }
    const run = this.resetRun;
    if (run && orderKey > run.lastKey) {
      run.lastKey = orderKey;
      run.n++;
    } else this.resetRun = { lastKey: orderKey, firstAtS: nowS, n: 1 };
    const cur = this.resetRun!;
    if (cur.n >= r.confirmN && nowS - cur.firstAtS >= r.confirmS) {
      this.otherTimeline = ontoOther ? undefined : last;
      this.lastOrder = orderKey;
      this.resetRun = undefined;
      this.clockResets++;
      // the stamps before the reset do not compare with the new ones: the jump check goes by our clock
      this.egoStampS = undefined;
      if (this.jumped) this.jumped.beforeStampS = undefined;
      return 'reset';
    }
    this.outOfOrderCount++;
    return 'drop';
  }

  /**
   * New odometry (rear-axle ego); announces a snapshot. `stampS` is the robot's own stamp, if any;
   * `lagS` how much later than the promptest messages it was taken in (a backlog): its time is
   * then that much earlier, so a pose that held a while ago is judged by the watchdog as that old.
   * `orderKey` (default: the stamp) orders the robot's messages through `admit`: one dropped there
   * returns false. `'admitted'`: the caller has called `admit` already (to hear of a reset first).
   */
  setEgo(
    ego: Omit<EgoState, 'tS'>,
    stampS?: number,
    lagS = 0,
    orderKey: number | undefined | 'admitted' = stampS,
  ): boolean {
    const nowS = this.clock.nowS();
    if (orderKey !== 'admitted' && this.admit(orderKey) === 'drop') return false;
    const tS = nowS - Math.max(0, lagS);
    // acceleration from consecutive speeds: the controller's jerk limit and the gate want it
    const prev = this.ego;
    if (prev && this.jumpCheck) this.judgeJump(prev, ego, tS, stampS);
    const accelMps2 =
      prev && tS - prev.tS > 1e-3 && tS - prev.tS < 0.5 ? (ego.speedMps - prev.speedMps) / (tS - prev.tS) : 0;
    this.ego = { ...ego, tS, accelMps2: Math.max(-12, Math.min(12, accelMps2)) };
    this.egoStampS = stampS;
    this.odometryCount++;
    for (const l of this.listeners) l();
    return true;
  }

  /**
   * The jump check on one new pose: time between the two on the robot's stamps when both have one
   * (a backlog arrives in a burst), else on ours.
   */
  private judgeJump(prev: EgoState, ego: Omit<EgoState, 'tS'>, tS: number, stampS: number | undefined): void {
    const c = this.jumpCheck!;
    const moved = (from: EgoState, fromStampS: number | undefined) => {
      const dtS = Math.max(
        0,
        tS - from.tS,
        stampS !== undefined && fromStampS !== undefined ? stampS - fromStampS : 0,
      );
      const distanceM = Math.hypot(ego.x - from.x, ego.y - from.y);
      const allowedM = c.maxSpeedMps * dtS + c.marginM;
      return { distanceM, dtS, allowedM, ok: distanceM <= allowedM };
    };
    const j = this.jumped;
    if (j) {
      // back near the track before the jump: the jump was one outlier
      const back = moved(j.before, j.beforeStampS);
      if (back.ok) {
        this.jumped = undefined;
        this.onJump?.({ kind: 'outlier-over', ...back });
        return;
      }
    }
    const m = moved(prev, this.egoStampS);
    // a jump onto the pose the operator set, or the held pose arriving there: the new track at once
    if ((!m.ok || j) && this.takeExpected(ego, m.dtS)) return;
    if (!m.ok) {
      this.jumpCount++;
      // a jump while held: the track before the first one stays the reference
      this.jumped = {
        before: j?.before ?? prev,
        beforeStampS: j ? j.beforeStampS : this.egoStampS,
        sinceS: tS,
      };
      this.onJump?.({ kind: 'jump', ...m });
      return;
    }
    if (j && tS - j.sinceS >= c.settleS) {
      this.jumped = undefined;
      this.onJump?.({ kind: 'relocalised', ...m });
    }
  }

  /**
   * New objects (map frame). `lagS`: how long before their arrival they were measured (from their
   * stamp, against the ego messages' clock offset), so objects that arrive late go stale sooner.
   */
  setAgents(agents: AgentState[], lagS = 0): void {
    this.agents = agents;
    this.agentsAtS = this.clock.nowS() - Math.max(0, lagS);
    this.objectsSeen = true;
  }

  setLights(lights: TrafficLightState[]): void {
    this.lights = lights;
    this.lightsAtS = this.clock.nowS();
  }

  /** An operator instruction; undefined or an empty text withdraws the one in force. */
  setInstruction(i: Instruction | undefined): void {
    this.instruction = i && i.text.trim() !== '' ? i : undefined;
    this.instructionAtS = this.clock.nowS();
  }

  /** The mission's route (undefined: no mission, hold). */
  setRoute(r: Route | undefined): void {
    this.route = r;
  }

  get currentRoute(): Route | undefined {
    return this.route;
  }

  /** The newest ego, fresh or not (for routing a new goal and telemetry). */
  get currentEgo(): EgoState | undefined {
    return this.ego;
  }

  /** The robot's stamp of the odometry behind the newest snapshot, s. */
  get inputStampS(): number | undefined {
    return this.egoStampS;
  }

  /**
   * Forget the vehicle state (the link went down): nothing old is used once it is back. Objects
   * stay required if they were coming before: the first snapshot waits for fresh ones.
   */
  invalidate(): void {
    this.ego = undefined;
    this.egoStampS = undefined;
    this.agents = [];
    if (this.objectsSeen) this.agentsAtS = Number.NEGATIVE_INFINITY;
    // an instruction was given for the situation before the outage; the order restarts too (the
    // robot may have restarted its counter while the link was down)
    this.instruction = undefined;
    this.lastOrder = undefined;
    this.resetRun = undefined;
    this.otherTimeline = undefined;
    // the first pose after an outage has nothing to be compared with (the vehicle may have moved)
    this.jumped = undefined;
  }

  /**
   * Why there is no snapshot now: `no-odometry`, `pose-jump` (held after a localisation jump),
   * `no-mission`, or `objects-stale` (objects came before and stopped: an empty road must not be
   * assumed) — undefined when there is one.
   */
  get missing(): 'no-odometry' | 'pose-jump' | 'no-mission' | 'objects-stale' | undefined {
    if (!this.ego) return 'no-odometry';
    if (this.jumped) return 'pose-jump';
    if (this.objectsSeen && this.ego.tS - this.agentsAtS > this.objectsStaleAfterS) return 'objects-stale';
    if (!this.route) return 'no-mission';
    return undefined;
  }

  /** The objects around the newest pose: none seen yet is an empty list; undefined when they went stale. */
  get freshAgents(): AgentState[] | undefined {
    if (!this.ego) return undefined;
    if (this.objectsSeen && this.ego.tS - this.agentsAtS > this.objectsStaleAfterS) return undefined;
    return this.agents;
  }

  latest(): WorldSnapshot | undefined {
    if (this.missing || !this.ego || !this.route) return undefined;
    const tS = this.ego.tS;
    return {
      tS,
      ego: this.ego,
      agents: this.agents,
      lights: tS - this.lightsAtS <= this.lightsStaleAfterS ? this.lights : [],
      route: this.route,
      ...(this.instruction && tS - this.instructionAtS <= this.instructionStaleAfterS
        ? { instruction: this.instruction }
        : {}),
    };
  }

  onSnapshot(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
