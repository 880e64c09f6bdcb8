/**
 * Where snapshots come from and controls go: the simulator is one source/sink pair, each bridge
 * (ROS, MQTT) another. The stack never knows which.
 */
import type { Control, WorldSnapshot } from '../core/index.ts';
import type { StackTick } from './Stack.ts';

export interface Source {
  /** The newest snapshot, or undefined before the first. Its `tS` is the time of its newest input. */
  latest(): WorldSnapshot | undefined;
  /**
   * Optional: calls `listener` whenever a new snapshot is in (bridges: on each odometry message),
   * so the loop can compute the control at once instead of on its next timer tick. Returns the
   * unsubscribe function.
   */
  onSnapshot?(listener: () => void): () => void;
}

export interface Sink {
  /** Sends one control (with the tick that produced it, for telemetry). */
  send(control: Control, tick: StackTick | undefined): void;
}
