import { describe, expect, it } from 'vitest';
import { Polyline } from '../../../core/index.ts';
import { PdmPath } from './PdmPath.ts';

describe('PdmPath', () => {
  const line = new Polyline([
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
  ]);
  const path = PdmPath.fromPolyline(line);
  const pose = { x: 0, y: 0, headingRad: 0 };
  const f = { sM: 0, dM: 0, segment: 0 };

  it('interpolates position and unwrapped heading, clipping progress to the path', () => {
    path.interpolate(5, pose);
    expect([pose.x, pose.y]).toEqual([5, 0]);
    expect(pose.headingRad).toBeCloseTo(Math.PI / 8, 12); // halfway to the corner's mean heading π/4
    path.interpolate(99, pose);
    expect([pose.x, pose.y]).toEqual([10, 10]);
    path.interpolate(-3, pose);
    expect(pose.x).toBeCloseTo(1e-5, 12);
  });

  it('projects onto the closest point with a signed lateral offset', () => {
    expect(path.project(4, 1, f)).toBeCloseTo(4, 12);
    expect(f.dM).toBeCloseTo(1, 12);
    expect(path.project(4, -2, f)).toBeCloseTo(4, 12);
    expect(f.dM).toBeCloseTo(-2, 12);
    expect(path.project(-5, 0, f)).toBe(0); // clamped (shapely project)
  });

  it('offsets each vertex along its heading normal (parallel_discrete_path)', () => {
    const left = path.offset(1);
    expect([left.xs[0], left.ys[0]]).toEqual([0, 1]);
    // Corner vertex heading π/4 → shifted along 3π/4.
    expect(left.xs[1]).toBeCloseTo(10 - Math.SQRT1_2, 12);
    expect(left.ys[1]).toBeCloseTo(Math.SQRT1_2, 12);
  });
});
