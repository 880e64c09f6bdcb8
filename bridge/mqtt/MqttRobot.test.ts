/**
 * One MQTT robot's input handling against Debian's mosquitto on a free port (review 12: M5, M6, M7,
 * M8, M9): a raw MQTT 5 client plays the robot's body and its mission sender; what the robot takes
 * is read from its `LiveSource` and what it answers from the errors and status topics. Every wait
 * is on an event with a generous bound; nothing is timed.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoadMapSchema, VehicleParamsSchema, WallClock } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { ROBOT_VEHICLE } from '../ros/RosConfig.ts';
import { AISLE_MAP_DATA } from '../testing/aisleMapFile.ts';
import { testStackFactory } from '../testing/liveStack.ts';
import { type Broker, startBroker } from '../testing/mosquitto.ts';
import { Fleet } from './Fleet.ts';
import { MqttRobot } from './MqttRobot.ts';
import { topicFor } from './MqttTopics.ts';

const MAP = new RoadMap(RoadMapSchema.parse(AISLE_MAP_DATA));
const VEHICLE = VehicleParamsSchema.parse(ROBOT_VEHICLE);

const until = async (pred: () => boolean, timeoutMs: number, what: () => string): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

interface Answer {
  topic: string;
  body: {
    missionId?: string;
    state?: string;
    message?: string;
    error?: { code: string; path: string; message: string };
  };
}

describe('MqttRobot input through mosquitto', () => {
  let broker: Broker;
  let body: MqttClient;
  const answers: Answer[] = [];
  let n = 0;
  beforeAll(async () => {
    broker = await startBroker();
    body = mqtt.connect(broker.url, { protocolVersion: 5, clientId: 'body', reconnectPeriod: 200 });
    body.on('message', (topic, payload) => answers.push({ topic, body: JSON.parse(payload.toString()) }));
    await new Promise<void>((r) => body.once('connect', () => r()));
    await body.subscribeAsync({
      'edgeplan/v1/+/errors': { qos: 1 },
      'edgeplan/v1/+/mission/status': { qos: 1 },
    });
  }, 60_000);
  afterAll(async () => {
    await body?.endAsync(true);
    await broker?.down();
  }, 60_000);

  /** A robot with an id of its own (each test starts from a clean slate on the shared broker). */
  const clock = new WallClock();
  const robot = async (): Promise<{ r: MqttRobot; id: string }> => {
    const id = `r${++n}`;
    const r = new MqttRobot({
      id,
      link: { url: broker.url, reconnectMs: 200 },
      map: MAP,
      vehicle: VEHICLE,
      makeStack: testStackFactory(VEHICLE),
      clock,
      controlHz: 20,
    });
    await until(
      () => r.ready,
      30_000,
      () => `${id} subscribed`,
    );
    return { r, id };
  };
  const state = (id: string, s: Record<string, unknown>, retain = false) =>
    body.publishAsync(
      topicFor('state', id),
      JSON.stringify({ x: 2, y: 0, headingRad: 0, speedMps: 0, ...s }),
      { qos: 0, retain },
    );
  const mission = (id: string, m: Record<string, unknown>) =>
    body.publishAsync(topicFor('mission', id), JSON.stringify(m), { qos: 1 });
  const errorsOf = (id: string) =>
    answers.filter((a) => a.topic === topicFor('errors', id)).map((a) => a.body.error!);
  const statusOf = (id: string) =>
    answers.filter((a) => a.topic === topicFor('missionStatus', id)).map((a) => a.body);

  it('drops a state whose seq is not above the last taken (M5)', async () => {
    const { r, id } = await robot();
    try {
      await state(id, { seq: 30, x: 10 });
      await state(id, { seq: 5, x: 2 });
      await until(
        () => r.counts.states >= 2,
        30_000,
        () => `states ${r.counts.states}`,
      );
      expect(r.source.currentEgo!.x).toBe(10);
      expect(r.counts.outOfOrder).toBe(1);
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('dates a state back by its stampS lag (a backlog), as ROS stamps are (M5)', async () => {
    const { r, id } = await robot();
    try {
      await state(id, { stampS: 5000 });
      await until(
        () => r.counts.states >= 1,
        30_000,
        () => 'the first state',
      );
      // the next state held 50 ms after the first, but comes at least 0.5 s after it: a backlog
      await new Promise((res) => setTimeout(res, 500));
      const sentAtS = clock.nowS();
      await state(id, { stampS: 5000.05, x: 2.1 });
      await until(
        () => r.counts.states >= 2,
        30_000,
        () => 'the second state',
      );
      expect(r.source.currentEgo!.x).toBe(2.1);
      expect(r.source.currentEgo!.tS).toBeLessThan(sentAtS - 0.3);
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('ignores a retained state and says so once (M6)', async () => {
    const id = `r${n + 1}`;
    // a state left retained on the broker by a robot that has since gone away
    await state(id, { seq: 1, x: 4 }, true);
    const { r } = await robot();
    try {
      await until(
        () => errorsOf(id).length > 0,
        30_000,
        () => 'the answer to the retained state',
      );
      expect(errorsOf(id)[0]!.message).toMatch(/retained state is ignored/);
      expect(r.counts.retained).toBe(1);
      expect(r.source.currentEgo).toBeUndefined();
    } finally {
      await r.stop();
      await body.publishAsync(topicFor('state', id), '', { qos: 0, retain: true }); // clear it
    }
  }, 60_000);

  it('ignores a retained mission (a restart must not send the robot back to an old goal) and takes one published retained while it listens (ux20 #2)', async () => {
    const id = `r${n + 1}`;
    // a mission left retained: edgeplan ran it before its restart; the new process subscribes anew
    await body.publishAsync(
      topicFor('mission', id),
      JSON.stringify({ missionId: 'ret1', goal: { x: 20, y: 0, headingRad: 0 } }),
      { qos: 1, retain: true },
    );
    const { r } = await robot();
    try {
      await state(id, { seq: 1 });
      await until(
        () => errorsOf(id).length > 0,
        30_000,
        () => 'the answer to the retained mission',
      );
      expect(errorsOf(id)[0]!.message).toMatch(/retained mission is ignored/);
      expect(r.counts.retainedMissions).toBe(1);
      expect(statusOf(id)).toEqual([]);
      expect(r.driver.activeMission).toBeUndefined();
      expect(r.idle).toBe(true);
      // published now, retained or not, it is new to a robot that listens: the broker delivers it
      // unflagged (MQTT 5 retain-as-published off) and it is taken
      await body.publishAsync(
        topicFor('mission', id),
        JSON.stringify({ missionId: 'new1', goal: { x: 20, y: 0, headingRad: 0 } }),
        { qos: 1, retain: true },
      );
      await until(
        () => statusOf(id).some((s) => s.missionId === 'new1' && s.state === 'ACCEPTED'),
        30_000,
        () => JSON.stringify(answers),
      );
      expect(r.counts.retainedMissions).toBe(1);
    } finally {
      await r.stop();
      await body.publishAsync(topicFor('mission', id), '', { qos: 1, retain: true }); // clear it
    }
  }, 60_000);

  it('answers a retained mission once and never re-runs a mission it took, across a reconnection (ux20)', async () => {
    const id = `r${n + 1}`;
    const old1 = JSON.stringify({ missionId: 'old1', goal: { x: 20, y: 0, headingRad: 0 } });
    const live1 = JSON.stringify({ missionId: 'live1', goal: { x: 12, y: 0, headingRad: 0 } });
    const retainedAnswers = () => errorsOf(id).filter((e) => /retained mission is ignored/.test(e.message));
    await body.publishAsync(topicFor('mission', id), old1, { qos: 1, retain: true });
    const { r } = await robot();
    try {
      await state(id, { seq: 1 });
      await until(
        () => retainedAnswers().length > 0,
        30_000,
        () => 'the answer to the retained mission',
      );
      // published retained while the robot listens: new, taken (and left retained on the broker)
      await body.publishAsync(topicFor('mission', id), live1, { qos: 1, retain: true });
      await until(
        () => statusOf(id).some((a) => a.missionId === 'live1' && a.state === 'ACCEPTED'),
        30_000,
        () => JSON.stringify(answers),
      );
      // a broker that kept no session hands both out again, flagged retained: neither is answered
      // again nor run (the robot's memory for the life of the process)
      expect(r.takeMission(Buffer.from(old1), topicFor('mission', id), true)).toBe('duplicate');
      expect(r.takeMission(Buffer.from(live1), topicFor('mission', id), true)).toBe('duplicate');
      // (a sentinel: once its answer is in, any answer to those two would be too)
      await mission(id, { missionId: 'nope0', cancel: true });
      await until(
        () => errorsOf(id).some((e) => e.code === 'NOT_FOUND'),
        30_000,
        () => JSON.stringify(answers),
      );
      expect(retainedAnswers()).toHaveLength(1);
      // a broker that kept it: the re-subscription (retain handling 1) gets no retained copy at all
      await broker.stop();
      await until(
        () => !r.client.connected,
        30_000,
        () => 'the link loss',
      );
      await broker.start();
      await until(
        () => r.ready && r.counts.connects >= 2 && body.connected,
        30_000,
        () => 'the reconnection',
      );
      // a sentinel after the re-subscription: once its answer is in, any retained copy would be too
      await mission(id, { missionId: 'nope', cancel: true });
      await until(
        () => errorsOf(id).filter((e) => e.code === 'NOT_FOUND').length === 2,
        30_000,
        () => JSON.stringify(answers),
      );
      expect(retainedAnswers()).toHaveLength(1);
      expect(
        statusOf(id)
          .filter((a) => a.state === 'ACCEPTED')
          .map((a) => a.missionId),
      ).toEqual(['live1']);
      expect(r.counts.missions).toBe(1);
    } finally {
      await r.stop();
      await body.publishAsync(topicFor('mission', id), '', { qos: 1, retain: true });
    }
  }, 90_000);

  it('an e-stop holds the robot, latched until released, and a retained one holds it from the start (ux20 #5)', async () => {
    const id = `r${n + 1}`;
    await body.publishAsync(topicFor('estop', id), JSON.stringify({ engaged: true }), {
      qos: 1,
      retain: true,
    });
    const { r } = await robot();
    try {
      await until(
        () => r.driver.heldBy.includes('estop'),
        30_000,
        () => 'the retained e-stop taken',
      );
      await body.publishAsync(topicFor('estop', id), JSON.stringify({ engaged: 'yes' }), { qos: 1 });
      await until(
        () => errorsOf(id).length > 0,
        30_000,
        () => 'the answer to a malformed e-stop',
      );
      expect(errorsOf(id)[0]!.path).toBe('estop:engaged');
      expect(r.driver.heldBy).toEqual(['estop']);
      await body.publishAsync(topicFor('estop', id), JSON.stringify({ engaged: false }), {
        qos: 1,
        retain: true,
      });
      await until(
        () => r.driver.heldBy.length === 0,
        30_000,
        () => 'the release',
      );
    } finally {
      await r.stop();
      await body.publishAsync(topicFor('estop', id), '', { qos: 1, retain: true });
    }
  }, 60_000);

  it('rejects a mission id reused for another goal; answers a cancel of an unknown id (M7)', async () => {
    const { r, id } = await robot();
    try {
      await mission(id, { missionId: 'm1', goal: { x: 20, y: 0, headingRad: 0 } });
      await mission(id, { missionId: 'm1', goal: { x: 20, y: 0, headingRad: 0 } }); // a redelivery
      await mission(id, { missionId: 'm1', goal: { x: 10, y: 0, headingRad: 0 } });
      await mission(id, { missionId: 'nope', cancel: true });
      await until(
        () => statusOf(id).some((s) => s.state === 'REJECTED') && errorsOf(id).length > 0,
        30_000,
        () => JSON.stringify(answers),
      );
      expect(
        statusOf(id)
          .filter((s) => s.missionId === 'm1')
          .map((s) => s.state),
      ).toEqual(['ACCEPTED', 'REJECTED']);
      expect(statusOf(id).find((s) => s.state === 'REJECTED')!.message).toMatch(/already used/);
      expect(errorsOf(id)[0]).toMatchObject({ code: 'NOT_FOUND', path: 'mission.missionId' });
      expect(errorsOf(id)[0]!.message).toMatch(/"nope"/);
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('names the bad field of a malformed mission, as for a bad state (review 19 #14)', async () => {
    const { r, id } = await robot();
    try {
      await mission(id, { missionId: 'm2', goal: { x: 'far', y: 0 } });
      await mission(id, { missionId: 'm3', cancel: 'yes' });
      await until(
        () => errorsOf(id).length >= 2,
        30_000,
        () => JSON.stringify(answers),
      );
      expect(errorsOf(id)[0]).toMatchObject({ code: 'INVALID_INPUT', path: 'mission:goal.x' });
      expect(errorsOf(id)[0]!.message).toMatch(/expected number, received string/);
      expect(errorsOf(id)[1]).toMatchObject({ code: 'INVALID_INPUT', path: 'mission:cancel' });
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('says once per lane id that a light names a lane not on the map, and takes the others (review 19 #5)', async () => {
    const { r, id } = await robot();
    // what reaches the source (a snapshot needs a mission, and none is driven here)
    const taken: unknown[] = [];
    const setLights = r.source.setLights.bind(r.source);
    r.source.setLights = (l) => {
      taken.push(l);
      setLights(l);
    };
    try {
      const lights = [
        { laneId: 'NOPE', state: 'RED' },
        { laneId: 'A', state: 'RED' },
      ];
      for (let seq = 1; seq <= 3; seq++) await state(id, { seq, agents: [], lights });
      await until(
        () => r.counts.states >= 3,
        30_000,
        () => 'the states',
      );
      await until(
        () => errorsOf(id).length > 0,
        30_000,
        () => 'the answer',
      );
      expect(errorsOf(id)).toEqual([
        {
          code: 'INVALID_INPUT',
          path: 'state.lights.laneId',
          message: 'lane "NOPE" not on the map: its light is ignored (said once per id)',
        },
      ]);
      expect(taken).toHaveLength(3);
      expect(taken[2]).toContainEqual({ laneId: 'A', state: 'RED' });
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('answers a state without agents after states with them (M8)', async () => {
    const { r, id } = await robot();
    try {
      const ped = {
        id: 'p1',
        kind: 'pedestrian',
        x: 30,
        y: 5,
        headingRad: 0,
        speedMps: 0,
        lengthM: 0.5,
        widthM: 0.5,
      };
      await state(id, { seq: 1, agents: [ped] });
      await state(id, { seq: 2 });
      await state(id, { seq: 3 });
      await until(
        () => errorsOf(id).length > 0,
        30_000,
        () => 'the answer',
      );
      await until(
        () => r.counts.states >= 3,
        30_000,
        () => 'the states',
      );
      expect(errorsOf(id)).toHaveLength(1);
      expect(errorsOf(id)[0]).toMatchObject({ code: 'INVALID_INPUT', path: 'state.agents' });
      expect(errorsOf(id)[0]!.message).toMatch(/agents: \[\]/);
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('queues no telemetry, command or verdict while the broker is away (M9)', async () => {
    const { r } = await robot();
    try {
      await broker.stop();
      await until(
        () => !r.client.connected,
        30_000,
        () => 'the link loss',
      );
      r.sendDecision(
        { issuedAtS: 1, source: 'rules', speed: 'KEEP', path: 'FOLLOW_LANE' } as never,
        { decision: 'ALLOW' } as never,
        1,
      );
      r.sendControl({ kind: 'unicycle', vMps: 0, omegaRadps: 0 } as never, false);
      const queue = (r.client as unknown as { queue: { packet: { topic: string } }[] }).queue;
      expect(queue.map((q) => q.packet.topic)).toEqual([]);
    } finally {
      await broker.start();
      await r.stop();
    }
  }, 60_000);
});

describe('MqttRobot link without a broker', () => {
  it('backs off its reconnection and logs a failure once per reason (L4)', async () => {
    const log: string[] = [];
    const r = new MqttRobot({
      id: 'lonely',
      // nothing listens on port 1: every attempt is refused, for the same reason
      link: { url: 'mqtt://127.0.0.1:1', reconnectMs: 20, reconnectMaxMs: 200 },
      map: MAP,
      vehicle: VEHICLE,
      makeStack: testStackFactory(VEHICLE),
      clock: new WallClock(),
      controlHz: 20,
      log: (l) => log.push(l),
    });
    let attempts = 0;
    r.client.on('reconnect', () => attempts++);
    try {
      await until(
        () => attempts >= 5,
        30_000,
        () => `reconnections ${attempts}`,
      );
      expect(log.filter((l) => l.includes('ECONNREFUSED'))).toHaveLength(1);
      // 20 ms doubled on each attempt, capped at 200 ms
      expect(r.client.options.reconnectPeriod).toBe(200);
    } finally {
      await r.stop();
    }
  }, 60_000);

  it('logs each loss of the broker and each reconnection, the fleet client as the robots (review 19 #22)', async () => {
    // a broker of its own: this test stops it
    const own = await startBroker();
    const log: string[] = [];
    const link = { url: own.url, reconnectMs: 100, reconnectMaxMs: 400 };
    const r = new MqttRobot({
      id: 'relinked',
      link,
      map: MAP,
      vehicle: VEHICLE,
      makeStack: testStackFactory(VEHICLE),
      clock: new WallClock(),
      controlHz: 20,
      log: (l) => log.push(l),
    });
    const fleet = new Fleet([r], link, { log: (l) => log.push(l), clock: new WallClock() });
    const lines = (re: RegExp) => log.filter((l) => re.test(l));
    try {
      await until(
        () => lines(/connected to/).length >= 2,
        30_000,
        () => log.join('\n'),
      );
      await own.stop();
      await until(
        () => lines(/disconnected from/).length >= 2,
        30_000,
        () => log.join('\n'),
      );
      await own.start();
      await until(
        () => lines(/\(reconnection 1\)/).length >= 2,
        60_000,
        () => log.join('\n'),
      );
      for (const who of ['relinked', 'fleet']) {
        expect(lines(new RegExp(`^${who}: connected to `))).toEqual([
          `${who}: connected to ${own.url}`,
          `${who}: connected to ${own.url} (reconnection 1)`,
        ]);
        // once per loss, not once per failed attempt
        expect(lines(new RegExp(`^${who}: disconnected from `))).toEqual([
          `${who}: disconnected from ${own.url}; reconnecting`,
        ]);
      }
    } finally {
      await Promise.all([r.stop(), fleet.stop()]);
      await own.down();
    }
  }, 120_000);
});
