/**
 * Writes a schema-faithful nuPlan log (.db) and map (.gpkg) from a built-in scenario, since no
 * real nuPlan data may be redistributed here. The map goes to `<outDir>/maps/<location>/1.0/map.gpkg`
 * (nuPlan's maps/<location>/<version>/map.gpkg layout) and the log to `<outDir>/<logfile>.db`.
 *
 * Built-in → nuPlan: lanes with a junction and one predecessor and successor become lane
 * connectors, the others lanes; same-direction neighbours form a lane group indexed left to right;
 * coordinates are shifted to UTM-like metres (EPSG:32611, Las Vegas strip). The log is 20 Hz: ego
 * poses are the expert (rear axle) and agents come from a non-reactive run of the scenario (agents
 * do not react to ego there), both interpolated to 0.05 s; signals are written per lane connector
 * every sweep; each scenario tag is fired 3 s after the log starts, so nuPlan's [15 s, −3 s] window
 * covers the built-in scenario exactly.
 */

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AgentKind,
  type AgentState,
  fail,
  ok,
  type Result,
  type SignalState,
  type TrackPoint,
  type Vec2,
} from '../../../core/index.ts';
import { idmPlanner } from '../../../core/vehicle/index.ts';
import { runScenario } from '../../../sim/runScenario.ts';
import { builtinScenario } from '../../builtin/index.ts';
import { writeGpkgGeometry } from './gpkgGeometry.ts';
import { DB_INTERVAL_S, NUPLAN_DB_TABLES, NUPLAN_MAP_LAYERS, STOP_LINE_TYPE } from './nuplanSchema.ts';
import { loadSqlite, type SqliteDatabase } from './openSqlite.ts';
import type { Geometry } from './wkb.ts';

export interface NuplanFixture {
  dbPath: string;
  gpkgPath: string;
  /** Pass as `mapRoot` to the importer. */
  mapRoot: string;
  /** Built-in lane id → nuPlan fid (as a string). */
  laneFid: Record<string, string>;
  /** Built-in agent id → track token (16 hex chars). */
  trackToken: Record<string, string>;
  /** UTM-like offset added to every built-in coordinate, m. */
  offsetE: number;
  offsetN: number;
  /** Agents' states at 0.1 s as written (built-in frame, from the non-reactive run). */
  agentTicks: { tS: number; agents: AgentState[] }[];
  logfile: string;
  warnings: string[];
}

export interface FixtureOptions {
  /** Offset added to built-in coordinates (defaults: a Las Vegas strip UTM 11N position), m. */
  offsetE?: number;
  offsetN?: number;
  /** Log start, µs since the Unix epoch (default 2021-05-12 22:00:38 UTC, like nuPlan log names). */
  startUs?: number;
}

const SRS_ID = 32611;
const CATEGORY: Record<AgentKind, string> = {
  vehicle: 'vehicle',
  pedestrian: 'pedestrian',
  cyclist: 'bicycle',
  robot: 'generic_object',
  static: 'generic_object',
};
const CATEGORIES = [
  'vehicle',
  'bicycle',
  'pedestrian',
  'traffic_cone',
  'barrier',
  'czone_sign',
  'generic_object',
];
const HEIGHT_M: Record<AgentKind, number> = {
  vehicle: 1.7,
  pedestrian: 1.75,
  cyclist: 1.7,
  robot: 1.0,
  static: 1.0,
};
/** nuPlan infers green/red/unknown from motion (SCHEMA.md); yellow is written as red. */
const STATUS: Record<SignalState, string> = { GREEN: 'green', RED: 'red', YELLOW: 'red', UNKNOWN: 'unknown' };

/** 8-byte token: a table code then a 56-bit counter (deterministic, unique per table). */
function token(table: number, i: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(table, 0);
  b.writeUIntBE(i, 2, 6);
  b.writeUInt8((table * 31 + i) & 0xff, 1);
  return b;
}

/** A Python pickle (protocol 2) of a list of floats, as nuPlan's SimplePickleType stores them. */
function pickleFloats(values: number[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x80, 0x02, 0x5d, 0x71, 0x00, 0x28])];
  for (const v of values) {
    const f = Buffer.alloc(9);
    f.writeUInt8(0x47, 0); // BINFLOAT, big-endian double
    f.writeDoubleBE(v, 1);
    parts.push(f);
  }
  parts.push(Buffer.from([0x65, 0x2e])); // APPENDS, STOP
  return Buffer.concat(parts);
}

function lerpAngle(a: number, b: number, u: number): number {
  return a + u * Math.atan2(Math.sin(b - a), Math.cos(b - a));
}

function closed(ring: Vec2[]): Vec2[] {
  return [...ring, ring[0]!];
}

function createGpkg(db: SqliteDatabase): void {
  db.pragma('application_id = 1196444487'); // 'GPKG'
  db.pragma('user_version = 10300');
  db.exec(`
    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
      organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
    CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
      description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id));
    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
      srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, PRIMARY KEY (table_name, column_name));
  `);
  const srs = db.prepare('INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)');
  srs.run('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', null);
  srs.run('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', null);
  srs.run(
    'WGS 84 geodetic',
    4326,
    'EPSG',
    4326,
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]',
    null,
  );
  srs.run(
    'WGS 84 / UTM zone 11N',
    SRS_ID,
    'EPSG',
    SRS_ID,
    'PROJCS["WGS 84 / UTM zone 11N",GEOGCS["WGS 84"],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",-117],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],UNIT["metre",1]]',
    null,
  );
  for (const [name, l] of Object.entries(NUPLAN_MAP_LAYERS)) {
    const cols = ['fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL', `geom ${l.geometry}`, ...l.columns];
    db.exec(`CREATE TABLE "${name}" (${cols.join(', ')})`);
    db.prepare('INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)').run(
      name,
      'geom',
      l.geometry,
      SRS_ID,
    );
    db.prepare(
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id, last_change) VALUES (?, 'features', ?, ?, '2021-05-12T00:00:00.000Z')",
    ).run(name, name, SRS_ID);
  }
}

/**
 * Generates `<outDir>/<logfile>.db` and its map from built-in scenario `builtinId` (see the file
 * comment for the conversion). Returns the paths and the id mappings a round-trip test needs.
 */
export function generateNuplanFixture(
  builtinId: string,
  outDir: string,
  opts: FixtureOptions = {},
): Result<NuplanFixture> {
  const b = builtinScenario(builtinId);
  if (!b) return fail('NOT_FOUND', 'builtinId', `unknown built-in scenario "${builtinId}"`);
  const { scenario, map } = b;
  const offsetE = opts.offsetE ?? 664_000;
  const offsetN = opts.offsetN ?? 3_997_000;
  const startUs = opts.startUs ?? 1_620_856_838_000_000;
  const warnings: string[] = [];
  const P = (p: Vec2): Vec2 => ({ x: p.x + offsetE, y: p.y + offsetN });
  const location = `edgeplan-${map.id}`;
  const mapRoot = join(outDir, 'maps');
  const mapDir = join(mapRoot, location, '1.0');
  const gpkgPath = join(mapDir, 'map.gpkg');
  const logfile = `2021.05.12.22.00.38_edgeplan_${builtinId}`;
  const dbPath = join(outDir, `${logfile}.db`);
  mkdirSync(mapDir, { recursive: true });
  rmSync(gpkgPath, { force: true });
  rmSync(dbPath, { force: true });

  // ---- map
  const lanes = map.data.lanes;
  const byId = new Map(lanes.map((l) => [l.id, l]));
  const isConn = (id: string) => {
    const l = byId.get(id)!;
    return (
      l.junctionId !== undefined &&
      l.successors.length === 1 &&
      l.predecessors.length === 1 &&
      byId.get(l.successors[0]!)?.junctionId === undefined &&
      byId.get(l.predecessors[0]!)?.junctionId === undefined
    );
  };
  const laneFid: Record<string, string> = {};
  lanes.forEach((l, i) => {
    laneFid[l.id] = String(1000 + i);
  });
  const fid = (id: string) => Number(laneFid[id]);
  // Lane groups: same-direction neighbour chains, indexed from the leftmost lane.
  const group = new Map<string, { gid: number; index: number }>();
  let groupCount = 0;
  for (const l of lanes) {
    if (isConn(l.id) || group.has(l.id)) continue;
    let left = l;
    const seen = new Set([left.id]);
    while (left.left && !left.left.opposite && !isConn(left.left.laneId) && !seen.has(left.left.laneId)) {
      left = byId.get(left.left.laneId)!;
      seen.add(left.id);
    }
    const gid = 10000 + groupCount++;
    let cur: typeof l | undefined = left;
    let index = 0;
    while (cur && !group.has(cur.id)) {
      group.set(cur.id, { gid, index: index++ });
      const r: typeof cur.right = cur.right;
      cur = r && !r.opposite && !isConn(r.laneId) ? byId.get(r.laneId) : undefined;
    }
  }
  const junctionFid = new Map(map.data.junctions.map((j, i) => [j.id, 60000 + i]));
  const Database = loadSqlite();
  if (!Database.ok) return Database;
  const gdb = new Database.value(gpkgPath);
  createGpkg(gdb);
  const blob = (g: Geometry) => writeGpkgGeometry(g, SRS_ID);
  const poly = (ring: Vec2[]): Geometry => ({ type: 'Polygon', rings: [closed(ring.map(P))] });
  const lineG = (pts: Vec2[]): Geometry => ({ type: 'LineString', points: pts.map(P) });
  const ins = (table: string, cols: string[]) =>
    gdb.prepare(
      `INSERT INTO "${table}" (fid, geom, ${cols.join(', ')}) VALUES (?, ?${', ?'.repeat(cols.length)})`,
    );
  const insPlain = (table: string) => gdb.prepare(`INSERT INTO "${table}" (fid, geom) VALUES (?, ?)`);
  const writeMap = gdb.transaction(() => {
    const lanesIns = ins('lanes_polygons', [
      'lane_fid',
      'lane_group_fid',
      'lane_index',
      'left_boundary_fid',
      'right_boundary_fid',
      'speed_limit_mps',
    ]);
    const connIns = ins('lane_connectors', [
      'entry_lane_fid',
      'exit_lane_fid',
      'lane_group_connector_fid',
      'left_boundary_fid',
      'right_boundary_fid',
      'speed_limit_mps',
      'traffic_light_stop_line_fids',
    ]);
    const connPolyIns = ins('gen_lane_connectors_scaled_width_polygons', ['lane_connector_fid']);
    const baseIns = ins('baseline_paths', ['lane_fid', 'lane_connector_fid']);
    const boundIns = ins('boundaries', ['boundary_type_fid']);
    const lgcIns = ins('lane_group_connectors', [
      'from_lane_group_fid',
      'to_lane_group_fid',
      'intersection_fid',
    ]);
    const stopFidsByLane = new Map<string, number[]>();
    for (const [i, s] of map.data.stopLines.entries()) {
      stopFidsByLane.set(s.laneId, [...(stopFidsByLane.get(s.laneId) ?? []), 70000 + i]);
    }
    lanes.forEach((l, i) => {
      const info = map.mustLane(l.id);
      const leftB = 30000 + 2 * i;
      const rightB = leftB + 1;
      // boundary_type_fid as py123d reads nuPlan's maps: 0 broken, 2 solid, 3 unknown
      const code = (b: string) => (b === 'dashed' ? 0 : b === 'solid' || b === 'curb' ? 2 : 3);
      boundIns.run(leftB, blob(lineG(info.line.offset(l.widthM / 2).points())), code(l.leftBoundary));
      boundIns.run(rightB, blob(lineG(info.line.offset(-l.widthM / 2).points())), code(l.rightBoundary));
      baseIns.run(
        40000 + i,
        blob(lineG(l.centerline)),
        isConn(l.id) ? null : fid(l.id),
        isConn(l.id) ? fid(l.id) : null,
      );
      if (isConn(l.id)) {
        const from = l.predecessors[0]!;
        const to = l.successors[0]!;
        const lgc = 20000 + i;
        const stops = (stopFidsByLane.get(from) ?? []).join(',');
        connIns.run(
          fid(l.id),
          blob(lineG(l.centerline)),
          fid(from),
          fid(to),
          lgc,
          leftB,
          rightB,
          l.speedLimitMps,
          stops,
        );
        connPolyIns.run(50000 + i, blob(poly(info.polygon)), fid(l.id));
        lgcIns.run(
          lgc,
          blob(poly(info.polygon)),
          group.get(from)?.gid ?? null,
          group.get(to)?.gid ?? null,
          l.junctionId ? (junctionFid.get(l.junctionId) ?? null) : null,
        );
      } else {
        const g = group.get(l.id)!;
        lanesIns.run(
          fid(l.id),
          blob(poly(info.polygon)),
          fid(l.id),
          g.gid,
          g.index,
          leftB,
          rightB,
          l.speedLimitMps,
        );
        for (const s of l.successors)
          if (!isConn(s))
            warnings.push(`direct lane link ${l.id} → ${s} has no nuPlan lane connector: dropped`);
      }
    });
    // Lane-group polygons: the leftmost lane's left edge and the rightmost lane's right edge.
    const members = new Map<number, string[]>();
    for (const [id, g] of group) members.set(g.gid, [...(members.get(g.gid) ?? []), id]);
    for (const [gid, ids] of members) {
      ids.sort((a, c) => group.get(a)!.index - group.get(c)!.index);
      const lm = map.mustLane(ids[0]!);
      const rm = map.mustLane(ids[ids.length - 1]!);
      const ring = [
        ...lm.line.offset(lm.data.widthM / 2).points(),
        ...rm.line
          .offset(-rm.data.widthM / 2)
          .points()
          .reverse(),
      ];
      insPlain('lane_groups_polygons').run(gid, blob(poly(ring)));
    }
    for (const j of map.data.junctions) {
      if (j.polygon) insPlain('intersections').run(junctionFid.get(j.id)!, blob(poly(j.polygon)));
      else warnings.push(`junction ${j.id} has no polygon: not written`);
    }
    for (const [i, c] of map.data.crosswalks.entries())
      insPlain('crosswalks').run(80000 + i, blob(poly(c.polygon)));
    for (const [i, a] of map.data.drivableAreas.entries()) {
      insPlain('generic_drivable_areas').run(90000 + i, blob(poly(a)));
    }
    const stopIns = ins('stop_polygons', ['stop_polygon_type_fid']);
    map.data.stopLines.forEach((s, i) => {
      // A 1 m deep polygon across the lane, its near edge on the stop line.
      const info = map.mustLane(s.laneId);
      const h = info.line.headingAt(s.sM);
      const p = info.line.poseAt(s.sM);
      const nx = -Math.sin(h) * (info.data.widthM / 2);
      const ny = Math.cos(h) * (info.data.widthM / 2);
      const dx = Math.cos(h);
      const dy = Math.sin(h);
      const ring = [
        { x: p.x + nx, y: p.y + ny },
        { x: p.x - nx, y: p.y - ny },
        { x: p.x - nx + dx, y: p.y - ny + dy },
        { x: p.x + nx + dx, y: p.y + ny + dy },
      ];
      const type =
        s.kind === 'signal'
          ? STOP_LINE_TYPE.TRAFFIC_LIGHT
          : s.kind === 'yield'
            ? STOP_LINE_TYPE.YIELD
            : s.kind === 'stop_sign'
              ? STOP_LINE_TYPE.STOP_SIGN
              : STOP_LINE_TYPE.UNKNOWN;
      stopIns.run(70000 + i, blob(poly(ring)), type);
    });
    // Layer extents (gpkg_contents), as GDAL fills them.
    const minX = map.bounds.minX + offsetE;
    const minY = map.bounds.minY + offsetN;
    gdb
      .prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?')
      .run(minX, minY, map.bounds.maxX + offsetE, map.bounds.maxY + offsetN);
  });
  try {
    writeMap();
  } catch (e) {
    return fail('IO_ERROR', gpkgPath, (e as Error).message);
  } finally {
    gdb.close();
  }

  // ---- log: agents from a non-reactive run (agents ignore ego there), ego = the expert
  const run = runScenario(scenario, map, idmPlanner(), { mode: 'nonreactive', seed: 0, nowMs: () => 0 });
  const agentTicks = run.ticks.map((t) => ({ tS: t.tS, agents: t.agents.map((a) => ({ ...a })) }));
  const expert = scenario.expert;
  const n10 = expert.length;
  const rows20 = 2 * (n10 - 1) + 1;
  const egoAt = (k: number): TrackPoint => {
    const i = k >> 1;
    const a = expert[i]!;
    if (k % 2 === 0) return a;
    const c = expert[i + 1]!;
    return {
      tS: (a.tS + c.tS) / 2,
      x: (a.x + c.x) / 2,
      y: (a.y + c.y) / 2,
      headingRad: lerpAngle(a.headingRad, c.headingRad, 0.5),
      speedMps: (a.speedMps + c.speedMps) / 2,
    };
  };
  const db = new Database.value(dbPath);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  for (const [t, cols] of Object.entries(NUPLAN_DB_TABLES)) db.exec(`CREATE TABLE ${t} (${cols.join(', ')})`);
  const trackToken: Record<string, string> = {};
  const writeLog = db.transaction(() => {
    // Linked lists (next/prev tokens) point forward: check foreign keys at commit.
    db.pragma('defer_foreign_keys = ON');
    const logTok = token(1, 0);
    db.prepare('INSERT INTO log VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      logTok,
      'edgeplan-sim',
      '2021-05-12',
      startUs,
      logfile,
      location,
      location,
    );
    const lidarTok = token(2, 0);
    db.prepare('INSERT INTO lidar VALUES (?, ?, ?, ?, ?, ?)').run(
      lidarTok,
      logTok,
      'MergedPointCloud',
      'simulated',
      pickleFloats([0, 0, 1.8]),
      pickleFloats([1, 0, 0, 0]),
    );
    const sceneTok = token(3, 0);
    const roadblocks = scenario.route.laneIds
      .map((id) => (isConn(id) ? 20000 + lanes.findIndex((l) => l.id === id) : group.get(id)?.gid))
      .filter((x) => x !== undefined);
    db.prepare('INSERT INTO scene VALUES (?, ?, ?, ?, ?)').run(
      sceneTok,
      logTok,
      `scene-${builtinId}`,
      token(4, rows20 - 1),
      [...new Set(roadblocks)].join(','),
    );
    const egoIns = db.prepare(
      'INSERT INTO ego_pose VALUES (?, ?, ?, ?, 0, ?, 0, 0, ?, ?, 0, 0, ?, 0, 0, 0, 0, ?, ?, ?)',
    );
    const pcIns = db.prepare('INSERT INTO lidar_pc VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let k = 0; k < rows20; k++) {
      const e = egoAt(k);
      const prev = egoAt(Math.max(0, k - 1));
      const next = egoAt(Math.min(rows20 - 1, k + 1));
      const span = (Math.min(rows20 - 1, k + 1) - Math.max(0, k - 1)) * DB_INTERVAL_S;
      const accel = span > 0 ? (next.speedMps - prev.speedMps) / span : 0;
      const yawRate =
        span > 0
          ? Math.atan2(
              Math.sin(next.headingRad - prev.headingRad),
              Math.cos(next.headingRad - prev.headingRad),
            ) / span
          : 0;
      const ts = startUs + Math.round(k * DB_INTERVAL_S * 1e6);
      const pos = P(e);
      egoIns.run(
        token(4, k),
        ts,
        pos.x,
        pos.y,
        Math.cos(e.headingRad / 2),
        Math.sin(e.headingRad / 2),
        e.speedMps,
        accel,
        yawRate,
        SRS_ID,
        logTok,
      );
      pcIns.run(
        token(5, k),
        k + 1 < rows20 ? token(5, k + 1) : null,
        k > 0 ? token(5, k - 1) : null,
        token(4, k),
        lidarTok,
        sceneTok,
        `${logfile}/MergedPointCloud/${k}.pcd`,
        ts,
      );
    }
    const catTok = new Map(CATEGORIES.map((c, i) => [c, token(6, i)]));
    const catIns = db.prepare('INSERT INTO category VALUES (?, ?, ?)');
    for (const [c, t] of catTok) catIns.run(t, c, `nuPlan category ${c}`);
    const trackIns = db.prepare('INSERT INTO track VALUES (?, ?, ?, ?, ?)');
    scenario.agents.forEach((a, i) => {
      const t = token(7, i);
      trackToken[a.id] = t.toString('hex');
      trackIns.run(t, catTok.get(CATEGORY[a.kind])!, a.widthM, a.lengthM, HEIGHT_M[a.kind]);
    });
    // Boxes: every 0.05 s where the agent is present (midpoints between two present ticks).
    const boxIns = db.prepare(
      'INSERT INTO lidar_box VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 0, ?, 1.0)',
    );
    const idx = new Map(scenario.agents.map((a, i) => [a.id, i]));
    const byTick = agentTicks.map((t) => new Map(t.agents.map((a) => [a.id, a])));
    const boxes: { k: number; agent: number; s: AgentState }[] = [];
    for (let k = 0; k < rows20; k++) {
      const i = k >> 1;
      if (i >= byTick.length) break;
      for (const [id, a] of byTick[i]!) {
        let s: AgentState = a;
        if (k % 2 === 1) {
          const c = byTick[i + 1]?.get(id);
          if (!c) continue;
          s = {
            ...a,
            x: (a.x + c.x) / 2,
            y: (a.y + c.y) / 2,
            headingRad: lerpAngle(a.headingRad, c.headingRad, 0.5),
            speedMps: (a.speedMps + c.speedMps) / 2,
          };
        }
        boxes.push({ k, agent: idx.get(id)!, s });
      }
    }
    const lastOf = new Map<number, number>();
    const boxTok = (n: number) => token(8, n);
    const prevOf: (number | null)[] = boxes.map(() => null);
    const nextOf: (number | null)[] = boxes.map(() => null);
    boxes.forEach((bx, n) => {
      const p = lastOf.get(bx.agent);
      if (p !== undefined) {
        prevOf[n] = p;
        nextOf[p] = n;
      }
      lastOf.set(bx.agent, n);
    });
    boxes.forEach((bx, n) => {
      const a = scenario.agents[bx.agent]!;
      const pos = P(bx.s);
      boxIns.run(
        boxTok(n),
        token(5, bx.k),
        token(7, bx.agent),
        nextOf[n] === null ? null : boxTok(nextOf[n]!),
        prevOf[n] === null ? null : boxTok(prevOf[n]!),
        pos.x,
        pos.y,
        a.widthM,
        a.lengthM,
        HEIGHT_M[a.kind],
        bx.s.speedMps * Math.cos(bx.s.headingRad),
        bx.s.speedMps * Math.sin(bx.s.headingRad),
        bx.s.headingRad,
      );
    });
    const tlIns = db.prepare('INSERT INTO traffic_light_status VALUES (?, ?, ?, ?)');
    let tl = 0;
    const signalLanes = scenario.signals.flatMap((s) => s.laneIds.map((id) => ({ id, phases: s.phases })));
    for (const s of signalLanes)
      if (!isConn(s.id))
        warnings.push(`signal on lane ${s.id}: nuPlan stores lights per lane connector only; dropped`);
    for (let k = 0; k < rows20; k++) {
      const tS = k * DB_INTERVAL_S;
      for (const s of signalLanes) {
        if (!isConn(s.id)) continue;
        let state: SignalState = s.phases[0]!.state;
        for (const ph of s.phases) if (ph.fromS <= tS + 1e-9) state = ph.state;
        tlIns.run(token(9, tl++), token(5, k), fid(s.id), STATUS[state]);
      }
    }
    const tagIns = db.prepare('INSERT INTO scenario_tag VALUES (?, ?, ?, NULL)');
    // nuPlan challenge mapping [15.0, −3.0]: the window starts 3 s before the tag.
    const tagRow = Math.round(3 / DB_INTERVAL_S);
    for (const [i, t] of scenario.tags.entries()) tagIns.run(token(10, i), token(5, tagRow), t);
  });
  try {
    writeLog();
  } catch (e) {
    return fail('IO_ERROR', dbPath, (e as Error).message);
  } finally {
    db.close();
  }
  return ok({
    dbPath,
    gpkgPath,
    mapRoot,
    laneFid,
    trackToken,
    offsetE,
    offsetN,
    agentTicks,
    logfile,
    warnings,
  });
}
