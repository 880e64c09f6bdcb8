import { describe, expect, it } from 'vitest';
import { MqttStateSchema, parseMission } from './mqtt/MqttTopics.ts';
import { odometryToEgo, poseStampedToPose, quatOfYaw } from './ros/rosMessages.ts';

const odom = (x: number, vx: number, wz = 0) => ({
  header: { frame_id: 'map' },
  pose: { pose: { position: { x, y: 0, z: 0 }, orientation: quatOfYaw(0) } },
  twist: { twist: { linear: { x: vx, y: 0, z: 0 }, angular: { x: 0, y: 0, z: wz } } },
});

describe('bridge inputs: finite is not enough (review ux21 #6, #7, #17, #18)', () => {
  it('ROS odometry: a speed or yaw rate of 1e300 is refused naming the field; 2 m/s is taken', () => {
    expect(odometryToEgo(odom(10, 2)).ok).toBe(true);
    const fast = odometryToEgo(odom(10, 1e300));
    expect(fast.ok).toBe(false);
    if (!fast.ok) {
      expect(fast.error.path).toBe('odometry:twist.twist.linear.x');
      expect(fast.error.message).toMatch(/plausible range of a speed/);
    }
    const spin = odometryToEgo(odom(10, 2, 1e300));
    expect(spin.ok).toBe(false);
    if (!spin.ok) expect(spin.error.path).toBe('odometry:twist.twist.angular.z');
  });

  it('ROS goal: x = 1e300 is refused as input (it never reaches the mission it would cancel)', () => {
    const goal = (x: number) => ({
      header: { frame_id: 'map' },
      pose: { position: { x, y: -1.5, z: 0 }, orientation: quatOfYaw(0) },
    });
    expect(poseStampedToPose(goal(120)).ok).toBe(true);
    const far = poseStampedToPose(goal(1e300));
    expect(far.ok).toBe(false);
    if (!far.ok) expect(far.error.path).toBe('goal:pose.position.x');
  });

  it('MQTT state: speedMps or headingRad 1e300 is refused; MQTT mission to x = 1e300 is refused, not ACCEPTED', () => {
    const state = { x: 1, y: 2, headingRad: 0.5, speedMps: 1.5 };
    expect(MqttStateSchema.safeParse(state).success).toBe(true);
    const speed = MqttStateSchema.safeParse({ ...state, speedMps: 1e300 });
    expect(speed.success).toBe(false);
    expect(speed.error?.issues[0]?.path).toEqual(['speedMps']);
    expect(MqttStateSchema.safeParse({ ...state, headingRad: 1e300 }).success).toBe(false);
    expect(parseMission({ missionId: 'm1', goal: { x: 40, y: 0, headingRad: 0 } }).ok).toBe(true);
    const m = parseMission({ missionId: 'm2', goal: { x: 1e300, y: 0, headingRad: 0 } });
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error.path).toBe('mission:goal.x');
  });
});
