/**
 * `npm run bench bridge`: input → control latency through the real transports on loopback.
 * - ROS: a rospy vehicle publishes nav_msgs/Odometry (or, second row, only tf) at 50 Hz through a real ROS 1 master and
 *   rosbridge_suite 0.11.17; edgeplan computes a control on each and publishes
 *   AckermannDriveStamped stamped with that odometry's stamp; the node takes the time from
 *   publishing the odometry to receiving the control (Python → rosbridge → Node → rosbridge → Python).
 * - MQTT: a robot body publishes its state at 50 Hz through mosquitto; edgeplan answers with a
 *   control echoing the state's seq; the body takes the time from publish to control.
 * Both include edgeplan's tick (plan start, gate re-check, controller, control check). The MQTT
 * body runs in edgeplan's own Node process (one event loop for both ends), the rospy vehicle in its
 * own. The machine's load average is printed beside them: on a shared 2-core machine the tails are
 * the load's.
 */
import { cpus, loadavg } from 'node:os';
import type { MissionEvent } from '../bridge/LiveDriver.ts';
import { MqttRobot } from '../bridge/mqtt/MqttRobot.ts';
import { topicFor } from '../bridge/mqtt/MqttTopics.ts';
import { ROBOT_VEHICLE, rosConfigFrom } from '../bridge/ros/RosConfig.ts';
import { startRos } from '../bridge/ros/startRos.ts';
import { testStackFactory } from '../bridge/testing/liveStack.ts';
import { startBroker } from '../bridge/testing/mosquitto.ts';
import { RobotBody } from '../bridge/testing/mqttRobotBody.ts';
import { type RosMaster, startRosMaster, startVehicle } from '../bridge/testing/rosMaster.ts';
import { markdownTable } from '../cli/table.ts';
import { RoadMapSchema, VehicleParamsSchema, WallClock } from '../core/index.ts';
import { RoadMap } from '../core/map/index.ts';

const RATE_HZ = 50;
const RUN_S = 12;

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? Number.NaN;
};
const row = (name: string, xs: number[], stepMs: number[]): string[] => [
  name,
  String(xs.length),
  pct(xs, 0.5).toFixed(2),
  pct(xs, 0.99).toFixed(2),
  Math.max(...xs).toFixed(2),
  stepMs.length ? `${pct(stepMs, 0.5).toFixed(2)} / ${pct(stepMs, 0.99).toFixed(2)}` : '–',
];

const road = (id: string, type: 'driving' | 'aisle', lengthM: number, widthM: number, limitMps: number) =>
  new RoadMap(
    RoadMapSchema.parse({
      id,
      lanes: [
        {
          id: 'L',
          type,
          centerline: Array.from({ length: lengthM / 2 + 1 }, (_, i) => ({ x: i * 2, y: 0 })),
          widthM,
          speedLimitMps: limitMps,
        },
      ],
    }),
  );

/** One run through a master: the pose from odometry, or from tf (map → odom → base_link, no /odom). */
async function rosLatency(
  master: RosMaster,
  egoFrom: 'odometry' | 'tf',
): Promise<{ lat: number[]; step: number[] }> {
  const c = rosConfigFrom({ profile: 'car', egoFrom, rates: { controlHz: RATE_HZ } });
  if (!c.ok) throw new Error(c.error.message);
  const map = road('bench-road', 'driving', 400, 3.5, 10);
  const vehicle = await startVehicle(master, [
    '--profile',
    'car',
    '--x',
    '5',
    '--rate',
    String(RATE_HZ),
    ...(egoFrom === 'tf' ? ['--tf'] : []),
  ]);
  const step: number[] = [];
  const run = startRos({
    url: master.url,
    config: c.value,
    map,
    makeStack: testStackFactory(VehicleParamsSchema.parse({}), { controlHz: RATE_HZ }),
    onStep: (s) => {
      if (s.tick) step.push(s.stepMs);
    },
  });
  try {
    await run.bridge.waitConnected();
    while (!run.source.currentEgo) await new Promise((r) => setTimeout(r, 20));
    run.driver.setGoal({ x: 300, y: 0, headingRad: 0 }, 'bench');
    await new Promise((r) => setTimeout(r, 2000)); // warm-up (JIT, first plans)
    const from = vehicle.reports.length;
    step.length = 0;
    await new Promise((r) => setTimeout(r, RUN_S * 1000));
    return { lat: vehicle.reports.slice(from).flatMap((r) => r.latMs), step };
  } finally {
    await run.stop();
    await vehicle.stop();
  }
}

async function mqttLatency(): Promise<{ lat: number[]; step: number[] }> {
  const broker = await startBroker();
  const map = road('bench-aisle', 'aisle', 80, 3, 2);
  const vehicle = VehicleParamsSchema.parse(ROBOT_VEHICLE);
  const lat: number[] = [];
  let measuring = false;
  const missions: MissionEvent[] = [];
  const robot = new MqttRobot({
    id: 'bench',
    link: { url: broker.url },
    map,
    vehicle,
    makeStack: testStackFactory(vehicle, { controlHz: RATE_HZ }),
    clock: new WallClock(),
    controlHz: RATE_HZ,
    onMission: (e) => missions.push(e),
  });
  const body: RobotBody = new RobotBody({
    url: broker.url,
    robot: 'bench',
    x: 2,
    y: 0,
    rateHz: RATE_HZ,
    onControl: (c, atMs) => {
      const seq = c['inputSeq'];
      const sent = typeof seq === 'number' ? body.sentAtMs.get(seq) : undefined;
      if (measuring && sent !== undefined) lat.push(atMs - sent);
    },
  });
  try {
    while (!robot.source.currentEgo) await new Promise((r) => setTimeout(r, 20));
    robot.takeMission(
      { missionId: 'bench', goal: { x: 70, y: 0, headingRad: 0 } },
      topicFor('mission', 'bench'),
    );
    await new Promise((r) => setTimeout(r, 2000));
    measuring = true;
    await new Promise((r) => setTimeout(r, RUN_S * 1000));
    measuring = false;
    return { lat, step: [] };
  } finally {
    await Promise.all([robot.stop(), body.stop()]);
    await broker.down();
  }
}

export async function benchBridge(): Promise<string> {
  const load0 = loadavg()[0]!;
  const master = await startRosMaster();
  let ros: { lat: number[]; step: number[] };
  let rosTf: { lat: number[]; step: number[] };
  try {
    ros = await rosLatency(master, 'odometry');
    rosTf = await rosLatency(master, 'tf');
  } finally {
    await master.down();
  }
  const mqtt = await mqttLatency();
  const load1 = loadavg()[0]!;
  return [
    `## Bridges — input → control latency on loopback, ${RATE_HZ} Hz input, ${RUN_S} s each`,
    `(load average ${load0.toFixed(2)} → ${load1.toFixed(2)} on ${cpus().length} cores)`,
    '',
    markdownTable(
      ['path', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'edgeplan tick ms p50 / p99'],
      [
        row(
          'ROS: Odometry → rosbridge → edgeplan → rosbridge → AckermannDriveStamped (rospy)',
          ros.lat,
          ros.step,
        ),
        row(
          'ROS: tf (map → odom → base_link) → rosbridge → edgeplan → rosbridge → AckermannDriveStamped',
          rosTf.lat,
          rosTf.step,
        ),
        row('MQTT: state → mosquitto → edgeplan → mosquitto → control (mqtt.js)', mqtt.lat, mqtt.step),
      ],
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  ].join('\n');
}
