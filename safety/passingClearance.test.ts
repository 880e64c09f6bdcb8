/**
 * `vru.passingClearance` (red team 10): overtaking a cyclist (or a person walking) the ego's way on the road leaves
 * at least 1.5 m between the bodies (StVO §5(4)); the ego need only stay able to drop back behind it
 * at the signal budget (3 m/s²). On CARLA Town02's east arm (`testing/realMaps10`: 4 m lanes, the
 * sidewalk mapped as a lane of its own).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { safetyCheck, writeScenes } from './testing/pairCli.ts';
import { agent, type Obj, ped } from './testing/reviewerPairs.ts';
import { type CutMap, egoAt, on, onMap } from './testing/reviewerPairs5.ts';

const t02 = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps10', 't02_t_junction.json'),
    'utf8',
  ),
) as CutMap;
const west = ['5_0_1', '200_0_1', '4_0_1'];
const green = [{ laneIds: ['200_0_1'], phases: [{ fromS: 0, state: 'GREEN' }] }];
const bike = (laneId: string, s: number, leftM: number, v = 5, turn = 0): Obj => {
  const [x, y, h] = on(t02, laneId, s, leftM);
  return agent('c1', 'cyclist', x, y, h + turn, v, { L: 1.8, W: 0.6 }, { subclass: 'bicycle' });
};
const walker = (s: number, leftM: number): Obj => {
  const [x, y, h] = on(t02, '5_0_1', s, leftM);
  return ped('w1', x, y, h, 1.3);
};
const at = (frontS: number, v: number, agents: Obj[]) =>
  onMap(t02, egoAt(t02, '5_0_1', frontS, v), west, { signals: green, agents });
const scenes = new Map<string, Obj>([
  // at the kerb of the own lane 25 m ahead (its body 1.25 m from the ego shifted 0.85 m left)
  ['kerb25.json', at(20, 11, [bike('5_0_1', 45, -1.85)])],
  // the same 45 m ahead: a later check can still hold the ego back
  ['kerb45.json', at(20, 11, [bike('5_0_1', 65, -1.85)])],
  // riding on the sidewalk (a lane of its own in this map)
  ['sidewalk.json', at(20, 11, [bike('5_0_3', 45, 0)])],
  // oncoming at the far kerb
  ['oncoming.json', at(20, 11, [bike('5_0_-1', 25.5, -1.7)])],
  // riding at the ego's speed
  ['sameSpeed.json', at(20, 5, [bike('5_0_1', 45, -1.85)])],
  // a person walking the ego's way at the road's edge (no pavement there)
  ['walker.json', at(20, 11, [walker(45, -1.85)])],
]);
// the same road out of town: every lane of a rural road (the map's `roadClass`), or of no class
// given but a 70 km/h limit — the ego's lane widened to 5 m (5.6 m) so that a cyclist 2 m right of
// its centre is 1.9 m (2.2 m) from the ego shifted 1.35 m (1.65 m) left
const classed = (extra: Obj, widthM = 5): CutMap => ({
  ...t02,
  lanes: t02.lanes.map((l) => ({ ...l, ...extra, ...(l['id'] === '5_0_1' ? { widthM } : {}) })),
});
const rural = classed({ roadClass: 'rural' });
const fast = classed({ speedLimitMps: 19.4 });
const town = classed({ roadClass: 'town', speedLimitMps: 19.4 });
const ruralWide = classed({ roadClass: 'rural' }, 5.6);
const bikeOn = (m: CutMap, s: number, leftM: number): Obj => {
  const [x, y, h] = on(m, '5_0_1', s, leftM);
  return agent('c1', 'cyclist', x, y, h, 5, { L: 1.8, W: 0.6 }, { subclass: 'bicycle' });
};
for (const [name, m] of [
  ['kerbTown17.json', t02],
  ['kerbRural17.json', rural],
  ['kerbFast17.json', fast],
  ['kerbTownFast17.json', town],
  ['kerbRural22.json', ruralWide],
] as const)
  scenes.set(
    name,
    onMap(m, egoAt(m, '5_0_1', 20, 11), west, {
      signals: green,
      agents: [bikeOn(m, 45, -2)],
    }),
  );
const DIR = writeScenes('passclear', scenes);
const rule = async (file: string, offsetM: number) =>
  (
    JSON.parse(
      (await safetyCheck(join(DIR, file), { speed: 'KEEP', path: 'FOLLOW_LANE', lateralOffsetM: offsetM }))
        .text,
    ) as { rules: { rule: string; decision: string; values: Record<string, unknown> }[] }
  ).rules.find((r) => r.rule === 'vru.passingClearance')!;

describe('vru.passingClearance: a cyclist is overtaken with 1.5 m or not at all', () => {
  it('refuses overtaking a cyclist at the kerb 1.25 m off at 11 m/s (shifted 0.85 m left in a 4 m lane); it stays behind', async () => {
    const r = await rule('kerb25.json', 0.85);
    expect(r.decision).toBe('MODIFY');
    expect(r.values['clearanceM']).toBeLessThan(1.5);
  });
  it('leaves a cyclist 45 m ahead to later checks (a drop back at 3 m/s² is still open at the horizon)', async () => {
    expect((await rule('kerb45.json', 0.85)).decision).toBe('ALLOW');
  });
  it('does not count a cyclist on a sidewalk or cycle track the map gives as its own lane, nor one coming the other way', async () => {
    expect((await rule('sidewalk.json', 0.85)).decision).toBe('ALLOW');
    expect((await rule('oncoming.json', 0.85)).decision).toBe('ALLOW');
  });
  it('counts a person walking the ego’s way on the road the same (StVO §5(4): pedestrians too)', async () => {
    expect((await rule('walker.json', 0.85)).decision).toBe('MODIFY');
  });
  it('does not count a cyclist ridden at the ego’s speed (no overtake)', async () => {
    expect((await rule('sameSpeed.json', 0.85)).decision).toBe('ALLOW');
  });
  it('asks 2 m out of town (StVO §5(4)): the map’s road class, else a limit above 50 km/h', async () => {
    const town17 = await rule('kerbTown17.json', 1.35);
    expect(town17.decision).toBe('ALLOW');
    const rural17 = await rule('kerbRural17.json', 1.35);
    expect(rural17.decision).toBe('MODIFY');
    expect(rural17.values['clearanceM']).toBeGreaterThan(1.5);
    expect(rural17.values['needM']).toBe(2);
    // no class given, 70 km/h posted: out of town; a town road posted at 70 km/h stays in town
    expect((await rule('kerbFast17.json', 1.35)).decision).toBe('MODIFY');
    expect((await rule('kerbTownFast17.json', 1.35)).decision).toBe('ALLOW');
    // 2.2 m off on the rural road: enough
    expect((await rule('kerbRural22.json', 1.65)).decision).toBe('ALLOW');
  });
});
