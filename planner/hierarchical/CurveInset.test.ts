import { describe, expect, it } from 'vitest';
import { inLaneOffsetLimitM, Polyline, type Vec2 } from '../../core/index.ts';
import { type CurveInsetInput, curveInset, curveInsetM } from './CurveInset.ts';

/** A straight run of `leadM`, then a bend of `radiusM` through `turnRad` (left +), then straight on. */
function bendLine(radiusM: number, turnRad: number, leadM = 30): Polyline {
  const pts: Vec2[] = [];
  for (let x = -leadM; x < 0; x += 1) pts.push({ x, y: 0 });
  const side = Math.sign(turnRad);
  const n = Math.ceil((Math.abs(turnRad) * radiusM) / 0.5);
  for (let k = 0; k <= n; k++) {
    const a = (k / n) * Math.abs(turnRad);
    pts.push({ x: radiusM * Math.sin(a), y: side * radiusM * (1 - Math.cos(a)) });
  }
  const end = pts[pts.length - 1]!;
  for (let t = 1; t <= 30; t += 1)
    pts.push({ x: end.x + t * Math.cos(turnRad), y: end.y + t * Math.sin(turnRad) });
  return new Polyline(pts);
}

// the car of esmini's traffic_lights.xosc: 5.176 × 2.297 m, rear axle 1.461 m behind the centre
const CAR = { frontM: 1.461 + 5.176 / 2, widthM: 2.297 };
const input = (line: Polyline, over: Partial<CurveInsetInput> = {}): CurveInsetInput => ({
  line,
  laneWidthAt: () => 3.5,
  fromSM: 5,
  lookM: 40,
  frontM: CAR.frontM,
  widthM: CAR.widthM,
  egoLaneWidthM: 3.5,
  marginM: 0.15,
  curvatureWindowM: 4,
  ...over,
});

describe('curveInsetM', () => {
  it('runs the rear axle toward the inside of a tight left turn far enough to keep the outer front corner in the lane', () => {
    const inset = curveInsetM(input(bendLine(9.9, Math.PI / 2)));
    expect(inset).toBeGreaterThan(0);
    // on the bend's radius (the windowed curvature reads the arc's own), the outer front corner
    // swept round at √((R − δ + w/2)² + l_f²) ends at least the margin inside the edge R + W/2
    const r = 9.9 - inset;
    expect(Math.hypot(r + CAR.widthM / 2, CAR.frontM)).toBeLessThanOrEqual(9.9 + 1.75 - 0.15 + 1e-9);
    // and on the centreline it would not
    expect(Math.hypot(9.9 + CAR.widthM / 2, CAR.frontM)).toBeGreaterThan(9.9 + 1.75);
  });

  it('insets a right turn to the right', () => {
    expect(curveInsetM(input(bendLine(9.9, -Math.PI / 2)))).toBeLessThan(0);
  });

  it('leaves a wide bend and a straight road on the centreline', () => {
    expect(curveInsetM(input(bendLine(40, Math.PI / 2)))).toBe(0);
    expect(curveInsetM(input(bendLine(9.9, 0)))).toBe(0);
  });

  it('ignores a bend beyond the window, and one the rear axle has passed', () => {
    expect(curveInsetM(input(bendLine(9.9, Math.PI / 2, 80), { fromSM: 0, lookM: 40 }))).toBe(0);
    expect(curveInsetM(input(bendLine(9.9, Math.PI / 2), { fromSM: 50 }))).toBe(0);
  });

  it('in an S-bend, insets toward the inside of the first bend, not the outside', () => {
    // a left bend of 9.9 m from s = 30, then a right one of 9.9 m back to the first heading
    const R = 9.9;
    const pts: Vec2[] = [];
    for (let x = -30; x < 0; x += 1) pts.push({ x, y: 0 });
    const n = Math.ceil(((Math.PI / 2) * R) / 0.5);
    for (let k = 0; k <= n; k++) {
      const a = (k / n) * (Math.PI / 2);
      pts.push({ x: R * Math.sin(a), y: R * (1 - Math.cos(a)) });
    }
    for (let k = 1; k <= n; k++) {
      const a = (k / n) * (Math.PI / 2);
      pts.push({ x: 2 * R - R * Math.cos(a), y: R + R * Math.sin(a) });
    }
    const e = pts[pts.length - 1]!;
    for (let t = 1; t <= 30; t++) pts.push({ x: e.x + t, y: e.y });
    const line = new Polyline(pts);
    // both bends in the window, and the rear axle in the left one: inset left
    for (const fromSM of [15, 25, 35])
      expect(curveInsetM(input(line, { fromSM })), `from ${fromSM}`).toBeGreaterThan(0);
    // past the left bend, in the right one: inset right
    expect(curveInsetM(input(line, { fromSM: 50 }))).toBeLessThan(0);
  });

  it('leaves a bend whose outer corner stays on the drivable area (a junction paved beyond the lane)', () => {
    const line = bendLine(9.9, Math.PI / 2);
    expect(curveInsetM(input(line, { drivable: () => true }))).toBe(0);
    // paved only out to the lane edge (the bend's centre at (0, 9.9)): the inset stands
    const toEdge = (x: number, y: number) => x < 0 || Math.hypot(x, y - 9.9) <= 9.9 + 1.75;
    expect(curveInsetM(input(line, { drivable: toEdge }))).toBeGreaterThan(0);
  });

  it("ends a left turn's inset where the rear axle has left the bend, on the straight after it", () => {
    // lead 30 m, arc 9.9·π/2 ≈ 15.6 m: the bend ends at s ≈ 45.6
    const line = bendLine(9.9, Math.PI / 2);
    const bendEnd = 30 + (9.9 * Math.PI) / 2;
    for (const fromSM of [5, 20, 35, 44]) {
      const c = curveInset(input(line, { fromSM }));
      expect(c.offsetM, `from ${fromSM}`).toBeGreaterThan(0);
      // no earlier than the bend's end (the corner needs it while the rear axle is in the bend), and
      // no later than the curvature window's half past it and a sample step
      expect(c.endSM!, `from ${fromSM}`).toBeGreaterThanOrEqual(bendEnd);
      expect(c.endSM!, `from ${fromSM}`).toBeLessThanOrEqual(bendEnd + 4 / 2 + 1);
    }
    // sought past the window too: from 5 m with a 30 m window (to 35 m), the bend runs on beyond it
    expect(curveInset(input(line, { fromSM: 5, lookM: 30 })).endSM).toBe(
      curveInset(input(line, { fromSM: 5 })).endSM,
    );
    // the rear axle past it: no inset, no end
    expect(curveInset(input(line, { fromSM: bendEnd + 3 }))).toEqual({ offsetM: 0 });
  });

  it('holds the inset without an end where the bend goes on past the search (a long circle)', () => {
    // three and a half turns of a 9.9 m circle (218 m of bend, lifted 1 mm a sample so that the
    // turns do not lie on one another): beyond the 10 m window and the 200 m sought past it
    const pts: Vec2[] = [];
    for (let x = -30; x < 0; x += 1) pts.push({ x, y: 0 });
    const n = Math.ceil((7 * Math.PI * 9.9) / 0.5);
    for (let k = 0; k <= n; k++) {
      const a = (k / n) * 7 * Math.PI;
      pts.push({ x: 9.9 * Math.sin(a), y: 9.9 * (1 - Math.cos(a)) + k * 1e-3 });
    }
    const c = curveInset(input(new Polyline(pts), { fromSM: 25, lookM: 10 }));
    expect(c.offsetM).toBeGreaterThan(0);
    expect(c.endSM).toBeUndefined();
  });

  it("in an S-bend, ends the first bend's inset before the second bend needs the other side", () => {
    const R = 9.9;
    const pts: Vec2[] = [];
    for (let x = -30; x < 0; x += 1) pts.push({ x, y: 0 });
    const n = Math.ceil(((Math.PI / 2) * R) / 0.5);
    for (let k = 0; k <= n; k++) {
      const a = (k / n) * (Math.PI / 2);
      pts.push({ x: R * Math.sin(a), y: R * (1 - Math.cos(a)) });
    }
    for (let k = 1; k <= n; k++) {
      const a = (k / n) * (Math.PI / 2);
      pts.push({ x: 2 * R - R * Math.cos(a), y: R + R * Math.sin(a) });
    }
    const line = new Polyline(pts);
    const c = curveInset(input(line, { fromSM: 15 }));
    expect(c.offsetM).toBeGreaterThan(0);
    // the left bend ends at 30 + R·π/2 ≈ 45.6: the end lies within the window's half and a step of it
    expect(Math.abs(c.endSM! - (30 + (R * Math.PI) / 2))).toBeLessThanOrEqual(4 / 2 + 1);
  });

  it('never asks for more than the in-lane offset limit', () => {
    const inset = curveInsetM(input(bendLine(5, Math.PI / 2)));
    expect(inset).toBeCloseTo(inLaneOffsetLimitM(3.5, CAR.widthM), 9);
  });
});
