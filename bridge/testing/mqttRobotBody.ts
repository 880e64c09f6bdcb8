/**
 * A simulated robot body on the far side of the broker (tests and bench): a unicycle that publishes
 * its state on `edgeplan/v1/{robot}/state` at a fixed rate and executes the controls it receives.
 * It keeps executing the last control it got — for ever, or for `commandTimeoutS` (then it stands,
 * as a robot with a cmd_vel timeout does). An MQTT client, not a server.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topicFor } from '../mqtt/MqttTopics.ts';

export interface BodyOptions {
  url: string;
  robot: string;
  x: number;
  y: number;
  headingRad?: number;
  rateHz?: number;
  /** Stand still when no control came for this long, s (default: never). */
  commandTimeoutS?: number;
  /** Called with each control and the state seq it answers (latency measurement). */
  onControl?: (c: Record<string, unknown>, receivedMs: number) => void;
}

export class RobotBody {
  x: number;
  y: number;
  h: number;
  v = 0;
  private omega = 0;
  private vCmd = 0;
  seq = 0;
  controls = 0;
  /** While true no state is published (the body goes on moving). */
  paused = false;
  private lastControlMs = Number.NEGATIVE_INFINITY;
  readonly sentAtMs = new Map<number, number>();
  readonly client: MqttClient;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: BodyOptions) {
    this.x = o.x;
    this.y = o.y;
    this.h = o.headingRad ?? 0;
    const dt = 1 / (o.rateHz ?? 20);
    this.client = mqtt.connect(o.url, {
      protocolVersion: 5,
      reconnectPeriod: 300,
      clientId: `body-${o.robot}`,
    });
    this.client.on('connect', () => this.client.subscribe(topicFor('control', o.robot), { qos: 0 }));
    this.client.on('message', (_t, payload) => {
      const c = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (c['kind'] === 'unicycle') {
        this.vCmd = Number(c['vMps']);
        this.omega = Number(c['omegaRadps']);
      }
      this.controls++;
      this.lastControlMs = performance.now();
      o.onControl?.(c, performance.now());
    });
    this.timer = setInterval(() => {
      const timedOut =
        o.commandTimeoutS !== undefined && performance.now() - this.lastControlMs > o.commandTimeoutS * 1000;
      if (timedOut) {
        this.vCmd = 0;
        this.omega = 0;
      }
      this.v = Math.max(0, this.vCmd);
      this.h += this.omega * dt;
      this.x += this.v * Math.cos(this.h) * dt;
      this.y += this.v * Math.sin(this.h) * dt;
      this.publishState();
    }, dt * 1000);
  }

  publishState(): void {
    if (!this.client.connected || this.paused) return;
    this.seq++;
    this.sentAtMs.set(this.seq, performance.now());
    if (this.sentAtMs.size > 500) this.sentAtMs.delete(this.seq - 500);
    this.client.publish(
      topicFor('state', this.o.robot),
      JSON.stringify({ seq: this.seq, x: this.x, y: this.y, headingRad: this.h, speedMps: this.v }),
      { qos: 0 },
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.client.endAsync(true);
  }
}
