/**
 * The edgeplan MQTT profile: every topic, its direction, QoS and retain flag in one table (the
 * README's table is this one). JSON payloads, UTF-8. `{robot}` is the robot id.
 */
import { z } from 'zod';
import { AgentStateSchema, parseWith, type Result, TrafficLightStateSchema } from '../../core/index.ts';
import { plausibleNumber } from '../../core/plausible.ts';

export const TOPIC_ROOT = 'edgeplan/v1';

export interface TopicSpec {
  /** Pattern with `{robot}`. */
  pattern: string;
  direction: 'in' | 'out';
  qos: 0 | 1;
  retain: boolean;
  meaning: string;
}

export const MQTT_TOPICS = {
  state: {
    pattern: `${TOPIC_ROOT}/{robot}/state`,
    direction: 'in',
    qos: 0,
    retain: false,
    meaning:
      'robot state: pose, speed, detected agents, lights (the odometry of MQTT robots); ordered by stampS, else seq (an older one is dropped); a retained state is ignored',
  },
  mission: {
    pattern: `${TOPIC_ROOT}/{robot}/mission`,
    direction: 'in',
    qos: 1,
    retain: false,
    meaning:
      'a mission for this robot: { missionId, goal: { x, y, headingRad } } or { missionId, cancel: true }; a retained one is ignored and answered (a command is acted on when new)',
  },
  estop: {
    pattern: `${TOPIC_ROOT}/{robot}/estop`,
    direction: 'in',
    qos: 1,
    retain: true,
    meaning:
      'the operator e-stop: { engaged: true } holds the robot (latched: the mission pauses) until { engaged: false }; a state, so publish it retained (a restarted edgeplan finds it engaged)',
  },
  fleetMission: {
    pattern: `${TOPIC_ROOT}/fleet/mission`,
    direction: 'in',
    qos: 1,
    retain: false,
    meaning:
      'a mission for whichever robot the allocator picks (nearest idle robot with a route; else the shortest queue; held by the fleet while no robot has a route)',
  },
  fleetMissionStatus: {
    pattern: `${TOPIC_ROOT}/fleet/mission/status`,
    direction: 'out',
    qos: 1,
    retain: false,
    meaning:
      'the allocator on a fleet mission: { missionId, state: ASSIGNED (robot) | QUEUED (why: each robot and what keeps it out) | REJECTED (never reachable) | CANCELLED, tS, robot?, message? }',
  },
  control: {
    pattern: `${TOPIC_ROOT}/{robot}/control`,
    direction: 'out',
    qos: 0,
    retain: false,
    meaning:
      'the control: { kind, vMps, omegaRadps | accelMps2, steerRad, tS, inputSeq?, inputStampS?, watchdog? } — never retained',
  },
  missionStatus: {
    pattern: `${TOPIC_ROOT}/{robot}/mission/status`,
    direction: 'out',
    qos: 1,
    retain: false,
    meaning: 'mission life cycle: ACCEPTED, ACTIVE, REACHED, FAILED, CANCELLED, REJECTED',
  },
  command: {
    pattern: `${TOPIC_ROOT}/{robot}/telemetry/command`,
    direction: 'out',
    qos: 0,
    retain: false,
    meaning:
      'the mid-level command in force: each new one (once per plan, with its own issuedAtS / expiresAtS)',
  },
  verdict: {
    pattern: `${TOPIC_ROOT}/{robot}/telemetry/verdict`,
    direction: 'out',
    qos: 0,
    retain: false,
    meaning: "the safety gate's verdict on each new command",
  },
  telemetry: {
    pattern: `${TOPIC_ROOT}/{robot}/telemetry/state`,
    direction: 'out',
    qos: 0,
    retain: false,
    meaning: 'ego, mission, queue length, link and watchdog state, once a second',
  },
  presence: {
    pattern: `${TOPIC_ROOT}/{robot}/presence`,
    direction: 'out',
    qos: 1,
    retain: true,
    meaning:
      '{ online: true } on connect; { online: false } as the last will (broker-published on a lost link)',
  },
  errors: {
    pattern: `${TOPIC_ROOT}/{robot}/errors`,
    direction: 'out',
    qos: 1,
    retain: false,
    meaning:
      'malformed input, answered: { topic, error: { code, path, message } } (fleet errors: robot "fleet")',
  },
} as const satisfies Record<string, TopicSpec>;

export type MqttTopicName = keyof typeof MQTT_TOPICS;

/** The topic for a robot. */
export function topicFor(name: MqttTopicName, robot: string): string {
  return MQTT_TOPICS[name].pattern.replace('{robot}', robot);
}

/** The robot state a robot publishes (its odometry). */
export const MqttStateSchema = z.object({
  /**
   * A counter of the robot's, echoed on the control computed from this state; states must come
   * with it increasing (one not above the last taken is dropped, as reordered or replayed).
   */
  seq: z.number().finite().optional(),
  /**
   * The robot's clock when the state held, s (any epoch, one clock): a state taken in later than
   * the promptest ones (a backlog) is dated back by the excess, as ROS stamps are; it orders the
   * states before `seq` does, and is echoed on the control as `inputStampS`.
   */
  stampS: z.number().finite().optional(),
  // plausible ranges (core/plausible.ts): a speed or heading of 1e300 was taken (review ux21 #17)
  x: plausibleNumber('coordinate'),
  y: plausibleNumber('coordinate'),
  headingRad: plausibleNumber('angle'),
  speedMps: plausibleNumber('speed'),
  yawRateRadps: plausibleNumber('angle').default(0),
  steerRad: plausibleNumber('angle').default(0),
  agents: z.array(AgentStateSchema).optional(),
  lights: z.array(TrafficLightStateSchema).optional(),
});
export type MqttState = z.infer<typeof MqttStateSchema>;

/** A goal within ±1e7 m: a mission to 1e300 was ACCEPTED and queued (review ux21 #18). */
const GoalPoseSchema = z.object({
  x: plausibleNumber('coordinate'),
  y: plausibleNumber('coordinate'),
  headingRad: plausibleNumber('angle'),
});
const MissionGoalSchema = z.object({ missionId: z.string().min(1).max(200), goal: GoalPoseSchema });
const MissionCancelSchema = z.object({ missionId: z.string().min(1).max(200), cancel: z.literal(true) });
export const MqttMissionSchema = z.union([MissionGoalSchema, MissionCancelSchema]);
export type MqttMission = z.infer<typeof MqttMissionSchema>;

/** The operator e-stop (retained: its state). */
export const MqttEstopSchema = z.strictObject({ engaged: z.boolean() });

/**
 * A mission message: a cancel when it has `cancel`, else a goal. Parsed as the one it means, so
 * an error names the bad field (`mission:goal.x: expected number`); the union's own error
 * ("Invalid input") names none.
 */
export function parseMission(data: unknown): Result<MqttMission> {
  const isCancel = typeof data === 'object' && data !== null && 'cancel' in data;
  return parseWith(isCancel ? MissionCancelSchema : MissionGoalSchema, data, 'mission');
}
