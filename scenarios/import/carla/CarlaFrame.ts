/**
 * CARLA (Unreal, left-handed, yaw in degrees clockwise seen from above) → our map frame (OpenDRIVE,
 * right-handed, radians): x_odr = x, y_odr = −y, heading_odr = −yaw·π/180 (SOURCES.md; CARLA docs
 * "Coordinate system": y is mirrored against OpenDRIVE).
 */
export interface CarlaPose {
  x: number;
  y: number;
  headingRad: number;
}

export function carlaToMap(xCarla: number, yCarla: number, yawDeg = 0): CarlaPose {
  return { x: xCarla, y: -yCarla, headingRad: -((yawDeg * Math.PI) / 180) };
}
