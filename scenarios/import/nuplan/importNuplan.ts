/**
 * nuPlan log database (.db, SQLite) → Scenarios, with the map read from its GeoPackage.
 *
 * One scenario per scenario_tag (type) as nuPlan's challenge mapping extracts it: 15 s starting
 * 3 s before the tag's lidar_pc, the 20 Hz rows subsampled to 0.1 s. The expert is the logged ego
 * (ego_pose is the rear axle, like our EgoState); agents are the lidar_box tracks (box centres)
 * replayed, with their category mapped to our kind (vehicles reactive by IDM); traffic-light
 * status per lane connector becomes signal timelines; the route is the lanes the expert drove.
 * Coordinates: map metres minus the map's 1 km-aligned origin (see readNuplanMap).
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type AgentAttributes,
  type AgentKind,
  fail,
  ok,
  parseWith,
  type Result,
  type RoadMapData,
  type Scenario,
  type ScenarioAgent,
  ScenarioSchema,
  type SignalState,
  type SignalTimeline,
  type TrackPoint,
  VehicleParamsSchema,
} from '../../../core/index.ts';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { coverEgoSpeed, egoSpeeds } from '../EgoTopSpeed.ts';
import { implausible, type Quantity } from '../Plausible.ts';
import type { ImportOptions, ImportResult } from '../types.ts';
import { DB_INTERVAL_S } from './nuplanSchema.ts';
import { openSqlite, type SqliteDatabase } from './openSqlite.ts';
import { type NuplanMap, readNuplanMap } from './readNuplanMap.ts';

/** nuPlan challenge scenario mapping: every type is [15.0 s duration, −3.0 s offset] at 10 Hz. */
export const NUPLAN_SCENARIO_DURATION_S = 15;
export const NUPLAN_SCENARIO_OFFSET_S = -3;
export const NUPLAN_SCENARIO_DT_S = 0.1;
/** Fewest seconds of log a truncated window must still cover to be kept. */
const MIN_WINDOW_S = 2;

const KIND: Record<string, AgentKind> = {
  vehicle: 'vehicle',
  pedestrian: 'pedestrian',
  bicycle: 'cyclist',
  traffic_cone: 'static',
  barrier: 'static',
  czone_sign: 'static',
  generic_object: 'static',
};
/** nuPlan tracked-object category → our subclass (nuPlan has no bus / emergency classes). */
const SUBCLASS: Record<string, AgentAttributes['subclass']> = {
  pedestrian: 'adult',
  bicycle: 'bicycle',
  traffic_cone: 'cone',
  barrier: 'barrier',
  czone_sign: 'barrier',
};
const STATUS: Record<string, SignalState> = {
  green: 'GREEN',
  red: 'RED',
  yellow: 'YELLOW',
  unknown: 'UNKNOWN',
};

/** Columns the reader needs, per table (a missing one is reported by name). */
const NEEDED: Record<string, string[]> = {
  log: ['token', 'logfile', 'location', 'map_version'],
  ego_pose: [
    'token',
    'timestamp',
    'x',
    'y',
    'qw',
    'qx',
    'qy',
    'qz',
    'vx',
    'vy',
    'acceleration_x',
    'angular_rate_z',
  ],
  lidar_pc: ['token', 'ego_pose_token', 'timestamp'],
  lidar_box: ['lidar_pc_token', 'track_token', 'x', 'y', 'yaw', 'vx', 'vy', 'width', 'length'],
  track: ['token', 'category_token'],
  category: ['token', 'name'],
  scenario_tag: ['lidar_pc_token', 'type'],
  traffic_light_status: ['lidar_pc_token', 'lane_connector_id', 'status'],
};

/** Maps read once per GeoPackage path (a city map serves every log recorded there). */
export type NuplanMapCache = Map<string, Result<NuplanMap & { roadMap: RoadMap }>>;

export function createNuplanMapCache(): NuplanMapCache {
  return new Map();
}

/** Yaw of a quaternion (w, x, y, z), rad. */
export function quaternionYaw(qw: number, qx: number, qy: number, qz: number): number {
  return Math.atan2(2 * (qw * qz + qx * qy), 1 - 2 * (qy * qy + qz * qz));
}

function mapCandidates(root: string, names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    out.push(join(root, `${n}.gpkg`), join(root, n, 'map.gpkg'));
    const dir = join(root, n);
    if (existsSync(dir) && statSync(dir).isDirectory()) {
      for (const v of readdirSync(dir).sort().reverse()) out.push(join(dir, v, 'map.gpkg'));
    }
  }
  return out;
}

function loadMap(gpkg: string, cache: NuplanMapCache): Result<NuplanMap & { roadMap: RoadMap }> {
  const hit = cache.get(gpkg);
  if (hit) return hit;
  const m = readNuplanMap(gpkg);
  let r: Result<NuplanMap & { roadMap: RoadMap }>;
  if (!m.ok) r = m;
  else {
    const rm = RoadMap.fromData(m.value.map, gpkg);
    r = rm.ok ? ok({ ...m.value, map: rm.value.data, roadMap: rm.value }) : rm;
  }
  cache.set(gpkg, r);
  return r;
}

interface LogRows {
  ts: Float64Array;
  x: Float64Array;
  y: Float64Array;
  h: Float64Array;
  vx: Float64Array;
  vy: Float64Array;
  ax: Float64Array;
  yawRate: Float64Array;
  /** lidar_pc rowid → row index (integers: no per-row token allocation in the box pass). */
  pcIndex: Map<number, number>;
}

function readEgo(db: SqliteDatabase): LogRows {
  const rows = db
    .prepare(
      `SELECT lp.rowid, lp.timestamp, e.x, e.y, e.qw, e.qx, e.qy, e.qz, e.vx, e.vy, e.acceleration_x, e.angular_rate_z
       FROM lidar_pc lp JOIN ego_pose e ON e.token = lp.ego_pose_token ORDER BY lp.timestamp`,
    )
    .raw()
    .all() as unknown[][];
  const n = rows.length;
  const out: LogRows = {
    ts: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    h: new Float64Array(n),
    vx: new Float64Array(n),
    vy: new Float64Array(n),
    ax: new Float64Array(n),
    yawRate: new Float64Array(n),
    pcIndex: new Map(),
  };
  rows.forEach((r, i) => {
    out.pcIndex.set(Number(r[0]), i);
    out.ts[i] = Number(r[1]);
    out.x[i] = Number(r[2]);
    out.y[i] = Number(r[3]);
    out.h[i] = quaternionYaw(Number(r[4]), Number(r[5]), Number(r[6]), Number(r[7]));
    out.vx[i] = Number(r[8] ?? 0);
    out.vy[i] = Number(r[9] ?? 0);
    out.ax[i] = Number(r[10] ?? 0);
    out.yawRate[i] = Number(r[11] ?? 0);
  });
  return out;
}

/** The first ego_pose value (in lidar_pc order) that is no coordinate / speed (Plausible.ts), naming its column. */
function implausibleEgo(ego: LogRows): { where: string; why: string } | undefined {
  const cols: [string, Float64Array, Quantity][] = [
    ['x', ego.x, 'coordinate'],
    ['y', ego.y, 'coordinate'],
    ['vx', ego.vx, 'speed'],
    ['vy', ego.vy, 'speed'],
  ];
  for (let i = 0; i < ego.ts.length; i++)
    for (const [name, col, kind] of cols) {
      const why = implausible(col[i]!, kind);
      if (why) return { where: `ego_pose (of lidar_pc row ${i} by timestamp).${name}`, why };
    }
  return undefined;
}

/** Index of the row nearest `tUs` in sorted `ts`, or −1 when none lies within `tolUs`. */
function nearest(ts: Float64Array, tUs: number, tolUs: number): number {
  let lo = 0;
  let hi = ts.length - 1;
  if (hi < 0) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! <= tUs) lo = mid;
    else hi = mid;
  }
  const best = Math.abs(ts[lo]! - tUs) <= Math.abs(ts[hi]! - tUs) ? lo : hi;
  return Math.abs(ts[best]! - tUs) <= tolUs ? best : -1;
}

interface Box {
  /** track rowid (−1: no track). */
  track: number;
  x: number;
  y: number;
  yaw: number;
  speed: number;
  w: number;
  l: number;
}

/**
 * Boxes per lidar_pc row index, for the rows in `needed` only: one pass over lidar_box, joined by
 * primary key to lidar_pc and track so that each row carries integers, not token blobs.
 */
export function readBoxes(db: SqliteDatabase, ego: LogRows, needed: Set<number>): Map<number, Box[]> {
  const out = new Map<number, Box[]>();
  const stmt = db
    .prepare(
      `SELECT lp.rowid, t.rowid, lb.x, lb.y, lb.yaw, lb.vx, lb.vy, lb.width, lb.length
       FROM lidar_box lb JOIN lidar_pc lp ON lp.token = lb.lidar_pc_token LEFT JOIN track t ON t.token = lb.track_token`,
    )
    .raw();
  for (const r of stmt.iterate() as Iterable<unknown[]>) {
    const row = ego.pcIndex.get(r[0] as number);
    if (row === undefined || !needed.has(row)) continue;
    let list = out.get(row);
    if (!list) {
      list = [];
      out.set(row, list);
    }
    const vx = (r[5] as number | null) ?? 0;
    const vy = (r[6] as number | null) ?? 0;
    list.push({
      track: (r[1] as number | null) ?? -1,
      x: r[2] as number,
      y: r[3] as number,
      yaw: r[4] as number,
      speed: Math.hypot(vx, vy),
      w: r[7] as number,
      l: r[8] as number,
    });
  }
  return out;
}

function checkSchema(db: SqliteDatabase): Result<true> {
  for (const [table, cols] of Object.entries(NEEDED)) {
    const have = new Set(
      (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
    );
    if (have.size === 0)
      return fail('INVALID_INPUT', `table ${table}`, 'missing (not a nuPlan log database?)');
    for (const c of cols) if (!have.has(c)) return fail('INVALID_INPUT', `${table}.${c}`, 'column missing');
  }
  return ok(true);
}

/**
 * Imports the scenarios of one nuPlan log. opts.mapRoot (or opts.mapPath: a .gpkg, or the maps root) locates the
 * map: `<mapRoot>/<map_version|location>/<version>/map.gpkg` (newest version), `<mapRoot>/<name>.gpkg`;
 * defaults to `<db dir>/maps`. opts.scenarioTypes filters tags, opts.limit caps the count, opts.id
 * picks a scenario by id or lidar_pc token.
 */
export function importNuplan(path: string, opts: ImportOptions = {}): Result<ImportResult> {
  return importNuplanWith(path, opts, createNuplanMapCache());
}

export function importNuplanWith(
  path: string,
  opts: ImportOptions,
  cache: NuplanMapCache,
): Result<ImportResult> {
  const opened = openSqlite(path, { readonly: true, fileMustExist: true });
  if (!opened.ok) return opened;
  const db = opened.value;
  try {
    return readLog(db, path, opts, cache);
  } catch (e) {
    const msg = (e as Error).message;
    return fail(
      /not a database|malformed|disk image/i.test(msg) ? 'PARSE_ERROR' : 'INVALID_INPUT',
      path,
      msg,
    );
  } finally {
    db.close();
  }
}

function readLog(
  db: SqliteDatabase,
  path: string,
  opts: ImportOptions,
  cache: NuplanMapCache,
): Result<ImportResult> {
  const schema = checkSchema(db);
  if (!schema.ok) return fail(schema.error.code, `${path}:${schema.error.path}`, schema.error.message);
  const log = db.prepare('SELECT logfile, location, map_version FROM log LIMIT 1').get() as
    | { logfile: string; location: string; map_version: string }
    | undefined;
  if (!log) return fail('INVALID_INPUT', `${path}:log`, 'no log row');
  const logfile = log.logfile || basename(path).replace(/\.db$/, '');
  // opts.mapPath may name the .gpkg itself or, like opts.mapRoot, the maps root.
  const mapPathIsDir =
    opts.mapPath !== undefined && existsSync(opts.mapPath) && statSync(opts.mapPath).isDirectory();
  let gpkg = mapPathIsDir ? undefined : opts.mapPath;
  if (!gpkg) {
    const root = opts.mapRoot ?? (mapPathIsDir ? opts.mapPath! : join(dirname(path), 'maps'));
    const names = [...new Set([log.map_version, log.location].filter(Boolean))];
    const cands = mapCandidates(root, names);
    gpkg = cands.find((c) => existsSync(c));
    if (!gpkg) {
      return fail(
        'NOT_FOUND',
        'log.map_version',
        `no map for "${names.join('" / "')}" under ${root} (looked for ${[...new Set(names.flatMap((n) => [`${n}.gpkg`, `${n}/map.gpkg`, `${n}/<version>/map.gpkg`]))].join(', ')}; nuPlan's layout is <maps root>/<location>/<version>/map.gpkg). Pass the maps root with --map <maps root> (or the .gpkg itself); without the dataset, data/nuplan/README.md shows how to generate a log and its map (generateNuplanFixture)`,
      );
    }
  }
  const m = loadMap(gpkg, cache);
  if (!m.ok) return m;
  const { originE, originN, roadMap } = m.value;
  const warnings = [...m.value.warnings];
  const ego = readEgo(db);
  if (ego.ts.length < 2)
    return fail('INVALID_INPUT', `${path}:lidar_pc`, 'fewer than two lidar_pc rows joined to ego_pose');
  const badPose = implausibleEgo(ego);
  if (badPose) return fail('INVALID_INPUT', `${path}:${badPose.where}`, badPose.why);
  const types = opts.scenarioTypes && opts.scenarioTypes.length > 0 ? new Set(opts.scenarioTypes) : undefined;
  const tags = (
    db
      .prepare(
        'SELECT lower(hex(st.lidar_pc_token)) AS pc, lp.rowid AS rid, st.type AS type, lower(hex(lp.scene_token)) AS scene FROM scenario_tag st JOIN lidar_pc lp ON lp.token = st.lidar_pc_token',
      )
      .all() as { pc: string; rid: number; type: string; scene: string | null }[]
  )
    .filter((t) => !types || types.has(t.type))
    .map((t) => ({ ...t, row: ego.pcIndex.get(t.rid) ?? -1 }))
    .filter((t) => t.row >= 0)
    .sort((a, b) => a.row - b.row || (a.type < b.type ? -1 : 1));
  const steps = Math.round(NUPLAN_SCENARIO_DURATION_S / NUPLAN_SCENARIO_DT_S);
  const tolUs = (DB_INTERVAL_S / 2 + 0.005) * 1e6;
  const windows: { tag: (typeof tags)[number]; rows: number[]; id: string }[] = [];
  for (const tag of tags) {
    // File-name safe (run logs are written as <scenario id>.json).
    const id = `${logfile}-${tag.type}-${tag.pc}`;
    if (opts.id && opts.id !== id && opts.id !== tag.pc) continue;
    if (opts.limit !== undefined && windows.length >= opts.limit) break;
    const t0 = Math.max(ego.ts[0]!, ego.ts[tag.row]! + NUPLAN_SCENARIO_OFFSET_S * 1e6);
    const rows: number[] = [];
    for (let k = 0; k <= steps; k++) {
      const r = nearest(ego.ts, t0 + k * NUPLAN_SCENARIO_DT_S * 1e6, tolUs);
      if (r < 0) break;
      rows.push(r);
    }
    if ((rows.length - 1) * NUPLAN_SCENARIO_DT_S < MIN_WINDOW_S) {
      warnings.push(`${id}: only ${rows.length} samples of log in its window: skipped`);
      continue;
    }
    windows.push({ tag, rows, id });
  }
  const needed = new Set(windows.flatMap((w) => w.rows));
  const boxes = needed.size > 0 ? readBoxes(db, ego, needed) : new Map<number, Box[]>();
  const trackInfo = new Map(
    (
      db
        .prepare(
          'SELECT t.rowid AS rid, lower(hex(t.token)) AS tok, c.name AS c FROM track t LEFT JOIN category c ON c.token = t.category_token',
        )
        .all() as { rid: number; tok: string; c: string | null }[]
    ).map((r) => [r.rid, r]),
  );
  const lights = new Map<number, Map<string, SignalState>>();
  if (needed.size > 0) {
    const stmt = db
      .prepare(
        'SELECT lp.rowid, tls.lane_connector_id, tls.status FROM traffic_light_status tls JOIN lidar_pc lp ON lp.token = tls.lidar_pc_token',
      )
      .raw();
    for (const r of stmt.iterate() as Iterable<unknown[]>) {
      const row = ego.pcIndex.get(r[0] as number);
      if (row === undefined || !needed.has(row)) continue;
      const perRow = lights.get(row) ?? new Map<string, SignalState>();
      perRow.set(String(r[1]), STATUS[String(r[2]).toLowerCase()] ?? 'UNKNOWN');
      lights.set(row, perRow);
    }
  }
  // Scenes: the mission's roadblocks (route) and goal pose.
  const scenes = new Map<
    string,
    { roadblocks: string[]; goal?: { x: number; y: number; headingRad: number } }
  >();
  const sceneCols = new Set(
    (db.prepare('PRAGMA table_info(scene)').all() as { name: string }[]).map((c) => c.name),
  );
  if (sceneCols.has('roadblock_ids') && sceneCols.has('goal_ego_pose_token')) {
    const rows = db
      .prepare(
        'SELECT lower(hex(s.token)) AS tok, s.roadblock_ids AS rb, e.x AS x, e.y AS y, e.qw AS qw, e.qx AS qx, e.qy AS qy, e.qz AS qz FROM scene s LEFT JOIN ego_pose e ON e.token = s.goal_ego_pose_token',
      )
      .all() as {
      tok: string;
      rb: string | null;
      x: number | null;
      y: number | null;
      qw: number;
      qx: number;
      qy: number;
      qz: number;
    }[];
    for (const r of rows) {
      scenes.set(r.tok, {
        roadblocks: (r.rb ?? '')
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
        ...(r.x !== null && r.y !== null
          ? {
              goal: { x: r.x - originE, y: r.y - originN, headingRad: quaternionYaw(r.qw, r.qx, r.qy, r.qz) },
            }
          : {}),
      });
    }
  }
  const scenarios: Scenario[] = [];
  let unknownCat = 0;
  let unknownConn = 0;
  for (const w of windows) {
    const expert: TrackPoint[] = w.rows.map((r, k) => ({
      tS: Math.round(k * NUPLAN_SCENARIO_DT_S * 1e6) / 1e6,
      x: ego.x[r]! - originE,
      y: ego.y[r]! - originN,
      headingRad: ego.h[r]!,
      speedMps: Math.hypot(ego.vx[r]!, ego.vy[r]!),
    }));
    const r0 = w.rows[0]!;
    // Agents: one replay track per lidar_box track over the window's samples.
    const tracks = new Map<number, { pts: TrackPoint[]; w: number; l: number }>();
    w.rows.forEach((r, k) => {
      for (const bx of boxes.get(r) ?? []) {
        const t = tracks.get(bx.track) ?? { pts: [], w: bx.w, l: bx.l };
        t.pts.push({
          tS: expert[k]!.tS,
          x: bx.x - originE,
          y: bx.y - originN,
          headingRad: bx.yaw,
          speedMps: bx.speed,
        });
        tracks.set(bx.track, t);
      }
    });
    const agents: ScenarioAgent[] = [];
    for (const [rid, t] of tracks) {
      const info = trackInfo.get(rid);
      const tok = info?.tok ?? `box-track-${rid}`;
      const cat = info?.c ?? undefined;
      const kind = cat !== undefined ? KIND[cat] : undefined;
      if (kind === undefined) unknownCat++;
      const k: AgentKind = kind ?? 'static';
      const p0 = t.pts[0]!;
      const base = {
        id: tok,
        kind: k,
        lengthM: Math.max(0.1, t.l),
        widthM: Math.max(0.1, t.w),
        start: { x: p0.x, y: p0.y, headingRad: p0.headingRad, speedMps: p0.speedMps },
        ...(cat !== undefined && SUBCLASS[cat] ? { attributes: { subclass: SUBCLASS[cat] } } : {}),
      };
      agents.push(
        k === 'static'
          ? {
              ...base,
              start: { ...base.start, speedMps: 0 },
              behavior: { type: 'static' },
              reactive: 'replay',
            }
          : {
              ...base,
              behavior: { type: 'replay', track: t.pts },
              reactive: k === 'vehicle' ? 'idm' : 'replay',
            },
      );
    }
    // Signals: the status each connector reports at each sample (held when a sweep omits it).
    const perLane = new Map<string, SignalTimeline['phases']>();
    w.rows.forEach((r, k) => {
      for (const [lane, state] of lights.get(r) ?? []) {
        if (!roadMap.lane(lane)) {
          unknownConn++;
          continue;
        }
        const ph = perLane.get(lane) ?? (k > 0 ? [{ fromS: 0, state: 'UNKNOWN' as SignalState }] : []);
        if (ph.length === 0 || ph[ph.length - 1]!.state !== state) ph.push({ fromS: expert[k]!.tS, state });
        perLane.set(lane, ph);
      }
    });
    const grouped = new Map<string, SignalTimeline>();
    for (const [lane, phases] of perLane) {
      const key = JSON.stringify(phases);
      const g = grouped.get(key);
      if (g) g.laneIds.push(lane);
      else grouped.set(key, { laneIds: [lane], phases });
    }
    const scene = w.tag.scene ? scenes.get(w.tag.scene) : undefined;
    const laneIds = routeOf(roadMap, expert, scene?.roadblocks ?? []);
    if (laneIds.length === 0) {
      warnings.push(`${w.id}: the expert is on no lane of the map: skipped`);
      continue;
    }
    const last = expert[expert.length - 1]!;
    const goal = scene?.goal ?? { x: last.x, y: last.y, headingRad: last.headingRad };
    // nuPlan's vehicle model has no top speed: a log driven above ours (a freeway) raises it.
    const covered = coverEgoSpeed(VehicleParamsSchema.parse({}), w.id, egoSpeeds(ego.vx[r0]!, expert));
    if (covered.warning) warnings.push(covered.warning);
    const draft = {
      formatVersion: 1 as const,
      id: w.id,
      description: `nuPlan ${w.tag.type} in log ${logfile} at lidar_pc ${w.tag.pc}`,
      tags: [w.tag.type, 'nuplan'],
      map: { kind: 'file' as const, path: gpkg, format: 'nuplan-gpkg' },
      vehicle: covered.vehicle,
      egoStart: {
        tS: 0,
        x: expert[0]!.x,
        y: expert[0]!.y,
        headingRad: expert[0]!.headingRad,
        speedMps: ego.vx[r0]!,
        accelMps2: ego.ax[r0]!,
        steerRad: 0,
        yawRateRadps: ego.yawRate[r0]!,
      },
      route: { laneIds, goal },
      expert,
      agents,
      signals: [...grouped.values()],
      durationS: Math.round((expert.length - 1) * NUPLAN_SCENARIO_DT_S * 1e6) / 1e6,
      dtS: NUPLAN_SCENARIO_DT_S,
      source: {
        origin: `nuplan:${path}#${w.tag.pc}`,
        license: 'nuPlan dataset terms (Motional) unless generated',
        // lidar_pc timestamps are µs since the Unix epoch (nuplan-devkit)
        startUnixS: ego.ts[r0]! / 1e6,
      },
    };
    const parsed = parseWith(ScenarioSchema, draft, `${path}:${w.id}`);
    if (!parsed.ok) return parsed;
    scenarios.push(parsed.value);
  }
  if (opts.id && windows.length === 0) {
    // name the tokens there are (review ux19 #27): the id is a scenario_tag's lidar_pc token
    const pcs = [...new Set(tags.map((t) => t.pc))];
    return fail(
      'NOT_FOUND',
      `${path}:scenario_tag`,
      `no scenario "${opts.id}" in this log: the id is the lidar_pc token of a scenario_tag (or <log>-<type>-<token>); ${pcs.length} here${pcs.length > 0 ? `, the first: ${pcs.slice(0, 5).join(', ')}${pcs.length > 5 ? ', …' : ''}` : ''}`,
    );
  }
  if (opts.id && scenarios.length === 0)
    return fail(
      'NOT_FOUND',
      `${path}:scenario_tag`,
      `scenario "${opts.id}" not imported: ${warnings.join('; ') || 'no reason recorded'}`,
    );
  if (unknownCat > 0) warnings.push(`${unknownCat} tracks with an unknown category: static`);
  if (unknownConn > 0)
    warnings.push(`${unknownConn} traffic-light statuses for lane connectors not in the map: ignored`);
  return ok({ map: m.value.map as RoadMapData, scenarios, unsupported: [], warnings });
}

/**
 * The route: the lanes the expert drives, in order (consecutive duplicates removed, gaps bridged by
 * routing; lanes of the scene's roadblocks preferred), then extended along successors that stay in
 * the scene's roadblocks (nuPlan's mission route, `scene.roadblock_ids`, lists lane groups and
 * lane-group connectors, which are our lanes' roadId).
 */
function routeOf(map: RoadMap, expert: TrackPoint[], roadblocks: string[]): string[] {
  const inRoute = new Set(roadblocks);
  const routeLanes =
    inRoute.size > 0 ? map.lanes.filter((l) => inRoute.has(l.data.roadId ?? '')).map((l) => l.data.id) : [];
  const seq: string[] = [];
  for (const p of expert) {
    const cur = seq[seq.length - 1];
    const cands = cur
      ? [cur, ...map.mustLane(cur).data.successors]
      : routeLanes.length > 0
        ? routeLanes
        : undefined;
    const loc = map.locate(p.x, p.y, p.headingRad, 3, cands);
    if (!loc || loc.laneId === cur) continue;
    if (cur && map.relation(cur, loc.laneId) === 'none') {
      const r = map.route(cur, loc.laneId);
      if (r.ok) {
        seq.push(...r.value.slice(1));
        continue;
      }
    }
    seq.push(loc.laneId);
  }
  // Extend along the mission's roadblocks beyond the window (bounded: a roadblock list is finite).
  for (let guard = 0; seq.length > 0 && guard < roadblocks.length; guard++) {
    const cur = map.mustLane(seq[seq.length - 1]!);
    const next = cur.data.successors.find(
      (id) => inRoute.has(map.mustLane(id).data.roadId ?? '') && !seq.includes(id),
    );
    if (!next) break;
    seq.push(next);
  }
  return seq;
}

export interface NuplanListOptions {
  mapRoot?: string;
  scenarioTypes?: string[];
  limit?: number;
}

export interface NuplanScenarioSet {
  scenarios: Scenario[];
  /** Maps by GeoPackage path (scenario.map.path). */
  maps: Map<string, RoadMap>;
  warnings: string[];
}

/**
 * Every scenario in a folder of nuPlan logs (or one .db), in file-name order, up to `limit`.
 * Maps are read once per GeoPackage. This is what `edgeplan eval nuplan:<db dir> --map-root …
 * --scenario-types … --limit N` enumerates.
 */
export function listNuplanScenarios(dbDir: string, o: NuplanListOptions = {}): Result<NuplanScenarioSet> {
  let files: string[];
  try {
    files = statSync(dbDir).isDirectory()
      ? readdirSync(dbDir)
          .filter((f) => f.endsWith('.db'))
          .sort()
          .map((f) => join(dbDir, f))
      : [dbDir];
  } catch (e) {
    return fail('IO_ERROR', dbDir, (e as Error).message);
  }
  if (files.length === 0) return fail('NOT_FOUND', dbDir, 'no .db files');
  const cache = createNuplanMapCache();
  const out: NuplanScenarioSet = { scenarios: [], maps: new Map(), warnings: [] };
  for (const f of files) {
    const left = o.limit === undefined ? undefined : o.limit - out.scenarios.length;
    if (left !== undefined && left <= 0) break;
    const r = importNuplanWith(f, { mapRoot: o.mapRoot, scenarioTypes: o.scenarioTypes, limit: left }, cache);
    if (!r.ok) return r;
    out.scenarios.push(...r.value.scenarios);
    out.warnings.push(...r.value.warnings.map((w) => `${basename(f)}: ${w}`));
  }
  for (const [path, m] of cache) if (m.ok) out.maps.set(path, m.value.roadMap);
  return ok(out);
}

/** A scenario reference a worker can resolve: `nuplan:<db>#<scenario id>` plus the map root. */
export function nuplanRef(dbPath: string, scenarioId: string, mapRoot?: string): string {
  return `nuplan:${dbPath}#${scenarioId}${mapRoot ? `@@${mapRoot}` : ''}`;
}

/** Resolves a `nuplanRef` to its scenario and map (cache optional: pass one per worker). */
export function loadNuplanRef(
  ref: string,
  cache: NuplanMapCache = createNuplanMapCache(),
): Result<{ scenario: Scenario; map: RoadMap }> {
  const m = /^nuplan:(.+?)#(.+?)(?:@@(.+))?$/.exec(ref);
  if (!m) return fail('INVALID_INPUT', ref, 'expected nuplan:<db>#<scenario id>[@@<map root>]');
  const r = importNuplanWith(m[1]!, { id: m[2]!, mapRoot: m[3] }, cache);
  if (!r.ok) return r;
  const scenario = r.value.scenarios[0]!;
  const map = cache.get(scenario.map.kind === 'file' ? scenario.map.path : '');
  if (!map?.ok) return fail('NOT_FOUND', ref, 'map not loaded');
  return ok({ scenario, map: map.value.roadMap });
}
