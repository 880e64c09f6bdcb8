import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../core/index.ts';
import { loadRosConfig, rosConfigFrom } from './RosConfig.ts';

const errorOf = (r: ReturnType<typeof rosConfigFrom>) => (r.ok ? 'ok' : formatError(r.error));

describe('the ROS bridge config refuses keys it does not know', () => {
  it('names each unknown key by its path and the key it is a near miss of (review 19 #4)', () => {
    // the review's file: it started on /odom with the default staleness and watchdog, saying nothing
    const dir = mkdtempSync(join(tmpdir(), 'roscfg-keys-'));
    const file = join(dir, 'bad4.yaml');
    writeFileSync(
      file,
      'profile: robot\nwatchdogDecel: 9\nrates: {staleAfter: 5}\ntopic: {odometry: {name: /x, type: nav_msgs/Odometry}}\n',
    );
    const e = errorOf(loadRosConfig(file));
    expect(e).toMatch(/^invalid input at .*bad4\.yaml:/);
    expect(e).toContain('watchdogDecel: unknown key (did you mean watchdogDecelMps2?)');
    expect(e).toContain('rates.staleAfter: unknown key (did you mean staleAfterS?)');
    expect(e).toContain('topic: unknown key (did you mean topics?)');
  });

  it('checks every level: topics, a topic, frames, rates, object tracks, audit, reconnect, vehicle', () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { topics: { odom: { name: '/o', type: 'nav_msgs/Odometry' } } },
        'config:topics.odom: unknown key (did you mean',
      ],
      [
        { topics: { odometry: { nme: '/o', type: 'nav_msgs/Odometry' } } },
        'config:topics.odometry.nme: unknown key (did you mean name?)',
      ],
      [
        { topics: { control: { name: '/c', typ: 'geometry_msgs/Twist' } } },
        'config:topics.control.typ: unknown key (did you mean type?)',
      ],
      [{ frames: { base_link: 'bl' } }, 'config:frames.base_link: unknown key (did you mean baseLink?)'],
      [{ rates: { controlHZ: 10 } }, 'config:rates.controlHZ: unknown key (did you mean controlHz?)'],
      [
        { objectTracks: { maxSpeed: 3 } },
        'config:objectTracks.maxSpeed: unknown key (did you mean maxSpeedMps?)',
      ],
      [{ audit: { logs: 'a.jsonl' } }, 'config:audit.logs: unknown key (did you mean log?)'],
      [{ reconnect: { initial: 1 } }, 'config:reconnect.initial: unknown key (did you mean initialS?)'],
      [
        { profile: 'robot', vehicle: { maxSpeed: 3 } },
        'config:vehicle:maxSpeed: unknown key (did you mean maxSpeedMps?)',
      ],
    ];
    for (const [data, expected] of cases) expect(errorOf(rosConfigFrom(data))).toContain(expected);
  });

  it('a key near nothing known lists the keys known there', () => {
    expect(errorOf(rosConfigFrom({ frames: { qqq: 'x' } }))).toBe(
      'invalid input at config:frames.qqq: unknown key (known here: map, baseLink, odom, odomIsMap)',
    );
  });

  it('names the other problems after the unknown keys', () => {
    expect(errorOf(rosConfigFrom({ Map: 'x.osm', rates: { controlHz: 0 } }))).toBe(
      'invalid input at config:Map: unknown key (did you mean map?); also rates.controlHz: Too small: expected number to be >0',
    );
  });

  it('still takes the free-form maps (classes, signalGroups) and the retired objectTracks.firstSeenSpeedMps', () => {
    const r = rosConfigFrom({
      classes: { forklift: 'vehicle' },
      signalGroups: { '17': ['lane_a', 'lane_b'] },
      objectTracks: { firstSeenSpeedMps: 5 },
    });
    expect(errorOf(r)).toBe('ok');
  });
});
