import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { carlaToMap } from './CarlaFrame.ts';
import { importCarlaRoutes } from './index.ts';

const ROUTES = new URL('../../../data/carla/routes_town02.xml', import.meta.url).pathname;

describe('CARLA frame', () => {
  it('mirrors y and negates yaw (degrees → radians)', () => {
    const p = carlaToMap(10, 20, 90);
    expect(p).toEqual({ x: 10, y: -20, headingRad: -Math.PI / 2 });
  });
});

// Driving the whole route closed-loop (about a minute on a loaded machine) is in
// CarlaRoutes.long.test.ts (`npm run test:long`, run by CI).
describe('CARLA leaderboard routes on vendored Town02', () => {
  const r = importCarlaRoutes(ROUTES, { id: '2' });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const s = r.value.scenarios[0]!;

  it('finds Town02.xodr by the route town and turns the route into lanes', () => {
    expect(s.id).toBe('carla_Town02_route2');
    expect(s.route.laneIds.length).toBeGreaterThan(5);
    expect(s.map).toMatchObject({ kind: 'file', format: 'opendrive' });
  });

  it('starts the ego on the first waypoint (CARLA 193.54, 177.56, yaw −90° → map 193.54, −177.56, heading +90°)', () => {
    // routes_testing.xml route 2, first waypoint; the ego is placed on that lane's centre.
    expect(Math.hypot(s.egoStart.x - 193.54, s.egoStart.y + 177.56)).toBeLessThan(1);
    expect(s.egoStart.headingRad).toBeCloseTo(Math.PI / 2, 1);
  });

  it('matches leaderboard scenario triggers on the route as events (tags)', () => {
    expect(s.tags).toContain('carla:Scenario4');
  });

  it('has an expert that stops at the goal', () => {
    const last = s.expert[s.expert.length - 1]!;
    expect(Math.hypot(last.x - s.route.goal!.x, last.y - s.route.goal!.y)).toBeLessThan(0.5);
    expect(last.speedMps).toBe(0);
  });

  it('names the route when an id does not exist', () => {
    const bad = importCarlaRoutes(ROUTES, { id: '99' });
    expect(bad.ok ? '' : bad.error.path).toContain('#99');
  });

  it('reports a missing town instead of failing the other routes', () => {
    const other = importCarlaRoutes(ROUTES, { mapPath: '/nonexistent/Town02.xodr', id: '0' });
    expect(other.ok ? '' : other.error.code).toBe('IO_ERROR');
  });
});

describe("a route's top speed", () => {
  it('is raised to the expert driving a road posted above 30 m/s (160 km/h), with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'carla-fast-'));
    const xodr = straightRoadXodr({ lengthM: 2000 }).replace(
      '<speed max="36" unit="km/h"/>',
      '<speed max="160" unit="km/h"/>',
    );
    expect(xodr).toContain('max="160"');
    writeFileSync(join(dir, 'Fast.xodr'), xodr);
    // lane −1 (map y −1.75 = CARLA y 1.75), driven along +x
    writeFileSync(
      join(dir, 'routes.xml'),
      `<routes><route id="0" town="Fast"><waypoint x="10" y="1.75" z="0" pitch="0" roll="0" yaw="0"/><waypoint x="1990" y="1.75" z="0" pitch="0" roll="0" yaw="0"/></route></routes>`,
    );
    const r = importCarlaRoutes(join(dir, 'routes.xml'), { mapPath: join(dir, 'Fast.xodr') });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.value.scenarios[0]!;
    const fastest = Math.max(...s.expert.map((p) => p.speedMps));
    expect(fastest).toBeGreaterThan(40);
    expect(s.vehicle.maxSpeedMps).toBe(Math.ceil(fastest * 1.05 * 10 - 1e-9) / 10);
    expect(r.value.warnings.some((w) => w.includes(`raised to ${s.vehicle.maxSpeedMps} m/s`))).toBe(true);
  });
});
