import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SignalTimeline } from '../../../core/index.ts';
import { builtinScenario } from '../../builtin/index.ts';
import {
  generateNuplanFixture,
  importNuplan,
  listNuplanScenarios,
  loadNuplanRef,
  type NuplanFixture,
  nuplanRef,
  quaternionYaw,
  readNuplanMap,
} from './index.ts';

const EPS = 1e-6;

/** One fixture per built-in scenario for the whole file (the tests only read it). */
const fixtures = new Map<string, NuplanFixture>();
function fixture(id: string): NuplanFixture {
  const known = fixtures.get(id);
  if (known) return known;
  const f = generateNuplanFixture(id, mkdtempSync(join(tmpdir(), `nuplan-${id}-`)));
  if (!f.ok) throw new Error(JSON.stringify(f.error));
  fixtures.set(id, f.value);
  return f.value;
}

function mustImport(f: NuplanFixture, extra = {}) {
  const r = importNuplan(f.dbPath, { mapRoot: f.mapRoot, ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

/** Built-in phases as nuPlan stores them: no yellow (written red), repeated states merged. */
function asNuplan(phases: SignalTimeline['phases']): SignalTimeline['phases'] {
  const out: SignalTimeline['phases'] = [];
  for (const p of phases) {
    const state = p.state === 'YELLOW' ? 'RED' : p.state;
    if (out.length === 0 || out[out.length - 1]!.state !== state) out.push({ fromS: p.fromS, state });
  }
  return out;
}

describe.each(['red_light', 'cut_in', 'crosswalk_pedestrian'])('nuPlan round trip of %s', (id) => {
  const f = fixture(id);
  const b = builtinScenario(id)!;
  const res = mustImport(f);
  const mapR = readNuplanMap(f.gpkgPath);
  if (!mapR.ok) throw new Error(JSON.stringify(mapR.error));
  const dx = f.offsetE - mapR.value.originE;
  const dy = f.offsetN - mapR.value.originN;
  const lane = (builtinId: string) => res.map!.lanes.find((l) => l.id === f.laneFid[builtinId])!;
  const fid = (builtinId: string) => f.laneFid[builtinId]!;

  it('keeps every lane centreline point (shifted by offset − origin)', () => {
    for (const l of b.map.data.lanes) {
      const got = lane(l.id).centerline;
      expect(got.length).toBe(l.centerline.length);
      l.centerline.forEach((p, i) => {
        expect(got[i]!.x).toBeCloseTo(p.x + dx, 6);
        expect(got[i]!.y).toBeCloseTo(p.y + dy, 6);
      });
    }
  });

  it('recovers lane widths from polygon area / baseline length within 1 %', () => {
    for (const l of b.map.data.lanes) expect(Math.abs(lane(l.id).widthM / l.widthM - 1)).toBeLessThan(0.01);
  });

  it('keeps speed limits, successors and predecessors', () => {
    for (const l of b.map.data.lanes) {
      const g = lane(l.id);
      expect(g.speedLimitMps).toBeCloseTo(l.speedLimitMps, 9);
      expect([...g.successors].sort()).toEqual(l.successors.map(fid).sort());
      expect([...g.predecessors].sort()).toEqual(l.predecessors.map(fid).sort());
    }
  });

  it('keeps same-direction neighbours through lane groups and lane_index', () => {
    for (const l of b.map.data.lanes) {
      const g = lane(l.id);
      expect(g.left?.laneId).toBe(l.left && !l.left.opposite ? fid(l.left.laneId) : undefined);
      expect(g.right?.laneId).toBe(l.right && !l.right.opposite ? fid(l.right.laneId) : undefined);
    }
  });

  it("reads the lanes' markings from boundaries.boundary_type_fid (0 broken, 2 solid; others the default)", () => {
    const broken = (k: string) =>
      k === 'dashed' ? 'broken' : k === 'solid' || k === 'curb' ? 'solid' : undefined;
    let seen = 0;
    for (const l of b.map.data.lanes) {
      const g = lane(l.id);
      if (l.junctionId !== undefined && l.predecessors.length === 1 && l.successors.length === 1) continue;
      for (const [marks, kind] of [
        [g.leftMarks, l.leftBoundary],
        [g.rightMarks, l.rightBoundary],
      ] as const) {
        const want = broken(kind);
        expect(marks?.[0]?.type).toBe(want);
        if (want) seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('keeps crosswalks, stop lines and junction polygons', () => {
    expect(res.map!.crosswalks.length).toBe(b.map.data.crosswalks.length);
    b.map.data.crosswalks.forEach((c, i) => {
      const got = res.map!.crosswalks[i]!.polygon;
      for (const [k, p] of c.polygon.entries()) {
        expect(got[k]!.x - dx).toBeCloseTo(p.x, 6);
        expect(got[k]!.y - dy).toBeCloseTo(p.y, 6);
      }
    });
    expect(res.map!.stopLines.map((s) => [s.laneId, Number(s.sM.toFixed(6)), s.kind])).toEqual(
      b.map.data.stopLines.map((s) => [fid(s.laneId), s.sM, s.kind]),
    );
    expect(res.map!.junctions.length).toBe(b.map.data.junctions.length);
    for (const l of b.map.data.lanes)
      expect(lane(l.id).junctionId !== undefined).toBe(l.junctionId !== undefined);
  });

  it('makes one scenario per scenario tag, in nuPlan’s 15 s window at 0.1 s', () => {
    expect(res.scenarios.map((s) => s.tags[0]).sort()).toEqual([...b.scenario.tags].sort());
    for (const s of res.scenarios) {
      expect(s.durationS).toBe(15);
      expect(s.expert.length).toBe(151);
    }
  });

  it("carries the log's time of the scenario's first lidar_pc as source.startUnixS (review ux21 #5)", () => {
    // the generator's default log start, 2021-05-12T22:00:38Z; windows start on a lidar_pc (20 Hz)
    const logStartS = 1_620_856_838;
    for (const s of res.scenarios) {
      const t = s.source.startUnixS!;
      expect(t).toBeGreaterThanOrEqual(logStartS);
      expect(t).toBeLessThan(logStartS + 3600);
      expect(Math.abs((t - logStartS) * 20 - Math.round((t - logStartS) * 20))).toBeLessThan(1e-3);
    }
  });

  it('replays the logged ego (rear axle) as the expert, field by field', () => {
    const s = res.scenarios[0]!;
    b.scenario.expert.forEach((p, i) => {
      const g = s.expert[i]!;
      expect(g.tS).toBeCloseTo(p.tS, 9);
      expect(g.x - dx).toBeCloseTo(p.x, 6);
      expect(g.y - dy).toBeCloseTo(p.y, 6);
      expect(
        Math.abs(Math.atan2(Math.sin(g.headingRad - p.headingRad), Math.cos(g.headingRad - p.headingRad))),
      ).toBeLessThan(EPS);
      expect(g.speedMps).toBeCloseTo(p.speedMps, 6);
    });
    expect(s.egoStart.x - dx).toBeCloseTo(b.scenario.expert[0]!.x, 6);
    expect(s.egoStart.speedMps).toBeCloseTo(b.scenario.expert[0]!.speedMps, 6);
  });

  it('replays every agent track (box centres, kinds, sizes) field by field', () => {
    const s = res.scenarios[0]!;
    const kindOf = {
      vehicle: 'vehicle',
      pedestrian: 'pedestrian',
      cyclist: 'cyclist',
      robot: 'static',
      static: 'static',
    };
    const seen = new Set(f.agentTicks.flatMap((t) => t.agents.map((a) => a.id)));
    expect(s.agents.length).toBe(seen.size);
    for (const spec of b.scenario.agents.filter((a) => seen.has(a.id))) {
      const got = s.agents.find((a) => a.id === f.trackToken[spec.id])!;
      expect(got.kind).toBe(kindOf[spec.kind]);
      expect([got.lengthM, got.widthM]).toEqual([spec.lengthM, spec.widthM]);
      if (got.behavior.type !== 'replay') continue;
      const track = got.behavior.track;
      for (const tick of f.agentTicks) {
        const a = tick.agents.find((x) => x.id === spec.id);
        const p = track.find((q) => Math.abs(q.tS - tick.tS) < 1e-6);
        expect(p !== undefined).toBe(a !== undefined);
        if (!a || !p) continue;
        expect(p.x - dx).toBeCloseTo(a.x, 6);
        expect(p.y - dy).toBeCloseTo(a.y, 6);
        expect(p.speedMps).toBeCloseTo(a.speedMps, 6);
      }
    }
  });

  it('turns per-connector light status into the same signal timelines', () => {
    const s = res.scenarios[0]!;
    for (const t of b.scenario.signals) {
      for (const laneId of t.laneIds) {
        const got = s.signals.find((g) => g.laneIds.includes(fid(laneId)));
        expect(got?.phases).toEqual(asNuplan(t.phases));
      }
    }
    expect(s.signals.reduce((a, g) => a + g.laneIds.length, 0)).toBe(
      b.scenario.signals.reduce((a, t) => a + t.laneIds.length, 0),
    );
  });

  it('recovers the built-in route from the driven lanes and the scene roadblocks', () => {
    expect(res.scenarios[0]!.route.laneIds).toEqual(b.scenario.route.laneIds.map(fid));
  });

  it('takes the goal from the scene’s goal ego pose (the last logged pose)', () => {
    const g = res.scenarios[0]!.route.goal!;
    const last = b.scenario.expert.at(-1)!;
    expect(g.x - dx).toBeCloseTo(last.x, 6);
    expect(g.y - dy).toBeCloseTo(last.y, 6);
  });
});

describe('importNuplan options and refs', () => {
  const f = fixture('red_light');

  it('keeps only the requested scenario types', () => {
    const r = mustImport(f, { scenarioTypes: ['traffic_light'] });
    expect(r.scenarios.map((s) => s.tags[0])).toEqual(['traffic_light']);
  });

  it('caps the scenario count with limit', () => {
    expect(mustImport(f, { limit: 1 }).scenarios.length).toBe(1);
  });

  it('lists scenarios of a folder of logs with one map per GeoPackage', () => {
    const r = listNuplanScenarios(join(f.dbPath, '..'), {
      mapRoot: f.mapRoot,
      scenarioTypes: ['traffic_light'],
      limit: 5,
    });
    expect(r.ok && r.value.scenarios.length).toBe(1);
    expect(r.ok && [...r.value.maps.keys()]).toEqual([f.gpkgPath]);
  });

  it('accepts the maps root as mapPath (loadScenario passes --map there)', () => {
    const r = importNuplan(f.dbPath, { mapPath: f.mapRoot, limit: 1 });
    expect(r.ok && r.value.scenarios.length).toBe(1);
  });

  it('gives file-name safe scenario ids: <logfile>-<type>-<lidar_pc token>', () => {
    const s = mustImport(f, { scenarioTypes: ['traffic_light'] }).scenarios[0]!;
    expect(s.id).toMatch(/^2021\.05\.12\.22\.00\.38_edgeplan_red_light-traffic_light-[0-9a-f]{16}$/);
  });

  it('an unknown id is not found, naming the lidar_pc tokens there are (review ux19 #27)', () => {
    const s = mustImport(f, { limit: 1 }).scenarios[0]!;
    const token = s.id.slice(s.id.lastIndexOf('-') + 1);
    const r = importNuplan(f.dbPath, { mapRoot: f.mapRoot, id: 'feedface' });
    expect(r.ok ? '' : r.error.code).toBe('NOT_FOUND');
    expect(r.ok ? '' : r.error.message).toMatch(
      /^no scenario "feedface" in this log: .* \d+ here, the first: /,
    );
    expect(r.ok ? '' : r.error.message).toContain(token);
  });

  it('resolves a nuplan ref to its scenario and map', () => {
    const s = mustImport(f, { limit: 1 }).scenarios[0]!;
    const r = loadNuplanRef(nuplanRef(f.dbPath, s.id, f.mapRoot));
    expect(r.ok && r.value.scenario.id).toBe(s.id);
    expect(r.ok && r.value.map.lanes.length).toBe(20);
  });
});

describe('quaternionYaw', () => {
  it('reads the yaw of a rotation about z', () => {
    // q = (cos 0.6, 0, 0, sin 0.6) is a 1.2 rad rotation about z.
    expect(quaternionYaw(Math.cos(0.6), 0, 0, Math.sin(0.6))).toBeCloseTo(1.2, 12);
  });
});

describe('nuPlan lanes without speed_limit_mps', () => {
  it("a NULL limit is no posted limit (the devkit's None), driven at the 25 mph default; others stay posted", () => {
    const g = generateNuplanFixture('cut_in', mkdtempSync(join(tmpdir(), 'nuplan-nullspeed-')));
    if (!g.ok) throw new Error('fixture');
    const db = new Database(g.value.gpkgPath);
    const row = db.prepare('SELECT fid FROM lanes_polygons ORDER BY fid LIMIT 1').get() as { fid: number };
    db.prepare('UPDATE lanes_polygons SET speed_limit_mps = NULL WHERE fid = ?').run(row.fid);
    db.close();
    const r = readNuplanMap(g.value.gpkgPath);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const nulled = r.value.map.lanes.find((l) => l.id === String(row.fid))!;
    expect(nulled.speedLimitPosted).toBe(false);
    expect(nulled.speedLimitMps).toBeCloseTo(25 * 0.44704, 3);
    const others = r.value.map.lanes.filter((l) => l.id !== String(row.fid));
    expect(others.length).toBeGreaterThan(0);
    for (const l of others) expect(l.speedLimitPosted).toBeUndefined();
  });
});

describe('importNuplan errors', () => {
  const f = fixture('cut_in');
  const dir = mkdtempSync(join(tmpdir(), 'nuplan-bad-'));

  it('reports a truncated log database instead of crashing', () => {
    const p = join(dir, 'truncated.db');
    writeFileSync(p, readFileSync(f.dbPath).subarray(0, 3000));
    const r = importNuplan(p, { mapRoot: f.mapRoot });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.path).toContain('truncated.db');
  });

  it('names a missing column', () => {
    const p = join(dir, 'nocol.db');
    copyFileSync(f.dbPath, p);
    const db = new Database(p);
    db.exec('ALTER TABLE ego_pose DROP COLUMN qw');
    db.close();
    const r = importNuplan(p, { mapRoot: f.mapRoot });
    expect(r.ok ? '' : r.error.path).toBe(`${p}:ego_pose.qw`);
  });

  it('names the map row whose geometry blob is corrupt', () => {
    const mapRoot = join(dir, 'maps');
    const g = generateNuplanFixture('cut_in', dir);
    if (!g.ok) throw new Error('fixture');
    const db = new Database(g.value.gpkgPath);
    const row = db.prepare('SELECT fid FROM lanes_polygons ORDER BY fid LIMIT 1').get() as { fid: number };
    db.prepare('UPDATE lanes_polygons SET geom = ? WHERE fid = ?').run(
      Buffer.from('GP\x00\x03garbage'),
      row.fid,
    );
    db.close();
    const r = importNuplan(g.value.dbPath, { mapRoot });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.path).toBe(`${g.value.gpkgPath}:lanes_polygons[fid=${row.fid}].geom`);
  });

  it('says which map it could not find', () => {
    const r = importNuplan(f.dbPath, { mapRoot: join(dir, 'nowhere') });
    expect(r.ok ? '' : r.error.code).toBe('NOT_FOUND');
    expect(r.ok ? '' : r.error.message).toContain('edgeplan-road');
  });
});

describe("the ego's top speed", () => {
  it('is raised over a log driven above 30 m/s (nuPlan has no top speed) and warned with its value', () => {
    const f = generateNuplanFixture('cut_in', mkdtempSync(join(tmpdir(), 'nuplan-fast-')));
    if (!f.ok) throw new Error(JSON.stringify(f.error));
    const before = mustImport(f.value);
    expect(before.scenarios[0]!.vehicle.maxSpeedMps).toBe(30);
    expect(before.warnings.some((w) => w.includes('top speed'))).toBe(false);
    // the same log on a freeway: every ego row 40 m/s along x
    const db = new Database(f.value.dbPath);
    db.prepare('UPDATE ego_pose SET vx = 40, vy = 0').run();
    db.close();
    const fast = mustImport(f.value);
    // 40 × 1.05 = 42 m/s
    expect(fast.scenarios[0]!.vehicle.maxSpeedMps).toBe(42);
    expect(fast.scenarios[0]!.egoStart.speedMps).toBe(40);
    expect(
      fast.warnings.some((w) => w.includes('start speed 40.00 m/s') && w.includes('raised to 42 m/s')),
    ).toBe(true);
  });
});

describe('a log without its maps (review ux21 #19, D3)', () => {
  it("names nuPlan's versioned layout, --map and the fixture generator", () => {
    const f = fixture('cut_in');
    const r = importNuplan(f.dbPath, { mapRoot: mkdtempSync(join(tmpdir(), 'nomaps-')) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('NOT_FOUND');
    expect(r.error.message).toMatch(/\/<version>\/map\.gpkg/);
    expect(r.error.message).toContain('<maps root>/<location>/<version>/map.gpkg');
    expect(r.error.message).toContain('--map <maps root>');
    expect(r.error.message).toContain('data/nuplan/README.md');
  });
});
