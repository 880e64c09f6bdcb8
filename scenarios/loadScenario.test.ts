import { describe, expect, it } from 'vitest';
import { loadScenario } from './loadScenario.ts';

const ROUTES = new URL('../data/carla/routes_town02.xml', import.meta.url).pathname;
const CUT_IN = new URL('../data/esmini/resources/xosc/cut-in_simple.xosc', import.meta.url).pathname;

describe('loadScenario with imported references', () => {
  it('loads carla:<routes.xml>#<id> with its town found by name', () => {
    const r = loadScenario(`carla:${ROUTES}#3`);
    expect(r.ok && r.value.scenario.id).toBe('carla_Town02_route3');
  });

  it('loads an OpenSCENARIO file and its road network', () => {
    const r = loadScenario(CUT_IN);
    expect(r.ok && r.value.map.lanes.length).toBeGreaterThan(0);
  });

  it('asks for the route id of a carla: reference', () => {
    const r = loadScenario(`carla:${ROUTES}`);
    expect(r.ok ? '' : r.error.message).toMatch(/#<routeId>/);
  });
});
