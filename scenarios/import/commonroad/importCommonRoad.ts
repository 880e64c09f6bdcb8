/**
 * CommonRoad XML (2018b and 2020a) → RoadMap + one Scenario per planning problem.
 *
 * Map: each lanelet becomes a lane (centreline = midpoint of its bounds, width = mean bound
 * distance), successors/predecessors as given, adjacentLeft/Right → neighbours (drivingDir
 * opposite → `opposite`; lane change allowed unless the shared marking is solid), speed limits
 * from the 2018b `<speedLimit>` or the 2020a max-speed traffic signs (propagated to successors),
 * else no posted limit (`speedLimitPosted: false`) and the road class's statutory default to drive
 * at (CommonRoadParams), with a warning. Obstacles with trajectories become log-replay agents (reactive
 * IDM for vehicles); static obstacles become static agents. The planning problem's initial state
 * is the ego start (CommonRoad states are shape centres; we move it back to the rear axle), the
 * goal lanelet/region gives the route. CommonRoad has no ego recording, so the expert is an IDM
 * drive of that route (as the built-in library does).
 */
import {
  type AgentAttributes,
  type AgentKind,
  angleDiff,
  fail,
  kmhToMps,
  type Lane,
  mphToMps,
  ok,
  Polyline,
  parseWith,
  type Result,
  type RoadMapData,
  RoadMapSchema,
  type RoadMark,
  type RoadMarkType,
  type Scenario,
  type ScenarioAgent,
  ScenarioSchema,
  type SignalTimeline,
  type StopLine,
  type TrackPoint,
  type Vec2,
  VehicleParamsSchema,
} from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { idmPlanner } from '../../../core/vehicle/index.ts';
import { runScenario } from '../../../sim/runScenario.ts';
import { coverEgoSpeed, egoSpeeds } from '../EgoTopSpeed.ts';
import {
  asArray,
  attr,
  child,
  ElementError,
  laneFromBounds,
  num,
  parseXmlFile,
  text,
  type XmlNode,
} from '../lanelet2/index.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { type CommonRoadParams, CommonRoadParamsSchema } from './CommonRoadParams.ts';

const ARRAYS = new Set([
  'lanelet',
  'point',
  'successor',
  'predecessor',
  'obstacle',
  'dynamicObstacle',
  'staticObstacle',
  'environmentObstacle',
  'phantomObstacle',
  'state',
  'planningProblem',
  'goalState',
  'trafficSign',
  'trafficSignElement',
  'trafficSignRef',
  'trafficLight',
  'trafficLightRef',
  'laneletType',
  'cycleElement',
  'intersection',
  'incoming',
  'incomingLanelet',
  'successorsRight',
  'successorsLeft',
  'successorsStraight',
  'rectangle',
  'circle',
  'polygon',
  'additionalValue',
]);

/** A road class, for the speed to drive at where no limit is posted (CommonRoadParams). */
export type RoadClass = 'urban' | 'rural' | 'motorway';

/** laneletType values and scenario tags that name a road class (commonroad-io LaneletType, Tag). */
const ROAD_CLASS: Readonly<Record<string, RoadClass>> = {
  urban: 'urban',
  country: 'rural',
  rural: 'rural',
  highway: 'motorway',
  interstate: 'motorway',
};
const CLASS_ORDER: readonly RoadClass[] = ['urban', 'rural', 'motorway'];

/**
 * The road class that lanelet types or scenario tags name; the slowest when they name several
 * (an urban interstate is driven as urban), undefined when they name none.
 */
export function roadClassOf(words: readonly string[]): RoadClass | undefined {
  const named = new Set(words.map((w) => ROAD_CLASS[w]).filter((c) => c !== undefined));
  return CLASS_ORDER.find((c) => named.has(c));
}

/**
 * The speed to drive at on a lanelet with no posted limit, m/s: the class's statutory default of
 * the benchmark's country (the benchmark id's prefix; USA: California's, others: the German
 * StVO's), never above the vehicle's top speed.
 */
export function unpostedSpeedMps(
  roadClass: RoadClass,
  benchmarkId: string,
  params: CommonRoadParams,
  topSpeedMps: number,
): number {
  const table = benchmarkId.startsWith('USA_') ? params.unpostedSpeedsUsa : params.unpostedSpeeds;
  const v =
    roadClass === 'urban' ? table.urbanMps : roadClass === 'rural' ? table.ruralMps : table.motorwayMps;
  return Math.min(v, topSpeedMps);
}

/**
 * Whether the speed driven on a lanelet with no posted limit is advice rather than a statutory
 * limit: only on a motorway of a country whose law sets no general motorway limit (Germany's
 * Richtgeschwindigkeit; `motorwayAdvisory` of the country's table).
 */
export function unpostedAdvisory(
  roadClass: RoadClass,
  benchmarkId: string,
  params: CommonRoadParams,
): boolean {
  const table = benchmarkId.startsWith('USA_') ? params.unpostedSpeedsUsa : params.unpostedSpeeds;
  return roadClass === 'motorway' && table.motorwayAdvisory;
}

/** The scenario's tags: the 2018b `tags` attribute and the 2020a `<scenarioTags>` elements. */
function scenarioTags(root: XmlNode): string[] {
  const tags = (attr(root, 'tags') ?? '').split(/\s+/).filter(Boolean);
  for (const t of Object.keys(child(root, 'scenarioTags') ?? {}))
    if (!t.startsWith('@_') && t !== '#text') tags.push(t);
  return tags;
}

/** Traffic-sign ids that carry a maximum speed in m/s in additionalValue (CommonRoad sign tables). */
const MAX_SPEED_SIGNS = new Set(['274', 'R2-1', 'MAX_SPEED', '1010']);

/**
 * The speed of a max-speed sign's additionalValue, m/s, or undefined when there is none. A bare
 * number is m/s (commonroad-io); the CommonRoad Scenario Designer's map files also write the
 * unit, as on the sign ("80kmh", "25mph").
 */
export function speedSignMps(raw: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(km\/?h|kph|mph|m\/s|mps)?\s*$/i.exec(raw ?? '');
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit = (m[2] ?? 'm/s').toLowerCase();
  const mps = unit === 'mph' ? mphToMps(v) : unit.startsWith('k') ? kmhToMps(v) : v;
  return mps > 0 ? mps : undefined;
}

const LANE_TYPES: Record<string, Lane['type']> = {
  sidewalk: 'sidewalk',
  bicycleLane: 'biking',
  busLane: 'bus',
  busStop: 'bus',
  shoulder: 'shoulder',
  parking: 'parking',
  driveWay: 'driving',
};

const KINDS: Record<string, AgentKind> = {
  car: 'vehicle',
  truck: 'vehicle',
  bus: 'vehicle',
  taxi: 'vehicle',
  priorityVehicle: 'vehicle',
  motorcycle: 'vehicle',
  trailer: 'vehicle',
  train: 'vehicle',
  bicycle: 'cyclist',
  pedestrian: 'pedestrian',
};

/** CommonRoad ObstacleType → our subclass (and the facts the type implies). */
const SUBCLASS: Record<string, AgentAttributes> = {
  car: { subclass: 'car' },
  taxi: { subclass: 'car' },
  truck: { subclass: 'truck' },
  bus: { subclass: 'bus' },
  trailer: { subclass: 'trailer' },
  motorcycle: { subclass: 'motorcycle' },
  train: { subclass: 'train' },
  bicycle: { subclass: 'bicycle' },
  pedestrian: { subclass: 'adult' },
  priorityVehicle: { subclass: 'emergency', lightsOn: true },
  parkedVehicle: { subclass: 'car', parked: true },
  constructionZone: { subclass: 'barrier' },
};

function points(node: XmlNode | undefined, where: string): Vec2[] {
  return asArray(node?.point).map((p, i) => ({
    x: num(p, 'x', `${where}/point[${i}]`, 'coordinate'),
    y: num(p, 'y', `${where}/point[${i}]`, 'coordinate'),
  }));
}

function marking(bound: XmlNode | undefined): Lane['leftBoundary'] | undefined {
  const m = text(bound, 'lineMarking');
  if (!m) return undefined;
  if (m.includes('dashed')) return 'dashed';
  if (m.includes('solid')) return 'solid';
  if (m === 'no_marking') return 'none';
  return undefined;
}

/**
 * A bound's `lineMarking` as the contract's marking (CommonRoad 2020a: dashed, solid, broad_dashed,
 * broad_solid, no_marking, unknown); undefined for unknown or absent (the default from the boundary
 * kind applies). A broad line is 0.3 m wide (RMS Breitstrich; the narrow one the viewer's 0.15 m).
 */
function marksOf(bound: XmlNode | undefined): RoadMark[] | undefined {
  const m = text(bound, 'lineMarking');
  const type: RoadMarkType | undefined =
    m === 'dashed' || m === 'broad_dashed'
      ? 'broken'
      : m === 'solid' || m === 'broad_solid'
        ? 'solid'
        : m === 'no_marking'
          ? 'none'
          : undefined;
  if (type === undefined) return undefined;
  return [{ sM: 0, type, color: 'white', ...(m?.startsWith('broad_') ? { widthM: 0.3 } : {}) }];
}

/** Value of an exact-or-interval element (`<exact>` or the middle of `<intervalStart/End>`). */
function exactOrMid(node: XmlNode | undefined, where: string): number | undefined {
  if (!node) return undefined;
  if (node.exact !== undefined) return num(node, 'exact', where);
  if (node.intervalStart !== undefined) {
    return (num(node, 'intervalStart', where) + num(node, 'intervalEnd', where)) / 2;
  }
  return undefined;
}

/**
 * The least speed a goal state asks of the ego, m/s: its velocity's exact value or interval
 * start (reaching the goal at any speed inside the interval solves the problem, so only the
 * interval's start is demanded), absolute (CommonRoad allows negative intervals for reversing);
 * undefined when the goal sets no velocity.
 */
function goalSpeedMps(goal: XmlNode | undefined, where: string): number | undefined {
  const v = child(goal, 'velocity');
  if (!v) return undefined;
  if (v.exact !== undefined) return Math.abs(num(v, 'exact', `${where}/velocity`));
  if (v.intervalStart === undefined) return undefined;
  const a = num(v, 'intervalStart', `${where}/velocity`);
  const b = v.intervalEnd !== undefined ? num(v, 'intervalEnd', `${where}/velocity`) : a;
  // The slowest speed inside the interval (0 when it spans standstill).
  return a <= 0 && b >= 0 ? 0 : Math.min(Math.abs(a), Math.abs(b));
}

function centroid(ps: Vec2[]): Vec2 {
  let x = 0;
  let y = 0;
  for (const p of ps) {
    x += p.x;
    y += p.y;
  }
  return { x: x / ps.length, y: y / ps.length };
}

/** A position element: a point, or the centre of a rectangle / circle / polygon / lanelet. */
function position(
  node: XmlNode | undefined,
  where: string,
  laneCentres: Map<string, Vec2>,
): { p: Vec2; laneletRefs: string[] } | undefined {
  if (!node) return undefined;
  if (node.point) return { p: points(node, where)[0]!, laneletRefs: [] };
  const shapes: Vec2[] = [];
  for (const [i, r] of asArray(node.rectangle).entries()) {
    const c = child(r, 'center');
    shapes.push(
      c
        ? {
            x: num(c, 'x', `${where}/rectangle[${i}]/center`, 'coordinate'),
            y: num(c, 'y', `${where}/rectangle[${i}]/center`, 'coordinate'),
          }
        : { x: 0, y: 0 },
    );
  }
  for (const [i, r] of asArray(node.circle).entries()) {
    const c = child(r, 'center');
    shapes.push(
      c
        ? {
            x: num(c, 'x', `${where}/circle[${i}]/center`, 'coordinate'),
            y: num(c, 'y', `${where}/circle[${i}]/center`, 'coordinate'),
          }
        : { x: 0, y: 0 },
    );
  }
  for (const [i, pg] of asArray(node.polygon).entries()) {
    const ps = points(pg, `${where}/polygon[${i}]`);
    if (ps.length > 0) shapes.push(centroid(ps));
  }
  const refs = asArray(node.lanelet)
    .map((l) => attr(l, 'ref'))
    .filter((r): r is string => r !== undefined);
  if (shapes.length === 0) {
    const cs = refs.map((r) => laneCentres.get(r)).filter((c): c is Vec2 => c !== undefined);
    if (cs.length === 0) return undefined;
    return { p: cs[0]!, laneletRefs: refs };
  }
  return { p: centroid(shapes), laneletRefs: refs };
}

interface ObstacleShape {
  lengthM: number;
  widthM: number;
  /** Heading offset of the shape's long axis (polygons), rad. */
  headingRad?: number;
  centre?: Vec2;
}

function shapeOf(node: XmlNode | undefined, where: string): ObstacleShape {
  const r = asArray(node?.rectangle)[0];
  if (r)
    return {
      lengthM: num(r, 'length', `${where}/rectangle`, 'extent'),
      widthM: num(r, 'width', `${where}/rectangle`, 'extent'),
    };
  const c = asArray(node?.circle)[0];
  if (c) {
    const d = 2 * num(c, 'radius', `${where}/circle`, 'extent');
    return { lengthM: d, widthM: d };
  }
  const pg = asArray(node?.polygon)[0];
  if (pg) {
    // Oriented box along the polygon's longest edge (road boundaries, parked cars drawn as polygons).
    const ps = points(pg, `${where}/polygon`);
    let best = 0;
    let h = 0;
    for (let i = 1; i < ps.length; i++) {
      const d = Math.hypot(ps[i]!.x - ps[i - 1]!.x, ps[i]!.y - ps[i - 1]!.y);
      if (d > best) {
        best = d;
        h = Math.atan2(ps[i]!.y - ps[i - 1]!.y, ps[i]!.x - ps[i - 1]!.x);
      }
    }
    const cos = Math.cos(h);
    const sin = Math.sin(h);
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of ps) {
      const u = p.x * cos + p.y * sin;
      const v = -p.x * sin + p.y * cos;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const cu = (minU + maxU) / 2;
    const cv = (minV + maxV) / 2;
    return {
      lengthM: Math.max(0.1, maxU - minU),
      widthM: Math.max(0.1, maxV - minV),
      headingRad: h,
      centre: { x: cu * cos - cv * sin, y: cu * sin + cv * cos },
    };
  }
  throw new ElementError(`${where}`, 'expected a rectangle, circle or polygon shape');
}

const SIGNAL_COLOURS: Record<string, SignalTimeline['phases'][number]['state']> = {
  red: 'RED',
  redYellow: 'RED',
  yellow: 'YELLOW',
  green: 'GREEN',
  inactive: 'UNKNOWN',
};

/**
 * Signal phases over [0, durationS] from a CommonRoad cycle (durations in time steps, offset in
 * steps; commonroad-io TrafficLight.get_state_at_time_step: state at (step − offset) mod cycle).
 */
function signalPhases(tl: XmlNode, dtS: number, durationS: number, where: string): SignalTimeline['phases'] {
  const cycle = child(tl, 'cycle');
  const els = asArray(cycle?.cycleElement).map((e, i) => ({
    steps: num(e, 'duration', `${where}/cycle/cycleElement[${i}]`),
    state: SIGNAL_COLOURS[text(e, 'color') ?? ''] ?? 'UNKNOWN',
  }));
  const total = els.reduce((a, e) => a + e.steps, 0);
  if (els.length === 0 || total <= 0) return [{ fromS: 0, state: 'UNKNOWN' }];
  if (text(tl, 'active') === 'false') return [{ fromS: 0, state: 'UNKNOWN' }];
  const offset = cycle?.timeOffset !== undefined ? num(cycle, 'timeOffset', `${where}/cycle`) : 0;
  const phases: SignalTimeline['phases'] = [];
  const steps = Math.ceil(durationS / dtS);
  for (let k = 0; k <= steps; k++) {
    let m = (k - offset) % total;
    if (m < 0) m += total;
    let acc = 0;
    let state: SignalTimeline['phases'][number]['state'] = 'UNKNOWN';
    for (const e of els) {
      acc += e.steps;
      if (m < acc) {
        state = e.state;
        break;
      }
    }
    if (phases.length === 0 || phases[phases.length - 1]!.state !== state) {
      phases.push({ fromS: Math.round(k * dtS * 1000) / 1000, state });
    }
  }
  return phases;
}

interface Parsed {
  map: RoadMapData;
  laneCentres: Map<string, Vec2>;
  lightLanes: Map<string, string[]>;
  warnings: string[];
  unsupported: string[];
}

/**
 * Where no limit is posted: the road class the scenario's tags name (a lanelet's own type comes
 * first), the benchmark id (its country) and the vehicle's top speed, m/s.
 */
interface Unposted {
  sceneClass: RoadClass;
  benchmarkId: string;
  topSpeedMps: number;
}

function readMap(
  root: XmlNode,
  id: string,
  params: CommonRoadParams,
  source: string,
  unposted: Unposted,
): Parsed {
  const warnings: string[] = [];
  const unsupported: string[] = [];
  const signSpeed = new Map<string, number>();
  for (const [i, s] of asArray(root.trafficSign).entries()) {
    const sid = attr(s, 'id') ?? '';
    for (const [j, e] of asArray(s.trafficSignElement).entries()) {
      const code = text(e, 'trafficSignID') ?? '';
      if (MAX_SPEED_SIGNS.has(code)) {
        const raw = text(e, 'additionalValue');
        const v = speedSignMps(raw);
        // One unreadable sign costs its lanes their posted speed (they get the default, with the
        // usual warning), not the whole map.
        if (v !== undefined) signSpeed.set(sid, v);
        else
          warnings.push(
            `commonRoad/trafficSign[${i}][id=${sid}]/trafficSignElement[${j}]/additionalValue: max-speed sign without a readable speed (${JSON.stringify(raw ?? '')}; expected m/s, or a number with km/h or mph): ignored`,
          );
      }
    }
  }
  const lanes: Lane[] = [];
  const laneCentres = new Map<string, Vec2>();
  const lightLanes = new Map<string, string[]>();
  const stopLines: StopLine[] = [];
  const crosswalks: RoadMapData['crosswalks'] = [];
  const speedKnown = new Map<string, number>();
  /** Each lane's class where no limit is posted: its laneletType's, else the scenario's. */
  const classOf = new Map<string, RoadClass>();
  const dropped = new Set<string>();
  for (const [i, ll] of asArray(root.lanelet).entries()) {
    const where = `commonRoad/lanelet[${i}]`;
    const lid = attr(ll, 'id');
    if (!lid) throw new ElementError(where, 'lanelet without an id');
    const lb = child(ll, 'leftBound');
    const rb = child(ll, 'rightBound');
    const left = points(lb, `${where}/leftBound`);
    const right = points(rb, `${where}/rightBound`);
    if (left.length < 2 || right.length < 2) {
      throw new ElementError(`${where}[id=${lid}]`, 'leftBound and rightBound need at least two points each');
    }
    const types = asArray(ll.laneletType).map((t) => String(typeof t === 'object' ? t['#text'] : t));
    if (types.includes('crosswalk')) {
      crosswalks.push({ id: lid, polygon: [...left, ...right.slice().reverse()] });
      dropped.add(lid);
      continue;
    }
    const geo = laneFromBounds(left, right, params.minLaneWidthM);
    if (!geo) {
      warnings.push(`${where}[id=${lid}]: degenerate bounds, lanelet skipped`);
      dropped.add(lid);
      continue;
    }
    laneCentres.set(lid, geo.centerline[Math.floor(geo.centerline.length / 2)]!);
    let type: Lane['type'] = 'driving';
    for (const t of types) if (LANE_TYPES[t]) type = LANE_TYPES[t];
    classOf.set(lid, roadClassOf(types) ?? unposted.sceneClass);
    const refs = (k: string) =>
      asArray(ll[k])
        .map((r) => attr(r, 'ref'))
        .filter((r): r is string => r !== undefined);
    const adj = (k: 'adjacentLeft' | 'adjacentRight', mark: Lane['leftBoundary'] | undefined) => {
      const a = child(ll, k);
      const ref = attr(a, 'ref');
      if (!ref) return undefined;
      const opposite = attr(a, 'drivingDir') === 'opposite';
      return { laneId: ref, opposite, changeAllowed: !opposite && mark !== 'solid' };
    };
    const lm = marking(lb);
    const rm = marking(rb);
    const lane: Lane = {
      id: lid,
      type,
      centerline: geo.centerline,
      widthM: geo.widthM,
      speedLimitMps: unpostedSpeedMps(classOf.get(lid)!, unposted.benchmarkId, params, unposted.topSpeedMps),
      successors: refs('successor'),
      predecessors: refs('predecessor'),
      leftBoundary: lm ?? (child(ll, 'adjacentLeft') ? 'dashed' : 'solid'),
      rightBoundary: rm ?? (child(ll, 'adjacentRight') ? 'dashed' : 'solid'),
      ...((k) => (k ? { leftMarks: k } : {}))(marksOf(lb)),
      ...((k) => (k ? { rightMarks: k } : {}))(marksOf(rb)),
      roadId: lid,
      roadClass: ((c: RoadClass) => (c === 'urban' ? 'town' : c))(classOf.get(lid)!),
    };
    const l = adj('adjacentLeft', lm);
    const r = adj('adjacentRight', rm);
    if (l) lane.left = l;
    if (r) lane.right = r;
    if (ll.speedLimit !== undefined) speedKnown.set(lid, num(ll, 'speedLimit', where, 'speed'));
    for (const s of refs('trafficSignRef')) {
      const v = signSpeed.get(s);
      if (v !== undefined) speedKnown.set(lid, v);
    }
    for (const t of refs('trafficLightRef')) lightLanes.set(t, [...(lightLanes.get(t) ?? []), lid]);
    const sl = child(ll, 'stopLine');
    if (sl) {
      const line = new Polyline(geo.centerline);
      const ps = points(sl, `${where}/stopLine`);
      const at = ps.length > 0 ? centroid(ps) : geo.centerline[geo.centerline.length - 1]!;
      const f = line.project(at.x, at.y);
      const tlRef = asArray(sl.trafficLightRef).length > 0;
      stopLines.push({
        id: `${lid}_stop`,
        laneId: lid,
        sM: Math.min(line.length, Math.max(0, f.sM)),
        kind: tlRef ? 'signal' : 'stop_sign',
      });
    }
    lanes.push(lane);
  }
  if (lanes.length === 0) throw new ElementError('commonRoad', 'no usable lanelet');
  // Drop references to lanelets that are not lanes (crosswalks, degenerate, missing).
  const ids = new Set(lanes.map((l) => l.id));
  let dangling = 0;
  for (const lane of lanes) {
    const before = lane.successors.length + lane.predecessors.length;
    lane.successors = lane.successors.filter((s) => ids.has(s));
    lane.predecessors = lane.predecessors.filter((s) => ids.has(s));
    dangling += before - lane.successors.length - lane.predecessors.length;
    if (lane.left && !ids.has(lane.left.laneId)) delete lane.left;
    if (lane.right && !ids.has(lane.right.laneId)) delete lane.right;
  }
  if (dangling > 0 && dropped.size === 0)
    warnings.push(`${dangling} successor/predecessor refs to unknown lanelets dropped`);
  const byId = new Map(lanes.map((l) => [l.id, l]));
  const links = repairBrokenLinks(lanes, byId, params.maxLinkGapM);
  const list = (xs: string[]) => `${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ', …' : ''}`;
  if (links.reversed.length > 0)
    warnings.push(
      `${links.reversed.length} successor links between lanelets that meet only the other way round (gap > ${params.maxLinkGapM} m as written) turned round: ${list(links.reversed)}`,
    );
  if (links.dropped.length > 0)
    warnings.push(
      `${links.dropped.length} successor links between lanelets that do not meet (gap > ${params.maxLinkGapM} m) dropped: ${list(links.dropped)}`,
    );
  // Speed signs hold until the next sign: propagate along successors (breadth first).
  const queue = [...speedKnown.keys()];
  while (queue.length > 0) {
    const idq = queue.shift()!;
    const v = speedKnown.get(idq)!;
    for (const s of byId.get(idq)?.successors ?? []) {
      if (!speedKnown.has(s)) {
        speedKnown.set(s, v);
        queue.push(s);
      }
    }
  }
  // A lanelet without one has no posted limit: it keeps its class's default to drive at, and
  // says so (nuPlan's speed_limit_compliance scores no overspeed there, as with a None limit).
  const defaulted = new Map<string, number>();
  for (const lane of lanes) {
    const v = speedKnown.get(lane.id);
    if (v !== undefined && v > 0) lane.speedLimitMps = v;
    else {
      lane.speedLimitPosted = false;
      if (unpostedAdvisory(classOf.get(lane.id)!, unposted.benchmarkId, params))
        lane.speedLimitAdvisory = true;
      const key = `${classOf.get(lane.id)!} ${lane.speedLimitMps.toFixed(2)}`;
      defaulted.set(key, (defaulted.get(key) ?? 0) + 1);
    }
  }
  if (defaulted.size > 0) {
    const n = [...defaulted.values()].reduce((a, b) => a + b, 0);
    warnings.push(
      `${n} of ${lanes.length} lanelets have no speed limit (no speedLimit or max-speed sign): no posted limit; driven at the road class's default (${[...defaulted.entries()].map(([k, c]) => `${k} m/s: ${c}`).join(', ')})`,
    );
  }
  // Intersections (2020a): lanelets leaving an incoming belong to that junction.
  const junctions: RoadMapData['junctions'] = [];
  for (const it of asArray(root.intersection)) {
    const jid = attr(it, 'id') ?? `${junctions.length}`;
    junctions.push({ id: jid });
    for (const inc of asArray(it.incoming)) {
      for (const k of ['successorsRight', 'successorsLeft', 'successorsStraight']) {
        for (const r of asArray(inc[k])) {
          const lane = byId.get(attr(r, 'ref') ?? '');
          if (lane) lane.junctionId = jid;
        }
      }
    }
  }
  for (const k of ['environmentObstacle', 'phantomObstacle', 'location']) {
    if (root[k] !== undefined) unsupported.push(`commonRoad/${k}`);
  }
  return {
    map: { id, lanes, crosswalks, stopLines, junctions, drivableAreas: [], source },
    laneCentres,
    lightLanes,
    warnings,
    unsupported,
  };
}

/**
 * Repairs successor / predecessor links whose lanelets do not meet: the successor's centreline
 * starts more than `maxGapM` from where its predecessor's ends. When the two meet the other way
 * round (the successor ends where the predecessor starts: the file swapped successor and
 * predecessor) the link is turned round; otherwise (a reference to the wrong lanelet, a lanelet
 * listed as its own successor) it is dropped. Left in, a route would jump across the gap.
 * Returns the links turned round and dropped as "from→to (gap m)".
 */
export function repairBrokenLinks(
  lanes: Lane[],
  byId: ReadonlyMap<string, Lane>,
  maxGapM: number,
): { reversed: string[]; dropped: string[] } {
  const gapM = (from: Lane, to: Lane): number => {
    const a = from.centerline[from.centerline.length - 1]!;
    const b = to.centerline[0]!;
    return Math.hypot(a.x - b.x, a.y - b.y);
  };
  const broken = new Map<string, { from: Lane; to: Lane; gapM: number }>();
  const check = (from: Lane, to: Lane): void => {
    const g = gapM(from, to);
    if (g > maxGapM) broken.set(`${from.id}→${to.id}`, { from, to, gapM: g });
  };
  for (const lane of lanes) {
    for (const s of lane.successors) check(lane, byId.get(s)!);
    for (const p of lane.predecessors) check(byId.get(p)!, lane);
  }
  const reversed: string[] = [];
  const dropped: string[] = [];
  if (broken.size === 0) return { reversed, dropped };
  for (const lane of lanes) {
    lane.successors = lane.successors.filter((s) => !broken.has(`${lane.id}→${s}`));
    lane.predecessors = lane.predecessors.filter((p) => !broken.has(`${p}→${lane.id}`));
  }
  for (const [key, { from, to, gapM: g }] of broken) {
    const label = `${key} (${g.toFixed(1)} m)`;
    if (from !== to && gapM(to, from) <= maxGapM) {
      if (!to.successors.includes(from.id)) to.successors.push(from.id);
      if (!from.predecessors.includes(to.id)) from.predecessors.push(to.id);
      reversed.push(label);
    } else dropped.push(label);
  }
  return { reversed, dropped };
}

interface RawState {
  step: number;
  p: Vec2;
  headingRad: number;
  speedMps: number;
  /** The state's yaw rate and acceleration where it carries them (planning problems often do). */
  yawRateRadps?: number;
  accelMps2?: number;
}

function readState(
  s: XmlNode,
  where: string,
  lc: Map<string, Vec2>,
  fallbackSpeed = 0,
): RawState | undefined {
  const pos = position(child(s, 'position'), `${where}/position`, lc);
  if (!pos) return undefined;
  return {
    step: exactOrMid(child(s, 'time'), `${where}/time`) ?? 0,
    p: pos.p,
    headingRad: exactOrMid(child(s, 'orientation'), `${where}/orientation`) ?? 0,
    speedMps: Math.abs(exactOrMid(child(s, 'velocity'), `${where}/velocity`) ?? fallbackSpeed),
    ...optional('yawRateRadps', exactOrMid(child(s, 'yawRate'), `${where}/yawRate`)),
    ...optional('accelMps2', exactOrMid(child(s, 'acceleration'), `${where}/acceleration`)),
  };
}

const optional = <K extends string>(k: K, v: number | undefined): { [P in K]?: number } =>
  (v !== undefined && Number.isFinite(v) ? { [k]: v } : {}) as { [P in K]?: number };

/**
 * The ego's start in motion as the planning problem states it: its acceleration and yaw rate where
 * given (0 where not), the steering angle that turns the kinematic bicycle at that rate
 * (tan δ = ω·L / v, within the steering limit; none below walking pace, where the rate says nothing
 * of the wheels). A car taking a bend starts with its wheels turned — started straight, the tracker
 * had to swing the wheels in at once and nuPlan's comfort read that as a jerk at t = 0.
 */
function startTurn(
  init: RawState,
  vehicle: { wheelBaseM: number; maxSteerRad: number },
): { accelMps2: number; steerRad: number; yawRateRadps: number } {
  const accelMps2 = init.accelMps2 ?? 0;
  const v = init.speedMps;
  const w = init.yawRateRadps ?? 0;
  if (!(v >= 1) || w === 0) return { accelMps2, steerRad: 0, yawRateRadps: 0 };
  const steerRad = Math.max(
    -vehicle.maxSteerRad,
    Math.min(vehicle.maxSteerRad, Math.atan((w * vehicle.wheelBaseM) / v)),
  );
  return { accelMps2, steerRad, yawRateRadps: (v * Math.tan(steerRad)) / vehicle.wheelBaseM };
}

function readAgents(
  root: XmlNode,
  dtS: number,
  lc: Map<string, Vec2>,
  warnings: string[],
): { agents: ScenarioAgent[]; lastS: number } {
  const agents: ScenarioAgent[] = [];
  let lastS = 0;
  const groups: [string, XmlNode[]][] = [
    ['obstacle', asArray(root.obstacle)],
    ['dynamicObstacle', asArray(root.dynamicObstacle)],
    ['staticObstacle', asArray(root.staticObstacle)],
  ];
  for (const [tag, list] of groups) {
    for (const [i, o] of list.entries()) {
      const where = `commonRoad/${tag}[${i}]`;
      const oid = attr(o, 'id') ?? `${tag}${i}`;
      const type = text(o, 'type') ?? 'unknown';
      const shape = shapeOf(child(o, 'shape'), `${where}/shape`);
      const init = readState(child(o, 'initialState') ?? {}, `${where}/initialState`, lc);
      if (!init) {
        warnings.push(`${where}[id=${oid}]: no initial position, skipped`);
        continue;
      }
      const states = [init];
      for (const [j, s] of asArray(child(o, 'trajectory')?.state).entries()) {
        const st = readState(s, `${where}/trajectory/state[${j}]`, lc, init.speedMps);
        if (st) states.push(st);
      }
      const isStatic = tag === 'staticObstacle' || text(o, 'role') === 'static' || states.length === 1;
      const kind: AgentKind = isStatic ? 'static' : (KINDS[type] ?? 'static');
      const h0 = init.headingRad + (shape.headingRad ?? 0);
      const c = shape.centre ?? { x: 0, y: 0 };
      const start = {
        x: init.p.x + c.x,
        y: init.p.y + c.y,
        headingRad: h0,
        speedMps: isStatic ? 0 : init.speedMps,
      };
      const base = {
        id: `cr_${oid}`,
        kind,
        lengthM: Math.max(0.1, shape.lengthM),
        widthM: Math.max(0.1, shape.widthM),
        start,
        ...(SUBCLASS[type] ? { attributes: SUBCLASS[type] } : {}),
      };
      if (isStatic) {
        agents.push({ ...base, behavior: { type: 'static' }, reactive: 'replay' });
        continue;
      }
      states.sort((a, b) => a.step - b.step);
      const track: TrackPoint[] = states.map((s) => ({
        tS: s.step * dtS,
        x: s.p.x,
        y: s.p.y,
        headingRad: s.headingRad,
        speedMps: s.speedMps,
      }));
      lastS = Math.max(lastS, track[track.length - 1]!.tS);
      agents.push({
        ...base,
        behavior: { type: 'replay', track },
        reactive: kind === 'vehicle' || kind === 'cyclist' ? 'idm' : 'replay',
      });
    }
  }
  return { agents, lastS };
}

/** Lane ids from `from` following first successors for at least `minM` metres. */
function followSuccessors(map: RoadMap, from: string, minM: number): string[] {
  const ids = [from];
  let len = map.mustLane(from).line.length;
  while (len < minM) {
    const next = map.mustLane(ids[ids.length - 1]!).data.successors.find((s) => !ids.includes(s));
    if (!next) break;
    ids.push(next);
    len += map.mustLane(next).line.length;
  }
  return ids;
}

function nearestLane(map: RoadMap, p: Vec2, headingRad: number): string {
  const loc = map.locate(p.x, p.y, headingRad, 50);
  if (loc) return loc.laneId;
  let best = map.lanes[0]!.data.id;
  let bestD = Infinity;
  for (const l of map.lanes) {
    const f = l.line.project(p.x, p.y);
    const d = Math.abs(f.dM) + Math.max(0, -f.sM, f.sM - l.line.length);
    if (d < bestD) {
      bestD = d;
      best = l.data.id;
    }
  }
  return best;
}

/** Largest heading difference to a lanelet that may start the route when the best-aligned one cannot, rad (90°: not against it). */
const START_LANE_MAX_HEADING_RAD = Math.PI / 2;

/**
 * The lane route to the goal lanelet: from `startLane` (the lanelet best aligned with the ego) when
 * the goal can be reached from it, else from another lanelet that holds the ego's position (the
 * planning problem's centre) and does not run against its heading — in overlapping junction
 * lanelets the best-aligned one may be a branch that never leads to the goal, while the one the
 * ego is also in does (CommonRoad's route planner starts from every lanelet holding the initial
 * position, `find_lanelet_by_position`). Of those, the one best aligned with the ego's heading.
 * Undefined when no lanelet holding the ego reaches the goal.
 */
function routeToGoal(
  map: RoadMap,
  startLane: string,
  goalLane: string,
  centre: Vec2,
  headingRad: number,
): string[] | undefined {
  const r = map.route(startLane, goalLane);
  if (r.ok) return r.value;
  const holding = map
    .lanesAt(centre.x, centre.y)
    .filter((l) => l.data.id !== startLane)
    .map((l) => {
      const f = l.line.project(centre.x, centre.y);
      const sM = Math.min(Math.max(f.sM, 0), l.line.length);
      return { id: l.data.id, off: Math.abs(angleDiff(headingRad, l.line.headingAt(sM))) };
    })
    .filter((c) => c.off <= START_LANE_MAX_HEADING_RAD)
    .sort((a, b) => a.off - b.off || (a.id < b.id ? -1 : 1));
  for (const c of holding) {
    const alt = map.route(c.id, goalLane);
    if (alt.ok) return alt.value;
  }
  return undefined;
}

/**
 * Imports a CommonRoad scenario file. One Scenario per planning problem (`opts.id` selects one by
 * planning-problem id or scenario id; `opts.limit` caps the count). Errors name the element path.
 */
export function importCommonRoad(path: string, opts: ImportOptions = {}): Result<ImportResult> {
  const parsed = parseXmlFile(path, ARRAYS);
  if (!parsed.ok) return parsed;
  const root = parsed.value.commonRoad as XmlNode | undefined;
  if (!root || typeof root !== 'object')
    return fail('INVALID_INPUT', path, 'root element <commonRoad> not found');
  try {
    return readCommonRoad(root, path, opts);
  } catch (e) {
    if (e instanceof ElementError) return fail('INVALID_INPUT', `${path}:${e.elementPath}`, e.message);
    return fail('INVALID_INPUT', path, (e as Error).message);
  }
}

function readCommonRoad(root: XmlNode, path: string, opts: ImportOptions): Result<ImportResult> {
  const params = CommonRoadParamsSchema.parse({});
  const version = attr(root, 'commonRoadVersion') ?? 'unknown';
  const benchmarkId =
    attr(root, 'benchmarkID') ??
    path
      .split('/')
      .pop()!
      .replace(/\.xml$/i, '');
  const dtS = Number(attr(root, 'timeStepSize') ?? '0.1');
  if (!(dtS > 0))
    return fail('INVALID_INPUT', `${path}:commonRoad@timeStepSize`, 'must be a positive number');
  const source = `commonroad ${version}: ${path}`;
  const tags = scenarioTags(root);
  const m = readMap(root, benchmarkId, params, source, {
    sceneClass: roadClassOf(tags) ?? 'urban',
    benchmarkId,
    topSpeedMps: VehicleParamsSchema.parse({}).maxSpeedMps,
  });
  const mapParsed = parseWith(RoadMapSchema, m.map, `${path}:map`);
  if (!mapParsed.ok) return mapParsed;
  const map = RoadMap.fromData(mapParsed.value, `${path}:map`);
  if (!map.ok) return map;
  const warnings = [...m.warnings];
  if (version !== '2018b' && version !== '2020a')
    warnings.push(`commonRoadVersion ${version}: read as 2020a`);
  const { agents, lastS } = readAgents(root, dtS, m.laneCentres, warnings);
  const scenarios: Scenario[] = [];
  const problems = asArray(root.planningProblem);
  if (problems.length === 0) warnings.push('no planningProblem: map only');
  for (const [i, pp] of problems.entries()) {
    const ppId = attr(pp, 'id') ?? `${i}`;
    const sid = problems.length > 1 ? `${benchmarkId}#${ppId}` : benchmarkId;
    if (opts.id && opts.id !== sid && opts.id !== ppId && opts.id !== benchmarkId) continue;
    if (opts.limit !== undefined && scenarios.length >= opts.limit) break;
    const where = `commonRoad/planningProblem[${i}]`;
    const init = readState(child(pp, 'initialState') ?? {}, `${where}/initialState`, m.laneCentres);
    if (!init) throw new ElementError(`${where}/initialState/position`, 'missing ego start position');
    const goal = asArray(pp.goalState)[0];
    const goalPos = position(child(goal, 'position'), `${where}/goalState/position`, m.laneCentres);
    // The goal must be reached by the end of its time interval: that bounds the scenario.
    const goalTime = child(goal, 'time');
    const goalStep =
      goalTime?.intervalEnd !== undefined
        ? num(goalTime, 'intervalEnd', `${where}/goalState/time`)
        : exactOrMid(goalTime, `${where}/goalState/time`);
    // Some files carry the ego's own drive as an obstacle starting on the planning problem's
    // initial state (commonroad-crime's scenarios, solutions): it is the ego's recording, not
    // another road user, and the best expert there is.
    const ego = egoRecording(agents, init, dtS);
    if (ego)
      warnings.push(
        `${sid}: obstacle ${ego.id} starts on the planning problem's initial state (the ego's own recording): left out of the agents, its trajectory is the expert`,
      );
    // A start, a recording or a goal velocity above the default top speed (motorways: DEU_A9,
    // USA_US101, OSC_Overtake's 41.7 m/s) raises it, before the IDM expert is driven with it.
    const covered = coverEgoSpeed(VehicleParamsSchema.parse({}), sid, [
      ...egoSpeeds(init.speedMps, ego?.behavior.type === 'replay' ? ego.behavior.track : []),
      { speedMps: goalSpeedMps(goal, `${where}/goalState`), what: 'goal velocity' },
    ]);
    if (covered.warning) warnings.push(covered.warning);
    const vehicle = covered.vehicle;
    // CommonRoad states are the vehicle's centre; edgeplan's ego is its rear axle.
    const egoX = init.p.x - vehicle.rearAxleToCenterM * Math.cos(init.headingRad);
    const egoY = init.p.y - vehicle.rearAxleToCenterM * Math.sin(init.headingRad);
    const startLane = nearestLane(map.value, { x: egoX, y: egoY }, init.headingRad);
    // A start off the lanelets is a data error (test files place the ego at the origin); it still
    // loads, but the run starts off the drivable area, so say so.
    if (!map.value.isDrivable(init.p.x, init.p.y)) {
      const d = map.value.distanceToDrivable(init.p.x, init.p.y, 50);
      warnings.push(
        `${sid}: the planning problem starts off every lanelet, at (${init.p.x}, ${init.p.y}), ${d < 50 ? `${d.toFixed(1)} m` : 'over 50 m'} from the nearest`,
      );
    }
    let laneIds: string[] = [];
    let goalPose: { x: number; y: number; headingRad: number } | undefined;
    if (goalPos) {
      const goalLane =
        goalPos.laneletRefs.find((r) => map.value.lane(r)) ??
        nearestLane(map.value, goalPos.p, init.headingRad);
      const r = routeToGoal(map.value, startLane, goalLane, init.p, init.headingRad);
      if (r) {
        laneIds = r;
        if (r[0] !== startLane)
          warnings.push(
            `${sid}: no lane route from ${startLane} to goal lanelet ${goalLane}; the route starts in lanelet ${r[0]}, which also holds the ego`,
          );
      } else
        warnings.push(
          `${sid}: no lane route from ${startLane} to goal lanelet ${goalLane}; following successors`,
        );
      goalPose = {
        x: goalPos.p.x,
        y: goalPos.p.y,
        headingRad:
          exactOrMid(child(goal, 'orientation'), `${where}/goalState/orientation`) ?? init.headingRad,
      };
    }
    if (laneIds.length === 0) laneIds = followSuccessors(map.value, startLane, params.minRouteM);
    const horizonS = Math.max(
      lastS,
      goalStep !== undefined && goalStep * dtS <= params.maxDurationS ? goalStep * dtS : 0,
    );
    const durationS =
      Math.round(
        Math.min(params.maxDurationS, Math.max(params.minDurationS, horizonS || params.defaultDurationS)) *
          10,
      ) / 10;
    const draft = {
      formatVersion: 1 as const,
      id: sid,
      description: `CommonRoad ${version} ${benchmarkId}, planning problem ${ppId}`,
      tags: [...tags, 'commonroad'],
      map: { kind: 'file' as const, path, format: 'commonroad' },
      vehicle,
      egoStart: {
        tS: 0,
        x: egoX,
        y: egoY,
        headingRad: init.headingRad,
        speedMps: init.speedMps,
        ...startTurn(init, vehicle),
      },
      route: goalPose ? { laneIds, goal: goalPose } : { laneIds },
      expert: [
        { tS: 0, x: egoX, y: egoY, headingRad: init.headingRad, speedMps: init.speedMps },
        { tS: dtS, x: egoX, y: egoY, headingRad: init.headingRad, speedMps: init.speedMps },
      ],
      agents: ego ? agents.filter((a) => a !== ego) : agents,
      signals: [...m.lightLanes.entries()].flatMap(([tlId, lanes]) => {
        const idx = asArray(root.trafficLight).findIndex((t) => attr(t, 'id') === tlId);
        const tl = asArray(root.trafficLight)[idx];
        return tl
          ? [{ laneIds: lanes, phases: signalPhases(tl, dtS, durationS, `commonRoad/trafficLight[${idx}]`) }]
          : [];
      }),
      durationS,
      dtS: 0.1,
      source: {
        origin: `commonroad:${benchmarkId}`,
        license:
          "see the file's source (CommonRoad scenarios: BSD-3-Clause test files / CC BY-NC-ND for the benchmark database)",
      },
    };
    const checked = parseWith(ScenarioSchema, draft, `${path}:${sid}`);
    if (!checked.ok) return checked;
    const sc = checked.value;
    sc.expert = ego
      ? recordedExpert(ego, vehicle.rearAxleToCenterM, sc.dtS)
      : expertDrive(sc, map.value, warnings);
    scenarios.push(sc);
  }
  if (problems.length > 0 && scenarios.length === 0 && opts.id) {
    return fail('NOT_FOUND', path, `no planning problem "${opts.id}"`);
  }
  return ok({ map: mapParsed.value, scenarios, unsupported: m.unsupported, warnings });
}

/** Closest an obstacle must start to the planning problem's initial state to be the ego's recording, m / rad. */
const EGO_RECORDING_M = 0.25;
const EGO_RECORDING_RAD = 0.1;
/**
 * …and, at another time step, how close its speed must be (a moving car's exact pose and speed are
 * its fingerprint): commonroad-crime's inD conversions (DEU_AAH1-2_76900_T-7049) put the planning
 * problem at step 0 and the ego's recording, on the same state, at step 55. m/s; the lowest speed
 * that counts as moving, m/s.
 */
const EGO_RECORDING_MPS = 0.05;
const EGO_RECORDING_MOVING_MPS = 0.5;

/**
 * The moving obstacle that starts on the planning problem's initial state (position within 0.25 m
 * of the ego's centre, heading within 0.1 rad, at the same time step — or, when none does, at
 * another one with the same speed, within 0.05 m/s, when the ego moves), or undefined. A pose match
 * at the same step wins over a same-speed one at another step, whatever the obstacles' order.
 */
export function egoRecording(
  agents: ReadonlyArray<ScenarioAgent>,
  init: { step: number; p: Vec2; headingRad: number; speedMps?: number },
  dtS: number,
): ScenarioAgent | undefined {
  const onPose = (a: ScenarioAgent): boolean => {
    if (a.behavior.type !== 'replay') return false;
    const p0 = a.behavior.track[0]!;
    const dh = Math.abs(
      Math.atan2(Math.sin(p0.headingRad - init.headingRad), Math.cos(p0.headingRad - init.headingRad)),
    );
    return Math.hypot(p0.x - init.p.x, p0.y - init.p.y) <= EGO_RECORDING_M && dh <= EGO_RECORDING_RAD;
  };
  const t0 = (a: ScenarioAgent) => (a.behavior.type === 'replay' ? a.behavior.track[0]! : undefined);
  const sameTime = agents.find((a) => onPose(a) && Math.abs(t0(a)!.tS - init.step * dtS) < 1e-6);
  if (sameTime) return sameTime;
  if (init.speedMps === undefined || init.speedMps < EGO_RECORDING_MOVING_MPS) return undefined;
  const v = init.speedMps;
  return agents.find((a) => onPose(a) && Math.abs(t0(a)!.speedMps - v) <= EGO_RECORDING_MPS);
}

/**
 * The ego's recording as the expert: its track (shape centre) moved back to the rear axle and
 * resampled at the scenario step `dtS` (CommonRoad files step at 0.1 s or more), linearly.
 */
export function recordedExpert(ego: ScenarioAgent, rearAxleToCenterM: number, dtS: number): TrackPoint[] {
  const track = ego.behavior.type === 'replay' ? ego.behavior.track : [];
  const out: TrackPoint[] = [];
  const t0 = track[0]!.tS;
  const t1 = track[track.length - 1]!.tS;
  let k = 0;
  for (let i = 0; t0 + i * dtS <= t1 + 1e-9; i++) {
    const t = t0 + i * dtS;
    while (k < track.length - 2 && track[k + 1]!.tS < t) k++;
    const a = track[k]!;
    const b = track[Math.min(k + 1, track.length - 1)]!;
    const u = b.tS > a.tS ? Math.min(1, Math.max(0, (t - a.tS) / (b.tS - a.tS))) : 0;
    const dh = Math.atan2(Math.sin(b.headingRad - a.headingRad), Math.cos(b.headingRad - a.headingRad));
    const h = a.headingRad + u * dh;
    out.push({
      tS: Math.round((t - t0) * 1e6) / 1e6,
      x: a.x + u * (b.x - a.x) - rearAxleToCenterM * Math.cos(h),
      y: a.y + u * (b.y - a.y) - rearAxleToCenterM * Math.sin(h),
      headingRad: h,
      speedMps: a.speedMps + u * (b.speedMps - a.speedMps),
    });
  }
  return out;
}

/** The expert: an IDM drive of the route (CommonRoad records no ego). */
function expertDrive(sc: Scenario, map: RoadMap, warnings: string[]): TrackPoint[] {
  const fallback = sc.expert;
  try {
    const log = runScenario(sc, map, idmPlanner(), { mode: 'nonreactive', seed: 0, nowMs: () => 0 });
    const track = log.ticks.map((t) => ({
      tS: t.tS,
      x: t.ego.x,
      y: t.ego.y,
      headingRad: t.ego.headingRad,
      speedMps: Math.max(0, t.ego.speedMps),
    }));
    return track.length >= 2 ? track : fallback;
  } catch (e) {
    warnings.push(`${sc.id}: expert IDM drive failed (${(e as Error).message}); expert = start pose`);
    return fallback;
  }
}
