/**
 * The MQTT profile against Debian's mosquitto (MQTT 5, persistence on), started by the test on a
 * free port: two robots in one process, one stack each, missions through the fleet allocator; the
 * broker restarts mid-run and no accepted mission is lost; malformed payloads are answered on the
 * errors topic while everything keeps running; presence is retained and the last will fires.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoadMapSchema, VehicleParamsSchema, WallClock } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { createDriver } from '../../stack/registry.ts';
import type { MakeStack } from '../LiveDriver.ts';
import { liveScenario, withGoalStop } from '../Mission.ts';
import { ROBOT_VEHICLE } from '../ros/RosConfig.ts';
import { type Broker, startBroker } from '../testing/mosquitto.ts';
import { RobotBody } from '../testing/mqttRobotBody.ts';
import { allocate, Fleet } from './Fleet.ts';
import { MqttRobot } from './MqttRobot.ts';
import { topicFor } from './MqttTopics.ts';

const aisle = (id: string, y: number) => ({
  id,
  type: 'aisle',
  centerline: Array.from({ length: 31 }, (_, i) => ({ x: i * 2, y })),
  widthM: 3,
  speedLimitMps: 2,
});
const MAP = new RoadMap(RoadMapSchema.parse({ id: 'two-aisles', lanes: [aisle('A', 0), aisle('B', 8)] }));
const VEHICLE = VehicleParamsSchema.parse(ROBOT_VEHICLE);

function makeStack(): MakeStack {
  const d = createDriver('pdm-closed-stack');
  if (!d.ok || d.value.kind !== 'stack') throw new Error('no stack');
  const driver = d.value;
  return (goal, route, ego, map) =>
    driver.build(liveScenario(map.id, VEHICLE, ego, route), map, { wrap: (p) => withGoalStop(p, goal) });
}

const until = async (pred: () => boolean, timeoutMs: number, what: () => string): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('allocate', () => {
  const g = { x: 10, y: 0, headingRad: 0 };
  const p = (x: number) => ({ x, y: 0, headingRad: 0 });
  it('gives a mission to the nearest idle robot, else to the shortest queue', () => {
    expect(
      allocate(g, [
        { id: 'far', idle: true, queued: 0, pose: p(50), reachable: true },
        { id: 'near', idle: true, queued: 0, pose: p(12), reachable: true },
        { id: 'busy', idle: false, queued: 1, pose: p(10), reachable: true },
      ]),
    ).toBe('near');
    expect(
      allocate(g, [
        { id: 'q2', idle: false, queued: 2, pose: p(10), reachable: true },
        { id: 'q1', idle: false, queued: 1, pose: p(40), reachable: true },
      ]),
    ).toBe('q1');
  });
  it('never gives a mission to a robot with no route to the goal', () => {
    const robots = [
      { id: 'nearest-but-cut-off', idle: true, queued: 0, pose: p(10), reachable: false },
      { id: 'busy-but-connected', idle: false, queued: 3, pose: p(40), reachable: true },
    ];
    expect(allocate(g, robots)).toBe('busy-but-connected');
    expect(allocate(g, robots.slice(0, 1))).toBeUndefined();
  });
});

describe('MQTT fleet through mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.down();
  }, 30_000);

  it('loses no accepted mission across a broker restart, answers malformed payloads and keeps running', async () => {
    const clock = new WallClock();
    const link = { url: broker.url, reconnectMs: 200 };
    const common = { map: MAP, vehicle: VEHICLE, makeStack: makeStack(), clock, controlHz: 20, link };
    const r1 = new MqttRobot({ id: 'r1', ...common });
    const r2 = new MqttRobot({ id: 'r2', ...common });
    const fleet = new Fleet([r1, r2], link);
    const b1 = new RobotBody({ url: broker.url, robot: 'r1', x: 2, y: 0 });
    const b2 = new RobotBody({ url: broker.url, robot: 'r2', x: 2, y: 8 });
    // the fleet manager: a persistent MQTT 5 session, so nothing it was sent is lost while the broker restarts
    const fm: MqttClient = mqtt.connect(broker.url, {
      protocolVersion: 5,
      clientId: 'fleet-manager',
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 200,
    });
    const status: { missionId: string; state: string; robot: string }[] = [];
    const errors: { topic: string; error: { code: string; path: string } }[] = [];
    const presence = new Map<string, boolean>();
    const offline: string[] = [];
    fm.on('message', (topic, payload) => {
      const j = JSON.parse(payload.toString());
      const robot = topic.split('/')[2]!;
      if (topic.endsWith('/mission/status')) status.push({ ...j, robot });
      else if (topic.endsWith('/errors')) errors.push(j);
      else if (topic.endsWith('/presence')) {
        presence.set(robot, j.online);
        if (!j.online) offline.push(robot);
      }
    });
    await new Promise<void>((r) => fm.once('connect', () => r()));
    await fm.subscribeAsync({
      'edgeplan/v1/+/mission/status': { qos: 1 },
      'edgeplan/v1/+/errors': { qos: 1 },
      'edgeplan/v1/+/presence': { qos: 1 },
    });
    const mission = (missionId: string, x: number, y: number) =>
      fm.publishAsync(
        topicFor('fleetMission', ''),
        JSON.stringify({ missionId, goal: { x, y, headingRad: 0 } }),
        {
          qos: 1,
        },
      );
    const ctx = () => `status ${JSON.stringify(status)} r1 ${b1.x.toFixed(1)} r2 ${b2.x.toFixed(1)}`;
    try {
      await until(() => presence.get('r1') === true && presence.get('r2') === true, 10_000, ctx);
      await until(
        () => r1.source.currentEgo !== undefined && r2.source.currentEgo !== undefined,
        10_000,
        ctx,
      );
      await mission('m1', 14, 0);
      await mission('m2', 14, 8);
      await until(() => status.filter((s) => s.state === 'ACTIVE').length === 2, 15_000, ctx);
      // malformed payloads: answered on the errors topic, nothing stops
      fm.publish(topicFor('mission', 'r1'), '{not json', { qos: 1 });
      fm.publish(topicFor('state', 'r2'), JSON.stringify({ x: 'east' }), { qos: 0 });
      fm.publish(topicFor('fleetMission', ''), JSON.stringify({ missionId: 'bad', goal: { x: 1 } }), {
        qos: 1,
      });
      await until(
        () => errors.length >= 3,
        10_000,
        () => JSON.stringify(errors),
      );
      expect(errors.map((e) => e.error.code).sort()).toEqual([
        'INVALID_INPUT',
        'INVALID_INPUT',
        'PARSE_ERROR',
      ]);
      expect(errors.find((e) => e.topic.endsWith('/r2/state'))?.error.path).toBe('state:x');
      // the broker goes down mid-run; two more missions are sent while it is away
      await broker.stop();
      const m3 = mission('m3', 24, 0);
      const m4 = mission('m4', 24, 8);
      await new Promise((r) => setTimeout(r, 800));
      await broker.start();
      await Promise.all([m3, m4]);
      await until(
        () =>
          ['m1', 'm2', 'm3', 'm4'].every((id) =>
            status.some((s) => s.missionId === id && s.state === 'REACHED'),
          ),
        90_000,
        ctx,
      );
      const accepted = new Set(status.filter((s) => s.state === 'ACCEPTED').map((s) => s.missionId));
      expect([...accepted].sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
      // the allocator kept each robot on its own aisle (nearest idle robot)
      const robotOf = (id: string) => status.find((s) => s.missionId === id && s.state === 'REACHED')!.robot;
      expect([robotOf('m1'), robotOf('m2'), robotOf('m3'), robotOf('m4')]).toEqual(['r1', 'r2', 'r1', 'r2']);
      expect(Math.abs(b1.x - 24)).toBeLessThan(0.8);
      expect(Math.abs(b2.x - 24)).toBeLessThan(0.8);
      // presence: retained online; the last will says offline when a robot's link dies uncleanly
      r2.client.stream.destroy();
      await until(
        () => offline.includes('r2'),
        10_000,
        () => 'no last will for r2',
      );
    } finally {
      await Promise.all([r1.stop(), r2.stop(), fleet.stop(), b1.stop(), b2.stop()]);
      await fm.endAsync(true);
    }
  });
});
