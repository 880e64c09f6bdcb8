/**
 * Several robots in one process, one stack each, and a simple mission allocator. A mission on the
 * fleet topic goes only to a robot that has a route to it on its own map, from where it would
 * start it (the goal of its last queued mission, else its pose): the nearest idle one (straight
 * line from that start), else the one with the shortest queue. A robot whose pose is unknown (no
 * state since its link came up) is never a candidate. When no robot qualifies the fleet holds the
 * mission (QUEUED, with each robot and what keeps it out) and tries again whenever a robot's pose
 * becomes known, a robot's mission ends, and every `retryS`; a goal on no lane of any robot's map
 * can never be reached and is REJECTED at once.
 *
 * Ingress loses nothing across a broker restart: the fleet client keeps a persistent MQTT 5
 * session, re-subscribes at QoS 1 on every connection, and acknowledges a mission (PUBACK) only
 * once it is assigned or held; held missions live in this process across reconnections; ids are
 * de-duplicated (QoS 1 redeliveries). Several edgeplan processes can split one fleet's missions
 * with `shareGroup` (a `$share/<group>/…` subscription) — but mosquitto hands a shared-subscription
 * message only to a connected member, so a mission sent while every member is away can be lost:
 * use it only with members that stay connected.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { type Clock, type Pose, WallClock } from '../../core/index.ts';
import { onSomeLane, routeToGoal } from '../Mission.ts';
import {
  clientOptions,
  type MqttLinkOptions,
  type MqttRobot,
  PUBACK_PAYLOAD_FORMAT_INVALID,
  PUBACK_SUCCESS,
  superviseLink,
} from './MqttRobot.ts';
import { type MqttMission, parseMission, topicFor } from './MqttTopics.ts';

/** One robot as the allocator sees it. */
export interface AllocationCandidate {
  id: string;
  idle: boolean;
  queued: number;
  /** Where the mission would start (last queued goal, else the pose); undefined: unknown. */
  pose: Pose | undefined;
  /** Has a route from `pose` to the goal on its map. */
  reachable: boolean;
}

/**
 * Picks the robot for a goal (pure): among the robots with a known start and a route, the nearest
 * idle one, else the shortest queue (then the nearest). Undefined when none qualifies.
 */
export function allocate(goal: Pose, robots: ReadonlyArray<AllocationCandidate>): string | undefined {
  const dist = (p: Pose | undefined): number => (p ? Math.hypot(p.x - goal.x, p.y - goal.y) : Infinity);
  let best: AllocationCandidate | undefined;
  for (const r of robots) {
    if (!r.reachable || !r.pose) continue;
    if (!best) {
      best = r;
      continue;
    }
    const key = (x: AllocationCandidate): [number, number, number] => [
      x.idle ? 0 : 1,
      x.idle ? 0 : x.queued,
      dist(x.pose),
    ];
    const a = key(r);
    const b = key(best);
    if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))) best = r;
  }
  return best?.id;
}

export type FleetMissionState = 'ASSIGNED' | 'QUEUED' | 'REJECTED' | 'CANCELLED';

export interface FleetOptions {
  fleetId?: string;
  log?: (line: string) => void;
  shareGroup?: string;
  clock?: Clock;
  /** Held missions are tried again at least this often, s (robots move: routes appear). */
  retryS?: number;
}

type Goal = Extract<MqttMission, { goal: Pose }>;

export class Fleet {
  readonly client: MqttClient;
  /** Mission id → robot id, for every mission the allocator handed out. */
  readonly assigned = new Map<string, string>();
  /** Missions no robot can take yet, oldest first, with why. */
  readonly held = new Map<string, { mission: Goal; reason: string }>();
  /** Retained missions answered (payloads): each once for the life of the process. */
  private readonly retainedAnswered = new Set<string>();
  private readonly clock: Clock;
  private readonly log: ((line: string) => void) | undefined;
  private readonly retryTimer: NodeJS.Timeout;
  private readonly unlisten: (() => void)[];
  private connects = 0;
  private subscribedOn = 0;
  private retrying = false;
  private retryAgain = false;

  constructor(
    readonly robots: MqttRobot[],
    link: MqttLinkOptions,
    o: FleetOptions = {},
  ) {
    const topic = topicFor('fleetMission', '');
    const subTopic = o.shareGroup ? `$share/${o.shareGroup}/${topic}` : topic;
    this.clock = o.clock ?? new WallClock();
    this.log = o.log;
    this.client = mqtt.connect(
      link.url,
      clientOptions(link, `edgeplan-${o.fleetId ?? 'fleet'}`, undefined, (t, payload, retained) =>
        t === topic
          ? this.take(payload, t, retained)
            ? PUBACK_SUCCESS
            : PUBACK_PAYLOAD_FORMAT_INVALID
          : undefined,
      ),
    );
    this.client.on('connect', (connack) => {
      const n = ++this.connects;
      if (n > 1 && !connack.sessionPresent)
        this.log?.('fleet: the broker kept no session (persistence off?): missions sent while away are lost');
      // retain handling 1: no retained copy again on a re-subscription to a session the broker kept
      this.client.subscribe(subTopic, { qos: 1, rh: 1 }, (err, granted) => {
        if (err || granted?.some((g) => g.qos === 128)) {
          this.log?.(`fleet: subscription to ${subTopic} refused: ${err?.message ?? 'not granted'}`);
          return;
        }
        if (this.connects === n) this.subscribedOn = n;
      });
    });
    superviseLink(this.client, link, this.log, 'fleet');
    // QoS ≥ 1 missions were taken before their PUBACK (the ingress handler); QoS 0 ones come here
    this.client.on('message', (t, payload, packet) => {
      if (t === topic && packet.qos === 0) this.take(payload, t, packet.retain);
    });
    this.unlisten = robots.map((r) => r.onChange(() => this.retry()));
    this.retryTimer = setInterval(() => this.retry(), (o.retryS ?? 1) * 1000);
  }

  /** Connected with the fleet subscription granted: missions sent from now on reach the fleet. */
  get ready(): boolean {
    return this.client.connected && this.subscribedOn === this.connects;
  }

  private error(topic: string, code: 'PARSE_ERROR' | 'INVALID_INPUT', path: string, message: string): void {
    this.client.publish(
      topicFor('errors', 'fleet'),
      JSON.stringify({ topic, error: { code, path, message } }),
      {
        qos: 1,
      },
    );
    this.log?.(`fleet: rejected ${topic}: ${path}: ${message}`);
  }

  private status(missionId: string, state: FleetMissionState, extra: Record<string, unknown>): void {
    this.client.publish(
      topicFor('fleetMissionStatus', ''),
      JSON.stringify({ missionId, state, tS: this.clock.nowS(), ...extra }),
      { qos: 1 },
    );
  }

  /** Takes one fleet mission message; false when it is malformed (answered on the errors topic). */
  private take(payload: Buffer, topic: string, retained = false): boolean {
    // a retained mission: the broker's stored copy, handed to every new subscription — acted on
    // when new, it would be allocated again on every restart (as a robot's own, ux20 #2)
    if (payload.length === 0) return true; // a retained one cleared
    if (retained) {
      // answered once for the life of the process (each reconnection without the session hands it
      // out again), and not at all when it is the copy of a mission taken when new
      const key = payload.toString('utf8');
      if (this.retainedAnswered.has(key)) return true;
      this.retainedAnswered.add(key);
      try {
        const r = parseMission(JSON.parse(key));
        if (r.ok && (this.assigned.has(r.value.missionId) || this.held.has(r.value.missionId))) return true;
      } catch {
        // answered below like any retained mission
      }
      this.error(
        topic,
        'INVALID_INPUT',
        'mission',
        'a retained mission is ignored: missions are commands, acted on when they are new; publish them with retain off (clear this one: an empty retained message on the topic)',
      );
      return true;
    }
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      this.error(topic, 'PARSE_ERROR', 'mission', (e as Error).message);
      return false;
    }
    const r = parseMission(data);
    if (!r.ok) {
      this.error(topic, 'INVALID_INPUT', r.error.path, r.error.message);
      return false;
    }
    const m = r.value;
    const already = this.assigned.get(m.missionId);
    if ('cancel' in m) {
      if (already) this.byId(already)?.takeMission(m, topic);
      else if (this.held.delete(m.missionId)) this.status(m.missionId, 'CANCELLED', {});
      return true;
    }
    if (already || this.held.has(m.missionId)) return true; // a QoS 1 redelivery
    this.place(m, topic);
    return true;
  }

  /** Assigns a mission to a robot, or holds it (QUEUED, with why), or rejects it for good. */
  private place(m: Goal, topic: string): void {
    const reasons: string[] = [];
    let onSomeMap = false;
    const candidates = this.robots.map((x): AllocationCandidate => {
      const start = x.plannedStart;
      const onMap = onSomeLane(x.map, m.goal);
      onSomeMap ||= onMap;
      let reachable = false;
      if (!onMap) reasons.push(`${x.id}: the goal is on no lane of its map ${x.map.id}`);
      else if (!start) reasons.push(`${x.id}: pose unknown (no state since its link came up)`);
      else {
        const route = routeToGoal(x.map, start, m.goal, {
          turnInPlace: x.vehicle.kind === 'robot' && x.vehicle.turnInPlace === true,
        });
        reachable = route.ok;
        if (!route.ok)
          reasons.push(
            `${x.id}: no route from (${start.x.toFixed(1)}, ${start.y.toFixed(1)}): ${route.error.message}`,
          );
      }
      return { id: x.id, idle: x.idle, queued: x.queued, pose: start, reachable };
    });
    const id = allocate(m.goal, candidates);
    const robot = id ? this.byId(id) : undefined;
    if (robot) {
      this.held.delete(m.missionId);
      this.assigned.set(m.missionId, robot.id);
      this.log?.(`fleet: mission ${m.missionId} → ${robot.id}`);
      this.status(m.missionId, 'ASSIGNED', { robot: robot.id });
      robot.takeMission(m, topic);
      return;
    }
    const reason = reasons.join('; ');
    if (!onSomeMap) {
      this.held.delete(m.missionId);
      this.assigned.set(m.missionId, ''); // answered for good: a redelivery is not judged again
      this.status(m.missionId, 'REJECTED', { message: reason });
      this.log?.(`fleet: mission ${m.missionId} rejected: ${reason}`);
      return;
    }
    const before = this.held.get(m.missionId);
    this.held.set(m.missionId, { mission: m, reason });
    if (before?.reason !== reason) {
      this.status(m.missionId, 'QUEUED', { message: reason });
      this.log?.(`fleet: mission ${m.missionId} held: ${reason}`);
    }
  }

  /** Tries the held missions again, oldest first (a retry asked for during one runs after it). */
  private retry(): void {
    if (this.retrying) {
      this.retryAgain = true;
      return;
    }
    this.retrying = true;
    try {
      do {
        this.retryAgain = false;
        for (const id of [...this.held.keys()]) {
          const h = this.held.get(id);
          if (h) this.place(h.mission, topicFor('fleetMission', ''));
        }
      } while (this.retryAgain);
    } finally {
      this.retrying = false;
    }
  }

  private byId(id: string): MqttRobot | undefined {
    return this.robots.find((r) => r.id === id);
  }

  async stop(): Promise<void> {
    clearInterval(this.retryTimer);
    for (const u of this.unlisten) u();
    await this.client.endAsync();
  }
}
