/**
 * Road queries of esmini's RoadManager unit tests on its `Unittest/xodr` maps
 * (`data/esmini/EnvironmentSimulator/Unittest/road_expectations.json`) that the resources/ tests do not ask: full 3D
 * poses (z, pitch, roll), lane widths and types, the lane type a point lies in, off-road, the
 * closest lane on one side. Answers on our OpenDRIVE road model; undefined for another query.
 */
import { bodyOrientation, type RoadGeometry } from '../opendrive/RoadGeometry.ts';

/** The lane whose [inner, outer] border span contains t at s, any type; undefined outside every lane. */
function laneContaining(geo: RoadGeometry, roadId: string, sM: number, tM: number): number | undefined {
  for (const id of geo.laneIdsAt(roadId, sM)) {
    const c = geo.laneCenterT(roadId, id, sM);
    if (!c || c.widthM <= 1e-9) continue;
    if (Math.abs(tM - c.tM) <= c.widthM / 2 + 1e-9) return id;
  }
  return undefined;
}

/** esmini's "in lane type" (Position::GetInLaneType): the type of the lane t lies in, none outside the road. */
function inLaneType(geo: RoadGeometry, roadId: string, sM: number, tM: number): string {
  const id = laneContaining(geo, roadId, sM, tM);
  return id === undefined ? 'none' : (geo.laneTypeAt(roadId, id, sM) ?? 'none');
}

/** t of a lane position (lane centre + offset), or of a track position. */
function tOf(
  geo: RoadGeometry,
  input: Record<string, unknown>,
  roadId: string,
  sM: number,
): number | undefined {
  if (input.lane_id === undefined) return Number(input.t);
  const c = geo.laneCenterT(roadId, Number(input.lane_id), sM);
  return c ? c.tM + Number(input.offset ?? 0) : undefined;
}

/** Answers one Unittest road query; undefined when the query is not one of these. */
export function unittestRoadQuery(
  geo: RoadGeometry,
  input: Record<string, unknown> & { query: string },
): Record<string, unknown> | undefined {
  const roadId = String(input.road_id);
  const sM = Number(input.s);
  switch (input.query) {
    case 'lane_width':
      return { width: geo.laneWidthAt(roadId, Number(input.lane_id), sM) };
    case 'lane_type':
      return { lane_type: geo.laneTypeAt(roadId, Number(input.lane_id), sM)?.toLowerCase() };
    case 'in_lane_type': {
      const t = tOf(geo, input, roadId, sM);
      if (t === undefined) return undefined;
      return {
        in_lane_type: inLaneType(geo, roadId, sM, t),
        lane_type: geo.laneTypeAt(roadId, Number(input.lane_id), sM)?.toLowerCase(),
      };
    }
    case 'off_road': {
      const road = geo.road(roadId);
      const t = tOf(geo, input, roadId, sM);
      if (!road || t === undefined) return undefined;
      return { off_road: t > geo.outerT(road, sM, 1) + 1e-9 || t < geo.outerT(road, sM, -1) - 1e-9 };
    }
    case 'track_to_lane': {
      const t = Number(input.t);
      const lane = geo.closestLane(roadId, sM, t);
      return { lane_id: lane.laneId, offset: lane.offsetM, in_lane_type: inLaneType(geo, roadId, sM, t) };
    }
    case 'closest_lane': {
      const lane = geo.closestLane(roadId, sM, Number(input.t), false, Number(input.side ?? 0) as -1 | 0 | 1);
      return { lane_id: lane.laneId, offset: lane.offsetM };
    }
    case 'world_to_lane_any_type': {
      const c = geo.worldToRoad(Number(input.x), Number(input.y));
      if (!c) return undefined;
      const lane = geo.closestLane(c.roadId, c.sM, c.tM, true);
      return {
        road_id: Number(c.roadId),
        lane_id: lane.laneId,
        in_lane_type: inLaneType(geo, c.roadId, c.sM, c.tM),
      };
    }
    case 'pose_full': {
      const t = tOf(geo, input, roadId, sM);
      if (t === undefined) return undefined;
      const p = geo.pose(roadId, sM, t);
      if (!p.ok) return undefined;
      // Without a given heading a lane position faces its lane's driving direction, along the
      // lane centre's slope (tapers); a track position faces along s.
      let hRel = Number(input.heading_relative ?? 0);
      if (input.heading_relative === undefined && input.lane_id !== undefined) {
        const laneId = Number(input.lane_id);
        const slope = Math.atan(geo.laneCenterSlope(roadId, laneId, sM));
        const along = geo.road(roadId)?.lht ? laneId > 0 : laneId <= 0;
        hRel = along ? slope : Math.PI - slope;
      }
      // The surface pitch a changing superelevation gives at t, seen along the body (esmini: × cos hRel).
      const pBody = Math.cos(hRel) * geo.superelevationPitch(roadId, sM, t);
      const o = bodyOrientation(p.value.hRoad, p.value.pRoad, p.value.rRoad, hRel, pBody);
      return {
        x: p.value.x,
        y: p.value.y,
        z: p.value.z,
        h: o.h,
        p: o.p,
        r: o.r,
        p_road: p.value.pRoad,
        r_road: p.value.rRoad,
      };
    }
    default:
      return undefined;
  }
}
