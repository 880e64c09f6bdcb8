/**
 * The one place where the map frame meets three.js (STYLE habit 5).
 * Map: x east, y north, z up, heading counter-clockwise from +x (ENU, metres, radians).
 * three.js: y up. So map (x, y, z) ↦ three (x, z, −y), and a map heading h is a rotation of h
 * about three's +y axis (it turns +x towards −z, i.e. towards map north).
 */
import type { Vector3 } from 'three';

/** Writes the three.js position of map point (x, y, z) into `out`. */
export function mapToThree(xM: number, yM: number, zM: number, out: Vector3): Vector3 {
  return out.set(xM, zM, -yM);
}

/** Map x of a three.js point. */
export const threeToMapX = (v: Vector3): number => v.x;
/** Map y of a three.js point. */
export const threeToMapY = (v: Vector3): number => -v.z;

/** Rotation about three's +y that shows a map heading. */
export const headingToYaw = (headingRad: number): number => headingRad;

/**
 * Writes, column-major at `o`, the matrix that places a unit box (x = length, y = height,
 * z = width, centred at the origin) on the ground at map centre (x, y) with `headingRad`, scaled to
 * the footprint and height. No allocation: this runs for every agent every frame.
 */
export function writeBoxMatrix(
  m: Float32Array,
  o: number,
  xM: number,
  yM: number,
  headingRad: number,
  lengthM: number,
  widthM: number,
  heightM: number,
): void {
  const c = Math.cos(headingRad);
  const s = Math.sin(headingRad);
  m[o] = c * lengthM;
  m[o + 1] = 0;
  m[o + 2] = -s * lengthM;
  m[o + 3] = 0;
  m[o + 4] = 0;
  m[o + 5] = heightM;
  m[o + 6] = 0;
  m[o + 7] = 0;
  m[o + 8] = s * widthM;
  m[o + 9] = 0;
  m[o + 10] = c * widthM;
  m[o + 11] = 0;
  m[o + 12] = xM;
  m[o + 13] = heightM / 2;
  m[o + 14] = -yM;
  m[o + 15] = 1;
}

/**
 * Vertices of a flat ribbon of `widthM` along the map polyline `flat` (x0, y0, x1, y1, …) at height
 * `zM`, as three.js positions, two per input point (left, right). Returns the number of points
 * written. `out` must hold 6 floats per point.
 */
export function writeRibbon(
  flat: ArrayLike<number>,
  nPoints: number,
  widthM: number,
  zM: number,
  out: Float32Array,
  /** The ribbon's centre this far left of the polyline (right: negative), m. */
  centreLeftM = 0,
): number {
  const half = widthM / 2;
  const lo = centreLeftM - half;
  const hi = centreLeftM + half;
  for (let i = 0; i < nPoints; i++) {
    const i0 = Math.max(0, i - 1);
    const i1 = Math.min(nPoints - 1, i + 1);
    let dx = flat[2 * i1]! - flat[2 * i0]!;
    let dy = flat[2 * i1 + 1]! - flat[2 * i0 + 1]!;
    const n = Math.hypot(dx, dy) || 1;
    dx /= n;
    dy /= n;
    const x = flat[2 * i]!;
    const y = flat[2 * i + 1]!;
    // Left normal of (dx, dy) in the map frame is (−dy, dx).
    out[6 * i] = x - dy * hi;
    out[6 * i + 1] = zM;
    out[6 * i + 2] = -(y + dx * hi);
    out[6 * i + 3] = x - dy * lo;
    out[6 * i + 4] = zM;
    out[6 * i + 5] = -(y + dx * lo);
  }
  return nPoints;
}
