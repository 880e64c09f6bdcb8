/**
 * The stack's source for a live machine: the newest odometry, objects, traffic lights, instruction
 * and mission route, put together into a `WorldSnapshot` when the stack asks. Times are on the
 * bridge's clock at arrival (the robot's stamps are kept only to echo them back), so staleness
 * never depends on the two clocks agreeing. No route (no mission) or no odometry since the link came
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
  private route: Route | undefined;
  private readonly listeners = new Set<() => void>();
  /** Odometry messages taken in. */
  odometryCount = 0;

  constructor(
    private readonly clock: Clock,
    /** Objects older than this are left out, s. */
    private readonly objectsStaleAfterS = 1,
    /** Light states older than this are left out, s. */
    private readonly lightsStaleAfterS = 2,
  ) {}

  /**
   * New odometry (rear-axle ego); announces a snapshot. `stampS` is the robot's own stamp, if any;
   * `lagS` how much later than the promptest messages it was taken in (a backlog): its time is
   * then that much earlier, so a pose that held a while ago is judged by the watchdog as that old.
   */
  setEgo(ego: Omit<EgoState, 'tS'>, stampS?: number, lagS = 0): void {
    const tS = this.clock.nowS() - Math.max(0, lagS);
    // acceleration from consecutive speeds: the controller's jerk limit and the gate want it
    const prev = this.ego;
    const accelMps2 =
      prev && tS - prev.tS > 1e-3 && tS - prev.tS < 0.5 ? (ego.speedMps - prev.speedMps) / (tS - prev.tS) : 0;
    this.ego = { ...ego, tS, accelMps2: Math.max(-12, Math.min(12, accelMps2)) };
    this.egoStampS = stampS;
    this.odometryCount++;
    for (const l of this.listeners) l();
  }

  setAgents(agents: AgentState[]): void {
    this.agents = agents;
    this.agentsAtS = this.clock.nowS();
    this.objectsSeen = true;
  }

  setLights(lights: TrafficLightState[]): void {
    this.lights = lights;
    this.lightsAtS = this.clock.nowS();
  }

  setInstruction(i: Instruction | undefined): void {
    this.instruction = i;
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
  }

  /**
   * Why there is no snapshot now: `no-odometry`, `no-mission`, or `objects-stale` (objects came
   * before and stopped: an empty road must not be assumed) — undefined when there is one.
   */
  get missing(): 'no-odometry' | 'no-mission' | 'objects-stale' | undefined {
    if (!this.ego) return 'no-odometry';
    if (!this.route) return 'no-mission';
    if (this.objectsSeen && this.ego.tS - this.agentsAtS > this.objectsStaleAfterS) return 'objects-stale';
    return undefined;
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
      ...(this.instruction ? { instruction: this.instruction } : {}),
    };
  }

  onSnapshot(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
