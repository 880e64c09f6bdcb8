/**
 * The numeric attributes of an OpenSCENARIO tree (parameters resolved) checked against the
 * plausible bounds of Plausible.ts, before any reader turns them into a scenario: the readers fall
 * back to defaults on a value that is not a number (`Number(x) || 0`), which let `Center x="NaN"`
 * or `x="1e308"` score 100 with no note (review ux21 #4). Errors name the element path and the
 * attribute (`/OpenSCENARIO/Entities/ScenarioObject[0]/Vehicle[0]/BoundingBox[0]/Center[0]@x`).
 *
 * Which attributes: those of the OpenSCENARIO 1.x XSD whose type is a length, a speed or an angle,
 * on the elements that carry them (positions, bodies, speed targets). Other numbers (times, rates,
 * coefficients) need only be finite and below 1e9 when they are written as numbers.
 */
import { ImportError, type XNode } from '../opendrive/XmlTree.ts';
import { implausible, nonPositiveDimension, type Quantity } from '../Plausible.ts';

const COORDS: Record<string, Quantity> = {
  x: 'coordinate',
  y: 'coordinate',
  z: 'coordinate',
  h: 'angle',
  p: 'angle',
  r: 'angle',
};
const RELATIVE: Record<string, Quantity> = { dx: 'coordinate', dy: 'coordinate', dz: 'coordinate' };

/** Element → attribute → quantity. */
const TABLE: Record<string, Record<string, Quantity>> = {
  WorldPosition: COORDS,
  RelativeWorldPosition: RELATIVE,
  RelativeObjectPosition: RELATIVE,
  Orientation: { h: 'angle', p: 'angle', r: 'angle' },
  RoadPosition: { s: 'coordinate', t: 'coordinate' },
  RelativeRoadPosition: { ds: 'coordinate', dt: 'coordinate' },
  LanePosition: { s: 'coordinate', offset: 'coordinate' },
  RelativeLanePosition: { ds: 'coordinate', dsLane: 'coordinate', offset: 'coordinate' },
  Center: { x: 'offset', y: 'offset', z: 'offset' },
  FrontAxle: {
    positionX: 'offset',
    positionZ: 'offset',
    trackWidth: 'dimension',
    wheelDiameter: 'dimension',
  },
  RearAxle: { positionX: 'offset', positionZ: 'offset', trackWidth: 'dimension', wheelDiameter: 'dimension' },
  AbsoluteTargetSpeed: { value: 'speed' },
  Performance: { maxSpeed: 'speed' },
};

const DIMENSIONS = ['length', 'width', 'height'];

/**
 * Checks every attribute of the table below `node`; throws ImportError naming the first bad one.
 * Body dimensions of 0 or less (esmini takes them) add a note to `notes` instead.
 */
export function checkOscNumbers(
  node: XNode,
  path: string,
  notes: string[],
  parents: readonly string[] = [],
): void {
  const tag = parents[parents.length - 1];
  const attrs = node.$;
  if (attrs && tag) {
    const kinds = TABLE[tag];
    if (kinds) for (const [name, kind] of Object.entries(kinds)) check(attrs[name], kind, path, name);
    if (tag === 'Dimensions') {
      // a MiscObject may be a 200 m wall (esmini's MiscObjectCatalog); a vehicle or person is not
      const body: Quantity = parents.includes('MiscObject') ? 'extent' : 'dimension';
      for (const name of DIMENSIONS) {
        const v = check(attrs[name], body, path, name);
        if (v !== undefined && nonPositiveDimension(v))
          notes.push(`${path}@${name}: ${attrs[name]} m is no body size; the entity's default is used`);
      }
    }
  }
  for (const [t, val] of Object.entries(node)) {
    if (t === '$' || t === '#text' || !Array.isArray(val)) continue;
    val.forEach((child, i) => {
      if (child && typeof child === 'object')
        checkOscNumbers(child as XNode, `${path}/${t}[${i}]`, notes, [...parents.slice(-3), t]);
    });
  }
}

function check(raw: string | undefined, kind: Quantity, path: string, name: string): number | undefined {
  // absent, empty or still a parameter reference (a catalog entry before its reference resolves it)
  if (raw === undefined || raw.trim() === '' || raw.startsWith('$')) return undefined;
  const v = Number(raw);
  const why = implausible(v, kind, raw);
  if (why) throw new ImportError(`${path}@${name}`, why);
  return v;
}
