/**
 * The ROS bridge's configuration (YAML, validated with zod): topics with their message types
 * (two-part names — `nav_msgs/Odometry` — reach ROS 1 and ROS 2 rosbridge alike), frames, rates,
 * the vehicle and the map. Every field has a default per profile, so an empty file is a working
 * `car` (Autoware-style topics) or `robot` (ROS navigation-style topics) configuration.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { fail, parseStrictWith, type Result, VehicleParamsSchema } from '../../core/index.ts';
import { OBJECT_TRACKS_DEFAULTS } from './ObjectTracks.ts';

export const ProfileSchema = z.enum(['car', 'robot']);
export type Profile = z.infer<typeof ProfileSchema>;

const topic = <T extends readonly [string, ...string[]]>(types: T, name: string, type: T[number]) =>
  z
    .strictObject({ name: z.string().min(1), type: z.enum(types) })
    .default({ name, type } as { name: string; type: T[number] });

export const ODOMETRY_TYPES = ['nav_msgs/Odometry'] as const;
export const TF_TYPES = ['tf2_msgs/TFMessage'] as const;
export const OBJECT_TYPES = [
  'vision_msgs/Detection3DArray',
  'autoware_perception_msgs/PredictedObjects',
  'autoware_perception_msgs/TrackedObjects',
] as const;
export const LIGHT_TYPES = ['autoware_perception_msgs/TrafficLightGroupArray', 'std_msgs/String'] as const;
export const CAR_CONTROL_TYPES = [
  'ackermann_msgs/AckermannDriveStamped',
  'autoware_control_msgs/Control',
] as const;
export const ROBOT_CONTROL_TYPES = ['geometry_msgs/Twist', 'geometry_msgs/TwistStamped'] as const;
export const CONTROL_TYPES = [...CAR_CONTROL_TYPES, ...ROBOT_CONTROL_TYPES] as const;

/** Topic names and types; `control` is filled in by profile when absent. */
const TopicsSchema = z.strictObject({
  odometry: topic(ODOMETRY_TYPES, '/odom', 'nav_msgs/Odometry'),
  /** Transforms (egoFrom: tf); the static ones come latched on their own topic. */
  tf: topic(TF_TYPES, '/tf', 'tf2_msgs/TFMessage'),
  tfStatic: topic(TF_TYPES, '/tf_static', 'tf2_msgs/TFMessage'),
  objects: topic(OBJECT_TYPES, '/objects', 'vision_msgs/Detection3DArray'),
  trafficLights: topic(LIGHT_TYPES, '/traffic_lights', 'std_msgs/String'),
  goal: topic(['geometry_msgs/PoseStamped'] as const, '/goal_pose', 'geometry_msgs/PoseStamped'),
  instruction: topic(['std_msgs/String'] as const, '/edgeplan/instruction', 'std_msgs/String'),
  /** Cancels the mission in progress (any message; actionlib's cancel is a GoalID, Nav2's an action call). */
  cancel: topic(['std_msgs/Empty'] as const, '/edgeplan/cancel', 'std_msgs/Empty'),
  /** Operator e-stop: `true` engages it, latched until `false` releases it (publish it latched). */
  estop: topic(['std_msgs/Bool'] as const, '/edgeplan/estop', 'std_msgs/Bool'),
  /**
   * The operator's re-localisation (RViz "2D Pose Estimate", AMCL's input): the localiser's next
   * pose near it is taken at once as the new track (no `poseJump.settleS` wait), the mission re-routed.
   */
  initialPose: topic(
    ['geometry_msgs/PoseWithCovarianceStamped'] as const,
    '/initialpose',
    'geometry_msgs/PoseWithCovarianceStamped',
  ),
  control: z.strictObject({ name: z.string().min(1), type: z.enum(CONTROL_TYPES) }).optional(),
  command: topic(['std_msgs/String'] as const, '/edgeplan/command', 'std_msgs/String'),
  verdict: topic(['std_msgs/String'] as const, '/edgeplan/verdict', 'std_msgs/String'),
  diagnostics: topic(['std_msgs/String'] as const, '/edgeplan/diagnostics', 'std_msgs/String'),
});

/**
 * Every object is strict: an unknown key (a typo of a safety parameter, `topic` for `topics`) is
 * refused with its path and the key it is a near miss of, not ignored while the default runs.
 */
export const RosConfigSchema = z.strictObject({
  profile: ProfileSchema.default('car'),
  /**
   * Where the ego pose comes from: `odometry` (nav_msgs/Odometry: pose and twist) or `tf` (the
   * chain map → … → base_link from /tf and /tf_static; speed from the odometry twist when one is
   * fresh, else from successive poses in the odometry frame).
   */
  egoFrom: z.enum(['odometry', 'tf']).default('odometry'),
  topics: TopicsSchema.default(TopicsSchema.parse({})),
  frames: z
    .strictObject({
      /** The map frame: odometry, goals and map-frame objects are in it. */
      map: z.string().default('map'),
      /** The vehicle frame: objects stamped with it are moved into the map with the ego pose. */
      baseLink: z.string().default('base_link'),
      /** The odometry frame (continuous, REP 105): with tf, speeds are taken in it. */
      odom: z.string().default('odom'),
      /**
       * Inputs in the `odom` frame are taken as map-frame when true: only for a robot without
       * localisation (odometry drifts from the map). Default false: without tf they are refused,
       * saying so; with `egoFrom: tf` they go through map → odom.
       */
      odomIsMap: z.boolean().default(false),
    })
    .default({ map: 'map', baseLink: 'base_link', odom: 'odom', odomIsMap: false }),
  rates: z
    .strictObject({
      /** Control steps per second; a control is computed on every odometry message, at most this often. Hz. */
      controlHz: z.number().positive().max(200).default(20),
      /** Plans per second, Hz. */
      planHz: z.number().positive().max(50).default(10),
      /** Odometry older than this (on our clock, from its arrival) is stale → minimal-risk control, s. */
      staleAfterS: z.number().positive().default(0.3),
      /** Objects older than this are dropped from the snapshot, s. */
      objectsStaleAfterS: z.number().positive().default(1.0),
      /** Diagnostics publish period, s. */
      diagnosticsPeriodS: z.number().positive().default(1.0),
    })
    .default({ controlHz: 20, planHz: 10, staleAfterS: 0.3, objectsStaleAfterS: 1, diagnosticsPeriodS: 1 }),
  /** Forward distance from the rear axle to the odometry's base_link, m (Autoware: 0, base_link is the rear axle). */
  baseLinkAheadOfRearAxleM: z.number().default(0),
  /** Ackermann `speed` = current speed + acceleration × this look-ahead (floored at 0), s. */
  speedLookaheadS: z.number().positive().default(0.5),
  /** Braking of the watchdog's minimal-risk control, m/s². */
  watchdogDecelMps2: z.number().positive().default(3),
  /** The goal counts as reached within this distance (rear axle / base_link), m. */
  goalToleranceM: z.number().positive().default(1.0),
  /**
   * Localisation jumps: a pose further from the last than the top speed × the time between them +
   * `marginM` holds the vehicle, until a pose is back on the old track (an outlier) or the new poses
   * agree with one another for `settleS` (a re-localisation: the mission is re-routed from it).
   */
  poseJump: z
    .strictObject({
      marginM: z.number().nonnegative().default(1.0),
      settleS: z.number().nonnegative().default(1.0),
    })
    .default({ marginM: 1, settleS: 1 }),
  /** Object class names (vision_msgs class ids, lower case) → agent kinds; unknown classes become `vehicle`. */
  classes: z.record(z.string(), z.enum(['vehicle', 'pedestrian', 'cyclist', 'robot', 'static'])).default({
    car: 'vehicle',
    truck: 'vehicle',
    bus: 'vehicle',
    vehicle: 'vehicle',
    pedestrian: 'pedestrian',
    person: 'pedestrian',
    bicycle: 'cyclist',
    cyclist: 'cyclist',
    motorcycle: 'cyclist',
    robot: 'robot',
    static: 'static',
  }),
  /**
   * Speeds of objects whose messages carry none (Detection3D): association (`ObjectTracks.ts`); a
   * first sighting has none (`speedKnown: false`). A `firstSeenSpeedMps` from an older config is
   * ignored: the gate, not the bridge, assumes what an unmeasured object may do.
   */
  objectTracks: z
    .strictObject({
      /** Accepted from older configs and ignored (see above); not refused as unknown. */
      firstSeenSpeedMps: z.unknown().optional(),
      maxSpeedMps: z.number().positive().default(OBJECT_TRACKS_DEFAULTS.maxSpeedMps),
      maxAccelMps2: z.number().positive().default(OBJECT_TRACKS_DEFAULTS.maxAccelMps2),
      gateMarginM: z.number().nonnegative().default(OBJECT_TRACKS_DEFAULTS.gateMarginM),
      minDtS: z.number().nonnegative().default(OBJECT_TRACKS_DEFAULTS.minDtS),
      maxGapS: z.number().positive().default(OBJECT_TRACKS_DEFAULTS.maxGapS),
    })
    .transform(({ firstSeenSpeedMps: _retired, ...tracks }) => tracks)
    .default(OBJECT_TRACKS_DEFAULTS),
  /**
   * The hash-chained audit log every verdict is appended to (`log`, JSON Lines) and the ed25519 key
   * that signs its checkpoints (`key`, PEM, created when missing); `--audit` / `--audit-key` win.
   */
  audit: z.strictObject({ log: z.string().min(1).optional(), key: z.string().min(1).optional() }).default({}),
  /** Autoware traffic-light group id → the lane ids it governs (default: the id is a lane id). */
  signalGroups: z.record(z.string(), z.array(z.string())).default({}),
  /**
   * Map file (OpenDRIVE, Lanelet2 .osm, edgeplan map JSON; a relative path is taken from the config
   * file's folder) or `builtin:<scenario id>`; `--map` wins.
   */
  map: z.string().optional(),
  /** Platform limits; the profile's defaults fill what is absent. */
  vehicle: z.record(z.string(), z.unknown()).default({}),
  /** The stack to run (a name of the stack registry). */
  planner: z.string().default('pdm-closed-stack'),
  /** Reconnect back-off: first delay and cap, s. */
  reconnect: z
    .strictObject({ initialS: z.number().positive().default(0.25), maxS: z.number().positive().default(5) })
    .default({ initialS: 0.25, maxS: 5 }),
});
export type RosConfigInput = z.input<typeof RosConfigSchema>;
export type RosConfig = z.infer<typeof RosConfigSchema> & {
  topics: { control: { name: string; type: (typeof CONTROL_TYPES)[number] } };
};

/**
 * A small differential-drive robot: the built-in warehouse robot's footprint and speed, with the
 * acceleration the classical controller commands when it starts (1.5 m/s²) inside its limits — at
 * 1.0 the gate caps every start to standstill.
 */
export const ROBOT_VEHICLE = {
  kind: 'robot',
  lengthM: 0.9,
  widthM: 0.6,
  rearAxleToCenterM: 0,
  wheelBaseM: 0.5,
  maxAccelMps2: 1.5,
  maxDecelMps2: 2.0,
  maxSpeedMps: 2.0,
  maxYawRateRadps: 1.5,
  // a differential drive turns on the spot: a goal behind it on a two-way aisle is reachable
  turnInPlace: true,
} as const;

/** Validates a configuration object; fills the profile's control topic and checks it fits the profile. */
export function rosConfigFrom(data: unknown, where = 'config'): Result<RosConfig> {
  const r = parseStrictWith(RosConfigSchema, data ?? {}, where);
  if (!r.ok) return r;
  const c = r.value;
  const control =
    c.topics.control ??
    (c.profile === 'car'
      ? { name: '/control/command/ackermann', type: 'ackermann_msgs/AckermannDriveStamped' as const }
      : { name: '/cmd_vel', type: 'geometry_msgs/Twist' as const });
  const forCar = (CAR_CONTROL_TYPES as readonly string[]).includes(control.type);
  if (forCar !== (c.profile === 'car'))
    return fail(
      'INVALID_INPUT',
      `${where}:topics.control.type`,
      `${control.type} does not drive a ${c.profile} (cars: ${CAR_CONTROL_TYPES.join(', ')}; robots: ${ROBOT_CONTROL_TYPES.join(', ')})`,
    );
  const vehicle = parseStrictWith(
    VehicleParamsSchema.strict(),
    { ...(c.profile === 'robot' ? ROBOT_VEHICLE : { kind: 'car' }), ...c.vehicle },
    `${where}:vehicle`,
  );
  if (!vehicle.ok) return vehicle;
  if (vehicle.value.kind !== c.profile)
    return fail('INVALID_INPUT', `${where}:vehicle.kind`, `vehicle.kind must match profile ${c.profile}`);
  return { ok: true, value: { ...c, vehicle: vehicle.value, topics: { ...c.topics, control } } };
}

/** The platform limits of a validated configuration. */
export function vehicleOf(c: RosConfig): z.infer<typeof VehicleParamsSchema> {
  return VehicleParamsSchema.parse(c.vehicle);
}

/**
 * Reads and validates a YAML configuration file; `profile` and `overrides` (top-level keys from the
 * command line) win over the file's.
 */
export function loadRosConfig(
  file: string | undefined,
  profile?: Profile,
  overrides: Record<string, unknown> = {},
): Result<RosConfig> {
  let data: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return fail('IO_ERROR', file, (e as Error).message);
    }
    try {
      data = (parseYaml(text) as Record<string, unknown> | null) ?? {};
    } catch (e) {
      return fail('PARSE_ERROR', file, (e as Error).message.split('\n')[0]!);
    }
    if (typeof data !== 'object' || Array.isArray(data))
      return fail('INVALID_INPUT', file, 'expected a YAML mapping at the top level');
    // a relative map path is the config file's neighbour, as a scenario JSON's map is (it resolved
    // against the working directory: review 14 L3); `builtin:` references and absolute paths stay
    if (typeof data.map === 'string' && !data.map.startsWith('builtin:') && !isAbsolute(data.map))
      data = { ...data, map: resolve(dirname(file), data.map) };
  }
  return rosConfigFrom({ ...data, ...overrides, ...(profile ? { profile } : {}) }, file ?? 'config');
}
