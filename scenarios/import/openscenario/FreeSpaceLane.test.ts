import { describe, expect, it } from 'vitest';
import { FREE_LANE_MIN_WIDTH_M, freeSpaceLaneWidthM, sweptHalfWidthM } from './FreeSpaceLane.ts';

const car = { lengthM: 5.04, widthM: 2.0, centerOffsetM: 1.4 };
// semi_truck_with_extra_trailer_rotating_axle's tractor as the importer reads it (esmini catalog).
const truck = { lengthM: 5.7, widthM: 2.6, centerOffsetM: 1.5 };

/** A reference-point track along a polyline of the given points, heading along each segment. */
function trackAlong(pts: { x: number; y: number }[]) {
  const out: { x: number; y: number; headingRad: number }[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    out.push({ ...a, headingRad: Math.atan2(b.y - a.y, b.x - a.x) });
  }
  return out;
}

/** 20 m straight, a quarter circle of radius r (m) from (0, 0) heading +x turning left, 50 m straight on. */
function quarterTurn(r: number) {
  const pts: { x: number; y: number }[] = [{ x: -20, y: 0 }];
  for (let k = 0; k <= 20; k++) pts.push({ x: k, y: 0 });
  for (let k = 1; k <= 90; k++) {
    const a = (k * Math.PI) / 180;
    pts.push({ x: 20 + r * Math.sin(a), y: r * (1 - Math.cos(a)) });
  }
  for (let k = 1; k <= 50; k++) pts.push({ x: 20 + r, y: r + k });
  return pts;
}

describe('FreeSpaceLane', () => {
  it('keeps the 6 m lane for a 2 m car driving straight', () => {
    // the importer's centreline runs 20 m behind the start and 50 m past the end
    const pts = Array.from({ length: 120 }, (_, k) => ({ x: k - 20, y: 0 }));
    const tr = trackAlong(pts).slice(20, 70);
    expect(sweptHalfWidthM(tr, car, pts)).toBeCloseTo(1, 9);
    expect(freeSpaceLaneWidthM(tr, car, pts)).toBe(FREE_LANE_MIN_WIDTH_M);
  });

  it("widens the lane to a truck's front corner swinging out of a tight turn", () => {
    const pts = quarterTurn(8);
    const tr = trackAlong(pts).slice(0, -40);
    const half = sweptHalfWidthM(tr, truck, pts);
    // the outer front corner of a body 4.35 m ahead of the rear axle on an 8 m radius:
    // sqrt((8 + 1.3)^2 + 4.35^2) - 8 = 2.27 m beside the rear-axle path
    expect(half).toBeGreaterThan(2.2);
    expect(half).toBeLessThan(2.35);
    expect(freeSpaceLaneWidthM(tr, truck, pts)).toBeCloseTo(2 * (half + 2), 9);
  });

  it('is wider for a wider body on the same path', () => {
    const pts = quarterTurn(8);
    const tr = trackAlong(pts).slice(0, -40);
    expect(freeSpaceLaneWidthM(tr, truck, pts)).toBeGreaterThan(freeSpaceLaneWidthM(tr, car, pts));
  });
});
