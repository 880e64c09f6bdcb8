import { describe, expect, test } from 'vitest';
import { drivableAreaCompliance } from './drivableArea.ts';
import { egoTrack } from './egoTrack.ts';
import { assignLanes } from './laneAssignment.ts';
import { cruise, makeLog, metricMap, straightRoad } from './testFixtures.ts';

/*
 * The straight road's drivable strip is y ∈ [−1.75, 5.25]; the Pacifica's half width is 1.1485 m,
 * so a rear axle at y puts the right-hand corners at y − 1.1485.
 */
const HALF_WIDTH = 2.297 / 2;

function drivable(y: number) {
  const mm = metricMap(straightRoad());
  const track = egoTrack(makeLog(cruise(5, 50, y, 5)));
  return drivableAreaCompliance(mm, track, assignLanes(mm, track.cx, track.cy, track.corners));
}

describe('drivable_area_compliance', () => {
  test('ego inside its lane scores 1 with no corner outside', () => {
    const r = drivable(0);
    expect(r.score).toBe(1);
    expect(r.cornersOutside).toEqual([0, 0, 0, 0, 0]);
  });

  test('right corners 0.2 m outside the road are outside but not far: score 1', () => {
    const r = drivable(-1.75 - 0.2 + HALF_WIDTH);
    expect(r.cornersOutside).toEqual([2, 2, 2, 2, 2]);
    expect(r.score).toBe(1);
    expect(r.firstFarTick).toBeNull();
  });

  test('right corners 0.5 m outside the road are far: score 0', () => {
    const r = drivable(-1.75 - 0.5 + HALF_WIDTH);
    expect(r.cornersOutside).toEqual([2, 2, 2, 2, 2]);
    expect(r.score).toBe(0);
    expect(r.firstFarTick).toBe(0);
  });

  test('a single far tick latches the violation', () => {
    const mm = metricMap(straightRoad());
    const egos = cruise(5, 50, 0, 5);
    egos[2] = { ...egos[2]!, y: -1.75 - 0.5 + HALF_WIDTH };
    const track = egoTrack(makeLog(egos));
    const r = drivableAreaCompliance(mm, track, assignLanes(mm, track.cx, track.cy, track.corners));
    expect(r.cornersOutside).toEqual([0, 0, 2, 0, 0]);
    expect(r.firstFarTick).toBe(2);
    expect(r.score).toBe(0);
  });
});
