import { describe, expect, it } from 'vitest';
import { checkData, isImportable } from './checkData.ts';

const DATA = new URL('../../data', import.meta.url).pathname;

describe('checkData on the vendored data/', () => {
  const reports = checkData(DATA);
  const byFamily = new Map(reports.map((r) => [r.family, r]));

  it('loads the CARLA folder (Town02 and its routes) with the town gap under 5 cm', () => {
    const carla = byFamily.get('carla')!;
    expect(carla.loaded).toBe(carla.total);
    expect(carla.total).toBe(2);
    expect(carla.worstGapM!).toBeLessThan(0.05);
    expect(carla.scenarios).toBe(6);
  });

  it('loads the esmini scenario and its road, skipping the catalog', () => {
    const esmini = byFamily.get('esmini')!;
    expect(esmini).toMatchObject({ loaded: 2, total: 2 });
  });
});

describe('isImportable', () => {
  it('skips catalogs and foreign files', () => {
    expect(isImportable('/x/Catalogs/Vehicles/VehicleCatalog.xosc')).toBe(false);
    expect(isImportable('/x/acceleration.osc')).toBe(false);
    expect(isImportable('/x/town.xodr')).toBe(true);
  });
});
