/**
 * The contracts of edgeplan: every message that crosses a module boundary is defined here once,
 * as a zod schema, and its TypeScript type is inferred from it (never written twice).
 *
 * Conventions (ARCHITECTURE.md): SI units, map frame ENU (x east, y north, z up), heading
 * counter-clockwise from +x in radians. The ego pose is its REAR AXLE centre (kinematic bicycle
 * reference point, as in nuPlan); agent poses are their footprint CENTRE.
 */
import { z } from 'zod';

const finite = () => z.number().finite();
const nonNeg = () => z.number().finite().nonnegative();
const positive = () => z.number().finite().positive();

export const Vec2Schema = z.object({ x: finite(), y: finite() });
export type Vec2 = z.infer<typeof Vec2Schema>;

export const PoseSchema = z.object({ x: finite(), y: finite(), headingRad: finite() });
export type Pose = z.infer<typeof PoseSchema>;

// ---------------------------------------------------------------------------------------------
// Vehicles and agents

/** Physical and actuator limits of the ego platform. Defaults: nuPlan's Pacifica (get_pacifica_parameters). */
export const VehicleParamsSchema = z.object({
  kind: z.enum(['car', 'robot']).default('car'),
  lengthM: positive().default(5.176),
  widthM: positive().default(2.297),
  /** Distance from the rear axle forward to the footprint centre (Pacifica: 1.461 m). */
  rearAxleToCenterM: finite().default(1.461),
  wheelBaseM: positive().default(3.089),
  maxAccelMps2: positive().default(3.0),
  maxDecelMps2: positive().default(8.0),
  maxSteerRad: positive().default(Math.PI / 3),
  maxSteerRateRadps: positive().default(1.0),
  maxSpeedMps: positive().default(30),
  /** Robots (unicycle): maximum yaw rate. */
  maxYawRateRadps: positive().default(1.5),
  /**
   * Robots (unicycle): the platform turns on the spot (a differential drive). Live missions may
   * then start by turning round to a lane behind it (bridge/Mission `planGoalRoute`). Unset: no.
   */
  turnInPlace: z.boolean().optional(),
});
export type VehicleParams = z.infer<typeof VehicleParamsSchema>;

export const EgoStateSchema = z.object({
  tS: finite(),
  x: finite(),
  y: finite(),
  headingRad: finite(),
  speedMps: finite(),
  accelMps2: finite().default(0),
  steerRad: finite().default(0),
  yawRateRadps: finite().default(0),
});
export type EgoState = z.infer<typeof EgoStateSchema>;

export const AgentKindSchema = z.enum(['vehicle', 'pedestrian', 'cyclist', 'robot', 'static']);
export type AgentKind = z.infer<typeof AgentKindSchema>;

/**
 * What an agent is, beyond its kind: the facts rules need (a school bus, an emergency vehicle, a
 * child) instead of meaning read into ids. Categories of the sources: nuPlan tracked-object types,
 * CommonRoad ObstacleType, OpenSCENARIO vehicleCategory / pedestrianCategory / role.
 */
export const AgentSubclassSchema = z.enum([
  'car',
  'van',
  'bus',
  'school_bus',
  'truck',
  'trailer',
  'motorcycle',
  'emergency',
  'tram',
  'train',
  'bicycle',
  'adult',
  'child',
  'wheelchair',
  'animal',
  'cone',
  'barrier',
  'other',
]);
export type AgentSubclass = z.infer<typeof AgentSubclassSchema>;

/** Turn / hazard indicator of a vehicle (absent: unknown). */
export const IndicatorSchema = z.enum(['NONE', 'LEFT', 'RIGHT', 'HAZARD']);
export type Indicator = z.infer<typeof IndicatorSchema>;

/**
 * Optional agent facts (absent: unknown, so data without them still parses): subclass, an
 * emergency vehicle's siren and warning lights, a school bus's red flashers / stop arm (`lightsOn`),
 * the turn indicator, and whether the agent is parked (not taking part in traffic).
 */
export const AgentAttributesSchema = z.object({
  subclass: AgentSubclassSchema.optional(),
  /** Emergency vehicle: siren sounding. */
  sirenOn: z.boolean().optional(),
  /** Warning lights on: emergency beacons, a school bus's red flashers / stop arm. */
  lightsOn: z.boolean().optional(),
  indicator: IndicatorSchema.optional(),
  /** Parked (kerbside, not queueing in traffic). */
  parked: z.boolean().optional(),
});
export type AgentAttributes = z.infer<typeof AgentAttributesSchema>;

/** An id from the world: bounded, because it reaches scene text, verdicts and the audit log. */
const worldId = () => z.string().min(1).max(256);

export const AgentStateSchema = z
  .object({
    id: worldId(),
    kind: AgentKindSchema,
    x: finite(),
    y: finite(),
    headingRad: finite(),
    speedMps: nonNeg(),
    /**
     * `false`: no speed was measured or given for this agent — a detector that reports positions
     * only (vision_msgs Detection3D, through the ROS bridge) at the agent's first sighting, before
     * two sightings give a finite difference. `speedMps` is then no measurement (send 0) and no
     * consumer may read it as one: the gate takes the agent both at rest and moving at the
     * plausible speed of its kind along its heading (`SafetyParams.unknownSpeedMps`), the planner
     * neither as a stopped lead nor as a moving one it may follow closely. Absent (or `true`): the
     * speed is measured — every importer and the simulator. A flag rather than an interval: the
     * bound on what an unmeasured agent may do is the gate's assumption to make (it trusts nothing
     * upstream), not a number a bridge should invent.
     */
    speedKnown: z.boolean().optional(),
    /**
     * Longitudinal acceleration where the tracker estimates it, m/s² (absent: unknown). The stack
     * estimates its own from consecutive snapshots and hands the gate the smaller of the two (a
     * larger one can claim a lead is not braking, which relaxes the gate's RSS response).
     */
    accelMps2: finite().optional(),
    /**
     * How long the tracker has seen this agent, s (0: first seen in this snapshot; absent: unknown).
     * The gate counts RSS's response time to a newly perceived agent from its first sighting. The
     * stack keeps its own count and hands the gate the longer of the two (a shorter one would
     * re-grant that response time).
     */
    seenForS: nonNeg().optional(),
    /**
     * Deceleration the agent has held over the last few snapshots, m/s² (> 0; the weakest of the
     * steps, where the tracker saw it brake firmly at every one of them, along a heading it kept;
     * absent: not seen braking that long). One step's reading alone never sets it. The stack keeps a supplied value only
     * where its own speed history shows the braking, and then the smaller of the two.
     */
    sustainedDecelMps2: positive().optional(),
    /**
     * Direction of travel over the last few snapshots, rad (map frame; absent: not measured), from
     * the agent's positions: the stack's own measurement (the stack's `AgentHistory` drops a
     * supplied value, as it would excuse a drift the heading shows; a gate used directly trusts
     * its caller's tracker). The gate forecasts a lane-following vehicle's
     * sideways drift from it where it says the vehicle moves less sideways than its heading does
     * (a heading that is off its lane by noise, or on a coarse map, is no drift).
     */
    courseRad: finite().optional(),
    /**
     * Speed along `courseRad`, m/s (travel over the window / its span; absent: not measured, or the
     * heading turned over the window), the stack's own measurement like the course. The gate trusts
     * a reversing course alone only where this agrees with `speedMps`: a tracker's id switch or box
     * re-fit moves a position back by metres in one step (an oncoming car at 11 m/s read as
     * reversing away at 20 m/s, review 13); where they disagree it forecasts both ways.
     */
    courseSpeedMps: nonNeg().optional(),
    lengthM: positive(),
    widthM: positive(),
  })
  .extend(AgentAttributesSchema.shape);
export type AgentState = z.infer<typeof AgentStateSchema>;

export const SignalStateSchema = z.enum(['RED', 'YELLOW', 'GREEN', 'UNKNOWN']);
export type SignalState = z.infer<typeof SignalStateSchema>;

/** State of the signal that governs one lane (nuPlan: per lane connector). */
export const TrafficLightStateSchema = z.object({ laneId: z.string(), state: SignalStateSchema });
export type TrafficLightState = z.infer<typeof TrafficLightStateSchema>;

export const RouteSchema = z.object({
  laneIds: z.array(z.string()).min(1),
  goal: PoseSchema.optional(),
});
export type Route = z.infer<typeof RouteSchema>;

/** Text that comes from the world (signs, V2X, operator): always data, never instructions. */
export const InstructionSchema = z.object({
  source: z.enum(['operator', 'v2x', 'sign', 'mission']),
  text: z.string().max(2000),
});
export type Instruction = z.infer<typeof InstructionSchema>;

/**
 * A region the sensors cannot see into (behind a parked bus, a hedge at a corner): someone may
 * stand in it. Polygon in the map frame; `source` says what hides it.
 */
export const OcclusionSchema = z.object({
  id: z.string().max(256),
  polygon: z.array(Vec2Schema).min(3),
  source: z.enum(['vehicle', 'structure', 'vegetation', 'weather', 'other']).default('other'),
});
export type Occlusion = z.infer<typeof OcclusionSchema>;

export const WorldSnapshotSchema = z.object({
  tS: finite(),
  ego: EgoStateSchema,
  agents: z.array(AgentStateSchema),
  lights: z.array(TrafficLightStateSchema),
  route: RouteSchema,
  instruction: InstructionSchema.optional(),
  /** Regions hidden from the sensors (absent: none known). */
  occlusions: z.array(OcclusionSchema).optional(),
});
export type WorldSnapshot = z.infer<typeof WorldSnapshotSchema>;

// ---------------------------------------------------------------------------------------------
// Road map

export const LaneTypeSchema = z.enum([
  'driving',
  'shoulder',
  'sidewalk',
  'parking',
  'biking',
  'bus',
  'aisle',
  'other',
  /** The strip at a road's edge that is not for traffic (OpenDRIVE lane type border): kept so queries see the road's full width, never drivable. */
  'border',
]);
export type LaneType = z.infer<typeof LaneTypeSchema>;

export const BoundaryTypeSchema = z.enum(['solid', 'dashed', 'none', 'curb']);

/**
 * The kind of a lane boundary's marking (OpenDRIVE e_roadMarkType, Lanelet2 line types, CommonRoad
 * lineMarking). A double line names its lines from the lane outward: `solid_broken` on a lane's
 * left boundary is a solid line next to the lane and a broken one beyond it (crossing it from this
 * lane is not allowed; from the other side it is: StVO Anlage 2 Zeichen 295 + 340, MUTCD 3B.01).
 * `botts_dots`: raised pavement markers (a broken line's meaning). `curb` and `grass`: a physical
 * edge, no paint. `none`: no marking (and no prohibition).
 */
export const RoadMarkTypeSchema = z.enum([
  'solid',
  'broken',
  'solid_solid',
  'solid_broken',
  'broken_solid',
  'broken_broken',
  'botts_dots',
  'curb',
  'grass',
  'none',
]);
export type RoadMarkType = z.infer<typeof RoadMarkTypeSchema>;

/** The colour of a marking (OpenDRIVE e_roadMarkColor; its `standard` is white). */
export const RoadMarkColorSchema = z.enum([
  'white',
  'yellow',
  'blue',
  'green',
  'red',
  'orange',
  'violet',
  'other',
]);
export type RoadMarkColor = z.infer<typeof RoadMarkColorSchema>;

/**
 * One stretch of a lane boundary's marking: from `sM` (arc length along the lane's centreline in
 * driving direction) to the next stretch's `sM` or the lane's end. OpenDRIVE changes a mark within a
 * lane section (`<roadMark sOffset>`); the other formats give one mark per boundary.
 */
export const RoadMarkSchema = z.object({
  /** Where this stretch begins along the lane's centreline, m (the first applies from 0 whatever it says). */
  sM: nonNeg(),
  type: RoadMarkTypeSchema,
  color: RoadMarkColorSchema.default('white'),
  /** Width of one painted line, m (absent: the viewer's 0.15 m; CommonRoad broad_*: 0.3 m). */
  widthM: positive().max(2).optional(),
  /** Length of a broken line's paint and of its gap, m (absent: 3 m and 6 m, the viewer's default). */
  dashM: positive().max(100).optional(),
  gapM: positive().max(100).optional(),
  /**
   * Whether a lane change across this stretch from this lane is allowed, where the source says so
   * explicitly (OpenDRIVE `laneChange`, Lanelet2 `lane_change`); absent: read from `type`
   * (`roadMarkCrossable`: the line next to the lane broken, botts dots or none).
   */
  crossable: z.boolean().optional(),
});
export type RoadMark = z.infer<typeof RoadMarkSchema>;

const RoadMarksSchema = z
  .array(RoadMarkSchema)
  .min(1)
  .refine((a) => a.every((m, i) => i === 0 || m.sM >= a[i - 1]!.sM), {
    message: 'marks must be in order of sM',
  });

export const NeighbourSchema = z.object({
  laneId: z.string(),
  /** Lane change into the neighbour is permitted (dashed marking). */
  changeAllowed: z.boolean(),
  /** The neighbour runs the opposite way (borrowing it means driving against traffic). */
  opposite: z.boolean().default(false),
});

export const LaneSchema = z.object({
  id: z.string().min(1),
  type: LaneTypeSchema.default('driving'),
  /** Polyline in driving direction, ≥ 2 points. */
  centerline: z.array(Vec2Schema).min(2),
  widthM: positive(),
  /**
   * Width at each centreline point, m (same length as `centerline`), for lanes whose width varies
   * (OpenDRIVE width polynomials, tapers); absent when the width is constant (`widthM`).
   */
  widthsM: z.array(nonNeg()).optional(),
  /**
   * The speed limit, m/s; on a lane with no posted limit (`speedLimitPosted: false`) the speed to
   * drive at that the importer chose for the road class (its default and source are in the
   * importer). Planner, gate and controller drive by it either way.
   */
  speedLimitMps: positive(),
  /**
   * false: the source posts no limit on this lane (no sign, no speed record, a null in the map).
   * nuPlan's speed_limit_compliance then scores no overspeed here, as nuplan-devkit does with a
   * None limit. Absent (or true): `speedLimitMps` is a posted limit.
   */
  speedLimitPosted: z.boolean().optional(),
  /**
   * true (with `speedLimitPosted: false`): where the lane posts no limit the law sets no general one
   * either (the German Autobahn: StVO §3(3) has no motorway limit, 130 km/h is the
   * Richtgeschwindigkeit, advice) — `speedLimitMps` is a speed to drive at, and the gate caps
   * nothing there. Absent (or false): an unposted lane's speed is a statutory limit that binds
   * without a sign (a USA motorway's 65 mph, StVO's 100 km/h outside built-up areas). Set by the
   * importers from the country and road class; ignored on a posted lane.
   */
  speedLimitAdvisory: z.boolean().optional(),
  successors: z.array(z.string()).default([]),
  predecessors: z.array(z.string()).default([]),
  left: NeighbourSchema.optional(),
  right: NeighbourSchema.optional(),
  /** The boundary's kind in short (solid wins over broken where the marking changes along the lane). */
  leftBoundary: BoundaryTypeSchema.default('solid'),
  rightBoundary: BoundaryTypeSchema.default('solid'),
  /**
   * The left / right boundary's marking along the lane (type, colour, width, dash pattern), in
   * order of `sM`. Absent (maps written before markings, sources without them): one white stretch
   * read from `leftBoundary` / `rightBoundary` (solid → solid, dashed → broken, curb, none), as
   * `laneMarks` in core/map returns it.
   */
  leftMarks: RoadMarksSchema.optional(),
  rightMarks: RoadMarksSchema.optional(),
  junctionId: z.string().optional(),
  /** Id of the road this lane belongs to (imports keep their source ids here). */
  roadId: z.string().optional(),
  /**
   * The road's class where the source gives one (OpenDRIVE `<type>`: town / lowSpeed / pedestrian →
   * town, rural, motorway; CommonRoad's lanelet types and scenario tags; Lanelet2's `location` /
   * `subtype=highway`): rules that differ in and out of town read it (StVO §5(4)'s passing clearance).
   * Absent: not known (the rules then go by the lane's limit).
   */
  roadClass: z.enum(['town', 'rural', 'motorway']).optional(),
  /**
   * The side traffic keeps to on this lane's road where the source says (OpenDRIVE `rule="LHT"` /
   * `"RHT"`): where the minimal-risk stop finds its shoulder, which turn crosses the oncoming lanes.
   * Absent: read from the lane's oncoming neighbour (on the right: left-hand traffic), else right.
   */
  drivingSide: z.enum(['LEFT', 'RIGHT']).optional(),
});
export type Lane = z.infer<typeof LaneSchema>;

export const PolygonSchema = z.array(Vec2Schema).min(3);
export type Polygon = z.infer<typeof PolygonSchema>;

export const CrosswalkSchema = z.object({ id: z.string(), polygon: PolygonSchema });
export const StopLineSchema = z.object({
  id: z.string(),
  laneId: z.string(),
  /** Arc length along the lane's centerline where the vehicle must stop (front bumper), m. */
  sM: nonNeg(),
  kind: z.enum(['signal', 'stop_sign', 'yield', 'rail']).default('signal'),
});
export const JunctionSchema = z.object({ id: z.string(), polygon: PolygonSchema.optional() });

export const RoadMapSchema = z.object({
  id: z.string(),
  lanes: z.array(LaneSchema).min(1),
  crosswalks: z.array(CrosswalkSchema).default([]),
  stopLines: z.array(StopLineSchema).default([]),
  junctions: z.array(JunctionSchema).default([]),
  /** Extra drivable polygons beyond the lanes' own areas (parking lots, intersections). */
  drivableAreas: z.array(PolygonSchema).default([]),
  /** Where the map came from (importer, file, licence). */
  source: z.string().optional(),
});
export type RoadMapData = z.infer<typeof RoadMapSchema>;
export type Crosswalk = z.infer<typeof CrosswalkSchema>;
export type StopLine = z.infer<typeof StopLineSchema>;

// ---------------------------------------------------------------------------------------------
// Planning and control

export const SpeedDecisionSchema = z.enum(['KEEP', 'ACCELERATE', 'DECELERATE', 'STOP']);
export const PathDecisionSchema = z.enum([
  'FOLLOW_LANE',
  'LEFT_CHANGE',
  'RIGHT_CHANGE',
  'LEFT_BORROW',
  'RIGHT_BORROW',
]);
export type SpeedDecision = z.infer<typeof SpeedDecisionSchema>;
export type PathDecision = z.infer<typeof PathDecisionSchema>;

/** DriveMLM decision states + AD-H mid-level detail. */
/** How long a command stays in force when it does not say (`expiresAtS` = `issuedAtS` + this), s: the stack's default. */
export const DEFAULT_COMMAND_LIFETIME_S = 1;

export const MidLevelCommandSchema = z
  .object({
    speed: SpeedDecisionSchema,
    path: PathDecisionSchema,
    targetSpeedMps: nonNeg().max(70).optional(),
    targetLaneId: z.string().max(256).optional(),
    /** Where to stop, as a map point (STOP only). */
    stopAt: Vec2Schema.optional(),
    /**
     * Braking intensity for DECELERATE / STOP: the deceleration to apply, m/s² (positive). Absent:
     * the executor's comfortable default. RSS's proper response is at least brakeMin.
     */
    decelMps2: positive().max(12).optional(),
    /**
     * Braking onset for `decelMps2`: the deceleration is built up (and released at the target speed)
     * at this rate, m/s³ (absent: applied at once). A comfortable proper response.
     */
    jerkMps3: positive().max(50).optional(),
    /**
     * Lateral offset of the ego's path from its lane's centre, m. FOLLOW_LANE: signed, left + — an
     * in-lane shift (an evasive move away from a vehicle coming over the line, RSS's lateral proper
     * response); the gate's `input.range` keeps the footprint within the lane (|offset| ≤ (lane
     * width − vehicle width) / 2, `inLaneOffsetLimitM`). A borrow: how far to move over toward the
     * borrowed lane (≥ 0; a nudge past a blocker that keeps the ego's centre in its own lane; absent:
     * the whole lane). Not with a lane change.
     */
    lateralOffsetM: finite().min(-10).max(10).optional(),
    /**
     * Where an in-lane offset ends, as a map point (FOLLOW_LANE with `lateralOffsetM` only): the
     * rear axle's path holds the offset up to this point's place along the lane and then returns to
     * the lane's centre, closing as the in-lane shift does — the offset as a profile along the path
     * (a bend's inset, `planner/hierarchical/CurveInset.ts`, ends with the bend). A point, as
     * `stopAt` is, not a distance from where the ego was at issue: the command in force is re-checked
     * and driven at every control step until the next arrives, from wherever the ego is then. Behind
     * the ego: the return has begun. Absent: the offset holds along the whole path (a nudge past a
     * blocker). The gate's `input.range` refuses a point more than 300 m from the ego.
     */
    lateralOffsetEndAt: Vec2Schema.optional(),
    /**
     * An evasive lane change or borrow (AES, automatic emergency steering): the move across is driven
     * at this peak lateral acceleration, m/s², instead of a comfortable change over the executor's
     * lane-change duration — the gate rolls it out at that rate and the controller steers it so
     * (a cubic over v·√(6·Δd / a)). On FOLLOW_LANE (without an in-lane shift): the rest of an
     * evasive move, closing onto the lane's centre at that rate. The gate proposes it when no stop
     * avoids a blocker ahead (`SafetyParams.evasiveLatAccelMps2`).
     */
    lateralAccelMps2: positive().max(12).optional(),
    horizonS: positive().max(60).default(5),
    rationale: z.string().max(2000).default(''),
    issuedAtS: finite(),
    expiresAtS: finite(),
    source: z.string().max(256).default('unknown'),
  })
  .refine((c) => c.expiresAtS >= c.issuedAtS, {
    message: 'expiresAtS must not be before issuedAtS',
    path: ['expiresAtS'],
  })
  .refine(
    (c) =>
      c.lateralOffsetM === undefined ||
      c.path === 'FOLLOW_LANE' ||
      ((c.path === 'LEFT_BORROW' || c.path === 'RIGHT_BORROW') && c.lateralOffsetM >= 0),
    {
      message: 'lateralOffsetM: signed on FOLLOW_LANE, ≥ 0 on a borrow, not with a lane change',
      path: ['lateralOffsetM'],
    },
  )
  .refine(
    (c) => c.lateralOffsetEndAt === undefined || (c.path === 'FOLLOW_LANE' && c.lateralOffsetM !== undefined),
    {
      message: 'lateralOffsetEndAt: only with an in-lane shift (lateralOffsetM on FOLLOW_LANE)',
      path: ['lateralOffsetEndAt'],
    },
  )
  .refine(
    (c) => c.lateralAccelMps2 === undefined || c.path !== 'FOLLOW_LANE' || c.lateralOffsetM === undefined,
    {
      message: 'lateralAccelMps2: not with an in-lane shift (lateralOffsetM on FOLLOW_LANE)',
      path: ['lateralAccelMps2'],
    },
  );
export type MidLevelCommand = z.infer<typeof MidLevelCommandSchema>;

/**
 * The largest in-lane offset (`MidLevelCommand.lateralOffsetM` on FOLLOW_LANE) that keeps a vehicle
 * `vehicleWidthM` wide within a lane `laneWidthM` wide, m (0 when it fills the lane).
 */
export function inLaneOffsetLimitM(laneWidthM: number, vehicleWidthM: number): number {
  return Math.max(0, (laneWidthM - vehicleWidthM) / 2);
}

export const TrajectoryPointSchema = z.object({
  tS: finite(),
  x: finite(),
  y: finite(),
  headingRad: finite(),
  speedMps: finite(),
});
export type TrajectoryPoint = z.infer<typeof TrajectoryPointSchema>;
export const TrajectorySchema = z.object({ points: z.array(TrajectoryPointSchema) });
export type Trajectory = z.infer<typeof TrajectorySchema>;

export const ControlSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ackermann'), accelMps2: finite(), steerRad: finite() }),
  z.object({ kind: z.literal('unicycle'), vMps: finite(), omegaRadps: finite() }),
]);
export type Control = z.infer<typeof ControlSchema>;

// ---------------------------------------------------------------------------------------------
// Safety

export const DecisionSchema = z.enum(['ALLOW', 'MODIFY', 'VETO']);
export type Decision = z.infer<typeof DecisionSchema>;

export const RuleResultSchema = z.object({
  /** Dotted rule name, e.g. `rss.longitudinal`. */
  rule: z.string(),
  decision: DecisionSchema,
  /** The numbers the rule looked at, with units in their names. */
  values: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  message: z.string(),
});
export type RuleResult = z.infer<typeof RuleResultSchema>;

export const MrmSchema = z.object({
  kind: z.enum(['COMFORT_STOP', 'EMERGENCY_STOP', 'SHOULDER_STOP']),
  decelMps2: positive(),
  /**
   * The side of the shoulder a SHOULDER_STOP pulls onto: the driving side's (left in left-hand
   * traffic). Absent: right.
   */
  shoulderSide: z.enum(['LEFT', 'RIGHT']).optional(),
  /**
   * An in-lane shift the stop makes away from an encroaching vehicle, m from the lane's centre
   * (left +; as `MidLevelCommand.lateralOffsetM` on FOLLOW_LANE).
   */
  lateralOffsetM: finite().min(-10).max(10).optional(),
});

export const VerdictSchema = z.object({
  decision: DecisionSchema,
  rules: z.array(RuleResultSchema),
  modified: MidLevelCommandSchema.optional(),
  mrm: MrmSchema.optional(),
  explanation: z.string(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * Why a check left the vehicle driving what it drives: the checked command as it was (COMMAND), its
 * repair (REPAIR); the minimal-risk stop at the VETO's rate for this check's VETO (MRM_VETO), held at
 * its rate (MRM_HOLD: a repair in the release wait, a stop no harder than b_min), eased to RSS b_min
 * on an ALLOW with the eased stop itself passed by the gate (MRM_EASED) or refused by it
 * (MRM_EASE_REFUSED: the VETO's rate kept), held at standstill until recovery (MRM_STANDSTILL);
 * the stop released on this check (MRM_RELEASED: the checked command or its repair drives); a passed
 * command that brakes harder than the running stop (HARDER_COMMAND: the MRM never slows a response);
 * the runtime stack's controlled stop with no command in force (STACK_STOP: expired, or none yet).
 */
export const DrivenReasonSchema = z.enum([
  'COMMAND',
  'REPAIR',
  'MRM_VETO',
  'MRM_HOLD',
  'MRM_EASED',
  'MRM_EASE_REFUSED',
  'MRM_STANDSTILL',
  'MRM_RELEASED',
  'HARDER_COMMAND',
  'STACK_STOP',
]);
export type DrivenReason = z.infer<typeof DrivenReasonSchema>;

/** What a check left driving: the command (or stop) handed to the controller or tracker, and why. */
export const DrivenSchema = z.object({
  reason: DrivenReasonSchema,
  command: MidLevelCommandSchema,
  /** The braking rate it is driven at, m/s² (a stop's rate even where the command leaves it implicit). */
  decelMps2: positive().optional(),
});
export type Driven = z.infer<typeof DrivenSchema>;

/** Longest model reply kept in a call record (run log and audit log), characters. */
export const LLM_REPLY_RECORD_CHARS = 2000;

/**
 * One model call of an LLM-driven plan, as the run log and the audit log keep it: which agent asked
 * which backend and model with which prompt version, how long it took, the reply as the model wrote
 * it (cut to `LLM_REPLY_RECORD_CHARS`) and what it was parsed into, or why it was not used.
 */
export const LlmCallRecordSchema = z.object({
  agent: z.string().max(32),
  /** The client: `llama:<file>`, `ollama:<model>`, `openai:<model>`. */
  backend: z.string().max(256),
  promptVersion: z.string().max(32),
  latencyMs: z.number().finite().nonnegative(),
  /** The answer was used (false: the rules' answer stood; `code` says why). */
  ok: z.boolean(),
  code: z.string().max(32).optional(),
  message: z.string().max(300).optional(),
  /** The reply as written (absent when none came), at most `LLM_REPLY_RECORD_CHARS`. */
  reply: z
    .string()
    .max(LLM_REPLY_RECORD_CHARS + 1)
    .optional(),
  /** The parsed decision (absent when the reply was not usable). */
  parsed: z.record(z.string(), z.unknown()).optional(),
});
export type LlmCallRecord = z.infer<typeof LlmCallRecordSchema>;

export const AuditRecordSchema = z.object({
  seq: z.number().int().nonnegative(),
  tS: finite(),
  inputsDigest: z.string(),
  command: MidLevelCommandSchema.nullable(),
  verdict: VerdictSchema,
  /**
   * What was driven from this check on (audit format 3; absent in format 2 logs, on the
   * control-level check's records, and on a planner's command refused and re-planned at once — the
   * re-plan's record, at the same time, says what was driven): the checked command, its repair or the
   * MRM stop, its rate, why.
   */
  driven: DrivenSchema.optional(),
  /** The model calls behind the command, when a model planned it (absent otherwise). */
  llm: z.array(LlmCallRecordSchema).max(8).optional(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

// ---------------------------------------------------------------------------------------------
// Scenarios

export const TrackPointSchema = z.object({
  tS: finite(),
  x: finite(),
  y: finite(),
  headingRad: finite(),
  speedMps: nonNeg(),
});
export type TrackPoint = z.infer<typeof TrackPointSchema>;

export const IdmParamsSchema = z.object({
  /** Desired speed, m/s (defaults to the lane's speed limit). */
  targetSpeedMps: positive().optional(),
  /** nuPlan IDM agents: min_gap_to_lead_agent 1.0 m, headway_time 1.5 s, accel_max 1.0, decel_max 2.0. */
  minGapM: nonNeg().default(1.0),
  headwayS: nonNeg().default(1.5),
  accelMaxMps2: positive().default(1.0),
  decelMaxMps2: positive().default(2.0),
});
export type IdmParams = z.infer<typeof IdmParamsSchema>;

export const AgentBehaviorSchema = z.discriminatedUnion('type', [
  /** Log replay: the agent follows its recorded track whatever ego does (non-reactive). */
  z.object({ type: z.literal('replay'), track: z.array(TrackPointSchema).min(1) }),
  /** Static object. */
  z.object({ type: z.literal('static') }),
  /**
   * Reactive IDM along a lane sequence (nuPlan's reactive agents). In non-reactive mode the
   * agent replays the track it would have driven with ego absent.
   */
  z.object({
    type: z.literal('idm'),
    laneIds: z.array(z.string()).min(1),
    startSM: nonNeg(),
    params: IdmParamsSchema.default(IdmParamsSchema.parse({})),
    /** Start moving only at this time (s). */
    departAtS: nonNeg().default(0),
  }),
]);
export type AgentBehavior = z.infer<typeof AgentBehaviorSchema>;

export const ScenarioAgentSchema = z.object({
  id: z.string().min(1),
  kind: AgentKindSchema,
  /** Subclass, emergency lights, indicator, parked: copied into every snapshot of the agent. */
  attributes: AgentAttributesSchema.optional(),
  lengthM: positive(),
  widthM: positive(),
  /** Initial pose and speed (for replay agents, the first track point wins). */
  start: TrackPointSchema.omit({ tS: true }),
  behavior: AgentBehaviorSchema,
  /** Track to use in reactive mode when it differs from the replay (e.g. a scripted cut-in). */
  reactive: z.enum(['idm', 'replay']).default('idm'),
});
export type ScenarioAgent = z.infer<typeof ScenarioAgentSchema>;

export const SignalPhaseSchema = z.object({ fromS: nonNeg(), state: SignalStateSchema });
export const SignalTimelineSchema = z.object({
  laneIds: z.array(z.string()).min(1),
  phases: z.array(SignalPhaseSchema).min(1),
});
export type SignalTimeline = z.infer<typeof SignalTimelineSchema>;

export const MapRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('inline'), map: RoadMapSchema }),
  z.object({
    kind: z.literal('file'),
    path: z.string(),
    format: z.string().optional(),
    /**
     * OpenDRIVE only: `'esmini'` when the scenario's coordinates are in the frame esmini moves the map
     * to by its header `<offset>` (an imported OpenSCENARIO file); read the map the same way.
     */
    headerOffset: z.enum(['keep', 'esmini']).optional(),
    /**
     * OpenDRIVE only: the traffic rule of roads without a `rule` attribute (default `'RHT'`); an
     * imported OpenSCENARIO file whose vehicles start on the left writes `'LHT'`, and the map is
     * reloaded so.
     */
    defaultRule: z.enum(['RHT', 'LHT']).optional(),
  }),
]);

export const SCENARIO_FORMAT_VERSION = 1;

export const ScenarioSchema = z.object({
  formatVersion: z.literal(SCENARIO_FORMAT_VERSION),
  id: z.string().min(1),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  map: MapRefSchema,
  vehicle: VehicleParamsSchema.default(VehicleParamsSchema.parse({})),
  egoStart: EgoStateSchema,
  route: RouteSchema,
  /** The expert (human log) ego trajectory: the yardstick for progress. */
  expert: z.array(TrackPointSchema).min(2),
  agents: z.array(ScenarioAgentSchema).default([]),
  signals: z.array(SignalTimelineSchema).default([]),
  durationS: positive().default(15),
  dtS: positive().default(0.1),
  instruction: InstructionSchema.optional(),
  /** Regions hidden from the sensors for the whole scenario (copied into every snapshot). */
  occlusions: z.array(OcclusionSchema).optional(),
  source: z
    .object({
      origin: z.string(),
      license: z.string().optional(),
      /**
       * Wall-clock time of the scenario's t = 0 (Unix seconds) when its source is a recorded log
       * (nuPlan: the first lidar_pc of the window); run logs and MCAP exports take it as their time base.
       */
      startUnixS: z.number().finite().optional(),
    })
    .default({ origin: 'edgeplan' }),
  /**
   * The agents are storyboard-driven, live: an OpenSCENARIO storyboard whose conditions read an ego
   * the file does not move (CARLA ScenarioRunner's hero under `external_control`: the agent under
   * test drives it) is run during the simulation against the ego the planner drives. Whoever loads
   * the scenario hands the simulator a source of those agents' states (`StoryboardAgentSource` in
   * sim/); `agents` keep the storyboard as played once at import without that ego (its actors
   * mostly standing), the fallback where no source is handed in.
   */
  storyboard: z
    .object({
      format: z.literal('openscenario'),
      /** The `.xosc` file, absolute. */
      path: z.string().min(1),
      /** The OpenDRIVE file the storyboard runs on when it is not the one the file names (`--map`), absolute. */
      mapPath: z.string().min(1).optional(),
      /** Global parameter values set before the run (a parameter distribution's variant). */
      parameters: z.record(z.string(), z.string()).optional(),
      /** The entity the planner drives (the storyboard reads it and moves it not). */
      egoEntity: z.string().min(1),
    })
    .optional(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioStoryboard = NonNullable<Scenario['storyboard']>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
