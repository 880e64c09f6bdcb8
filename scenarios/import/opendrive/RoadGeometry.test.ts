import { describe, expect, it } from 'vitest';
import { parseOpenDrive } from './index.ts';
import { bodyOrientation, wrap2Pi } from './RoadGeometry.ts';
import { straightRoadXodr } from './testRoads.ts';

/** The straight test road with a slope (z = 1 + 0.1 s) and a constant superelevation of 0.05 rad. */
function slopedRoad() {
  const xodr = straightRoadXodr({ lengthM: 100 }).replace(
    '<lanes>',
    '<elevationProfile><elevation s="0" a="1" b="0.1" c="0" d="0"/></elevationProfile>' +
      '<lateralProfile><superelevation s="0" a="0.05" b="0" c="0" d="0"/></lateralProfile><lanes>',
  );
  const r = parseOpenDrive(xodr, 'sloped.xodr');
  if (!r.ok) throw new Error(r.error.message);
  return r.value.geometry;
}

describe('RoadGeometry', () => {
  it('puts a point at (s, t) on the elevated, banked road surface', () => {
    const g = slopedRoad();
    const p = g.pose('7', 10, 2)!;
    const pitch = -Math.atan(0.1);
    // Lateral vector (0, 2, 0) rotated by Rz(0) Ry(pitch) Rx(0.05).
    expect(p.x).toBeCloseTo(10 + 2 * Math.sin(pitch) * Math.sin(0.05), 9);
    expect(p.y).toBeCloseTo(2 * Math.cos(0.05), 9);
    expect(p.z).toBeCloseTo(2 + 2 * Math.cos(pitch) * Math.sin(0.05), 9);
    expect(p.pRoad).toBeCloseTo(pitch, 12);
    expect(p.rRoad).toBeCloseTo(0.05, 12);
  });

  it('measures LanePosition s along the reference line and finds the lane centre by width', () => {
    const g = slopedRoad();
    expect(g.laneCenterT('7', -2, 30)).toEqual({ tM: -5.25, widthM: 3.5 });
    expect(g.laneCenterT('7', 1, 30)).toEqual({ tM: 1.75, widthM: 3.5 });
    expect(g.laneCenterT('7', -3, 30)).toBeUndefined();
    expect(g.laneIdsAt('7', 30)).toEqual([1, -1, -2]);
  });

  it('maps a world point back to road, lane and offset', () => {
    const g = slopedRoad();
    const c = g.worldToRoad(42, -5)!;
    expect(c.roadId).toBe('7');
    expect(c.sM).toBeCloseTo(42, 9);
    expect(c.tM).toBeCloseTo(-5, 9);
    expect(c.laneId).toBe(-2);
    expect(c.offsetM).toBeCloseTo(0.25, 9);
  });

  it('gives a body driving against s the road pitch and roll with flipped signs', () => {
    const o = bodyOrientation(0, -0.1, 0.05, Math.PI);
    expect(o.h).toBeCloseTo(Math.PI, 9);
    expect(o.p).toBeCloseTo(0.1, 9);
    expect(o.r).toBeCloseTo(wrap2Pi(-0.05), 9);
  });
});
