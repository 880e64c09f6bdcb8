/**
 * A small deterministic OpenSCENARIO 1.x storyboard executor (the subset used by the esmini and
 * scenario_runner examples). It moves every entity — the ego included — along lane paths at 0.1 s,
 * evaluates start/stop triggers against those scripted motions, and records each entity's track.
 * Conditions that depend on the ego are evaluated against the ego's scripted (expert) motion, not
 * the planner's: the tracks it produces replay non-reactively (README, "Approximations").
 */
import {
  type AgentAttributes,
  angleDiff,
  boxesOverlap,
  Polyline,
  type TrackPoint,
  type Vec2,
  type VehicleParams,
} from '../../../core/index.ts';
import type { RoadMap } from '../../../core/map/RoadMap.ts';
import { bodyOrientation, type RoadCoord, type RoadGeometry } from '../opendrive/RoadGeometry.ts';
import {
  angle2Pi,
  angleDifference,
  LARGE_NUMBER,
  positionDelta,
  type RoadPosition,
} from '../opendrive/RoadPath.ts';
import { attr, kid, kids, num, type XNode } from '../opendrive/XmlTree.ts';
import { initActionOrder } from './InitOrder.ts';
import {
  entityFrameDistanceM,
  LAT_DIST_UNLIMITED,
  lateralDistanceEntityStep,
  lateralDistanceRoadStep,
  type PlanePose,
  ROAD_LAT_DIST_START,
  type RoadLatDistParams,
  type RoadLatDistState,
  roadDistanceErrorM,
  roadFrameDistanceM,
} from './LateralDistance.ts';
import { type LongDistParams, type LongDistState, longitudinalDistanceStep } from './LongitudinalDistance.ts';
import {
  type SpeedProfileEntry,
  type SpeedProfilePlan,
  type SpeedProfileState,
  speedProfileInit,
  speedProfilePlan,
  speedProfileStep,
  UNCONSTRAINED,
} from './SpeedProfile.ts';
import { StoryboardValues } from './StoryboardValues.ts';
import { initialSyncState, type SyncParams, type SyncState, synchronizeStep } from './Synchronize.ts';
import {
  opposed,
  type PlineInterpolation,
  type TrajectoryHeading,
  type TrajectoryVertices,
  trajectoryHeadingAt,
  trajectoryStartDirection,
  trajectoryVertices,
} from './TrajectoryHeading.ts';
import {
  type ClothoidSegment,
  clothoidPoints,
  clothoidSplinePoints,
  type NurbsControlPoint,
  nurbsPoints,
} from './TrajectoryShape.ts';

export interface OscEntity {
  name: string;
  kind: 'vehicle' | 'pedestrian' | 'cyclist' | 'static';
  lengthM: number;
  widthM: number;
  /**
   * Reference point → footprint centre, along the entity's x axis, m: BoundingBox Center x, for a
   * Vehicle less its RearAxle positionX and `refpoint_x_offset` as esmini places the box (`VehicleBody.ts`).
   */
  centerOffsetM: number;
  /** A Vehicle's own body and limits (BoundingBox, Axles, Performance) as the ego's VehicleParams fields. */
  vehicle?: Partial<VehicleParams>;
  /** The values of `vehicle`'s source out of a road vehicle's range, left to the defaults (`VehicleBody.ts`). */
  vehicleWarnings?: string[];
  /** Subclass (vehicleCategory, pedestrianCategory, role). */
  attributes?: AgentAttributes;
  /** Vehicle Performance; absent = unlimited (esmini gives only vehicles limits). */
  performance?: { maxSpeedMps: number; maxAccelMps2: number; maxDecelMps2: number };
  /** Trailer hitch (on a tow vehicle) and coupler (on a trailer), m ahead of the reference point. */
  hitchDxM?: number;
  couplerDxM?: number;
  /** Reference point ahead of the rear axle (esmini `refpoint_x_offset`), m. */
  refpointXOffsetM?: number;
  /** esmini's trajectory properties (`ignoreHeadingForTrajMotion`, `plineInterpolation`). */
  trajectoryProps?: { ignoreHeadingForMotion?: boolean; plineInterpolation?: PlineInterpolation };
}

/** Resolves an OpenSCENARIO <Position> to a map pose (undefined + an unsupported note if it cannot). */
export type PositionResolver = (
  pos: XNode,
  path: string,
  states: ReadonlyMap<string, EntityState>,
) => { x: number; y: number; headingRad: number; zM?: number; rollRad?: number } | undefined;

/**
 * Lays an entity's lane path from a map pose: `lanes` restricts where it stands and is followed first
 * (a lane change's target lane, a route walked for a route-relative position); `routeRoads` is its
 * route (`EntityState.routeRoads`), which picks the connection at each junction beyond.
 */
export type PathBuilder = (
  x: number,
  y: number,
  headingRad: number,
  lanes?: string[],
  routeRoads?: readonly string[],
) => {
  path: Polyline;
  lanes: string[];
  /** Path s where each of `lanes` begins (parallel to it); absent for a path off the lanes. */
  laneFromS?: number[];
  sM: number;
  dM: number;
  deadEnd?: boolean;
};

/** Order of the first Init action (`OscExecutor.actionOrder`): below every storyboard action's. */
const INIT_ORDER_BASE = -1e6;

/** Below this speed an entity stands still (esmini ScenarioEngine STAND_STILL_THRESHOLD), m/s. */
const STAND_STILL_MPS = 1e-3;

/** esmini's SMALL_NUMBER (CommonMini.hpp): a trajectory ends this close to its end, m or s. */
const TRAJECTORY_END_EPS = 1e-6;

export interface EntityState {
  entity: OscEntity;
  /** Path the entity follows (lane centrelines), its arc length and lateral offset on it. */
  path: Polyline;
  pathLanes: string[];
  /** Path s where each of `pathLanes` begins (`PathBuilder`), when known. */
  pathLaneFromS?: number[];
  /**
   * cos(roll) of the road where the entity's offset from its path was last set: on a banked road
   * the plan-view offset is the surface offset times cos(roll), which changes along s (esmini keeps
   * the offset on the surface). Undefined off banked roads and after a placement.
   */
  bankCos?: number;
  /** Lanes of the route assigned by an AssignRouteAction (esmini keeps it through teleports). */
  routeLanes?: string[];
  /**
   * Roads of that route in order (connecting roads included), as esmini's Route holds them
   * (minimal_waypoints_, one per road): at a junction the entity takes the connection from its own
   * lane that leads to the route's road beyond it, else the first (`PathBuilder`).
   */
  routeRoads?: string[];
  sM: number;
  dM: number;
  speedMps: number;
  /** Longitudinal action in progress. */
  speed?: {
    /** Target speed (limited by Performance maxSpeed), m/s; relative targets re-read every step. */
    target: () => number;
    relative: boolean;
    continuous: boolean;
    shape: string;
    v0: number;
    vTarget: number;
    /** Storyboard order of the action that started it (negative: Init, in Init's order). */
    order: number;
    /** esmini TransitionDynamics parameter (time, s), its end, and the Performance stretch. */
    param: number;
    paramTarget: number;
    /**
     * A rate's value (dynamicsDimension rate): esmini's UpdateRate derives the parameter range
     * from it whenever the target changes (a relative target, every step).
     */
    rate?: number;
    scale: number;
    done: boolean;
  };
  lateral?: {
    fromD: number;
    toD: number;
    t0: number;
    durationS: number;
    shape: string;
    done: boolean;
    /** Storyboard order of the action that started it (negative: Init, in Init's order). */
    order: number;
    /**
     * Target lane of a lane change and its centre's d when it started: the change is relative to
     * that lane's centre, which may move (a widening lane), as esmini's lane change is.
     */
    laneId?: string;
    centre0?: number;
    /**
     * A lane offset moves sideways on top of the step (esmini's LatLaneOffsetAction sets the
     * offset at the s the entity reached); a lane change takes its lateral step out of it.
     */
    onTop?: boolean;
  };
  trajectory?: {
    line: Polyline;
    times?: number[];
    /** followingMode follow: per-vertex speed and acceleration in the trajectory's own time (rawTimes), and the mapping from simulation time. */
    follow?: {
      speed: number[];
      acc: number[];
      rawTimes: number[];
      tr0: number;
      scale: number;
      offset: number;
    };
    /** Arc length of each timed vertex on `line`. */
    vertexS?: number[];
    /** Roll of each vertex (Orientation r), interpolated like the position. */
    rolls?: number[];
    t0: number;
    s0: number;
    done: boolean;
    /** Polyline vertex headings and how they blend (esmini's trajectory heading); absent on other shapes: the line's heading. */
    vertices?: TrajectoryVertices;
    interpolation: PlineInterpolation;
    /** −1: the entity faces against the shape (esmini initialHeadingSign); with the speed sign it gives the direction of travel. */
    headingSign: 1 | -1;
    /** The entity is on a segment whose first vertex gave its heading (esmini explicit_h_active_). */
    explicitActive: boolean;
    /** Storyboard order of the action that started it (negative: Init, in Init's order). */
    order: number;
  };
  /** LateralDistanceAction in progress (`LateralDistance.ts`): keep `distanceM` beside `ref`. */
  latDist?: {
    ref: string;
    frame: 'entity' | 'road';
    /** entity frame: to the reference's left; road: esmini's signed target dt. */
    distanceM: number;
    params: RoadLatDistParams;
    state: RoadLatDistState;
    done: boolean;
  };
  /** LongitudinalDistanceAction in progress: keep `gap` (m, or s × speed) to `ref`. */
  /** SpeedProfileAction in progress (`SpeedProfile.ts`): the speed is read off its segments. */
  profile?: { plan: SpeedProfilePlan; state: SpeedProfileState; done: boolean };
  keepGap?: {
    ref: string;
    distanceM?: number;
    timeGapS?: number;
    freespace: boolean;
    /** Which side of the reference to keep: trailing +1, leading −1, `any` resolved at the start. */
    side: 1 | -1 | 'any';
    params: LongDistParams;
    state: LongDistState;
    continuous: boolean;
    done: boolean;
  };
  /** SynchronizeAction in progress: reach `target` when the master reaches `masterTarget`. */
  sync?: {
    master: string;
    masterTarget: { x: number; y: number; headingRad: number };
    target: { x: number; y: number; headingRad: number };
    finalSpeed: () => number | undefined;
    params: SyncParams;
    state: SyncState;
    done: boolean;
  };
  x: number;
  y: number;
  headingRad: number;
  accelMps2: number;
  travelledM: number;
  /** Since when the entity has stood still (speed below STAND_STILL_MPS), s; undefined while it moves. */
  standstillSinceS?: number;
  /** Since when the entity has been off the road (read where an OffroadCondition looks), s. */
  offRoadSinceS?: number;
  /** Whether its lane path ends in a road end without a successor (not merely our path length cap). */
  deadEnd: boolean;
  /** Whether a position was ever given (teleport); an entity that starts on a trajectory starts at its start. */
  placed: boolean;
  /** Since when it has been stuck at that road end, s. */
  endOfRoadSinceS?: number;
  /** Height above the road (m), roll and heading relative to the road / its path (rad), kept while it moves. */
  zOffsetM: number;
  rollRad: number;
  hRelRad: number;
  /** Per track point: height above the road and roll, as above. */
  attitude: { zM: number; rollRad: number }[];
  /** Rear axle position of a vehicle whose reference point is ahead of it (refpoint_x_offset). */
  rearAxle?: { x: number; y: number };
  /** The trailer it tows and the vehicle towing it (ConnectTrailerAction). */
  trailer?: string;
  towedBy?: string;
  /** When a TeleportAction last placed it, s. */
  teleportedAtS?: number;
  /** Steps it has spent at that road end without moving. */
  endOfRoadStillSteps: number;
  track: TrackPoint[];
  /**
   * Whether it is in the scene (esmini's active objects): an entity an AddEntityAction brings in
   * and no Init action places waits outside until then; a DeleteEntityAction takes one out. Per
   * track point, as `attitude`.
   */
  active: boolean;
  activeTrack: boolean[];
}

type Status = 'standby' | 'running' | 'complete';

interface Element {
  kind: 'Story' | 'Act' | 'ManeuverGroup' | 'Maneuver' | 'Event' | 'Action';
  name: string;
  path: string;
  node: XNode;
  status: Status;
  children: Element[];
  parent?: Element;
  start?: XNode;
  stop?: XNode;
  actors: string[];
  /** Time of the last status change, s. */
  changedS: number;
  executions: number;
  maxExecutions: number;
  priority?: string;
  /** Action completion check. */
  isDone?: () => boolean;
  /** Ends what the action set going on its actors (a stopped action no longer steps them). */
  onStop?: () => void;
}

export interface ExecutorOptions {
  dtS: number;
  maxDurationS: number;
  /** esmini C++ API stepping: Init teleports hold their entities through the first step. */
  engineApi?: boolean;
}

/** One storyboard log line, in the vocabulary of esmini's log (EXPECTATIONS.md quantities). */
export interface StoryEvent {
  tS: number;
  kind:
    | 'condition_true_time'
    | 'condition_false_time'
    | 'condition_triggered_time'
    | 'element_start_time'
    | 'element_end_time'
    | 'element_stop_time'
    | 'element_end_to_standby_time'
    | 'event_complete_time'
    | 'event_run_completed_time'
    | 'storyboard_end_time'
    | 'simulation_end_time'
    | 'synchronize_reached_time';
  name: string;
}

export interface ExecutorResult {
  states: Map<string, EntityState>;
  /** When the storyboard's StopTrigger fired (or the time limit), s. */
  endS: number;
  /** Event start times by event name (for tests and reports). */
  eventStarts: Map<string, number>;
  /**
   * Every TrafficSignalStateAction by signal name (the OpenDRIVE signal id): the lamp-state
   * strings ("on;off;off", one mode per lamp, top to bottom) and when each was set, in order.
   */
  signalStates: Map<string, { tS: number; state: string }[]>;
  /** esmini's log lines that are not storyboard transitions (a speed profile extended in time). */
  messages: ExecutorMessage[];
}

/** One such line: when, which entity, what. */
export interface ExecutorMessage {
  tS: number;
  name: string;
  message: string;
}

/** d shapeAt / dτ at τ (esmini TransitionDynamics::EvaluatePrim over the parameter range). */
function shapeRate(shape: string, tau: number): number {
  const u = Math.min(Math.max(tau, 0), 1);
  switch (shape) {
    case 'cubic':
      return 6 * u * (1 - u);
    case 'sinusoidal':
      return (Math.PI / 2) * Math.sin(Math.PI * u);
    default:
      return 1;
  }
}

function shapeAt(shape: string, tau: number): number {
  const u = Math.min(Math.max(tau, 0), 1);
  switch (shape) {
    case 'step':
      return 1;
    case 'cubic':
      return u * u * (3 - 2 * u);
    case 'sinusoidal':
      return (1 - Math.cos(Math.PI * u)) / 2;
    default:
      return u;
  }
}

/** Peak derivative of a unit transition over a unit parameter range (esmini EvaluatePrimPeak). */
function peakFactor(shape: string): number {
  return shape === 'sinusoidal' ? Math.PI / 2 : shape === 'cubic' ? 1.5 : 1;
}

/** esmini TransitionDynamics::Evaluate: the speed at the transition's current parameter. */
function transitionValue(sp: NonNullable<EntityState['speed']>): number {
  if (sp.shape === 'step' || sp.paramTarget < 1e-9) return sp.vTarget;
  return sp.v0 + (sp.vTarget - sp.v0) * shapeAt(sp.shape, sp.param / sp.paramTarget);
}

function compare(rule: string | undefined, a: number, b: number): boolean {
  switch (rule) {
    case 'greaterThan':
      return a > b;
    case 'lessThan':
      return a < b;
    case 'greaterOrEqual':
      return a >= b;
    case 'lessOrEqual':
      return a <= b;
    case 'notEqualTo':
      return Math.abs(a - b) > 1e-3;
    default:
      return Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));
  }
}

/** A delayed condition's value changes (times `t`, values `v`) and the index of the next unread one. */
interface ConditionHistory {
  t: number[];
  v: boolean[];
  next: number;
}

/**
 * The value a condition had at `tS` (esmini ConditionDelay::GetValueAtTime): true when it was true
 * at any change read since the last call (a one-sample edge is not lost between steps), else the
 * value then. Advances the history's read index.
 */
function delayedValue(h: ConditionHistory, tS: number): boolean {
  const eps = 1e-10;
  if (h.next >= h.t.length) return h.v[h.v.length - 1] ?? false;
  if (tS > h.t[h.next]! - eps) {
    let r = false;
    for (; h.next < h.t.length && tS > h.t[h.next]! - eps; h.next++) r ||= h.v[h.next]!;
    return r;
  }
  return h.next > 0 ? h.v[h.next - 1]! : false;
}

/** Remaining path length at which a lane path is extended, m. */
const PATH_EXTEND_M = 200;
/** Lane width assumed when counting lanes by lateral offset (RelativeClearanceCondition), m. */
const LANE_WIDTH_GUESS_M = 3.5;

/**
 * What an unsupported private action leaves out, said in its unsupported line (keyed by the
 * innermost element named). Controllers: every entity keeps the default controller, as esmini with
 * --disable_controllers. Anything not listed here is "not supported" and may change the motion.
 */
const PRIVATE_ACTION_GAPS: Readonly<Record<string, string>> = {
  ActivateControllerAction: 'not supported (controllers are not simulated: the default controller drives)',
  AssignControllerAction: 'not supported (controllers are not simulated: the default controller drives)',
  OverrideControllerValueAction:
    'not supported (pedal, brake, gear and steering overrides are not applied: the default controller drives)',
  AppearanceAction: 'not supported (lights and animations: no effect on motion here)',
  LightStateAction: 'not supported (lights: no effect on motion here)',
  AnimationAction: 'not supported (animations: no effect on motion here)',
  VisibilityAction: 'not supported (sensor visibility: no effect on motion here)',
  RandomRouteAction: 'not supported (no random route: the entity keeps the straightest way)',
};

/** What an unsupported GlobalAction leaves out, said in its unsupported line. */
const GLOBAL_ACTION_GAPS: Readonly<Record<string, string>> = {
  EnvironmentAction: 'not supported (weather and time of day: no effect on motion here)',
  InfrastructureAction: 'not supported',
  TrafficAction: 'not supported (no swarm, source or sink traffic is spawned)',
};

/**
 * What an unsupported TrafficAction leaves out, by its kind, with the numbers that say how much
 * traffic is missing: [path suffix, unsupported line]. esmini spawns swarm and source traffic at
 * random (its swarm test keeps only the Ego's rows for that reason), so no replay could match it.
 */
function trafficActionGap(ta: XNode): [string, string] {
  const a = (n: XNode | undefined, k: string) => attr(n ?? {}, k) ?? '?';
  const swarm = kid(ta, 'TrafficSwarmAction');
  if (swarm)
    return [
      '/TrafficSwarmAction',
      `not supported (esmini's random swarm: up to ${a(swarm, 'numberOfVehicles')} vehicles around ${a(kid(swarm, 'CentralObject'), 'entityRef')} between ${a(swarm, 'innerRadius')} m and a ${a(swarm, 'semiMajorAxis')} × ${a(swarm, 'semiMinorAxis')} m ellipse are not spawned: the scenario plays without them)`,
    ];
  const source = kid(ta, 'TrafficSourceAction');
  if (source)
    return [
      '/TrafficSourceAction',
      `not supported (no vehicles enter at ${a(source, 'rate')} per s within ${a(source, 'radius')} m of its position: the scenario plays without them)`,
    ];
  const sink = kid(ta, 'TrafficSinkAction');
  if (sink)
    return [
      '/TrafficSinkAction',
      `not supported (vehicles within ${a(sink, 'radius')} m of its position are not removed)`,
    ];
  if (kid(ta, 'TrafficStopAction'))
    return ['/TrafficStopAction', 'not supported (there is no spawned traffic to stop)'];
  return ['', GLOBAL_ACTION_GAPS.TrafficAction!];
}

export class OscExecutor {
  readonly unsupported: string[];
  private readonly states = new Map<string, EntityState>();
  private readonly elements: Element[] = [];
  private readonly byName = new Map<string, Element[]>();
  /** The OpenDRIVE road model, when the scenario has one (road / lane ids for lane-relative conditions). */
  roads?: RoadGeometry;
  /** The global parameters and variables ParameterAction / VariableAction write and their conditions read. */
  values: { parameters: StoryboardValues; variables: StoryboardValues } = {
    parameters: new StoryboardValues(),
    variables: new StoryboardValues(),
  };
  /** Resolves a route CatalogReference (parameters assigned) to its <Route> node. */
  catalogRoute?: (ref: XNode, path: string) => XNode | undefined;
  /** Resolves a maneuver CatalogReference (parameters assigned) to its <Maneuver> node. */
  catalogManeuver?: (ref: XNode, path: string) => XNode | undefined;
  /** The element whose trigger is being evaluated (scopes storyboard references to its maneuver group). */
  private ctx?: Element;
  private tS = 0;
  /**
   * Storyboard order of the action being applied (negative: Init, from INIT_ORDER_BASE in Init's
   * order); esmini steps actions in this order.
   */
  private actionOrder = -1;
  /** See ExecutorOptions.engineApi. */
  private engineApi = false;
  /** Each condition's edge-detected value at the previous evaluation. */
  private readonly condFiredPrev = new Map<XNode, boolean>();
  private readonly condPrev = new Map<XNode, boolean>();
  private readonly condSince = new Map<XNode, number>();
  /** Delayed conditions: the times their (edge-detected) value changed, and the next one unread. */
  private readonly condHistory = new Map<XNode, ConditionHistory>();
  private readonly eventStarts = new Map<string, number>();
  /** Lamp states set by TrafficSignalStateAction, by signal name, in the order they were set. */
  private readonly signalStates = new Map<string, { tS: number; state: string }[]>();
  /** Storyboard log: condition, element and storyboard transitions with their times. */
  readonly log: StoryEvent[] = [];
  /** esmini's other log lines (`ExecutorResult.messages`). */
  readonly messages: ExecutorMessage[] = [];
  private readonly triggeredLogged = new Set<XNode>();
  /** Actions started this step, applied once all triggers of the step are evaluated. */
  private readonly pendingActions: (() => void)[] = [];
  /** Init actions that take time (esmini names them "Init <entity> <ActionType>"). */
  private readonly initActions: { name: string; done: () => boolean; logged: boolean }[] = [];
  /** The run `begin` started: its stop trigger, options, frame count, next frame and storyboard end. */
  private running?: {
    stopTrigger: XNode | undefined;
    o: ExecutorOptions & { minDurationS: number };
    steps: number;
    k: number;
    endS?: number;
    over: boolean;
  };
  /**
   * How the storyboard reads: `esmini` (the standard, as esmini runs it) or `scenario_runner`, as
   * CARLA ScenarioRunner runs the files written for it: its py_trees conditions ignore
   * conditionEdge (a condition is true while it holds); its SimulationTimeCondition counts from when
   * the condition began to be evaluated, again from each time it was true (`SimulationTime equalTo
   * 0` holds whenever it is looked at); an absolute SpeedAction sets the target speed at once and
   * runs for its dynamics' distance or time (ChangeActorTargetSpeed).
   */
  dialect: 'esmini' | 'scenario_runner' = 'esmini';
  /**
   * An entity's path where it is not its lane's: undefined for an entity that follows its lane.
   * ScenarioRunner's files: a controller without steering walks or drives straight along the
   * heading the entity is placed with (`ScenarioRunnerControllers.ts`, set before Init).
   */
  headingPath?: (
    entity: string,
    x: number,
    y: number,
    headingRad: number,
  ) => ReturnType<PathBuilder> | undefined;
  /** scenario_runner dialect: when each SimulationTimeCondition (re)started counting, s. */
  private readonly simTimeZero = new Map<XNode, number>();
  /** Entities driven from outside (`drive`): read by the storyboard, moved by no action. */
  private readonly external = new Set<string>();
  /** Scratch: the entities in the order `move` steps them. */
  private readonly stepOrder: EntityState[] = [];
  /** Speed actions in the order they started, for esmini's zero-length first step (`zeroStep`). */
  private readonly startedSpeeds: { st: EntityState; sp: NonNullable<EntityState['speed']> }[] = [];

  constructor(
    private readonly map: RoadMap,
    private readonly resolvePos: PositionResolver,
    private readonly buildPath: PathBuilder,
    unsupported: string[],
  ) {
    this.unsupported = unsupported;
  }

  /** Last road each entity was found on (keeps an entity on its road where roads overlap). */
  private readonly lastRoad = new Map<string, string>();

  /** Road coordinates of an entity, preferring its previous road (or `preferRoadId`); undefined without a road model. */
  private roadCoord(st: EntityState, preferRoadId?: string): RoadCoord | undefined {
    if (!this.roads) return undefined;
    const c = this.roads.worldToRoad(st.x, st.y, this.lastRoad.get(st.entity.name) ?? preferRoadId);
    if (c) this.lastRoad.set(st.entity.name, c.roadId);
    return c;
  }

  /**
   * A map pose as esmini's Position holds it on the road: road, nearest driving lane, s, t and the
   * heading relative to the road (for road-network distances); undefined off every road.
   */
  private roadPosition(x: number, y: number, headingRad: number, st?: EntityState): RoadPosition | undefined {
    if (!this.roads) return undefined;
    const c = st ? this.roadCoord(st) : this.roads.worldToRoad(x, y);
    if (!c) return undefined;
    const p = this.roads.pose(c.roadId, c.sM, c.tM);
    if (!p.ok) return undefined;
    return {
      roadId: c.roadId,
      laneId: this.roads.closestLane(c.roadId, c.sM, c.tM).laneId,
      sM: c.sM,
      tM: c.tM,
      hRelRad: angle2Pi(headingRad - p.value.hRoad),
      x,
      y,
      hRad: headingRad,
    };
  }

  /**
   * esmini's Position::Distance in road (or lane: esmini falls back to road) coordinates from an
   * entity to a map pose: |Delta ds| (longitudinal) or |dt| (lateral) along the road network;
   * LARGE_NUMBER when no road path joins them, as esmini's conditions read a failed measurement.
   */
  /** Delta (ds, dt) from one entity to another along the road network; undefined without a road path. */
  private roadDelta(a: EntityState, b: EntityState): { ds: number; dt: number } | undefined {
    if (!this.roads) return undefined;
    const pa = this.roadPosition(a.x, a.y, a.headingRad, a);
    const pb = this.roadPosition(b.x, b.y, b.headingRad, b);
    if (!pa || !pb) return undefined;
    const d = positionDelta(this.roads, pa, pb);
    return d.found ? { ds: d.delta.ds, dt: d.delta.dt } : undefined;
  }

  private roadNetworkDistance(
    a: EntityState,
    b: { x: number; y: number; headingRad: number },
    bState: EntityState | undefined,
    type: 'longitudinal' | 'lateral',
  ): number {
    if (!this.roads) return LARGE_NUMBER;
    const pa = this.roadPosition(a.x, a.y, a.headingRad, a);
    const pb = this.roadPosition(b.x, b.y, b.headingRad, bState);
    if (!pa || !pb) return LARGE_NUMBER;
    const d = positionDelta(this.roads, pa, pb);
    if (!d.found) return LARGE_NUMBER;
    return Math.abs(type === 'lateral' ? d.delta.dt : d.delta.ds);
  }

  /**
   * Distance from an entity to a target pose for SynchronizeAction: |Delta ds| along the road
   * network with its sign as direction, else the straight line with the direction from the
   * entity's heading (esmini SynchronizeAction::Step).
   */
  private syncDistance(
    a: EntityState,
    target: { x: number; y: number; headingRad: number },
  ): { distM: number; direction: number } {
    if (this.roads) {
      const pa = this.roadPosition(a.x, a.y, a.headingRad, a);
      const pb = this.roadPosition(target.x, target.y, target.headingRad);
      if (pa && pb) {
        const d = positionDelta(this.roads, pa, pb);
        if (d.found) return { distM: Math.abs(d.delta.ds), direction: d.delta.ds < 0 ? -1 : 1 };
      }
    }
    const dx = target.x - a.x;
    const dy = target.y - a.y;
    const ahead = Math.cos(Math.atan2(dy, dx) - a.headingRad) >= 0;
    return { distM: Math.hypot(dx, dy), direction: ahead ? 1 : -1 };
  }

  /** An entity's speed along its road's reference line (esmini Position::GetVelS); the speed itself off the roads. */
  private speedAlongRoad(a: EntityState): number {
    const c = this.roads ? this.roadCoord(a) : undefined;
    const p = c && this.roads ? this.roads.pose(c.roadId, c.sM, c.tM) : undefined;
    if (!p?.ok) return a.speedMps;
    return a.speedMps * Math.cos(a.headingRad - p.value.hRoad);
  }

  /**
   * Hitches `trailer` to `tow` (a vehicle's own trailer, at load): a trailer the Init did not place
   * stands straight behind the tow vehicle, its coupler on the hitch (esmini); from then on it is
   * pulled like one connected by a ConnectTrailerAction.
   */
  hitch(tow: string, trailer: string): void {
    const st = this.states.get(tow);
    const tr = this.states.get(trailer);
    if (!st || !tr || st.entity.hitchDxM === undefined || tr.entity.couplerDxM === undefined) {
      this.note(`${tow}/Trailer`, `cannot hitch ${trailer}: no such entity, TrailerHitch or TrailerCoupler`);
      return;
    }
    st.trailer = trailer;
    tr.towedBy = tow;
    if (!st.placed || tr.placed) return;
    const back = st.entity.hitchDxM - tr.entity.couplerDxM;
    const c = Math.cos(st.headingRad);
    const s = Math.sin(st.headingRad);
    this.place(tr, { x: st.x + back * c, y: st.y + back * s, headingRad: st.headingRad });
    tr.speedMps = st.speedMps;
  }

  /**
   * esmini's Vehicle::AlignTrailers, run when the head of a trailer chain is teleported: each
   * trailer down the chain is put straight behind the one towing it, its coupler on that one's
   * hitch, all along the head's heading, and given the head's speed.
   */
  private alignTrailers(head: EntityState): void {
    const c = Math.cos(head.headingRad);
    const s = Math.sin(head.headingRad);
    let v: EntityState | undefined = head;
    for (let k = 0; v?.trailer && k < 100; k++) {
      const tr = this.states.get(v.trailer);
      if (!tr || v.entity.hitchDxM === undefined || tr.entity.couplerDxM === undefined) break;
      const back = v.entity.hitchDxM - tr.entity.couplerDxM;
      this.place(tr, { x: v.x + back * c, y: v.y + back * s, headingRad: head.headingRad });
      tr.speedMps = head.speedMps;
      v = tr;
    }
  }

  private note(path: string, what: string): void {
    const msg = `${path}: ${what}`;
    if (!this.unsupported.includes(msg)) this.unsupported.push(msg);
  }

  addEntity(e: OscEntity): void {
    const line = new Polyline([
      { x: 0, y: 0 },
      { x: 1, y: 0 },
    ]);
    this.states.set(e.name, {
      entity: e,
      path: line,
      pathLanes: [],
      deadEnd: false,
      endOfRoadStillSteps: 0,
      zOffsetM: 0,
      rollRad: 0,
      hRelRad: 0,
      attitude: [],
      placed: false,
      sM: 0,
      dM: 0,
      speedMps: 0,
      x: 0,
      y: 0,
      headingRad: 0,
      accelMps2: 0,
      travelledM: 0,
      track: [],
      active: true,
      activeTrack: [],
    });
  }

  get entityStates(): ReadonlyMap<string, EntityState> {
    return this.states;
  }

  /**
   * Puts the entity at `pose` on the lane it stands on, its path along that lane's successors (at
   * junctions by its route's roads, as esmini's MoveToConnectingRoad: an entity changes no lane to
   * follow its route).
   */
  private place(
    st: EntityState,
    pose: { x: number; y: number; headingRad: number; zM?: number; rollRad?: number },
  ): void {
    const p =
      this.headingPath?.(st.entity.name, pose.x, pose.y, pose.headingRad) ??
      this.buildPath(pose.x, pose.y, pose.headingRad, undefined, st.routeRoads);
    st.path = p.path;
    st.pathLanes = p.lanes;
    st.pathLaneFromS = p.laneFromS;
    st.deadEnd = p.deadEnd ?? false;
    st.placed = true;
    st.endOfRoadSinceS = undefined;
    st.endOfRoadStillSteps = 0;
    st.sM = p.sM;
    st.dM = p.dM;
    st.bankCos = undefined;
    st.lateral = undefined;
    st.trajectory = undefined;
    st.x = pose.x;
    st.y = pose.y;
    st.headingRad = pose.headingRad;
    st.zOffsetM = pose.zM ?? 0;
    st.rollRad = pose.rollRad ?? 0;
    // A heading off the path's direction (e.g. an Orientation h relative to the road) is kept.
    const hp = p.path.headingAt(p.sM);
    const dh = Math.atan2(Math.sin(pose.headingRad - hp), Math.cos(pose.headingRad - hp));
    st.hRelRad = Math.abs(dh) > 1e-3 && Math.abs(dh) < Math.PI / 2 ? dh : 0;
  }

  /** Applies one PrivateAction to `actor`; returns a completion check (undefined = instantaneous). */
  private privateAction(actor: string, pa: XNode, path: string): (() => boolean) | undefined {
    const st = this.states.get(actor);
    if (!st) {
      this.note(path, `unknown entity ${actor}`);
      return undefined;
    }
    const tele = kid(pa, 'TeleportAction');
    if (tele) {
      const where = kid(tele, 'Position') ?? {};
      const pos =
        this.routeRelative(st, where, `${path}/TeleportAction/Position`) ??
        this.resolvePos(where, `${path}/TeleportAction/Position`, this.states);
      if (pos) {
        this.place(st, pos);
        st.teleportedAtS = this.tS;
        const off = st.entity.refpointXOffsetM;
        if (off)
          st.rearAxle = { x: st.x - off * Math.cos(st.headingRad), y: st.y - off * Math.sin(st.headingRad) };
        if (!st.towedBy && st.trailer) this.alignTrailers(st);
      }
      return undefined;
    }
    const ta = kid(pa, 'TrailerAction');
    if (ta) {
      // esmini: a connected trailer is pulled by its hitch and not moved on its own.
      const old = st.trailer ? this.states.get(st.trailer) : undefined;
      if (old) {
        // A released trailer stands where it was left.
        old.towedBy = undefined;
        old.speedMps = 0;
        old.speed = undefined;
        this.place(old, { x: old.x, y: old.y, headingRad: old.headingRad });
      }
      st.trailer = undefined;
      const conn = kid(ta, 'ConnectTrailerAction');
      if (conn) {
        const tr = this.states.get(attr(conn, 'trailerRef') ?? '');
        if (!tr) this.note(`${path}/TrailerAction/ConnectTrailerAction@trailerRef`, 'unknown entity');
        else if (st.entity.hitchDxM !== undefined && tr.entity.couplerDxM !== undefined) {
          st.trailer = tr.entity.name;
          tr.towedBy = st.entity.name;
        }
      } else if (!kid(ta, 'DisconnectTrailerAction'))
        this.note(`${path}/TrailerAction`, 'expected ConnectTrailerAction or DisconnectTrailerAction');
      return undefined;
    }
    const lon = kid(pa, 'LongitudinalAction');
    const sa = kid(lon, 'SpeedAction');
    if (sa) return this.speedAction(st, sa, `${path}/LongitudinalAction/SpeedAction`);
    const lda = kid(lon, 'LongitudinalDistanceAction');
    if (lda) {
      const p = `${path}/LongitudinalAction/LongitudinalDistanceAction`;
      const lim = kid(lda, 'DynamicConstraints');
      const dist = attr(lda, 'distance');
      const tg = attr(lda, 'timeGap');
      const disp = attr(lda, 'displacement');
      // esmini's LongDistanceAction: without DynamicConstraints every limit is LARGE_NUMBER (the
      // entity is put at the distance); with them, as parseDynamicConstraints reads them
      const params: LongDistParams = lim
        ? this.dynamicConstraints(st, lim, `${p}/DynamicConstraints`)
        : {
            maxSpeedMps: LARGE_NUMBER,
            maxAccelMps2: LARGE_NUMBER,
            maxAccelRateMps3: LARGE_NUMBER,
            maxDecelMps2: LARGE_NUMBER,
            maxDecelRateMps3: LARGE_NUMBER,
          };
      const kg: NonNullable<EntityState['keepGap']> = {
        ref: attr(lda, 'entityRef') ?? '',
        ...(dist !== undefined ? { distanceM: Math.abs(num(lda, 'distance', p)) } : {}),
        ...(tg !== undefined ? { timeGapS: Math.abs(num(lda, 'timeGap', p)) } : {}),
        freespace: attr(lda, 'freespace') === 'true' || attr(lda, 'freespace') === '1',
        side: disp === 'leadingReferencedEntity' ? -1 : disp === 'any' ? 'any' : 1,
        params,
        state: { accelMps2: 0 },
        continuous: attr(lda, 'continuous') === 'true',
        done: false,
      };
      if (!this.states.has(kg.ref)) {
        this.note(p, `unknown entity ${kg.ref}`);
        return undefined;
      }
      st.speed = undefined;
      if (st.profile) st.profile.done = true;
      st.keepGap = kg;
      return () => kg.done;
    }
    const spa = kid(lon, 'SpeedProfileAction');
    if (spa) return this.speedProfile(st, spa, `${path}/LongitudinalAction/SpeedProfileAction`);
    if (lon) {
      this.note(
        `${path}/LongitudinalAction/${Object.keys(lon).find((k) => k !== '$') ?? '?'}`,
        'not supported',
      );
      return undefined;
    }
    const lat = kid(pa, 'LateralAction');
    const lda2 = kid(lat, 'LateralDistanceAction');
    if (lda2) return this.lateralDistance(st, lda2, `${path}/LateralAction/LateralDistanceAction`);
    const lc = kid(lat, 'LaneChangeAction');
    if (lc) return this.laneChange(st, lc, `${path}/LateralAction/LaneChangeAction`);
    const lo = kid(lat, 'LaneOffsetAction');
    if (lo) {
      const p = `${path}/LateralAction/LaneOffsetAction`;
      const tgt = kid(kid(lo, 'LaneOffsetTarget'), 'AbsoluteTargetLaneOffset');
      const rel = kid(kid(lo, 'LaneOffsetTarget'), 'RelativeTargetLaneOffset');
      const dyn = kid(lo, 'LaneOffsetActionDynamics');
      let to: number;
      if (tgt) to = st.dM - (st.lateral ? st.lateral.toD : 0) + num(tgt, 'value', p);
      else if (rel) {
        const rp = `${p}/LaneOffsetTarget/RelativeTargetLaneOffset`;
        const ref = this.states.get(attr(rel, 'entityRef') ?? '');
        if (!ref) {
          this.note(`${rp}@entityRef`, `unknown entity ${attr(rel, 'entityRef')}`);
          return undefined;
        }
        const at = this.relativeOffsetPoint(ref, num(rel, 'value', rp));
        to = st.path.project(at.x, at.y).dM;
      } else {
        this.note(`${p}/LaneOffsetTarget`, 'needs an AbsoluteTargetLaneOffset or a RelativeTargetLaneOffset');
        return undefined;
      }
      const maxLat = dyn ? num(dyn, 'maxLateralAcc', p, 0.5) : 0.5;
      const dur = Math.max(0.5, Math.sqrt((4 * Math.abs(to - st.dM)) / Math.max(maxLat, 0.1)));
      const l = {
        fromD: st.dM,
        toD: to,
        t0: this.tS,
        durationS: dur,
        shape: attr(dyn, 'dynamicsShape') ?? 'cubic',
        done: false,
        order: this.actionOrder,
        onTop: true,
      };
      st.lateral = l;
      if (st.latDist) st.latDist.done = true;
      return () => l.done;
    }
    const rt = kid(pa, 'RoutingAction');
    const ar = kid(rt, 'AssignRouteAction');
    if (ar) {
      const p = `${path}/RoutingAction/AssignRouteAction`;
      const ref = kid(ar, 'CatalogReference');
      const route = kid(ar, 'Route') ?? (ref ? this.catalogRoute?.(ref, `${p}/CatalogReference`) : undefined);
      if (!route) {
        this.note(
          `${p}/CatalogReference`,
          ref
            ? `route ${attr(ref, 'catalogName')}/${attr(ref, 'entryName')} not found in the RouteCatalog directories`
            : 'no Route',
        );
        return undefined;
      }
      const wps = kids(route, 'Waypoint')
        .map((w, i) =>
          this.resolvePos(kid(w, 'Position') ?? {}, `${p}/Route/Waypoint[${i}]/Position`, this.states),
        )
        .filter((w): w is { x: number; y: number; headingRad: number } => w !== undefined);
      this.assignRoute(st, wps);
      return undefined;
    }
    const acq = kid(rt, 'AcquirePositionAction');
    if (acq) {
      // esmini AcquirePositionAction::Start: a route from where the entity is, along its lane the
      // way it faces, to the position; then it drives as after an AssignRouteAction.
      const p = `${path}/RoutingAction/AcquirePositionAction/Position`;
      const target = this.resolvePos(kid(acq, 'Position') ?? {}, p, this.states);
      if (target) this.assignRoute(st, [{ x: st.x, y: st.y, headingRad: st.headingRad }, target]);
      return undefined;
    }
    const sync = kid(pa, 'SynchronizeAction');
    if (sync) return this.synchronize(st, sync, `${path}/SynchronizeAction`);
    const ft = kid(rt, 'FollowTrajectoryAction');
    if (ft) return this.followTrajectory(st, ft, `${path}/RoutingAction/FollowTrajectoryAction`);
    const name = Object.keys(pa).find((k) => k !== '$') ?? '(empty)';
    const inner = Object.keys((kid(pa, name) ?? {}) as object).find((k) => k !== '$');
    const innerMost = Object.keys((kid(kid(pa, name), inner ?? '') ?? {}) as object).find((k) => k !== '$');
    this.note(
      `${path}/${name}${inner ? `/${inner}` : ''}`,
      PRIVATE_ACTION_GAPS[innerMost ?? ''] ??
        PRIVATE_ACTION_GAPS[inner ?? ''] ??
        PRIVATE_ACTION_GAPS[name] ??
        'not supported',
    );
    return undefined;
  }

  /**
   * A RelativeLanePosition / RelativeRoadPosition moved along a route, as esmini's
   * Position::EvaluateRelation: the entity's own assigned route first, else the reference's;
   * `dsLane` (or `ds` where the reference's lane runs along s) along the route from the reference,
   * through junctions. Undefined without a route, for a lane or t change (dLane, dt), or past
   * the route's ends: the position is then resolved on the road (OpenScenario.ts).
   */
  private routeRelative(
    st: EntityState,
    pos: XNode,
    path: string,
  ): { x: number; y: number; headingRad: number } | undefined {
    const tag = kid(pos, 'RelativeLanePosition') ? 'RelativeLanePosition' : 'RelativeRoadPosition';
    const n = kid(pos, tag);
    const ref = n ? this.states.get(attr(n, 'entityRef') ?? '') : undefined;
    const route = st.routeLanes ?? ref?.routeLanes;
    if (!n || !ref || !route) return undefined;
    const p = `${path}/${tag}`;
    const dLane = Math.round(num(n, 'dLane', p, 0));
    const dt = num(n, 'dt', p, 0);
    const along = this.buildPath(ref.x, ref.y, ref.headingRad, route);
    if (along.lanes.length === 0 || !route.includes(along.lanes[0]!)) return undefined;
    let ds: number;
    if (attr(n, 'ds') !== undefined) {
      // ds runs along s: along the route where its lane does.
      const c = this.roadCoord(ref);
      const pose = c ? this.roads?.pose(c.roadId, c.sM, c.tM) : undefined;
      if (!pose?.ok) return undefined;
      const laneAlongS = Math.cos(along.path.headingAt(along.sM) - pose.value.hRoad) >= 0;
      ds = laneAlongS ? num(n, 'ds', p) : -num(n, 'ds', p);
    } else ds = num(n, 'dsLane', p, 0);
    const sM = along.sM + ds;
    if (sM < 0 || sM > along.path.length) return undefined;
    const o = kid(n, 'Orientation');
    const h = Number(attr(o, 'h') ?? 0) || 0;
    const turn = (base: number): number => (attr(o, 'type') === 'absolute' ? h : base + h);
    if (dLane === 0 && dt === 0) {
      const c = along.path.toCartesian(sM, num(n, 'offset', p, 0));
      return { x: c.x, y: c.y, headingRad: turn(c.headingRad) };
    }
    // A lane or t change applies on the road reached (esmini: SetLanePos / SetTrackPos there,
    // with the reference's lane id stepped by dLane, or its t plus dt).
    const c = along.path.toCartesian(sM, 0);
    const at = this.roads?.worldToRoad(c.x, c.y);
    const refAt = this.roadCoord(ref);
    const roadPose = at && refAt ? this.roads!.pose(at.roadId, at.sM, at.tM) : undefined;
    if (!at || !refAt || !roadPose?.ok) return undefined;
    if (tag === 'RelativeRoadPosition') {
      const r = this.roads!.pose(at.roadId, at.sM, at.tM + dt);
      return r.ok ? { x: r.value.x, y: r.value.y, headingRad: turn(r.value.hRoad) } : undefined;
    }
    // dsLane mirrors dLane and offset unless the reference faces along s in a right lane (esmini).
    const refPose = this.roads!.pose(refAt.roadId, refAt.sM, refAt.tM);
    const refFacesS = refPose.ok && Math.cos(ref.headingRad - refPose.value.hRoad) >= 0;
    const laneAlongS = (roadId: string, sM: number, laneId: number, x: number, y: number, hRoad: number) => {
      const road = this.roads!.road(roadId);
      const l = road ? this.map.lane(`${roadId}_${this.roads!.sectionIndex(road, sM)}_${laneId}`) : undefined;
      return l ? Math.cos(l.line.headingAt(l.line.project(x, y).sM) - hRoad) >= 0 : laneId < 0;
    };
    const refLaneAlongS =
      refPose.ok && laneAlongS(refAt.roadId, refAt.sM, refAt.laneId, ref.x, ref.y, refPose.value.hRoad);
    const keep =
      attr(n, 'ds') !== undefined || (refLaneAlongS && (refAt.laneId < 0 ? refFacesS : !refFacesS));
    const step = keep ? dLane : -dLane;
    let laneId = refAt.laneId + step;
    if (laneId === 0 || Math.sign(laneId) !== Math.sign(refAt.laneId)) laneId += Math.sign(step);
    const centre = this.roads!.laneCenterT(at.roadId, laneId, at.sM);
    if (!centre) return undefined;
    const offset = (keep ? 1 : -1) * num(n, 'offset', p, 0);
    const r = this.roads!.pose(at.roadId, at.sM, centre.tM + offset);
    if (!r.ok) return undefined;
    // For dsLane the Orientation turns from the new lane's driving direction.
    const againstS =
      attr(n, 'ds') === undefined &&
      !laneAlongS(at.roadId, at.sM, laneId, r.value.x, r.value.y, r.value.hRoad);
    return { x: r.value.x, y: r.value.y, headingRad: turn(r.value.hRoad + (againstS ? Math.PI : 0)) };
  }

  /**
   * Gives the entity the route joining the waypoints (esmini keeps it through teleports). esmini's
   * default controller drives a route without changing lanes: the entity stays on its lane and, at
   * each junction, takes the connection towards the route's next road where its lane has one. A
   * route with a waypoint that cannot be reached is not valid: esmini's default controller ignores
   * it (Route::CheckValid), and the entity drives on as one without a route.
   */
  private assignRoute(st: EntityState, wps: { x: number; y: number; headingRad: number }[]): void {
    const lanes = this.routeLanes(wps);
    if (lanes?.length === 0) return;
    st.routeLanes = lanes;
    let roads: string[] | undefined;
    for (const id of lanes ?? []) {
      const r = this.map.lane(id)?.data.roadId;
      roads ??= [];
      if (r !== undefined && roads[roads.length - 1] !== r) roads.push(r);
    }
    st.routeRoads = roads;
    if (st.placed) {
      const keepS = st.speedMps;
      this.place(st, { x: st.x, y: st.y, headingRad: st.headingRad });
      st.speedMps = keepS;
    }
  }

  /**
   * Lane ids joining the waypoints, as esmini's Route lays them (Route::AddWaypoint,
   * RoadPath::Calculate): each leg starts on the previous waypoint's lane, the way it faces, and is
   * the shortest way to the waypoint's road along that lane and its successors, changing no lane
   * (RoadPath follows the lane through every road and junction connection); a waypoint on the road
   * the route already is on adds nothing. Undefined when a waypoint cannot be reached so (esmini
   * marks the route invalid). Where a leg arrives on another lane of the waypoint's road than the
   * waypoint's, the lanes between them on that road are listed too, so that the list stays a
   * drivable lane sequence.
   */
  routeLanes(wps: { x: number; y: number; headingRad: number }[]): string[] | undefined {
    const out: string[] = [];
    const roadOf = (laneId: string): string | undefined => this.map.lane(laneId)?.data.roadId;
    let from: string | undefined;
    for (const w of wps) {
      const loc = this.map.locate(w.x, w.y, w.headingRad, 5);
      if (!loc) continue;
      if (from === undefined) {
        out.push(loc.laneId);
        from = loc.laneId;
        continue;
      }
      const road = roadOf(loc.laneId);
      if (road === undefined || roadOf(from) === road) continue;
      const leg = this.followLanes(from, road);
      if (!leg) return undefined;
      this.joinOnRoad(out, from);
      out.push(...leg.slice(1));
      from = loc.laneId;
    }
    if (from !== undefined) this.joinOnRoad(out, from);
    return out;
  }

  /** Appends the lanes from the last of `out` across its road to `laneId` (a lane change on one road). */
  private joinOnRoad(out: string[], laneId: string): void {
    const tail = out[out.length - 1];
    if (tail === undefined || tail === laneId) return;
    const road = this.map.lane(tail)?.data.roadId;
    const r = this.map.route(tail, laneId);
    if (r.ok && r.value.every((id) => this.map.lane(id)?.data.roadId === road)) out.push(...r.value.slice(1));
  }

  /**
   * The shortest lane sequence from lane `from` to a lane of road `road` along lane successors only
   * (Dijkstra over the lengths of the lanes passed); undefined when none reaches it.
   */
  private followLanes(from: string, road: string): string[] | undefined {
    const dist = new Map<string, number>([[from, 0]]);
    const prev = new Map<string, string>();
    const open: string[] = [from];
    const done = new Set<string>();
    while (open.length > 0 && done.size < 5000) {
      let bi = 0;
      for (let i = 1; i < open.length; i++) if (dist.get(open[i]!)! < dist.get(open[bi]!)!) bi = i;
      const cur = open.splice(bi, 1)[0]!;
      if (done.has(cur)) continue;
      done.add(cur);
      const lane = this.map.lane(cur);
      if (!lane) continue;
      if (cur !== from && lane.data.roadId === road) {
        const seq = [cur];
        for (let p = prev.get(cur); p !== undefined; p = prev.get(p)) seq.push(p);
        return seq.reverse();
      }
      const base = dist.get(cur)! + (cur === from ? 0 : lane.line.length);
      for (const n of lane.data.successors) {
        const nl = this.map.lane(n);
        if (!nl?.drivable || done.has(n)) continue;
        if (base < (dist.get(n) ?? Infinity)) {
          dist.set(n, base);
          prev.set(n, cur);
          open.push(n);
        }
      }
    }
    return undefined;
  }

  /**
   * SynchronizeAction: the entity's speed is set each step so that it reaches its target position
   * when the master reaches the master's (constant acceleration over the master's remaining time,
   * recomputed every step); on arrival it takes the final speed.
   */
  private synchronize(st: EntityState, n: XNode, path: string): () => boolean {
    const masterName = attr(n, 'masterEntityRef') ?? '';
    const master = this.states.get(masterName);
    const mt = this.resolvePos(
      kid(n, 'TargetPositionMaster') ?? {},
      `${path}/TargetPositionMaster`,
      this.states,
    );
    const tg = this.resolvePos(kid(n, 'TargetPosition') ?? {}, `${path}/TargetPosition`, this.states);
    if (!master || !mt || !tg) {
      this.note(path, `master ${masterName} or a target position could not be resolved`);
      return () => true;
    }
    const fs = kid(n, 'FinalSpeed');
    const abs = kid(fs, 'AbsoluteSpeed');
    const rel = kid(fs, 'RelativeSpeedToMaster');
    const finalSpeed = (): number | undefined => {
      if (abs) return num(abs, 'value', `${path}/FinalSpeed/AbsoluteSpeed`);
      if (rel) {
        const v = num(rel, 'value', `${path}/FinalSpeed/RelativeSpeedToMaster`);
        return attr(rel, 'speedTargetValueType') === 'factor' ? master.speedMps * v : master.speedMps + v;
      }
      return undefined;
    };
    st.speed = undefined;
    if (st.profile) st.profile.done = true;
    // targetTolerance(Master) default 0 (esmini SYNCH_DISTANCE_TOLERANCE); a steady state given as
    // a time becomes the distance travelled at the final speed, as at esmini's Start.
    const tol = (k: string) => Number(attr(n, k) ?? 0) || 0;
    const ssDist = kid(abs ?? rel, 'TargetDistanceSteadyState');
    const ssTime = kid(abs ?? rel, 'TargetTimeSteadyState');
    let steadyStateDistM: number | undefined;
    if (ssDist) steadyStateDistM = num(ssDist, 'distance', `${path}/FinalSpeed`);
    else if (ssTime) steadyStateDistM = num(ssTime, 'time', `${path}/FinalSpeed`) * (finalSpeed() ?? 0);
    else if (kid(abs ?? rel, 'TargetPositionSteadyState'))
      this.note(`${path}/FinalSpeed`, 'TargetPositionSteadyState is not supported (no steady state)');
    const sy = {
      master: masterName,
      masterTarget: mt,
      target: tg,
      finalSpeed,
      params: {
        toleranceM: tol('targetTolerance'),
        toleranceMasterM: tol('targetToleranceMaster'),
        ...(steadyStateDistM !== undefined ? { steadyStateDistM } : {}),
      },
      state: initialSyncState(),
      done: false,
    };
    st.sync = sy;
    return () => sy.done;
  }

  /**
   * A DynamicConstraints element as esmini's parseDynamicConstraints reads it: a missing attribute
   * takes the vehicle's Performance (rates: LARGE_NUMBER), a value above it is cut to it, and one
   * below SMALL_NUMBER takes the smaller of esmini's default (250 km/h, 5, 10 m/s²; rates
   * LARGE_NUMBER) and the Performance value.
   */
  private dynamicConstraints(st: EntityState, dc: XNode, path: string) {
    const perf = st.entity.performance;
    const one = (name: string, def: number, perfValue: number): number => {
      if (attr(dc, name) === undefined) return perfValue;
      const v = num(dc, name, path);
      if (v < 1e-6) return Math.min(def, perfValue);
      return Math.min(v, perfValue);
    };
    return {
      maxSpeedMps: one('maxSpeed', 250 / 3.6, perf?.maxSpeedMps ?? LARGE_NUMBER),
      maxAccelMps2: one('maxAcceleration', 5, perf?.maxAccelMps2 ?? LARGE_NUMBER),
      maxAccelRateMps3: one('maxAccelerationRate', LARGE_NUMBER, LARGE_NUMBER),
      maxDecelMps2: one('maxDeceleration', 10, perf?.maxDecelMps2 ?? LARGE_NUMBER),
      maxDecelRateMps3: one('maxDecelerationRate', LARGE_NUMBER, LARGE_NUMBER),
    };
  }

  /** SpeedProfileAction: the profile's segments from now (`SpeedProfile.ts`); ends at its last speed. */
  private speedProfile(st: EntityState, spa: XNode, path: string): () => boolean {
    const lim = kid(spa, 'DynamicConstraints');
    const lp = `${path}/DynamicConstraints`;
    const entries: SpeedProfileEntry[] = kids(spa, 'SpeedProfileEntry').map((e, i) => {
      const p = `${path}/SpeedProfileEntry[${i}]`;
      const t = attr(e, 'time');
      return { speedMps: num(e, 'speed', p, 0), ...(t !== undefined ? { timeS: num(e, 'time', p) } : {}) };
    });
    const ref = attr(kid(spa, 'EntityRef'), 'entityRef');
    const refSt = ref ? this.states.get(ref) : undefined;
    if (ref && !refSt) this.note(`${path}/EntityRef`, `unknown entity ${ref}`);
    const follow = attr(spa, 'followingMode') === 'follow';
    const plan = speedProfilePlan(
      entries,
      {
        startS: this.tS,
        speedMps: st.speedMps,
        accelMps2: st.accelMps2,
        offsetMps: refSt?.speedMps ?? 0,
        follow,
      },
      lim ? this.dynamicConstraints(st, lim, lp) : UNCONSTRAINED,
    );
    for (const message of plan.notes) this.messages.push({ tS: this.tS, name: st.entity.name, message });
    const prof = { plan, state: speedProfileInit(st.speedMps), done: false };
    st.profile = prof;
    st.speed = undefined;
    if (st.sync) st.sync.done = true;
    if (st.keepGap) st.keepGap.done = true;
    return () => prof.done;
  }

  private speedAction(st: EntityState, sa: XNode, path: string): () => boolean {
    const dyn = kid(sa, 'SpeedActionDynamics') ?? {};
    const tgt = kid(sa, 'SpeedActionTarget') ?? {};
    const abs = kid(tgt, 'AbsoluteTargetSpeed');
    const rel = kid(tgt, 'RelativeTargetSpeed');
    let target: () => number;
    if (abs) {
      const v = num(abs, 'value', `${path}/SpeedActionTarget/AbsoluteTargetSpeed`);
      target = () => v;
    } else if (rel) {
      const p = `${path}/SpeedActionTarget/RelativeTargetSpeed`;
      const ref = attr(rel, 'entityRef') ?? '';
      const value = num(rel, 'value', p);
      const factor = attr(rel, 'speedTargetValueType') === 'factor';
      const refSpeed = () => this.states.get(ref)?.speedMps ?? 0;
      // esmini's TargetRelative::GetValue reads the reference's speed whenever it is asked, and
      // LongSpeedAction::Step asks every step: `continuous` only decides whether the action ends
      // once the speed is reached (repeated_relative_speed.xosc: the ego catches up with an
      // accelerating actor's final speed, not the speed it had when the action started).
      target = () => (factor ? refSpeed() * value : refSpeed() + value);
    } else {
      this.note(`${path}/SpeedActionTarget`, 'no Absolute/RelativeTargetSpeed');
      return () => true;
    }
    const shape = attr(dyn, 'dynamicsShape') ?? 'step';
    const dim = attr(dyn, 'dynamicsDimension') ?? 'time';
    const value = Math.abs(num(dyn, 'value', `${path}/SpeedActionDynamics`, 0));
    const perf = st.entity.performance;
    const vMax = perf?.maxSpeedMps ?? Infinity;
    const limit = (v: number): number => Math.min(Math.max(v, -vMax), vMax);
    const v0 = st.speedMps;
    const v1 = limit(target());
    const dv = v1 - v0;
    // esmini's TransitionDynamics: a parameter (time) runs from 0 to paramTarget and the shape maps
    // it to a speed; a rate is the shape's peak derivative. A peak beyond the vehicle's
    // Performance stretches the parameter (scale), and every step is clamped to it as well.
    let paramTarget = 0;
    if (shape !== 'step') {
      if (dim === 'rate') paramTarget = value > 0 ? (peakFactor(shape) * Math.abs(dv)) / value : 0;
      else if (dim === 'distance') {
        if (Math.abs(dv) < 1e-9) paramTarget = 0;
        else if (Math.abs(v0) > 1e-9 && Math.abs(v1) > 1e-9 && Math.sign(v0) !== Math.sign(v1)) {
          const d0 = ((v0 * v0) / (v0 * v0 + v1 * v1)) * value;
          paramTarget = (2 * d0) / Math.abs(v0) + (2 * (value - d0)) / Math.abs(v1);
        } else paramTarget = (2 * value) / Math.abs(v0 + v1);
      } else paramTarget = value;
    }
    const maxRate = dv > 0 ? (perf?.maxAccelMps2 ?? Infinity) : (perf?.maxDecelMps2 ?? Infinity);
    const peak = paramTarget < 1e-9 ? Infinity : (peakFactor(shape) * Math.abs(dv)) / paramTarget;
    const scale = Number.isFinite(maxRate) && peak > maxRate ? peak / maxRate : 1;
    const relative = rel !== undefined;
    const sp: NonNullable<EntityState['speed']> = {
      target: () => limit(target()),
      relative,
      continuous: relative && attr(rel, 'continuous') === 'true',
      shape,
      order: this.actionOrder,
      v0,
      vTarget: v1,
      param: 0,
      paramTarget,
      ...(dim === 'rate' && shape !== 'step' && value > 0 ? { rate: value } : {}),
      scale,
      done: false,
    };
    st.speed = sp;
    if (this.tS === 0) this.startedSpeeds.push({ st, sp });
    if (st.profile) st.profile.done = true;
    if (st.sync) st.sync.done = true;
    if (st.keepGap) st.keepGap.done = true;
    // Start: the shape at parameter 0 (a step, or an empty range, jumps to the target at once;
    // negative targets reverse: the entity moves backwards along its heading).
    st.speedMps = transitionValue(sp);
    if (shape === 'step' || paramTarget < 1e-9) sp.done = !sp.continuous;
    if (this.dialect === 'scenario_runner' && !relative && (dim === 'distance' || dim === 'time')) {
      // ScenarioRunner's ChangeActorTargetSpeed: its actor controller takes the target speed at
      // once, and the action runs for the dynamics' distance or time (then it succeeds)
      st.speedMps = v1;
      sp.done = true;
      const t0 = this.tS;
      const d0 = st.travelledM;
      return () => (dim === 'distance' ? st.travelledM - d0 >= value - 1e-9 : this.tS - t0 >= value - 1e-9);
    }
    return () => sp.done;
  }

  private laneChange(st: EntityState, lc: XNode, path: string): () => boolean {
    const dyn = kid(lc, 'LaneChangeActionDynamics') ?? {};
    const tgt = kid(lc, 'LaneChangeTarget') ?? {};
    const rel = kid(tgt, 'RelativeTargetLane');
    const abs = kid(tgt, 'AbsoluteTargetLane');
    let toD = st.dM;
    const here = this.map.locate(st.x, st.y, st.headingRad, 5);
    const targetOffset = num(lc, 'targetLaneOffset', path, 0);
    let targetLane: string | undefined;
    const laneCentreD = (laneId: string | undefined, ref: { x: number; y: number }): number | undefined => {
      const d = this.laneCentreD(st, laneId, ref);
      if (d !== undefined) targetLane = laneId;
      return d;
    };
    if (rel) {
      const refName = attr(rel, 'entityRef') ?? '';
      const ref = this.states.get(refName);
      const n = Math.round(num(rel, 'value', `${path}/LaneChangeTarget/RelativeTargetLane`));
      if (ref) {
        const d = laneCentreD(this.relativeLane(ref, n), st);
        if (d !== undefined) toD = d + targetOffset;
        else this.note(`${path}/LaneChangeTarget/RelativeTargetLane`, `no lane ${n} from ${refName}'s lane`);
      }
    } else if (abs && here) {
      const cur = this.map.lane(here.laneId)!.data;
      const want = `${cur.id.split('_').slice(0, 2).join('_')}_${attr(abs, 'value')}`;
      const d = laneCentreD(want, st);
      if (d !== undefined) toD = d + targetOffset;
      else this.note(`${path}/LaneChangeTarget/AbsoluteTargetLane`, `lane ${want} not found`);
    }
    let fromD = st.dM;
    let centre0 = toD - targetOffset;
    // esmini's LatLaneChangeAction moves the entity on the target lane (its internal position is
    // there from the start), its offset from that lane's centre going to the target offset: the
    // entity follows the target lane's successors, e.g. into an exit where the lane splits off
    // (lane_change_road_split.xosc). The path is laid along the target lane from here.
    // A target lane running against the entity's way (overtaking on the oncoming lane) keeps the
    // path: the entity goes on the way it faces.
    const tl = targetLane && st.pathLanes.length > 0 ? this.map.lane(targetLane) : undefined;
    const at = tl ? Math.min(Math.max(tl.line.project(st.x, st.y).sM, 0), tl.line.length) : 0;
    const alongTarget = tl !== undefined && Math.cos(tl.line.headingAt(at) - st.path.headingAt(st.sM)) > 0;
    if (targetLane && tl && alongTarget) {
      const c = tl.line.toCartesian(at, 0);
      const p = this.buildPath(c.x, c.y, c.headingRad, [targetLane], st.routeRoads);
      // While the target lane runs beside the entity's path the change stays an offset on that
      // path (its drift followed step by step, measured across the road as esmini's offset is);
      // where, within the change's length, the target lane leads elsewhere (a split), the entity
      // goes on along the target lane.
      const changeM =
        Math.max(st.speedMps, 1) * Math.max(num(dyn, 'value', `${path}/LaneChangeActionDynamics`, 3), 1) + 10;
      if (p.lanes[0] === targetLane && !this.besidePath(p.lanes, p.sM, changeM, st.pathLanes)) {
        const on = p.path.project(st.x, st.y, undefined, Math.max(p.sM - 20, 0), p.sM + 20);
        st.path = p.path;
        st.pathLanes = p.lanes;
        st.pathLaneFromS = p.laneFromS;
        st.deadEnd = p.deadEnd ?? false;
        st.sM = on.sM;
        st.dM = on.dM;
        fromD = on.dM;
        toD = targetOffset;
        centre0 = 0;
      }
    }
    const shape = attr(dyn, 'dynamicsShape') ?? 'cubic';
    const dim = attr(dyn, 'dynamicsDimension') ?? 'time';
    const value = num(dyn, 'value', `${path}/LaneChangeActionDynamics`, 3);
    let durationS = value;
    if (dim === 'distance') durationS = value / Math.max(st.speedMps, 1);
    else if (dim === 'rate') durationS = Math.abs(toD - fromD) / Math.max(value, 0.1);
    if (shape === 'step') durationS = 0;
    const l = {
      fromD,
      toD,
      t0: this.tS,
      durationS,
      shape,
      done: false,
      order: this.actionOrder,
      ...(targetLane ? { laneId: targetLane, centre0 } : {}),
    };
    st.lateral = l;
    if (st.latDist) st.latDist.done = true;
    return () => l.done;
  }

  /**
   * LateralDistanceAction (esmini LatDistanceAction::Start): the distance signed for its frame
   * (freespace adds half of both widths), the DynamicConstraints (absent ones unlimited). The motion
   * is `LateralDistance.ts`'s step, applied in `move`.
   */
  private lateralDistance(st: EntityState, n: XNode, path: string): (() => boolean) | undefined {
    const refName = attr(n, 'entityRef') ?? '';
    const ref = this.states.get(refName);
    if (!ref) {
      this.note(`${path}@entityRef`, `unknown entity ${refName}`);
      return undefined;
    }
    const cs = attr(n, 'coordinateSystem') ?? 'entity';
    if (cs !== 'entity' && cs !== 'road') {
      this.note(
        `${path}@coordinateSystem`,
        `${cs} not supported (esmini: entity or road); the entity keeps its lane offset`,
      );
      return undefined;
    }
    const disp =
      attr(n, 'displacement') === 'rightToReferencedEntity'
        ? 'rightToReferencedEntity'
        : 'leftToReferencedEntity';
    const freespace = attr(n, 'freespace') === 'true' || attr(n, 'freespace') === '1';
    const dist = Math.abs(num(n, 'distance', path, 0));
    const widths = st.entity.widthM + ref.entity.widthM;
    const dc = kid(n, 'DynamicConstraints') ?? {};
    const dp = `${path}/DynamicConstraints`;
    const params: RoadLatDistParams = {
      distanceM:
        cs === 'entity'
          ? entityFrameDistanceM(dist, freespace, disp, widths)
          : roadFrameDistanceM(dist, freespace, disp, widths),
      maxAccelMps2: num(dc, 'maxAcceleration', dp, LAT_DIST_UNLIMITED),
      maxAccelRateMps3: num(dc, 'maxAccelerationRate', dp, LAT_DIST_UNLIMITED),
      maxSpeedMps: num(dc, 'maxSpeed', dp, LAT_DIST_UNLIMITED),
      maxDecelMps2: num(dc, 'maxDeceleration', dp, LAT_DIST_UNLIMITED),
      continuous: attr(n, 'continuous') === 'true',
    };
    // An action started in Init chooses its road mode in esmini's frame 0 (stepped with dt = 0);
    // one started later spends its first step on it.
    const state: RoadLatDistState =
      this.actionOrder < 0
        ? lateralDistanceRoadStep(ROAD_LAT_DIST_START, 0, 0, 0, params, 0).state
        : ROAD_LAT_DIST_START;
    const ld = { ref: refName, frame: cs, distanceM: params.distanceM, params, state, done: false } as const;
    // A new lateral action stops the one running on the entity's lateral domain (esmini).
    if (st.latDist) st.latDist.done = true;
    st.latDist = { ...ld };
    st.lateral = undefined;
    st.trajectory = undefined;
    const own = st.latDist;
    return () => own.done;
  }

  /** d (on `st`'s path) of a lane's centre next to `ref`; undefined for an unknown lane. */
  /**
   * The lane `n` lanes to the left of an entity (right for n < 0). On a road, as esmini's
   * LatLaneChangeAction: from the lane the entity is in (not the one it faces along), lane ids
   * counted towards the entity's left (up the ids when it faces along s, down when against),
   * stepping over lane 0. Without a road model, by the lane graph's neighbours.
   */
  private relativeLane(ref: EntityState, n: number): string | undefined {
    const c = this.roadCoord(ref);
    const road = c && c.laneId !== 0 ? this.roads!.road(c.roadId) : undefined;
    const pose = c && road ? this.roads!.pose(c.roadId, c.sM, c.tM) : undefined;
    if (c && road && pose?.ok) {
      const alongS = Math.cos(ref.headingRad - pose.value.hRoad) >= 0;
      let id = c.laneId + (alongS ? n : -n);
      if (id === 0 || Math.sign(id) !== Math.sign(c.laneId))
        id = Math.sign(id - c.laneId) * (Math.abs(id) + 1);
      return `${c.roadId}_${this.roads!.sectionIndex(road, c.sM)}_${id}`;
    }
    let lane = this.map.locate(ref.x, ref.y, ref.headingRad, 5)?.laneId;
    for (let k = 0; k < Math.abs(n) && lane; k++) {
      const l = this.map.lane(lane)!.data;
      lane = (n > 0 ? l.left : l.right)?.laneId;
    }
    return lane;
  }

  /**
   * RelativeTargetLaneOffset's target (esmini LatLaneOffsetAction::Start): the point `valueM` to the
   * left of `ref` across its road (t + value when it faces along s, t − value against), at its s.
   * Without a road network, across its heading.
   */
  private relativeOffsetPoint(ref: EntityState, valueM: number): { x: number; y: number } {
    const c = this.roadCoord(ref);
    if (c && this.roads) {
      const p0 = this.roads.pose(c.roadId, c.sM, c.tM);
      if (p0.ok) {
        const forward = Math.cos(ref.headingRad - p0.value.hRoad) >= 0;
        const p = this.roads.pose(c.roadId, c.sM, c.tM + (forward ? valueM : -valueM));
        if (p.ok) return { x: p.value.x, y: p.value.y };
      }
    }
    return { x: ref.x - valueM * Math.sin(ref.headingRad), y: ref.y + valueM * Math.cos(ref.headingRad) };
  }

  /**
   * Whether the lanes `lanes` (from arc length `fromS` on the first, for `aheadM`) each run beside
   * one of `pathLanes`: a left or right neighbour, a few lanes across at most.
   */
  private besidePath(
    lanes: readonly string[],
    fromS: number,
    aheadM: number,
    pathLanes: readonly string[],
  ): boolean {
    const onPath = new Set(pathLanes);
    let len = -fromS;
    for (const id of lanes) {
      if (len > aheadM) break;
      let beside = false;
      for (const side of ['left', 'right'] as const) {
        let cur = this.map.lane(id)?.data[side]?.laneId;
        for (let k = 0; cur && k < 6 && !beside; k++) {
          if (onPath.has(cur)) beside = true;
          cur = this.map.lane(cur)?.data[side]?.laneId;
        }
      }
      if (!beside) return false;
      len += this.map.lane(id)?.line.length ?? 0;
    }
    return true;
  }

  private laneCentreD(
    st: EntityState,
    laneId: string | undefined,
    ref: { x: number; y: number },
  ): number | undefined {
    const l = laneId ? this.map.lane(laneId) : undefined;
    if (!l) return undefined;
    const f = l.line.project(ref.x, ref.y);
    const c = l.line.toCartesian(Math.min(Math.max(f.sM, 0), l.line.length), 0);
    return st.path.project(c.x, c.y).dM;
  }

  private followTrajectory(st: EntityState, ft: XNode, path: string): () => boolean {
    const tr = kid(ft, 'Trajectory') ?? kid(kid(ft, 'TrajectoryRef'), 'Trajectory');
    const shape = kid(tr, 'Shape');
    const poly = kid(shape, 'Polyline');
    const pts: Vec2[] = [];
    const times: number[] = [];
    const rolls: number[] = [];
    // Heading each vertex's Position states (esmini: an h given to it), undefined where none.
    const givenH: (number | undefined)[] = [];
    const shapeTiming = { s: [] as number[], t: [] as number[] };
    if (!poly) {
      const sp = `${path}/Trajectory/Shape`;
      const shaped = this.shapePoints(st, shape, sp, shapeTiming);
      if (!shaped) {
        const what = shape ? (Object.keys(shape).find((k) => k !== '$') ?? '?') : 'Trajectory';
        this.note(`${sp}/${what}`, 'trajectory shape not supported');
        return () => true;
      }
      pts.push(...shaped);
    }
    kids(poly, 'Vertex').forEach((v, i) => {
      const pos = this.resolvePos(
        kid(v, 'Position') ?? {},
        `${path}/Trajectory/Shape/Polyline/Vertex[${i}]/Position`,
        this.states,
      );
      if (!pos) return;
      pts.push({ x: pos.x, y: pos.y });
      givenH.push(statesHeading(kid(v, 'Position')) ? pos.headingRad : undefined);
      rolls.push(pos.rollRad ?? 0);
      const t = attr(v, 'time');
      if (t !== undefined) times.push(Number(t));
    });
    const clean: Vec2[] = [];
    // Index in `clean` of every vertex (a repeated vertex, e.g. standing still for a while, shares one).
    const at: number[] = [];
    for (const p of pts) {
      const l = clean[clean.length - 1];
      if (!l || Math.hypot(p.x - l.x, p.y - l.y) > 1e-3) clean.push(p);
      at.push(clean.length - 1);
    }
    if (clean.length < 2) return () => true;
    const line = new Polyline(clean);
    const timing = kid(kid(ft, 'TimeReference'), 'Timing');
    // A timed shape (ClothoidSpline time stamps) gives its times at the segment starts.
    const shapeTimed = !poly && timing !== undefined && shapeTiming.t.length > 1;
    if (shapeTimed) times.push(...shapeTiming.t);
    const useTimes = timing !== undefined && (times.length === pts.length || shapeTimed);
    const scale = timing ? Number(attr(timing, 'scale') ?? 1) : 1;
    const offset = timing ? Number(attr(timing, 'offset') ?? 0) : 0;
    const relative = attr(timing, 'domainAbsoluteRelative') !== 'absolute';
    // initialDistanceOffset: start that far along the shape.
    const s0 = Math.min(Math.max(Number(attr(ft, 'initialDistanceOffset') ?? 0) || 0, 0), line.length);
    // Shape time stamps sit at segment starts, the lengths scaled onto the sampled line.
    const shapeLen = shapeTiming.s[shapeTiming.s.length - 1] ?? 0;
    const vertexS = shapeTimed
      ? shapeTiming.s.map((x) => (shapeLen > 0 ? (x / shapeLen) * line.length : 0))
      : at.map((i) => line.s[i]!);
    // A relative clock starts at the time stamp of the start point (esmini takes the trajectory's
    // time where initialDistanceOffset puts the entity).
    const tr0 = relative ? this.tS - (useTimes ? atS(vertexS, times, s0) : 0) * scale : 0;
    const tt = useTimes ? times.map((t) => tr0 + (t + offset) * scale) : undefined;
    const followMode = attr(kid(ft, 'TrajectoryFollowingMode'), 'followingMode') === 'follow';
    // followingMode "follow" on a timed polyline: esmini moves with constant acceleration on each
    // segment, starting at the entity's speed, rather than at a constant speed per segment
    // (PolyLineShape::CalculatePolyLine, FOLLOW).
    const follow = useTimes && followMode ? followProfile(vertexS, times, st.speedMps) : undefined;
    // esmini's heading blend: the entity's property, else segment when following, corner for position.
    const props = st.entity.trajectoryProps;
    const interpolation = props?.plineInterpolation ?? (followMode ? 'segment' : 'corner');
    const vertices = poly && givenH.length === pts.length ? trajectoryVertices(pts, givenH) : undefined;
    const traj: NonNullable<EntityState['trajectory']> = {
      line,
      ...(tt ? { times: tt, vertexS } : {}),
      ...(follow ? { follow: { ...follow, rawTimes: times, tr0, scale, offset } } : {}),
      ...(rolls.some((r) => r !== 0) ? { rolls } : {}),
      t0: this.tS,
      s0,
      done: false,
      ...(vertices ? { vertices } : {}),
      interpolation,
      headingSign: 1,
      explicitActive: false,
      order: this.actionOrder,
    };
    // esmini puts the entity at the start point at once (FollowTrajectoryAction::Start), facing by
    // the vertex heading or along the shape, backwards when it reverses into it.
    const at0 = this.trajectoryHeading(traj, s0);
    const start = trajectoryStartDirection(at0, {
      speedMps: st.speedMps,
      timed: tt !== undefined,
      ignoreHeadingForMotion: props?.ignoreHeadingForMotion ?? false,
    });
    traj.headingSign = start.headingSign;
    traj.explicitActive = at0.explicit;
    const p0 = line.toCartesian(s0, 0);
    st.x = p0.x;
    st.y = p0.y;
    st.headingRad = start.headingRad;
    st.placed = true;
    // A timed trajectory sets the speed it starts with, signed by the way the entity faces.
    if (tt) {
      const vs = follow ? follow.speed : positionModeSpeeds(vertexS, times);
      st.speedMps = start.speedSign * atS(vertexS, vs, s0);
    }
    st.trajectory = traj;
    if (st.latDist) st.latDist.done = true;
    return () => traj.done;
  }

  /** Heading of a trajectory at s: esmini's vertex headings on a polyline, the line's own on another shape. */
  private trajectoryHeading(tr: NonNullable<EntityState['trajectory']>, sM: number): TrajectoryHeading {
    if (tr.vertices) return trajectoryHeadingAt(tr.vertices, sM, tr.interpolation);
    const h = tr.line.headingAt(sM);
    return { headingRad: h, hTrueRad: h, explicit: false };
  }

  /** Points of a Clothoid / ClothoidSpline / Nurbs shape (undefined for another or a bad one). */
  private shapePoints(
    st: EntityState,
    shape: XNode | undefined,
    path: string,
    timed?: { s: number[]; t: number[] },
  ): Vec2[] | undefined {
    const here = { x: st.x, y: st.y, headingRad: st.headingRad };
    const startOf = (n: XNode | undefined, tag: string, p: string) => {
      const pos = kid(n, tag);
      return pos ? this.resolvePos(pos, `${p}/${tag}`, this.states) : undefined;
    };
    const cl = kid(shape, 'Clothoid');
    if (cl) {
      const p = `${path}/Clothoid`;
      const start = startOf(cl, 'Position', p) ?? here;
      // 1.0 files name the curvature change "curvatureDot"; 1.1+ "curvaturePrime" (both 1/m²).
      const kPrime = Number(attr(cl, 'curvaturePrime') ?? attr(cl, 'curvatureDot') ?? 0) || 0;
      return clothoidPoints(start, num(cl, 'curvature', p, 0), kPrime, num(cl, 'length', p));
    }
    const spl = kid(shape, 'ClothoidSpline');
    if (spl) {
      const p = `${path}/ClothoidSpline`;
      const segs: ClothoidSegment[] = kids(spl, 'ClothoidSplineSegment').map((g, i) => {
        const sp = `${p}/ClothoidSplineSegment[${i}]`;
        const start = startOf(g, 'PositionStart', sp);
        return {
          curvatureStart: num(g, 'curvatureStart', sp, 0),
          curvatureEnd: num(g, 'curvatureEnd', sp, 0),
          lengthM: num(g, 'length', sp),
          hOffsetRad: num(g, 'hOffset', sp, 0),
          ...(start ? { start } : {}),
        };
      });
      // Time stamps (timeStart per segment, timeEnd on the spline): esmini moves linearly in time
      // along each segment from its timeStart to the next one's (ClothoidSplineShape::Evaluate).
      const starts = kids(spl, 'ClothoidSplineSegment').map((g) => attr(g, 'timeStart'));
      if (
        timed &&
        segs.length > 0 &&
        attr(spl, 'timeEnd') !== undefined &&
        starts.every((t) => t !== undefined)
      ) {
        let acc = 0;
        timed.s = [0, ...segs.map((g) => (acc += g.lengthM))];
        timed.t = [...starts.map(Number), num(spl, 'timeEnd', p)];
      }
      return segs.length > 0 ? clothoidSplinePoints(here, segs) : undefined;
    }
    const nu = kid(shape, 'Nurbs');
    if (nu) {
      const p = `${path}/Nurbs`;
      const ctrl: NurbsControlPoint[] = [];
      for (const [i, c] of kids(nu, 'ControlPoint').entries()) {
        const pos = startOf(c, 'Position', `${p}/ControlPoint[${i}]`);
        if (!pos) return undefined;
        ctrl.push({ x: pos.x, y: pos.y, weight: num(c, 'weight', `${p}/ControlPoint[${i}]`, 1) });
      }
      const knots = kids(nu, 'Knot').map((k, i) => num(k, 'value', `${p}/Knot[${i}]`));
      const pts = nurbsPoints(ctrl, knots, Math.round(num(nu, 'order', p)));
      if (!pts)
        this.note(
          p,
          `knot vector of ${knots.length} does not fit ${ctrl.length} control points of order ${attr(nu, 'order')}`,
        );
      return pts;
    }
    return undefined;
  }

  /** Builds the storyboard element tree. */
  load(storyboard: XNode): void {
    kids(storyboard, 'Story').forEach((story, si) => {
      const sp = `/OpenSCENARIO/Storyboard/Story[${si}]`;
      const se = this.element('Story', story, sp);
      kids(story, 'Act').forEach((act, ai) => {
        const ap = `${sp}/Act[${ai}]`;
        const ae = this.element('Act', act, ap, se);
        ae.start = kid(act, 'StartTrigger');
        ae.stop = kid(act, 'StopTrigger');
        kids(act, 'ManeuverGroup').forEach((mg, gi) => {
          const gp = `${ap}/ManeuverGroup[${gi}]`;
          const ge = this.element('ManeuverGroup', mg, gp, ae);
          ge.actors = kids(kid(mg, 'Actors'), 'EntityRef').map((r) => attr(r, 'entityRef') ?? '');
          ge.maxExecutions = Number(attr(mg, 'maximumExecutionCount') ?? 1);
          const mans = [...kids(mg, 'Maneuver')];
          kids(mg, 'CatalogReference').forEach((ref, ri) => {
            const m = this.catalogManeuver?.(ref, `${gp}/CatalogReference[${ri}]`);
            if (m) mans.push(m);
            else
              this.note(
                `${gp}/CatalogReference[${ri}]`,
                `maneuver ${attr(ref, 'catalogName')}/${attr(ref, 'entryName')} not found in the catalogs`,
              );
          });
          mans.forEach((m, mi) => {
            const mp = `${gp}/Maneuver[${mi}]`;
            const me = this.element('Maneuver', m, mp, ge);
            kids(m, 'Event').forEach((ev, ei) => {
              const ep = `${mp}/Event[${ei}]`;
              const ee = this.element('Event', ev, ep, me);
              ee.start = kid(ev, 'StartTrigger');
              ee.priority = attr(ev, 'priority');
              ee.maxExecutions = Number(attr(ev, 'maximumExecutionCount') ?? 1);
              kids(ev, 'Action').forEach((a, xi) => {
                this.element('Action', a, `${ep}/Action[${xi}]`, ee);
              });
            });
          });
        });
      });
    });
  }

  private element(kind: Element['kind'], node: XNode, path: string, parent?: Element): Element {
    const e: Element = {
      kind,
      name: attr(node, 'name') ?? path,
      path,
      node,
      status: 'standby',
      children: [],
      ...(parent ? { parent } : {}),
      actors: [],
      changedS: 0,
      executions: 0,
      maxExecutions: 1,
    };
    parent?.children.push(e);
    this.elements.push(e);
    const same = this.byName.get(e.name) ?? [];
    same.push(e);
    this.byName.set(e.name, same);
    return e;
  }

  /** Init actions at t = 0. */
  init(init: XNode, storyboard?: XNode): void {
    const actions = kid(init, 'Actions');
    // esmini activates the entities Init gives private actions; the others wait in its pool. Only
    // those an AddEntityAction brings in are kept out here (an entity never added stays, as before).
    const inInit = new Set(kids(actions, 'Private').map((p) => attr(p, 'entityRef') ?? ''));
    for (const name of addedEntities(storyboard)) {
      const st = this.states.get(name);
      if (st && !inInit.has(name)) st.active = false;
    }
    // Init actions come before the storyboard's in esmini's step order, in their (reordered) order.
    let initIndex = 0;
    for (const { who, action, path } of initActionOrder(actions)) {
      this.actionOrder = INIT_ORDER_BASE + initIndex++;
      const done = this.privateAction(who, action, path);
      const type = Object.keys(action).find((k) => k !== '$') ?? 'Action';
      if (done) this.initActions.push({ name: `Init ${who} ${type}`, done, logged: false });
    }
    this.actionOrder = -1;
    kids(actions, 'GlobalAction').forEach((g, i) => {
      this.globalAction(g, `/OpenSCENARIO/Storyboard/Init/Actions/GlobalAction[${i}]`);
    });
    kids(actions, 'UserDefinedAction').forEach((_, i) => {
      this.note(`/OpenSCENARIO/Storyboard/Init/Actions/UserDefinedAction[${i}]`, 'not supported');
    });
  }

  /**
   * A GlobalAction: ParameterAction and VariableAction (SetAction; ModifyAction with AddValue or
   * MultiplyByValue) change the values ParameterCondition / VariableCondition read and end at
   * once, as esmini's; every other global action is noted as unsupported. Returns whether it ran.
   */
  private globalAction(g: XNode, path: string): boolean {
    const ea = kid(g, 'EntityAction');
    if (ea) return this.entityAction(ea, `${path}/EntityAction`);
    const ia = kid(g, 'InfrastructureAction');
    if (ia) return this.infrastructureAction(ia, `${path}/InfrastructureAction`);
    const ta = kid(g, 'TrafficAction');
    if (ta) {
      const [where, what] = trafficActionGap(ta);
      this.note(`${path}/TrafficAction${where}`, what);
      return false;
    }
    for (const [tag, refAttr, store] of [
      ['ParameterAction', 'parameterRef', this.values.parameters],
      ['VariableAction', 'variableRef', this.values.variables],
    ] as const) {
      const a = kid(g, tag);
      if (!a) continue;
      const p = `${path}/${tag}`;
      const ref = attr(a, refAttr) ?? '';
      if (!store.has(ref)) {
        this.note(
          `${p}@${refAttr}`,
          `no declared ${tag === 'ParameterAction' ? 'parameter' : 'variable'} ${ref}`,
        );
        return false;
      }
      const set = kid(a, 'SetAction');
      if (set) return store.set(ref, attr(set, 'value') ?? '');
      const rule = kid(kid(a, 'ModifyAction'), 'Rule');
      const add = kid(rule, 'AddValue');
      const mul = kid(rule, 'MultiplyByValue');
      if (add || mul) {
        const by = num(
          (add ?? mul)!,
          'value',
          `${p}/ModifyAction/Rule/${add ? 'AddValue' : 'MultiplyByValue'}`,
        );
        if (store.modify(ref, add ? 'add' : 'multiply', by)) return true;
        this.note(`${p}/ModifyAction`, `${ref} is not numeric`);
        return false;
      }
      this.note(p, 'expected SetAction or ModifyAction with AddValue / MultiplyByValue');
      return false;
    }
    const name = Object.keys(g).find((k) => k !== '$');
    this.note(`${path}/${name ?? '(empty)'}`, GLOBAL_ACTION_GAPS[name ?? ''] ?? 'not supported');
    return false;
  }

  /**
   * TrafficSignalStateAction (esmini TrafficSignalStateAction::Start → TrafficLight::UpdateState):
   * the signal named by its OpenDRIVE id takes the given lamp-state string at once and the action
   * ends. TrafficSignalControllerAction (a controller's phase cycle) is not run.
   */
  private infrastructureAction(ia: XNode, path: string): boolean {
    const tsa = kid(ia, 'TrafficSignalAction');
    const st = kid(tsa, 'TrafficSignalStateAction');
    if (st) {
      const name = attr(st, 'name') ?? '';
      const log = this.signalStates.get(name) ?? [];
      log.push({ tS: this.tS, state: attr(st, 'state') ?? '' });
      this.signalStates.set(name, log);
      return true;
    }
    if (kid(tsa, 'TrafficSignalControllerAction')) {
      this.note(
        `${path}/TrafficSignalAction/TrafficSignalControllerAction`,
        "not supported (signal controllers' phase cycles are not run: the signals keep their states)",
      );
      return false;
    }
    this.note(path, 'expected TrafficSignalAction with TrafficSignalStateAction');
    return false;
  }

  /** The lamp-state string a signal was last set to ('' before any TrafficSignalStateAction). */
  private signalState(name: string): string {
    const log = this.signalStates.get(name);
    return log?.[log.length - 1]?.state ?? '';
  }

  private conditionTrue(c: XNode, path: string): boolean {
    const bv = kid(c, 'ByValueCondition');
    if (bv) {
      // esmini's TrigByTrafficSignal: the state string as set, compared whole (no parsing).
      const ts = kid(bv, 'TrafficSignalCondition');
      if (ts) return this.signalState(attr(ts, 'name') ?? '') === (attr(ts, 'state') ?? '');
      const st = kid(bv, 'SimulationTimeCondition');
      if (st && this.dialect === 'scenario_runner') {
        const t0 = this.simTimeZero.get(st) ?? this.tS;
        const holds = compare(
          attr(st, 'rule'),
          Math.round((this.tS - t0) * 1e6) / 1e6,
          num(st, 'value', `${path}/ByValueCondition/SimulationTimeCondition`),
        );
        if (holds) this.simTimeZero.delete(st);
        else this.simTimeZero.set(st, t0);
        return holds;
      }
      if (st)
        return compare(
          attr(st, 'rule'),
          this.tS,
          num(st, 'value', `${path}/ByValueCondition/SimulationTimeCondition`),
        );
      const sb = kid(bv, 'StoryboardElementStateCondition');
      if (sb) {
        const el = this.lookup(attr(sb, 'storyboardElementRef') ?? '');
        if (!el) return false;
        const state = attr(sb, 'state') ?? '';
        if (state === 'completeState' || state === 'endTransition') return el.status === 'complete';
        if (state === 'runningState' || state === 'startTransition') return el.status !== 'standby';
        if (state === 'standbyState') return el.status === 'standby';
        this.note(
          `${path}/ByValueCondition/StoryboardElementStateCondition@state`,
          `state ${state} not supported`,
        );
        return false;
      }
      for (const [tag, refAttr, store] of [
        ['ParameterCondition', 'parameterRef', this.values.parameters],
        ['VariableCondition', 'variableRef', this.values.variables],
      ] as const) {
        const pc = kid(bv, tag);
        if (!pc) continue;
        const r = store.test(attr(pc, refAttr) ?? '', attr(pc, 'rule'), attr(pc, 'value') ?? '');
        if (r === undefined)
          this.note(
            `${path}/ByValueCondition/${tag}@${refAttr}`,
            `no declared ${attr(pc, refAttr)} (never true)`,
          );
        return r ?? false;
      }
      const name = Object.keys(bv).find((k) => k !== '$') ?? '(empty)';
      this.note(`${path}/ByValueCondition/${name}`, 'not supported (never true)');
      return false;
    }
    const be = kid(c, 'ByEntityCondition');
    if (!be) return false;
    const te = kid(be, 'TriggeringEntities');
    const who = kids(te, 'EntityRef').map((r) => attr(r, 'entityRef') ?? '');
    const all = attr(te, 'triggeringEntitiesRule') === 'all';
    const ec = kid(be, 'EntityCondition') ?? {};
    const results = who.map((w) => this.entityCondition(w, ec, `${path}/ByEntityCondition/EntityCondition`));
    return all ? results.every(Boolean) : results.some(Boolean);
  }

  private longitudinal(a: EntityState, b: EntityState, freespace: boolean): number {
    // Distance from a to b along a's direction of travel (its heading without a relative heading
    // it keeps to the road), positive when b is ahead.
    const h = a.headingRad - a.hRelRad;
    const d = (b.x - a.x) * Math.cos(h) + (b.y - a.y) * Math.sin(h);
    if (!freespace) return d;
    const gap = Math.abs(d) - (a.entity.lengthM + b.entity.lengthM) / 2;
    return Math.sign(d) * Math.max(gap, 0);
  }

  private entityCondition(who: string, ec: XNode, path: string): boolean {
    const a = this.states.get(who);
    if (!a) return false;
    const [name] = Object.keys(ec).filter((k) => k !== '$');
    const c = (name ? kid(ec, name) : undefined) ?? {};
    const p = `${path}/${name ?? '?'}`;
    const other = () => this.states.get(attr(c, 'entityRef') ?? '');
    switch (name) {
      case 'SpeedCondition':
        return compare(attr(c, 'rule'), a.speedMps, num(c, 'value', p));
      case 'AccelerationCondition':
        return compare(attr(c, 'rule'), a.accelMps2, num(c, 'value', p));
      case 'OffroadCondition': {
        // esmini's TrigByOffRoad: off road (beyond the outermost lane of its road, any lane type
        // but none) for longer than `duration`. Without a road network nothing is off road.
        const g = this.roads;
        const c0 = g ? this.roadCoord(a) : undefined;
        // The nearest lane is reported even beyond the road's edge: off road when outside it.
        const beyond = (r: RoadCoord): boolean =>
          Math.abs(r.offsetM) > (g!.laneWidthAt(r.roadId, r.laneId, r.sM) ?? 0) / 2 + 1e-9;
        const off =
          g !== undefined &&
          (c0 === undefined ||
            c0.laneId === 0 ||
            g.laneTypeAt(c0.roadId, c0.laneId, c0.sM) === 'none' ||
            beyond(c0));
        if (!off) a.offRoadSinceS = undefined;
        else a.offRoadSinceS ??= this.tS;
        return off && this.tS - a.offRoadSinceS! > num(c, 'duration', p, 0);
      }
      case 'AngleCondition': {
        // esmini TrigByAngle: the entity's heading, pitch or roll in the world, relative to the
        // road (road), to the road in its lane's driving direction (lane) or, for the heading, to
        // the trajectory it follows (trajectory; false without one), within angleTolerance of angle.
        const type = attr(c, 'angleType');
        const cs = attr(c, 'coordinateSystem') ?? 'world';
        if (type !== 'heading' && type !== 'pitch' && type !== 'roll') {
          this.note(`${p}@angleType`, 'needs heading, pitch or roll (never true)');
          return false;
        }
        const rc = this.roads ? this.roadCoord(a) : undefined;
        const rp = rc ? this.roads!.pose(rc.roadId, rc.sM, rc.tM) : undefined;
        const road = rp?.ok ? rp.value : undefined;
        const hRel = road ? a.headingRad - road.hRoad : 0;
        // Body pitch and roll on the road surface (as storyboard mode reports them), the entity's
        // own roll on top.
        const body = road
          ? bodyOrientation(
              road.hRoad,
              road.pRoad,
              road.rRoad,
              hRel,
              Math.cos(hRel) * this.roads!.superelevationPitch(rc!.roadId, rc!.sM, rc!.tM),
            )
          : { h: a.headingRad, p: 0, r: 0 };
        const own = { heading: a.headingRad, pitch: body.p, roll: body.r + a.rollRad }[type];
        let angle: number;
        if (cs === 'world') angle = own;
        else if (cs === 'road' || cs === 'lane') {
          if (!road) return false;
          // The lane's driving direction turns the road frame round (esmini GetHRoadInDrivingDirection).
          const against = cs === 'lane' && rc!.laneId > 0 !== !!this.roads!.road(rc!.roadId)?.lht;
          const ref = {
            heading: road.hRoad + (against ? Math.PI : 0),
            pitch: road.pRoad * (against ? -1 : 1),
            roll: road.rRoad * (against ? -1 : 1),
          }[type];
          angle = own - ref;
        } else if (cs === 'trajectory') {
          const tr = a.trajectory;
          if (!tr || tr.done || type !== 'heading') return false;
          angle = own - this.trajectoryHeading(tr, tr.s0).hTrueRad;
        } else angle = 0;
        const wrapped = Math.atan2(Math.sin(angle), Math.cos(angle));
        return Math.abs(angleDifference(wrapped, num(c, 'angle', p))) < num(c, 'angleTolerance', p) + 1e-6;
      }
      case 'StandStillCondition': {
        const since = a.standstillSinceS;
        return since !== undefined && this.tS - since + 1e-9 >= num(c, 'duration', p, 0);
      }
      case 'RelativeClearanceCondition': {
        // esmini's reading: lanes are counted by OpenDRIVE lane id (relative lane k of an entity in
        // lane L is lane L + k of the same road), not by side. The condition holds when no (listed)
        // entity is within distanceBackward … distanceForward in a lane of the range (opposite
        // lanes skipped unless oppositeLanes) and one driving lane of the range exists here.
        const fwd = num(c, 'distanceForward', p, 0);
        const back = num(c, 'distanceBackward', p, 0);
        const free = attr(c, 'freeSpace') === 'true';
        const opposite = attr(c, 'oppositeLanes') === 'true';
        const rr = kid(c, 'RelativeLaneRange');
        const from = rr && attr(rr, 'from') !== undefined ? Number(attr(rr, 'from')) : -Infinity;
        const to = rr && attr(rr, 'to') !== undefined ? Number(attr(rr, 'to')) : Infinity;
        const refs = kids(c, 'EntityRef').map((r) => attr(r, 'entityRef') ?? '');
        const ra = this.roadCoord(a);
        // Not freespace, on roads: esmini's Position::Delta along the road network (ds, and the
        // lane difference with the start lane carried along the road path, dOppLane when b's lane
        // runs the other way), within max(distanceForward, distanceBackward).
        const pa = !free && this.roads ? this.roadPosition(a.x, a.y, a.headingRad, a) : undefined;
        for (const b of this.states.values()) {
          if (b === a || (refs.length > 0 && !refs.includes(b.entity.name))) continue;
          if (pa) {
            const pb = this.roadPosition(b.x, b.y, b.headingRad, b);
            const d = pb ? positionDelta(this.roads!, pa, pb, true, Math.max(fwd, back)) : undefined;
            if (!d?.found || d.delta.ds < -back || d.delta.ds > fwd) continue;
            const dl = d.delta.dLaneId;
            if (dl >= from && dl <= to && (opposite || !d.delta.dOppLane)) return false;
            continue;
          }
          const lon = this.longitudinal(a, b, free);
          if (lon > fwd || lon < -back) continue;
          const rb = ra ? this.roadCoord(b, ra.roadId) : undefined;
          let dLane: number;
          let oppLane = false;
          if (ra && rb && rb.roadId === ra.roadId && ra.laneId !== 0 && rb.laneId !== 0) {
            dLane = rb.laneId - ra.laneId;
            // Crossing the centre line skips the absent lane 0.
            if (Math.sign(rb.laneId) !== Math.sign(ra.laneId)) dLane -= Math.sign(dLane);
            oppLane = Math.sign(rb.laneId) !== Math.sign(ra.laneId);
          } else {
            const lat = -(b.x - a.x) * Math.sin(a.headingRad) + (b.y - a.y) * Math.cos(a.headingRad);
            dLane = Math.round(lat / LANE_WIDTH_GUESS_M);
          }
          if (dLane >= from && dLane <= to && (opposite || !oppLane)) return false;
        }
        if (!ra || ra.laneId === 0) {
          // No road model: count lanes on the lane graph by side.
          const here = this.map.locate(a.x, a.y, a.headingRad, 5);
          for (let k = Math.max(from, -4); k <= Math.min(to, 4); k++) {
            if (k === 0) continue;
            let lane: string | undefined = here?.laneId;
            for (let j = 0; j < Math.abs(k) && lane; j++) {
              const d: { left?: { laneId: string }; right?: { laneId: string } } = this.map.lane(lane)!.data;
              lane = (k > 0 ? d.left : d.right)?.laneId;
            }
            if (lane) return true;
          }
          return from <= 0 && to >= 0;
        }
        // A lane of the range must exist here (esmini: nothing to move into otherwise).
        return this.roads!.drivingLaneIdsAt(ra.roadId, ra.sM).some(
          (id) =>
            id >= ra.laneId + from &&
            id <= ra.laneId + to &&
            (opposite || Math.sign(id) === Math.sign(ra.laneId)),
        );
      }
      case 'EndOfRoadCondition': {
        const since = a.endOfRoadSinceS;
        return since !== undefined && this.tS - since + 1e-9 >= num(c, 'duration', p, 0);
      }
      case 'TraveledDistanceCondition':
        return a.travelledM >= num(c, 'value', p);
      case 'ReachPositionCondition':
      case 'DistanceCondition': {
        const pos = this.resolvePos(kid(c, 'Position') ?? {}, `${p}/Position`, this.states);
        if (!pos) return false;
        const d = Math.hypot(a.x - pos.x, a.y - pos.y);
        if (name === 'ReachPositionCondition') return d <= num(c, 'tolerance', p, 1);
        const type = attr(c, 'relativeDistanceType');
        const cs = attr(c, 'coordinateSystem') ?? 'entity';
        if (attr(c, 'freespace') !== 'true' && (type === 'longitudinal' || type === 'lateral')) {
          // esmini's Object::Distance(x, y): along the road network in road / lane coordinates,
          // else in the entity's frame (x ahead, y left); conditions compare the absolute value.
          if (cs === 'road' || cs === 'lane')
            return compare(
              attr(c, 'rule'),
              this.roadNetworkDistance(a, { ...pos, headingRad: pos.headingRad }, undefined, type),
              num(c, 'value', p),
            );
          const ex = pos.x - a.x;
          const ey = pos.y - a.y;
          const ch = Math.cos(a.headingRad);
          const sh = Math.sin(a.headingRad);
          const local = type === 'longitudinal' ? ex * ch + ey * sh : -ex * sh + ey * ch;
          return compare(attr(c, 'rule'), Math.abs(local), num(c, 'value', p));
        }
        return compare(attr(c, 'rule'), d, num(c, 'value', p));
      }
      case 'RelativeDistanceCondition': {
        const b = other();
        if (!b) return false;
        const free = attr(c, 'freespace') === 'true';
        const type = attr(c, 'relativeDistanceType') ?? 'cartesianDistance';
        const cs = attr(c, 'coordinateSystem') ?? 'entity';
        let d: number;
        if (!free && (cs === 'road' || cs === 'lane') && (type === 'longitudinal' || type === 'lateral'))
          d = this.roadNetworkDistance(a, b, b, type);
        else if (type === 'longitudinal') d = Math.abs(this.longitudinal(a, b, free));
        else if (type === 'lateral') {
          d = Math.abs(-(b.x - a.x) * Math.sin(a.headingRad) + (b.y - a.y) * Math.cos(a.headingRad));
          if (free) d = Math.max(0, d - (a.entity.widthM + b.entity.widthM) / 2);
        } else {
          d = Math.hypot(b.x - a.x, b.y - a.y);
          if (free) d = Math.max(0, d - (a.entity.lengthM + b.entity.lengthM) / 2);
        }
        return compare(attr(c, 'rule'), d, num(c, 'value', p));
      }
      case 'TimeHeadwayCondition': {
        const b = other();
        if (!b) return false;
        const free = attr(c, 'freespace') === 'true';
        const cs = attr(c, 'coordinateSystem') ?? (attr(c, 'alongRoute') === 'true' ? 'road' : 'entity');
        const type = attr(c, 'relativeDistanceType');
        // Not freespace, as esmini's Position::Distance: the Euclidean distance (the default type),
        // negative for b behind a; a longitudinal or lateral type in road / lane coordinates along
        // the road network (Delta), in entity coordinates along / across a's heading. Freespace:
        // the gap along the heading.
        let d: number;
        if (free) d = this.longitudinal(a, b, true);
        else if (type === 'longitudinal' || type === 'lateral') {
          if (cs === 'road' || cs === 'lane') {
            const r = this.roads ? this.roadDelta(a, b) : undefined;
            d = r === undefined ? LARGE_NUMBER : type === 'lateral' ? r.dt : r.ds;
          } else {
            const dx = b.x - a.x;
            const dy = b.y - a.y;
            const ch = Math.cos(a.headingRad);
            const sh = Math.sin(a.headingRad);
            d = type === 'lateral' ? -dx * sh + dy * ch : dx * ch + dy * sh;
          }
        } else {
          const ahead = (b.x - a.x) * Math.cos(a.headingRad) + (b.y - a.y) * Math.sin(a.headingRad);
          d = (ahead > 0 ? 1 : -1) * Math.hypot(b.x - a.x, b.y - a.y);
        }
        // esmini leaves the headway undefined (the condition false) for a target behind or an
        // entity standing still or reversing (TrigByTimeHeadway).
        if (d < 0 || a.speedMps < 1e-6) return false;
        return compare(attr(c, 'rule'), Math.abs(d / a.speedMps), num(c, 'value', p));
      }
      case 'TimeToCollisionCondition': {
        const tgt = kid(c, 'TimeToCollisionConditionTarget');
        const b = this.states.get(attr(kid(tgt, 'EntityRef'), 'entityRef') ?? '');
        let d: number;
        let closing: number;
        if (b) {
          d = this.longitudinal(a, b, attr(c, 'freespace') === 'true');
          closing = a.speedMps - b.speedMps * Math.cos(angleDiff(b.headingRad, a.headingRad));
        } else {
          const pos = this.resolvePos(
            kid(tgt, 'Position') ?? {},
            `${p}/TimeToCollisionConditionTarget/Position`,
            this.states,
          );
          if (!pos) return false;
          d = (pos.x - a.x) * Math.cos(a.headingRad) + (pos.y - a.y) * Math.sin(a.headingRad);
          closing = a.speedMps;
        }
        const ttc = d >= 0 && closing > 1e-3 ? d / closing : Infinity;
        return compare(attr(c, 'rule'), ttc, num(c, 'value', p));
      }
      case 'RelativeSpeedCondition': {
        // The triggering entity's speed minus the referenced entity's (esmini's TrigByRelativeSpeed);
        // with OpenSCENARIO 1.2's `direction`, its velocity in the referenced entity's frame minus
        // the referenced entity's own (longitudinal / lateral; vertical: both move on the ground).
        // Velocities point along the body headings here.
        const b = other();
        if (!b) return false;
        const dir = attr(c, 'direction');
        let rel = a.speedMps - b.speedMps;
        const dh = a.headingRad - b.headingRad;
        if (dir === 'longitudinal') rel = a.speedMps * Math.cos(dh) - b.speedMps;
        else if (dir === 'lateral') rel = a.speedMps * Math.sin(dh);
        else if (dir === 'vertical') rel = 0;
        else if (dir !== undefined) {
          this.note(
            `${p}@direction`,
            `direction ${dir} is not longitudinal, lateral or vertical (never true)`,
          );
          return false;
        }
        return compare(attr(c, 'rule'), rel, num(c, 'value', p));
      }
      case 'CollisionCondition': {
        // OpenSCENARIO 1.x: true while the triggering entity's bounding box touches that of the
        // referenced entity (EntityRef) or of any entity of the type (ByType), as esmini tests it
        // (the boxes of the scripted motions; pedestrians and objects included).
        const ref = attr(kid(c, 'EntityRef'), 'entityRef');
        const type = attr(kid(c, 'ByType'), 'type');
        const kinds: Record<string, OscEntity['kind'][]> = {
          vehicle: ['vehicle', 'cyclist'],
          pedestrian: ['pedestrian'],
          miscellaneous: ['static'],
        };
        if (ref === undefined && (type === undefined || !kinds[type])) {
          this.note(p, 'needs an EntityRef or a ByType of vehicle, pedestrian or miscellaneous (never true)');
          return false;
        }
        const box = (e: EntityState) => ({
          cx: e.x + e.entity.centerOffsetM * Math.cos(e.headingRad),
          cy: e.y + e.entity.centerOffsetM * Math.sin(e.headingRad),
          headingRad: e.headingRad,
          lengthM: e.entity.lengthM,
          widthM: e.entity.widthM,
        });
        // An entity out of the scene (not yet added, or deleted) collides with nothing (esmini).
        if (!a.active) return false;
        for (const b of this.states.values()) {
          if (b === a || !b.active) continue;
          if (ref !== undefined ? b.entity.name !== ref : !kinds[type!]!.includes(b.entity.kind)) continue;
          if (boxesOverlap(box(a), box(b))) return true;
        }
        return false;
      }
      default:
        this.note(p, 'condition not supported (never true)');
        return false;
    }
  }

  /**
   * A storyboard element by name. Catalog maneuvers instantiated for several actors repeat their
   * names; a reference from inside one resolves to the element of the same maneuver group.
   */
  private lookup(name: string): Element | undefined {
    const all = this.byName.get(name);
    if (!all || all.length <= 1) return all?.[0];
    const group = (e: Element | undefined): Element | undefined => {
      let g = e;
      while (g && g.kind !== 'ManeuverGroup') g = g.parent;
      return g;
    };
    const mine = group(this.ctx);
    return all.find((e) => mine !== undefined && group(e) === mine) ?? all[0];
  }

  /** A trigger: condition groups OR-ed, conditions AND-ed; edges and delays honoured. */
  private triggeredIn(e: Element, trig: XNode | undefined, path: string, emptyIsTrue: boolean): boolean {
    this.ctx = e;
    const r = this.triggered(trig, path, emptyIsTrue);
    this.ctx = undefined;
    return r;
  }

  private triggered(trig: XNode | undefined, path: string, emptyIsTrue: boolean): boolean {
    if (!trig) return emptyIsTrue;
    const groups = kids(trig, 'ConditionGroup');
    if (groups.length === 0) return emptyIsTrue;
    // Every condition is evaluated each tick (no short-circuit) so that edges see every sample.
    const groupResults = groups.map((g, gi) =>
      kids(g, 'Condition').map((c, ci) => {
        const cp = `${path}/ConditionGroup[${gi}]/Condition[${ci}]`;
        const now = this.conditionTrue(c, cp);
        const prev = this.condPrev.get(c) ?? false;
        const first = !this.condPrev.has(c);
        this.condPrev.set(c, now);
        const edge = this.dialect === 'scenario_runner' ? 'none' : (attr(c, 'conditionEdge') ?? 'none');
        let fired: boolean;
        if (edge === 'rising') fired = now && !prev && !first;
        else if (edge === 'falling') fired = !now && prev;
        else if (edge === 'risingOrFalling') fired = now !== prev && !first;
        else fired = now;
        // esmini treats a rising edge at t = 0 of a condition that is true from the start as
        // not fired; SimulationTime > 0 style conditions still fire on the first later tick.
        const delay = Number(attr(c, 'delay') ?? 0);
        const cname = attr(c, 'name') ?? cp;
        // esmini logs every change of a condition's (edge-detected) value: an edge is true for one
        // sample, so "<name>: false" follows a step after it fired.
        if (!fired && this.condFiredPrev.get(c))
          this.log.push({ tS: this.tS, kind: 'condition_false_time', name: cname });
        this.condFiredPrev.set(c, fired);
        if (fired && !this.condSince.has(c)) {
          this.condSince.set(c, this.tS);
          this.log.push({ tS: this.tS, kind: 'condition_true_time', name: cname });
        }
        let on: boolean;
        if (delay > 0) {
          // esmini's ConditionDelay: the value the condition had `delay` earlier (true if it was
          // true at any sample since the last look), not a latch: a delayed pulse is a pulse.
          // Undelayed, the (edge-detected) value of this sample, as esmini's OSCCondition::Evaluate.
          const h = this.condHistory.get(c) ?? { t: [], v: [], next: 0 };
          this.condHistory.set(c, h);
          if (h.v.length === 0 || h.v[h.v.length - 1] !== fired) {
            h.t.push(this.tS);
            h.v.push(fired);
          }
          on = delayedValue(h, this.tS - delay);
        } else on = fired;
        if (on && delay > 0 && !this.triggeredLogged.has(c)) {
          this.triggeredLogged.add(c);
          this.log.push({ tS: this.tS, kind: 'condition_triggered_time', name: cname });
        }
        return on;
      }),
    );
    return groupResults.some((r) => r.every(Boolean));
  }

  private start(e: Element): void {
    e.status = 'running';
    e.changedS = this.tS;
    e.executions++;
    this.log.push({ tS: this.tS, kind: 'element_start_time', name: e.name });
    if (e.kind === 'Event') this.eventStarts.set(e.name, this.tS);
    if (e.kind === 'Action') {
      const checks: (() => boolean)[] = [];
      e.isDone = () => checks.every((c) => c());
      // Actions take effect after every trigger of this step has been evaluated on the world as
      // it was (two events triggered by one condition both fire, even if the first teleports).
      const order = this.elements.indexOf(e);
      // A ParameterAction / VariableAction sets its value when it starts: the triggers evaluated
      // after it in the same step see it (esmini: a VariableCondition in a later event of the
      // maneuver fires in the step the VariableAction ran, variable_modify.xosc). A signal's
      // state likewise (TrafficSignalStateAction::Start updates the light).
      const g = kid(e.node, 'GlobalAction');
      if (g && (kid(g, 'ParameterAction') || kid(g, 'VariableAction') || kid(g, 'InfrastructureAction'))) {
        this.actionOrder = order;
        this.globalAction(g, `${e.path}/GlobalAction`);
        return;
      }
      this.pendingActions.push(() => {
        this.actionOrder = order;
        const pa = kid(e.node, 'PrivateAction');
        if (pa) {
          const started: { done: boolean }[] = [];
          for (const a of this.actorsOf(e)) {
            const st = this.states.get(a);
            const before = st ? motionsOf(st) : [];
            const done = this.privateAction(a, pa, `${e.path}/PrivateAction`);
            if (done) checks.push(done);
            if (st) for (const m of motionsOf(st)) if (!before.includes(m)) started.push(m);
          }
          if (started.length > 0)
            e.onStop = () => {
              for (const m of started) m.done = true;
            };
        } else if (kid(e.node, 'GlobalAction')) {
          this.globalAction(kid(e.node, 'GlobalAction')!, `${e.path}/GlobalAction`);
        } else {
          const name = Object.keys(e.node).find((k) => k !== '$');
          // An empty <Action/> (esmini's test-collision-detection: an event that only logs) does nothing.
          this.note(
            name ? `${e.path}/${name}` : e.path,
            name ? 'not supported' : 'no action element (does nothing)',
          );
        }
      });
    }
  }

  private actorsOf(e: Element): string[] {
    let g: Element | undefined = e;
    while (g && g.kind !== 'ManeuverGroup') g = g.parent;
    return g?.actors ?? [];
  }

  private complete(e: Element, stopped = false): void {
    e.changedS = this.tS;
    if (stopped) {
      // esmini's StoryBoardElement::Stop stops the running children first; a stopped action is
      // no longer stepped: a speed transition cut short keeps the speed it reached, a lane change
      // the offset (highway_exit.xosc: the overwriting lane-change event stops the slowdown).
      for (const c of e.children) if (c.status === 'running') this.complete(c, true);
      e.onStop?.();
    }
    if (e.kind === 'Event' && !stopped && e.executions < e.maxExecutions) {
      // Restart (maximumExecutionCount > 1): back to standby, its trigger evaluated afresh.
      e.status = 'standby';
      this.log.push({ tS: this.tS, kind: 'event_run_completed_time', name: e.name });
      this.log.push({ tS: this.tS, kind: 'element_end_to_standby_time', name: e.name });
      for (const a of e.children) a.status = 'standby';
      this.resetTrigger(e.start);
      return;
    }
    if (e.kind === 'ManeuverGroup' && !stopped && e.executions < e.maxExecutions) {
      // esmini's StoryBoardElement::End: a maneuver group that may run again goes back to standby
      // with its maneuvers, events and actions reset (triggers evaluated afresh, event execution
      // counts from zero); having no start trigger it starts again at the next step.
      e.status = 'standby';
      this.log.push({ tS: this.tS, kind: 'element_end_to_standby_time', name: e.name });
      const reset = (x: Element): void => {
        for (const c of x.children) {
          c.status = 'standby';
          c.executions = 0;
          c.changedS = this.tS;
          this.resetTrigger(c.start);
          reset(c);
        }
      };
      reset(e);
      return;
    }
    e.status = 'complete';
    this.log.push({ tS: this.tS, kind: stopped ? 'element_stop_time' : 'element_end_time', name: e.name });
    if (e.kind === 'Event' && !stopped)
      this.log.push({ tS: this.tS, kind: 'event_complete_time', name: e.name });
  }

  /** Forgets a trigger's condition history (edges, delays) so a restarted event waits for it anew. */
  private resetTrigger(trig: XNode | undefined): void {
    for (const g of kids(trig, 'ConditionGroup'))
      for (const c of kids(g, 'Condition')) {
        this.condSince.delete(c);
        this.condHistory.delete(c);
        this.triggeredLogged.delete(c);
      }
  }

  /** One storyboard evaluation at the current time. */
  private stepStoryboard(): void {
    for (const e of this.elements) {
      if (e.kind === 'Story' && e.status === 'standby') this.start(e);
      if (
        e.kind === 'Act' &&
        e.status === 'standby' &&
        e.parent?.status === 'running' &&
        this.triggeredIn(e, e.start, `${e.path}/StartTrigger`, true)
      )
        this.start(e);
      if (
        e.kind === 'Act' &&
        e.status === 'running' &&
        e.stop &&
        this.triggeredIn(e, e.stop, `${e.path}/StopTrigger`, false)
      )
        this.complete(e, true);
      if (
        (e.kind === 'ManeuverGroup' || e.kind === 'Maneuver') &&
        e.status === 'standby' &&
        e.parent?.status === 'running'
      )
        this.start(e);
      if (
        e.kind === 'Event' &&
        e.status === 'standby' &&
        e.parent?.status === 'running' &&
        this.triggeredIn(e, e.start, `${e.path}/StartTrigger`, true)
      ) {
        if (e.priority === 'overwrite' || e.priority === 'override')
          for (const sib of e.parent.children)
            if (sib !== e && sib.status === 'running') this.complete(sib, true);
        this.start(e);
        for (const a of e.children) this.start(a);
      }
    }
    for (const run of this.pendingActions.splice(0)) run();
    for (const ia of this.initActions)
      if (!ia.logged && ia.done()) {
        ia.logged = true;
        this.log.push({ tS: this.tS, kind: 'element_end_time', name: ia.name });
      }
    this.completeFinished();
  }

  /** Completes, bottom-up, every running element whose work is done (at the current time). */
  private completeFinished(): void {
    for (const e of [...this.elements].reverse()) {
      if (e.status !== 'running') continue;
      if (e.kind === 'Action') {
        if (e.isDone?.() ?? true) this.complete(e);
      } else if (
        e.kind !== 'Story' &&
        e.children.length > 0 &&
        e.children.every((c) => c.status === 'complete')
      )
        this.complete(e);
      else if (e.kind !== 'Story' && e.kind !== 'Act' && e.children.length === 0) this.complete(e);
    }
  }

  /** Advances every entity by dt along its path. */
  private move(dtS: number): void {
    const moved = new Set<EntityState>();
    // esmini steps every action before any entity moves: a lateral distance is kept to where its
    // reference was at the start of the step.
    const startPose = new Map<EntityState, PlanePose>();
    for (const st of this.states.values()) startPose.set(st, { x: st.x, y: st.y, headingRad: st.headingRad });
    // esmini steps every action in storyboard order (Init's first) before it moves the entities:
    // a relative speed target reads its reference's speed as stepped before it in that order.
    // Entities whose speed action is running go in that order, the others after them.
    const stepOrder = this.stepOrder;
    stepOrder.length = 0;
    for (const st of this.states.values()) stepOrder.push(st);
    const key = (st: EntityState): number => (st.speed && !st.speed.done ? st.speed.order : Infinity);
    stepOrder.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka === kb ? 0 : ka < kb ? -1 : 1;
    });
    for (const st of stepOrder) {
      moved.add(st);
      if (st.entity.kind === 'static' || st.towedBy || !st.active || this.external.has(st.entity.name)) {
        continue;
      }
      const v0 = st.speedMps;
      const sp = st.speed;
      // esmini moves an entity inside its lateral action's or its (untimed) trajectory's step; a
      // speed action stepped after it (later in the storyboard) changes the speed only for the
      // next step (FollowTrajectoryAction::Move reads the object's speed when it is stepped).
      const tj = st.trajectory;
      const lagged = !!(
        sp &&
        !sp.done &&
        ((st.lateral && !st.lateral.done && sp.order > st.lateral.order) ||
          (tj && !tj.done && !tj.times && sp.order > tj.order))
      );
      const sy = st.sync;
      const kg = st.keepGap;
      if (kg && !kg.done) {
        const ref = this.states.get(kg.ref)!;
        // esmini steps every action before any entity moves: the distance where the reference
        // started this step
        const ds0 = moved.has(ref) ? startPose.get(ref)! : ref;
        const distanceM = this.longitudinal(st, { ...ref, x: ds0.x, y: ds0.y } as EntityState, kg.freespace);
        if (kg.side === 'any') kg.side = distanceM < 0 ? -1 : 1;
        const wantM = kg.distanceM ?? (kg.timeGapS ?? 0) * Math.abs(ref.speedMps);
        const r = longitudinalDistanceStep(
          kg.state,
          { distanceM, requestedM: kg.side * wantM, speedMps: st.speedMps, refSpeedMps: ref.speedMps },
          kg.params,
          dtS,
        );
        kg.state = r.state;
        st.speedMps = r.speedMps;
        if (r.moveM !== 0) st.sM = Math.min(Math.max(st.sM + r.moveM, 0), st.path.length);
        if (!kg.continuous && r.reached) kg.done = true;
      } else if (sy && !sy.done) {
        // esmini SynchronizeAction::Step: distances along the road network (straight-line when no
        // road path joins them), speeds projected on the road.
        const m = this.states.get(sy.master)!;
        const md = this.syncDistance(m, sy.masterTarget);
        // esmini steps every action before any entity moves: a master moved earlier in this loop is
        // measured from where it started the step.
        if (moved.has(m)) md.distM += md.direction * Math.abs(m.speedMps) * dtS;
        const ed = this.syncDistance(st, sy.target);
        const r = synchronizeStep(
          sy.state,
          {
            distM: ed.distM,
            masterDistM: md.distM,
            masterSpeedMps: Math.sign(m.speedMps) * md.direction * Math.abs(this.speedAlongRoad(m)),
            speedMps: st.speedMps,
            speedAlongRoadMps: (st.speedMps < 0 ? -1 : 1) * Math.abs(this.speedAlongRoad(st)),
            ...(sy.finalSpeed() !== undefined ? { finalSpeedMps: sy.finalSpeed()! } : {}),
          },
          sy.params,
          dtS,
        );
        sy.state = r.state;
        st.speedMps = r.speedMps;
        if (r.done) {
          sy.done = true;
          this.log.push({ tS: this.tS, kind: 'synchronize_reached_time', name: st.entity.name });
        }
      } else if (st.profile && !st.profile.done) {
        // esmini LongSpeedProfileAction::Step: the speed at the end of this step.
        const prof = st.profile;
        prof.state = speedProfileStep(prof.plan, prof.state, this.tS + dtS);
        st.speedMps = prof.state.speedMps;
        prof.done = prof.state.done;
      } else if (sp && !sp.done) {
        // esmini LongSpeedAction::Step, with the vehicle's Performance limits.
        const perf = st.entity.performance;
        const aMax = perf?.maxAccelMps2 ?? Infinity;
        const dMax = perf?.maxDecelMps2 ?? Infinity;
        const vMax = perf?.maxSpeedMps ?? Infinity;
        const clampV = (v: number): number => Math.min(Math.max(v, -vMax), vMax);
        if (sp.relative) {
          sp.vTarget = sp.target();
          if (sp.rate !== undefined)
            sp.paramTarget = (peakFactor(sp.shape) * Math.abs(sp.vTarget - sp.v0)) / sp.rate;
        }
        let vNew: number;
        if (sp.paramTarget > 0 && sp.param > sp.paramTarget - 1e-6) {
          const acc = Math.min(Math.max((sp.target() - st.speedMps) / dtS, -dMax), aMax);
          vNew = clampV(st.speedMps + acc * dtS);
        } else {
          sp.param = Math.min(Math.max(sp.param + dtS / sp.scale, 0), sp.paramTarget);
          vNew = transitionValue(sp);
          const accReq = (vNew - st.speedMps) / dtS;
          if (accReq > aMax + 1e-6 || accReq < -(dMax + 1e-6)) {
            const acc = Math.min(Math.max(accReq, -dMax), aMax);
            vNew = clampV(st.speedMps + acc * dtS);
            const stepApprox = (vNew - st.speedMps) / accReq;
            sp.param = Math.min(Math.max(sp.param - (dtS - stepApprox) / sp.scale, 0), sp.paramTarget);
          }
        }
        if (sp.param > sp.paramTarget - 1e-6 && Math.abs(vNew - sp.vTarget) < 1e-6) {
          vNew = sp.target();
          if (!sp.continuous) sp.done = true;
        }
        st.speedMps = vNew;
      } else if (sp?.done) {
        // A continuous relative target keeps tracking its reference.
      }
      st.accelMps2 = (st.speedMps - v0) / dtS;
      let latDistStep: { alongM?: number; dM: number } | undefined;
      const ld = st.latDist;
      if (ld && !ld.done) {
        const ref = this.states.get(ld.ref)!;
        const refPose = startPose.get(ref)!;
        if (ld.frame === 'entity') {
          const p = lateralDistanceEntityStep(
            { x: st.x, y: st.y, headingRad: st.headingRad },
            st.speedMps,
            refPose,
            ld.distanceM,
            ld.params.maxAccelMps2,
            dtS,
          );
          st.travelledM += Math.hypot(p.x - st.x, p.y - st.y);
          st.x = p.x;
          st.y = p.y;
          st.headingRad = p.headingRad;
          const on = st.path.project(p.x, p.y);
          st.sM = on.sM;
          st.dM = on.dM;
          st.hRelRad = 0;
          continue;
        }
        latDistStep = this.lateralDistanceRoad(st, ld, ref, refPose, dtS);
      }
      // A teleport owns the entity's position for the step it happened in (esmini's default
      // controller skips an entity whose position an action has set).
      // (Init's teleports hold only when stepped like esmini's C++ API; its player runs frame 0
      // with dt = 0.)
      // A lateral distance action moves the entity itself (esmini's action step, not its default
      // controller), so a teleport does not hold it; without a move of its own it shifts sideways only.
      if (
        st.teleportedAtS === this.tS &&
        (this.tS > 0 || this.engineApi) &&
        latDistStep?.alongM === undefined
      ) {
        if (latDistStep && latDistStep.dM !== 0) {
          st.dM += latDistStep.dM;
          const at = st.path.toCartesian(st.sM, st.dM);
          st.x = at.x;
          st.y = at.y;
        }
        continue;
      }
      const ds =
        latDistStep?.alongM !== undefined
          ? (st.speedMps < 0 ? -1 : 1) * latDistStep.alongM
          : (lagged ? v0 : st.speedMps) * dtS;
      st.travelledM += ds;
      const tr = st.trajectory;
      const pose = { x: 0, y: 0, headingRad: 0 };
      if (tr && !tr.done) {
        let s: number;
        let beyondM = 0;
        if (tr.times) {
          const t = this.tS + dtS;
          const ts = tr.times;
          let k = 0;
          while (k < ts.length - 2 && ts[k + 1]! <= t) k++;
          const span = ts[k + 1]! - ts[k]!;
          const w = span > 0 ? Math.min(Math.max((t - ts[k]!) / span, 0), 1) : 1;
          const vs = tr.vertexS ?? Array.from(tr.line.s);
          s = vs[k]! + w * (vs[k + 1]! - vs[k]!);
          let wRoll = w;
          if (tr.follow) {
            const f = tr.follow;
            s = followS(f, vs, (t - f.tr0) / f.scale - f.offset);
            // Attributes are interpolated along the segment by s (PolyLineBase::Evaluate).
            const seg = vs[k + 1]! - vs[k]!;
            wRoll = seg > 1e-9 ? Math.min(Math.max((s - vs[k]!) / seg, 0), 1) : w;
          }
          if (tr.rolls) st.rollRad = tr.rolls[k]! + wRoll * (tr.rolls[k + 1]! - tr.rolls[k]!);
          const sPrev = tr.s0;
          // The speed is what the time stamps give, negative when the entity faces against the
          // shape (FollowTrajectoryAction::Move, headingDirection).
          const facing = opposed(st.headingRad, this.trajectoryHeading(tr, sPrev).hTrueRad) ? -1 : 1;
          st.speedMps = (facing * Math.max(0, s - sPrev)) / dtS;
          // esmini ends a timed trajectory SMALL_NUMBER before its last time stamp; the time left
          // over in the step is travelled on beyond the end (FollowTrajectoryAction::Step).
          if (t > ts[ts.length - 1]! - TRAJECTORY_END_EPS) {
            tr.done = true;
            beyondM = Math.max(0, t - ts[ts.length - 1]!) * st.speedMps;
          }
        } else {
          // The direction of travel along the shape is the speed's sign, turned when the entity
          // faces against the shape (esmini movingDirection_ = SIGN(speed) · initialHeadingSign_).
          const along = (st.speedMps < 0 ? -1 : 1) * tr.headingSign;
          s = tr.s0 + along * Math.abs(ds);
          // esmini ends an untimed trajectory SMALL_NUMBER before its end (its start, backwards)
          // and moves the rest of the step's distance on along the heading there
          // (FollowTrajectoryAction::Step).
          if (along > 0 && s > tr.line.length - TRAJECTORY_END_EPS) {
            tr.done = true;
            beyondM = Math.max(0, s - tr.line.length);
          } else if (along < 0 && s < TRAJECTORY_END_EPS) {
            tr.done = true;
            beyondM = Math.max(0, -s);
          }
        }
        tr.s0 = Math.min(Math.max(s, 0), tr.line.length);
        tr.line.toCartesian(tr.s0, 0, pose);
        const at = this.trajectoryHeading(tr, tr.s0);
        if (beyondM !== 0) {
          pose.x += beyondM * Math.cos(at.headingRad);
          pose.y += beyondM * Math.sin(at.headingRad);
        }
        // The entity takes the trajectory's heading; where the vertex gave none it faces along
        // the shape, or against it when it started so (entering such a segment from one with a
        // given heading decides that anew: FollowTrajectoryAction::Move).
        pose.headingRad = at.headingRad;
        if (at.explicit) tr.explicitActive = true;
        else {
          if (tr.explicitActive) {
            tr.headingSign = opposed(at.headingRad, at.hTrueRad) ? -1 : 1;
            tr.explicitActive = false;
          }
          if (tr.headingSign < 0) pose.headingRad = angle2Pi(pose.headingRad + Math.PI);
        }
        st.x = pose.x;
        st.y = pose.y;
        st.headingRad = pose.headingRad;
        if (tr.done) {
          this.place(st, pose);
          st.hRelRad = 0;
          // Without a road network there is no lane to continue along: the entity stops where the
          // trajectory ends (as esmini's default controller does).
          if (this.map.lanes.length === 0) {
            st.speedMps = 0;
            st.speed = undefined;
            if (st.profile) st.profile.done = true;
          }
        }
        continue;
      }
      // The distance is travelled at the entity's lateral offset: on a curve its arc length along
      // the path differs by 1 / (1 − κ·d) (esmini Position::DistanceToDS).
      // A lane path is built for a stretch ahead (not to a road end): extend it before the entity
      // runs out of it, from the lane centre where it is (d stays relative to the same lane).
      if (!st.deadEnd && this.map.lanes.length > 0 && st.path.length - st.sM < PATH_EXTEND_M && st.placed) {
        const c = st.path.toCartesian(st.sM, 0, pose);
        const p = this.buildPath(c.x, c.y, c.headingRad, undefined, st.routeRoads);
        if (p.path.length - p.sM > st.path.length - st.sM + 1) {
          st.path = p.path;
          st.pathLanes = p.lanes;
          st.pathLaneFromS = p.laneFromS;
          st.sM = p.sM;
          st.deadEnd = p.deadEnd ?? false;
        }
      }
      const wasAtEnd = st.deadEnd && st.sM >= st.path.length - 1e-9;
      const kd = st.dM !== 0 ? st.path.curvatureAt(st.sM) * st.dM : 0;
      const drift = this.laneDrift(st);
      st.sM = Math.min(
        st.sM + (Math.abs(kd) > 1e-6 && kd < 0.9 ? ds / (1 - kd) : ds) * drift,
        st.path.length,
      );
      if (st.deadEnd && st.sM >= st.path.length - 1e-9) {
        // The road ends here: the entity is stuck (esmini's default controller). esmini zeroes its
        // speed only once its measured velocity is zero, i.e. two steps after it arrived; until
        // then the speed is kept (a teleport at the end of the road keeps it).
        st.endOfRoadSinceS ??= this.tS + dtS;
        if (wasAtEnd && st.endOfRoadStillSteps++ >= 1) {
          st.speedMps = 0;
          st.speed = undefined;
          if (st.profile) st.profile.done = true;
        }
      }
      const lat = st.lateral;
      let dNext = st.dM;
      let landed = false;
      if (lat && !lat.done) {
        const tau = lat.durationS > 0 ? (this.tS + dtS - lat.t0) / lat.durationS : 1;
        const f = shapeAt(lat.shape, tau);
        // Relative to the target lane's centre where the entity is now (it may have moved).
        const centre = lat.laneId
          ? this.laneCentreD(st, lat.laneId, st.path.toCartesian(st.sM, 0, pose))
          : undefined;
        const shift = centre !== undefined && lat.centre0 !== undefined ? centre - lat.centre0 : 0;
        dNext = lat.fromD + shift + (lat.toD - lat.fromD) * f;
        if (tau >= 1) {
          lat.done = true;
          landed = lat.laneId !== undefined;
        }
      }
      if (latDistStep) dNext += latDistStep.dM;
      const dd = dNext - st.dM;
      // The step's length is split between lateral and longitudinal motion (esmini's lane change:
      // ds² = step² − dlat², dlat the transition's rate where the step starts times dt; the target
      // lane's own drift is not part of it).
      let along = Math.abs(ds);
      if (lat && !lat.onTop && dd !== 0 && lat.durationS > 0) {
        const tau0 = (this.tS - lat.t0) / lat.durationS;
        const dLat = (Math.abs(lat.toD - lat.fromD) * shapeRate(lat.shape, tau0) * dtS) / lat.durationS;
        if (dLat < Math.abs(ds)) {
          along = Math.sqrt(ds * ds - dLat * dLat);
          st.sM -= Math.sign(ds) * (Math.abs(ds) - along) * drift;
        }
      }
      // Keep the offset on the banked surface: scale its plan-view share by the change of cos(roll).
      if (lat && !lat.done) st.bankCos = undefined;
      else if (dNext !== 0 && this.roads) {
        const c = this.bankCosAt(st);
        if (c !== undefined && st.bankCos !== undefined) dNext *= c / st.bankCos;
        st.bankCos = c;
      }
      st.dM = dNext;
      st.path.toCartesian(st.sM, st.dM, pose);
      st.x = pose.x;
      st.y = pose.y;
      if (lat && !lat.done) st.hRelRad = 0;
      // The body points along its motion: lateral step over the longitudinal part of the step.
      st.headingRad = pose.headingRad + Math.atan2(dd, Math.max(along, 1e-3)) + st.hRelRad;
      if (landed) {
        // In its new lane it follows that lane's centre (esmini: lane id kept, offset 0).
        const lanes = st.pathLanes;
        this.place(st, { x: st.x, y: st.y, headingRad: pose.headingRad });
        st.hRelRad = 0;
        if (st.pathLanes.length === 0) st.pathLanes = lanes;
      }
    }
    this.pullTrailers();
    this.alignToRearAxle();
  }

  /**
   * esmini moves an entity along its road's s (MoveAlongS), not along its lane: where the lane
   * drifts across the road (a width or lane offset changing along s) its centre is longer than s by
   * 1 / cos of the angle between lane and reference line, and so is the step (esmini's
   * lane_width_and_offset unit test). 1 off the roads or where the angle is below 0.01 rad (path
   * sampling) or above 60° (not a drift: a junction's path meeting another road).
   */
  private laneDrift(st: EntityState): number {
    if (!this.roads) return 1;
    // On a lane of the path: the angle of that lane's centre line to its own road's reference line
    // (where junction roads overlap, the nearest road may be one turning the other way; and the
    // path's polyline heading kinks where two lanes meet).
    const at = this.pathLaneAt(st);
    if (at) {
      const lane = this.map.lane(at.id)!;
      const hLane = lane.line.headingAt(lane.line.project(st.x, st.y).sM);
      const rp = this.roads.pose(at.roadId, at.sM, 0);
      const cos = rp.ok ? Math.abs(Math.cos(hLane - rp.value.hRoad)) : 1;
      const bank = rp.ok ? this.bankStretch(at.roadId, at.sM, at.tM, rp.value.rRoad) : 1;
      return (cos < 0.99995 && cos > 0.5 ? 1 / cos : 1) * bank;
    }
    const c = this.roadCoord(st);
    const rp = c ? this.roads.pose(c.roadId, c.sM, c.tM) : undefined;
    if (!c || !rp?.ok) return 1;
    const cos = Math.abs(Math.cos(st.path.headingAt(st.sM) - rp.value.hRoad));
    return (
      (cos < 0.99995 && cos > 0.5 ? 1 / cos : 1) * this.bankStretch(c.roadId, c.sM, c.tM, rp.value.rRoad)
    );
  }

  /** cos(roll) of the path lane's road at the entity's path s; undefined off banked roads. */
  private bankCosAt(st: EntityState): number | undefined {
    if (!this.roads) return undefined;
    const from = st.pathLaneFromS;
    let roadId: string | undefined;
    if (from && from.length === st.pathLanes.length) {
      let i = 0;
      while (i + 1 < from.length && from[i + 1]! <= st.sM) i++;
      roadId = this.map.lane(st.pathLanes[i] ?? '')?.data.roadId;
    }
    roadId ??= this.roadCoord(st)?.roadId;
    if (roadId === undefined || !this.roads.road(roadId)?.superelevations.length) return undefined;
    const p = st.path.toCartesian(st.sM, 0);
    const c = this.roads.snapToRoad(roadId, p.x, p.y);
    const r = c ? this.roads.pose(roadId, c.sM, c.tM) : undefined;
    return r?.ok ? Math.cos(r.value.rRoad) : undefined;
  }

  /**
   * On a banked curve the path runs t·cos(roll) beside the reference line, but esmini steps road s
   * by ds / (1 − κ·t) (Position::DistanceToDS takes t, not its plan-view share), so an entity covers
   * (1 − κ·t·cos(roll)) / (1 − κ·t) of its distance on the path per step. 1 on flat roads.
   */
  private bankStretch(roadId: string, sM: number, tM: number, roll: number): number {
    if (Math.abs(roll) < 1e-9 || !this.roads) return 1;
    const k = this.roads.curvature(roadId, sM);
    if (!k.ok) return 1;
    const kt = k.value * tM;
    if (Math.abs(kt) < 1e-9 || kt > 0.9) return 1;
    return (1 - kt * Math.cos(roll)) / (1 - kt);
  }

  /**
   * The path lane the entity is on, with its road and the entity's s on that road
   * (esmini steps the road its lane belongs to); undefined when the path does not say.
   */
  private pathLaneAt(st: EntityState): { id: string; roadId: string; sM: number; tM: number } | undefined {
    const from = st.pathLaneFromS;
    if (!this.roads || !from || from.length !== st.pathLanes.length) return undefined;
    let i = 0;
    while (i + 1 < from.length && from[i + 1]! <= st.sM) i++;
    const id = st.pathLanes[i] ?? '';
    const roadId = this.map.lane(id)?.data.roadId;
    if (roadId === undefined) return undefined;
    const c = this.roads.snapToRoad(roadId, st.x, st.y);
    return c ? { id, roadId, sM: c.sM, tM: c.tM } : undefined;
  }

  /**
   * EntityAction (esmini AddEntityAction / DeleteEntityAction): an inactive entity is put in the
   * scene at the position (a teleport), an active one taken out; either is skipped when the entity
   * already is so. Returns whether it ran.
   */
  private entityAction(ea: XNode, path: string): boolean {
    const name = attr(ea, 'entityRef') ?? '';
    const st = this.states.get(name);
    if (!st) {
      this.note(`${path}@entityRef`, `unknown entity ${name}`);
      return false;
    }
    const add = kid(ea, 'AddEntityAction');
    if (add) {
      if (st.active) return false;
      const pos = this.resolvePos(
        kid(add, 'Position') ?? {},
        `${path}/AddEntityAction/Position`,
        this.states,
      );
      if (!pos) return false;
      this.place(st, pos);
      st.teleportedAtS = this.tS;
      st.active = true;
      return true;
    }
    if (kid(ea, 'DeleteEntityAction')) {
      if (!st.active) return false;
      st.active = false;
      return true;
    }
    this.note(path, 'expected AddEntityAction or DeleteEntityAction');
    return false;
  }

  /**
   * One road-coordinate LateralDistanceAction step (esmini GetDistanceError and Step): the error
   * from Position::Delta between the reference where it started the step and the entity, the
   * reference's lateral velocity in its own frame from its last step. Returns the sideways move on
   * the entity's path and, in the dynamic modes, the distance along it.
   */
  private lateralDistanceRoad(
    st: EntityState,
    ld: NonNullable<EntityState['latDist']>,
    ref: EntityState,
    refPose: PlanePose,
    dtS: number,
  ): { alongM?: number; dM: number } | undefined {
    const pa = this.roadPosition(st.x, st.y, st.headingRad, st);
    const pb = this.roadPosition(refPose.x, refPose.y, refPose.headingRad);
    const d = pa && pb && this.roads ? positionDelta(this.roads, pb, pa) : undefined;
    if (!pa || !d?.found) {
      // esmini ends the action when no road path joins the two.
      ld.done = true;
      return undefined;
    }
    const err = roadDistanceErrorM(d.delta.dt, Math.cos(pa.hRelRad) >= 0, d.delta.dDirection, ld.distanceM);
    const tr = ref.track;
    let refLatVel = 0;
    if (tr.length >= 2) {
      const a = tr[tr.length - 2]!;
      const b = tr[tr.length - 1]!;
      const span = b.tS - a.tS;
      if (span > 0)
        refLatVel = (-(b.x - a.x) * Math.sin(b.headingRad) + (b.y - a.y) * Math.cos(b.headingRad)) / span;
    }
    const r = lateralDistanceRoadStep(ld.state, err, st.speedMps, refLatVel, ld.params, dtS);
    ld.state = r.state;
    if (r.done) ld.done = true;
    // The move is along the road's t; the path's d runs the same way where the path runs along s.
    const c = this.roadCoord(st);
    const rp = c ? this.roads!.pose(c.roadId, c.sM, c.tM) : undefined;
    const along = rp?.ok ? Math.cos(st.path.headingAt(st.sM) - rp.value.hRoad) >= 0 : true;
    return { ...(r.alongM !== undefined ? { alongM: r.alongM } : {}), dM: (along ? 1 : -1) * r.dTM };
  }

  /**
   * Trailers follow their tow vehicle (esmini): the coupler stays on the hitch, the trailer turns
   * towards it along the line from the hitch to where it was, and takes the tow vehicle's speed.
   */
  private pullTrailers(): void {
    for (const tow of this.states.values()) {
      if (tow.towedBy) continue;
      let v = tow;
      for (let n = 0; v.trailer && n < 100; n++) {
        const tr = this.states.get(v.trailer);
        if (!tr) break;
        const hx = v.x + (v.entity.hitchDxM ?? 0) * Math.cos(v.headingRad);
        const hy = v.y + (v.entity.hitchDxM ?? 0) * Math.sin(v.headingRad);
        let dx = tr.x - hx;
        let dy = tr.y - hy;
        const len = Math.hypot(dx, dy) || 1;
        const c = tr.entity.couplerDxM ?? 0;
        // the trailer faces its hitch: from the unscaled direction (scaled by a zero coupler
        // offset it was atan2(0, 0) + π, π on every tick)
        tr.headingRad = Math.atan2(dy, dx) + Math.PI;
        dx = (dx / len) * c;
        dy = (dy / len) * c;
        tr.x = hx + dx;
        tr.y = hy + dy;
        tr.speedMps = v.speedMps;
        v = tr;
      }
    }
  }

  /**
   * A vehicle whose reference point is ahead of its rear axle (esmini refpoint_x_offset, e.g. the
   * front axle) faces from its rear axle to the reference point; the rear axle then trails it.
   */
  private alignToRearAxle(): void {
    for (const st of this.states.values()) {
      const off = st.entity.refpointXOffsetM;
      if (!off || this.external.has(st.entity.name)) continue;
      // esmini aligns the rear axle once at load, where every entity stands at the origin facing +x.
      st.rearAxle ??= { x: -off, y: 0 };
      const h = Math.atan2(st.y - st.rearAxle.y, st.x - st.rearAxle.x);
      st.headingRad = h;
      st.rearAxle = { x: st.x - off * Math.cos(h), y: st.y - off * Math.sin(h) };
    }
  }

  private record(): void {
    for (const st of this.states.values()) {
      if (Math.abs(st.speedMps) >= STAND_STILL_MPS) st.standstillSinceS = undefined;
      else st.standstillSinceS ??= this.tS;
      st.attitude.push({ zM: st.zOffsetM, rollRad: st.rollRad });
      st.activeTrack.push(st.active);
      st.track.push({
        tS: Math.round(this.tS * 1e6) / 1e6,
        x: st.x,
        y: st.y,
        headingRad: st.headingRad,
        speedMps: st.speedMps,
      });
    }
  }

  /**
   * esmini's player runs its first frame with a zero step (Frame(0.0)): the actions Init and the
   * events of t = 0 started are stepped once with dt = 0, in the order they started. Of the speed
   * actions only a continuous relative target reached in one go (a step, or an empty range) changes
   * there: LongSpeedAction::Step sets it again to its reference's speed as it is now, after every
   * start (init_actions_reorder.xosc's three cars, each 10 km/h faster than the next in a ring,
   * start one lap of the ring faster than their Starts left them).
   */
  private zeroStep(): void {
    for (const { st, sp } of this.startedSpeeds) {
      if (st.speed !== sp || sp.done || !sp.continuous || sp.paramTarget >= 1e-9) continue;
      sp.vTarget = sp.target();
      st.speedMps = sp.vTarget;
    }
    this.startedSpeeds.length = 0;
  }

  /**
   * Runs until the storyboard StopTrigger fires (but at least `minDurationS`, so a closed-loop run
   * of that length has tracks) or `maxDurationS`: `begin`, `frame` until it returns false, `finish`.
   */
  run(stopTrigger: XNode | undefined, o: ExecutorOptions & { minDurationS: number }): ExecutorResult {
    this.begin(stopTrigger, o);
    while (this.frame()) {}
    return this.finish();
  }

  /**
   * Starts a run that a caller steps frame by frame (`frame`), e.g. a live driver that sets an
   * externally driven entity (`drive`) before each frame. `run` is `begin`, `frame`s, `finish`.
   */
  begin(stopTrigger: XNode | undefined, o: ExecutorOptions & { minDurationS: number }): void {
    this.engineApi = o.engineApi ?? false;
    this.running = { stopTrigger, o, steps: Math.round(o.maxDurationS / o.dtS), k: 0, over: false };
  }

  /** Time of the next frame (the state it records), s; the current time once the run is over. */
  get frameS(): number {
    const r = this.running;
    return r && !r.over ? Math.round(r.k * r.o.dtS * 1e6) / 1e6 : this.tS;
  }

  /**
   * One frame at the next frame time t: record the states at t (the first record is after Init's
   * storyboard step), evaluate the StopTrigger and the storyboard at t, move every entity to t + dt.
   * Returns false once the run is over (the frame that ends it moves nothing).
   */
  frame(): boolean {
    const r = this.running;
    if (!r || r.over) return false;
    const { k, o, steps, stopTrigger } = r;
    this.tS = Math.round(k * o.dtS * 1e6) / 1e6;
    // esmini records a frame's state before its storyboard step: what the storyboard does at t
    // (a teleport, a step change of speed) shows from t + dt. The first record is after Init.
    if (k > 0) this.record();
    // The storyboard's StopTrigger is evaluated before its stories (esmini): it sees what they
    // completed in the previous step, and when it fires the stories are not stepped again.
    if (
      r.endS === undefined &&
      k > 0 &&
      stopTrigger &&
      this.triggered(stopTrigger, '/OpenSCENARIO/Storyboard/StopTrigger', false)
    ) {
      r.endS = this.tS;
      this.log.push({ tS: this.tS, kind: 'storyboard_end_time', name: 'storyBoard' });
    }
    if (r.endS !== this.tS) this.stepStoryboard();
    if (k === 0) {
      this.zeroStep();
      // esmini's zero-length first frame pulls the trailers too (at their tow vehicle's speed).
      this.pullTrailers();
      this.alignToRearAxle();
      this.record();
    }
    if ((r.endS !== undefined && this.tS >= Math.max(r.endS, o.minDurationS) - 1e-9) || k >= steps) {
      r.over = true;
      return false;
    }
    this.move(o.dtS);
    // esmini steps an action within the storyboard step of the time the step starts at, and
    // ends it there: an action that finished during this step completes at the old time.
    this.completeFinished();
    r.k++;
    return true;
  }

  /** When each event last started so far, by event name. */
  get eventStartTimes(): ReadonlyMap<string, number> {
    return this.eventStarts;
  }

  /** Ends the run begun by `begin` and returns what it produced. */
  finish(): ExecutorResult {
    const r = this.running;
    this.log.push({ tS: this.tS, kind: 'simulation_end_time', name: 'Closing' });
    return {
      states: this.states,
      endS: r?.endS ?? r?.o.maxDurationS ?? this.tS,
      eventStarts: this.eventStarts,
      messages: this.messages,
      signalStates: this.signalStates,
    };
  }

  /**
   * Drives entity `name` from outside from now on (the agent under test, as CARLA ScenarioRunner's
   * `external_control` hero or esmini's external controller): its pose, speed and acceleration are
   * set to `s` (the reference point, map frame; m, rad, m/s, m/s²), its travelled distance grows by
   * the displacement and its place on its path is re-projected (road coordinates follow from the
   * pose). The storyboard reads it; no action moves it. Call before the `frame` of the state's time.
   */
  drive(
    name: string,
    s: { x: number; y: number; headingRad: number; speedMps: number; accelMps2: number },
  ): void {
    const st = this.states.get(name);
    if (!st) return;
    if (this.external.has(name)) st.travelledM += Math.hypot(s.x - st.x, s.y - st.y);
    this.external.add(name);
    st.x = s.x;
    st.y = s.y;
    st.headingRad = s.headingRad;
    st.speedMps = s.speedMps;
    st.accelMps2 = s.accelMps2;
    st.hRelRad = 0;
    const f = st.path.project(s.x, s.y);
    st.sM = f.sM;
    st.dM = f.dM;
  }
}

/** The motions in progress on an entity that an action starts (each ends when marked done). */
function motionsOf(st: EntityState): { done: boolean }[] {
  const out: { done: boolean }[] = [];
  for (const m of [st.speed, st.profile, st.keepGap, st.sync, st.lateral, st.latDist]) if (m) out.push(m);
  return out;
}

/**
 * Whether a Position states a heading (esmini sets a heading mode only then): a WorldPosition's
 * `h`, or an `Orientation` with `h` on another position type.
 */
export function statesHeading(pos: XNode | undefined): boolean {
  if (!pos) return false;
  const inner = Object.entries(pos).find(([k]) => k !== '$' && !k.startsWith('#'))?.[1] as
    | XNode
    | XNode[]
    | undefined;
  const node = Array.isArray(inner) ? inner[0] : inner;
  if (!node) return false;
  return attr(node, 'h') !== undefined || attr(kid(node, 'Orientation'), 'h') !== undefined;
}

/** A per-vertex value at arc length s, linear between vertices (PolyLineBase::EvaluateSegmentByLocalS). */
export function atS(vertexS: readonly number[], values: readonly number[], sM: number): number {
  const n = vertexS.length;
  if (n === 0) return 0;
  if (sM >= vertexS[n - 1]! - 1e-6) return values[n - 1]!;
  let i = 0;
  while (i < n - 1 && sM > vertexS[i + 1]! + 1e-6) i++;
  const len = Math.max(vertexS[i + 1]! - vertexS[i]!, 1e-6);
  const a = Math.min(Math.max((sM - vertexS[i]!) / len, 0), 1);
  return (1 - a) * values[i]! + a * values[i + 1]!;
}

/**
 * Vertex speeds of a timed polyline in position mode (PolyLineShape::CalculatePolyLine): each
 * vertex has its segment's length over its duration; the last vertex keeps 0, as esmini's loop
 * writes the last value to the vertex before it.
 */
export function positionModeSpeeds(vertexS: readonly number[], times: readonly number[]): number[] {
  return vertexS.map((s, i) => {
    if (i === vertexS.length - 1) return 0;
    const dt = times[i + 1]! - times[i]!;
    return dt > 1e-6 ? (vertexS[i + 1]! - s) / dt : 0;
  });
}

/**
 * esmini's FOLLOW profile of a timed polyline (PolyLineShape::CalculatePolyLine): the first vertex
 * has the entity's speed; each segment accelerates constantly so as to cover its length in its
 * time; a segment that would need the speed to change sign stops early instead (acc = −v²/2ds),
 * and a segment without length has speed 0.
 */
export function followProfile(
  vertexS: readonly number[],
  times: readonly number[],
  initialSpeedMps: number,
): { speed: number[]; acc: number[] } {
  const n = vertexS.length;
  const speed = new Array<number>(n).fill(0);
  const acc = new Array<number>(n).fill(0);
  let v = initialSpeedMps;
  for (let i = 0; i < n; i++) {
    if (i === 0) {
      speed[0] = initialSpeedMps;
      continue;
    }
    let a = 0;
    const ds = vertexS[i]! - vertexS[i - 1]!;
    const dt = times[i]! - times[i - 1]!;
    if (Math.abs(ds) > 1e-6) {
      a = (2 * (ds - v * dt)) / (dt * dt);
      const sign = (x: number) => (x < 0 ? -1 : 1);
      if (sign(v + a * dt) !== sign(v)) {
        a = -(v * v) / (2 * ds);
        v = 0;
      } else v += a * dt;
    } else v = 0;
    acc[i - 1] = a;
    speed[i] = v;
  }
  return { speed, acc };
}

/** s at trajectory time tau on a FOLLOW profile (PolyLineShape::Evaluate by time). */
export function followS(
  f: { speed: readonly number[]; acc: readonly number[]; rawTimes: readonly number[] },
  vertexS: readonly number[],
  tau: number,
): number {
  const ts = f.rawTimes;
  const n = ts.length;
  if (tau > ts[n - 1]!) return vertexS[n - 1]!;
  let i = 0;
  while (i < n - 1 && ts[i + 1]! < tau) i++;
  let dt = Math.max(0, tau - ts[i]!);
  const v = f.speed[i]!;
  const a = f.acc[i]!;
  // Slowing down: stop early rather than reverse.
  if (a < 0) dt = Math.min(dt, -v / a);
  return vertexS[i]! + dt * v + 0.5 * a * dt * dt;
}

/** Entities an AddEntityAction of the storyboard brings in (GlobalAction/EntityAction anywhere in it). */
export function addedEntities(node: unknown): string[] {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) for (const c of n) walk(c);
    else if (n && typeof n === 'object')
      for (const [k, v] of Object.entries(n as XNode)) {
        if (k === '$' || k === '#text') continue;
        if (k === 'EntityAction')
          for (const ea of v as XNode[]) if (kid(ea, 'AddEntityAction')) out.add(attr(ea, 'entityRef') ?? '');
        walk(v);
      }
  };
  walk(node);
  return [...out];
}
