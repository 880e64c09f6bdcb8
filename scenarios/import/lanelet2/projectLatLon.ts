/**
 * WGS84 lat/lon → local east/north metres around an origin: a local tangent-plane approximation
 * with the ellipsoid's meridian (M) and prime-vertical (N) radii of curvature at the origin.
 * Error grows with the square of the distance (≈ 1 cm at 1 km from the origin at mid latitudes),
 * enough for the map extents Lanelet2 files cover; Autoware maps carry local_x/local_y and skip it.
 */
import type { Vec2 } from '../../../core/index.ts';

/** WGS84 semi-major axis, m, and first eccentricity squared (NIMA TR8350.2). */
const A_M = 6378137;
const E2 = 6.69437999014e-3;

export interface LatLonOrigin {
  latDeg: number;
  lonDeg: number;
}

export function projectLatLon(latDeg: number, lonDeg: number, o: LatLonOrigin): Vec2 {
  const lat0 = (o.latDeg * Math.PI) / 180;
  const s = Math.sin(lat0);
  const w = Math.sqrt(1 - E2 * s * s);
  const n = A_M / w;
  const m = (A_M * (1 - E2)) / (w * w * w);
  return {
    x: (((lonDeg - o.lonDeg) * Math.PI) / 180) * n * Math.cos(lat0),
    y: (((latDeg - o.latDeg) * Math.PI) / 180) * m,
  };
}
