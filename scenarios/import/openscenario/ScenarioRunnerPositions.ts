/**
 * Positions of a file written for CARLA ScenarioRunner (its "CARLA:" header) placed as ScenarioRunner
 * places them (srunner/tools/openscenario_parser.py `convert_position_to_transform`,
 * srunner/tools/scenario_helper.py `get_offset_transform`, `get_troad_from_transform`), where that
 * differs from the standard as esmini reads it:
 *
 * - RelativeRoadPosition: from the centre of the reference's lane (CARLA's `get_waypoint`: the
 *   nearest driving lane) at s + ds on that lane, shifted by t = t(lane centre) − t(reference) + dt
 *   to the right of the reference's heading (CARLA's orthogonal vector is to the right in its
 *   left-handed frame). Where the reference stands beside its lane centre this lands it at
 *   t(reference) − dt, so `dt = −1` is one metre to the left, CARLA's sense of t, in every file.
 *   esmini adds dt to the reference's t (to the left).
 * - RelativeLanePosition: lane id + dLane (plain sum), the lane's centre at the reference's s, then
 *   `ds` along the lane's driving direction through its successors (`next(ds)`; `previous(|ds|)`
 *   for ds < 0), shifted by `offset` to the right of the reference's heading (an offset of exactly
 *   the lane width 5 cm less). ScenarioRunner reads no `dsLane`.
 * - LanePosition: `offset` to the right of the lane's driving direction (esmini: to the left of s).
 *
 * Headings of relative positions are the reference's plus a relative Orientation's h (an absolute
 * one: h), not the road's. Everything else goes to the standard reader.
 */
import { normalizeAngle } from '../../../core/index.ts';
import type { RoadMap } from '../../../core/map/RoadMap.ts';
import type { OpenDriveResult } from '../opendrive/index.ts';
import { attr, kid, type XNode } from '../opendrive/XmlTree.ts';
import type { EntityState, PositionResolver } from './OscExecutor.ts';

/** CARLA's `get_waypoint` projects onto lanes of this type (carla.LaneType.Driving). */
const DRIVING = 'driving';

/** ScenarioRunner pulls an offset of exactly one lane width this far back into the lane, m. */
const LANE_EDGE_PULL_M = 0.05;

/** A lane of our map in OpenDRIVE terms: its road, id, and the road's s and the lane centre's t there. */
interface Waypoint {
  roadId: string;
  laneId: number;
  sM: number;
  tM: number;
  /** The reference's own t on the road (OpenDRIVE: positive left of the reference line), m. */
  refTM: number;
}

/**
 * The centre of the driving lane nearest to (x, y) on the road it stands on (CARLA's
 * `Map.get_waypoint(location)`, projected onto a Driving lane); undefined off every road.
 */
export function drivingWaypoint(
  odr: OpenDriveResult,
  map: RoadMap,
  x: number,
  y: number,
): Waypoint | undefined {
  const g = odr.geometry;
  const c = g.worldToRoad(x, y);
  if (!c) return undefined;
  let best: Waypoint | undefined;
  let bestD = Infinity;
  for (const id of g.laneIdsAt(c.roadId, c.sM)) {
    const our = odr.laneAt(c.roadId, id, c.sM);
    if (!our.ok || map.lane(our.value.laneId)?.data.type !== DRIVING) continue;
    const centre = g.laneCenterT(c.roadId, id, c.sM);
    if (!centre || centre.widthM <= 0) continue;
    const d = Math.abs(centre.tM - c.tM);
    if (d < bestD) {
      bestD = d;
      best = { roadId: c.roadId, laneId: id, sM: c.sM, tM: centre.tM, refTM: c.tM };
    }
  }
  return best;
}

/** (x, y) moved `offsetM` to the right of heading `h` (CARLA's `get_offset_transform`). */
function rightOf(x: number, y: number, h: number, offsetM: number): { x: number; y: number } {
  return { x: x + offsetM * Math.sin(h), y: y - offsetM * Math.cos(h) };
}

/** Heading of a relative position: the reference's plus Orientation h, or h where it is absolute. */
function relativeHeading(n: XNode, ref: EntityState): number {
  const o = kid(n, 'Orientation');
  const h = Number(attr(o, 'h') ?? 0) || 0;
  return normalizeAngle((attr(o, 'type') ?? 'relative') === 'absolute' ? h : ref.headingRad + h);
}

/**
 * Walks `dsM` along our lane `laneId` from `sM` in its driving direction (negative: against it),
 * through the straightest successor (predecessor) at each lane end, as CARLA's `next` / `previous`
 * (which return every branch; ScenarioRunner takes the last of them, an order we do not have).
 * Returns the lane centre point there, or undefined where the lanes end first.
 */
function alongLanes(
  map: RoadMap,
  laneId: string,
  sM: number,
  dsM: number,
): { x: number; y: number } | undefined {
  let l = map.lane(laneId);
  if (!l) return undefined;
  let s = sM + dsM;
  for (let hops = 0; hops < 64; hops++) {
    if (s >= 0 && s <= l.line.length) {
      const p = l.line.poseAt(s);
      return { x: p.x, y: p.y };
    }
    const forward = s > l.line.length;
    const end = forward ? l.line.length : 0;
    const h = l.line.headingAt(end);
    let next: typeof l | undefined;
    let err = Infinity;
    for (const id of forward ? l.data.successors : l.data.predecessors) {
      const o = map.lane(id);
      if (!o) continue;
      const e = Math.abs(normalizeAngle(o.line.headingAt(forward ? 0 : o.line.length) - h));
      if (e < err) {
        err = e;
        next = o;
      }
    }
    if (!next) return undefined;
    s = forward ? s - l.line.length : s + next.line.length;
    l = next;
  }
  return undefined;
}

/**
 * Wraps the standard position reader so that the positions above are placed as ScenarioRunner
 * places them (only for files in ScenarioRunner's dialect: the caller decides). A position
 * ScenarioRunner cannot place (a target off its road, a lane that does not exist) is noted and
 * left to the standard reader, where ScenarioRunner stops the scenario.
 */
export function scenarioRunnerPositions(
  standard: PositionResolver,
  odr: OpenDriveResult | undefined,
  map: RoadMap,
  unsupported: string[],
): PositionResolver {
  if (!odr) return standard;
  const g = odr.geometry;
  const note = (p: string, m: string): undefined => {
    const msg = `${p}: ${m} (ScenarioRunner stops here; placed as the standard reads it)`;
    if (!unsupported.includes(msg)) unsupported.push(msg);
    return undefined;
  };
  const withAttitude = (xy: { x: number; y: number }, headingRad: number): ReturnType<PositionResolver> => ({
    x: xy.x,
    y: xy.y,
    headingRad,
    zM: 0,
    rollRad: 0,
  });

  const relativeRoad = (n: XNode, ref: EntityState, p: string): ReturnType<PositionResolver> => {
    const wp = drivingWaypoint(odr, map, ref.x, ref.y);
    if (!wp) return note(p, `${attr(n, 'entityRef')} is on no driving lane`);
    const ds = Number(attr(n, 'ds') ?? 0) || 0;
    const dt = Number(attr(n, 'dt') ?? 0) || 0;
    const s = wp.sM + ds;
    const len = g.roadLength(wp.roadId) ?? 0;
    const centre = s >= 0 && s <= len ? g.laneCenterT(wp.roadId, wp.laneId, s) : undefined;
    if (!centre)
      return note(
        p,
        `road ${wp.roadId} lane ${wp.laneId} has no s ${s.toFixed(2)} (length ${len.toFixed(2)} m)`,
      );
    const at = g.planPoint(wp.roadId, s, centre.tM);
    if (!at.ok) return note(p, at.error.message);
    const h = relativeHeading(n, ref);
    return withAttitude(rightOf(at.value.x, at.value.y, h, wp.tM - wp.refTM + dt), h);
  };

  const relativeLane = (n: XNode, ref: EntityState, p: string): ReturnType<PositionResolver> => {
    if (attr(n, 'ds') === undefined) return note(p, 'ScenarioRunner reads ds only (no dsLane)');
    const wp = drivingWaypoint(odr, map, ref.x, ref.y);
    if (!wp) return note(p, `${attr(n, 'entityRef')} is on no driving lane`);
    const laneId = wp.laneId + Math.round(Number(attr(n, 'dLane') ?? 0) || 0);
    const our = odr.laneAt(wp.roadId, laneId, wp.sM);
    if (!our.ok) return note(p, `road ${wp.roadId} has no lane ${laneId} at s ${wp.sM.toFixed(2)}`);
    const ds = Number(attr(n, 'ds')) || 0;
    const at = alongLanes(map, our.value.laneId, our.value.sM, ds);
    if (!at) return note(p, `lane ${laneId} of road ${wp.roadId} ends within ${ds} m`);
    let offset = Number(attr(n, 'offset') ?? 0) || 0;
    const width = g.laneCenterT(wp.roadId, laneId, wp.sM)?.widthM ?? 0;
    if (offset !== 0 && Math.abs(Math.abs(offset) - width) < 1e-9)
      offset -= Math.sign(offset) * LANE_EDGE_PULL_M;
    const h = relativeHeading(n, ref);
    return withAttitude(rightOf(at.x, at.y, h, offset), h);
  };

  return (pos, path, states) => {
    const rr = kid(pos, 'RelativeRoadPosition');
    const rl = kid(pos, 'RelativeLanePosition');
    const lp = kid(pos, 'LanePosition');
    const n = rr ?? rl;
    if (n) {
      const ref = states.get(attr(n, 'entityRef') ?? '');
      const p = `${path}/${rr ? 'RelativeRoadPosition' : 'RelativeLanePosition'}`;
      const placed = ref && (rr ? relativeRoad(n, ref, p) : relativeLane(n, ref, p));
      return placed ?? standard(pos, path, states);
    }
    const offset = Number(attr(lp, 'offset') ?? 0) || 0;
    if (lp && offset !== 0) {
      // The standard reader puts the offset to the left of s; ScenarioRunner to the right of the
      // lane's driving direction: to the left of s on a lane driving against s, else to the right.
      const at = odr.laneAt(
        attr(lp, 'roadId') ?? '',
        Math.round(Number(attr(lp, 'laneId'))),
        Number(attr(lp, 's')),
      );
      const forward = at.ok ? at.value.forward : Number(attr(lp, 'laneId')) < 0;
      const mirrored: XNode = {
        ...pos,
        LanePosition: [{ ...lp, $: { ...lp.$, offset: String(forward ? -offset : offset) } }],
      };
      return standard(mirrored, path, states);
    }
    return standard(pos, path, states);
  };
}
