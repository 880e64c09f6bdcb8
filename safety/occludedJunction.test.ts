/**
 * `situational.occlusion` at a junction (red team 9), on CARLA Town01's T-junction (`testing/realMaps9`):
 * a turn through a junction one of whose other arms a hidden region covers creeps in; going straight
 * past a hidden arm is capped at the hidden-region speed; a right turn is not held for the opposite arm.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { safetyCheck, writeScenes } from './testing/pairCli.ts';
import type { Obj } from './testing/reviewerPairs.ts';
import { type CutMap, egoAt, onMap } from './testing/reviewerPairs5.ts';

const t01 = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps9', 't01_t_junction.json'),
    'utf8',
  ),
) as CutMap;
const KEEP = { speed: 'KEEP', path: 'FOLLOW_LANE' };
const box = (id: string, xy: [number, number][]): Obj => ({
  id,
  polygon: xy.map(([x, y]) => ({ x, y })),
  source: 'structure',
});
// a building on the south-west corner hides the west arm from the stem's mouth (x < 313 on the near lane)
const westHidden = box('bldg', [
  [250, -4.3],
  [313, -4.3],
  [296, 4.3],
  [250, 4.3],
]);
const eastHidden = box('van', [
  [352, 0],
  [384, 0],
  [384, 4],
  [352, 4],
]);
const scenes = new Map<string, Obj>([
  [
    'left6.json',
    onMap(t01, egoAt(t01, '16_0_1', 30, 6), ['16_0_1', '33_0_1', '1_0_-1'], { occlusions: [westHidden] }),
  ],
  ['left6clear.json', onMap(t01, egoAt(t01, '16_0_1', 30, 6), ['16_0_1', '33_0_1', '1_0_-1'])],
  [
    'creep.json',
    onMap(t01, egoAt(t01, '16_0_1', 34, 1.5), ['16_0_1', '33_0_1', '1_0_-1'], { occlusions: [westHidden] }),
  ],
  [
    'right6.json',
    onMap(t01, egoAt(t01, '1_0_1', 150, 6), ['1_0_1', '27_0_1', '16_0_-1'], { occlusions: [eastHidden] }),
  ],
]);
const DIR = writeScenes('occjn', scenes);
const occlusion = async (file: string) => {
  const v = JSON.parse((await safetyCheck(join(DIR, file), KEEP)).text) as {
    decision: string;
    rules: { rule: string; decision: string; values: Record<string, unknown> }[];
  };
  return { decision: v.decision, rule: v.rules.find((r) => r.rule === 'situational.occlusion')! };
};

describe('situational.occlusion at a junction with a hidden arm', () => {
  it('a left turn out of a side road whose view of the main road a building hides creeps in (≤ 2 m/s)', async () => {
    const { rule } = await occlusion('left6.json');
    expect(rule.decision).toBe('MODIFY');
    expect(rule.values['capMps']).toBe(2);
  });
  it('the same turn with the main road in view passes', async () => {
    expect((await occlusion('left6clear.json')).decision).toBe('ALLOW');
  });
  it('a creep at 1.5 m/s into the hidden junction passes', async () => {
    expect((await occlusion('creep.json')).decision).toBe('ALLOW');
  });
  it('a right turn is not held for the opposite arm, whose traffic turning into the same exit yields', async () => {
    expect((await occlusion('right6.json')).rule.decision).toBe('ALLOW');
  });
});

/**
 * Left-hand traffic (red team 10, Autoware's Japanese test crossroads in `testing/realMaps10`: each
 * approach has its oncoming lane on its right): the turn across the oncoming lanes is the right turn.
 */
const aw = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), 'testing', 'realMaps10', 'aw_crossroads.json'),
    'utf8',
  ),
) as CutMap;
/** A hedge over the east arm's westbound lane 125 (s 23–52), the arm opposite the west approach. */
const hedge = box('hedge', [
  [3802.0, 73760.2],
  [3776.3, 73746.8],
  [3774.9, 73749.5],
  [3800.6, 73762.9],
]);
const lhtGreen = [{ laneIds: ['52', '53', '54'], phases: [{ fromS: 0, state: 'GREEN' }] }];
const lhtScenes = new Map<string, Obj>([
  [
    'lhtRight.json',
    onMap(aw, egoAt(aw, '9546', 10, 6), ['9546', '9178', '54', '112'], {
      signals: lhtGreen,
      occlusions: [hedge],
    }),
  ],
  [
    'lhtLeft.json',
    onMap(aw, egoAt(aw, '9546', 10, 6), ['9546', '9178', '53', '122'], {
      signals: lhtGreen,
      occlusions: [hedge],
    }),
  ],
]);
const LHT_DIR = writeScenes('occjn-lht', lhtScenes);
const lhtOcclusion = async (file: string) =>
  (
    JSON.parse((await safetyCheck(join(LHT_DIR, file), KEEP)).text) as {
      rules: { rule: string; decision: string; values: Record<string, unknown> }[];
    }
  ).rules.find((r) => r.rule === 'situational.occlusion')!;

describe('situational.occlusion at a junction in left-hand traffic', () => {
  it('a right turn (across the oncoming lanes) past a hidden opposite arm creeps in', async () => {
    const r = await lhtOcclusion('lhtRight.json');
    expect(r.decision).toBe('MODIFY');
    expect(r.values['capMps']).toBe(2);
  });
  it('the near-side left turn is not held for the opposite arm, whose traffic turning into the same exit yields', async () => {
    expect((await lhtOcclusion('lhtLeft.json')).decision).toBe('ALLOW');
  });
});
