/**
 * `situational.busStop` (red team 10): a line bus or a school bus standing with its hazard lights on
 * is passed at walking pace, in the other direction on the same carriageway too (StVO §20(4)); on
 * CARLA Town02's undivided east arm (`testing/realMaps10`). Not without hazards, not across a
 * median, not once passed; a school bus with its stop arm out stops the ego instead.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { safetyCheck, writeScenes } from './testing/pairCli.ts';
import { agent, type Obj } from './testing/reviewerPairs.ts';
import { type CutMap, egoAt, on, onMap } from './testing/reviewerPairs5.ts';

const t02 = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps10', 't02_t_junction.json'),
    'utf8',
  ),
) as CutMap;
const west = ['5_0_1', '200_0_1', '4_0_1'];
const bus = (laneId: string, s: number, attrs: Obj): Obj => {
  const [x, y, h] = on(t02, laneId, s);
  return agent('b1', 'vehicle', x, y, h, 0, { L: 12, W: 2.5 }, attrs);
};
const at = (frontS: number, v: number, agents: Obj[]) =>
  onMap(t02, egoAt(t02, '5_0_1', frontS, v), west, { agents });
const HAZ = { subclass: 'bus', indicator: 'HAZARD' };
const scenes = new Map<string, Obj>([
  // own lane, 20 m ahead, a borrow past it at 6 m/s
  ['own.json', at(20, 6, [bus('5_0_1', 46, HAZ)])],
  // oncoming lane, 25 m ahead, KEEP at 8 m/s
  ['oncoming.json', at(20, 8, [bus('5_0_-1', 22, HAZ)])],
  ['noHazard.json', at(20, 8, [bus('5_0_-1', 22, { subclass: 'bus', indicator: 'NONE' })])],
  // a truck with hazards (broken down): no bus stop
  ['truck.json', at(20, 8, [bus('5_0_-1', 22, { subclass: 'truck', indicator: 'HAZARD' })])],
  // already past it
  ['passed.json', at(50, 8, [bus('5_0_-1', 58, HAZ)])],
  // crawling past at walking pace
  ['crawl.json', at(20, 1.5, [bus('5_0_-1', 40, HAZ)])],
  // a school bus with its stop arm out: the school-bus stop, not this cap
  [
    'schoolArm.json',
    at(20, 8, [bus('5_0_-1', 22, { subclass: 'school_bus', lightsOn: true, indicator: 'HAZARD' })]),
  ],
]);
const DIR = writeScenes('busstop', scenes);
const verdict = async (file: string, command: object) =>
  JSON.parse((await safetyCheck(join(DIR, file), command)).text) as {
    decision: string;
    rules: { rule: string; decision: string; values: Record<string, unknown> }[];
  };
const rule = async (file: string, command: object = { speed: 'KEEP', path: 'FOLLOW_LANE' }) =>
  (await verdict(file, command)).rules.find((r) => r.rule === 'situational.busStop')!;

describe('situational.busStop: a bus at its stop with hazard lights is passed at walking pace', () => {
  it('in the own lane: a borrow past it at 6 m/s is capped at 7 km/h', async () => {
    const r = await rule('own.json', { speed: 'KEEP', path: 'LEFT_BORROW', targetSpeedMps: 6 });
    expect(r.decision).toBe('MODIFY');
    expect(r.values['capMps']).toBeCloseTo(1.94, 2);
  });
  it('in the oncoming lane of an undivided road too (StVO §20(4): "auch für den Gegenverkehr")', async () => {
    expect((await rule('oncoming.json')).decision).toBe('MODIFY');
  });
  it('not a bus without hazard lights, nor a truck with them', async () => {
    expect((await rule('noHazard.json')).decision).toBe('ALLOW');
    expect((await rule('truck.json')).decision).toBe('ALLOW');
  });
  it('not one the ego has passed, and not a crawl past it at 1.5 m/s', async () => {
    expect((await rule('passed.json')).decision).toBe('ALLOW');
    expect((await rule('crawl.json')).decision).toBe('ALLOW');
  });
  it('a school bus with its stop arm out stops the ego (situational.schoolBus), not this cap', async () => {
    const v = await verdict('schoolArm.json', { speed: 'KEEP', path: 'FOLLOW_LANE' });
    expect(v.rules.find((r) => r.rule === 'situational.schoolBus')!.decision).not.toBe('ALLOW');
    expect(v.rules.find((r) => r.rule === 'situational.busStop')!.decision).toBe('ALLOW');
  });
});
