/**
 * The one place where importers and bridges decide that a number read from a file is not a physical quantity:
 * non-finite (`NaN`, `Infinity`, `1e400`) or absurd (`1e308` as a coordinate). Every importer asks
 * `implausible(value, kind)` with the kind of quantity it reads and reports the answer naming the
 * file's own element / attribute, so `x="1e308"` in an .xosc is one line and exit 2 rather than a
 * silent score (review ux21 #4).
 *
 * Bounds (absolute values; our choice, wide enough for every real file we hold):
 * - coordinate: |v| ≤ 1e7 m. UTM northings reach 1e7 m (the southern hemisphere's false
 *   northing), nuPlan's logs sit at ≈ 4.6e6 m, CARLA towns within 1e4 m; beyond 1e7 m a double
 *   still resolves 2e-9 m, but no map of ours is there: a value past it is a unit slip or garbage.
 * - dimension (a body's length / width / height): 0 < v ≤ 100 m (a road train is ≈ 53 m).
 *   esmini takes 0 (a MiscObject with `width="0.0"` in its examples): ≤ 0 is a note, not an error,
 *   where the reader has a default for it.
 * - extent (a static object or a map element's size): 0 ≤ v ≤ 1e4 m (a 200 m wall is in esmini's
 *   MiscObject catalog).
 * - offset (a point on a body, e.g. BoundingBox Center): |v| ≤ 100 m.
 * - speed: |v| ≤ 150 m/s (540 km/h, above any road vehicle's top speed).
 * - angle: |v| ≤ 1e3 rad (headings are read modulo 2π; files write up to a few turns).
 * - any: finite and |v| ≤ 1e9 (a time, a rate, a coefficient: only garbage is larger).
 */

import { z } from 'zod';

export type Quantity = 'coordinate' | 'dimension' | 'extent' | 'offset' | 'speed' | 'angle' | 'any';

export const PLAUSIBLE_BOUNDS: Readonly<Record<Quantity, { min: number; max: number; unit: string }>> = {
  coordinate: { min: -1e7, max: 1e7, unit: 'm' },
  dimension: { min: 0, max: 100, unit: 'm' },
  extent: { min: 0, max: 1e4, unit: 'm' },
  offset: { min: -100, max: 100, unit: 'm' },
  speed: { min: -150, max: 150, unit: 'm/s' },
  angle: { min: -1e3, max: 1e3, unit: 'rad' },
  any: { min: -1e9, max: 1e9, unit: '' },
};

const LABEL: Record<Quantity, string> = {
  coordinate: 'a coordinate',
  dimension: 'a body dimension',
  extent: "an object's size",
  offset: 'an offset on a body',
  speed: 'a speed',
  angle: 'an angle',
  any: 'a value',
};

/** Why `v` (read as `raw`) is no `kind`, or undefined when it is one. ≤ 0 dimensions: see `nonPositiveDimension`. */
export function implausible(v: number, kind: Quantity, raw?: string): string | undefined {
  const shown = raw !== undefined ? `"${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"` : String(v);
  if (!Number.isFinite(v)) return `${shown} is not a finite number`;
  const b = PLAUSIBLE_BOUNDS[kind];
  if (kind === 'dimension' && v <= 0) return undefined;
  if (v < b.min || v > b.max) {
    const range = b.min === -b.max ? `±${b.max}` : `${b.min}..${b.max}`;
    return `${shown} is outside the plausible range of ${LABEL[kind]} (${range}${b.unit ? ` ${b.unit}` : ''})`;
  }
  return undefined;
}

/** True for a body dimension of 0 or less (esmini accepts it; importers note it and keep their default). */
export function nonPositiveDimension(v: number): boolean {
  return Number.isFinite(v) && v <= 0;
}

/** A finite number within the plausible range of `kind`, as a zod schema (bridges' inputs). */
export function plausibleNumber(kind: Quantity) {
  return z
    .number()
    .finite()
    .superRefine((v, ctx) => {
      const why = implausible(v, kind);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    });
}
