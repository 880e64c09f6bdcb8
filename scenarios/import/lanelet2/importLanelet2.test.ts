import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { importLanelet2 } from './index.ts';
import { projectLatLon } from './projectLatLon.ts';

const data = (f: string) => fileURLToPath(new URL(`../../../data/lanelet2/${f}`, import.meta.url));
const SMALL = data('edgeplan_small.osm');

function mustImport(path: string) {
  const r = importLanelet2(path);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

describe('importLanelet2 (hand-written map)', () => {
  const res = mustImport(SMALL);
  const lane = (id: string) => res.map!.lanes.find((l) => l.id === id)!;

  it('is map-only', () => {
    expect(res.scenarios).toEqual([]);
    expect(res.map!.lanes.map((l) => l.id).sort()).toEqual(['1', '2', '3', '5']);
  });

  it('orients a lanelet whose right way is drawn backwards and takes the midpoint centreline', () => {
    // Left way (0,3.5)→(10,3.5), right way (10,0)→(0,0): driving +x along y = 1.75, width 3.5.
    expect(lane('1').centerline[0]).toEqual({ x: 0, y: 1.75 });
    expect(lane('1').centerline.at(-1)).toEqual({ x: 10, y: 1.75 });
    expect(lane('1').widthM).toBeCloseTo(3.5, 9);
  });

  it('reads speed_limit in km/h and defaults by location', () => {
    expect(lane('1').speedLimitMps).toBeCloseTo(30 / 3.6, 9);
    expect(lane('2').speedLimitMps).toBeCloseTo(50 / 3.6, 9); // urban default
    expect(lane('3').speedLimitMps).toBeCloseTo(100 / 3.6, 9); // nonurban default
  });

  it('links successors through shared end nodes', () => {
    expect(lane('1').successors).toEqual(['2']);
    expect(lane('2').predecessors).toEqual(['1']);
  });

  it('makes same-direction neighbours of lanelets sharing a dashed way', () => {
    expect(lane('1').left).toEqual({ laneId: '3', changeAllowed: true, opposite: false });
    expect(lane('3').right).toEqual({ laneId: '1', changeAllowed: true, opposite: false });
    expect(lane('1').leftBoundary).toBe('dashed');
  });

  it('makes opposite neighbours of lanelets that both call a solid way left', () => {
    expect(lane('3').left).toEqual({ laneId: '5', changeAllowed: false, opposite: true });
    expect(lane('5').left).toEqual({ laneId: '3', changeAllowed: false, opposite: true });
    // Lanelet 5 runs −x (its left way y = 7 must be on its left).
    expect(lane('5').centerline[0]!.x).toBeGreaterThan(lane('5').centerline.at(-1)!.x);
    expect(lane('5').rightBoundary).toBe('curb');
  });

  it('puts the traffic light stop line where its ref_line crosses the lane', () => {
    expect(res.map!.stopLines).toEqual([{ id: '100@1', laneId: '1', sM: 8, kind: 'signal' }]);
  });

  it('turns crosswalk lanelets into crosswalk polygons', () => {
    expect(res.map!.crosswalks.length).toBe(1);
    expect(res.map!.crosswalks[0]!.polygon.length).toBe(4);
  });

  it('builds a RoadMap that routes 1 → 2', () => {
    const m = RoadMap.fromData(res.map);
    expect(m.ok && m.value.route('1', '2')).toEqual({ ok: true, value: ['1', '2'] });
  });
});

describe('importLanelet2 (real maps)', () => {
  it('reads the Autoware vm_02 sample with its stop line', () => {
    const r = mustImport(data('autoware_vm_02.osm'));
    expect(r.map!.lanes.length).toBe(10);
    expect(r.map!.stopLines.length).toBeGreaterThan(0);
  });

  it('projects the FZI lat/lon map into metres around its first node', () => {
    const r = mustImport(data('fzi_mapping_example.osm'));
    expect(r.map!.lanes.length).toBeGreaterThan(300);
    expect(r.warnings.some((w) => w.includes('projected from lat/lon'))).toBe(true);
    const m = RoadMap.fromData(r.map);
    expect(m.ok).toBe(true);
    // Its nodes span 0.04681° of longitude at 49° N = 3425 m (73 172 m per degree): lanes lie within.
    if (m.ok) {
      const widthM = m.value.bounds.maxX - m.value.bounds.minX;
      expect(widthM).toBeGreaterThan(3000);
      expect(widthM).toBeLessThan(3430);
    }
  });
});

describe('projectLatLon', () => {
  it('gives 111.21 m per 0.001° of latitude and 73.17 m per 0.001° of longitude at 49° N', () => {
    // Reference: WGS84 meridian / parallel arc lengths at 49°: 111 209.7 m and 73 171.8 m per degree.
    const p = projectLatLon(49.001, 8.001, { latDeg: 49, lonDeg: 8 });
    expect(p.y).toBeCloseTo(111.21, 1);
    expect(p.x).toBeCloseTo(73.17, 1);
  });
});

describe('importLanelet2 errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll2-'));
  const text = readFileSync(SMALL, 'utf8');

  it('reports a truncated file with its line and column', () => {
    const p = join(dir, 'truncated.osm');
    writeFileSync(p, text.slice(0, 2500));
    const r = importLanelet2(p);
    expect(r.ok ? '' : r.error.code).toBe('PARSE_ERROR');
    expect(r.ok ? '' : r.error.path).toMatch(/truncated\.osm:\d+:\d+$/);
  });

  it('reads speed_limit with a unit, and names the lanelet and value of one that is no positive speed', () => {
    // review 14 M4: "10 km/h" and "-10" became the 50 km/h default, said to be "no speed_limit"
    const withTag = (v: string) => {
      const p = join(dir, `speed_${v.replace(/\W/g, '_')}.osm`);
      writeFileSync(p, text.replace('<tag k="speed_limit" v="30"/>', `<tag k="speed_limit" v="${v}"/>`));
      return mustImport(p);
    };
    const kmh = withTag('10 km/h');
    expect(kmh.map!.lanes.find((l) => l.id === '1')!.speedLimitMps).toBeCloseTo(10 / 3.6, 9);
    const mph = withTag('20 mph');
    expect(mph.map!.lanes.find((l) => l.id === '1')!.speedLimitMps).toBeCloseTo(8.9408, 9);
    for (const bad of ['-10', 'fast']) {
      const r = withTag(bad);
      expect(r.warnings).toContain(
        `osm/relation[0][id=1] speed_limit=${JSON.stringify(bad)} is not a positive speed (Lanelet2: a number in km/h, or with m/s, mps, km/h, kmh, mph): Lanelet2 German default by location taken`,
      );
    }
  });

  it('names the way and nd of a reference to a missing node', () => {
    const p = join(dir, 'badref.osm');
    writeFileSync(p, text.replace('<way id="102"><nd ref="2"/>', '<way id="102"><nd ref="99"/>'));
    const r = importLanelet2(p);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.path).toBe(`${p}:osm/way[1][id=102]/nd[0]`);
    expect(r.error.message).toBe('unknown node 99');
  });

  it('names the lanelet relation whose bound way is missing', () => {
    const p = join(dir, 'noway.osm');
    writeFileSync(p, text.replace('role="right" ref="102"', 'role="right" ref="999"'));
    const r = importLanelet2(p);
    expect(r.ok ? '' : r.error.path).toBe(`${p}:osm/relation[1][id=2]/member[@role=right]`);
  });

  it('reports an empty file as an empty file, naming it', () => {
    const p = join(dir, 'empty.osm');
    writeFileSync(p, ' \n');
    const r = importLanelet2(p);
    expect(r.ok ? '' : `${r.error.code} ${r.error.path} ${r.error.message}`).toBe(
      `PARSE_ERROR ${p} empty file`,
    );
  });

  it('says a plain OpenStreetMap file (highway ways, no lanelets) is another format', () => {
    const p = join(dir, 'plain.osm');
    writeFileSync(
      p,
      `<?xml version="1.0"?><osm version="0.6">
<node id="1" lat="48.0" lon="11.0"/><node id="2" lat="48.001" lon="11.0"/>
<way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way></osm>`,
    );
    const r = importLanelet2(p);
    expect(r.ok ? '' : r.error.code).toBe('UNSUPPORTED');
    expect(r.ok ? '' : r.error.message).toMatch(/^plain OpenStreetMap .*not a Lanelet2 map/);
  });
});
