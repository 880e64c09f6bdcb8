/**
 * Several robots in one process, one stack each, and a simple mission allocator: a mission on the
 * fleet topic goes to the nearest idle robot that has a route to the goal (straight-line distance
 * from its newest pose); when none is idle, to the reachable robot with the shortest queue (then
 * the nearest). The fleet client keeps a persistent MQTT 5 session, so missions published while it
 * (or the broker) was away are delivered when it is back. Several edgeplan processes can split one
 * fleet's missions with `shareGroup` (a `$share/<group>/…` subscription) — but mosquitto hands a
 * shared-subscription message only to a connected member, so a mission sent while every member is
 * away can be lost: use it only with members that stay connected.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { type Pose, parseWith } from '../../core/index.ts';
import { routeToGoal } from '../Mission.ts';
import { clientOptions, type MqttLinkOptions, type MqttRobot } from './MqttRobot.ts';
import { MqttMissionSchema, topicFor } from './MqttTopics.ts';

/** Picks the robot for a goal (pure: ids, idle flags, queue lengths and poses in, an id out). */
export function allocate(
  goal: Pose,
  robots: ReadonlyArray<{
    id: string;
    idle: boolean;
    queued: number;
    pose: Pose | undefined;
    reachable: boolean;
  }>,
): string | undefined {
  const dist = (p: Pose | undefined): number => (p ? Math.hypot(p.x - goal.x, p.y - goal.y) : Infinity);
  let best: (typeof robots)[number] | undefined;
  for (const r of robots) {
    if (!r.reachable) continue;
    if (!best) {
      best = r;
      continue;
    }
    const key = (x: typeof r): [number, number, number] => [
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

export class Fleet {
  readonly client: MqttClient;
  /** Mission id → robot id, for every mission the allocator handed out. */
  readonly assigned = new Map<string, string>();

  constructor(
    readonly robots: MqttRobot[],
    link: MqttLinkOptions,
    fleetId = 'fleet',
    private readonly log?: (line: string) => void,
    shareGroup?: string,
  ) {
    const topic = topicFor('fleetMission', '');
    this.client = mqtt.connect(link.url, clientOptions(link, `edgeplan-${fleetId}`));
    this.client.on('connect', () => {
      this.client.subscribe(shareGroup ? `$share/${shareGroup}/${topic}` : topic, { qos: 1 });
    });
    this.client.on('error', (e) => log?.(`fleet: mqtt ${e.message}`));
    this.client.on('message', (_t, payload) => this.take(payload, topic));
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

  private take(payload: Buffer, topic: string): void {
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      this.error(topic, 'PARSE_ERROR', 'mission', (e as Error).message);
      return;
    }
    const r = parseWith(MqttMissionSchema, data, 'mission');
    if (!r.ok) {
      this.error(topic, 'INVALID_INPUT', r.error.path, r.error.message);
      return;
    }
    const m = r.value;
    const already = this.assigned.get(m.missionId);
    if ('cancel' in m) {
      if (already) this.byId(already)?.takeMission(m, topic);
      return;
    }
    if (already) return; // a QoS 1 redelivery
    const id = allocate(
      m.goal,
      this.robots.map((x) => ({
        id: x.id,
        idle: x.idle,
        queued: x.queued,
        pose: x.source.currentEgo,
        // a robot whose pose is not known yet may still take it (routed once it reports)
        reachable: x.source.currentEgo ? routeToGoal(x.map, x.source.currentEgo, m.goal).ok : true,
      })),
    );
    const robot = id ? this.byId(id) : undefined;
    if (!robot) {
      this.error(topic, 'INVALID_INPUT', 'mission.goal', 'no robot of this fleet has a route to the goal');
      return;
    }
    this.assigned.set(m.missionId, robot.id);
    this.log?.(`fleet: mission ${m.missionId} → ${robot.id}`);
    robot.takeMission(m, topic);
  }

  private byId(id: string): MqttRobot | undefined {
    return this.robots.find((r) => r.id === id);
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}
