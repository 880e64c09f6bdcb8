import { describe, expect, it } from 'vitest';
import { rosConfigFrom } from './RosConfig.ts';
import {
  controlToMessage,
  detectionsToObjects,
  lightsToStates,
  odometryToEgo,
  poseStampedToPose,
  poseWithCovarianceToPose,
  predictedObjectsToObjects,
  quatOfYaw,
  stampOf,
  stampS,
  yawOf,
} from './rosMessages.ts';
import { tfMessageToTransforms } from './TfTree.ts';

const odom = (x: number, yaw: number, v: number) => ({
  header: { stamp: { secs: 10, nsecs: 500_000_000 }, frame_id: 'map' },
  child_frame_id: 'base_link',
  pose: { pose: { position: { x, y: 2, z: 0 }, orientation: quatOfYaw(yaw) } },
  twist: { twist: { linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } } },
});

describe('ROS messages', () => {
  it('reads odometry as the rear-axle ego, moving a base_link that sits ahead of the axle back onto it', () => {
    const r = odometryToEgo(odom(10, Math.PI / 2, 3), 1.5);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.ego.x).toBeCloseTo(10);
    expect(r.value.ego.y).toBeCloseTo(0.5);
    expect(r.value.ego.headingRad).toBeCloseTo(Math.PI / 2);
    expect(r.value.ego.speedMps).toBe(3);
    expect(stampS(r.value.stamp)).toBeCloseTo(10.5);
  });

  it('names the bad field of malformed odometry', () => {
    const r = odometryToEgo({ header: {}, pose: { pose: { position: { x: 'a' } } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toMatch(/^odometry:pose\.pose\.position\.x/);
  });

  it('round-trips yaw through a quaternion and stamps in both ROS spellings', () => {
    expect(yawOf(quatOfYaw(-2.5))).toBeCloseTo(-2.5);
    expect(stampOf(12.25)).toEqual({ secs: 12, nsecs: 250_000_000 });
    expect(stampOf(12.25, true)).toEqual({ sec: 12, nanosec: 250_000_000 });
  });

  it('reads Detection3DArray classes (ROS 2 class_id and ROS 1 integer id) and PredictedObjects speeds', () => {
    const det = detectionsToObjects(
      {
        header: { frame_id: 'map' },
        detections: [
          {
            id: 'p1',
            results: [{ hypothesis: { class_id: 'Pedestrian', score: 0.8 } }],
            bbox: {
              center: { position: { x: 1, y: 2, z: 0 }, orientation: quatOfYaw(0) },
              size: { x: 0.5, y: 0.5, z: 1.7 },
            },
          },
          {
            results: [{ id: 3, score: 0.9 }],
            bbox: {
              center: { position: { x: 5, y: 0, z: 0 }, orientation: quatOfYaw(0) },
              size: { x: 4, y: 2, z: 1.5 },
            },
          },
        ],
      },
      { pedestrian: 'pedestrian' },
    );
    expect(det.ok && det.value.objects.map((o) => [o.id, o.kind])).toEqual([
      ['p1', 'pedestrian'],
      [undefined, 'vehicle'],
    ]);
    const pred = predictedObjectsToObjects({
      header: { frame_id: 'map' },
      objects: [
        {
          object_id: { uuid: [1, 255] },
          classification: [{ label: 6, probability: 0.7 }],
          kinematics: {
            initial_pose_with_covariance: {
              pose: { position: { x: 0, y: 0, z: 0 }, orientation: quatOfYaw(0) },
            },
            initial_twist_with_covariance: { twist: { linear: { x: 3, y: 4, z: 0 } } },
          },
          shape: { dimensions: { x: 1.8, y: 0.6, z: 1.5 } },
        },
      ],
    });
    expect(pred.ok && pred.value.objects[0]).toMatchObject({ id: '01ff', kind: 'cyclist', speedMps: 5 });
  });

  it('maps Autoware traffic-light groups to lanes, the most restrictive circle winning', () => {
    const r = lightsToStates(
      'autoware_perception_msgs/TrafficLightGroupArray',
      {
        traffic_light_groups: [
          {
            traffic_light_group_id: 7,
            elements: [
              { color: 3, shape: 1 },
              { color: 1, shape: 1 },
            ],
          },
          { traffic_light_group_id: 8, elements: [{ color: 3, shape: 1 }] },
        ],
      },
      { '7': ['a', 'b'] },
    );
    expect(r.ok && r.value).toEqual([
      { laneId: 'a', state: 'RED' },
      { laneId: 'b', state: 'RED' },
      { laneId: '8', state: 'GREEN' },
    ]);
    const bad = lightsToStates('std_msgs/String', { data: '[{"laneId":"a","state":"BLUE"}]' }, {});
    expect(bad.ok).toBe(false);
  });

  it('writes Ackermann with a signed acceleration and a speed target that never goes below zero', () => {
    const m = controlToMessage(
      { kind: 'ackermann', accelMps2: -3, steerRad: 0.1 },
      {
        type: 'ackermann_msgs/AckermannDriveStamped',
        stamp: stampOf(1),
        frameId: 'base_link',
        speedMps: 1,
        speedLookaheadS: 0.5,
      },
    ) as { drive: { speed: number; acceleration: number; steering_angle: number } };
    expect(m.drive).toMatchObject({ speed: 0, acceleration: -3, steering_angle: 0.1 });
    const t = controlToMessage(
      { kind: 'unicycle', vMps: 0.7, omegaRadps: -0.2 },
      {
        type: 'geometry_msgs/TwistStamped',
        stamp: stampOf(1),
        frameId: 'base_link',
        speedMps: 0,
        speedLookaheadS: 0.5,
      },
    ) as { twist: { linear: { x: number }; angular: { z: number } } };
    expect([t.twist.linear.x, t.twist.angular.z]).toEqual([0.7, -0.2]);
  });
});

describe('ROS bridge config', () => {
  it('fills the profile defaults: Ackermann for cars, Twist on /cmd_vel for robots', () => {
    const car = rosConfigFrom({});
    const robot = rosConfigFrom({ profile: 'robot' });
    expect(car.ok && car.value.topics.control.type).toBe('ackermann_msgs/AckermannDriveStamped');
    expect(robot.ok && robot.value.topics.control).toEqual({ name: '/cmd_vel', type: 'geometry_msgs/Twist' });
    expect(robot.ok && robot.value.vehicle['kind']).toBe('robot');
  });

  it('takes odom as the map only when told, and reads the audit and objectTracks keys (review 14)', () => {
    const c = rosConfigFrom({
      audit: { log: 'a.jsonl', key: 'k.pem' },
      // (an older config's invented first-sighting speeds: ignored, the gate assumes them now)
      objectTracks: { maxGapS: 0.5, firstSeenSpeedMps: { vehicle: 20 } },
    });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.value.frames.odomIsMap).toBe(false);
    expect(c.value.audit).toEqual({ log: 'a.jsonl', key: 'k.pem' });
    expect(c.value.objectTracks.maxGapS).toBe(0.5);
    expect(c.value.objectTracks).not.toHaveProperty('firstSeenSpeedMps');
    const d = rosConfigFrom({});
    expect(d.ok && d.value.objectTracks.maxSpeedMps).toBe(70);
  });

  it('refuses a control type that does not drive the profile, naming the field', () => {
    const r = rosConfigFrom({
      profile: 'robot',
      topics: { control: { name: '/x', type: 'ackermann_msgs/AckermannDriveStamped' } },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('config:topics.control.type');
    const t = rosConfigFrom({ topics: { odometry: { name: '/odom', type: 'nav_msgs/msg/Odometry' } } });
    expect(t.ok).toBe(false);
  });
});

describe('ROS objects and orientations (review 14)', () => {
  const autoware = (label: number, vx: number, kinematics: 'predicted' | 'tracked' = 'predicted') => {
    const pose = { pose: { position: { x: 170, y: 0, z: 0 }, orientation: quatOfYaw(0) } };
    const twist = { twist: { linear: { x: vx, y: 0, z: 0 } } };
    return {
      header: { frame_id: 'map' },
      objects: [
        {
          object_id: { uuid: [1, 2, 3] },
          classification: [{ label, probability: 0.9 }],
          kinematics:
            kinematics === 'predicted'
              ? { initial_pose_with_covariance: pose, initial_twist_with_covariance: twist }
              : { pose_with_covariance: pose, twist_with_covariance: twist },
          shape: { dimensions: { x: 4.5, y: 1.8, z: 1.5 } },
        },
      ],
    };
  };

  it('reads an Autoware UNKNOWN object as a vehicle, not as static (the gate forecasts static standing)', () => {
    const r = predictedObjectsToObjects(autoware(0, 15));
    expect(r.ok && r.value.objects[0]).toMatchObject({ kind: 'vehicle', speedMps: 15 });
  });

  it('turns a reversing object round: its speed points where it goes', () => {
    const r = predictedObjectsToObjects(autoware(1, -3));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.objects[0]!.speedMps).toBe(3);
    expect(Math.abs(r.value.objects[0]!.headingRad)).toBeCloseTo(Math.PI);
  });

  it('reads TrackedObjects kinematics (pose_with_covariance, twist_with_covariance)', () => {
    const r = predictedObjectsToObjects(autoware(1, 7, 'tracked'));
    expect(r.ok && r.value.objects[0]).toMatchObject({ x: 170, speedMps: 7, headingRad: 0 });
  });

  it('gives a detection with an empty id no id (its index is no identity)', () => {
    const r = detectionsToObjects(
      {
        header: { frame_id: 'map' },
        detections: [
          {
            id: '',
            bbox: {
              center: { position: { x: 1, y: 0, z: 0 }, orientation: quatOfYaw(0) },
              size: { x: 4, y: 2, z: 1 },
            },
          },
        ],
      },
      {},
    );
    expect(r.ok && r.value.objects[0]!.id).toBeUndefined();
  });

  it('rejects a zero quaternion, naming the field', () => {
    const zero = { x: 0, y: 0, z: 0, w: 0 };
    const o = odometryToEgo({
      ...odom(1, 0, 1),
      pose: { pose: { position: { x: 1, y: 2, z: 0 }, orientation: zero } },
    });
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error.path).toBe('odometry:pose.pose.orientation');
    const g = poseStampedToPose({
      header: { frame_id: 'map' },
      pose: { position: { x: 1, y: 0, z: 0 }, orientation: zero },
    });
    expect(!g.ok && g.error.path).toBe('goal:pose.orientation');
    const t = tfMessageToTransforms({
      transforms: [
        {
          header: { frame_id: 'map' },
          child_frame_id: 'odom',
          transform: { translation: { x: 0, y: 0 }, rotation: zero },
        },
      ],
    });
    expect(!t.ok && t.error.path).toBe('tf:transforms.0.transform.rotation');
    // a unit quaternion that is not exactly 1 (float rounding) is taken
    expect(
      odometryToEgo({
        ...odom(1, 0, 1),
        pose: { pose: { position: { x: 1, y: 2, z: 0 }, orientation: { x: 0, y: 0, z: 0.7072, w: 0.7072 } } },
      }).ok,
    ).toBe(true);
  });
});

describe('geometry_msgs/PoseWithCovarianceStamped (/initialpose)', () => {
  const msg = (covariance?: number[], frame = 'map') => ({
    header: { stamp: { secs: 5, nsecs: 0 }, frame_id: frame },
    pose: {
      pose: {
        position: { x: 3, y: 4, z: 0 },
        orientation: { x: 0, y: 0, z: Math.sin(0.5), w: Math.cos(0.5) },
      },
      ...(covariance ? { covariance } : {}),
    },
  });
  it('reads the pose, its frame and the larger σ of x and y (RViz sends 0.25 / 0.25)', () => {
    const cov = Array.from({ length: 36 }, (_, i) => (i === 0 ? 0.25 : i === 7 ? 1 : 0));
    const r = poseWithCovarianceToPose(msg(cov));
    expect(r.ok && r.value).toMatchObject({ pose: { x: 3, y: 4 }, frameId: 'map', sigmaM: 1 });
    expect(r.ok && r.value.pose.headingRad).toBeCloseTo(1, 9);
    const none = poseWithCovarianceToPose(msg());
    expect(none.ok && none.value.sigmaM).toBe(0);
  });
  it('names a bad field', () => {
    const r = poseWithCovarianceToPose(msg([1, 2, 3]));
    expect(!r.ok && r.error.path).toBe('initialPose:pose.covariance');
  });
});
