import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpenScenario } from './OpenScenario.ts';
import { signalTimelines, vehicleLightState } from './SignalLights.ts';
import { runStoryboard } from './StoryboardRun.ts';

// esmini's traffic_lights.xosc on fabriksgatan_traffic_lights.xodr, vendored unmodified under
// data/esmini (data/README.md). Signal 1 (a 1000001 vehicle light on road 3) goes green → yellow
// when the Ego is 50 m before it, red 3 s later, green 10 s after that; the Ego stops on yellow
// and drives on green; the pedestrian lights 2 and 3 (1000002) turn green 3 s after the red and
// the pedestrians cross. Every step of that hangs on a TrafficSignalCondition.
const FILE = join(import.meta.dirname, '../../../data/esmini/resources/xosc/traffic_lights.xosc');

const RYG = ['red', 'yellow', 'green'] as const;

describe('traffic-signal lamp states as vehicle lights', () => {
  it('reads red, yellow and green lamps (top to bottom) of a 1000001 head', () => {
    expect(vehicleLightState(RYG, 'on;off;off')).toBe('RED');
    expect(vehicleLightState(RYG, 'off;on;off')).toBe('YELLOW');
    expect(vehicleLightState(RYG, 'off;off;on')).toBe('GREEN');
  });

  it('treats red with yellow as red and a flashing red as red', () => {
    expect(vehicleLightState(RYG, 'on;on;off')).toBe('RED');
    expect(vehicleLightState(RYG, 'flashing;off;off')).toBe('RED');
  });

  it('shows no light for all lamps off, a flashing yellow, or a string with the wrong lamp count', () => {
    expect(vehicleLightState(RYG, 'off;off;off')).toBe('UNKNOWN');
    expect(vehicleLightState(RYG, 'off;flashing;off')).toBe('UNKNOWN');
    expect(vehicleLightState(RYG, 'on;off')).toBe('UNKNOWN');
  });

  it('builds a timeline from the states set, unknown before the first and merging repeats', () => {
    const heads = [{ id: '1', type: '1000001', subtype: '-1', laneIds: ['3_0_-1'] }];
    const states = new Map([
      [
        '1',
        [
          { tS: 2, state: 'off;off;on' },
          { tS: 3, state: 'off;off;on' },
          { tS: 4, state: 'on;off;off' },
        ],
      ],
    ]);
    expect(signalTimelines(states, heads).signals).toEqual([
      {
        laneIds: ['3_0_-1'],
        phases: [
          { fromS: 0, state: 'UNKNOWN' },
          { fromS: 2, state: 'GREEN' },
          { fromS: 4, state: 'RED' },
        ],
      },
    ]);
  });

  it('keeps the last of the states set before t = 0 as the one light from t = 0', () => {
    const heads = [{ id: '1', type: '1000001', subtype: '-1', laneIds: ['3_0_-1'] }];
    const states = new Map([
      [
        '1',
        [
          { tS: -1, state: 'on;off;off' },
          { tS: -0.5, state: 'off;off;on' },
          { tS: 2, state: 'on;off;off' },
          { tS: 2, state: 'off;off;on' },
        ],
      ],
    ]);
    // the two at t = 2 fold into one, and then repeat the green before it
    expect(signalTimelines(states, heads).signals[0]!.phases).toEqual([{ fromS: 0, state: 'GREEN' }]);
  });

  it('gives no timeline, and does not throw, for a signal whose state log is empty', () => {
    const heads = [{ id: '1', type: '1000001', subtype: '-1', laneIds: ['3_0_-1'] }];
    expect(signalTimelines(new Map([['1', []]]), heads)).toEqual({ signals: [], warnings: [] });
  });

  it('leaves a pedestrian light out of the vehicle lights, saying so', () => {
    const heads = [{ id: '2', type: '1000002', subtype: '-1', laneIds: ['3_0_-1'] }];
    const r = signalTimelines(new Map([['2', [{ tS: 0, state: 'on;off' }]]]), heads);
    expect(r.signals).toEqual([]);
    expect(r.warnings[0]).toMatch(/traffic signal 2 \(type 1000002\): not a vehicle light/);
  });
});

describe('TrafficSignalStateAction and TrafficSignalCondition (esmini traffic_lights.xosc)', () => {
  const run = runStoryboard(FILE, { stepS: 0.1, maxDurationS: 22 });
  if (!run.ok) throw new Error(run.error.message);
  const at = (name: string, tS: number) =>
    run.value.states.find((s) => s.name === name && Math.abs(s.tS - tS) < 1e-6)!;

  // ScenarioPlayer_test.cpp TrafficSignals.TestTrafficSignalActions (Frame(0.1) while t < 9.7,
  // 15.7, 21.6: the accumulated 0.1 steps stop at 9.8, 15.8 and 21.6 s).
  it("stops the Ego at the red light where esmini's does (9.8 s: 7.3508, −7.1689)", () => {
    expect(at('Ego', 9.8).x).toBeCloseTo(7.3508, 3);
    expect(at('Ego', 9.8).y).toBeCloseTo(-7.1689, 3);
  });

  it("walks the pedestrians across on their green light to esmini's positions (15.8 s)", () => {
    expect(at('Pedestrian_1', 15.8).x).toBeCloseTo(12.3541, 3);
    expect(at('Pedestrian_1', 15.8).y).toBeCloseTo(-0.4353, 3);
    expect(at('Pedestrian_2', 15.8).x).toBeCloseTo(12.2388, 3);
    expect(at('Pedestrian_2', 15.8).y).toBeCloseTo(-10.0395, 3);
  });

  it('drives the Ego on when the light is green again, through its left turn (21.6 s: 25.4155, 8.1338 within 1 cm)', () => {
    expect(Math.abs(at('Ego', 21.6).x - 25.4155)).toBeLessThan(0.01);
    expect(Math.abs(at('Ego', 21.6).y - 8.1338)).toBeLessThan(0.01);
  });

  it('gives the imported scenario the light on the Ego lane: green, yellow at 3.55 s, red at 6.55 s, green at 16.55 s', () => {
    // the import runs the storyboard at 0.05 s: each timed switch is seen 0.05 s after its time
    const r = importOpenScenario(FILE);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.scenarios[0]!.signals).toEqual([
      {
        laneIds: ['3_0_-1'],
        phases: [
          { fromS: 0, state: 'GREEN' },
          { fromS: 3.55, state: 'YELLOW' },
          { fromS: 6.55, state: 'RED' },
          { fromS: 16.55, state: 'GREEN' },
        ],
      },
    ]);
    expect(r.value.unsupported).toEqual([]);
  });
});
