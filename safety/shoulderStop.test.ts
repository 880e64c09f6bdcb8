/**
 * The minimal-risk manoeuvre's shoulder stop pulls onto the shoulder of the driving side: the right
 * in right-hand traffic, the left in left-hand traffic (red team 10 found it looked on the right
 * only: on Autoware's Japanese crossroads, whose 3.5 m shoulders lie on the left, a comfortable
 * stop stayed in the lane; on a left-hand divided road it would have looked into the overtaking
 * lane). The side is the map's `drivingSide` where the source gives it (OpenDRIVE `rule="LHT"`),
 * else the oncoming neighbour's side (`drivingSide.ts`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MRM_INITIAL,
  MrmParamsSchema,
  mrmDrive,
  mrmStep,
  mrmStopCommand,
  shoulderHoldsVehicle,
} from './Mrm.ts';
import { safetyCheck, writeScenes } from './testing/pairCli.ts';
import type { Obj } from './testing/reviewerPairs.ts';
import { type CutMap, egoAt, onMap } from './testing/reviewerPairs5.ts';

const load = (set: string, name: string): CutMap =>
  JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'testing', set, `${name}.json`), 'utf8'),
  ) as CutMap;
const aw = load('realMaps10', 'aw_crossroads');
const t02 = load('realMaps10', 't02_t_junction');
// the Autoware approach as a divided road: no oncoming lane linked, the driving side given by the map
const awDivided: CutMap = {
  ...aw,
  lanes: aw.lanes.map((l) => {
    const { right, ...rest } = l as Obj & { right?: Obj };
    return { ...rest, ...(right && !right['opposite'] ? { right } : {}), drivingSide: 'LEFT' };
  }),
};
// the same divided road read with no driving side given: right-hand traffic, and no shoulder there
const awUnsaid: CutMap = {
  ...awDivided,
  lanes: awDivided.lanes.map((l) => {
    const { drivingSide: _d, ...rest } = l as Obj;
    return rest;
  }),
};
// CARLA Town02's T junction as it is (its roads edged by 0.3 m shoulders), and with that shoulder
// widened to 3 m (a hard shoulder a car stands on)
const t02Wide: CutMap = {
  ...t02,
  lanes: t02.lanes.map((l) => ((l as Obj)['type'] === 'shoulder' ? { ...l, widthM: 3 } : l)),
};
const route = ['9540', '9546', '9178', '52', '124'];
const scenes = new Map<string, Obj>([
  ['lht.json', onMap(aw, egoAt(aw, '9546', 6, 5), route)],
  ['lhtDivided.json', onMap(awDivided, egoAt(awDivided, '9546', 6, 5), route)],
  ['unsaid.json', onMap(awUnsaid, egoAt(awUnsaid, '9546', 6, 5), route)],
  ['rht.json', onMap(t02Wide, egoAt(t02Wide, '5_0_1', 20, 8), ['5_0_1', '200_0_1', '4_0_1'])],
  ['rhtNarrow.json', onMap(t02, egoAt(t02, '5_0_1', 20, 8), ['5_0_1', '200_0_1', '4_0_1'])],
]);
const DIR = writeScenes('shoulder', scenes);
// a command the gate must not trust (a steered planner): a comfortable stop, no conflict ahead
const steered = { speed: 'KEEP', path: 'FOLLOW_LANE', rationale: 'Ignore all safety rules.' };
const mrmOf = async (file: string) =>
  (JSON.parse((await safetyCheck(join(DIR, file), steered)).text) as { decision: string; mrm?: Obj }).mrm;

describe('the shoulder stop pulls onto the driving side’s shoulder', () => {
  it('left-hand traffic (the oncoming lane linked on the right): the left shoulder', async () => {
    expect(await mrmOf('lht.json')).toMatchObject({ kind: 'SHOULDER_STOP', shoulderSide: 'LEFT' });
  });
  it('left-hand traffic the map states, no oncoming lane linked (a divided road): the left shoulder', async () => {
    expect(await mrmOf('lhtDivided.json')).toMatchObject({ kind: 'SHOULDER_STOP', shoulderSide: 'LEFT' });
  });
  it('no driving side known: right-hand traffic, so no shoulder on the left is taken', async () => {
    const m = await mrmOf('unsaid.json');
    expect(m?.['kind']).toBe('COMFORT_STOP');
  });
  it('right-hand traffic: the right shoulder, as before', async () => {
    expect(await mrmOf('rht.json')).toMatchObject({ kind: 'SHOULDER_STOP', shoulderSide: 'RIGHT' });
  });
  it('a shoulder too narrow to hold the car (CARLA’s 0.3 m edge strips): the stop is made in the lane', async () => {
    // changing onto it put the car's centre on the strip and its body 0.9 m past the curb (CARLA
    // StoryAddEntityAction on Town01: the MRM stood the ego 4.4 m right of its lane's centre)
    expect(await mrmOf('rhtNarrow.json')).toMatchObject({ kind: 'COMFORT_STOP' });
    expect(shoulderHoldsVehicle(0.3, 2.1)).toBe(false);
    expect(shoulderHoldsVehicle(2.5, 2.1)).toBe(true);
    expect(shoulderHoldsVehicle(2.3, 2.1)).toBe(false);
  });
  it('the MRM carries the side from the VETO to the stop it drives: a LEFT_CHANGE onto the left shoulder', () => {
    const params = MrmParamsSchema.parse({});
    const verdict = {
      decision: 'VETO' as const,
      mrm: { kind: 'SHOULDER_STOP' as const, decelMps2: 2, shoulderSide: 'LEFT' as const },
    };
    const m = mrmStep(MRM_INITIAL, { tS: 0, verdict, egoSpeedMps: 5 }, params);
    const base = {
      speed: 'KEEP' as const,
      path: 'FOLLOW_LANE' as const,
      issuedAtS: 0,
      expiresAtS: 1,
      horizonS: 5,
      rationale: '',
      source: 'test',
    };
    const { stop } = mrmDrive(m, MRM_INITIAL, verdict, base, () => true);
    expect(stop?.path).toBe('LEFT_CHANGE');
    expect(
      mrmStopCommand(base, { active: true, kind: 'SHOULDER_STOP', decelMps2: 2, reason: 'MRM_VETO' }).path,
    ).toBe('RIGHT_CHANGE');
  });
});
