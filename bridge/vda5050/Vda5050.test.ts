/**
 * VDA 5050: the order-update rules as pure functions, then an order driven to completion through
 * mosquitto by a fleet-manager client (order, order update extending the base, state,
 * connection), with the robot's body on the far side of the broker.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoadMapSchema, VehicleParamsSchema, WallClock } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { createDriver } from '../../stack/registry.ts';
import type { MakeStack } from '../LiveDriver.ts';
import { liveScenario, withGoalStop } from '../Mission.ts';
import { MqttRobot } from '../mqtt/MqttRobot.ts';
import { topicFor } from '../mqtt/MqttTopics.ts';
import { ROBOT_VEHICLE } from '../ros/RosConfig.ts';
import { type Broker, startBroker } from '../testing/mosquitto.ts';
import { RobotBody } from '../testing/mqttRobotBody.ts';
import {
  decideOrder,
  NO_ORDER,
  nodeReached,
  type OrderProgress,
  OrderSchema,
  orderGraphMap,
  type VdaOrder,
} from './Vda5050.ts';
import { VdaAgent, vdaTopic } from './VdaAgent.ts';

const header = (headerId: number) => ({
  headerId,
  timestamp: new Date(0).toISOString(),
  version: '2.0.0',
  manufacturer: 'edgeplan',
  serialNumber: 'amr1',
});
const node = (id: string, seq: number, x: number, released = true) => ({
  nodeId: id,
  sequenceId: seq,
  released,
  nodePosition: { x, y: 0, mapId: 'hall' },
  actions: [],
});
const edge = (id: string, seq: number, from: string, to: string, released = true) => ({
  edgeId: id,
  sequenceId: seq,
  released,
  startNodeId: from,
  endNodeId: to,
  actions: [],
});
/** n0 → n1 → n2 released (the base), n2 → n3 the horizon; 3 m apart (9 m take the robot ~7 s). */
const ORDER: VdaOrder = OrderSchema.parse({
  ...header(1),
  orderId: 'o1',
  orderUpdateId: 0,
  nodes: [node('n0', 0, 0), node('n1', 2, 3), node('n2', 4, 6), node('n3', 6, 9, false)],
  edges: [edge('e0', 1, 'n0', 'n1'), edge('e1', 3, 'n1', 'n2'), edge('e2', 5, 'n2', 'n3', false)],
});
/** Releases n3: starts at the base end n2/4. */
const UPDATE: VdaOrder = OrderSchema.parse({
  ...header(2),
  orderId: 'o1',
  orderUpdateId: 1,
  nodes: [node('n2', 4, 6), node('n3', 6, 9)],
  edges: [edge('e2', 5, 'n2', 'n3')],
});

const accepted = (): OrderProgress => {
  const d = decideOrder(NO_ORDER, ORDER, { x: 0.2, y: 0 });
  if (d.kind !== 'accept') throw new Error(JSON.stringify(d));
  return d.progress;
};

describe('VDA 5050 order rules', () => {
  it('accepts a new order whose first node is where the robot stands, and counts that node as reached', () => {
    const p = accepted();
    expect(p.lastNodeId).toBe('n0');
    expect(p.nodes.map((n) => n.nodeId)).toEqual(['n1', 'n2', 'n3']);
  });

  it('rejects a new order that starts away from the robot', () => {
    const d = decideOrder(NO_ORDER, ORDER, { x: 30, y: 0 });
    expect(d.kind === 'reject' && d.error.errorType).toBe('orderError');
  });

  it('rejects a different order while one is in progress', () => {
    const d = decideOrder(accepted(), { ...ORDER, orderId: 'o2' }, { x: 0, y: 0 });
    expect(d.kind === 'reject' && d.error.errorType).toBe('orderError');
  });

  it('ignores the same update again, rejects an older one', () => {
    const p = { ...accepted(), orderUpdateId: 1 };
    expect(decideOrder(p, { ...ORDER, orderUpdateId: 1 }, undefined).kind).toBe('duplicate');
    const d = decideOrder(p, ORDER, undefined);
    expect(d.kind === 'reject' && d.error.errorType).toBe('orderUpdateError');
  });

  it('extends the base with an update that starts at its last node, and rejects one that does not', () => {
    const p = nodeReached(accepted(), accepted().nodes[0]!);
    const d = decideOrder(p, UPDATE, undefined);
    expect(d.kind).toBe('update');
    if (d.kind !== 'update') return;
    expect(d.progress.nodes.map((n) => `${n.nodeId}:${n.released}`)).toEqual(['n2:true', 'n3:true']);
    const bad = decideOrder(p, { ...UPDATE, nodes: [node('n1', 2, 3), node('n3', 6, 9)] }, undefined);
    expect(bad.kind === 'reject' && bad.error.errorType).toBe('orderUpdateError');
  });

  it('rejects an order with an action it would not execute', () => {
    const withPick = {
      ...ORDER,
      nodes: [
        {
          ...ORDER.nodes[0]!,
          actions: [
            { actionType: 'pick', actionId: 'a1', blockingType: 'HARD' as const, actionParameters: [] },
          ],
        },
        ...ORDER.nodes.slice(1),
      ],
    };
    const d = decideOrder(NO_ORDER, withPick, { x: 0, y: 0 });
    expect(d.kind === 'reject' && d.error.errorDescription).toMatch(/pick/);
  });

  it('builds the graph map of the released edges only', () => {
    const g = orderGraphMap(accepted(), 2, 1.5);
    expect(g.ok && g.value.laneIds).toEqual(['e0@1', 'e1@3']);
  });
});

describe('VDA 5050 through mosquitto', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.down();
  }, 30_000);

  it('drives an order and its update to completion', async () => {
    const clock = new WallClock();
    const link = { url: broker.url, reconnectMs: 200 };
    const vehicle = VehicleParamsSchema.parse(ROBOT_VEHICLE);
    const d = createDriver('pdm-closed-stack');
    if (!d.ok || d.value.kind !== 'stack') throw new Error('no stack');
    const driver = d.value;
    const makeStack: MakeStack = (goal, route, ego, map, budget) =>
      driver.build(liveScenario(map.id, vehicle, ego, route), map, {
        wrap: (p) => withGoalStop(p, goal, undefined, budget),
      });
    // the site map is replaced by each order's graph
    const site = new RoadMap(
      RoadMapSchema.parse({
        id: 'hall',
        lanes: [
          {
            id: 'x',
            centerline: [
              { x: 0, y: 0 },
              { x: 1, y: 0 },
            ],
            widthM: 2,
            speedLimitMps: 1,
          },
        ],
      }),
    );
    // an order left retained on the broker (run before a restart): ignored, said in state.errors
    const o = { manufacturer: 'edgeplan', serialNumber: 'amr1' };
    const old = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'old-master' });
    await old.publishAsync(vdaTopic(o, 'order'), JSON.stringify({ ...ORDER, orderId: 'old' }), {
      qos: 1,
      retain: true,
    });
    let agent: VdaAgent | undefined;
    const robot = new MqttRobot({
      id: 'amr1',
      link,
      map: site,
      vehicle,
      makeStack,
      clock,
      controlHz: 20,
      onMission: (e) => agent?.missionEvent(e),
    });
    agent = new VdaAgent({
      robot,
      link,
      manufacturer: 'edgeplan',
      serialNumber: 'amr1',
      clock,
      mapId: 'hall',
    });
    const body = new RobotBody({ url: broker.url, robot: 'amr1', x: 0, y: 0 });
    const fm = mqtt.connect(broker.url, { protocolVersion: 5, clientId: 'master-control' });
    const states: Record<string, unknown>[] = [];
    const connection: string[] = [];
    fm.on('message', (topic, payload) => {
      const j = JSON.parse(payload.toString());
      if (topic.endsWith('/state')) states.push(j);
      if (topic.endsWith('/connection')) connection.push(j.connectionState);
    });
    const last = () => states[states.length - 1] ?? {};
    const until = async (pred: () => boolean, ms: number, what: string) => {
      const t0 = Date.now();
      while (!pred()) {
        if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}; state ${JSON.stringify(last())}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      await new Promise<void>((r) => fm.once('connect', () => r()));
      await fm.subscribeAsync({
        [vdaTopic(o, 'state')]: { qos: 0 },
        [vdaTopic(o, 'connection')]: { qos: 1 },
      });
      await until(() => connection.includes('ONLINE'), 10_000, 'connection ONLINE (retained)');
      await until(() => robot.source.currentEgo !== undefined, 10_000, 'the body state');
      await until(
        () =>
          ((last()['errors'] as { errorDescription: string }[]) ?? []).some((e) =>
            e.errorDescription.startsWith('a retained order message is ignored'),
          ),
        10_000,
        'the retained order ignored (ux20 #2)',
      );
      expect(last()['orderId']).not.toBe('old');
      fm.publish(vdaTopic(o, 'order'), JSON.stringify(ORDER));
      await until(
        () => last()['orderId'] === 'o1' && last()['driving'] === true,
        15_000,
        'order o1 under way',
      );
      // a different order while o1 runs: refused, reported in the state's errors
      fm.publish(vdaTopic(o, 'order'), JSON.stringify({ ...ORDER, orderId: 'o2', headerId: 3 }));
      await until(
        () => ((last()['errors'] as { errorType: string }[]) ?? []).some((e) => e.errorType === 'orderError'),
        10_000,
        'orderError for o2',
      );
      // startPause holds the robot, the order stays; the edgeplan e-stop shows as a remote one;
      // stopPause lets it drive on (ux20 #5: one hold for pause and e-stop)
      const action = (actionType: string, i: number) =>
        fm.publish(
          vdaTopic(o, 'instantActions'),
          JSON.stringify({
            headerId: 10 + i,
            timestamp: new Date().toISOString(),
            version: '2.0.0',
            manufacturer: 'edgeplan',
            serialNumber: 'amr1',
            actions: [{ actionId: `a${i}`, actionType, blockingType: 'HARD' }],
          }),
        );
      action('startPause', 1);
      await until(() => last()['paused'] === true && last()['driving'] === false, 15_000, 'paused, standing');
      expect(last()['orderId']).toBe('o1');
      expect(robot.driver.activeMission).toBeDefined();
      fm.publish(topicFor('estop', 'amr1'), JSON.stringify({ engaged: true }));
      await until(
        () => (last()['safetyState'] as { eStop: string }).eStop === 'REMOTE',
        10_000,
        'eStop REMOTE',
      );
      fm.publish(topicFor('estop', 'amr1'), JSON.stringify({ engaged: false }));
      action('stopPause', 2);
      await until(() => last()['paused'] === false && last()['driving'] === true, 15_000, 'driving on');
      expect((last()['safetyState'] as { eStop: string }).eStop).toBe('NONE');
      await until(() => last()['lastNodeId'] === 'n1', 30_000, 'node n1 passed');
      fm.publish(vdaTopic(o, 'order'), JSON.stringify(UPDATE));
      await until(
        () =>
          last()['lastNodeId'] === 'n3' &&
          (last()['nodeStates'] as unknown[]).length === 0 &&
          last()['driving'] === false,
        60_000,
        'the order completed at n3',
      );
      const s = last();
      expect(s['orderUpdateId']).toBe(1);
      expect((s['edgeStates'] as unknown[]).length).toBe(0);
      expect(Math.abs(body.x - 9)).toBeLessThan(0.8);
      const ids = states.map((x) => x['headerId'] as number);
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    } finally {
      await agent.stop();
      await Promise.all([robot.stop(), body.stop()]);
      await fm.endAsync(true);
      await old.publishAsync(vdaTopic(o, 'order'), '', { qos: 1, retain: true });
      await old.endAsync(true);
    }
  });
});
