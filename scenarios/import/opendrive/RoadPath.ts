/**
 * Road-network distances as esmini's RoadManager defines them (learnt from its source, no code
 * taken): the shortest road path between two road positions (RoadPath::Calculate, Dijkstra over
 * road ends and junctions, whole road lengths as edges), the position difference along that path
 * (Position::Delta: ds, dt, lane difference) and the OpenSCENARIO road-coordinate distance built on
 * it (Position::Distance with CoordinateSystem road: longitudinal = ds, lateral = dt). esmini's
 * sign conventions are kept as they are, quirks included, because scenarios are judged against it:
 * - ds is signed by where the path leaves the start road relative to the start heading (ahead
 *   positive), and flipped again when the start faces against its lane's driving direction;
 * - dt is the target's t minus the start's t, or their sum when the path arrives on the other
 *   side of the reference line (the target road runs the other way);
 * - on one road, ds is Δs signed by lane side and heading.
 */
import type { RoadDef, RoadLink, SectionDef } from './OpenDriveMap.ts';
import type { RoadGeometry } from './RoadGeometry.ts';

/** esmini's SMALL_NUMBER (CommonMini.hpp): tolerance on s and angles. */
const SMALL_NUMBER = 1e-6;
/** esmini's LARGE_NUMBER: the ds / dt of positions without a connecting path. */
export const LARGE_NUMBER = 1e10;

type LinkKind = 'pred' | 'succ';

/** A road position with the heading esmini keeps beside it. */
export interface RoadPosition {
  roadId: string;
  laneId: number;
  sM: number;
  /** Lateral coordinate from the reference line (lane centre t + offset), m. */
  tM: number;
  /** Heading relative to the road's reference-line direction, rad in [0, 2π). */
  hRelRad: number;
  /** Map-frame point and heading. */
  x: number;
  y: number;
  hRad: number;
}

export interface PositionDelta {
  /** Longitudinal distance along the road path, m (LARGE_NUMBER when no path). */
  ds: number;
  /** Lateral difference, m (LARGE_NUMBER when no path). */
  dt: number;
  /** Lanes between them, the reference line not counted. */
  dLaneId: number;
  /** The two lanes lie on opposite sides of the reference line. */
  dOppLane: boolean;
  /** Both face the same way along the path. */
  dDirection: boolean;
  /** Target in the start's body frame (x ahead, y left), m. */
  dx: number;
  dy: number;
}

const SIGN = (x: number): number => (x < 0 ? -1 : 1);

/** fmod-based angle difference in [−π, π] (CommonMini GetAngleDifference). */
export function angleDifference(a: number, b: number): number {
  let d = (a - b) % (2 * Math.PI);
  if (d < -Math.PI) d += 2 * Math.PI;
  else if (d > Math.PI) d -= 2 * Math.PI;
  return d;
}

/** An angle in [0, 2π) (CommonMini GetAngleInInterval2PI). */
export function angle2Pi(a: number): number {
  const r = a % (2 * Math.PI);
  return r < 0 ? r + 2 * Math.PI : r === 0 ? 0 : r;
}

/** Whether a relative heading points along s (CommonMini IsAngleForward). */
export function isAngleForward(a: number): boolean {
  const n = angle2Pi(a);
  return !(n > Math.PI / 2 && n < (3 * Math.PI) / 2);
}

function kindOf(road: RoadDef, link: RoadLink): LinkKind {
  return link === road.succ ? 'succ' : 'pred';
}

/** The linked lane of `laneId` in one section (LaneSection::GetConnectingLaneId): the same id when unlinked, 0 for the centre or a missing lane. */
function sectionLinkedLane(sec: SectionDef, laneId: number, kind: LinkKind): number {
  if (laneId === 0) return 0;
  const lane = sec.lanes.find((l) => l.id === laneId);
  if (!lane) return 0;
  return (kind === 'succ' ? lane.succ : lane.pred) ?? laneId;
}

/**
 * The lane reached from `laneId` at sStart when moving to sTarget through the road's lane sections
 * (Road::GetConnectedLaneIdAtS; an s of −1 means the road's end). esmini walks section by section
 * while the walked section starts before the target: kept as it is.
 */
export function connectedLaneIdAtS(
  geo: RoadGeometry,
  road: RoadDef,
  laneId: number,
  sStart: number,
  sTarget: number,
): number {
  const s0 = sStart < -SMALL_NUMBER ? road.length : sStart;
  const s1 = sTarget < -SMALL_NUMBER ? road.length : sTarget;
  const idx = geo.sectionIndex(road, s0);
  const n = road.sections.length;
  let lane = laneId;
  let s = s0;
  if (s1 > s0 - SMALL_NUMBER) {
    for (let j = idx; lane !== 0 && j < n - 1 && s < s1; j++) {
      const sec = road.sections[j]!;
      lane = sectionLinkedLane(sec, lane, 'succ');
      s = sec.s;
    }
  } else {
    for (let j = idx; lane !== 0 && j > 0 && s > s1; j--) {
      const sec = road.sections[j]!;
      lane = sectionLinkedLane(sec, lane, 'pred');
      s = sec.s;
    }
  }
  return lane;
}

/** Lane links of a junction from one incoming road and lane, in esmini's order (connections, then lane links). */
export function junctionLaneConnections(
  geo: RoadGeometry,
  junctionId: string,
  roadId: string,
  laneId: number,
): { connectingRoadId: string; toLaneId: number; contactPoint: 'start' | 'end' }[] {
  const out: { connectingRoadId: string; toLaneId: number; contactPoint: 'start' | 'end' }[] = [];
  for (const c of geo.junction(junctionId)?.connections ?? []) {
    if (c.incomingRoadId !== roadId) continue;
    for (const l of c.laneLinks)
      if (l.from === laneId)
        out.push({ connectingRoadId: c.connectingRoadId, toLaneId: l.to, contactPoint: c.contactPoint });
  }
  return out;
}

/** The lane of `connectingRoadId` that lane `fromLaneId` of `road` continues into over `link` (Road::GetConnectingLaneId); 0 if none. */
export function connectingLaneId(
  geo: RoadGeometry,
  road: RoadDef,
  link: RoadLink,
  fromLaneId: number,
  connectingRoadId: string,
): number {
  const kind = kindOf(road, link);
  const sec = kind === 'succ' ? road.sections[road.sections.length - 1] : road.sections[0];
  const lane = sec?.lanes.find((l) => l.id === fromLaneId);
  if (!lane) return 0;
  if (link.type === 'road') {
    if (link.id !== connectingRoadId) return 0;
    return (kind === 'succ' ? lane.succ : lane.pred) ?? 0;
  }
  if (link.type === 'junction') {
    const c = junctionLaneConnections(geo, link.id, road.id, lane.id).find(
      (x) => x.connectingRoadId === connectingRoadId,
    );
    return c?.toLaneId ?? 0;
  }
  return 0;
}

/** Contact point on `other` when `road`'s link of `kind` leads straight to it (Road::IsDirectlyConnected). */
function directContact(
  geo: RoadGeometry,
  road: RoadDef,
  kind: LinkKind,
  other: RoadDef,
): 'start' | 'end' | undefined {
  const link = road[kind];
  if (!link) return undefined;
  if (link.type === 'road') return link.id === other.id ? (link.cp === 'end' ? 'end' : 'start') : undefined;
  if (link.type === 'junction')
    return geo
      .junction(link.id)
      ?.connections.find((c) => c.incomingRoadId === road.id && c.connectingRoadId === other.id)
      ?.contactPoint;
  return undefined;
}

interface PathNode {
  link: RoadLink;
  dist: number;
  fromRoad: RoadDef;
  fromLaneId: number;
  contactPoint: 'start' | 'end';
  previous?: PathNode;
}

export interface RoadPathResult {
  found: boolean;
  /** Signed path length, m (see the file comment). */
  dist: number;
  /** 1: the path leaves the start ahead, −1 behind, 0 on one road or none found. */
  direction: number;
  /** The node through which the target was reached (undefined on one road). */
  last?: PathNode;
}

/**
 * Shortest road path from `start` to `target` (RoadPath::Calculate). `bothDirections`: search
 * behind the start too (else only ahead of its heading); `maxDistM` ends the search.
 */
export function roadPath(
  geo: RoadGeometry,
  start: RoadPosition,
  target: RoadPosition,
  bothDirections = true,
  maxDistM = LARGE_NUMBER,
): RoadPathResult {
  const startRoad = geo.road(start.roadId);
  const targetRoad = geo.road(target.roadId);
  if (!startRoad || !targetRoad) return { found: false, dist: 0, direction: 0 };
  const unvisited: PathNode[] = [];
  const visited: PathNode[] = [];
  let pivotLaneId = start.laneId;
  const hRel = start.hRelRad;
  for (let i = 0; i < (bothDirections ? 2 : 1); i++) {
    let cp: 'start' | 'end' = 'start';
    let link: RoadLink | undefined;
    if (bothDirections) {
      if (i === 0) link = startRoad.pred;
      else {
        cp = 'end';
        link = startRoad.succ;
      }
    } else if (hRel < Math.PI / 2 || hRel > (3 * Math.PI) / 2) {
      cp = 'end';
      link = startRoad.succ;
    } else link = startRoad.pred;
    if (!link) continue;
    // esmini carries the lane found for the first end over to the second (kept).
    pivotLaneId = connectedLaneIdAtS(geo, startRoad, pivotLaneId, start.sM, cp === 'end' ? -1 : 0);
    unvisited.push({
      link,
      fromRoad: startRoad,
      fromLaneId: pivotLaneId,
      contactPoint: cp,
      dist: cp === 'start' ? start.sM : startRoad.length - start.sM,
    });
  }

  if (startRoad === targetRoad) {
    let dist = target.sM - start.sM;
    if (start.laneId < 0) {
      if (hRel > Math.PI / 2 && hRel < (3 * Math.PI) / 2) dist = -dist;
    } else {
      dist = -dist;
      if (hRel < Math.PI / 2 || hRel > (3 * Math.PI) / 2) dist = -dist;
    }
    return { found: true, dist, direction: 0 };
  }
  if (unvisited.length === 0) return { found: false, dist: 0, direction: 0 };

  const checkRoad = (check: RoadDef, src: PathNode, fromRoad: RoadDef, fromLaneId: number): void => {
    let nextLaneId = connectingLaneId(geo, fromRoad, src.link, fromLaneId, check.id);
    if (nextLaneId === 0) return;
    let nextLink: RoadLink | undefined;
    let cp: 'start' | 'end' = 'start';
    if (src.link.type === 'road') {
      if (src.link.cp === 'end') nextLink = check.pred;
      else {
        nextLink = check.succ;
        cp = 'end';
      }
    } else if (src.link.type === 'junction') {
      const j = geo.junction(src.link.id);
      // esmini compares element ids only, whatever the link's element type.
      const otherEnd = j?.type === 'direct' ? src.link.id : fromRoad.id;
      if (check.succ && check.succ.id === otherEnd) nextLink = check.pred;
      else if (check.pred && check.pred.id === otherEnd) {
        nextLink = check.succ;
        cp = 'end';
      }
    }
    if (!nextLink) return;
    nextLaneId =
      cp === 'start'
        ? connectedLaneIdAtS(geo, check, nextLaneId, -1, 0)
        : connectedLaneIdAtS(geo, check, nextLaneId, 0, -1);
    if (visited.some((v) => v.link === nextLink)) return;
    // esmini updates a queued node for the same link and then queues a new one all the same.
    const d = src.dist + check.length;
    for (const u of unvisited) if (u.link === nextLink && d < u.dist) u.dist = d;
    unvisited.push({
      link: nextLink,
      dist: d,
      fromRoad: check,
      fromLaneId: nextLaneId,
      previous: src,
      contactPoint: cp,
    });
  };

  let found = false;
  let tmpDist = 0;
  for (let i = 0; i < 100 && !found && unvisited.length > 0 && tmpDist < maxDistM; i++) {
    let minIndex = 0;
    let minDist = LARGE_NUMBER;
    unvisited.forEach((u, j) => {
      if (u.dist < minDist) {
        minIndex = j;
        minDist = u.dist;
      }
    });
    const node = unvisited[minIndex]!;
    tmpDist = node.dist;
    const pivotRoad = node.fromRoad;
    const pivotLane = node.fromLaneId;
    if (node.link.type === 'road') {
      const next = geo.road(node.link.id);
      if (next === targetRoad) {
        tmpDist += node.link.cp === 'end' ? next.length - target.sM : target.sM;
        found = true;
      } else if (next) checkRoad(next, node, pivotRoad, pivotLane);
    } else if (node.link.type === 'junction') {
      for (const c of geo.junction(node.link.id)?.connections ?? []) {
        if (c.incomingRoadId !== pivotRoad.id) continue;
        const next = geo.road(c.connectingRoadId);
        if (!next) continue;
        if (next === targetRoad) {
          const cp =
            directContact(geo, pivotRoad, 'succ', next) ?? directContact(geo, pivotRoad, 'pred', next);
          if (!cp) return { found: false, dist: 0, direction: 0 };
          tmpDist += cp === 'start' ? target.sM : next.length - target.sM;
          found = true;
        } else checkRoad(next, node, pivotRoad, pivotLane);
      }
    }
    visited.push(node);
    unvisited.splice(minIndex, 1);
  }

  let direction = 0;
  const last = visited[visited.length - 1];
  if (found && last) {
    let first = last;
    while (first.previous) first = first.previous;
    const isPred = first.link === startRoad.pred;
    const isSucc = first.link === startRoad.succ;
    const gtPi2 = Math.abs(hRel) > Math.PI / 2;
    const lt3Pi2 = Math.abs(hRel) < (3 * Math.PI) / 2;
    direction = (isPred && gtPi2 && lt3Pi2) || (isSucc && (!gtPi2 || !lt3Pi2)) ? 1 : -1;
  }
  let dist = direction * tmpDist;
  // The start facing against its lane's driving direction turns the sign once more (esmini's test
  // of the relative driving-direction heading against (π/2, 3π/2), on a value in [−π, π]).
  const hdd = angleDifference(start.hRad, drivingDirection(geo, start));
  if (hdd > Math.PI / 2 && hdd < (3 * Math.PI) / 2) dist = -dist;
  return { found, dist, direction, ...(last ? { last } : {}) };
}

/** Driving direction of a position's lane: the road heading, turned by π on the left side and again on an LHT road (Position::GetDrivingDirection). */
function drivingDirection(geo: RoadGeometry, p: RoadPosition): number {
  let h = angle2Pi(p.hRad - p.hRelRad);
  if (p.laneId > 0) h = angle2Pi(h + Math.PI);
  if (geo.road(p.roadId)?.lht) h = angle2Pi(h + Math.PI);
  return h;
}

/** Target b in a's body frame: x ahead, y left; the signed length (negative behind) (Position::getRelativeDistance). */
export function relativeDistance(
  a: RoadPosition,
  x: number,
  y: number,
): { dist: number; dx: number; dy: number } {
  const ex = x - a.x;
  const ey = y - a.y;
  const c = Math.cos(-a.hRad);
  const s = Math.sin(-a.hRad);
  const dx = ex * c - ey * s;
  const dy = ex * s + ey * c;
  return { dist: (dx > 0 ? 1 : -1) * Math.hypot(dx, dy), dx, dy };
}

/** b − a along the road network (Position::Delta); `found` false when no road path joins them. */
export function positionDelta(
  geo: RoadGeometry,
  a: RoadPosition,
  b: RoadPosition,
  bothDirections = true,
  maxDistM = LARGE_NUMBER,
): { found: boolean; delta: PositionDelta } {
  const path = roadPath(geo, a, b, bothDirections, maxDistM);
  const found = path.found && Math.abs(path.dist) < maxDistM;
  const rel = relativeDistance(a, b.x, b.y);
  const delta: PositionDelta = {
    ds: LARGE_NUMBER,
    dt: LARGE_NUMBER,
    dLaneId: 0,
    dOppLane: false,
    dDirection: false,
    dx: rel.dx,
    dy: rel.dy,
  };
  const roadB = geo.road(b.roadId);
  if (!found || !roadB) return { found: false, delta };
  let adjusted = a.laneId;
  let aForward = isAngleForward(a.hRelRad);
  const bForward = isAngleForward(b.hRelRad);
  const last = path.last;
  if (last) {
    // The start lane carried along the path onto b's road, at b's s.
    const atStart = last.contactPoint === 'start';
    adjusted = connectedLaneIdAtS(geo, last.fromRoad, last.fromLaneId, atStart ? -1 : 0, atStart ? 0 : -1);
    adjusted = connectingLaneId(geo, last.fromRoad, last.link, adjusted, b.roadId);
    adjusted = connectedLaneIdAtS(geo, roadB, adjusted, atStart ? 0 : -1, b.sM);
    aForward = atStart;
  }
  delta.dDirection = aForward === bForward;
  if (bothDirections && path.direction === -1) delta.dDirection = !delta.dDirection;
  delta.dLaneId = b.laneId - adjusted;
  if (SIGN(b.laneId) !== SIGN(adjusted)) {
    delta.dLaneId = (Math.abs(delta.dLaneId) - 1) * SIGN(delta.dLaneId);
    delta.dOppLane = true;
  }
  delta.dt = SIGN(adjusted) === SIGN(a.laneId) ? b.tM - a.tM : b.tM + a.tM;
  delta.ds = path.dist;
  return { found: true, delta };
}

/**
 * OpenSCENARIO distance from a to b in road (or lane: esmini falls back to road) coordinates:
 * longitudinal = Delta's ds, lateral = its dt; undefined when no road path joins them
 * (Position::Distance, CoordinateSystem road).
 */
export function roadDistance(
  geo: RoadGeometry,
  a: RoadPosition,
  b: RoadPosition,
  type: 'longitudinal' | 'lateral',
  maxDistM = LARGE_NUMBER,
): number | undefined {
  const r = positionDelta(geo, a, b, true, maxDistM);
  if (!r.found) return undefined;
  return type === 'lateral' ? r.delta.dt : r.delta.ds;
}

/**
 * A lane position (road, lane, s, offset from the lane centre) with its heading: `absRad` a
 * map-frame heading, else `relRad` relative to the road's reference line (0 when neither is
 * given, as a new esmini Position has). Undefined for an unknown road or lane, or an s off the road.
 */
export function lanePosition(
  geo: RoadGeometry,
  roadId: string,
  laneId: number,
  sM: number,
  offsetM: number,
  heading: { absRad?: number; relRad?: number } = {},
): RoadPosition | undefined {
  const c = geo.laneCenterT(roadId, laneId, sM);
  if (!c) return undefined;
  const tM = c.tM + offsetM;
  const p = geo.pose(roadId, sM, tM);
  if (!p.ok) return undefined;
  const hRoad = p.value.hRoad;
  const hRelRad =
    heading.absRad !== undefined ? angle2Pi(heading.absRad - hRoad) : angle2Pi(heading.relRad ?? 0);
  const hRad = heading.absRad !== undefined ? heading.absRad : angle2Pi(hRoad + hRelRad);
  return { roadId, laneId, sM, tM, hRelRad, x: p.value.x, y: p.value.y, hRad };
}
