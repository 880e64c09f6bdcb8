import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Lane } from '../../../core/index.ts';
import { importLanelet2 } from './index.ts';
import { laneletJunctions } from './laneletJunctions.ts';

const lane = (id: string, pts: [number, number][], extra: Partial<Lane> = {}): Lane => ({
  id,
  type: 'driving',
  centerline: pts.map(([x, y]) => ({ x, y })),
  widthM: 3.5,
  speedLimitMps: 13.9,
  successors: [],
  predecessors: [],
  leftBoundary: 'solid',
  rightBoundary: 'solid',
  ...extra,
});

describe('laneletJunctions (Lanelet2 has no junction primitive)', () => {
  it('makes lanelets whose centrelines cross one junction, with the lanelets leaving the same one', () => {
    const lanes = [
      lane(
        'in',
        [
          [-50, 0],
          [-10, 0],
        ],
        { successors: ['straight', 'right'] },
      ),
      lane(
        'straight',
        [
          [-10, 0],
          [10, 0],
        ],
        { predecessors: ['in'] },
      ),
      lane(
        'right',
        [
          [-10, 0],
          [0, -10],
        ],
        { predecessors: ['in'] },
      ),
      lane('cross', [
        [0, -20],
        [0, 20],
      ]),
      lane(
        'after',
        [
          [10, 0],
          [50, 0],
        ],
        { predecessors: ['straight'] },
      ),
    ];
    const js = laneletJunctions(lanes, new Set());
    expect(js).toEqual([{ id: 'junction:cross' }]);
    const ids = lanes.filter((l) => l.junctionId === 'junction:cross').map((l) => l.id);
    // 'right' crosses nothing (it meets 'cross' at its own end) but leaves 'in' with 'straight'
    expect(ids.sort()).toEqual(['cross', 'right', 'straight']);
    expect(lanes.find((l) => l.id === 'in')!.junctionId).toBeUndefined();
  });

  it('counts no merge or fork (centrelines that only touch at their ends) and no walkway over a road', () => {
    const lanes = [
      lane('a', [
        [0, 0],
        [20, 0],
      ]),
      lane('merge', [
        [0, 5],
        [20, 0],
      ]),
      lane(
        'walk',
        [
          [10, -5],
          [10, 5],
        ],
        { type: 'sidewalk' },
      ),
    ];
    expect(laneletJunctions(lanes, new Set())).toEqual([]);
    expect(lanes.every((l) => l.junctionId === undefined)).toBe(true);
  });

  it("takes Autoware's turn_direction lanelets as junction lanelets", () => {
    const lanes = [
      lane('t1', [
        [0, 0],
        [10, 5],
      ]),
    ];
    expect(laneletJunctions(lanes, new Set(['t1']))).toEqual([{ id: 'junction:t1' }]);
    expect(lanes[0]!.junctionId).toBe('junction:t1');
  });

  it('gives the Autoware vm_02 sample its intersection (its turn_direction lanelets)', () => {
    const r = importLanelet2(
      fileURLToPath(new URL('../../../data/lanelet2/autoware_vm_02.osm', import.meta.url)),
    );
    if (!r.ok) throw new Error(r.error.message);
    const m = r.value.map!;
    expect(m.junctions.length).toBeGreaterThan(0);
    for (const j of m.junctions) expect(m.lanes.some((l) => l.junctionId === j.id)).toBe(true);
  });
});
