import { describe, expect, it } from 'vitest';
import type { Lane } from '../../core/index.ts';
import { RoadMap } from '../../core/map/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import { mapGeometry } from './mapGeometry.ts';

const base = { type: 'driving' as const, widthM: 3.5, speedLimitMps: 13, successors: [], predecessors: [] };
const seg = (y: number, x0: number, x1: number) => [
  { x: x0, y },
  { x: x1, y },
];

function geometry(lanes: Lane[]) {
  const m = RoadMap.fromData({ id: 't', lanes });
  if (!m.ok) throw new Error(m.error.message);
  return mapGeometry(m.value);
}

describe('mapGeometry boundary lines', () => {
  it('draws a line shared by two opposite lanes once, per stretch of its marking, in its colour', () => {
    const g = geometry([
      {
        ...base,
        id: 'A',
        centerline: seg(0, 0, 100),
        left: { laneId: 'B', changeAllowed: false, opposite: true },
        leftBoundary: 'solid',
        rightBoundary: 'curb',
        leftMarks: [
          { sM: 0, type: 'solid_broken', color: 'yellow' },
          { sM: 40, type: 'broken', color: 'yellow', widthM: 0.12, dashM: 3, gapM: 9 },
        ],
      },
      {
        ...base,
        id: 'B',
        centerline: seg(3.5, 100, 0),
        left: { laneId: 'A', changeAllowed: true, opposite: true },
        leftBoundary: 'solid',
        rightBoundary: 'none',
      },
    ]);
    const a = g.lanes.find((l) => l.id === 'A')!;
    const b = g.lanes.find((l) => l.id === 'B')!;
    // A draws the centre line (two stretches) and its curb; B only its right edge, which is none
    expect(a.marks.map((m) => [m.type, m.color, m.pts[0], m.pts.at(-2)])).toEqual([
      ['solid_broken', 'yellow', 0, 40],
      ['broken', 'yellow', 40, 100],
      ['curb', 'white', 0, 100],
    ]);
    expect(a.marks[0]!.pts[1]).toBeCloseTo(1.75, 9);
    expect(a.marks[1]).toMatchObject({ widthM: 0.12, dashM: 3, gapM: 9, laneOnLeft: false });
    expect(a.marks[2]).toMatchObject({ widthM: 0.15, dashM: 3, gapM: 6, laneOnLeft: true });
    expect(b.marks).toEqual([]);
  });

  it('keeps the yellow line between opposite lanes of a map without markings of its own (broken where dashed)', () => {
    const g = geometry([
      {
        ...base,
        id: 'A',
        centerline: seg(0, 0, 50),
        left: { laneId: 'B', changeAllowed: true, opposite: true },
        leftBoundary: 'dashed',
        rightBoundary: 'solid',
      },
      {
        ...base,
        id: 'B',
        centerline: seg(3.5, 50, 0),
        left: { laneId: 'A', changeAllowed: true, opposite: true },
        leftBoundary: 'dashed',
        rightBoundary: 'solid',
      },
    ]);
    expect(g.lanes[0]!.marks.map((m) => [m.type, m.color])).toEqual([
      ['broken', 'yellow'],
      ['solid', 'white'],
    ]);
    expect(g.lanes[1]!.marks.map((m) => [m.type, m.color])).toEqual([['solid', 'white']]);
  });

  it('draws a same-direction shared boundary once, and nothing in junctions', () => {
    const loaded = loadScenario('cut_in');
    if (!loaded.ok) throw new Error(loaded.error.message);
    const map = loaded.value.map;
    const g = mapGeometry(map);
    for (const l of map.lanes) {
      const n = l.data.left;
      const drawn = g.lanes.find((x) => x.id === l.data.id)!.marks;
      const leftDrawn = drawn.some((m) => !m.laneOnLeft);
      if (l.data.junctionId !== undefined) expect(drawn).toEqual([]);
      else if (n && !n.opposite && map.lane(n.laneId)?.data.right?.laneId === l.data.id)
        expect(leftDrawn).toBe(false);
    }
    const total = g.lanes.reduce((k, l) => k + l.marks.length, 0);
    expect(total).toBeGreaterThan(0);
  });
});
