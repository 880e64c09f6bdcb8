/**
 * Lanelet2 .osm → RoadMap (map only; scenarios []).
 *
 * Nodes: Autoware's local_x/local_y tags when present, else lat/lon projected to metres around the
 * first node (projectLatLon). Each relation type=lanelet becomes a lane: bounds oriented so that
 * the left way lies to the left of the driving direction, centreline = midpoint polyline, width =
 * mean bound distance; one_way=no adds the reverse lane `<id>-rev`. Successors: lanelets whose
 * start (first left/right nodes) is this one's end. Neighbours: lanelets sharing a bound way (same
 * direction if it is our left and their right; opposite if both call it left), lane change per
 * the line's subtype (Lanelet2 GenericTrafficRules: dashed both ways, solid_dashed / dashed_solid
 * one way, virtual both, solid none). Crosswalk lanelets → crosswalks; traffic-light and stop-sign
 * regulatory elements with a ref_line → stop lines; parking_lot areas → drivable areas; junctions
 * from Autoware's `turn_direction` lanelets and lanelets whose centrelines cross (`laneletJunctions`).
 */
import { basename } from 'node:path';
import {
  fail,
  type Lane,
  ok,
  Polyline,
  parseWith,
  type Result,
  type RoadMapData,
  RoadMapSchema,
  type RoadMark,
  RoadMarkColorSchema,
  type RoadMarkType,
  type StopLine,
  type Vec2,
} from '../../../core/index.ts';
import { mirrorMarkType } from '../../../core/map/index.ts';
import { implausible } from '../Plausible.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { type Lanelet2Params, Lanelet2ParamsSchema } from './Lanelet2Params.ts';
import { laneFromBounds, leftIsLeft, runsAgainst } from './laneFromBounds.ts';
import { laneletJunctions } from './laneletJunctions.ts';
import { laneletVelocityMps } from './laneletVelocity.ts';
import { asArray, attr, ElementError, parseXmlFile, type XmlNode } from './parseXml.ts';
import { projectLatLon } from './projectLatLon.ts';

const ARRAYS = new Set(['node', 'way', 'relation', 'nd', 'member', 'tag']);

interface Way {
  id: string;
  nodes: string[];
  tags: Record<string, string>;
}

interface Member {
  type: string;
  ref: string;
  role: string;
}

type ChangeDir = 'both' | 'left' | 'right' | 'none';

const LANE_TYPES: Record<string, Lane['type']> = {
  road: 'driving',
  highway: 'driving',
  play_street: 'driving',
  exit: 'driving',
  bus_lane: 'bus',
  bicycle_lane: 'biking',
  walkway: 'sidewalk',
  stairs: 'sidewalk',
  road_shoulder: 'shoulder',
  emergency_lane: 'shoulder',
  parking: 'parking',
};

function tagsOf(n: XmlNode): Record<string, string> {
  const t: Record<string, string> = {};
  for (const tag of asArray(n.tag)) {
    const k = attr(tag, 'k');
    if (k !== undefined) t[k] = attr(tag, 'v') ?? '';
  }
  return t;
}

/** Lane-change direction a line permits, relative to the line's own direction. */
function changeOf(w: Way): ChangeDir {
  const type = w.tags.type ?? '';
  const sub = w.tags.subtype ?? '';
  if (type === 'virtual') return 'both';
  if (type !== 'line_thin' && type !== 'line_thick') return 'none';
  if (sub === 'dashed') return 'both';
  if (sub === 'solid_dashed') return 'left';
  if (sub === 'dashed_solid') return 'right';
  return 'none';
}

function boundaryOf(w: Way): Lane['leftBoundary'] {
  const type = w.tags.type ?? '';
  const sub = w.tags.subtype ?? '';
  if (type === 'virtual') return 'none';
  if (['curbstone', 'road_border', 'fence', 'wall', 'guard_rail', 'curbestone'].includes(type)) return 'curb';
  if (sub.startsWith('dashed')) return 'dashed';
  return 'solid';
}

const LINE_SUBTYPES: Readonly<Record<string, RoadMarkType>> = {
  solid: 'solid',
  dashed: 'broken',
  solid_solid: 'solid_solid',
  solid_dashed: 'solid_broken',
  dashed_solid: 'broken_solid',
  dashed_dashed: 'broken_broken',
};

const yesNo = (v: string | undefined): boolean | undefined =>
  v === 'yes' ? true : v === 'no' ? false : undefined;

/**
 * The marking of bound `w` as the lane using it as its `side` bound sees it (`reversed`: the lane
 * runs against the way). Lanelet2 names a double line's lines left to right along the way
 * (`solid_dashed`: solid on the left), the contract from the lane outward. Type per Lanelet2's
 * LinestringTagging.md: line_thin / line_thick × subtype, curbstone and other physical borders as
 * a curb, virtual as none; `color` and `width` tags where given (line_thick else 0.3 m, twice a thin
 * line); `lane_change` / `lane_change:left|right` (yes / no, along the way) as the explicit permission.
 */
function marksOf(w: Way, side: 'left' | 'right', reversed: boolean): RoadMark[] {
  const type = w.tags.type ?? '';
  const sub = w.tags.subtype ?? '';
  const laneOnWayRight = (side === 'left') !== reversed;
  let t: RoadMarkType;
  if (type === 'virtual') t = 'none';
  else if (boundaryOf(w) === 'curb') t = 'curb';
  else t = LINE_SUBTYPES[sub] ?? (sub.startsWith('dashed') ? 'broken' : 'solid');
  if (laneOnWayRight) t = mirrorMarkType(t);
  const color = (w.tags.color ?? 'white').toLowerCase();
  const width = Number(w.tags.width);
  const crossable =
    yesNo(w.tags[`lane_change:${laneOnWayRight ? 'left' : 'right'}`]) ?? yesNo(w.tags.lane_change);
  return [
    {
      sM: 0,
      type: t,
      color: RoadMarkColorSchema.safeParse(color).data ?? 'other',
      ...(width > 0 && width <= 2 ? { widthM: width } : type === 'line_thick' ? { widthM: 0.3 } : {}),
      ...(crossable !== undefined ? { crossable } : {}),
    },
  ];
}

interface Oriented {
  id: string;
  relIndex: number;
  leftWay: Way;
  rightWay: Way;
  /** Whether each way is used against its own direction. */
  leftReversed: boolean;
  rightReversed: boolean;
  left: Vec2[];
  right: Vec2[];
  leftNodes: string[];
  rightNodes: string[];
  tags: Record<string, string>;
  regulatory: string[];
}

/** Imports a Lanelet2 OSM map; errors name the element path (`osm/relation[3][id=42]/member`). */
export function importLanelet2(path: string, _opts: ImportOptions = {}): Result<ImportResult> {
  const parsed = parseXmlFile(path, ARRAYS);
  if (!parsed.ok) return parsed;
  const root = parsed.value.osm as XmlNode | undefined;
  if (!root || typeof root !== 'object') return fail('INVALID_INPUT', path, 'root element <osm> not found');
  // Plain OpenStreetMap (roads as highway=* ways) has no lane geometry to read: another format.
  if (!hasLaneletRelation(root) && asArray(root.way).some((w) => tagsOf(w).highway !== undefined))
    return fail('UNSUPPORTED', path, PLAIN_OSM);
  try {
    const params = Lanelet2ParamsSchema.parse({});
    const r = readOsm(root, path, params);
    const map = parseWith(RoadMapSchema, r.map, `${path}:map`);
    if (!map.ok) return map;
    return ok({ map: map.value, scenarios: [], unsupported: r.unsupported, warnings: r.warnings });
  } catch (e) {
    if (e instanceof ElementError) return fail('INVALID_INPUT', `${path}:${e.elementPath}`, e.message);
    return fail('INVALID_INPUT', path, (e as Error).message);
  }
}

/** Why a plain OpenStreetMap file is not imported (one text: check-data counts it as a skip reason). */
export const PLAIN_OSM =
  'plain OpenStreetMap (highway=* ways, no Lanelet2 lanelet relations): not a Lanelet2 map; convert it to Lanelet2 or CommonRoad first (e.g. the CommonRoad Scenario Designer)';

function hasLaneletRelation(root: XmlNode): boolean {
  return asArray(root.relation).some((r) => tagsOf(r).type === 'lanelet');
}

function readNodes(root: XmlNode, warnings: string[]): Map<string, Vec2> {
  const nodes = new Map<string, Vec2>();
  const list = asArray(root.node);
  let origin: { latDeg: number; lonDeg: number } | undefined;
  let projected = 0;
  for (const [i, n] of list.entries()) {
    const where = `osm/node[${i}]`;
    const id = attr(n, 'id');
    if (!id) throw new ElementError(where, 'node without an id');
    const t = tagsOf(n);
    if (t.local_x !== undefined && t.local_y !== undefined) {
      const x = Number(t.local_x);
      const y = Number(t.local_y);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new ElementError(`${where}[id=${id}]/tag[local_x|local_y]`, 'local_x/local_y must be numbers');
      }
      for (const [k, v] of [
        ['local_x', x],
        ['local_y', y],
      ] as const) {
        const why = implausible(v, 'coordinate', t[k]);
        if (why) throw new ElementError(`${where}[id=${id}]/tag[k=${k}]@v`, why);
      }
      nodes.set(id, { x, y });
      continue;
    }
    const lat = Number(attr(n, 'lat'));
    const lon = Number(attr(n, 'lon'));
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      throw new ElementError(
        `${where}[id=${id}]@lat`,
        `lat/lon must be degrees (got ${attr(n, 'lat')}, ${attr(n, 'lon')})`,
      );
    }
    origin ??= { latDeg: lat, lonDeg: lon };
    nodes.set(id, projectLatLon(lat, lon, origin));
    projected++;
  }
  if (projected > 0) {
    warnings.push(
      `${projected} nodes projected from lat/lon around (${origin!.latDeg}, ${origin!.lonDeg}) (local tangent plane)`,
    );
  }
  return nodes;
}

function readOsm(
  root: XmlNode,
  path: string,
  params: Lanelet2Params,
): { map: RoadMapData; warnings: string[]; unsupported: string[] } {
  const warnings: string[] = [];
  const unsupportedCount = new Map<string, number>();
  const unsupported = (k: string) => unsupportedCount.set(k, (unsupportedCount.get(k) ?? 0) + 1);
  const nodes = readNodes(root, warnings);
  const ways = new Map<string, Way>();
  for (const [i, w] of asArray(root.way).entries()) {
    const id = attr(w, 'id');
    if (!id) throw new ElementError(`osm/way[${i}]`, 'way without an id');
    const nds = asArray(w.nd).map((nd, j) => {
      const ref = attr(nd, 'ref');
      if (!ref || !nodes.has(ref))
        throw new ElementError(`osm/way[${i}][id=${id}]/nd[${j}]`, `unknown node ${ref ?? '(none)'}`);
      return ref;
    });
    ways.set(id, { id, nodes: nds, tags: tagsOf(w) });
  }
  const relations = asArray(root.relation).map((r, i) => ({
    i,
    id: attr(r, 'id') ?? '',
    tags: tagsOf(r),
    members: asArray(r.member).map((m) => ({
      type: attr(m, 'type') ?? '',
      ref: attr(m, 'ref') ?? '',
      role: attr(m, 'role') ?? '',
    })) as Member[],
  }));
  const relById = new Map(relations.map((r) => [r.id, r]));
  const pts = (ids: string[]) => ids.map((id) => nodes.get(id)!);

  const oriented: Oriented[] = [];
  const crosswalks: RoadMapData['crosswalks'] = [];
  for (const r of relations) {
    const type = r.tags.type ?? '';
    if (type !== 'lanelet') {
      if (type !== 'regulatory_element' && type !== 'multipolygon')
        unsupported(`relation type=${type || '(none)'}`);
      continue;
    }
    const where = `osm/relation[${r.i}][id=${r.id}]`;
    const lm = r.members.find((m) => m.role === 'left');
    const rm = r.members.find((m) => m.role === 'right');
    const leftWay = lm && ways.get(lm.ref);
    const rightWay = rm && ways.get(rm.ref);
    if (!leftWay || !rightWay) {
      throw new ElementError(
        `${where}/member[@role=${leftWay ? 'right' : 'left'}]`,
        `lanelet needs a left and a right way that exist: ${
          (leftWay ? rm : lm)
            ? `its ${leftWay ? 'right' : 'left'} way ${(leftWay ? rm : lm)!.ref} is not in the file`
            : `it has no ${leftWay ? 'right' : 'left'} member`
        }`,
      );
    }
    let leftNodes = leftWay.nodes.slice();
    let rightNodes = rightWay.nodes.slice();
    let leftReversed = false;
    let rightReversed = false;
    if (leftNodes.length < 2 || rightNodes.length < 2)
      throw new ElementError(where, 'bounds need at least two nodes each');
    if (runsAgainst(pts(leftNodes), pts(rightNodes))) {
      rightNodes = rightNodes.reverse();
      rightReversed = true;
    }
    // The driving direction is the one that puts the left way on the left.
    if (!leftIsLeft(pts(leftNodes), pts(rightNodes))) {
      leftNodes = leftNodes.reverse();
      rightNodes = rightNodes.reverse();
      leftReversed = !leftReversed;
      rightReversed = !rightReversed;
    }
    const o: Oriented = {
      id: r.id,
      relIndex: r.i,
      leftWay,
      rightWay,
      leftReversed,
      rightReversed,
      left: pts(leftNodes),
      right: pts(rightNodes),
      leftNodes,
      rightNodes,
      tags: r.tags,
      regulatory: r.members.filter((m) => m.role === 'regulatory_element').map((m) => m.ref),
    };
    if (r.tags.subtype === 'crosswalk') {
      crosswalks.push({ id: r.id, polygon: [...o.left, ...o.right.slice().reverse()] });
      continue;
    }
    oriented.push(o);
    if (r.tags.one_way === 'no') {
      oriented.push({
        ...o,
        id: `${r.id}-rev`,
        leftWay: rightWay,
        rightWay: leftWay,
        leftReversed: !rightReversed,
        rightReversed: !leftReversed,
        left: o.right.slice().reverse(),
        right: o.left.slice().reverse(),
        leftNodes: rightNodes.slice().reverse(),
        rightNodes: leftNodes.slice().reverse(),
      });
    }
  }
  if (oriented.length === 0) {
    const graph = readRoutingGraph(nodes, ways, params, path, warnings);
    if (graph) return { map: graph, warnings, unsupported: [] };
    throw new ElementError('osm', 'no relation of type=lanelet with usable bounds');
  }

  const lanes: Lane[] = [];
  const laneById = new Map<string, Lane>();
  const kept: Oriented[] = [];
  let defaulted = 0;
  /** Lanelets whose speed_limit is no positive speed: where and what it said. */
  const unreadable: string[] = [];
  for (const o of oriented) {
    const geo = laneFromBounds(o.left, o.right, params.minLaneWidthM);
    if (!geo) {
      warnings.push(`osm/relation[${o.relIndex}][id=${o.id}]: degenerate bounds, lanelet skipped`);
      continue;
    }
    // Lanelet2's units: a plain number is km/h, else "N km/h", "N mph", "N m/s" (laneletVelocity)
    const tag = o.tags.speed_limit;
    const read = tag === undefined ? undefined : laneletVelocityMps(tag);
    let speed = read ?? Number.NaN;
    if (!(Number.isFinite(speed) && speed > 0)) {
      if (tag === undefined) defaulted++;
      else if (!o.id.endsWith('-rev'))
        // (once per relation: a two-way lanelet's reverse copy carries the same tag)
        unreadable.push(`osm/relation[${o.relIndex}][id=${o.id}] speed_limit=${JSON.stringify(tag)}`);
      speed =
        o.tags.subtype === 'play_street'
          ? params.playStreetSpeedLimitMps
          : o.tags.location === 'nonurban' || o.tags.subtype === 'highway'
            ? params.nonurbanSpeedLimitMps
            : params.urbanSpeedLimitMps;
    }
    const lane: Lane = {
      id: o.id,
      type: LANE_TYPES[o.tags.subtype ?? 'road'] ?? 'other',
      centerline: geo.centerline,
      widthM: geo.widthM,
      speedLimitMps: speed,
      successors: [],
      predecessors: [],
      leftBoundary: boundaryOf(o.leftWay),
      rightBoundary: boundaryOf(o.rightWay),
      leftMarks: marksOf(o.leftWay, 'left', o.leftReversed),
      rightMarks: marksOf(o.rightWay, 'right', o.rightReversed),
      roadId: o.id.replace(/-rev$/, ''),
      ...(o.tags.subtype === 'highway'
        ? { roadClass: 'motorway' as const }
        : o.tags.location === 'nonurban'
          ? { roadClass: 'rural' as const }
          : o.tags.location === 'urban'
            ? { roadClass: 'town' as const }
            : {}),
    };
    lanes.push(lane);
    laneById.set(o.id, lane);
    kept.push(o);
  }
  if (defaulted > 0)
    warnings.push(
      `${defaulted} of ${lanes.length} lanelets have no speed_limit: Lanelet2 German defaults by location`,
    );
  for (const u of unreadable)
    warnings.push(
      `${u} is not a positive speed (Lanelet2: a number in km/h, or with m/s, mps, km/h, kmh, mph): Lanelet2 German default by location taken`,
    );

  // Successors: B starts where A ends (same node ids, or within joinToleranceM).
  const key = (a: string, b: string) => `${a}|${b}`;
  const q = (p: Vec2) =>
    `${Math.round(p.x / params.joinToleranceM)},${Math.round(p.y / params.joinToleranceM)}`;
  const starts = new Map<string, Oriented[]>();
  for (const o of kept) {
    for (const k of [key(o.leftNodes[0]!, o.rightNodes[0]!), key(q(o.left[0]!), q(o.right[0]!))]) {
      starts.set(k, [...(starts.get(k) ?? []), o]);
    }
  }
  for (const o of kept) {
    const found = new Set<string>();
    for (const k of [
      key(o.leftNodes.at(-1)!, o.rightNodes.at(-1)!),
      key(q(o.left.at(-1)!), q(o.right.at(-1)!)),
    ]) {
      for (const b of starts.get(k) ?? []) {
        if (b.id === o.id || b.id.replace(/-rev$/, '') === o.id.replace(/-rev$/, '')) continue;
        found.add(b.id);
      }
    }
    for (const s of found) {
      laneById.get(o.id)!.successors.push(s);
      laneById.get(s)!.predecessors.push(o.id);
    }
  }

  // Neighbours through shared bound ways.
  const byWay = new Map<string, { o: Oriented; side: 'left' | 'right' }[]>();
  for (const o of kept) {
    byWay.set(o.leftWay.id, [...(byWay.get(o.leftWay.id) ?? []), { o, side: 'left' }]);
    byWay.set(o.rightWay.id, [...(byWay.get(o.rightWay.id) ?? []), { o, side: 'right' }]);
  }
  for (const o of kept) {
    const lane = laneById.get(o.id)!;
    for (const side of ['left', 'right'] as const) {
      const way = side === 'left' ? o.leftWay : o.rightWay;
      const reversed = side === 'left' ? o.leftReversed : o.rightReversed;
      const others = (byWay.get(way.id) ?? []).filter(
        (x) => x.o.id.replace(/-rev$/, '') !== o.id.replace(/-rev$/, ''),
      );
      const other = others.find((x) => x.side !== side) ?? others.find((x) => x.side === side);
      if (!other) continue;
      const opposite = other.side === side;
      // Change direction is given relative to the way; flip it when we use the way reversed.
      let dir = changeOf(way);
      if (reversed && dir !== 'both' && dir !== 'none') dir = dir === 'left' ? 'right' : 'left';
      const changeAllowed = dir === 'both' || dir === side;
      lane[side] = { laneId: other.o.id, changeAllowed, opposite };
    }
  }

  // Junctions: Autoware's turn_direction lanelets and lanelets whose centrelines cross
  const junctions = laneletJunctions(
    lanes,
    new Set(kept.filter((o) => o.tags.turn_direction !== undefined).map((o) => o.id)),
  );

  // Stop lines from regulatory elements with a ref_line.
  const stopLines: StopLine[] = [];
  for (const o of kept) {
    for (const regId of o.regulatory) {
      const reg = relById.get(regId);
      if (!reg) continue;
      const sub = reg.tags.subtype ?? '';
      const ref = reg.members.find((m) => m.role === 'ref_line');
      const refWay = ref && ways.get(ref.ref);
      let kind: StopLine['kind'] | undefined;
      if (sub === 'traffic_light') kind = 'signal';
      else if (sub === 'traffic_sign') {
        const signs = reg.members
          .filter((m) => m.role === 'refers')
          .map((m) => ways.get(m.ref)?.tags.subtype ?? '');
        kind = signs.some((s) => /stop|de206|usR1/.test(s))
          ? 'stop_sign'
          : signs.some((s) => /yield|de205/.test(s))
            ? 'yield'
            : undefined;
      } else unsupported(`regulatory_element subtype=${sub || '(none)'}`);
      if (!kind || !refWay) continue;
      const lane = laneById.get(o.id)!;
      const line = new Polyline(lane.centerline);
      const ps = pts(refWay.nodes);
      const mid = {
        x: ps.reduce((a, p) => a + p.x, 0) / ps.length,
        y: ps.reduce((a, p) => a + p.y, 0) / ps.length,
      };
      const f = line.project(mid.x, mid.y);
      if (Math.abs(f.dM) > lane.widthM * 2) continue;
      stopLines.push({
        id: `${regId}@${o.id}`,
        laneId: o.id,
        sM: Math.min(line.length, Math.max(0, f.sM)),
        kind,
      });
    }
  }

  // Parking lots (Autoware) are drivable beyond the lanes.
  const drivableAreas: Vec2[][] = [];
  for (const w of ways.values()) {
    if (w.tags.type === 'parking_lot' && w.nodes.length >= 4) drivableAreas.push(pts(w.nodes.slice(0, -1)));
  }
  return {
    map: {
      id: basename(path).replace(/\.osm$/i, ''),
      lanes,
      crosswalks,
      stopLines,
      junctions,
      drivableAreas,
      source: `lanelet2: ${path}`,
    },
    warnings,
    unsupported: [...unsupportedCount.entries()].map(([k, n]) => `${k} ×${n}`),
  };
}

/**
 * Lanelet2's routing-graph debug export (RoutingGraph::exportGraphViz/… → OSM): nodes are lanelet
 * centres, ways are graph edges tagged relation=Successor|Left|Right|Merging|Diverging. There are
 * no bounds, so each lanelet becomes an approximate lane through the midpoints of its incoming and
 * outgoing successor edges, with a nominal width (a lane graph for routing, not for geometry).
 */
function readRoutingGraph(
  nodes: Map<string, Vec2>,
  ways: Map<string, Way>,
  params: Lanelet2Params,
  path: string,
  warnings: string[],
): RoadMapData | undefined {
  const edges = [...ways.values()].filter((w) => w.tags.relation !== undefined && w.nodes.length === 2);
  if (edges.length === 0) return undefined;
  const succ = new Map<string, string[]>();
  const pred = new Map<string, string[]>();
  const side = new Map<string, { left?: string; right?: string }>();
  for (const e of edges) {
    const [a, b] = e.nodes as [string, string];
    const rel = e.tags.relation!;
    if (rel === 'Successor') {
      succ.set(a, [...(succ.get(a) ?? []), b]);
      pred.set(b, [...(pred.get(b) ?? []), a]);
    } else if (rel === 'Left' || rel === 'Right') {
      const sd = side.get(a) ?? {};
      if (rel === 'Left') sd.left = b;
      else sd.right = b;
      side.set(a, sd);
    }
  }
  const mid = (a: Vec2, b: Vec2): Vec2 => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  const lanes: Lane[] = [];
  for (const [id, p] of nodes) {
    const ins = (pred.get(id) ?? []).map((q) => mid(nodes.get(q)!, p));
    const outs = (succ.get(id) ?? []).map((q) => mid(p, nodes.get(q)!));
    const line = [...ins.slice(0, 1), p, ...outs.slice(0, 1)];
    if (line.length < 2) continue;
    lanes.push({
      id,
      type: 'driving',
      centerline: line,
      widthM: NOMINAL_LANE_WIDTH_M,
      speedLimitMps: params.urbanSpeedLimitMps,
      successors: [],
      predecessors: [],
      leftBoundary: 'solid',
      rightBoundary: 'solid',
    });
  }
  if (lanes.length === 0) return undefined;
  const ids = new Set(lanes.map((l) => l.id));
  for (const l of lanes) {
    l.successors = (succ.get(l.id) ?? []).filter((q) => ids.has(q));
    l.predecessors = (pred.get(l.id) ?? []).filter((q) => ids.has(q));
    const sd = side.get(l.id);
    if (sd?.left && ids.has(sd.left)) l.left = { laneId: sd.left, changeAllowed: true, opposite: false };
    if (sd?.right && ids.has(sd.right)) l.right = { laneId: sd.right, changeAllowed: true, opposite: false };
  }
  warnings.push(
    `no lanelets: read as a Lanelet2 routing-graph export (${edges.length} edges); lanes approximated through lanelet centres, width ${NOMINAL_LANE_WIDTH_M} m`,
  );
  return {
    id: basename(path).replace(/\.osm$/i, ''),
    lanes,
    crosswalks: [],
    stopLines: [],
    junctions: [],
    drivableAreas: [],
    source: `lanelet2 routing graph: ${path}`,
  };
}

/** Width given to lanes read from a routing graph, m (German urban lane, RASt 06: 3.25–3.5 m). */
const NOMINAL_LANE_WIDTH_M = 3.5;
