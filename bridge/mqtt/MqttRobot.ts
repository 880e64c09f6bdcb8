/**
 * One robot over MQTT (the edgeplan profile, MqttTopics.ts): its own client (so its last will
 * says when *it* is gone), state in → `LiveSource`, controls and telemetry out, missions in a FIFO
 * queue driven one after another by a `LiveDriver`. Malformed payloads are answered on the errors
 * topic and the robot carries on.
 *
 * Mission ingress loses nothing across a broker restart or a reconnection: the client keeps a
 * persistent MQTT 5 session (clean start off, session expiry), re-subscribes at QoS 1 on every
 * connection and checks the grant, and acknowledges a mission (PUBACK) only after it is in the
 * queue (or rejected: reason code 0x99, payload format invalid). Missions are de-duplicated by id
 * (QoS 1 may deliver twice). The queue lives in this process, so it outlives any link loss.
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
import { LightLanes, unknownLightLanesMessage } from '../LightLanes.ts';
import { LiveDriver, type MakeStack, type MissionEvent } from '../LiveDriver.ts';
import { LiveSource } from '../LiveSource.ts';
import { StampLag } from '../ros/StampLag.ts';
import {
  MqttEstopSchema,
  MqttStateSchema,
  type MqttTopicName,
  parseMission,
  topicFor,
} from './MqttTopics.ts';

export interface MqttLinkOptions {
  url: string;
  username?: string;
  password?: string;
  /** TLS: CA, client certificate and key (PEM contents). */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** First reconnect delay, ms; doubled after each failed attempt up to `reconnectMaxMs`. */
  reconnectMs?: number;
  /** Longest reconnect delay, ms (default 5000, as the ROS bridge's `reconnect.maxS`). */
  reconnectMaxMs?: number;
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

/** MQTT 5 PUBACK reason codes we send for ingress messages. */
export const PUBACK_SUCCESS = 0;
export const PUBACK_PAYLOAD_FORMAT_INVALID = 0x99;

/**
 * Takes an ingress message (QoS ≥ 1) before it is acknowledged: returns the PUBACK reason code, or
 * undefined for a topic it does not take (acknowledged at once, handled by the `message` event).
 */
export type IngressHandler = (topic: string, payload: Buffer, retained: boolean) => number | undefined;

/**
 * MQTT client options shared by the robots, the fleet and VDA 5050 agents. With `ingress`, QoS ≥ 1
 * messages on its topics are taken before their PUBACK goes out (and are then not emitted as
 * `message` events: see `isIngressEvent`).
 */
export function clientOptions(
  l: MqttLinkOptions,
  clientId: string,
  will?: { topic: string; payload: string; retain: boolean; qos: 0 | 1 },
  ingress?: IngressHandler,
): IClientOptions {
  return {
    ...(ingress
      ? {
          customHandleAcks: (
            topic: string,
            payload: Buffer,
            packet: { retain?: boolean },
            done: (c: number) => void,
          ) => {
            const code = ingress(topic, payload, packet.retain === true);
            done(code ?? PUBACK_SUCCESS);
          },
        }
      : {}),
    clientId,
    protocolVersion: 5,
    clean: false,
    properties: { sessionExpiryInterval: l.sessionExpiryS ?? 600 },
    reconnectPeriod: l.reconnectMs ?? 500,
    // QoS 0 messages (controls, telemetry, VDA states) are of their moment: mqtt.js would queue
    // them without limit while the broker is away and deliver the pile, stale, on reconnection
    queueQoSZero: false,
    connectTimeout: 5000,
    ...(l.username !== undefined ? { username: l.username } : {}),
    ...(l.password !== undefined ? { password: l.password } : {}),
    ...(l.ca ? { ca: l.ca } : {}),
    ...(l.cert ? { cert: l.cert } : {}),
    ...(l.key ? { key: l.key } : {}),
    ...(will ? { will: { ...will, payload: Buffer.from(will.payload) } } : {}),
  };
}

/**
 * Reconnection with back-off, and the link's life in the log as the ROS bridge writes it: each
 * connection (`connected to <url>`, then `(reconnection n)`), each loss (`disconnected from
 * <url>`, once per connection, whatever mqtt.js emits after it), and errors once per reason:
 * mqtt.js retries at a fixed period and reports every failed attempt (a broker away for an hour:
 * 7200 lines at 500 ms). Each attempt doubles the delay before the next (mqtt.js re-reads
 * `options.reconnectPeriod` when it arms the next attempt), a connection resets it; an error is
 * logged when its text differs from the last one logged since the last connection.
 */
export function superviseLink(
  client: MqttClient,
  l: MqttLinkOptions,
  log: ((line: string) => void) | undefined,
  who: string,
): void {
  const baseMs = l.reconnectMs ?? 500;
  const maxMs = Math.max(baseMs, l.reconnectMaxMs ?? 5000);
  let lastError: string | undefined;
  let connections = 0;
  let up = false;
  // a broker's DISCONNECT (MQTT 5) says why; a socket that just closes does not
  let brokerReason: string | undefined;
  client.on('reconnect', () => {
    client.options.reconnectPeriod = Math.min(maxMs, (client.options.reconnectPeriod ?? baseMs) * 2);
  });
  client.on('connect', () => {
    client.options.reconnectPeriod = baseMs;
    lastError = undefined;
    brokerReason = undefined;
    up = true;
    connections++;
    log?.(`${who}: connected to ${l.url}${connections > 1 ? ` (reconnection ${connections - 1})` : ''}`);
  });
  client.on('disconnect', (packet) => {
    const code = packet.reasonCode;
    brokerReason = `the broker disconnected us${code !== undefined ? `, reason code 0x${code.toString(16).padStart(2, '0')}` : ''}${packet.properties?.reasonString ? `: ${packet.properties.reasonString}` : ''}`;
  });
  client.on('close', () => {
    if (!up) return; // a failed attempt: said by its error
    up = false;
    log?.(
      `${who}: disconnected from ${l.url}${brokerReason ? ` (${brokerReason})` : client.disconnecting ? '' : '; reconnecting'}`,
    );
  });
  client.on('error', (e) => {
    if (e.message === lastError) return;
    lastError = e.message;
    log?.(`${who}: mqtt ${e.message} (retrying, up to every ${maxMs / 1000} s)`);
  });
}

/** What became of a mission message. */
export type MissionIntake = 'accepted' | 'duplicate' | 'cancelled' | 'unknown-cancel' | 'invalid';

/** Mission ids remembered for de-duplication (oldest forgotten first). */
const SEEN_MAX = 10_000;

export class MqttRobot {
  readonly source: LiveSource;
  readonly driver: LiveDriver;
  readonly client: MqttClient;
  private readonly queue: { missionId: string; goal: Pose }[] = [];
  /** Mission ids seen, with their goal (a redelivery repeats it; another goal is a reused id). */
  private readonly seen = new Map<string, string>();
  /** Retained missions answered (payloads), for the life of the process: each answered once. */
  private readonly retainedAnswered = new Set<string>();
  /** The mission handed to the driver, not yet ACTIVE (routing waits for fresh state). */
  private starting: { missionId: string; goal: Pose } | undefined;
  private seq: number | undefined;
  /** The robot's `stampS` of the state behind the newest control. */
  private stateStampS: number | undefined;
  /** How late states are taken in against the promptest ones (from `stampS`). */
  private readonly stateLag = new StampLag();
  /** States came with `agents`: one without them is answered (once until they come again). */
  private agentsSeen = false;
  private agentsGapReported = false;
  /** A retained state was answered on this connection. */
  private retainedReported = false;
  private lastCommandKey = '';
  private lastVerdict: Verdict | undefined;
  private readonly telemetryTimer: NodeJS.Timeout;
  private readonly listeners = new Set<() => void>();
  /** Subscriptions granted on the current connection. */
  private subscribedOn = 0;
  /** Counters for telemetry and tests. */
  readonly counts = {
    states: 0,
    controls: 0,
    errors: 0,
    connects: 0,
    missions: 0,
    duplicates: 0,
    /** States dropped: `stampS` / `seq` not above the last taken (reordered, replayed). */
    outOfOrder: 0,
    /** Restarted robot clocks / counters taken (`LiveSource` `OrderReset`). */
    clockResets: 0,
    /** Retained states ignored (a broker's stored copy, not the robot's present). */
    retained: 0,
    /** Retained missions ignored (a command is acted on when it is new, not on every connection). */
    retainedMissions: 0,
  };

  readonly id: string;
  readonly map: RoadMap;
  readonly vehicle: VehicleParams;
  /** Lights' lane ids checked against the map in use (a VDA 5050 order's graph once one came). */
  private readonly lightLanes = new LightLanes({ lane: (id) => this.driver.currentMap.lane(id) });

  constructor(private readonly o: MqttRobotOptions) {
    this.id = o.id;
    this.map = o.map;
    this.vehicle = o.vehicle;
    this.source = new LiveSource(o.clock);
    const t = (n: MqttTopicName) => topicFor(n, o.id);
    this.client = mqtt.connect(
      o.link.url,
      clientOptions(
        o.link,
        `edgeplan-${o.id}`,
        { topic: t('presence'), payload: JSON.stringify({ online: false }), retain: true, qos: 1 },
        // a mission is in the queue before the broker hears it was delivered
        (topic, payload, retained) =>
          topic === t('mission')
            ? this.takeMission(payload, topic, retained) === 'invalid'
              ? PUBACK_PAYLOAD_FORMAT_INVALID
              : PUBACK_SUCCESS
            : undefined,
      ),
    );
    this.client.on('connect', (connack) => {
      this.counts.connects++;
      const n = this.counts.connects;
      this.retainedReported = false;
      // telemetry skipped while the link was down: the command and verdict in force go out again
      this.lastCommandKey = '';
      this.lastVerdict = undefined;
      if (n > 1 && !connack.sessionPresent)
        o.log?.(`${o.id}: the broker kept no session (persistence off?): missions sent while away are lost`);
      this.client.publish(t('presence'), JSON.stringify({ online: true }), { qos: 1, retain: true });
      // every connection re-subscribes (a broker without the session, or one that lost it, needs it)
      this.client.subscribe(
        // missions with retain handling 1: a broker that kept the session sends no retained copy
        // again on a re-subscription (the e-stop is a state: its retained copy every time)
        { [t('state')]: { qos: 0 }, [t('mission')]: { qos: 1, rh: 1 }, [t('estop')]: { qos: 1 } },
        (err, granted) => {
          const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
          if (err || refused.length > 0) {
            o.log?.(`${o.id}: subscription refused: ${err?.message ?? refused.join(', ')}`);
            return;
          }
          if (this.counts.connects === n) this.subscribedOn = n;
          this.changed();
        },
      );
    });
    superviseLink(this.client, o.link, o.log, o.id);
    // a lost link: nothing from before it is used once it is back (the watchdog holds meanwhile)
    this.client.on('close', () => this.source.invalidate());
    this.client.on('message', (topic, payload, packet) => {
      if (topic === t('state')) this.takeState(payload, packet.retain);
      // QoS ≥ 1 missions were taken before their PUBACK (the ingress handler)
      else if (topic === t('mission') && packet.qos === 0) this.takeMission(payload, topic, packet.retain);
      else if (topic === t('estop')) this.takeEstop(payload);
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
      onNotice: (line) => o.log?.(`${o.id}: ${line}`),
    });
    this.telemetryTimer = setInterval(() => this.telemetry(), 1000);
  }

  /** Connected with its subscriptions granted: missions sent from now on reach it. */
  get ready(): boolean {
    return this.client.connected && this.subscribedOn === this.counts.connects;
  }

  /** No mission in progress and none queued. */
  get idle(): boolean {
    return !this.driver.activeMission && this.queue.length === 0 && !this.starting;
  }

  /** Missions in progress or waiting. */
  get queued(): number {
    return this.queue.length + (this.driver.activeMission || this.starting ? 1 : 0);
  }

  /**
   * Where a mission added now would start: the goal of the last mission queued or in progress,
   * else the robot's pose (undefined while its state is unknown: no state since the link came up).
   */
  get plannedStart(): Pose | undefined {
    return (
      this.queue.at(-1)?.goal ??
      this.starting?.goal ??
      this.driver.activeMission?.goal ??
      this.source.currentEgo
    );
  }

  /**
   * Calls `listener` when the robot may have become able to take a mission it could not: its pose
   * became known, its subscriptions were granted, or a mission ended. Returns the unsubscribe.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private publish(name: MqttTopicName, body: unknown, qos: 0 | 1 = 0): void {
    // QoS 0 messages (controls, command, verdict, telemetry) are never queued for a link that is
    // down (an old control must not arrive late, nor a pile of old telemetry); QoS 1 messages
    // (mission status, errors) wait in the client's store and go out on reconnection
    if (qos === 0 && !this.client.connected) return;
    this.client.publish(topicFor(name, this.o.id), JSON.stringify(body), { qos, retain: false });
  }

  /** Answers malformed input on the errors topic; the robot carries on. */
  reportError(topic: string, error: EdgeplanError): void {
    this.counts.errors++;
    this.publish('errors', { topic, error }, 1);
    this.o.log?.(`${this.o.id}: rejected ${topic}: ${error.path}: ${error.message}`);
  }

  private takeState(payload: Buffer, retained = false): void {
    const topic = topicFor('state', this.o.id);
    if (retained) {
      // a broker's stored copy, possibly days old: it must not make an offline robot's pose known
      // (the allocator would send it missions and the driver start them)
      this.counts.retained++;
      if (!this.retainedReported) {
        this.retainedReported = true;
        this.reportError(topic, {
          code: 'INVALID_INPUT',
          path: 'state',
          message:
            'a retained state is ignored: publish states with retain off (clear it: an empty retained message)',
        });
      }
      return;
    }
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
    // the newest state by the robot's own order: an older one arriving late must not replace it
    const order = s.stampS ?? s.seq;
    const admitted = this.source.admit(order, s.stampS !== undefined ? 'stamp' : 'counter');
    if (admitted === 'drop') {
      this.counts.outOfOrder++;
      return;
    }
    if (admitted === 'reset') {
      // the robot restarted its clock or counter: lags measured on the old clock do not compare
      this.counts.clockResets++;
      this.stateLag.reset();
    }
    if (s.agents) {
      this.source.setAgents(s.agents);
      this.agentsSeen = true;
      this.agentsGapReported = false;
    } else if (this.agentsSeen && !this.agentsGapReported) {
      // objects stay required once they came (an empty road is never assumed): the watchdog holds
      this.agentsGapReported = true;
      this.reportError(topic, {
        code: 'INVALID_INPUT',
        path: 'state.agents',
        message:
          'a state without agents after states with them: the robot is held until agents come again; send agents: [] for a clear road',
      });
    }
    if (s.lights) {
      // a lane id the map lacks would leave its red light unapplied without a word: said once per id
      const unknown = this.lightLanes.newUnknown(s.lights);
      if (unknown.length > 0)
        this.reportError(topic, {
          code: 'INVALID_INPUT',
          path: 'state.lights.laneId',
          message: unknownLightLanesMessage(unknown),
        });
      this.source.setLights(s.lights);
    }
    const lagS = this.stateLag.take(s.stampS, this.o.clock.nowS());
    this.seq = s.seq;
    this.stateStampS = s.stampS;
    const known = this.source.currentEgo !== undefined;
    const taken = this.source.setEgo(
      {
        x: s.x,
        y: s.y,
        headingRad: s.headingRad,
        speedMps: s.speedMps,
        accelMps2: 0,
        steerRad: s.steerRad,
        yawRateRadps: s.yawRateRadps,
      },
      s.stampS,
      lagS,
      'admitted',
    );
    if (!taken) return;
    if (!known) this.changed();
  }

  /**
   * Takes a mission message (from the robot's topic or the fleet allocator): queued and answered
   * ACCEPTED, a redelivery ignored, a cancel applied, a malformed one answered on the errors topic.
   */
  takeMission(payload: Buffer | unknown, topic: string, retained = false): MissionIntake {
    if (retained) {
      // a broker's stored copy, handed to every new subscription: acted on when it was new, it
      // would send the robot back to an old goal on every restart of edgeplan (acceptance review
      // ux20 #2). Ignored and answered (an empty retained message clears it: no answer to that)
      if (Buffer.isBuffer(payload) && payload.length === 0) return 'duplicate';
      this.counts.retainedMissions++;
      // the copy of a mission this robot took when it was new (published retained while it
      // listened), or one already answered on an earlier connection: silent (ux20: every
      // reconnection answered it again)
      const key = Buffer.isBuffer(payload) ? payload.toString('utf8') : JSON.stringify(payload);
      if (this.retainedAnswered.has(key) || this.isSeenMission(key)) return 'duplicate';
      this.retainedAnswered.add(key);
      if (this.retainedAnswered.size > SEEN_MAX)
        this.retainedAnswered.delete(this.retainedAnswered.values().next().value as string);
      this.reportError(topic, {
        code: 'INVALID_INPUT',
        path: 'mission',
        message:
          'a retained mission is ignored: missions are commands, acted on when they are new; publish them with retain off (clear this one: an empty retained message on the topic)',
      });
      return 'duplicate';
    }
    if (Buffer.isBuffer(payload) && payload.length === 0) return 'duplicate'; // a retained one cleared
    let data: unknown = payload;
    if (Buffer.isBuffer(payload)) {
      try {
        data = JSON.parse(payload.toString('utf8'));
      } catch (e) {
        this.reportError(topic, { code: 'PARSE_ERROR', path: 'mission', message: (e as Error).message });
        return 'invalid';
      }
    }
    const r = parseMission(data);
    if (!r.ok) {
      this.reportError(topic, r.error);
      return 'invalid';
    }
    const m = r.value;
    if ('cancel' in m) {
      const i = this.queue.findIndex((q) => q.missionId === m.missionId);
      if (i >= 0) {
        this.queue.splice(i, 1);
        this.status(m.missionId, 'CANCELLED');
        this.changed();
        return 'cancelled';
      }
      if (this.driver.activeMission?.id === m.missionId) {
        this.driver.cancel(); // its CANCELLED event comes back through missionEvent
        return 'cancelled';
      }
      if (this.starting?.missionId === m.missionId) {
        // handed to the driver, waiting for state to be routed: no ACTIVE yet, so say it here
        this.starting = undefined;
        this.driver.cancel();
        this.status(m.missionId, 'CANCELLED');
        this.next();
        this.changed();
        return 'cancelled';
      }
      // answered: a sender that cancels the wrong id (or one already ended) is told nothing happened
      this.reportError(topic, {
        code: 'NOT_FOUND',
        path: 'mission.missionId',
        message: `no mission "${m.missionId}" is queued or in progress here${this.seen.has(m.missionId) ? ' (it has ended)' : ''}: nothing cancelled`,
      });
      return 'unknown-cancel';
    }
    const goalKey = JSON.stringify(m.goal);
    const before = this.seen.get(m.missionId);
    if (before === goalKey) {
      this.counts.duplicates++;
      return 'duplicate'; // a QoS 1 redelivery
    }
    if (before !== undefined) {
      // the same id for another goal is a sender's mistake, not a redelivery: say so, drive nothing
      this.status(m.missionId, 'REJECTED', {
        message: 'missionId already used (for another goal): a new mission needs a new id',
      });
      return 'duplicate';
    }
    this.seen.set(m.missionId, goalKey);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.keys().next().value as string);
    this.counts.missions++;
    this.queue.push({ missionId: m.missionId, goal: m.goal });
    this.status(m.missionId, 'ACCEPTED', { goal: m.goal });
    this.next();
    return 'accepted';
  }

  /** Whether a mission payload is one already taken (its id with the same goal). */
  private isSeenMission(payload: string): boolean {
    try {
      const r = parseMission(JSON.parse(payload));
      return (
        r.ok && !('cancel' in r.value) && this.seen.get(r.value.missionId) === JSON.stringify(r.value.goal)
      );
    } catch {
      return false;
    }
  }

  /** The operator e-stop (`{engaged}`; retained is its state, taken as it is). */
  private takeEstop(payload: Buffer): void {
    const topic = topicFor('estop', this.o.id);
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      this.reportError(topic, { code: 'PARSE_ERROR', path: 'estop', message: (e as Error).message });
      return;
    }
    const r = parseWith(MqttEstopSchema, data, 'estop');
    if (!r.ok) {
      this.reportError(topic, r.error);
      return;
    }
    this.driver.setHold('estop', r.value.engaged);
  }

  private next(): void {
    if (this.driver.activeMission || this.starting) return;
    const m = this.queue.shift();
    if (!m) return;
    this.starting = m;
    this.driver.setGoal(m.goal, m.missionId);
  }

  private status(missionId: string, state: MissionStatus, extra: Record<string, unknown> = {}): void {
    this.publish('missionStatus', { missionId, state, tS: this.o.clock.nowS(), ...extra }, 1);
  }

  private missionEvent(e: MissionEvent): void {
    if (this.starting?.missionId === e.id) this.starting = undefined;
    if (!(e.state === 'CANCELLED' && e.message === 'replaced'))
      this.status(e.id, e.state, e.message ? { message: e.message } : {});
    this.o.onMission?.(e);
    if (e.state !== 'ACTIVE') {
      this.next();
      this.changed();
    }
  }

  sendControl(control: Control, fromInput: boolean): void {
    this.counts.controls++;
    this.publish('control', {
      ...control,
      tS: this.o.clock.nowS(),
      ...(fromInput && this.seq !== undefined ? { inputSeq: this.seq } : {}),
      ...(fromInput && this.stateStampS !== undefined ? { inputStampS: this.stateStampS } : {}),
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
      arriving: this.driver.arriving,
      controlLatencyS: this.driver.latency.latencyS(this.o.clock.nowS()),
      queued: this.queue.map((q) => q.missionId),
      input: this.driver.inputState(this.o.clock.nowS()),
      watchdog: this.driver.lastStep?.watchdog ?? null,
      takenOver: this.driver.takenOver ?? null,
      holds: this.driver.heldBy,
      turningToRad: this.driver.turningTo ?? null,
      localisation: { jumps: this.source.jumpCount, held: this.source.poseJumpHeld },
      counts: { ...this.counts, takeovers: this.driver.counts.takeovers },
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
