import { describe, expect, it } from 'vitest';
import { unwrap } from '../../../core/index.ts';
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
    const p = unwrap(g.pose('7', 10, 2));
    const pitch = -Math.atan(0.1);
    // Lateral vector (0, 2, 0) rotated by Rz(0) Ry(pitch) Rx(0.05).
    expect(p.x).toBeCloseTo(10 + 2 * Math.sin(pitch) * Math.sin(0.05), 9);
    expect(p.y).toBeCloseTo(2 * Math.cos(0.05), 9);
    expect(p.z).toBeCloseTo(2 + 2 * Math.cos(pitch) * Math.sin(0.05), 9);
    expect(p.pRoad).toBeCloseTo(pitch, 12);
    expect(p.rRoad).toBeCloseTo(0.05, 12);
  });

  it('reports an s beyond the road as an error naming the road and its s range, not a clamped pose', () => {
    const g = slopedRoad();
    const past = g.pose('7', 100.5, 0);
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.error.message).toBe('s 100.5 is beyond road 7 (s from 0 to 100 m)');
    expect(g.pose('7', -0.2, 0).ok).toBe(false);
    expect(g.pose('8', 10, 0).ok).toBe(false);
    // Both ends themselves are on the road.
    expect(unwrap(g.pose('7', 100, 0)).x).toBeCloseTo(100, 9);
    expect(unwrap(g.pose('7', 0, 0)).x).toBeCloseTo(0, 9);
  });

  it('reports the curvature at an s beyond the road as an error, not the curvature at its end', () => {
    const xodr = straightRoadXodr({ lengthM: 50 }).replace('<line/>', '<arc curvature="0.02"/>');
    const g = unwrap(parseOpenDrive(xodr, 'arc.xodr')).geometry;
    expect(unwrap(g.curvature('7', 50))).toBeCloseTo(0.02, 12);
    const past = g.curvature('7', 50.5);
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.error.message).toBe('s 50.5 is beyond road 7 (s from 0 to 50 m)');
    expect(g.curvature('7', -1).ok).toBe(false);
    expect(g.curvature('8', 1).ok).toBe(false);
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

  it('marks the outermost road lane of each side as the road edge, and the centre lane where a side has none', () => {
    const both = parseOpenDrive(straightRoadXodr(), 'both.xodr');
    const rightOnly = parseOpenDrive(straightRoadXodr().replace(/<left>.*<\/left>/, ''), 'right.xodr');
    if (!both.ok || !rightOnly.ok) throw new Error('parse failed');
    expect(both.value.geometry.roadEdgeLaneIds('7', 0).sort()).toEqual([-2, 1].sort());
    expect(rightOnly.value.geometry.roadEdgeLaneIds('7', 0).sort()).toEqual([-2, 0].sort());
  });
});
