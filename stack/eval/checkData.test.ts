import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkData, isImportable, skipReason } from './checkData.ts';

const DATA = new URL('../../data', import.meta.url).pathname;

describe('checkData on the vendored data/', async () => {
  const reports = await checkData(DATA);
  const byFamily = new Map(reports.map((r) => [r.family, r]));

  it('loads the CARLA folder (Town02 and its routes) with the town gap under 5 cm', () => {
    const carla = byFamily.get('carla')!;
    expect(carla.loaded).toBe(carla.total);
    expect(carla.total).toBe(2);
    expect(carla.worstGapM!).toBeLessThan(0.05);
    expect(carla.scenarios).toBe(6);
  });

  it('loads every vendored esmini scenario and road (cut-in, traffic_lights, 18 unit-test scenarios, 21 maps), skipping the catalogs', () => {
    const esmini = byFamily.get('esmini')!;
    expect(esmini).toMatchObject({ loaded: 41, total: 41 });
  });
});

describe('isImportable', () => {
  it('skips catalogs and foreign files', () => {
    expect(isImportable('/x/Catalogs/Vehicles/VehicleCatalog.xosc')).toBe(false);
    expect(isImportable('/x/acceleration.osc')).toBe(false);
    expect(isImportable('/x/town.xodr')).toBe(true);
  });
});

describe('checkData on files it cannot load', () => {
  it('counts a file whose town is missing apart (not loaded, not failed) and names skip reasons', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-check-'));
    mkdirSync(join(dir, 'fam'));
    writeFileSync(
      join(dir, 'fam', 'Legacy.xml'),
      '<scenarios><scenario name="A" type="X" town="Town01"><ego_vehicle x="1" y="2" yaw="0"/></scenario></scenarios>',
    );
    writeFileSync(join(dir, 'fam', 'cut_in.osc'), 'scenario cut_in:\n');
    const [fam] = await checkData(dir);
    expect(fam).toMatchObject({ family: 'fam', loaded: 0, total: 1, failures: [], skipped: 1 });
    expect(fam!.needsMap).toEqual([{ file: join('fam', 'Legacy.xml'), what: 'Town01.xodr' }]);
    expect(fam!.skippedWhy).toEqual({ 'OpenSCENARIO 2.0 (.osc): unsupported format': 1 });
    expect(skipReason('/x/Catalogs/Vehicles/VehicleCatalog.xosc')).toMatch(/catalogs/);
  });
});

describe('checkData on a file of a kind known only once opened', () => {
  it('counts a plain OpenStreetMap .osm as skipped with its reason, not as failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgeplan-check-'));
    mkdirSync(join(dir, 'osm'));
    writeFileSync(
      join(dir, 'osm', 'town.osm'),
      '<osm><node id="1" lat="48" lon="11"/><node id="2" lat="48.001" lon="11"/><way id="3"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way></osm>',
    );
    const [fam] = await checkData(dir);
    expect(fam).toMatchObject({ family: 'osm', loaded: 0, total: 0, failures: [], skipped: 1 });
    expect(Object.keys(fam!.skippedWhy)[0]).toMatch(/^\.osm: plain OpenStreetMap/);
  });
});
