/**
 * nuPlan GeoPackage map → RoadMapData. Lanes (`lanes_polygons` + `baseline_paths`) and lane
 * connectors (`lane_connectors` + their baselines and scaled-width polygons) both become lanes:
 * centreline = baseline path, width = polygon area / baseline length, successors/predecessors from
 * the connectors' entry/exit lanes, left/right neighbours from `lane_index` within a lane group
 * (smaller index = further left, as the devkit's lane.py reads it). Crosswalks, stop polygons (→
 * stop lines on the lane whose centreline they cross), intersections (junctions), and drivable
 * polygons (lane groups, lane-group connectors, intersections, carparks, generic drivable areas).
 * Coordinates are the map's projected metres minus a 1 km-aligned origin recorded in `source`.
 */

import { basename, dirname } from 'node:path';
import {
  fail,
  type Lane,
  ok,
  Polyline,
  polygonBounds,
  type Result,
  type RoadMapData,
  type RoadMarkType,
  type StopLine,
  type Vec2,
} from '../../../core/index.ts';
import { readGpkgGeometry } from './gpkgGeometry.ts';
import { STOP_LINE_TYPE } from './nuplanSchema.ts';
import { openSqlite, type SqliteDatabase } from './openSqlite.ts';
import type { Geometry } from './wkb.ts';

export interface NuplanMap {
  map: RoadMapData;
  /** Subtracted from every map and log coordinate (UTM easting / northing), m. */
  originE: number;
  originN: number;
  srsId: number;
  warnings: string[];
}

/** Speed limit when a lane has none (NULL), m/s: 25 mph, a common US urban limit. */
const DEFAULT_SPEED_MPS = 11.176;
/** Grid alignment of the local origin, m (keeps coordinates small for the RoadMap grid). */
const ORIGIN_GRID_M = 1000;

class MapError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
  }
}

type Row = Record<string, unknown>;

function polygonArea(ring: Vec2[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    a += (ring[j]!.x + ring[i]!.x) * (ring[j]!.y - ring[i]!.y);
  return Math.abs(a / 2);
}

function openRing(ring: Vec2[]): Vec2[] {
  const n = ring.length;
  if (n > 1 && ring[0]!.x === ring[n - 1]!.x && ring[0]!.y === ring[n - 1]!.y) return ring.slice(0, -1);
  return ring;
}

/** Reads the map at `gpkgPath` (a GeoPackage as nuPlan ships it). */
export function readNuplanMap(gpkgPath: string): Result<NuplanMap> {
  const opened = openSqlite(gpkgPath, { readonly: true, fileMustExist: true });
  if (!opened.ok) return opened;
  const db = opened.value;
  try {
    return ok(readMap(db, gpkgPath));
  } catch (e) {
    if (e instanceof MapError) return fail('INVALID_INPUT', `${gpkgPath}:${e.where}`, e.message);
    const msg = (e as Error).message;
    return fail(
      /not a database|malformed|file is not/i.test(msg) ? 'PARSE_ERROR' : 'INVALID_INPUT',
      gpkgPath,
      msg,
    );
  } finally {
    db.close();
  }
}

function readMap(db: SqliteDatabase, path: string): NuplanMap {
  const warnings: string[] = [];
  const hasTable = (t: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?").get(t) !== undefined;
  if (!hasTable('gpkg_geometry_columns'))
    throw new MapError('gpkg_geometry_columns', 'not a GeoPackage (table missing)');
  const geomCols = new Map<string, { column: string; srsId: number }>();
  for (const r of db
    .prepare('SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns')
    .all() as Row[]) {
    geomCols.set(String(r.table_name), { column: String(r.column_name), srsId: Number(r.srs_id) });
  }
  const srsId = geomCols.get('lanes_polygons')?.srsId ?? 0;
  // Origin: the lowest corner of the layers' extents, aligned to 1 km, so every log on this map agrees.
  const ext = db
    .prepare("SELECT min(min_x) AS x, min(min_y) AS y FROM gpkg_contents WHERE data_type = 'features'")
    .get() as Row | undefined;
  const originE =
    Number.isFinite(Number(ext?.x)) && ext?.x !== null
      ? Math.floor(Number(ext!.x) / ORIGIN_GRID_M) * ORIGIN_GRID_M
      : 0;
  const originN =
    Number.isFinite(Number(ext?.y)) && ext?.y !== null
      ? Math.floor(Number(ext!.y) / ORIGIN_GRID_M) * ORIGIN_GRID_M
      : 0;
  const shift = (ps: Vec2[]) => ps.map((p) => ({ x: p.x - originE, y: p.y - originN }));

  /** Rows of a layer with its geometry decoded; [] when an optional layer is absent. */
  const layer = (
    table: string,
    columns: string[],
    required: boolean,
  ): { row: Row; geom: Geometry | null }[] => {
    if (!hasTable(table)) {
      if (required) throw new MapError(table, 'required layer missing');
      return [];
    }
    const have = new Set(
      (db.prepare(`PRAGMA table_info("${table}")`).all() as Row[]).map((r) => String(r.name)),
    );
    for (const c of ['fid', ...columns])
      if (!have.has(c)) throw new MapError(`${table}.${c}`, 'column missing');
    const g = geomCols.get(table)?.column;
    if (!g || !have.has(g))
      throw new MapError(`${table}.geometry`, 'no geometry column registered in gpkg_geometry_columns');
    const rows = db
      .prepare(
        `SELECT fid, ${columns.map((c) => `"${c}"`).join(', ')}${columns.length ? ',' : ''} "${g}" AS __g FROM "${table}" ORDER BY fid`,
      )
      .all() as Row[];
    return rows.map((row) => {
      const blob = row.__g;
      if (blob === null || blob === undefined) return { row, geom: null };
      if (!(blob instanceof Uint8Array))
        throw new MapError(`${table}[fid=${row.fid}].${g}`, 'geometry is not a blob');
      try {
        return { row, geom: readGpkgGeometry(blob).geometry };
      } catch (e) {
        throw new MapError(`${table}[fid=${row.fid}].${g}`, (e as Error).message);
      }
    });
  };
  const exteriors = (g: Geometry | null, where: string): Vec2[][] => {
    if (!g) return [];
    if (g.type === 'Polygon') return g.rings.length ? [shift(openRing(g.rings[0]!))] : [];
    if (g.type === 'MultiPolygon')
      return g.polygons.filter((p) => p.length).map((p) => shift(openRing(p[0]!)));
    throw new MapError(where, `expected a Polygon, got ${g.type}`);
  };
  const line = (g: Geometry | null, where: string): Vec2[] => {
    if (g?.type === 'LineString') return shift(g.points);
    if (g?.type === 'MultiLineString') return shift(g.lines.flat());
    throw new MapError(where, `expected a LineString, got ${g ? g.type : 'NULL'}`);
  };

  const baselines = layer('baseline_paths', ['lane_fid', 'lane_connector_fid'], true);
  const laneLine = new Map<string, Vec2[]>();
  const connLine = new Map<string, Vec2[]>();
  for (const { row, geom } of baselines) {
    const where = `baseline_paths[fid=${row.fid}]`;
    if (row.lane_fid !== null && row.lane_fid !== undefined && row.lane_fid !== '')
      laneLine.set(String(row.lane_fid), line(geom, where));
    else if (row.lane_connector_fid !== null && row.lane_connector_fid !== undefined)
      connLine.set(String(row.lane_connector_fid), line(geom, where));
  }
  const laneRows = layer('lanes_polygons', ['lane_group_fid', 'lane_index', 'speed_limit_mps'], true);
  const connRows = layer(
    'lane_connectors',
    ['entry_lane_fid', 'exit_lane_fid', 'lane_group_connector_fid', 'speed_limit_mps'],
    true,
  );
  const connPolys = new Map<string, Vec2[]>();
  for (const { row, geom } of layer(
    'gen_lane_connectors_scaled_width_polygons',
    ['lane_connector_fid'],
    false,
  )) {
    const e = exteriors(geom, `gen_lane_connectors_scaled_width_polygons[fid=${row.fid}]`);
    if (e[0]) connPolys.set(String(row.lane_connector_fid), e[0]);
  }
  const lgcRows = layer(
    'lane_group_connectors',
    ['from_lane_group_fid', 'to_lane_group_fid', 'intersection_fid'],
    false,
  );
  const lgcJunction = new Map(
    lgcRows.map(({ row }) => [
      String(row.fid),
      row.intersection_fid === null ? undefined : String(row.intersection_fid),
    ]),
  );

  const lanes: Lane[] = [];
  const isConnector = new Set<string>();
  let noSpeed = 0;
  let defaultWidth = 0;
  const widthOf = (poly: Vec2[] | undefined, centre: Vec2[]): number => {
    const len = new Polyline(centre).length;
    const w = poly && len > 0 ? polygonArea(poly) / len : Number.NaN;
    if (!(w > 0.5 && w < 20)) {
      defaultWidth++;
      return 3.5;
    }
    return w;
  };
  const speed = (v: unknown): number => {
    const s = Number(v);
    if (v === null || v === undefined || !(s > 0)) {
      noSpeed++;
      return DEFAULT_SPEED_MPS;
    }
    return s;
  };
  // A NULL (or 0) limit is nuplan-devkit's None / falsy limit: no posted limit, so its
  // speed_limit_compliance scores no overspeed there; the default above is only driven at.
  const posted = (v: unknown): { speedLimitPosted?: false } =>
    Number(v) > 0 ? {} : { speedLimitPosted: false };
  const groups = new Map<string, { id: string; index: number }[]>();
  for (const { row, geom } of laneRows) {
    const id = String(row.fid);
    const where = `lanes_polygons[fid=${id}]`;
    const centre = laneLine.get(id) ?? laneLine.get(String(row.lane_fid ?? ''));
    if (!centre || centre.length < 2)
      throw new MapError(where, 'lane has no baseline path (baseline_paths.lane_fid)');
    const poly = exteriors(geom, `${where}.geometry`)[0];
    lanes.push({
      id,
      type: 'driving',
      centerline: centre,
      widthM: widthOf(poly, centre),
      speedLimitMps: speed(row.speed_limit_mps),
      ...posted(row.speed_limit_mps),
      successors: [],
      predecessors: [],
      leftBoundary: 'solid',
      rightBoundary: 'solid',
      roadId: String(row.lane_group_fid),
    });
    const g = String(row.lane_group_fid);
    groups.set(g, [...(groups.get(g) ?? []), { id, index: Number(row.lane_index) }]);
  }
  const byId = new Map(lanes.map((l) => [l.id, l]));
  for (const { row } of connRows) {
    const id = String(row.fid);
    const where = `lane_connectors[fid=${id}]`;
    const centre = connLine.get(id);
    if (!centre || centre.length < 2)
      throw new MapError(where, 'lane connector has no baseline path (baseline_paths.lane_connector_fid)');
    const entry = String(row.entry_lane_fid);
    const exit = String(row.exit_lane_fid);
    const lgc = String(row.lane_group_connector_fid);
    const lane: Lane = {
      id,
      type: 'driving',
      centerline: centre,
      widthM: widthOf(connPolys.get(id), centre),
      speedLimitMps: speed(row.speed_limit_mps),
      ...posted(row.speed_limit_mps),
      successors: byId.has(exit) ? [exit] : [],
      predecessors: byId.has(entry) ? [entry] : [],
      leftBoundary: 'none',
      rightBoundary: 'none',
      roadId: lgc,
    };
    const j = lgcJunction.get(lgc);
    if (j !== undefined) lane.junctionId = j;
    byId.get(entry)?.successors.push(id);
    byId.get(exit)?.predecessors.push(id);
    lanes.push(lane);
    isConnector.add(id);
  }
  for (const members of groups.values()) {
    const byIndex = new Map(members.map((m) => [m.index, m.id]));
    for (const m of members) {
      const lane = byId.get(m.id)!;
      const left = byIndex.get(m.index - 1);
      const right = byIndex.get(m.index + 1);
      if (left !== undefined) {
        lane.left = { laneId: left, changeAllowed: true, opposite: false };
        lane.leftBoundary = 'dashed';
      }
      if (right !== undefined) {
        lane.right = { laneId: right, changeAllowed: true, opposite: false };
        lane.rightBoundary = 'dashed';
      }
    }
  }
  readBoundaryMarks(byId, isConnector);
  if (noSpeed > 0)
    warnings.push(`${noSpeed} lanes/connectors without speed_limit_mps: ${DEFAULT_SPEED_MPS} m/s`);
  if (defaultWidth > 0)
    warnings.push(`${defaultWidth} lanes/connectors without a usable polygon: width 3.5 m`);

  /**
   * Lane markings from `boundaries.boundary_type_fid` where the map has it: 0 a broken white line,
   * 2 a solid white one (py123d's reading of the four nuPlan maps, NUPLAN_ROAD_LINE_CONVERSION;
   * nuplan-devkit documents no codes); other codes (3: unknown) leave the lane's default. Lanes
   * only (lane connectors lie in intersections, unmarked).
   */
  function readBoundaryMarks(byId: Map<string, Lane>, connectors: Set<string>): void {
    const cols = (t: string) =>
      hasTable(t)
        ? new Set((db.prepare(`PRAGMA table_info("${t}")`).all() as Row[]).map((r) => String(r.name)))
        : new Set<string>();
    const lp = cols('lanes_polygons');
    if (
      !cols('boundaries').has('boundary_type_fid') ||
      !lp.has('left_boundary_fid') ||
      !lp.has('right_boundary_fid')
    )
      return;
    const typeOf = new Map<string, RoadMarkType>();
    for (const r of db.prepare('SELECT fid, boundary_type_fid FROM boundaries').all() as Row[]) {
      const t = Number(r.boundary_type_fid);
      if (r.boundary_type_fid !== null && (t === 0 || t === 2))
        typeOf.set(String(r.fid), t === 0 ? 'broken' : 'solid');
    }
    for (const r of db
      .prepare('SELECT fid, left_boundary_fid, right_boundary_fid FROM lanes_polygons')
      .all() as Row[]) {
      const lane = byId.get(String(r.fid));
      if (!lane || connectors.has(lane.id)) continue;
      const l = typeOf.get(String(r.left_boundary_fid));
      const rt = typeOf.get(String(r.right_boundary_fid));
      if (l) lane.leftMarks = [{ sM: 0, type: l, color: 'white' }];
      if (rt) lane.rightMarks = [{ sM: 0, type: rt, color: 'white' }];
    }
  }

  const crosswalks = layer('crosswalks', [], false).flatMap(({ row, geom }) =>
    exteriors(geom, `crosswalks[fid=${row.fid}].geometry`)
      .filter((p) => p.length >= 3)
      .map((polygon, k) => ({ id: k === 0 ? String(row.fid) : `${row.fid}_${k}`, polygon })),
  );
  const junctions: RoadMapData['junctions'] = [];
  const drivableAreas: Vec2[][] = [];
  for (const { row, geom } of layer('intersections', [], false)) {
    const ps = exteriors(geom, `intersections[fid=${row.fid}].geometry`).filter((p) => p.length >= 3);
    junctions.push(ps[0] ? { id: String(row.fid), polygon: ps[0] } : { id: String(row.fid) });
    drivableAreas.push(...ps);
  }
  for (const t of ['lane_groups_polygons', 'carpark_areas', 'generic_drivable_areas']) {
    for (const { row, geom } of layer(t, [], false)) {
      drivableAreas.push(...exteriors(geom, `${t}[fid=${row.fid}].geometry`).filter((p) => p.length >= 3));
    }
  }
  for (const { row, geom } of lgcRows) {
    if (geom)
      drivableAreas.push(
        ...exteriors(geom, `lane_group_connectors[fid=${row.fid}].geometry`).filter((p) => p.length >= 3),
      );
  }
  const stopLines = associateStops(
    layer('stop_polygons', ['stop_polygon_type_fid'], false),
    lanes,
    isConnector,
    exteriors,
    warnings,
  );

  const version = basename(dirname(path));
  const location = basename(dirname(dirname(path)));
  return {
    map: {
      id: `${location}@${version}`,
      lanes,
      crosswalks,
      stopLines,
      junctions,
      drivableAreas,
      source: `nuplan-gpkg: ${path} (EPSG:${srsId}, origin E=${originE} N=${originN} subtracted)`,
    },
    originE,
    originN,
    srsId,
    warnings,
  };
}

const STOP_KIND: Record<number, StopLine['kind']> = {
  [STOP_LINE_TYPE.STOP_SIGN]: 'stop_sign',
  [STOP_LINE_TYPE.TRAFFIC_LIGHT]: 'signal',
  [STOP_LINE_TYPE.YIELD]: 'yield',
  [STOP_LINE_TYPE.TURN_STOP]: 'yield',
  [STOP_LINE_TYPE.PED_CROSSING]: 'yield',
  [STOP_LINE_TYPE.UNKNOWN]: 'stop_sign',
};

/**
 * A stop polygon stops the lane whose centreline crosses it: its near edge (smallest arc length of
 * its vertices) must lie on the lane and its centroid within half a lane width. Lanes win over
 * connectors (stop lines sit at lane ends before intersections; turn stops inside them).
 */
function associateStops(
  rows: { row: Row; geom: Geometry | null }[],
  lanes: Lane[],
  isConnector: Set<string>,
  exteriors: (g: Geometry | null, where: string) => Vec2[][],
  warnings: string[],
): StopLine[] {
  const infos = lanes.map((l) => {
    const line = new Polyline(l.centerline);
    const { minX, minY, maxX, maxY } = polygonBounds(l.centerline);
    const pad = l.widthM + 5;
    return { l, line, minX: minX - pad, minY: minY - pad, maxX: maxX + pad, maxY: maxY + pad };
  });
  const out: StopLine[] = [];
  let orphans = 0;
  for (const { row, geom } of rows) {
    const poly = exteriors(geom, `stop_polygons[fid=${row.fid}].geometry`)[0];
    if (!poly || poly.length < 3) continue;
    const cx = poly.reduce((a, p) => a + p.x, 0) / poly.length;
    const cy = poly.reduce((a, p) => a + p.y, 0) / poly.length;
    let best: { laneId: string; sM: number; cost: number } | undefined;
    for (const info of infos) {
      if (cx < info.minX || cx > info.maxX || cy < info.minY || cy > info.maxY) continue;
      const c = info.line.project(cx, cy);
      if (Math.abs(c.dM) > info.l.widthM / 2) continue;
      let sNear = Infinity;
      for (const p of poly) sNear = Math.min(sNear, info.line.project(p.x, p.y).sM);
      if (sNear < -0.01 || sNear > info.line.length + 0.01) continue;
      const cost = Math.abs(c.dM) + (isConnector.has(info.l.id) ? 100 : 0);
      if (!best || cost < best.cost)
        best = { laneId: info.l.id, sM: Math.min(info.line.length, Math.max(0, sNear)), cost };
    }
    if (!best) {
      orphans++;
      continue;
    }
    out.push({
      id: String(row.fid),
      laneId: best.laneId,
      sM: best.sM,
      kind: STOP_KIND[Number(row.stop_polygon_type_fid)] ?? 'stop_sign',
    });
  }
  if (orphans > 0) warnings.push(`${orphans} stop polygons cross no lane: dropped`);
  return out;
}
