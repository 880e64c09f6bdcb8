/**
 * The one registry of every message that flows between processes and over the bridges
 * (openpilot's services.py): name → schema, nominal rate, whether it is logged. The bus, the
 * bridges and the logs take a key of this registry, never a raw string.
 */
import {
  ControlSchema,
  MidLevelCommandSchema,
  TrajectorySchema,
  VerdictSchema,
  WorldSnapshotSchema,
} from './schemas.ts';

export const TOPICS = {
  /** The world as the planner sees it (sim, ROS or MQTT source). */
  snapshot: { schema: WorldSnapshotSchema, rateHz: 10, logged: true },
  /** Mid-level command from the planner, before the gate. */
  command: { schema: MidLevelCommandSchema, rateHz: 10, logged: true },
  /** Planned trajectory behind the command. */
  trajectory: { schema: TrajectorySchema, rateHz: 10, logged: true },
  /** The gate's verdict on each command or control. */
  verdict: { schema: VerdictSchema, rateHz: 50, logged: true },
  /** Actuator command after the control-level check. */
  control: { schema: ControlSchema, rateHz: 50, logged: true },
} as const;

export type TopicName = keyof typeof TOPICS;
