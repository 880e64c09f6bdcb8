/**
 * An edgeplan robot as a VDA 5050 2.x AGV: a fleet manager sends orders and instant actions on
 * `uagv/v2/{manufacturer}/{serialNumber}/order|instantActions`; the agent answers on `state`,
 * `visualization` and the retained `connection` topic (last will CONNECTIONBROKEN). Each message
 * it sends carries its own headerId counter per topic. The robot's body link (state in, controls
 * out) is an `MqttRobot`; an accepted order becomes a mission to the base's last node on the map of
 * the order's graph, and the nodes are ticked off as the robot passes them.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { type Clock, parseWith } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import type { MissionEvent } from '../LiveDriver.ts';
import { clientOptions, type MqttLinkOptions, type MqttRobot, superviseLink } from '../mqtt/MqttRobot.ts';
import {
  type ActionState,
  baseEnd,
  cancelled,
  decideOrder,
  InstantActionsSchema,
  NO_ORDER,
  nodePose,
  nodeReached,
  type OrderProgress,
  OrderSchema,
  orderActive,
  orderGraphMap,
  VDA_INTERFACE,
  VDA_MAJOR,
  VDA_VERSION,
  type VdaError,
} from './Vda5050.ts';

export const VDA_TOPICS = {
  order: { direction: 'in', qos: 0, retain: false },
  instantActions: { direction: 'in', qos: 0, retain: false },
  state: { direction: 'out', qos: 0, retain: false },
  visualization: { direction: 'out', qos: 0, retain: false },
  connection: { direction: 'out', qos: 1, retain: true },
} as const;
export type VdaTopic = keyof typeof VDA_TOPICS;

export interface VdaAgentOptions {
  robot: MqttRobot;
  link: MqttLinkOptions;
  manufacturer: string;
  serialNumber: string;
  clock: Clock;
  /** The map id reported in agvPosition. */
  mapId?: string;
  /** Lane width of the order graph, m. */
  laneWidthM?: number;
  /** A node is passed within this distance (unless the node allows more), m. */
  passRadiusM?: number;
  /** QoS of order and instantActions subscriptions (VDA 5050 recommends 0). */
  inQos?: 0 | 1;
  statePeriodS?: number;
  visualizationPeriodS?: number;
  log?: (line: string) => void;
}

export function vdaTopic(o: { manufacturer: string; serialNumber: string }, t: VdaTopic): string {
  return `${VDA_INTERFACE}/${VDA_MAJOR}/${o.manufacturer}/${o.serialNumber}/${t}`;
}

export class VdaAgent {
  readonly client: MqttClient;
  progress: OrderProgress = NO_ORDER;
  private readonly headerIds: Record<VdaTopic, number> = {
    order: 0,
    instantActions: 0,
    state: 0,
    visualization: 0,
    connection: 0,
  };
  private errors: VdaError[] = [];
  private actionStates: ActionState[] = [];
  private paused = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private stateDirty = true;
  /** Retained orders / instant actions answered: each once for the life of the process. */
  private readonly retainedAnswered = new Set<string>();

  constructor(private readonly o: VdaAgentOptions) {
    const will = this.message('connection', { connectionState: 'CONNECTIONBROKEN' }, false);
    this.client = mqtt.connect(
      o.link.url,
      clientOptions(o.link, `edgeplan-vda-${o.manufacturer}-${o.serialNumber}`, {
        topic: vdaTopic(o, 'connection'),
        payload: JSON.stringify(will),
        retain: true,
        qos: 1,
      }),
    );
    this.client.on('connect', () => {
      this.send('connection', { connectionState: 'ONLINE' });
      const qos = o.inQos ?? 0;
      // retain handling 1: a broker that kept the session sends no retained copy on re-subscription
      this.client.subscribe({
        [vdaTopic(o, 'order')]: { qos, rh: 1 },
        [vdaTopic(o, 'instantActions')]: { qos, rh: 1 },
      });
      this.stateDirty = true;
    });
    superviseLink(this.client, o.link, o.log, `vda ${o.serialNumber}`);
    this.client.on('message', (topic, payload, packet) => {
      const t =
        topic === vdaTopic(o, 'order')
          ? 'order'
          : topic === vdaTopic(o, 'instantActions')
            ? 'instantActions'
            : undefined;
      // VDA 5050 sends orders and actions unretained; a retained one is a broker's stored copy that
      // every new subscription gets: acted on when new, it would restart an old order on every
      // restart of edgeplan (ux20 #2). Ignored, said in state.errors; an empty one clears it
      if (t && packet.retain) {
        // said once per retained message for the life of the process, not on every reconnection
        const key = `${t} ${payload.toString('utf8')}`;
        if (payload.length > 0 && !this.retainedAnswered.has(key)) {
          this.retainedAnswered.add(key);
          this.reject({
            errorType: 'validationError',
            errorLevel: 'WARNING',
            errorDescription: `a retained ${t} message is ignored: orders and instant actions are acted on when new; publish them with retain off`,
            errorReferences: [{ referenceKey: 'topic', referenceValue: t }],
          });
        }
        return;
      }
      if (topic === vdaTopic(o, 'order')) this.takeOrder(payload);
      else if (topic === vdaTopic(o, 'instantActions')) this.takeInstantActions(payload);
    });
    this.timers.push(setInterval(() => this.tick(), 100));
    this.timers.push(setInterval(() => (this.stateDirty = true), (o.statePeriodS ?? 1) * 1000));
    this.timers.push(setInterval(() => this.visualization(), (o.visualizationPeriodS ?? 0.5) * 1000));
  }

  private message(t: VdaTopic, body: Record<string, unknown>, count = true): Record<string, unknown> {
    return {
      headerId: count ? this.headerIds[t]++ : 0,
      timestamp: new Date().toISOString(),
      version: VDA_VERSION,
      manufacturer: this.o.manufacturer,
      serialNumber: this.o.serialNumber,
      ...body,
    };
  }

  private send(t: VdaTopic, body: Record<string, unknown>): void {
    const spec = VDA_TOPICS[t];
    this.client.publish(vdaTopic(this.o, t), JSON.stringify(this.message(t, body)), {
      qos: spec.qos,
      retain: spec.retain,
    });
  }

  private reject(e: VdaError): void {
    this.errors = [...this.errors.slice(-9), e];
    this.stateDirty = true;
    this.o.log?.(`vda ${this.o.serialNumber}: ${e.errorType}: ${e.errorDescription}`);
  }

  private parse(payload: Buffer): unknown {
    try {
      return JSON.parse(payload.toString('utf8'));
    } catch (e) {
      this.reject({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `not JSON: ${(e as Error).message}`,
        errorReferences: [],
      });
      return undefined;
    }
  }

  private takeOrder(payload: Buffer): void {
    const data = this.parse(payload);
    if (data === undefined) return;
    const r = parseWith(OrderSchema, data, 'order');
    if (!r.ok) {
      this.reject({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `${r.error.path}: ${r.error.message}`,
        errorReferences: [{ referenceKey: 'topic', referenceValue: 'order' }],
      });
      return;
    }
    const d = decideOrder(this.progress, r.value, this.o.robot.source.currentEgo);
    if (d.kind === 'reject') {
      this.reject(d.error);
      return;
    }
    if (d.kind === 'duplicate') {
      this.stateDirty = true;
      return;
    }
    this.errors = [];
    this.progress = d.progress;
    this.o.log?.(`vda ${this.o.serialNumber}: order ${r.value.orderId}/${r.value.orderUpdateId} ${d.kind}ed`);
    this.drive();
    this.stateDirty = true;
  }

  /** Sends the robot toward the base's last node on the order's graph. */
  private drive(): void {
    const end = baseEnd(this.progress);
    if (!end) return;
    const vehicle = this.o.robot.vehicle;
    const g = orderGraphMap(this.progress, this.o.laneWidthM ?? 2, vehicle.maxSpeedMps);
    if (!g.ok) {
      this.reject({
        errorType: 'orderError',
        errorLevel: 'WARNING',
        errorDescription: g.error.message,
        errorReferences: [{ referenceKey: 'orderId', referenceValue: this.progress.orderId }],
      });
      this.progress = cancelled(this.progress);
      return;
    }
    const nodes = this.progress.graphNodes;
    const i = nodes.findIndex((n) => n.sequenceId === end.sequenceId);
    const prev = i > 0 ? nodes[i - 1]!.nodePosition : undefined;
    this.o.robot.driver.setGoal(
      nodePose(end, prev),
      `${this.progress.orderId}#${this.progress.orderUpdateId}`,
      new RoadMap(g.value.map),
    );
  }

  private takeInstantActions(payload: Buffer): void {
    const data = this.parse(payload);
    if (data === undefined) return;
    const r = parseWith(InstantActionsSchema, data, 'instantActions');
    if (!r.ok) {
      this.reject({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `${r.error.path}: ${r.error.message}`,
        errorReferences: [{ referenceKey: 'topic', referenceValue: 'instantActions' }],
      });
      return;
    }
    for (const a of r.value.actions) {
      let status: ActionState['actionStatus'] = 'FINISHED';
      let result: string | undefined;
      if (a.actionType === 'cancelOrder') {
        if (!orderActive(this.progress)) {
          status = 'FAILED';
          result = 'no order to cancel';
        } else {
          this.progress = cancelled(this.progress);
          this.o.robot.driver.cancel('cancelOrder');
        }
      } else if (a.actionType === 'startPause') {
        // the driver's operator hold, as the edgeplan e-stop (not latched by safety): the order's
        // mission stays in progress, held, and drives on at stopPause
        this.paused = true;
        this.o.robot.driver.setHold('pause', true);
      } else if (a.actionType === 'stopPause') {
        this.paused = false;
        this.o.robot.driver.setHold('pause', false);
      } else if (a.actionType !== 'stateRequest') {
        status = 'FAILED';
        result = `instant action ${a.actionType} is not supported`;
      }
      this.actionStates = [
        ...this.actionStates.filter((s) => s.actionId !== a.actionId).slice(-19),
        {
          actionId: a.actionId,
          actionType: a.actionType,
          actionStatus: status,
          ...(result ? { resultDescription: result } : {}),
        },
      ];
    }
    this.stateDirty = true;
  }

  /** Called with the robot's mission events (wire it to the MqttRobot's onMission). */
  missionEvent(e: MissionEvent): void {
    if (e.state !== 'REACHED') return;
    const end = baseEnd(this.progress);
    if (end && e.id === `${this.progress.orderId}#${this.progress.orderUpdateId}`) {
      this.progress = nodeReached(this.progress, end);
      this.stateDirty = true;
    }
  }

  /** Ticks nodes off as the robot passes them; publishes the state when it changed. */
  private tick(): void {
    const ego = this.o.robot.source.currentEgo;
    const next = this.progress.nodes[0];
    const end = baseEnd(this.progress);
    if (ego && next?.released && next !== end && next.nodePosition) {
      const r = Math.max(this.o.passRadiusM ?? 1.0, next.nodePosition.allowedDeviationXY ?? 0);
      if (Math.hypot(next.nodePosition.x - ego.x, next.nodePosition.y - ego.y) <= r) {
        this.progress = nodeReached(this.progress, next);
        this.stateDirty = true;
      }
    }
    if (this.stateDirty && this.client.connected) {
      this.stateDirty = false;
      this.send('state', this.state());
    }
  }

  /** The VDA 5050 state body. */
  state(): Record<string, unknown> {
    const ego = this.o.robot.source.currentEgo;
    const p = this.progress;
    return {
      orderId: p.orderId,
      orderUpdateId: p.orderUpdateId,
      zoneSetId: '',
      lastNodeId: p.lastNodeId,
      lastNodeSequenceId: p.lastNodeSequenceId,
      nodeStates: p.nodes.map((n) => ({
        nodeId: n.nodeId,
        sequenceId: n.sequenceId,
        released: n.released,
        ...(n.nodePosition ? { nodePosition: n.nodePosition } : {}),
      })),
      edgeStates: p.edges.map((e) => ({ edgeId: e.edgeId, sequenceId: e.sequenceId, released: e.released })),
      driving: ego ? Math.abs(ego.speedMps) > 0.01 : false,
      paused: this.paused,
      newBaseRequest: false,
      operatingMode: 'AUTOMATIC',
      actionStates: this.actionStates,
      batteryState: { batteryCharge: 100, charging: false },
      errors: this.errors,
      information: [],
      // the edgeplan e-stop (its MQTT topic) is a remote one; it holds the AGV until released
      safetyState: {
        eStop: this.o.robot.driver.heldBy.includes('estop') ? 'REMOTE' : 'NONE',
        fieldViolation: false,
      },
      loads: [],
      ...(ego
        ? { agvPosition: this.position(ego), velocity: { vx: ego.speedMps, vy: 0, omega: ego.yawRateRadps } }
        : {}),
    };
  }

  private position(ego: { x: number; y: number; headingRad: number }): Record<string, unknown> {
    return {
      x: ego.x,
      y: ego.y,
      theta: ego.headingRad,
      mapId: this.o.mapId ?? 'edgeplan',
      positionInitialized: true,
    };
  }

  private visualization(): void {
    const ego = this.o.robot.source.currentEgo;
    if (!ego || !this.client.connected) return;
    this.send('visualization', {
      agvPosition: this.position(ego),
      velocity: { vx: ego.speedMps, vy: 0, omega: ego.yawRateRadps },
    });
  }

  /** Says OFFLINE (retained) and closes the link. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    if (this.client.connected) {
      const spec = VDA_TOPICS.connection;
      await this.client.publishAsync(
        vdaTopic(this.o, 'connection'),
        JSON.stringify(this.message('connection', { connectionState: 'OFFLINE' })),
        { qos: spec.qos, retain: spec.retain },
      );
    }
    await this.client.endAsync();
  }
}
