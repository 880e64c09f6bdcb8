/**
 * OpenSCENARIO LateralDistanceAction as esmini steps it (LatDistanceAction::Start / Step, learnt
 * from its source, no code taken). Two pure step functions; the caller measures and applies.
 * - coordinateSystem entity: the entity steers in the plane towards the line parallel to the
 *   referenced entity's x axis at `distance` to its side, at its own speed. The turn radius comes
 *   from maxAcceleration (1.5 v² / a, at least 0.5 m, a clamped at 1000 m/s²), the heading change
 *   per step is limited to 1.5 v / r · dt; far from the line it heads straight for its foot point,
 *   within the radius it blends (smoothstep) from aiming at it to the reference's heading, and
 *   within half a step of it it lands on the line. Without maxAcceleration it jumps onto the line.
 *   esmini never ends this mode.
 * - coordinateSystem road: the lateral error is measured along the road network (Position::Delta's
 *   dt, the side mirrored when the two face opposite ways). Without constraints the entity is set at
 *   the distance every step (rigid); with maxAcceleration a critically damped spring (tension
 *   0.4 · maxAcceleration) drives its lateral speed (limited by maxSpeed and its speed); with
 *   maxSpeed (or maxDeceleration) alone it moves sideways at that speed until it reaches the
 *   distance. The longitudinal speed is what is left of the speed. A non-continuous action ends
 *   within LATERAL_DISTANCE_THRESHOLD of the distance (rigid and spring) or on reaching it.
 */

/** esmini's SMALL_NUMBER / LARGE_NUMBER (CommonMini.hpp). */
const SMALL = 1e-6;
export const LAT_DIST_UNLIMITED = 1e10;
/** esmini LATERAL_DISTANCE_THRESHOLD (OSCPrivateAction.cpp): a non-continuous action is done within this, m. */
export const LATERAL_DISTANCE_THRESHOLD_M = 0.05;

export interface PlanePose {
  x: number;
  y: number;
  headingRad: number;
}

const TWO_PI = 2 * Math.PI;

/** fmod into [0, 2π) (esmini GetAngleInInterval2PI). */
function angle2Pi(a: number): number {
  const r = a % TWO_PI;
  return r < 0 ? r + TWO_PI : r;
}

/** a − b in [−π, π] (esmini GetAngleDifference). */
function angleDiff(a: number, b: number): number {
  let d = (a - b) % TWO_PI;
  if (d < -Math.PI) d += TWO_PI;
  else if (d > Math.PI) d -= TWO_PI;
  return d;
}

/** Direction of a vector in [0, 2π), 0 for a null vector (esmini GetAngleOfVector). */
function vectorAngle(x: number, y: number): number {
  let xx = x;
  if (Math.abs(xx) < SMALL) {
    if (Math.abs(y) < SMALL) return 0;
    xx = (xx < 0 ? -1 : 1) * SMALL;
  }
  return angle2Pi(Math.atan2(y, xx));
}

const absLimit = (v: number, lim: number): number => Math.min(Math.max(v, -lim), lim);

/**
 * The lateral distance the action keeps, signed: entity frame, positive to the reference's left
 * (esmini: the freespace adds half of both widths; rightToReferencedEntity turns the sign).
 */
export function entityFrameDistanceM(
  distanceM: number,
  freespace: boolean,
  displacement: 'leftToReferencedEntity' | 'rightToReferencedEntity',
  widthsM: number,
): number {
  const d = distanceM + (freespace ? widthsM / 2 : 0);
  return displacement === 'rightToReferencedEntity' ? -d : d;
}

/**
 * One step of the entity-coordinate mode: the entity's pose at the end of the step, from its pose
 * and speed (m/s) and the referenced entity's pose at the start of the step; `distanceM` from
 * `entityFrameDistanceM`; `maxAccelMps2` LAT_DIST_UNLIMITED when not given.
 */
export function lateralDistanceEntityStep(
  self: PlanePose,
  speedMps: number,
  ref: PlanePose,
  distanceM: number,
  maxAccelMps2: number,
  dtS: number,
): PlanePose {
  const ax = Math.cos(ref.headingRad);
  const ay = Math.sin(ref.headingRad);
  // A point of the line to keep to, and the entity's foot point on it.
  const lx = ref.x - distanceM * ay;
  const ly = ref.y + distanceM * ax;
  const k = ay * (self.x - lx) - ax * (self.y - ly);
  const tx = self.x - k * ay;
  const ty = self.y + k * ax;
  const dx = tx - self.x;
  const dy = ty - self.y;
  const dist = Math.hypot(dx, dy);
  const stepM = speedMps * dtS;
  if (maxAccelMps2 >= LAT_DIST_UNLIMITED) {
    // Onto the line at once; what the step leaves goes on along it.
    const rest = Math.abs(speedMps) * dtS - dist;
    return rest > 0
      ? { x: tx + ax * rest, y: ty + ay * rest, headingRad: ref.headingRad }
      : { x: tx, y: ty, headingRad: ref.headingRad };
  }
  if (dist < SMALL) return { x: self.x + ax * stepM, y: self.y + ay * stepM, headingRad: ref.headingRad };
  const turnRadiusM = Math.max(0.5, (1.5 * speedMps * speedMps) / Math.min(Math.abs(maxAccelMps2), 1000));
  const dhMax = Math.min(Math.abs((speedMps / turnRadiusM) * dtS) * 1.5, Math.PI - SMALL);
  if (dist < stepM / 2 - SMALL && stepM / 2 > turnRadiusM - SMALL) {
    // Close to the line: land on it where the step's circle crosses it, the crossing most aligned
    // with the reference's heading.
    const px = lx - self.x;
    const py = ly - self.y;
    const b = 2 * (ax * px + ay * py);
    const c = px * px + py * py - stepM * stepM;
    const disc = b * b - 4 * c;
    const root = Math.sqrt(Math.max(disc, 0));
    const t1 = (-b + root) / 2;
    const t2 = (-b - root) / 2;
    const i0 = { x: lx + t1 * ax, y: ly + t1 * ay };
    const i1 = Math.abs(disc) < SMALL ? i0 : { x: lx + t2 * ax, y: ly + t2 * ay };
    const h0 = vectorAngle(i0.x - self.x, i0.y - self.y);
    const h1 = vectorAngle(i1.x - self.x, i1.y - self.y);
    return Math.abs(angleDiff(h0, ref.headingRad)) < Math.abs(angleDiff(h1, ref.headingRad))
      ? { ...i0, headingRad: h0 }
      : { ...i1, headingRad: h1 };
  }
  let dh: number;
  if (dist > turnRadiusM - SMALL) {
    dh = absLimit(angleDiff(Math.atan2(dy, dx), self.headingRad), dhMax);
  } else {
    // Within the turn radius: blend from aiming at the foot point to the reference's heading, by
    // the mean tangent angle over the step (linear weight, then smoothstep).
    const hToLine = angleDiff(vectorAngle(dx, dy), self.headingRad);
    const hToRef = angleDiff(vectorAngle(ax, ay), self.headingRad);
    const dAngle = stepM / turnRadiusM;
    const angle = Math.max(Math.acos(1 - dist / turnRadiusM), dAngle / 2);
    let w = (2 * angle - dAngle / 2) / Math.PI;
    w = 3 * w * w - 2 * w * w * w;
    dh = absLimit(w * hToLine + (1 - w) * hToRef, dhMax);
  }
  const h = angle2Pi(self.headingRad + dh);
  return { x: self.x + Math.cos(h) * stepM, y: self.y + Math.sin(h) * stepM, headingRad: h };
}

export interface RoadLatDistParams {
  /** Signed target dt (esmini's distance_ after Start: −(d + widths/2) to the left, + to the right), m. */
  distanceM: number;
  maxAccelMps2: number;
  maxAccelRateMps3: number;
  maxSpeedMps: number;
  maxDecelMps2: number;
  continuous: boolean;
}

export interface RoadLatDistState {
  mode: 'init' | 'rigid' | 'dynamic';
  latVelMps: number;
  accelMps2: number;
}

export const ROAD_LAT_DIST_START: RoadLatDistState = { mode: 'init', latVelMps: 0, accelMps2: 0 };

/** The road-coordinate target dt of the action (esmini LatDistanceAction::Start, road branch). */
export function roadFrameDistanceM(
  distanceM: number,
  freespace: boolean,
  displacement: 'leftToReferencedEntity' | 'rightToReferencedEntity',
  widthsM: number,
): number {
  const sign = displacement === 'rightToReferencedEntity' ? 1 : -1;
  return sign * Math.abs(distanceM) + (freespace ? (sign * widthsM) / 2 : 0);
}

/**
 * The lateral error to remove, m along the road's t (esmini GetDistanceError): from Delta's dt
 * (the entity's t minus the reference's), whether the entity faces along s and whether both face
 * the same way along the path.
 */
export function roadDistanceErrorM(
  deltaTM: number,
  facingForward: boolean,
  sameDirection: boolean,
  distanceM: number,
): number {
  return facingForward === sameDirection ? -(deltaTM + distanceM) : -(deltaTM - distanceM);
}

export interface RoadLatDistStep {
  state: RoadLatDistState;
  /** Sideways move along the road's t this step, m. */
  dTM: number;
  /** Distance along the road this step, m; undefined: the default motion (speed · dt) is kept (rigid). */
  alongM?: number;
  done: boolean;
}

/**
 * One step of the road-coordinate mode: `errorM` from `roadDistanceErrorM`, the entity's speed
 * and the reference's lateral velocity in its own frame (m/s).
 */
export function lateralDistanceRoadStep(
  state: RoadLatDistState,
  errorM: number,
  speedMps: number,
  refLatVelMps: number,
  p: RoadLatDistParams,
  dtS: number,
): RoadLatDistStep {
  if (state.mode === 'init') {
    // The first step only chooses the mode (esmini's MoveState::INIT step moves nothing itself).
    const rigid =
      p.maxSpeedMps >= LAT_DIST_UNLIMITED &&
      p.maxAccelMps2 >= LAT_DIST_UNLIMITED &&
      p.maxDecelMps2 >= LAT_DIST_UNLIMITED;
    return { state: { ...state, mode: rigid ? 'rigid' : 'dynamic' }, dTM: 0, done: false };
  }
  if (state.mode === 'rigid') {
    const done = !p.continuous && Math.abs(errorM) < LATERAL_DISTANCE_THRESHOLD_M;
    return { state: done ? { ...state, mode: 'init' } : state, dTM: errorM, done };
  }
  let { latVelMps, accelMps2 } = state;
  let dTM: number;
  let done = false;
  const latCap = Math.min(p.maxSpeedMps, speedMps) - SMALL;
  if (p.maxAccelMps2 < LAT_DIST_UNLIMITED) {
    // Critically damped spring on the error (value −error, target 0), its velocity the lateral
    // speed relative to the reference's.
    const tension = 0.4 * p.maxAccelMps2;
    const damping = 2 * Math.sqrt(tension);
    const a = tension * errorM - damping * (latVelMps - refLatVelMps);
    const dA = Math.min(Math.max(a - accelMps2, -p.maxAccelRateMps3 * dtS), p.maxAccelRateMps3 * dtS);
    accelMps2 = Math.min(Math.max(accelMps2 + dA, -p.maxAccelMps2), p.maxAccelMps2);
    latVelMps = absLimit(latVelMps + accelMps2 * dtS, latCap);
    dTM = latVelMps * dtS;
    if (!p.continuous && Math.abs(errorM) < LATERAL_DISTANCE_THRESHOLD_M) done = true;
  } else {
    latVelMps = (errorM < 0 ? -1 : 1) * latCap;
    dTM = latVelMps * dtS;
    const left = errorM - dTM;
    if ((left < 0 ? -1 : 1) !== (errorM < 0 ? -1 : 1)) {
      dTM = errorM;
      latVelMps = dTM / dtS;
      if (!p.continuous) done = true;
    }
  }
  const alongM = Math.sqrt(Math.max(speedMps * speedMps - latVelMps * latVelMps, 0)) * dtS;
  return {
    state: { mode: done ? 'init' : 'dynamic', latVelMps, accelMps2 },
    dTM,
    alongM,
    done,
  };
}
