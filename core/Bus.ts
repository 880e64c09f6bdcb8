/**
 * A typed in-process publish/subscribe bus over the topic registry. Every message is stamped with
 * its time and a `valid` flag (openpilot's envelope). `publishUntrusted` parses data from outside
 * (ROS, MQTT, HTTP) with the topic's schema: invalid data is delivered as `valid: false` with the
 * error, never thrown, so a bad message cannot crash a subscriber or be mistaken for a good one.
 */
import type { z } from 'zod';
import { type EdgeplanError, parseWith } from './result.ts';
import { TOPICS, type TopicName } from './topics.ts';

export type TopicData<T extends TopicName> = z.infer<(typeof TOPICS)[T]['schema']>;

export type Envelope<T extends TopicName> =
  | { topic: T; tS: number; valid: true; data: TopicData<T> }
  | { topic: T; tS: number; valid: false; error: EdgeplanError };

type Handler<T extends TopicName> = (msg: Envelope<T>) => void;

export class Bus {
  private readonly handlers = new Map<TopicName, Set<Handler<TopicName>>>();

  /** Subscribes to a topic; returns the unsubscribe function. */
  subscribe<T extends TopicName>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler as unknown as Handler<TopicName>);
    return () => set.delete(handler as unknown as Handler<TopicName>);
  }

  /** Publishes data produced inside the stack (already typed; not re-validated). */
  publish<T extends TopicName>(topic: T, tS: number, data: TopicData<T>): void {
    this.deliver({ topic, tS, valid: true, data } as Envelope<T>);
  }

  /** Publishes data from outside: parsed with the topic's schema; failures arrive as valid: false. */
  publishUntrusted<T extends TopicName>(topic: T, tS: number, raw: unknown): Envelope<T> {
    const r = parseWith(TOPICS[topic].schema, raw, topic);
    const msg = (
      r.ok ? { topic, tS, valid: true, data: r.value } : { topic, tS, valid: false, error: r.error }
    ) as Envelope<T>;
    this.deliver(msg);
    return msg;
  }

  private deliver<T extends TopicName>(msg: Envelope<T>): void {
    const set = this.handlers.get(msg.topic);
    if (!set) return;
    for (const h of set) h(msg as unknown as Envelope<TopicName>);
  }
}
