/**
 * ROS messages ↔ edgeplan contracts, as pure functions (no connection, no clock). Messages arrive
 * as rosbridge JSON, which is untrusted: each reader validates the fields it uses with zod and
 * returns a Result naming the bad field. Stamps are read in both ROS 1 (`secs`/`nsecs`) and ROS 2
 * (`sec`/`nanosec`) spelling and written in the one the config names.
 */
import { z } from 'zod';
import {
  type AgentKind,
  type Control,
  type EgoState,
  egoToMap,
  type Instruction,
  InstructionSchema,
  type MidLevelCommand,
  normalizeAngle,
  ok,
  type Pose,
  parseWith,
  type Result,
  type SignalState,
  type TrafficLightState,
  type Verdict,
} from '../../core/index.ts';
import { plausibleNumber } from '../../core/plausible.ts';

const num = z.number().finite();
const Vec3 = z.object({ x: num, y: num, z: num.default(0) });
/**
 * tf2's check before it takes a rotation (BufferCore::setTransform, QUATERNION_NORMALIZATION_TOLERANCE
 * 10e-3 on |q|²): a zero quaternion — an orientation left unset, default-constructed in ROS 1 — has
 * no heading, and read as yaw 0 it put every such object, goal or pose facing east (review 14 M5).
 */
const QUAT_NORM2_TOLERANCE = 10e-3;
export const QuatSchema = z
  .object({ x: num, y: num, z: num, w: num })
  .refine((q) => Math.abs(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w - 1) <= QUAT_NORM2_TOLERANCE, {
    message: `not a unit quaternion (|q|² must be within ${QUAT_NORM2_TOLERANCE} of 1, as tf2 requires; an unset orientation is all zeros)`,
  });
const Quat = QuatSchema;
/** A position in the map frame: finite and within ±1e7 m (core/plausible.ts; a goal at 1e300 is refused here, before it reaches a mission). */
const coord = plausibleNumber('coordinate');
const Position = z.object({ x: coord, y: coord, z: coord.default(0) });
const RosPose = z.object({ position: Position, orientation: Quat });
/** Odometry's twist: linear within ±150 m/s, angular within ±1e3 rad/s (a speed of 1e300 was taken, review ux21 #7). */
const speed = plausibleNumber('speed');
const rate = plausibleNumber('angle');
const Twist = z.object({
  linear: z.object({ x: speed, y: speed, z: speed.default(0) }),
  angular: z.object({ x: rate, y: rate, z: rate.default(0) }),
});
const Stamp = z.union([
  z.object({ secs: z.number().int(), nsecs: z.number().int() }),
  z.object({ sec: z.number().int(), nanosec: z.number().int() }),
]);
const Header = z.object({ stamp: Stamp.optional(), frame_id: z.string().default('') });

/** Heading (yaw about +z) of a quaternion, rad. */
export function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

/** A quaternion for a yaw about +z. */
export function quatOfYaw(yawRad: number): { x: number; y: number; z: number; w: number } {
  return { x: 0, y: 0, z: Math.sin(yawRad / 2), w: Math.cos(yawRad / 2) };
}

export type RosStamp = { secs: number; nsecs: number } | { sec: number; nanosec: number };

/** A stamp's time, s. */
export function stampS(s: RosStamp | undefined): number | undefined {
  if (!s) return undefined;
  return 'secs' in s ? s.secs + s.nsecs * 1e-9 : s.sec + s.nanosec * 1e-9;
}

/** A stamp for a time in s, in ROS 1 or ROS 2 spelling. */
export function stampOf(tS: number, ros2 = false): RosStamp {
  const secs = Math.floor(tS);
  const nsecs = Math.min(999_999_999, Math.round((tS - secs) * 1e9));
  return ros2 ? { sec: secs, nanosec: nsecs } : { secs, nsecs };
}

// ---------------------------------------------------------------------------------------------
// In

const OdometrySchema = z.object({
  header: Header,
  pose: z.object({ pose: RosPose }),
  twist: z.object({ twist: Twist }),
});

export interface OdometryReading {
  ego: Omit<EgoState, 'tS'>;
  frameId: string;
  stamp: RosStamp | undefined;
}

/**
 * nav_msgs/Odometry → the ego (rear axle). `baseLinkAheadM`: how far the odometry's base_link is
 * ahead of the rear axle (0 for Autoware and most robots).
 */
export function odometryToEgo(msg: unknown, baseLinkAheadM = 0): Result<OdometryReading> {
  const r = parseWith(OdometrySchema, msg, 'odometry');
  if (!r.ok) return r;
  const { pose, twist, header } = r.value;
  const h = yawOf(pose.pose.orientation);
  const vx = twist.twist.linear.x;
  return ok({
    ego: {
      x: pose.pose.position.x - baseLinkAheadM * Math.cos(h),
      y: pose.pose.position.y - baseLinkAheadM * Math.sin(h),
      headingRad: h,
      speedMps: vx,
      accelMps2: 0,
      steerRad: 0,
      yawRateRadps: twist.twist.angular.z,
    },
    frameId: header.frame_id,
    stamp: header.stamp,
  });
}

const PoseStampedSchema = z.object({ header: Header, pose: RosPose });

/** geometry_msgs/PoseStamped → a map pose and its frame. */
export function poseStampedToPose(
  msg: unknown,
): Result<{ pose: Pose; frameId: string; stampS: number | undefined }> {
  const r = parseWith(PoseStampedSchema, msg, 'goal');
  if (!r.ok) return r;
  const p = r.value.pose;
  return ok({
    pose: { x: p.position.x, y: p.position.y, headingRad: yawOf(p.orientation) },
    frameId: r.value.header.frame_id,
    stampS: stampS(r.value.header.stamp) || undefined,
  });
}

const PoseWithCovarianceStampedSchema = z.object({
  header: Header,
  pose: z.object({ pose: RosPose, covariance: z.array(z.number()).length(36).optional() }),
});

/**
 * geometry_msgs/PoseWithCovarianceStamped (AMCL's `/initialpose`) → a pose, its frame and the
 * standard deviation of its position (the larger of x's and y's, from the row-major 6×6
 * covariance; 0 when none is given), m.
 */
export function poseWithCovarianceToPose(
  msg: unknown,
): Result<{ pose: Pose; frameId: string; sigmaM: number }> {
  const r = parseWith(PoseWithCovarianceStampedSchema, msg, 'initialPose');
  if (!r.ok) return r;
  const p = r.value.pose.pose;
  const c = r.value.pose.covariance;
  const sigmaM = c ? Math.sqrt(Math.max(0, c[0]!, c[7]!)) : 0;
  return ok({
    pose: { x: p.position.x, y: p.position.y, headingRad: yawOf(p.orientation) },
    frameId: r.value.header.frame_id,
    sigmaM,
  });
}

/** An object before it is placed in the map frame. */
export interface ObjectReading {
  /** The message's id; undefined when it gives none (never the list index: detectors reorder). */
  id: string | undefined;
  kind: AgentKind;
  x: number;
  y: number;
  headingRad: number;
  /** Speed when the message carries one (PredictedObjects), m/s. */
  speedMps: number | undefined;
  lengthM: number;
  widthM: number;
}

const Detection3DArraySchema = z.object({
  header: Header,
  detections: z.array(
    z.object({
      id: z.string().default(''),
      results: z
        .array(
          z.object({
            // vision_msgs ≥ 2 (ROS 2, noetic 1.x backport): hypothesis.class_id; 0.0.x: an int id
            hypothesis: z.object({ class_id: z.string(), score: num }).optional(),
            id: z.union([z.number(), z.string()]).optional(),
            score: num.optional(),
          }),
        )
        .default([]),
      bbox: z.object({ center: RosPose, size: Vec3 }),
    }),
  ),
});

/**
 * Objects as a message brings them: their frame, the header's stamp (when they were measured; kept
 * so that base_link objects are placed around the ego pose at that stamp and dated by it), objects.
 */
export interface ObjectsReading {
  frameId: string;
  stamp: RosStamp | undefined;
  objects: ObjectReading[];
}

/**
 * vision_msgs/Detection3DArray → objects. Detection3D carries no velocity: the bridge measures it
 * from successive messages (`ObjectTracks.ts`); an empty `id` is no id.
 */
export function detectionsToObjects(
  msg: unknown,
  classes: Record<string, AgentKind>,
): Result<ObjectsReading> {
  const r = parseWith(Detection3DArraySchema, msg, 'objects');
  if (!r.ok) return r;
  const objects = r.value.detections.map((d): ObjectReading => {
    let best: { cls: string; score: number } | undefined;
    for (const h of d.results) {
      const cls = String(h.hypothesis?.class_id ?? h.id ?? '').toLowerCase();
      const score = h.hypothesis?.score ?? h.score ?? 0;
      if (!best || score > best.score) best = { cls, score };
    }
    return {
      id: d.id || undefined,
      kind: classes[best?.cls ?? ''] ?? 'vehicle',
      x: d.bbox.center.position.x,
      y: d.bbox.center.position.y,
      headingRad: yawOf(d.bbox.center.orientation),
      speedMps: undefined,
      lengthM: Math.max(0.1, d.bbox.size.x),
      widthM: Math.max(0.1, d.bbox.size.y),
    };
  });
  return ok({ frameId: r.value.header.frame_id, stamp: r.value.header.stamp, objects });
}

/**
 * autoware_perception_msgs ObjectClassification labels. UNKNOWN (0) is a vehicle, as an unknown
 * Detection3D class is: Autoware labels many moving objects UNKNOWN, and `static` is forecast
 * standing whatever its twist says (review 14 H2).
 */
const AUTOWARE_LABELS: Record<number, AgentKind> = {
  0: 'vehicle',
  1: 'vehicle',
  2: 'vehicle',
  3: 'vehicle',
  4: 'vehicle',
  5: 'cyclist',
  6: 'cyclist',
  7: 'pedestrian',
};

/** PredictedObjects' kinematics (`initial_…`) or TrackedObjects' (`pose_with_covariance`, …): pose and twist. */
const AutowareKinematics = z.union([
  z
    .object({
      initial_pose_with_covariance: z.object({ pose: RosPose }),
      initial_twist_with_covariance: z.object({ twist: z.object({ linear: Vec3 }) }),
    })
    .transform((k) => ({
      pose: k.initial_pose_with_covariance.pose,
      twist: k.initial_twist_with_covariance.twist,
    })),
  z
    .object({
      pose_with_covariance: z.object({ pose: RosPose }),
      twist_with_covariance: z.object({ twist: z.object({ linear: Vec3 }) }),
    })
    .transform((k) => ({ pose: k.pose_with_covariance.pose, twist: k.twist_with_covariance.twist })),
]);

const PredictedObjectsSchema = z.object({
  header: Header,
  objects: z.array(
    z.object({
      object_id: z.object({ uuid: z.array(z.number().int()) }).optional(),
      classification: z.array(z.object({ label: z.number().int(), probability: num })).default([]),
      kinematics: AutowareKinematics,
      shape: z.object({ dimensions: Vec3 }),
    }),
  ),
});

/**
 * autoware_perception_msgs/PredictedObjects or TrackedObjects → objects, speed from the initial twist (body frame). A
 * negative longitudinal twist (reversing) turns the heading round: `AgentState` has no signed speed,
 * and read along its heading the car was forecast away from where it goes.
 */
export function predictedObjectsToObjects(msg: unknown): Result<ObjectsReading> {
  const r = parseWith(PredictedObjectsSchema, msg, 'objects');
  if (!r.ok) return r;
  const objects = r.value.objects.map((o): ObjectReading => {
    let label = 0;
    let p = -1;
    for (const c of o.classification)
      if (c.probability > p) {
        p = c.probability;
        label = c.label;
      }
    const pose = o.kinematics.pose;
    const tw = o.kinematics.twist.linear;
    return {
      id: o.object_id ? o.object_id.uuid.map((b) => b.toString(16).padStart(2, '0')).join('') : undefined,
      kind: AUTOWARE_LABELS[label] ?? 'vehicle',
      x: pose.position.x,
      y: pose.position.y,
      headingRad: tw.x < 0 ? normalizeAngle(yawOf(pose.orientation) + Math.PI) : yawOf(pose.orientation),
      speedMps: Math.hypot(tw.x, tw.y),
      lengthM: Math.max(0.1, o.shape.dimensions.x),
      widthM: Math.max(0.1, o.shape.dimensions.y),
    };
  });
  return ok({ frameId: r.value.header.frame_id, stamp: r.value.header.stamp, objects });
}

/**
 * Objects in their frame → the map frame, `frame` being that frame's pose in the map (the ego's
 * base_link pose for `base_link` objects; identity for map-frame ones).
 */
export function placeObjects(objects: ReadonlyArray<ObjectReading>, frame: Pose): ObjectReading[] {
  if (frame.x === 0 && frame.y === 0 && frame.headingRad === 0) return [...objects];
  return objects.map((o) => {
    const p = egoToMap(o, frame);
    return { ...o, x: p.x, y: p.y, headingRad: normalizeAngle(o.headingRad + frame.headingRad) };
  });
}

const StringMsg = z.object({ data: z.string() });
const LightsJson = z.array(
  z.object({ laneId: z.string(), state: z.enum(['RED', 'YELLOW', 'GREEN', 'UNKNOWN']) }),
);
const TrafficLightGroupArraySchema = z.object({
  traffic_light_groups: z.array(
    z.object({
      traffic_light_group_id: z.union([z.number().int(), z.string()]),
      elements: z.array(z.object({ color: z.number().int(), shape: z.number().int().default(1) })),
    }),
  ),
});
/** autoware_perception_msgs/TrafficLightElement colours. */
const AUTOWARE_COLOURS: Record<number, SignalState> = { 1: 'RED', 2: 'YELLOW', 3: 'GREEN' };

/**
 * Traffic-light states → per-lane signal states. `std_msgs/String` carries JSON
 * `[{"laneId": "...", "state": "RED|YELLOW|GREEN|UNKNOWN"}]`; Autoware's TrafficLightGroupArray is
 * mapped through `groups` (group id → lane ids; default: the id is the lane id). A group whose
 * elements disagree takes the most restrictive colour of its circle elements.
 */
export function lightsToStates(
  type: string,
  msg: unknown,
  groups: Record<string, string[]>,
): Result<TrafficLightState[]> {
  if (type === 'std_msgs/String') {
    const s = parseWith(StringMsg, msg, 'trafficLights');
    if (!s.ok) return s;
    let data: unknown;
    try {
      data = JSON.parse(s.value.data);
    } catch (e) {
      return {
        ok: false,
        error: { code: 'PARSE_ERROR', path: 'trafficLights.data', message: (e as Error).message },
      };
    }
    return parseWith(LightsJson, data, 'trafficLights.data');
  }
  const r = parseWith(TrafficLightGroupArraySchema, msg, 'trafficLights');
  if (!r.ok) return r;
  const rank: Record<SignalState, number> = { RED: 3, YELLOW: 2, UNKNOWN: 1, GREEN: 0 };
  const out: TrafficLightState[] = [];
  for (const g of r.value.traffic_light_groups) {
    let state: SignalState = 'UNKNOWN';
    let any = false;
    for (const e of g.elements) {
      if (e.shape !== 1) continue; // circle; arrows govern turning lanes we cannot tell apart here
      const c = AUTOWARE_COLOURS[e.color] ?? 'UNKNOWN';
      if (!any || rank[c] > rank[state]) state = c;
      any = true;
    }
    const id = String(g.traffic_light_group_id);
    for (const laneId of groups[id] ?? [id]) out.push({ laneId, state });
  }
  return ok(out);
}

/** std_msgs/String → an instruction: untrusted operator text (the planner quotes it, never obeys it as code). */
export function stringToInstruction(msg: unknown): Result<Instruction> {
  const s = parseWith(StringMsg, msg, 'instruction');
  if (!s.ok) return s;
  return parseWith(
    InstructionSchema,
    { source: 'operator', text: s.value.data.slice(0, 2000) },
    'instruction',
  );
}

// ---------------------------------------------------------------------------------------------
// Out

export interface ControlOutOptions {
  type: string;
  stamp: RosStamp;
  frameId: string;
  /** The ego's speed now (Ackermann and Autoware carry a speed target), m/s. */
  speedMps: number;
  /** Look-ahead of the speed target, s. */
  speedLookaheadS: number;
}

/**
 * A control → the configured control message. Cars: AckermannDriveStamped (`acceleration` signed,
 * negative is braking; `speed` = the speed `speedLookaheadS` ahead at that acceleration, ≥ 0) or
 * Autoware Control (same numbers in `longitudinal`, `lateral.steering_tire_angle`). Robots: Twist
 * or TwistStamped (`linear.x`, `angular.z`). The stamp is the stamp of the odometry the control was
 * computed from, so the receiver can measure and bound its age.
 */
export function controlToMessage(c: Control, o: ControlOutOptions): Record<string, unknown> {
  if (c.kind === 'ackermann') {
    const speed = Math.max(0, o.speedMps + c.accelMps2 * o.speedLookaheadS);
    if (o.type === 'autoware_control_msgs/Control')
      return {
        stamp: o.stamp,
        control_time: o.stamp,
        lateral: {
          stamp: o.stamp,
          control_time: o.stamp,
          steering_tire_angle: c.steerRad,
          steering_tire_rotation_rate: 0,
          is_defined_steering_tire_rotation_rate: false,
        },
        longitudinal: {
          stamp: o.stamp,
          control_time: o.stamp,
          velocity: speed,
          acceleration: c.accelMps2,
          jerk: 0,
          is_defined_acceleration: true,
          is_defined_jerk: false,
        },
      };
    return {
      header: { stamp: o.stamp, frame_id: o.frameId },
      drive: {
        steering_angle: c.steerRad,
        steering_angle_velocity: 0,
        speed,
        acceleration: c.accelMps2,
        jerk: 0,
      },
    };
  }
  const twist = { linear: { x: c.vMps, y: 0, z: 0 }, angular: { x: 0, y: 0, z: c.omegaRadps } };
  if (o.type === 'geometry_msgs/TwistStamped')
    return { header: { stamp: o.stamp, frame_id: o.frameId }, twist };
  return twist;
}

/** The command in force, as the JSON carried on the command topic. */
export function commandToJson(c: MidLevelCommand): { data: string } {
  return { data: JSON.stringify(c) };
}

/** The newest verdict, as the JSON carried on the verdict topic. */
export function verdictToJson(v: Verdict, tS: number): { data: string } {
  return { data: JSON.stringify({ tS, ...v }) };
}
