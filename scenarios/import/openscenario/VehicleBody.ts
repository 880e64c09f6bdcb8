/**
 * What an OpenSCENARIO Vehicle says about its body and limits, read as esmini's
 * ScenarioReader::parseOSCVehicle reads it:
 *
 * - the bounding box's centre is `Center.x` from the reference point, less the RearAxle's
 *   `positionX` (esmini moves the reference point onto a rear axle that is not at x = 0 and shifts
 *   the box and the axles by as much) and less the `refpoint_x_offset` property (a reference point
 *   that far ahead of the rear axle: the box is that much behind it);
 * - the wheel base is FrontAxle.positionX − RearAxle.positionX;
 * - Performance gives maxSpeed, maxAcceleration, maxDeceleration.
 *
 * The ego of an imported scenario is this vehicle rather than nuPlan's Pacifica: its footprint is
 * what the drivable-area, collision and clearance metrics and the gate measure. A field the file
 * does not give (or gives out of a vehicle's physical range) keeps the Pacifica default.
 */
import type { VehicleParams } from '../../../core/index.ts';
import { attr, kid, kids, type XNode } from '../opendrive/XmlTree.ts';

/**
 * A tyre-borne vehicle accelerates or brakes no harder than the tyre-road friction allows: μ ≈ 1
 * on dry asphalt, so ≈ 1 g, m/s². A Performance value above it is a placeholder (esmini's own
 * default and catalog cars say 10 m/s²), not a measured vehicle: the default stays.
 */
const FRICTION_LIMIT_MPS2 = 9.81;
/** esmini's default maxSpeed (Vehicle::max_speed_ when Performance gives none), m/s: above it no road vehicle. */
const MAX_SANE_SPEED_MPS = 100;

/** A finite number from an attribute, undefined when absent or not a number. */
function numAttr(n: XNode | undefined, name: string): number | undefined {
  const a = attr(n, name);
  if (a === undefined || a.trim() === '') return undefined;
  const v = Number(a);
  return Number.isFinite(v) ? v : undefined;
}

/** The `refpoint_x_offset` property (esmini): the reference point that far ahead of the rear axle, m. */
function refpointOffsetM(node: XNode): number {
  const prop = kids(kid(node, 'Properties'), 'Property').find((p) => attr(p, 'name') === 'refpoint_x_offset');
  return numAttr(prop, 'value') ?? 0;
}

/** RearAxle positionX (esmini moves the reference point there), m; 0 without Axles. */
function rearAxleXM(node: XNode): number {
  return numAttr(kid(kid(node, 'Axles'), 'RearAxle'), 'positionX') ?? 0;
}

/**
 * The bounding box centre ahead of the entity's position along its x axis, m, as esmini places it
 * (`Center.x − RearAxle.positionX − refpoint_x_offset`); 0 without a BoundingBox Center.
 */
export function boxCenterOffsetM(node: XNode): number {
  const x = numAttr(kid(kid(node, 'BoundingBox'), 'Center'), 'x') ?? 0;
  return x - rearAxleXM(node) - refpointOffsetM(node);
}

/**
 * The VehicleParams fields a Vehicle element gives (BoundingBox, Axles, Performance), to be parsed
 * over the defaults: only those present, finite and within a vehicle's physical range. Lengths m,
 * speeds m/s, accelerations m/s².
 */
export function vehicleParamsOf(node: XNode): Partial<VehicleParams> {
  const out: Partial<VehicleParams> = {};
  const bb = kid(node, 'BoundingBox');
  const dim = kid(bb, 'Dimensions');
  const length = numAttr(dim, 'length');
  const width = numAttr(dim, 'width');
  // esmini fills a missing box with zeros; a zero size is no size
  if (length !== undefined && length > 0) out.lengthM = length;
  if (width !== undefined && width > 0) out.widthM = width;
  if (kid(bb, 'Center') && numAttr(kid(bb, 'Center'), 'x') !== undefined)
    out.rearAxleToCenterM = boxCenterOffsetM(node);
  const axles = kid(node, 'Axles');
  const front = numAttr(kid(axles, 'FrontAxle'), 'positionX');
  const rear = numAttr(kid(axles, 'RearAxle'), 'positionX');
  if (front !== undefined && rear !== undefined && front - rear > 0) out.wheelBaseM = front - rear;
  const perf = kid(node, 'Performance');
  const speed = numAttr(perf, 'maxSpeed');
  const accel = numAttr(perf, 'maxAcceleration');
  const decel = numAttr(perf, 'maxDeceleration');
  if (speed !== undefined && speed > 0 && speed <= MAX_SANE_SPEED_MPS) out.maxSpeedMps = speed;
  if (accel !== undefined && accel > 0 && accel <= FRICTION_LIMIT_MPS2) out.maxAccelMps2 = accel;
  if (decel !== undefined && decel > 0 && decel <= FRICTION_LIMIT_MPS2) out.maxDecelMps2 = decel;
  return out;
}
