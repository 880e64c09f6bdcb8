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
 * does not give keeps the Pacifica default; one it gives out of a road vehicle's range keeps the
 * default too, with a warning that names the value and the bound (a Performance maxDeceleration of
 * 1e-9 m/s² told the gate the ego cannot brake, and it stopped intervening).
 *
 * esmini itself takes any Performance value: it caps the scripted motion of the entity at it
 * (the executor's `performance`, OpenScenario.ts performanceOf, keeps doing so). The bounds here
 * are for the ego's VehicleParams only, which the planner, the controller and the gate trust.
 * Small decelerations in real files (maxDeceleration 1.0 in CARLA's VehicleLateralDistance.xosc,
 * 3.0 in esmini's long_dist_action_with_jerk.xosc) are DynamicConstraints of an action, not
 * Performance, and are not read here; every Performance maxDeceleration in the esmini, CARLA and
 * shared files is ≥ 5 m/s².
 */
import { type VehicleParams, VehicleParamsSchema } from '../../../core/index.ts';
import { attr, kid, kids, type XNode } from '../opendrive/XmlTree.ts';

/**
 * A tyre-borne vehicle accelerates or brakes no harder than the tyre-road friction allows: μ ≈ 1
 * on dry asphalt, so ≈ 1 g, m/s². A Performance value above it is a placeholder (esmini's own
 * default and catalog cars say 10 m/s²), not a measured vehicle: the default stays.
 */
const FRICTION_LIMIT_MPS2 = 9.81;
/** esmini's default maxSpeed (Vehicle::max_speed_ when Performance gives none), m/s: above it no road vehicle. */
const MAX_SANE_SPEED_MPS = 100;
/**
 * Below 6 km/h a vehicle is no motor vehicle (EU type approval, Regulation 168/2013 art. 2(2)(a),
 * excludes vehicles of a design speed ≤ 6 km/h), m/s: a lower maxSpeed is a typo or a unit slip.
 */
const MIN_SANE_SPEED_MPS = 6 / 3.6;
/**
 * The least braking a gate may assume of the ego, m/s²: RSS α_brake,min (ad-rss-lib default 4,
 * safety/rss.ts). Below it the gate's stopping distances grow past what it guards (a crosswalk
 * 23 m ahead at 10 m/s read as "cannot stop anyway": no intervention), so the default stays.
 */
const MIN_DECEL_MPS2 = 4;
/** The least acceleration of a road vehicle, m/s² (a loaded truck manages ≈ 0.5; our choice): below it the ego cannot merge or start. */
const MIN_ACCEL_MPS2 = 0.5;
/** The least length or width of a vehicle's box, m (a bicycle is ≈ 0.6 m wide; our choice). */
const MIN_SIZE_M = 0.5;
/** The least wheel base as a share of the box length (cars ≈ 0.6, a city bus ≈ 0.5, a short-wheelbase trailer ≈ 0.35; our choice). */
const MIN_WHEELBASE_SHARE = 0.3;

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

/** What a Vehicle element gives the ego: the VehicleParams fields to parse over the defaults, and a warning per value left out. */
export interface VehicleBody {
  params: Partial<VehicleParams>;
  /** One line per value given but out of a road vehicle's range (the default stays). */
  warnings: string[];
}

const DEFAULTS = VehicleParamsSchema.parse({});

/**
 * The VehicleParams fields a Vehicle element gives (BoundingBox, Axles, Performance), to be parsed
 * over the defaults: only those present, finite and within a road vehicle's range; each value given
 * but out of range is named in `warnings` and left to the default. A zero box size is esmini's fill
 * for a missing box: absent, no warning. Lengths m, speeds m/s, accelerations m/s².
 */
export function vehicleBodyOf(node: XNode): VehicleBody {
  const params: Partial<VehicleParams> = {};
  const warnings: string[] = [];
  /** Takes `v` for `key` when `okay`, else warns that `what` = v is out of `range` and keeps the default. */
  const take = (
    key:
      | 'lengthM'
      | 'widthM'
      | 'rearAxleToCenterM'
      | 'wheelBaseM'
      | 'maxSpeedMps'
      | 'maxAccelMps2'
      | 'maxDecelMps2',
    what: string,
    v: number,
    okay: boolean,
    range: string,
  ): void => {
    if (okay) params[key] = v;
    else
      warnings.push(
        `${what} ${+v.toPrecision(6)} out of ${range}: the default ${+DEFAULTS[key].toPrecision(6)} is kept`,
      );
  };
  const bb = kid(node, 'BoundingBox');
  const dim = kid(bb, 'Dimensions');
  const length = numAttr(dim, 'length');
  const width = numAttr(dim, 'width');
  // esmini fills a missing box with zeros; a zero size is no size
  if (length !== undefined && length !== 0)
    take('lengthM', 'BoundingBox length', length, length >= MIN_SIZE_M, `[${MIN_SIZE_M}, ∞) m`);
  if (width !== undefined && width !== 0)
    take('widthM', 'BoundingBox width', width, width >= MIN_SIZE_M, `[${MIN_SIZE_M}, ∞) m`);
  // the box centre and the axles are checked against the length the ego gets (the default when the file's is out)
  const lengthM = params.lengthM ?? DEFAULTS.lengthM;
  if (kid(bb, 'Center') && numAttr(kid(bb, 'Center'), 'x') !== undefined) {
    const c = boxCenterOffsetM(node);
    // a centre farther than a body length from the rear axle puts the axle outside the box
    take(
      'rearAxleToCenterM',
      'BoundingBox centre ahead of the rear axle',
      c,
      Math.abs(c) <= lengthM,
      `±${+lengthM.toPrecision(6)} m (the length)`,
    );
  }
  const axles = kid(node, 'Axles');
  const front = numAttr(kid(axles, 'FrontAxle'), 'positionX');
  const rear = numAttr(kid(axles, 'RearAxle'), 'positionX');
  if (front !== undefined && rear !== undefined && front - rear !== 0) {
    const wb = front - rear;
    const lo = MIN_WHEELBASE_SHARE * lengthM;
    // axles farther apart than the body is long stand outside it
    take(
      'wheelBaseM',
      'wheel base (FrontAxle − RearAxle positionX)',
      wb,
      wb >= lo && wb <= lengthM,
      `[${+lo.toPrecision(6)}, ${+lengthM.toPrecision(6)}] m (0.3 to 1 length)`,
    );
  }
  const perf = kid(node, 'Performance');
  const speed = numAttr(perf, 'maxSpeed');
  const accel = numAttr(perf, 'maxAcceleration');
  const decel = numAttr(perf, 'maxDeceleration');
  if (speed !== undefined)
    take(
      'maxSpeedMps',
      'Performance maxSpeed',
      speed,
      speed >= MIN_SANE_SPEED_MPS && speed <= MAX_SANE_SPEED_MPS,
      `[${+MIN_SANE_SPEED_MPS.toPrecision(3)}, ${MAX_SANE_SPEED_MPS}] m/s`,
    );
  // above ≈ 1 g is a placeholder (esmini's 10): the default stays, as silently as a missing value
  if (accel !== undefined && accel <= FRICTION_LIMIT_MPS2)
    take(
      'maxAccelMps2',
      'Performance maxAcceleration',
      accel,
      accel >= MIN_ACCEL_MPS2,
      `[${MIN_ACCEL_MPS2}, ${FRICTION_LIMIT_MPS2}] m/s²`,
    );
  if (decel !== undefined && decel <= FRICTION_LIMIT_MPS2)
    take(
      'maxDecelMps2',
      'Performance maxDeceleration',
      decel,
      decel >= MIN_DECEL_MPS2,
      `[${MIN_DECEL_MPS2} (RSS α_brake,min), ${FRICTION_LIMIT_MPS2}] m/s²`,
    );
  return { params, warnings };
}

/** The VehicleParams fields of `vehicleBodyOf`, without its warnings. */
export function vehicleParamsOf(node: XNode): Partial<VehicleParams> {
  return vehicleBodyOf(node).params;
}
