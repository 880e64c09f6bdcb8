import { describe, expect, it } from 'vitest';
import { roadMap, scene } from '../stack/testing/safetyScenes.ts';
import { egoLaneOccupied } from './egoLaneOccupied.ts';

// safetyScenes' road: the ego's footprint centre in R0 (3.5 m wide) at s = 20; R1 beside it on the left
const map = roadMap();
const withCar = (s: number, d: number, headingOffRad = 0) =>
  scene({ map, s: 20, agents: [{ id: 'o', lane: 'R1', s, d, speed: 7, dh: headingOffRad }] });

describe('egoLaneOccupied', () => {
  it('a car 1.5 m over the line from the next lane (its outline 0.44 m into the ego’s lane), 40 m ahead: occupied', () => {
    expect(egoLaneOccupied(withCar(60, -1.5))).toBe(true);
  });

  it('the same car back within its own lane: clear', () => {
    expect(egoLaneOccupied(withCar(60, 0))).toBe(false);
  });

  it('its outline turned (0.6 rad) so that only a corner reaches over the line: occupied', () => {
    expect(egoLaneOccupied(withCar(60, -0.5, -0.6))).toBe(true);
  });

  it('a cyclist, a robot, a pedestrian or a static object over the line counts as a car does', () => {
    // review 14 L6: only vehicles counted, so a cyclist in the lane let the MRM ease to b_min
    for (const kind of ['cyclist', 'robot', 'pedestrian', 'static'] as const) {
      const s = scene({ map, s: 20, agents: [{ id: 'o', lane: 'R1', s: 60, d: -1.75, speed: 3, kind }] });
      expect(egoLaneOccupied(s), kind).toBe(true);
    }
  });

  it('far ahead (150 m) or well behind (30 m) the ego: clear', () => {
    expect(egoLaneOccupied(withCar(170, -1.5))).toBe(false);
    expect(egoLaneOccupied(withCar(-10, -1.5))).toBe(false);
  });
});
