import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRun } from '../sim/metrics/index.ts';
import { runScenario } from '../sim/runScenario.ts';
import { createPlanner } from '../stack/index.ts';
import { egoFootprintNote, loadScenario } from './loadScenario.ts';

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

describe('loadScenario on .xml files that are no scenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeplan-xml-'));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('names a Git LFS pointer as one (the XML was never fetched)', () => {
    const p = write(
      'lfs.xml',
      'version https://git-lfs.github.com/spec/v1\noid sha256:13885c4eea263ec1907b5cd068ccef125dc84d8a694f7d8d211900346b4e3a2c\nsize 490612\n',
    );
    const r = loadScenario(p);
    expect(r.ok ? '' : r.error.message).toMatch(/Git LFS pointer/);
  });

  it('names a CommonRoad solution file as one', () => {
    const p = write(
      'solution.xml',
      '<?xml version="1.0" ?>\n<CommonRoadSolution benchmark_id="KS2:SM1:ZAM_X-1_1_T-1:2020a"><ksTrajectory planningProblem="1"></ksTrajectory></CommonRoadSolution>\n',
    );
    const r = loadScenario(p);
    expect(r.ok ? '' : r.error.message).toMatch(/CommonRoad solution/);
  });

  it('still reports an unknown root element by name', () => {
    const r = loadScenario(write('other.xml', '<?xml version="1.0"?>\n<somethingElse/>\n'));
    expect(r.ok ? '' : r.error.message).toMatch(/<somethingElse>/);
  });
});

describe('a start whose footprint is off the drivable area is said at load (review ux19 #12, ux21 #11)', () => {
  it('warns with the corners and their distance, and the run does score drivable_area_compliance 0', () => {
    const l = loadScenario('cut_in');
    if (!l.ok) throw new Error(l.error.message);
    const { scenario, map } = l.value;
    expect(egoFootprintNote(scenario, map)).toBeUndefined();
    // the rear axle on the first point of a lane with no predecessor: the rear overhang is off the map
    const lane = map.lane(scenario.route.laneIds[0]!)!;
    expect(lane.data.predecessors ?? []).toEqual([]);
    const p = lane.line.poseAt(0);
    const moved = {
      ...scenario,
      egoStart: { ...scenario.egoStart, x: p.x, y: p.y, headingRad: p.headingRad },
    };
    const note = egoFootprintNote(moved, map);
    expect(note).toMatch(
      /^warning: at t = 0 the ego's footprint is outside the drivable area \(rear-right 1\.1 m, rear-left 1\.1 m\)/,
    );
    const planner = createPlanner('idm');
    if (!planner.ok) throw new Error(planner.error.message);
    const m = evaluateRun(runScenario(moved, map, planner.value, { mode: 'nonreactive' }), map);
    expect(m.multipliers.drivable_area_compliance).toBe(0);
  });
});
