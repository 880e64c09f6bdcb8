/**
 * The MQTT profile against Debian's mosquitto (MQTT 5, persistence on), started by the test on a
 * free port: two robots on two unconnected aisles in one process, one stack each, missions through
 * the fleet allocator. The broker stops mid-run and two missions are sent while it is away — with
 * every edgeplan client offline — and no mission is lost or taken twice; each goes to the robot
 * with a route to it, even though the robots' poses are unknown when the missions come back; a
 * mission no robot can reach is held (QUEUED, saying why) and one off every map is REJECTED;
 * malformed payloads are answered on the errors topic; presence is retained and the last will
 * fires. Every wait is on an event with a generous bound (the machine may be very loaded); nothing
 * is timed.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoadMapSchema, VehicleParamsSchema, WallClock } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { ROBOT_VEHICLE } from '../ros/RosConfig.ts';
import { testStackFactory } from '../testing/liveStack.ts';
import { type Broker, startBroker } from '../testing/mosquitto.ts';
import { RobotBody } from '../testing/mqttRobotBody.ts';
import { Fleet } from './Fleet.ts';
import { MqttRobot } from './MqttRobot.ts';
import { topicFor } from './MqttTopics.ts';

const aisle = (id: string, y: number) => ({
  id,
  type: 'aisle',
  centerline: Array.from({ length: 16 }, (_, i) => ({ x: i * 2, y })),
  widthM: 3,
  speedLimitMps: 2,
});
/** Two parallel aisles 8 m apart with no connection: a robot on one has no route to the other. */
const MAP = new RoadMap(RoadMapSchema.parse({ id: 'two-aisles', lanes: [aisle('A', 0), aisle('B', 8)] }));
const VEHICLE = VehicleParamsSchema.parse(ROBOT_VEHICLE);

/** Waits for a condition that events make true; the bound is generous (a loaded machine is slow). */
const until = async (pred: () => boolean, timeoutMs: number, what: () => string): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

interface Status {
  missionId: string;
  state: string;
  robot: string;
  message?: string;
}

describe('MQTT fleet through mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker();
  }, 60_000);
  afterAll(async () => {
    await broker?.down();
  }, 60_000);

  it('loses no mission across a broker restart, allocates only to robots with a route, answers malformed payloads', async () => {
    const clock = new WallClock();
    const link = { url: broker.url, reconnectMs: 200 };
    const common = {
      map: MAP,
      vehicle: VEHICLE,
      makeStack: testStackFactory(VEHICLE),
      clock,
      controlHz: 20,
      link,
    };
    const r1 = new MqttRobot({ id: 'r1', ...common });
    const r2 = new MqttRobot({ id: 'r2', ...common });
    const fleet = new Fleet([r1, r2], link, { clock });
    // robot bodies with a command timeout, as real robots have: they stand while the link is down
    const b1 = new RobotBody({ url: broker.url, robot: 'r1', x: 2, y: 0, commandTimeoutS: 0.3 });
    const b2 = new RobotBody({ url: broker.url, robot: 'r2', x: 2, y: 8, commandTimeoutS: 0.3 });
    // the fleet manager: a persistent MQTT 5 session, so nothing it was sent is lost while the broker restarts
    const fm: MqttClient = mqtt.connect(broker.url, {
      protocolVersion: 5,
      clientId: 'fleet-manager',
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      reconnectPeriod: 200,
    });
    // every reconnection finds its session on the broker (persistence on): what the test relies on
    const sessions: boolean[] = [];
    for (const c of [fleet.client, r1.client, r2.client, fm])
      c.on('connect', (p) => sessions.push(p.sessionPresent));
    const status: Status[] = [];
    const errors: { topic: string; error: { code: string; path: string } }[] = [];
    const presence = new Map<string, boolean>();
    const offline: string[] = [];
    fm.on('message', (topic, payload) => {
      const j = JSON.parse(payload.toString());
      const robot = topic.split('/')[2]!;
      if (topic.endsWith('/mission/status')) status.push({ ...j, robot: j.robot ?? robot });
      else if (topic.endsWith('/errors')) errors.push(j);
      else if (topic.endsWith('/presence')) {
        presence.set(robot, j.online);
        if (!j.online) offline.push(robot);
      }
    });
    await new Promise<void>((r) => fm.once('connect', () => r()));
    await fm.subscribeAsync({
      'edgeplan/v1/+/mission/status': { qos: 1 },
      'edgeplan/v1/fleet/mission/status': { qos: 1 },
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
    const has = (id: string, state: string) => status.some((s) => s.missionId === id && s.state === state);
    const ctx = () =>
      `status ${JSON.stringify(status)} r1 ${b1.x.toFixed(1)} r2 ${b2.x.toFixed(1)} held ${JSON.stringify([...fleet.held])}`;
    try {
      await until(
        () => fleet.ready && r1.ready && r2.ready,
        60_000,
        () => 'the subscriptions',
      );
      await until(() => presence.get('r1') === true && presence.get('r2') === true, 60_000, ctx);
      await until(
        () => r1.source.currentEgo !== undefined && r2.source.currentEgo !== undefined,
        60_000,
        ctx,
      );
      await mission('m1', 5, 0);
      await mission('m2', 9, 8);
      await until(() => has('m1', 'ACTIVE') && has('m2', 'ACTIVE'), 60_000, ctx);
      // behind both robots (no loop routing) but on a lane: held, with each robot's reason; then cancelled
      await mission('behind', 1, 0);
      await until(() => has('behind', 'QUEUED'), 60_000, ctx);
      const why = status.find((s) => s.missionId === 'behind' && s.state === 'QUEUED')!.message!;
      expect(why).toMatch(/r1: no route from .*behind the ego/);
      expect(why).toMatch(/r2: no route from /);
      fm.publish(topicFor('fleetMission', ''), JSON.stringify({ missionId: 'behind', cancel: true }), {
        qos: 1,
      });
      await until(() => has('behind', 'CANCELLED'), 60_000, ctx);
      // off every map: rejected for good
      await mission('nowhere', 30, 30);
      await until(() => has('nowhere', 'REJECTED'), 60_000, ctx);
      // malformed payloads: answered on the errors topic, nothing stops
      fm.publish(topicFor('mission', 'r1'), '{not json', { qos: 1 });
      fm.publish(topicFor('state', 'r2'), JSON.stringify({ x: 'east' }), { qos: 0 });
      fm.publish(topicFor('fleetMission', ''), JSON.stringify({ missionId: 'bad', goal: { x: 1 } }), {
        qos: 1,
      });
      await until(
        () => errors.length >= 3,
        60_000,
        () => JSON.stringify(errors),
      );
      expect(errors.map((e) => e.error.code).sort()).toEqual([
        'INVALID_INPUT',
        'INVALID_INPUT',
        'PARSE_ERROR',
      ]);
      expect(errors.find((e) => e.topic.endsWith('/r2/state'))?.error.path).toBe('state:x');
      // the broker goes down mid-run (r1 has reached its goal, r2 may still be driving to its own);
      // once every client has seen it go, two more missions are sent, and the robot bodies stay silent
      // until the fleet has them back, so the robots' poses are unknown when the missions arrive
      await until(() => has('m1', 'REACHED'), 60_000, ctx);
      await broker.stop();
      b1.paused = true;
      b2.paused = true;
      const clients = [r1.client, r2.client, fleet.client, fm];
      await until(
        () => clients.every((c) => !c.connected),
        60_000,
        () => 'the clients to see the broker go',
      );
      const m4 = mission('m4', 13, 8);
      const m3 = mission('m3', 8, 0);
      await broker.start();
      await Promise.all([m3, m4]);
      // mqtt.js marks a client connected before it emits 'connect' (where the session flag is
      // recorded): wait for both
      await until(
        () => clients.every((c) => c.connected) && sessions.length >= 8,
        60_000,
        () => 'the clients back',
      );
      expect(sessions.slice(4)).toEqual([true, true, true, true]);
      // m3 is for aisle A, whose robot is idle with its pose unknown: held, saying so
      await until(() => has('m3', 'QUEUED'), 60_000, ctx);
      expect(status.find((s) => s.missionId === 'm3' && s.state === 'QUEUED')!.message).toMatch(
        /r1: pose unknown/,
      );
      b1.paused = false;
      b2.paused = false;
      await until(() => ['m1', 'm2', 'm3', 'm4'].every((id) => has(id, 'REACHED')), 120_000, ctx);
      // each mission went to the robot on its aisle, was taken once, and was reached there
      const robotOf = (id: string) => status.find((s) => s.missionId === id && s.state === 'ASSIGNED')?.robot;
      expect(['m1', 'm2', 'm3', 'm4'].map(robotOf)).toEqual(['r1', 'r2', 'r1', 'r2']);
      const reachedBy = (id: string) =>
        status.find((s) => s.missionId === id && s.state === 'REACHED')?.robot;
      expect(['m1', 'm2', 'm3', 'm4'].map(reachedBy)).toEqual(['r1', 'r2', 'r1', 'r2']);
      expect(status.some((s) => s.state === 'FAILED')).toBe(false);
      expect([r1.counts.missions, r2.counts.missions]).toEqual([2, 2]);
      expect(Math.abs(b1.x - 8)).toBeLessThan(0.8);
      expect(Math.abs(b2.x - 13)).toBeLessThan(0.8);
      // presence: retained online; the last will says offline when a robot's link dies uncleanly
      await until(
        () => presence.get('r2') === true && r2.ready,
        60_000,
        () => 'r2 back online',
      );
      offline.length = 0;
      r2.client.stream.destroy();
      await until(
        () => offline.includes('r2'),
        60_000,
        () => 'no last will for r2',
      );
    } finally {
      await Promise.all([r1.stop(), r2.stop(), fleet.stop(), b1.stop(), b2.stop()]);
      await fm.endAsync(true);
    }
  }, 300_000);
});
