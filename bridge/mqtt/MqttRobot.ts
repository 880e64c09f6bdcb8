/**
 * One robot over MQTT (the edgeplan profile, MqttTopics.ts): its own client (so its last will
 * says when *it* is gone), state in → `LiveSource`, controls and telemetry out, missions in a FIFO
 * queue driven one after another by a `LiveDriver`. Malformed payloads are answered on the errors
 * topic and the robot carries on. Missions are de-duplicated by id (QoS 1 may deliver twice).
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  type Clock,
  type Control,
  type EdgeplanError,
  type MidLevelCommand,
  type Pose,
  parseWith,
  type VehicleParams,
  type Verdict,
} from '../../core/index.ts';
import type { RoadMap } from '../../core/map/index.ts';
import { LiveDriver, type MakeStack, type MissionEvent } from '../LiveDriver.ts';
import { LiveSource } from '../LiveSource.ts';
import { MqttMissionSchema, MqttStateSchema, type MqttTopicName, topicFor } from './MqttTopics.ts';

export interface MqttLinkOptions {
  url: string;
  username?: string;
  password?: string;
  /** TLS: CA, client certificate and key (PEM contents). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Reconnect period, ms. */
  reconnectMs?: number;
  /** Broker-side session lifetime after a disconnect (queued QoS 1 missions wait this long), s. */
  sessionExpiryS?: number;
}

export interface MqttRobotOptions {
  id: string;
  link: MqttLinkOptions;
  map: RoadMap;
  vehicle: VehicleParams;
  makeStack: MakeStack;
  clock: Clock;
  controlHz: number;
  staleAfterS?: number;
  watchdogDecelMps2?: number;
  goalToleranceM?: number;
  log?: (line: string) => void;
  onMission?: (e: MissionEvent) => void;
}

export type MissionStatus = MissionEvent['state'] | 'ACCEPTED' | 'REJECTED';

/** MQTT client options shared by the robots, the fleet and VDA 5050 agents. */
export function clientOptions(
  l: MqttLinkOptions,
  clientId: string,
  will?: { topic: string; payload: string; retain: boolean; qos: 0 | 1 },
): IClientOptions {
  return {
    clientId,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: l.sessionExpiryS ?? 600 },
    reconnectPeriod: l.reconnectMs ?? 500,
    connectTimeout: 5000,
    ...(l.username !== undefined ? { username: l.username } : {}),
    ...(l.password !== undefined ? { password: l.password } : {}),
    ...(l.ca ? { ca: l.ca } : {}),
    ...(l.cert ? { cert: l.cert } : {}),
    ...(l.key ? { key: l.key } : {}),
    ...(will ? { will: { ...will, payload: Buffer.from(will.payload) } } : {}),
  };
}

export class MqttRobot {
  readonly source: LiveSource;
  readonly driver: LiveDriver;
  readonly client: MqttClient;
  private readonly queue: { missionId: string; goal: Pose }[] = [];
  private readonly seen = new Set<string>();
  private seq: number | undefined;
  private lastCommandKey = '';
  private lastVerdict: Verdict | undefined;
  private readonly telemetryTimer: NodeJS.Timeout;
  /** Counters for telemetry and tests. */
  readonly counts = { states: 0, controls: 0, errors: 0, connects: 0 };

  readonly id: string;
  readonly map: RoadMap;
  readonly vehicle: VehicleParams;

  constructor(private readonly o: MqttRobotOptions) {
    this.id = o.id;
    this.map = o.map;
    this.vehicle = o.vehicle;
    this.source = new LiveSource(o.clock);
    const t = (n: MqttTopicName) => topicFor(n, o.id);
    this.client = mqtt.connect(
      o.link.url,
      clientOptions(o.link, `edgeplan-${o.id}`, {
        topic: t('presence'),
        payload: JSON.stringify({ online: false }),
        retain: true,
        qos: 1,
      }),
    );
    this.client.on('connect', () => {
      this.counts.connects++;
      this.client.publish(t('presence'), JSON.stringify({ online: true }), { qos: 1, retain: true });
      this.client.subscribe({ [t('state')]: { qos: 0 }, [t('mission')]: { qos: 1 } });
      o.log?.(`${o.id}: connected to ${o.link.url}${this.counts.connects > 1 ? ' (again)' : ''}`);
    });
    this.client.on('error', (e) => o.log?.(`${o.id}: mqtt ${e.message}`));
    // a lost link: nothing from before it is used once it is back (the watchdog holds meanwhile)
    this.client.on('close', () => this.source.invalidate());
    this.client.on('message', (topic, payload) => {
      if (topic === t('state')) this.takeState(payload);
      else if (topic === t('mission')) this.takeMission(payload, topic);
    });
    this.driver = new LiveDriver({
      source: this.source,
      output: this,
      clock: o.clock,
      map: o.map,
      vehicle: o.vehicle,
      makeStack: o.makeStack,
      staleAfterS: o.staleAfterS ?? 0.3,
      watchdogDecelMps2: o.watchdogDecelMps2 ?? 3,
      goalToleranceM: o.goalToleranceM ?? 0.5,
      controlHz: o.controlHz,
      onMission: (e) => this.missionEvent(e),
    });
    this.telemetryTimer = setInterval(() => this.telemetry(), 1000);
  }

  /** No mission in progress and none queued. */
  get idle(): boolean {
    return !this.driver.activeMission && this.queue.length === 0 && !this.pendingStart;
  }

  get queued(): number {
    return this.queue.length + (this.driver.activeMission ? 1 : 0);
  }

  private pendingStart = false;

  private publish(name: MqttTopicName, body: unknown, qos: 0 | 1 = 0): void {
    // controls are never queued for a link that is down (an old control must not arrive late)
    if (name === 'control' && !this.client.connected) return;
    this.client.publish(topicFor(name, this.o.id), JSON.stringify(body), { qos, retain: false });
  }

  /** Answers malformed input on the errors topic; the robot carries on. */
  reportError(topic: string, error: EdgeplanError): void {
    this.counts.errors++;
    this.publish('errors', { topic, error }, 1);
    this.o.log?.(`${this.o.id}: rejected ${topic}: ${error.path}: ${error.message}`);
  }

  private takeState(payload: Buffer): void {
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      this.reportError(topicFor('state', this.o.id), {
        code: 'PARSE_ERROR',
        path: 'state',
        message: (e as Error).message,
      });
      return;
    }
    const r = parseWith(MqttStateSchema, data, 'state');
    if (!r.ok) {
      this.reportError(topicFor('state', this.o.id), r.error);
      return;
    }
    const s = r.value;
    this.counts.states++;
    if (s.agents) this.source.setAgents(s.agents);
    if (s.lights) this.source.setLights(s.lights);
    this.seq = s.seq;
    this.source.setEgo({
      x: s.x,
      y: s.y,
      headingRad: s.headingRad,
      speedMps: s.speedMps,
      accelMps2: 0,
      steerRad: s.steerRad,
      yawRateRadps: s.yawRateRadps,
    });
  }

  /** Takes a mission message (from the robot's topic or the fleet allocator). */
  takeMission(payload: Buffer | unknown, topic: string): void {
    let data: unknown = payload;
    if (Buffer.isBuffer(payload)) {
      try {
        data = JSON.parse(payload.toString('utf8'));
      } catch (e) {
        this.reportError(topic, { code: 'PARSE_ERROR', path: 'mission', message: (e as Error).message });
        return;
      }
    }
    const r = parseWith(MqttMissionSchema, data, 'mission');
    if (!r.ok) {
      this.reportError(topic, r.error);
      return;
    }
    const m = r.value;
    if ('cancel' in m) {
      const i = this.queue.findIndex((q) => q.missionId === m.missionId);
      if (i >= 0) {
        this.queue.splice(i, 1);
        this.status(m.missionId, 'CANCELLED');
      } else if (this.driver.activeMission?.id === m.missionId) this.driver.cancel();
      return;
    }
    if (this.seen.has(m.missionId)) return; // a QoS 1 redelivery
    this.seen.add(m.missionId);
    this.queue.push({ missionId: m.missionId, goal: m.goal });
    this.status(m.missionId, 'ACCEPTED', { goal: m.goal });
    this.next();
  }

  private next(): void {
    if (this.driver.activeMission || this.pendingStart) return;
    const m = this.queue.shift();
    if (!m) return;
    this.pendingStart = true;
    this.driver.setGoal(m.goal, m.missionId);
  }

  private status(missionId: string, state: MissionStatus, extra: Record<string, unknown> = {}): void {
    this.publish('missionStatus', { missionId, state, tS: this.o.clock.nowS(), ...extra }, 1);
  }

  private missionEvent(e: MissionEvent): void {
    if (e.state === 'ACTIVE' || e.state === 'FAILED') this.pendingStart = false;
    if (!(e.state === 'CANCELLED' && e.message === 'replaced'))
      this.status(e.id, e.state, e.message ? { message: e.message } : {});
    this.o.onMission?.(e);
    if (e.state !== 'ACTIVE') this.next();
  }

  sendControl(control: Control, fromInput: boolean): void {
    this.counts.controls++;
    this.publish('control', {
      ...control,
      tS: this.o.clock.nowS(),
      ...(fromInput && this.seq !== undefined ? { inputSeq: this.seq } : {}),
      ...(fromInput ? {} : { watchdog: true }),
    });
  }

  sendDecision(command: MidLevelCommand | undefined, verdict: Verdict | undefined, tS: number): void {
    if (command) {
      const key = `${command.issuedAtS}|${command.source}|${command.speed}|${command.path}`;
      if (key !== this.lastCommandKey) {
        this.lastCommandKey = key;
        this.publish('command', command);
      }
    }
    if (verdict && verdict !== this.lastVerdict) {
      this.lastVerdict = verdict;
      this.publish('verdict', { tS, ...verdict });
    }
  }

  private telemetry(): void {
    this.publish('telemetry', {
      tS: this.o.clock.nowS(),
      ego: this.source.currentEgo ?? null,
      mission: this.driver.activeMission ?? null,
      queued: this.queue.map((q) => q.missionId),
      input: this.source.missing ?? 'ok',
      watchdog: this.driver.lastStep?.watchdog ?? null,
      counts: this.counts,
    });
  }

  /** Stops driving, says goodbye (presence offline) and closes the link. */
  async stop(): Promise<void> {
    clearInterval(this.telemetryTimer);
    await this.driver.stop();
    if (this.client.connected)
      await this.client.publishAsync(topicFor('presence', this.o.id), JSON.stringify({ online: false }), {
        qos: 1,
        retain: true,
      });
    await this.client.endAsync();
  }
}
