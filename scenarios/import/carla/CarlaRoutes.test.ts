import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoadMap } from '../../../core/map/RoadMap.ts';
import { brokenFor, twoThreeLaneRoads } from '../../../core/map/testFixtures.ts';
import { straightRoadXodr } from '../opendrive/testRoads.ts';
import { carlaToMap } from './CarlaFrame.ts';
import { type CarlaRoute, importCarlaRoutes, routeScenario } from './index.ts';

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

describe('route lane changes where the road marking lets them cross', () => {
  // two three-lane roads: A (0–150 m) and B (150–250 m); B's line between lanes 2 and 3 broken for
  // its first 35 m, then solid (CARLA Town06 road 50); 25 m/s: a change needs 40 m of broken line
  const map = new RoadMap(twoThreeLaneRoads({ v: 25, b23: brokenFor(35) }));
  const route = (ys: [number, number][]): CarlaRoute => ({
    id: '0',
    town: 'Hand',
    waypoints: ys.map(([x, y]) => ({ x, y, headingRad: 0 })),
    triggers: [],
  });

  it('passes a waypoint beside its lane when the changes after it would cross the solid stretch', () => {
    // A1 at 10 m, B1 at 71 m, B3 at 95 m (Town06 route 48's waypoints 21–23 on road 50)
    const r = routeScenario(
      route([
        [10, 7],
        [221, 7],
        [245, 0],
      ]),
      map,
      'hand.xodr',
      'hand',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.scenario.route?.laneIds).toEqual(['A1', 'A2', 'A3', 'B3']);
    expect(r.value.warnings).toEqual([
      expect.stringContaining('hand/waypoint[1]: passed in a lane beside B1'),
    ]);
  });

  it('keeps the waypoint lanes and says so when no route places the changes on the marking', () => {
    // the first waypoint already on B1, 30 m in: the two changes cannot be made in the 5 m left
    const r = routeScenario(
      route([
        [180, 7],
        [245, 0],
      ]),
      map,
      'hand.xodr',
      'hand',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.scenario.route?.laneIds).toEqual(['B1', 'B2', 'B3']);
    expect(r.value.warnings).toEqual([
      expect.stringContaining(
        'hand/waypoint[1]: the lane changes from B1 to B3 cannot all be made where the line is broken',
      ),
    ]);
  });
});
