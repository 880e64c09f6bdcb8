/** The topic tables in bridge/README.md are the code's (MQTT_TOPICS, VDA_TOPICS): a user reads them. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VDA_TOPICS } from '../vda5050/VdaAgent.ts';
import { MQTT_TOPICS } from './MqttTopics.ts';

const README = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');

/** Table rows whose first cell is a code span: [name, dir, qos, retain]. */
function rows(section: string): Map<string, [string, string, string]> {
  const start = README.indexOf(section);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', start + section.length);
  const out = new Map<string, [string, string, string]>();
  for (const line of README.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = /^\| `([^`]+)` \| (in|out) \| (\d) \| ([^|]+) \|/.exec(line);
    if (m) out.set(m[1]!, [m[2]!, m[3]!, m[4]!.replace(/\*/g, '').trim()]);
  }
  return out;
}

describe('bridge/README.md topic tables', () => {
  it('list every edgeplan MQTT topic with the code’s direction, QoS and retain flag', () => {
    const t = rows('## MQTT (`edgeplan mqtt`)');
    const expected = new Map(
      Object.values(MQTT_TOPICS).map((s) => [
        s.pattern,
        [
          s.direction,
          String(s.qos),
          s.retain ? 'yes' : s.direction === 'out' && s.pattern.endsWith('/control') ? 'never' : 'no',
        ] as [string, string, string],
      ]),
    );
    expect(new Map([...t].sort())).toEqual(new Map([...expected].sort()));
  });
  it('list every VDA 5050 topic with the code’s direction, QoS and retain flag', () => {
    const t = rows('## VDA 5050');
    const expected = new Map(
      Object.entries(VDA_TOPICS).map(([name, s]) => [
        name,
        [s.direction, String(s.qos), s.retain ? 'yes' : 'no'] as [string, string, string],
      ]),
    );
    expect(new Map([...t].sort())).toEqual(new Map([...expected].sort()));
  });
});
