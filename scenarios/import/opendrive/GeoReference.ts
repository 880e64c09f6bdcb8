/**
 * The geodetic origin of an OpenDRIVE map: the PROJ string of `<header><geoReference>` (ASAM
 * OpenDRIVE 1.8 §6.3) split into its parameters, so that a user can tell which projection the
 * map's x, y are in (for lat/lon conversion with a PROJ library).
 */

/** `+key=value` parameters of a PROJ string; numeric values as numbers, bare flags as `true`. */
export type GeoReference = Record<string, string | number | boolean>;

/**
 * Parses a PROJ string (`+proj=utm +lat_0=37.35 +zone=32 +no_defs`) into its parameters; undefined
 * for an empty string. Values that read fully as a number become numbers (lat_0, lon_0 in degrees,
 * x_0, y_0 in metres, k_0 and zone without unit); others stay strings.
 */
export function parseGeoReference(proj: string | undefined): GeoReference | undefined {
  const text = (proj ?? '').trim();
  if (!text) return undefined;
  const out: GeoReference = {};
  for (const token of text.split(/\s+/)) {
    const t = token.replace(/^\+/, '');
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq < 0) {
      out[t] = true;
      continue;
    }
    const key = t.slice(0, eq);
    const value = t.slice(eq + 1);
    const n = Number(value);
    out[key] = value !== '' && Number.isFinite(n) ? n : value;
  }
  return out;
}

/**
 * The header's `<offset>` (OpenDRIVE 1.6+): where the map's local x, y, z sit in the projected frame
 * of the geoReference. ASAM OpenDRIVE 1.8 §8.5: x_world = x·cos(hdg) − y·sin(hdg) + x_offset,
 * y_world = x·sin(hdg) + y·cos(hdg) + y_offset, z_world = z + z_offset, applied before PROJ.
 * A plain OpenDRIVE import keeps the map's own coordinates, as libOpenDRIVE (which does not read
 * the element) does. esmini's RoadManager moves the map by it, in its own order (shift by x, y, then
 * rotate by hdg: `esminiOffsetPoint`), and every OpenSCENARIO WorldPosition with it; an OpenSCENARIO
 * import reads the map that way (OpenDriveOptions.headerOffset 'esmini'), to stay in the frame of
 * esmini's output.
 */
export interface GeoOffset {
  x: number;
  y: number;
  z: number;
  hdg: number;
}

/** A local map point in the projected (geoReference) frame, by the header offset (§8.5). */
export function toProjectedFrame(
  o: GeoOffset,
  x: number,
  y: number,
  z = 0,
): { x: number; y: number; z: number } {
  const c = Math.cos(o.hdg);
  const s = Math.sin(o.hdg);
  return { x: x * c - y * s + o.x, y: x * s + y * c + o.y, z: z + o.z };
}
