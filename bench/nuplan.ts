/**
 * nuPlan log read rate, measured side by side in one run (no assertions):
 *   1. importNuplan end to end (one bulk pass over ego_pose ⋈ lidar_pc and lidar_box, then every
 *      scenario_tag window built into a validated Scenario), cold (map read) and with the map cached;
 *   2. a naive reader: one prepared query per lidar_pc row for its ego pose and its boxes (with an
 *      index on lidar_box.lidar_pc_token, or it would scan the table per row);
 *   3. the same rows parsed from JSON (what a scenario-JSON cache would cost).
 * The log is a generated fixture (dense_highway) whose lidar_box table is replicated to a
 * realistic size (nuPlan logs carry tens of boxes per sweep).
 *
 * Run: node --import tsx bench/nuplan.ts
 */

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createNuplanMapCache,
  generateNuplanFixture,
  importNuplan,
  importNuplanWith,
} from '../scenarios/import/nuplan/index.ts';
import { openSqlite } from '../scenarios/import/nuplan/openSqlite.ts';

/** Replicas of each box (dense_highway: 7 agents → ≈ 7 × REPLICAS boxes per sweep). */
const REPLICAS = 8;
const REPEATS = 7;

function best(fn: () => number): { ms: number; rows: number } {
  let ms = Infinity;
  let rows = 0;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    rows = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, rows };
}

export function benchNuplan(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-bench-nuplan-'));
  try {
    const f = generateNuplanFixture('dense_highway', dir);
    if (!f.ok) throw new Error(f.error.message);
    // better-sqlite3 is loaded here, not when bench/run.ts starts: the other sections run without it.
    const opened = openSqlite(f.value.dbPath);
    if (!opened.ok) throw new Error(opened.error.message);
    const db = opened.value;
    // Replicate every track (new track and box tokens, shifted 0.5 m per replica) so the log
    // carries ≈ 7 × REPLICAS agents per sweep, as busy nuPlan logs do.
    const tracks = db.prepare('SELECT * FROM track').all() as Record<string, unknown>[];
    const boxes = db.prepare('SELECT * FROM lidar_box').all() as Record<string, unknown>[];
    const retoken = (t: unknown, r: number) => {
      const b = Buffer.from(t as Buffer);
      b[0] = 0x80 + r; // the generator's table codes are < 0x80: replicas never collide
      return b;
    };
    const insT = db.prepare('INSERT INTO track VALUES (@token, @category_token, @width, @length, @height)');
    const insB = db.prepare(
      'INSERT INTO lidar_box VALUES (@token, @lidar_pc_token, @track_token, NULL, NULL, @x, @y, @z, @width, @length, @height, @vx, @vy, @vz, @yaw, @confidence)',
    );
    db.transaction(() => {
      for (let r = 1; r < REPLICAS; r++) {
        for (const t of tracks) insT.run({ ...t, token: retoken(t.token, r) });
        for (const bx of boxes) {
          insB.run({
            ...bx,
            token: retoken(bx.token, r),
            track_token: retoken(bx.track_token, r),
            x: (bx.x as number) + 0.5 * r,
          });
        }
      }
    })();
    const egoRows = (db.prepare('SELECT count(*) AS n FROM ego_pose').get() as { n: number }).n;
    const boxRows = (db.prepare('SELECT count(*) AS n FROM lidar_box').get() as { n: number }).n;
    db.close();
    const total = egoRows + boxRows;

    // 1. importNuplan (warm the JIT once).
    const run = () => {
      const r = importNuplan(f.value.dbPath, { mapRoot: f.value.mapRoot });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.scenarios.length;
    };
    run();
    const ours = best(run);
    // 1b. The same with the map already cached (a suite over many logs of one city map).
    const cache = createNuplanMapCache();
    const warmRun = () => {
      const r = importNuplanWith(f.value.dbPath, { mapRoot: f.value.mapRoot }, cache);
      if (!r.ok) throw new Error(r.error.message);
      return r.value.scenarios.length;
    };
    warmRun();
    const warm = best(warmRun);

    // 2. Naive: per-row queries, first on the log as written (no index: each query scans
    // lidar_box), then on a copy with an index on lidar_box.lidar_pc_token.
    const naivePath = join(dir, 'naive.db');
    copyFileSync(f.value.dbPath, naivePath);
    const nopened = openSqlite(naivePath);
    if (!nopened.ok) throw new Error(nopened.error.message);
    const ndb = nopened.value;
    const perRow = () => {
      const pcs = ndb.prepare('SELECT token, ego_pose_token FROM lidar_pc ORDER BY timestamp').all() as {
        token: Buffer;
        ego_pose_token: Buffer;
      }[];
      const egoQ = ndb.prepare('SELECT x, y, qw, qx, qy, qz, vx, vy FROM ego_pose WHERE token = ?');
      const boxQ = ndb.prepare(
        'SELECT track_token, x, y, yaw, vx, vy, width, length FROM lidar_box WHERE lidar_pc_token = ?',
      );
      let n = 0;
      for (const pc of pcs) {
        if (egoQ.get(pc.ego_pose_token)) n++;
        n += boxQ.all(pc.token).length;
      }
      return n;
    };
    const t0 = performance.now();
    perRow();
    const unindexedMs = performance.now() - t0;
    ndb.exec('CREATE INDEX idx_lidar_box_lidar_pc_token ON lidar_box(lidar_pc_token)');
    const pcs = ndb.prepare('SELECT token, ego_pose_token FROM lidar_pc ORDER BY timestamp').all() as {
      token: Buffer;
      ego_pose_token: Buffer;
    }[];
    const egoQ = ndb.prepare('SELECT x, y, qw, qx, qy, qz, vx, vy FROM ego_pose WHERE token = ?');
    const boxQ = ndb.prepare(
      'SELECT track_token, x, y, yaw, vx, vy, width, length FROM lidar_box WHERE lidar_pc_token = ?',
    );
    const naive = best(() => {
      let n = 0;
      for (const pc of pcs) {
        if (egoQ.get(pc.ego_pose_token)) n++;
        n += boxQ.all(pc.token).length;
      }
      return n;
    });
    // 3. JSON of the same rows.
    const dump = JSON.stringify({
      ego: ndb.prepare('SELECT x, y, qw, qx, qy, qz, vx, vy, timestamp FROM ego_pose').all(),
      boxes: ndb
        .prepare(
          'SELECT hex(lidar_pc_token) AS pc, hex(track_token) AS track, x, y, yaw, vx, vy, width, length FROM lidar_box',
        )
        .all(),
    });
    ndb.close();
    const json = best(() => {
      const j = JSON.parse(dump) as { ego: unknown[]; boxes: unknown[] };
      return j.ego.length + j.boxes.length;
    });

    const rate = (ms: number) => (total / (ms / 1000) / 1e6).toFixed(2);
    const lines = [
      `nuPlan log read (${egoRows} ego_pose + ${boxRows} lidar_box rows, ${ours.rows} scenarios, best of ${REPEATS}):`,
      '',
      '| reader | ms | Mrows/s | speed vs importNuplan |',
      '|---|---:|---:|---:|',
      `| importNuplan (bulk pass + scenarios + map) | ${ours.ms.toFixed(1)} | ${rate(ours.ms)} | 1.00× |`,
      `| importNuplan, map cached (bulk pass + scenarios) | ${warm.ms.toFixed(1)} | ${rate(warm.ms)} | ${(ours.ms / warm.ms).toFixed(2)}× |`,
      `| naive per-lidar_pc queries, no index (1 run) | ${unindexedMs.toFixed(1)} | ${rate(unindexedMs)} | ${(ours.ms / unindexedMs).toFixed(2)}× |`,
      `| naive per-lidar_pc queries, indexed | ${naive.ms.toFixed(1)} | ${rate(naive.ms)} | ${(ours.ms / naive.ms).toFixed(2)}× |`,
      `| JSON.parse of the same rows (${(dump.length / 1e6).toFixed(1)} MB) | ${json.ms.toFixed(1)} | ${rate(json.ms)} | ${(ours.ms / json.ms).toFixed(2)}× |`,
    ];
    return lines.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(benchNuplan());
