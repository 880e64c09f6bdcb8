/**
 * OpenDRIVE 1.4–1.8 → RoadMapData (ASAM OpenDRIVE 1.8 §7 geometry, §9 lanes, §10 junctions,
 * §12 signals, §13 objects). Each lane of each lane section becomes one `Lane` with id
 * `<roadId>_<sectionIdx>_<laneId>`, its centreline sampled every ≤ 1 m (finer on curves) in the
 * driving direction. Links follow road/lane links and junction connections; neighbours follow the
 * lane order with lane-change permission from the road marks. Also returns the worst gap between
 * linked lane boundaries: the check that geometry, offsets and widths were evaluated right.
 */

import {
  type Crosswalk,
  fail,
  type Lane,
  type LaneType,
  ok,
  pointSegmentDistance,
  type Result,
  type RoadMapData,
  type StopLine,
  type Vec2,
} from '../../../core/index.ts';
import { type GeoOffset, type GeoReference, parseGeoReference } from './GeoReference.ts';
import { addCounterConnections, type JunctionDef } from './JunctionNetwork.ts';
import { type GeometryRecord, ReferenceLine, type RefPoint } from './ReferenceLine.ts';
import { RoadGeometry, S_TOLERANCE_M, sOnRoad } from './RoadGeometry.ts';
import { laneMarksOf, type MarkDef, readRoadMarks } from './RoadMarks.ts';
import { attr, childTags, ImportError, kid, kids, num, str, type XNode } from './XmlTree.ts';

/** Speed limit when neither the lane nor the road type gives one: 50 km/h (urban default, StVO / most EU). */
const DEFAULT_SPEED_MPS = 50 / 3.6;

/** A lane end narrower than this is a taper (merge / split); the gap check then asks only for contact, m. */
const TAPER_M = 0.5;

/** Lanes narrower than this everywhere are slivers of a taper and are left out, m. */
const MIN_LANE_WIDTH_M = 0.05;

/** OpenDRIVE lane type → our lane type; unlisted types (none, median, curb, rail, tram, restricted, …) are not lanes we model. */
const LANE_TYPES: Record<string, LaneType> = {
  driving: 'driving',
  entry: 'driving',
  exit: 'driving',
  onramp: 'driving',
  offramp: 'driving',
  connectingramp: 'driving',
  bidirectional: 'driving',
  slipLane: 'driving',
  sliplane: 'driving',
  shoulder: 'shoulder',
  // OpenDRIVE 1.4-1.6 `stop`: the hard shoulder on motorways for emergency stops (esmini reads it
  // as a road lane beside `shoulder`, LANE_TYPE_ANY_ROAD): a shoulder the minimal-risk stop may use.
  stop: 'shoulder',
  parking: 'parking',
  biking: 'biking',
  sidewalk: 'sidewalk',
  walking: 'sidewalk',
  bus: 'bus',
  taxi: 'bus',
  hov: 'driving',
  // Kept (not drivable, no neighbours) so the map covers the road's full width as the file has it.
  border: 'border',
};

/** OpenDRIVE e_roadType → the map contract's road class (`Lane.roadClass`); the others name none. */
const ROAD_CLASSES: Readonly<Record<string, 'town' | 'rural' | 'motorway'>> = {
  town: 'town',
  lowSpeed: 'town',
  pedestrian: 'town',
  bicycle: 'town',
  rural: 'rural',
  motorway: 'motorway',
};

/** Lanes between which a vehicle may move sideways (neighbours are only set among these). */
const VEHICLE_LANES = new Set<LaneType>(['driving', 'bus', 'shoulder', 'parking']);

export interface Poly {
  s: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface LaneDef {
  id: number;
  type: string;
  widths: Poly[];
  /**
   * `<border>` records (t of the lane's outer border, from the reference line), read where the lane
   * has no `<width>` (ASAM OpenDRIVE 1.8 §11.6.2: width wins when both are given).
   */
  borders?: Poly[];
  mark: string;
  /** Every `<roadMark>` record, in order of sOffset (`mark` is the first one's type). */
  marks: MarkDef[];
  pred?: number;
  succ?: number;
  speedMps?: number;
}

export interface SectionDef {
  s: number;
  sEnd: number;
  /** Left and right lanes (not the centre lane). */
  lanes: LaneDef[];
  /** The centre lane 0 (zero width, the reference line with its mark), kept for its type and mark. */
  center: LaneDef;
  centerMark: string;
}

/** A road `<type>` record: its class and its `<speed max>` (m/s, 'none' for `no limit` / `undefined`). */
export interface RoadTypeDef {
  s: number;
  /** OpenDRIVE e_roadType (`motorway`, `rural`, `town`, …), '' when absent. */
  roadType: string;
  speed?: number | 'none';
  /** The speed record says `no limit` (not `undefined`: a limit not known). */
  noLimit: boolean;
}

export interface RoadLink {
  type: string;
  id: string;
  cp: string;
}

export interface RoadDef {
  id: string;
  path: string;
  length: number;
  junction: string;
  /** Left-hand traffic on this road: its `rule="LHT"`, else the map's default rule. */
  lht: boolean;
  /** Whether the file gives the road a `rule` attribute (else the default rule applies). */
  ruleGiven: boolean;
  line: ReferenceLine;
  offsets: Poly[];
  sections: SectionDef[];
  pred?: RoadLink;
  succ?: RoadLink;
  speeds: { s: number; mps: number }[];
  /** The road's `<type>` records, by s. */
  types: RoadTypeDef[];
  /** elevationProfile / lateralProfile superelevation records (s from the road start). */
  elevations: Poly[];
  superelevations: Poly[];
  node: XNode;
}

export interface OpenDriveResult {
  map: RoadMapData;
  /** Worst distance between the end of a lane and the start of a successor (centre and both boundaries), m. */
  worstGapM: number;
  worstGapAt: string;
  /** The same over all linked lanes (shoulders, sidewalks, bike lanes too), m. */
  worstGapAllM: number;
  worstGapAllAt: string;
  unsupported: string[];
  warnings: string[];
  stats: { roads: number; junctions: number; lanes: number };
  /**
   * Lanes whose file posts no speed (no lane `<speed>`, no road `<type><speed>`, or `max="no
   * limit"`): their `speedLimitMps` is the 50 km/h default, which a scenario importer may replace,
   * and `speedLimitPosted` is false.
   */
  unpostedSpeedLaneIds: string[];
  /**
   * Dynamic signals (`dynamic="yes"`, or a traffic-light type) by id: OpenDRIVE type and subtype
   * (which say what lamps the head has) and the lanes whose stop line it governs.
   */
  signalHeads: SignalHead[];
  /** Road coordinates (s along the reference line, lanes, elevation and superelevation). */
  geometry: RoadGeometry;
  /** The header's geoReference (PROJ parameters of the map frame), when the file has one. */
  geoReference?: GeoReference;
  /**
   * The header's `<offset>` (the map frame in the geoReference's projected frame: rotate by hdg,
   * then add x, y, z; `toProjectedFrame`), when the file has one; missing attributes read as 0,
   * as esmini reads them. The map's coordinates are not moved by it unless read with
   * `headerOffset: 'esmini'` (then `offsetApplied` is true).
   */
  geoOffset?: GeoOffset;
  /** True when the map was moved by `geoOffset` (OpenDriveOptions.headerOffset 'esmini'). */
  offsetApplied?: boolean;
  /** `'LHT'` when read with `defaultRule: 'LHT'` (roads without a `rule` attribute drive on the left). */
  defaultRule?: 'LHT';
  /** Road frame → map frame, flat (t in the ground plane); undefined for an unknown road or an s beyond it. */
  roadPose(roadId: string, sM: number, tM: number): { x: number; y: number; headingRad: number } | undefined;
  /**
   * Our lane for an OpenDRIVE (road, lane id, s): lane id, arc length along it and its direction.
   * An unknown road, a lane the section at s does not have (or that we do not model), or an s
   * outside [0, length] is an error naming the road (and its s range), not clamped.
   */
  laneAt(
    roadId: string,
    laneId: number,
    sM: number,
  ): Result<{ laneId: string; sM: number; forward: boolean }>;
}

/**
 * How far a lane moves the lanes outside it at ds into its section, m (its width where it is not
 * negative): the `<width>` polynomial, or for a lane given by `<border>` records (and no width) the
 * distance from its inner border at t `tInner` to the border's t, along its side (`side` 1 left,
 * −1 right). ASAM OpenDRIVE 1.8 §11.6.2: a border is the lane's outer limit, independent of its
 * inner lanes; t is a road coordinate (files with borders define no lane offset, rule
 * road.lanes.lane_offset.no_offset_if_border_defined). libOpenDRIVE and esmini read no borders
 * (such lanes have width 0 there).
 */
export function laneAdvanceAt(l: LaneDef, ds: number, tInner: number, side: number): number {
  if (l.widths.length > 0 || !l.borders?.length) return polyAt(l.widths, ds);
  return side * (polyAt(l.borders, ds) - tInner);
}

/** d/ds of the governing record of `list` at ds (as `polyAt` picks it). */
export function polySlopeAt(list: Poly[], ds: number): number {
  let r: Poly | undefined;
  for (const p of list) {
    if (p.s <= ds) r = p;
    else break;
  }
  if (!r) r = list[0];
  if (!r) return 0;
  const u = ds - r.s;
  return r.b + u * (2 * r.c + 3 * u * r.d);
}

export function polyAt(list: Poly[], ds: number, base = 0): number {
  // The record with the largest start ≤ ds governs (spec: each record is valid until the next).
  let r: Poly | undefined;
  for (const p of list) {
    if (p.s - base <= ds) r = p;
    else break;
  }
  if (!r) r = list[0];
  if (!r) return 0;
  const u = ds - (r.s - base);
  return r.a + u * (r.b + u * (r.c + u * r.d));
}

/**
 * A `<speed max>` record: a number in its unit (m/s by default) → m/s; OpenDRIVE's strings `no limit`
 * and `undefined` (OpenDRIVE 1.4+ t_maxSpeed: no limit, or none known) → 'none'; absent → undefined.
 */
function speedMaxOf(sp: XNode | undefined, path: string): number | 'none' | undefined {
  const max = attr(sp, 'max');
  if (!sp || max === undefined) return undefined;
  const word = max.trim().toLowerCase();
  if (word === 'no limit' || word === 'undefined') return 'none';
  return speedToMps(num(sp, 'max', path), attr(sp, 'unit'));
}

/**
 * What the road's `<type>` record in effect says of the limit on a lane that posts none: `true`,
 * no general limit holds there (a `<speed max="no limit">`, or a `motorway` without a number:
 * the German Autobahn's advisory 130 km/h, StVO §3(3)), so its speed is advice; `false`, a road
 * class on which a statutory limit binds without a sign (town, rural, …); undefined, the map says
 * nothing (no type record, type `unknown`).
 */
function unpostedAdvisoryOf(t: RoadTypeDef | undefined): boolean | undefined {
  if (!t) return undefined;
  if (t.speed === 'none' && t.noLimit) return true;
  if (t.roadType === 'motorway') return true;
  if (t.roadType === '' || t.roadType === 'unknown') return undefined;
  return false;
}

function speedToMps(v: number, unit: string | undefined): number {
  if (unit === 'mph') return v * 0.44704;
  if (unit === 'km/h' || unit === 'kmh') return v / 3.6;
  return v; // m/s is the spec default
}

function readPoly(n: XNode, path: string, sAttr: string): Poly {
  return {
    s: num(n, sAttr, path, 0),
    a: num(n, 'a', path, 0),
    b: num(n, 'b', path, 0),
    c: num(n, 'c', path, 0),
    d: num(n, 'd', path, 0),
  };
}

function readLink(n: XNode | undefined): RoadLink | undefined {
  if (!n) return undefined;
  const type = attr(n, 'elementType') ?? 'road';
  const id = attr(n, 'elementId');
  if (id === undefined) return undefined;
  return { type, id, cp: attr(n, 'contactPoint') ?? 'start' };
}

function readGeometry(g: XNode, path: string, unsupported: string[], warnings: string[]): GeometryRecord {
  const base = {
    s: num(g, 's', path, undefined, 'coordinate'),
    x: num(g, 'x', path, undefined, 'coordinate'),
    y: num(g, 'y', path, undefined, 'coordinate'),
    hdg: num(g, 'hdg', path, undefined, 'angle'),
    length: num(g, 'length', path, undefined, 'coordinate'),
  };
  if (base.length < 0) throw new ImportError(`${path}@length`, 'negative length');
  if (kid(g, 'line')) return { ...base, kind: 'line' };
  const arc = kid(g, 'arc');
  if (arc) return { ...base, kind: 'arc', curvature: num(arc, 'curvature', `${path}/arc`) };
  const sp = kid(g, 'spiral');
  if (sp) {
    // Both curvatures are required (OpenDRIVE 1.8 §7.6); exporters omit a zero one (CommonRoad
    // Scenario Designer writes curvEnd only). esmini and libOpenDRIVE read a missing one as 0.
    const curv = (name: string): number => {
      if (attr(sp, name) !== undefined) return num(sp, name, `${path}/spiral`);
      warnings.push(`${path}/spiral: no ${name}, read as 0 (as esmini does)`);
      return 0;
    };
    return { ...base, kind: 'spiral', curvStart: curv('curvStart'), curvEnd: curv('curvEnd') };
  }
  const p3 = kid(g, 'poly3');
  if (p3) {
    const q = readPoly(p3, `${path}/poly3`, 's');
    return { ...base, kind: 'poly3', a: q.a, b: q.b, c: q.c, d: q.d };
  }
  const pp = kid(g, 'paramPoly3');
  if (pp) {
    const pth = `${path}/paramPoly3`;
    const range = attr(pp, 'pRange') ?? 'normalized';
    return {
      ...base,
      kind: 'paramPoly3',
      aU: num(pp, 'aU', pth, 0),
      bU: num(pp, 'bU', pth, 1),
      cU: num(pp, 'cU', pth, 0),
      dU: num(pp, 'dU', pth, 0),
      aV: num(pp, 'aV', pth, 0),
      bV: num(pp, 'bV', pth, 0),
      cV: num(pp, 'cV', pth, 0),
      dV: num(pp, 'dV', pth, 0),
      normalized: range !== 'arcLength',
    };
  }
  const other = childTags(g)[0] ?? '(empty)';
  unsupported.push(`${path}/${other}: geometry kind not supported, read as a line`);
  return { ...base, kind: 'line' };
}

function readLane(n: XNode, path: string, warnings: string[]): LaneDef {
  const id = num(n, 'id', path);
  const widths = kids(n, 'width').map((w, i) => readPoly(w, `${path}/width[${i}]`, 'sOffset'));
  widths.sort((a, b) => a.s - b.s);
  // Borders count only where the lane has no width (the spec: width wins where both are given).
  const borders =
    widths.length === 0 && id !== 0
      ? kids(n, 'border')
          .map((b, i) => readPoly(b, `${path}/border[${i}]`, 'sOffset'))
          .sort((a, b) => a.s - b.s)
      : [];
  // The spec gives a border as a position; exporters write it as signed t (qc-opendrive's examples:
  // lane -1 at a = -3.57) or as a distance from the reference line (Digibus Koppl, 2018: lane -1 at
  // +3.44). A border starting on the far side of the reference line is read as a distance.
  if (borders.length > 0 && borders[0]!.a * Math.sign(id) < 0) {
    warnings.push(
      `${path}/border: starts on the far side of the reference line; read as a distance on the lane's side`,
    );
    for (const b of borders) {
      b.a = -b.a;
      b.b = -b.b;
      b.c = -b.c;
      b.d = -b.d;
    }
  }
  const link = kid(n, 'link');
  const p = kid(link, 'predecessor');
  const s = kid(link, 'successor');
  const laneSpeed = speedMaxOf(kid(n, 'speed'), `${path}/speed`);
  return {
    id,
    type: (attr(n, 'type') ?? 'driving').toLowerCase(),
    widths,
    ...(borders.length > 0 ? { borders } : {}),
    mark: (attr(kid(n, 'roadMark'), 'type') ?? 'none').toLowerCase(),
    marks: readRoadMarks(n, id, path, warnings),
    ...(p && attr(p, 'id') !== undefined ? { pred: num(p, 'id', `${path}/link/predecessor`) } : {}),
    ...(s && attr(s, 'id') !== undefined ? { succ: num(s, 'id', `${path}/link/successor`) } : {}),
    // a lane's `no limit` / `undefined` posts nothing: the road's record decides
    ...(typeof laneSpeed === 'number' ? { speedMps: laneSpeed } : {}),
  };
}

/**
 * A point and heading of the map's own frame in the frame esmini's RoadManager moves a map to by the
 * header `<offset>` (RoadManager.cpp OpenDrive::LoadOpenDriveFile, and ScenarioReader::parseOSCPosition
 * for a WorldPosition): shifted by x, y first, then rotated by hdg about the origin. This is not
 * ASAM's order (`toProjectedFrame`: rotate, then shift); the two agree when hdg is 0.
 */
export function esminiOffsetPoint(
  o: GeoOffset,
  x: number,
  y: number,
  hdg: number,
): { x: number; y: number; hdg: number } {
  const c = Math.cos(o.hdg);
  const s = Math.sin(o.hdg);
  const x1 = x + o.x;
  const y1 = y + o.y;
  return { x: x1 * c - y1 * s, y: x1 * s + y1 * c, hdg: hdg + o.hdg };
}

function readRoad(
  r: XNode,
  idx: number,
  unsupported: string[],
  warnings: string[],
  moveBy?: GeoOffset,
): RoadDef {
  const id = attr(r, 'id') ?? String(idx);
  const path = `/OpenDRIVE/road[id=${id}]`;
  const length = num(r, 'length', path);
  const geoms = kids(kid(r, 'planView'), 'geometry').map((g, i) => {
    const rec = readGeometry(g, `${path}/planView/geometry[${i}]`, unsupported, warnings);
    return moveBy ? { ...rec, ...esminiOffsetPoint(moveBy, rec.x, rec.y, rec.hdg) } : rec;
  });
  if (geoms.length === 0) throw new ImportError(`${path}/planView`, 'road has no geometry');
  const lanesN = kid(r, 'lanes');
  if (!lanesN) throw new ImportError(`${path}/lanes`, 'road has no <lanes>');
  const offsets = kids(lanesN, 'laneOffset').map((o, i) =>
    readPoly(o, `${path}/lanes/laneOffset[${i}]`, 's'),
  );
  offsets.sort((a, b) => a.s - b.s);
  // Before the first record there is no lane offset: the spec's own example (ASAM OpenDRIVE 1.8
  // §11.4, a left-turn lane opening from s = 25: records at s = 25 and 75) starts at 0, and
  // libOpenDRIVE adds the offset to the lanes only from its first record (CubicProfile::add).
  // esmini evaluates the first record backwards (3.25 m at s = 0 in that example).
  if (offsets.length > 0 && offsets[0]!.s > 0) offsets.unshift({ s: 0, a: 0, b: 0, c: 0, d: 0 });
  const secNodes = kids(lanesN, 'laneSection');
  if (secNodes.length === 0) throw new ImportError(`${path}/lanes`, 'road has no <laneSection>');
  const sections: SectionDef[] = secNodes
    .map((sn, i) => {
      const sp = `${path}/lanes/laneSection[${i}]`;
      const lanes: LaneDef[] = [];
      // Every <left> / <right> element (the schema allows one each; maliput's test maps write two,
      // libOpenDRIVE reads every lane of the section); a lane id given twice keeps its first lane.
      for (const side of ['left', 'right'] as const)
        kids(sn, side).forEach((group, g) => {
          kids(group, 'lane').forEach((ln, j) => {
            const lp = `${sp}/${side}${g > 0 ? `[${g}]` : ''}/lane[${j}]`;
            const lane = readLane(ln, lp, warnings);
            if (lanes.some((l) => l.id === lane.id))
              warnings.push(`${lp}: lane id ${lane.id} given twice; the first kept`);
            else lanes.push(lane);
          });
        });
      const centre = kid(kid(sn, 'center'), 'lane');
      const centerMark = (attr(kid(centre, 'roadMark'), 'type') ?? 'none').toLowerCase();
      return {
        s: num(sn, 's', sp),
        sEnd: 0,
        lanes,
        center: {
          id: 0,
          type: (attr(centre, 'type') ?? 'none').toLowerCase(),
          widths: [],
          mark: centerMark,
          marks: readRoadMarks(centre, 0, `${sp}/center/lane`, warnings),
        },
        centerMark,
      };
    })
    .sort((a, b) => a.s - b.s);
  sections.forEach((sec, i) => {
    sec.sEnd = sections[i + 1]?.s ?? length;
  });
  const link = kid(r, 'link');
  const types: RoadTypeDef[] = kids(r, 'type')
    .map((t, i) => {
      const sp = kid(t, 'speed');
      const speed = speedMaxOf(sp, `${path}/type[${i}]/speed`);
      return {
        s: num(t, 's', `${path}/type[${i}]`, 0),
        roadType: attr(t, 'type') ?? '',
        ...(speed !== undefined ? { speed } : {}),
        noLimit: (attr(sp, 'max') ?? '').trim().toLowerCase() === 'no limit',
      };
    })
    .sort((a, b) => a.s - b.s);
  const speeds = types.flatMap((t) => (typeof t.speed === 'number' ? [{ s: t.s, mps: t.speed }] : []));
  const pred = readLink(kid(link, 'predecessor'));
  const succ = readLink(kid(link, 'successor'));
  return {
    id,
    path,
    length,
    junction: attr(r, 'junction') ?? '-1',
    lht: (attr(r, 'rule') ?? '').toUpperCase() === 'LHT',
    ruleGiven: attr(r, 'rule') !== undefined,
    line: new ReferenceLine(geoms, length),
    offsets,
    sections,
    ...(pred ? { pred } : {}),
    ...(succ ? { succ } : {}),
    speeds,
    types,
    elevations: kids(kid(r, 'elevationProfile'), 'elevation')
      .map((e, i) => {
        const q = readPoly(e, `${path}/elevationProfile/elevation[${i}]`, 's');
        return moveBy ? { ...q, a: q.a + moveBy.z } : q;
      })
      .sort((a, b) => a.s - b.s),
    superelevations: kids(kid(r, 'lateralProfile'), 'superelevation')
      .map((e, i) => readPoly(e, `${path}/lateralProfile/superelevation[${i}]`, 's'))
      .sort((a, b) => a.s - b.s),
    node: r,
  };
}

/** Boundary type of a road-mark type (solid wins over broken in combined marks: conservative). */
function boundaryOf(mark: string): Lane['leftBoundary'] {
  if (mark.includes('solid')) return 'solid';
  if (mark.includes('broken') || mark.includes('botts')) return 'dashed';
  if (mark === 'curb') return 'curb';
  return 'none';
}

/** Lane change across a mark: broken / botts dots allow it; so does no marking at all (no prohibition). */
function crossable(mark: string): boolean {
  if (mark.includes('solid') || mark === 'curb' || mark === 'grass') return false;
  return true;
}

interface BuiltLane {
  key: string;
  road: RoadDef;
  sec: number;
  def: LaneDef;
  forward: boolean;
  lane: Lane;
  /** Boundaries in driving direction (left, right). */
  left: Vec2[];
  right: Vec2[];
  /** Neither the lane nor its road posts a speed (its limit is DEFAULT_SPEED_MPS). */
  unposted: boolean;
}

const laneKey = (road: string, sec: number, id: number): string => `${road}_${sec}_${id}`;

function dedupe(pts: Vec2[]): Vec2[] {
  const out: Vec2[] = [];
  for (const p of pts) {
    const l = out[out.length - 1];
    if (!l || Math.hypot(p.x - l.x, p.y - l.y) > 1e-4) out.push(p);
  }
  return out;
}

/** The linked road's other end touches the road's end within this, m (ZAM_Threewayintersection: 5 cm)… */
const CONTACT_TOUCH_M = 0.5;
/** …and at most this fraction of the declared end's distance (a 0.32 m road: 0 against 0.32 m)… */
const CONTACT_TOUCH_RATIO = 0.1;
/** …while the declared end lies farther than this, m (a declared end that touches is kept). */
const CONTACT_MISS_M = 0.05;

/**
 * Road links whose `contactPoint` names the far end of the linked road: the other end touches this
 * road's end (within CONTACT_TOUCH_M and a tenth of the declared end's distance, so a link whose
 * reference lines are offset stays as written). CommonRoad → OpenDRIVE conversions (crdesigner's cr2odr reference maps:
 * ARG_Carcarana, DEU_Muehlhausen, town03_right_width_coefficient, 199 links) write such links;
 * read by the letter, the lanes over them join end to end in opposite directions and lose their
 * successors (libOpenDRIVE's routing graph, which takes lane links without the contact point,
 * links them). Set to the touching end, with a warning; a link whose ends meet is left as written.
 */
function repairContactPoints(roads: RoadDef[], byRoad: Map<string, RoadDef>, warnings: string[]): void {
  const a: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };
  const b: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };
  const endOf = (r: RoadDef, cp: string, out: RefPoint) => r.line.eval(cp === 'end' ? r.length : 0, out);
  for (const road of roads)
    for (const [self, link] of [
      ['start', road.pred],
      ['end', road.succ],
    ] as const) {
      const o = link?.type === 'road' ? byRoad.get(link.id) : undefined;
      if (!link || !o || (link.cp !== 'start' && link.cp !== 'end')) continue;
      endOf(road, self, a);
      endOf(o, link.cp, b);
      const declared = Math.hypot(a.x - b.x, a.y - b.y);
      const other = link.cp === 'end' ? 'start' : 'end';
      endOf(o, other, b);
      const dOther = Math.hypot(a.x - b.x, a.y - b.y);
      // (both ends meet on a closed loop, circle_300m.xodr: the declared end touches as well)
      if (declared <= CONTACT_MISS_M || dOther > CONTACT_TOUCH_M || dOther > CONTACT_TOUCH_RATIO * declared)
        continue;
      warnings.push(
        `${road.path}/link/${self === 'start' ? 'predecessor' : 'successor'}: contactPoint ${link.cp} of road ${o.id} ` +
          `lies ${declared.toFixed(2)} m away, its ${other} ${dOther.toFixed(2)} m; read as ${other}`,
      );
      link.cp = other;
    }
}

/** Builds the lanes of one section by sampling the reference line and stacking widths outward. */
function buildSection(road: RoadDef, secIdx: number, out: BuiltLane[], mapRule: boolean): void {
  const sec = road.sections[secIdx]!;
  if (sec.sEnd - sec.s < 1e-6) return;
  const samples = road.line.samples(sec.s, sec.sEnd);
  const left = sec.lanes.filter((l) => l.id > 0).sort((a, b) => a.id - b.id);
  const right = sec.lanes.filter((l) => l.id < 0).sort((a, b) => b.id - a.id);
  // Border t-values per lane: inner, outer for every sample.
  const inner = new Map<number, Float64Array>();
  const outer = new Map<number, Float64Array>();
  const widthSum = new Map<number, number>();
  const widthMax = new Map<number, number>();
  for (const l of sec.lanes) {
    inner.set(l.id, new Float64Array(samples.length));
    outer.set(l.id, new Float64Array(samples.length));
    widthSum.set(l.id, 0);
    widthMax.set(l.id, 0);
  }
  const xs = new Float64Array(samples.length);
  const ys = new Float64Array(samples.length);
  // The plan-view lateral vector per sample: the road's (0, 1, 0) rotated by heading, pitch and
  // roll (RoadGeometry.pose). On a banked road a lane at t lies t·cos(roll) beside the reference
  // line, as esmini (Track2XYZ) and libOpenDRIVE (Road::get_xyz) place it; flat roads keep the normal.
  const lxs = new Float64Array(samples.length);
  const lys = new Float64Array(samples.length);
  const banked = road.superelevations.length > 0;
  const rp: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };
  samples.forEach((s, k) => {
    road.line.eval(s, rp);
    xs[k] = rp.x;
    ys[k] = rp.y;
    const ch = Math.cos(rp.hdg);
    const sh = Math.sin(rp.hdg);
    if (banked) {
      const roll = polyAt(road.superelevations, s);
      const pitch = road.elevations.length > 0 ? -Math.atan(polySlopeAt(road.elevations, s)) : 0;
      const lean = Math.sin(pitch) * Math.sin(roll);
      lxs[k] = ch * lean - sh * Math.cos(roll);
      lys[k] = sh * lean + ch * Math.cos(roll);
    } else {
      lxs[k] = -sh;
      lys[k] = ch;
    }
    // At the section's last sample use the records valid just before its end: a laneOffset or
    // width record starting exactly there belongs to the next section (CARLA towns jump there).
    const sEval = k === samples.length - 1 && k > 0 ? s - 1e-7 : s;
    const off = polyAt(road.offsets, sEval);
    const ds = sEval - sec.s;
    for (const [side, list] of [
      [1, left],
      [-1, right],
    ] as const) {
      let t = off;
      for (const l of list) {
        // A width polynomial that dips below 0 (fitted records near a section's end) gives the lane
        // no extent but still moves the lanes outside it in, as esmini and libOpenDRIVE stack it.
        const raw = laneAdvanceAt(l, ds, t, side);
        const w = Math.max(0, raw);
        inner.get(l.id)![k] = t;
        outer.get(l.id)![k] = t + side * w;
        t += side * raw;
        widthSum.set(l.id, widthSum.get(l.id)! + w);
        if (w > widthMax.get(l.id)!) widthMax.set(l.id, w);
      }
    }
  });
  const at = (k: number, t: number): Vec2 => ({
    x: xs[k]! + t * lxs[k]!,
    y: ys[k]! + t * lys[k]!,
  });
  // the type record in effect on the section (the first one before any starts)
  let typeHere: RoadTypeDef | undefined;
  for (const t of road.types) if (t.s <= sec.s + 1e-6) typeHere = t;
  typeHere ??= road.types[0];
  const roadSpeed = (() => {
    // a record saying `no limit` / `undefined` ends an earlier posted speed
    if (typeHere?.speed === 'none') return undefined;
    let v: number | undefined;
    for (const sp of road.speeds) if (sp.s <= sec.s + 1e-6) v = sp.mps;
    return v ?? road.speeds[0]?.mps;
  })();
  const advisory = unpostedAdvisoryOf(typeHere);
  for (const l of sec.lanes) {
    const type = LANE_TYPES[l.type];
    if (!type) continue;
    if (widthMax.get(l.id)! < MIN_LANE_WIDTH_M) continue;
    const inn = inner.get(l.id)!;
    const out2 = outer.get(l.id)!;
    const plusT = l.id > 0 ? out2 : inn;
    const minusT = l.id > 0 ? inn : out2;
    const centre: Vec2[] = [];
    const widths: number[] = [];
    const pPlus: Vec2[] = [];
    const pMinus: Vec2[] = [];
    // the centreline's arc length at each sample, in road direction (where marks change along s)
    const arc = new Float64Array(samples.length);
    for (let k = 0; k < samples.length; k++) {
      const p = at(k, (inn[k]! + out2[k]!) / 2);
      const last = centre[centre.length - 1];
      if (k > 0) arc[k] = arc[k - 1]! + (last ? Math.hypot(p.x - last.x, p.y - last.y) : 0);
      // The width at each centreline point (tapers widen along s), deduplicated with the points.
      if (!last || Math.hypot(p.x - last.x, p.y - last.y) > 1e-4) {
        centre.push(p);
        widths.push(Math.abs(out2[k]! - inn[k]!));
      }
      pPlus.push(at(k, plusT[k]!));
      pMinus.push(at(k, minusT[k]!));
    }
    const lht = road.lht || mapRule;
    const forward = lht ? l.id > 0 : l.id < 0;
    let c = centre;
    if (c.length < 2) continue;
    if (!forward) {
      c = c.reverse();
      widths.reverse();
    }
    const wMin = Math.min(...widths);
    const wMax = Math.max(...widths);
    const id = laneKey(road.id, secIdx, l.id);
    const leftB = forward ? pPlus : pMinus.slice().reverse();
    const rightB = forward ? pMinus : pPlus.slice().reverse();
    // Marks: each lane's roadMark describes its outer border; the centre lane's the reference line.
    const markOf = (laneId: number): string =>
      laneId === 0 ? sec.centerMark : (sec.lanes.find((x) => x.id === laneId)?.mark ?? 'none');
    const plusMark = l.id > 0 ? markOf(l.id) : markOf(l.id === -1 ? 0 : l.id + 1);
    const minusMark = l.id < 0 ? markOf(l.id) : markOf(l.id === 1 ? 0 : l.id - 1);
    const lane: Lane = {
      id,
      type,
      centerline: c,
      widthM: Math.max(widthSum.get(l.id)! / samples.length, MIN_LANE_WIDTH_M),
      ...(wMax - wMin > 1e-3 ? { widthsM: widths } : {}),
      speedLimitMps: l.speedMps ?? roadSpeed ?? DEFAULT_SPEED_MPS,
      ...((l.speedMps ?? roadSpeed) === undefined
        ? { speedLimitPosted: false, ...(advisory !== undefined ? { speedLimitAdvisory: advisory } : {}) }
        : {}),
      successors: [],
      predecessors: [],
      leftBoundary: boundaryOf(forward ? plusMark : minusMark),
      rightBoundary: boundaryOf(forward ? minusMark : plusMark),
      ...marksOfLane(sec, l.id, forward, samples, arc),
      roadId: road.id,
      ...(road.junction !== '-1' ? { junctionId: road.junction } : {}),
      ...(ROAD_CLASSES[typeHere?.roadType ?? ''] ? { roadClass: ROAD_CLASSES[typeHere!.roadType] } : {}),
      ...(lht ? { drivingSide: 'LEFT' as const } : road.ruleGiven ? { drivingSide: 'RIGHT' as const } : {}),
    };
    out.push({
      key: id,
      road,
      sec: secIdx,
      def: l,
      forward,
      lane,
      left: leftB,
      right: rightB,
      unposted: (l.speedMps ?? roadSpeed) === undefined,
    });
  }
}

/**
 * `leftMarks` / `rightMarks` of lane `laneId` of section `sec` from the `<roadMark>` records of the
 * lanes that own its borders (its own for the outer border, the next lane in or the centre lane for
 * the inner one); `samples` are the road s of the centreline samples, `arc` their arc length.
 */
function marksOfLane(
  sec: SectionDef,
  laneId: number,
  forward: boolean,
  samples: readonly number[],
  arc: Float64Array,
): Pick<Lane, 'leftMarks' | 'rightMarks'> {
  const owner = (id: number) => (id === 0 ? sec.center : sec.lanes.find((x) => x.id === id));
  const plusId = laneId > 0 ? laneId : laneId === -1 ? 0 : laneId + 1;
  const minusId = laneId < 0 ? laneId : laneId === 1 ? 0 : laneId - 1;
  const lengthM = arc[arc.length - 1] ?? 0;
  const arcAt = (ds: number): number => {
    const s = sec.s + ds;
    let k = 1;
    while (k < samples.length - 1 && samples[k]! < s) k++;
    const s0 = samples[k - 1]!;
    const s1 = samples[k]!;
    const f = s1 > s0 ? Math.min(Math.max((s - s0) / (s1 - s0), 0), 1) : 0;
    return arc[k - 1]! + f * (arc[k]! - arc[k - 1]!);
  };
  const side = (id: number, plusSide: boolean) => {
    const defs = owner(id)?.marks ?? [];
    return laneMarksOf(defs, id, plusSide, sec.sEnd - sec.s, arcAt, lengthM, forward);
  };
  const plus = side(plusId, true);
  const minus = side(minusId, false);
  const left = forward ? plus : minus;
  const right = forward ? minus : plus;
  return { ...(left ? { leftMarks: left } : {}), ...(right ? { rightMarks: right } : {}) };
}

/** Andrew's monotone chain convex hull (counter-clockwise). */
function convexHull(points: Vec2[]): Vec2[] {
  const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length < 3) return p;
  const cross = (o: Vec2, a: Vec2, b: Vec2): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Vec2[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0)
      lower.pop();
    lower.push(q);
  }
  const upper: Vec2[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0)
      upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

const dist = (a: Vec2, b: Vec2): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Converts a parsed <OpenDRIVE> element into a RoadMapData (throws ImportError on bad input). */
/** How to read a file: the traffic rule of roads without a `rule` attribute (default RHT, as the spec says). */
/** The junctions' connections (linkedRoad for direct junctions) with esmini's counter connections added. */
function readJunctions(nodes: XNode[], roads: readonly RoadDef[]): JunctionDef[] {
  const out: JunctionDef[] = nodes.map((j, ji) => {
    const direct = attr(j, 'type') === 'direct';
    return {
      id: attr(j, 'id') ?? String(ji),
      type: direct ? 'direct' : 'default',
      connections: kids(j, 'connection').flatMap((c) => {
        const incomingRoadId = attr(c, 'incomingRoad');
        const connectingRoadId = attr(c, direct ? 'linkedRoad' : 'connectingRoad');
        if (incomingRoadId === undefined || connectingRoadId === undefined) return [];
        return [
          {
            incomingRoadId,
            connectingRoadId,
            contactPoint: attr(c, 'contactPoint') === 'end' ? ('end' as const) : ('start' as const),
            laneLinks: kids(c, 'laneLink').map((l) => ({
              from: Number(attr(l, 'from')),
              to: Number(attr(l, 'to')),
            })),
          },
        ];
      }),
    };
  });
  addCounterConnections(roads, out);
  return out;
}

export interface OpenDriveOptions {
  defaultRule?: 'RHT' | 'LHT';
  /**
   * What to do with the header's `<offset>`: `'keep'` (default) reads the map in its own frame and
   * only reports the offset (`geoOffset`), as libOpenDRIVE does; `'esmini'` moves the map by it the way
   * esmini's RoadManager does (`esminiOffsetPoint`: each geometry's start shifted by x, y and then
   * rotated by hdg about the origin, hdg added to its heading, z added to each elevation record), so
   * that the map is in the frame of esmini's output. OpenSCENARIO files are imported this way.
   */
  headerOffset?: 'keep' | 'esmini';
}

export function buildOpenDrive(root: XNode, mapId: string, opts: OpenDriveOptions = {}): OpenDriveResult {
  const unsupported: string[] = [];
  const warnings: string[] = [];
  const header = kid(root, 'header');
  const revMinor = Number(attr(header, 'revMinor') ?? '4');
  // A text-only element parses to a plain string, one with attributes to a node with '#text'.
  const geoNode = (header?.geoReference as (string | XNode)[] | undefined)?.[0];
  const geoReference = parseGeoReference(typeof geoNode === 'string' ? geoNode : geoNode?.['#text']);
  const offNode = kid(header, 'offset');
  const geoOffset: GeoOffset | undefined = offNode
    ? {
        x: num(offNode, 'x', '/OpenDRIVE/header/offset', 0),
        y: num(offNode, 'y', '/OpenDRIVE/header/offset', 0),
        z: num(offNode, 'z', '/OpenDRIVE/header/offset', 0),
        hdg: num(offNode, 'hdg', '/OpenDRIVE/header/offset', 0),
      }
    : undefined;
  if (revMinor > 8) warnings.push(`OpenDRIVE 1.${revMinor} is newer than 1.8; read as 1.8`);
  const moveBy = opts.headerOffset === 'esmini' ? geoOffset : undefined;
  const roads = kids(root, 'road').map((r, i) => readRoad(r, i, unsupported, warnings, moveBy));
  const byRoad = new Map(roads.map((r) => [r.id, r]));
  const mapLht = opts.defaultRule === 'LHT';
  for (const road of roads) if (!road.ruleGiven) road.lht = mapLht;
  repairContactPoints(roads, byRoad, warnings);
  const built: BuiltLane[] = [];
  for (const road of roads)
    for (let i = 0; i < road.sections.length; i++) buildSection(road, i, built, mapLht);
  const byKey = new Map(built.map((b) => [b.key, b]));

  // Contacts: "<laneKey>|start" or "|end" ↔ another lane's end, from lane links inside roads, road
  // links between roads, and junction connections.
  const contacts = new Map<string, Set<string>>();
  const link = (a: string, aSide: string, b: string, bSide: string): void => {
    if (!byKey.has(a) || !byKey.has(b)) return;
    const ka = `${a}|${aSide}`;
    const kb = `${b}|${bSide}`;
    if (!contacts.has(ka)) contacts.set(ka, new Set());
    if (!contacts.has(kb)) contacts.set(kb, new Set());
    contacts.get(ka)!.add(kb);
    contacts.get(kb)!.add(ka);
  };
  const sectionAt = (r: RoadDef, cp: string): number => (cp === 'end' ? r.sections.length - 1 : 0);
  for (const road of roads) {
    const last = road.sections.length - 1;
    road.sections.forEach((sec, i) => {
      for (const l of sec.lanes) {
        if (l.succ !== undefined) {
          if (i < last) link(laneKey(road.id, i, l.id), 'end', laneKey(road.id, i + 1, l.succ), 'start');
          else if (road.succ?.type === 'road') {
            const o = byRoad.get(road.succ.id);
            if (o)
              link(
                laneKey(road.id, i, l.id),
                'end',
                laneKey(o.id, sectionAt(o, road.succ.cp), l.succ),
                road.succ.cp,
              );
          }
        }
        if (l.pred !== undefined) {
          if (i > 0) link(laneKey(road.id, i, l.id), 'start', laneKey(road.id, i - 1, l.pred), 'end');
          else if (road.pred?.type === 'road') {
            const o = byRoad.get(road.pred.id);
            if (o)
              link(
                laneKey(road.id, i, l.id),
                'start',
                laneKey(o.id, sectionAt(o, road.pred.cp), l.pred),
                road.pred.cp,
              );
          }
        }
      }
    });
  }
  const junctions = kids(root, 'junction');
  junctions.forEach((j, ji) => {
    const jid = attr(j, 'id') ?? String(ji);
    // A direct junction (OpenDRIVE 1.7) joins its roads end to end with no connecting road:
    // `linkedRoad` takes the connecting road's place and `contactPoint` is the end of it that
    // touches the junction (esmini's RoadManager reads it so; soderleden.xodr's on-ramp merge).
    const direct = attr(j, 'type') === 'direct';
    kids(j, 'connection').forEach((c, ci) => {
      const path = `/OpenDRIVE/junction[id=${jid}]/connection[${ci}]`;
      const inc = byRoad.get(str(c, 'incomingRoad', path, ''));
      const con = byRoad.get(str(c, direct ? 'linkedRoad' : 'connectingRoad', path, ''));
      if (!inc || !con) return;
      let cpC = attr(c, 'contactPoint') ?? 'start';
      // A contactPoint whose end of the connecting road links another road while the other end links
      // the incoming road (crdesigner's cr2odr BEL_Wervik, DEU_Muehlhausen): the connecting road's
      // own link names the end that touches; read that one.
      const linksInc = (l: RoadLink | undefined) => l?.type === 'road' && l.id === inc.id;
      const cpOther = cpC === 'start' ? 'end' : 'start';
      if (
        !linksInc(cpC === 'start' ? con.pred : con.succ) &&
        linksInc(cpC === 'start' ? con.succ : con.pred)
      ) {
        warnings.push(
          `${path}@contactPoint: ${cpC} of road ${con.id} links another road, its ${cpOther} road ${inc.id}; read as ${cpOther}`,
        );
        cpC = cpOther;
      }
      // Which end of the incoming road touches the junction: from the connecting road's link to it,
      // else from the incoming road's own link to this junction.
      let incSide: string | undefined;
      const cLink = cpC === 'start' ? con.pred : con.succ;
      if (cLink?.type === 'road' && cLink.id === inc.id) incSide = cLink.cp;
      else if (inc.succ?.type === 'junction' && inc.succ.id === jid) incSide = 'end';
      else if (inc.pred?.type === 'junction' && inc.pred.id === jid) incSide = 'start';
      if (!incSide) return;
      for (const [li, ll] of kids(c, 'laneLink').entries()) {
        const from = num(ll, 'from', `${path}/laneLink[${li}]`);
        const to = num(ll, 'to', `${path}/laneLink[${li}]`);
        link(
          laneKey(inc.id, sectionAt(inc, incSide), from),
          incSide,
          laneKey(con.id, sectionAt(con, cpC), to),
          cpC,
        );
      }
    });
  });

  // Driving-direction successors / predecessors from the contacts.
  const exitSide = (b: BuiltLane): string => (b.forward ? 'end' : 'start');
  const entrySide = (b: BuiltLane): string => (b.forward ? 'start' : 'end');
  for (const b of built) {
    for (const other of contacts.get(`${b.key}|${exitSide(b)}`) ?? []) {
      const [ok, side] = other.split('|') as [string, string];
      const o = byKey.get(ok)!;
      if (side === entrySide(o) && !b.lane.successors.includes(ok)) b.lane.successors.push(ok);
    }
    for (const other of contacts.get(`${b.key}|${entrySide(b)}`) ?? []) {
      const [ok, side] = other.split('|') as [string, string];
      const o = byKey.get(ok)!;
      if (side === exitSide(o) && !b.lane.predecessors.includes(ok)) b.lane.predecessors.push(ok);
    }
  }

  // Neighbours within a section.
  for (const b of built) {
    const sec = b.road.sections[b.sec]!;
    const i = b.def.id;
    const plusId = i > 0 ? i + 1 : i === -1 ? 1 : i + 1;
    const minusId = i < 0 ? i - 1 : i === 1 ? -1 : i - 1;
    const markOf = (laneId: number): string =>
      laneId === 0 ? sec.centerMark : (sec.lanes.find((x) => x.id === laneId)?.mark ?? 'none');
    const plusMark = i > 0 ? markOf(i) : markOf(i === -1 ? 0 : i + 1);
    const minusMark = i < 0 ? markOf(i) : markOf(i === 1 ? 0 : i - 1);
    const nb = (nid: number, mark: string) => {
      const o = byKey.get(laneKey(b.road.id, b.sec, nid));
      if (!o || !VEHICLE_LANES.has(b.lane.type) || !VEHICLE_LANES.has(o.lane.type)) return undefined;
      const opposite = o.forward !== b.forward;
      const bothDriving = b.lane.type === 'driving' && o.lane.type === 'driving';
      return { laneId: o.key, changeAllowed: bothDriving && crossable(mark), opposite };
    };
    const l = b.forward ? nb(plusId, plusMark) : nb(minusId, minusMark);
    const r = b.forward ? nb(minusId, minusMark) : nb(plusId, plusMark);
    if (l) b.lane.left = l;
    if (r) b.lane.right = r;
  }

  // Worst gap between linked lanes (centre, left and right boundary), the geometry check. Over
  // driving lanes: RoadRunner links some shoulders across a laneOffset jump (Town06 road 823), a
  // real discontinuity of the source that `worstGapAllM` still shows.
  let worstGapM = 0;
  let worstGapAt = '';
  let worstGapAllM = 0;
  let worstGapAllAt = '';
  for (const b of built) {
    for (const sid of b.lane.successors) {
      const o = byKey.get(sid)!;
      const aL = b.left[b.left.length - 1]!;
      const aR = b.right[b.right.length - 1]!;
      const aC = b.lane.centerline[b.lane.centerline.length - 1]!;
      const bL = o.left[0]!;
      const bR = o.right[0]!;
      const bC = o.lane.centerline[0]!;
      let g: number;
      if (dist(aL, aR) < TAPER_M) {
        // A lane tapering to nothing merges into its successor: its end must touch the successor's start edge.
        g = pointSegmentDistance(aC.x, aC.y, bL.x, bL.y, bR.x, bR.y);
      } else if (dist(bL, bR) < TAPER_M) {
        // A lane opening from nothing splits off its predecessor: its start must touch the predecessor's end edge.
        g = pointSegmentDistance(bC.x, bC.y, aL.x, aL.y, aR.x, aR.y);
      } else g = Math.max(dist(aC, bC), dist(aL, bL), dist(aR, bR));
      if (g > worstGapAllM) {
        worstGapAllM = g;
        worstGapAllAt = `${b.key} → ${sid}`;
      }
      if (g > worstGapM && b.lane.type === 'driving' && o.lane.type === 'driving') {
        worstGapM = g;
        worstGapAt = `${b.key} → ${sid}`;
      }
    }
  }

  // Junction areas: the convex hull of the junction's vehicle-lane boundaries (nuPlan's intersection
  // polygons cover the whole box, which a strip per connecting lane leaves with gaps at the corners).
  const junctionPts = new Map<string, Vec2[]>();
  for (const b of built) {
    const jid = b.lane.junctionId;
    if (jid === undefined || !VEHICLE_LANES.has(b.lane.type)) continue;
    const list = junctionPts.get(jid) ?? [];
    list.push(...b.left, ...b.right);
    junctionPts.set(jid, list);
  }
  const hulls = new Map<string, Vec2[]>();
  for (const [jid, pts] of junctionPts) {
    const h = convexHull(pts);
    if (h.length >= 3) hulls.set(jid, h);
  }

  const stopLines = readStopLines(roads, byKey, unsupported);
  const crosswalks = readCrosswalks(roads, warnings);
  if (built.length === 0) throw new ImportError('/OpenDRIVE', 'no lanes of a supported type');
  return {
    map: {
      id: mapId,
      lanes: built.map((b) => b.lane),
      crosswalks,
      stopLines,
      junctions: junctions.map((j, i) => {
        const id = attr(j, 'id') ?? String(i);
        const polygon = hulls.get(id);
        return polygon ? { id, polygon } : { id };
      }),
      drivableAreas: [...hulls.values()],
      source: `OpenDRIVE 1.${revMinor}`,
    },
    worstGapM,
    worstGapAt,
    worstGapAllM,
    worstGapAllAt,
    unsupported,
    warnings,
    stats: { roads: roads.length, junctions: junctions.length, lanes: built.length },
    unpostedSpeedLaneIds: built.filter((b) => b.unposted).map((b) => b.lane.id),
    signalHeads: readSignalHeads(roads, stopLines),
    geometry: new RoadGeometry(roads, readJunctions(junctions, roads)),
    ...(geoReference ? { geoReference } : {}),
    ...(geoOffset ? { geoOffset } : {}),
    ...(moveBy ? { offsetApplied: true } : {}),
    ...(mapLht ? { defaultRule: 'LHT' as const } : {}),
    roadPose(roadId, sM, tM) {
      const road = byRoad.get(roadId);
      if (!road || !(sM >= -S_TOLERANCE_M && sM <= road.length + S_TOLERANCE_M)) return undefined;
      const p: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };
      road.line.eval(Math.min(Math.max(sM, 0), road.length), p);
      return { x: p.x - tM * Math.sin(p.hdg), y: p.y + tM * Math.cos(p.hdg), headingRad: p.hdg };
    },
    laneAt(roadId, laneId, sM) {
      const road = byRoad.get(roadId);
      if (!road) return fail('NOT_FOUND', `road ${roadId}`, `road ${roadId} is not in the map`);
      const at = sOnRoad(roadId, road.length, sM);
      if (!at.ok) return { ok: false, error: at.error };
      const s = at.value;
      let idx = road.sections.findIndex((sec) => s >= sec.s - 1e-9 && s < sec.sEnd);
      if (idx < 0) idx = road.sections.length - 1;
      const b = byKey.get(laneKey(roadId, idx, laneId));
      if (!b)
        return fail(
          'NOT_FOUND',
          `road ${roadId} lane ${laneId}`,
          `road ${roadId} has no lane ${laneId} we model at s ${sM}`,
        );
      const sec = road.sections[idx]!;
      return ok({ laneId: b.key, sM: b.forward ? s - sec.s : sec.sEnd - s, forward: b.forward });
    },
  };
}

export interface SignalHead {
  id: string;
  type: string;
  subtype: string;
  /** Our lanes with a stop line for it (may be empty: a head beside no driving lane). */
  laneIds: string[];
}

/** The dynamic signals of the roads with their stop lines' lanes (stop line ids are `<signal id>_<lane>`). */
function readSignalHeads(roads: RoadDef[], stopLines: readonly StopLine[]): SignalHead[] {
  const out = new Map<string, SignalHead>();
  for (const road of roads)
    for (const sg of kids(kid(road.node, 'signals'), 'signal')) {
      const id = attr(sg, 'id');
      const type = attr(sg, 'type') ?? '';
      if (id === undefined || out.has(id)) continue;
      if (attr(sg, 'dynamic') !== 'yes' && STOP_SIGNALS[type] !== 'signal') continue;
      const laneIds = stopLines.filter((l) => l.id.startsWith(`${id}_`)).map((l) => l.laneId);
      out.set(id, { id, type, subtype: attr(sg, 'subtype') ?? '-1', laneIds });
    }
  return [...out.values()];
}

/** Signal types that put a stop line on the lanes they govern (CARLA 1000001 = traffic light; StVO 206 stop, 205 yield, 294 stop line). */
const STOP_SIGNALS: Record<string, StopLine['kind']> = {
  '1000001': 'signal',
  '206': 'stop_sign',
  '205': 'yield',
  '294': 'signal',
};

function readStopLines(roads: RoadDef[], byKey: Map<string, BuiltLane>, _unsupported: string[]): StopLine[] {
  const out: StopLine[] = [];
  const kinds = new Map<string, StopLine['kind']>();
  for (const road of roads)
    for (const sg of kids(kid(road.node, 'signals'), 'signal')) {
      let kind = STOP_SIGNALS[attr(sg, 'type') ?? ''];
      if (!kind && attr(sg, 'dynamic') === 'yes') kind = 'signal';
      const id = attr(sg, 'id');
      if (kind && id !== undefined) kinds.set(id, kind);
    }
  const seen = new Set<string>();
  const place = (
    road: RoadDef,
    sg: XNode,
    path: string,
    kind: StopLine['kind'],
    useOrientation: boolean,
  ): void => {
    const s = Math.min(Math.max(num(sg, 's', path), 0), road.length);
    const orient = attr(sg, 'orientation') ?? 'none';
    const secIdx = road.sections.findIndex((sec) => s >= sec.s - 1e-6 && s <= sec.sEnd + 1e-6);
    if (secIdx < 0) return;
    const sec = road.sections[secIdx]!;
    const valid = kids(sg, 'validity').map(
      (v, k) =>
        [num(v, 'fromLane', `${path}/validity[${k}]`), num(v, 'toLane', `${path}/validity[${k}]`)] as const,
    );
    for (const l of sec.lanes) {
      const b = byKey.get(laneKey(road.id, secIdx, l.id));
      if (b?.lane.type !== 'driving') continue;
      if (useOrientation && orient === '+' && !b.forward) continue;
      if (useOrientation && orient === '-' && b.forward) continue;
      if (valid.length > 0 && !valid.some(([a, z]) => l.id >= Math.min(a, z) && l.id <= Math.max(a, z)))
        continue;
      const len = polylineLength(b.lane.centerline);
      const sM = b.forward ? s - sec.s : sec.sEnd - s;
      const id = `${attr(sg, 'id') ?? path}_${b.key}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, laneId: b.key, sM: Math.min(Math.max(sM, 0), len), kind });
    }
  };
  for (const road of roads) {
    const sigs = kid(road.node, 'signals');
    kids(sigs, 'signal').forEach((sg, i) => {
      const kind = kinds.get(attr(sg, 'id') ?? '');
      if (kind) place(road, sg, `${road.path}/signals/signal[${i}]`, kind, true);
    });
    // CARLA (RoadRunner) places the heads beside the road and references them from the junction's
    // connecting roads with the lanes they govern; the orientation there is not reliable, the
    // validity is.
    kids(sigs, 'signalReference').forEach((sg, i) => {
      const kind = kinds.get(attr(sg, 'id') ?? '');
      if (kind) place(road, sg, `${road.path}/signals/signalReference[${i}]`, kind, false);
    });
  }
  return out;
}

function polylineLength(p: Vec2[]): number {
  let s = 0;
  for (let i = 1; i < p.length; i++) s += dist(p[i - 1]!, p[i]!);
  return s;
}

function readCrosswalks(roads: RoadDef[], warnings: string[]): Crosswalk[] {
  const out: Crosswalk[] = [];
  const rp: RefPoint = { x: 0, y: 0, hdg: 0, kappa: 0 };
  const roadPoint = (road: RoadDef, s: number, t: number): Vec2 => {
    road.line.eval(s, rp);
    const off = polyAt(road.offsets, s);
    void off; // object t is measured from the reference line, not the lane offset (spec §13.2)
    return { x: rp.x - t * Math.sin(rp.hdg), y: rp.y + t * Math.cos(rp.hdg) };
  };
  for (const road of roads) {
    kids(kid(road.node, 'objects'), 'object').forEach((ob, i) => {
      if ((attr(ob, 'type') ?? '').toLowerCase() !== 'crosswalk') return;
      const path = `${road.path}/objects/object[${i}]`;
      const s = num(ob, 's', path);
      const t = num(ob, 't', path, 0);
      const hdg = num(ob, 'hdg', path, 0);
      const o = roadPoint(road, s, t);
      road.line.eval(s, rp);
      const th = rp.hdg + hdg;
      const outline = kid(ob, 'outline') ?? kid(kid(ob, 'outlines'), 'outline');
      const poly: Vec2[] = [];
      for (const [k, c] of kids(outline, 'cornerLocal').entries()) {
        const u = num(c, 'u', `${path}/outline/cornerLocal[${k}]`);
        const v = num(c, 'v', `${path}/outline/cornerLocal[${k}]`);
        poly.push({
          x: o.x + u * Math.cos(th) - v * Math.sin(th),
          y: o.y + u * Math.sin(th) + v * Math.cos(th),
        });
      }
      for (const [k, c] of kids(outline, 'cornerRoad').entries())
        poly.push(
          roadPoint(
            road,
            num(c, 's', `${path}/outline/cornerRoad[${k}]`),
            num(c, 't', `${path}/outline/cornerRoad[${k}]`),
          ),
        );
      if (poly.length < 3) {
        const len = num(ob, 'length', path, 0);
        const wid = num(ob, 'width', path, 0);
        if (len <= 0 || wid <= 0) {
          warnings.push(`${path}: crosswalk without outline or size, skipped`);
          return;
        }
        for (const [u, v] of [
          [-len / 2, -wid / 2],
          [len / 2, -wid / 2],
          [len / 2, wid / 2],
          [-len / 2, wid / 2],
        ] as const)
          poly.push({
            x: o.x + u * Math.cos(th) - v * Math.sin(th),
            y: o.y + u * Math.sin(th) + v * Math.cos(th),
          });
      }
      out.push({
        id: `${road.id}_${attr(ob, 'id') ?? i}`,
        polygon: dedupe(poly).length >= 3 ? dedupe(poly) : poly,
      });
    });
  }
  return out;
}
