/**
 * A Lanelet2 velocity attribute (`speed_limit` on a lanelet or a speed-limit regulatory element) in
 * m/s, read as lanelet2_core's `Attribute::asVelocity` reads it (lanelet2_core/src/Attribute.cpp):
 * a plain number is km/h; a number followed by a unit is taken in `m/s` / `mps`, `km/h` / `kmh` or
 * `mph` / `m/h` (so "10 km/h", "30mph", "8.5 m/s"); anything else is no velocity.
 */

const KMH_MPS = 1 / 3.6;
/** International mile per hour, m/s (1609.344 m / 3600 s). */
const MPH_MPS = 1609.344 / 3600;

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const WITH_UNIT = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(m\/s|mps|km\/h|kmh|mph|m\/h)$/;
const UNIT_MPS: Record<string, number> = {
  'm/s': 1,
  mps: 1,
  'km/h': KMH_MPS,
  kmh: KMH_MPS,
  mph: MPH_MPS,
  'm/h': MPH_MPS,
};

/** The value in m/s (it may be zero or negative: the caller judges it), or undefined when unreadable. */
export function laneletVelocityMps(value: string): number | undefined {
  const v = value.trim();
  if (PLAIN.test(v)) return Number(v) * KMH_MPS;
  const m = WITH_UNIT.exec(v);
  return m ? Number(m[1]) * UNIT_MPS[m[2]!]! : undefined;
}
