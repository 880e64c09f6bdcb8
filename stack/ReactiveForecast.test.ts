import { describe, expect, it } from 'vitest';
import { type Trajectory, VehicleParamsSchema, type WorldSnapshot } from '../core/index.ts';
import { RoadMap, RoutePath } from '../core/map/index.ts';
import { egoOn } from '../scenarios/builtin/build.ts';
import { intersection, road } from '../scenarios/builtin/maps.ts';
import { reactiveForecast } from './ReactiveForecast.ts';

const map = new RoadMap(road({ lanes: 1, lengthM: 400 }));
const vehicle = VehicleParamsSchema.parse({});
const ctx = { map, route: RoutePath.build(map, ['R0']), vehicle, dtS: 0.1, seed: 0 };

/** The ego standing at 60 m on R0 for 4 s, a car coming up behind it at 10 m/s. */
function scene(): { snap: WorldSnapshot; standing: Trajectory } {
  const ego = egoOn(map, 'R0', 60, 0);
  const behind = egoOn(map, 'R0', 30, 10);
  const snap: WorldSnapshot = {
    tS: 0,
    ego,
    agents: [
      {
        id: 'follower',
        kind: 'vehicle',
        x: behind.x,
        y: behind.y,
        headingRad: behind.headingRad,
        speedMps: 10,
        lengthM: 4.5,
        widthM: 1.9,
      },
    ],
    lights: [],
    route: { laneIds: ['R0'] },
  };
  return { snap, standing: standingAt(ego) };
}

/** The ego standing where it is for 4 s, poses 0.1 s apart. */
function standingAt(ego: { x: number; y: number; headingRad: number }): Trajectory {
  return {
    points: Array.from({ length: 41 }, (_, k) => ({
      tS: k * 0.1,
      x: ego.x,
      y: ego.y,
      headingRad: ego.headingRad,
      speedMps: 0,
    })),
  };
}

describe('reactive forecast for reflection', () => {
  it('has a car coming up behind a standing ego brake behind it (constant velocity would drive through)', () => {
    const { snap, standing } = scene();
    const f = reactiveForecast(map)(standing, snap, ctx)!;
    expect(f.ids).toEqual(['follower']);
    expect(f.steps).toBe(41);
    const egoRearX = snap.ego.x - (vehicle.lengthM - vehicle.rearAxleToCenterM - vehicle.lengthM / 2);
    const lastX = f.x[f.steps - 1]!;
    // constant velocity: 30 + 40 = 70 m, past the ego's rear (≈ 59 m); reactive: stopped short of it
    expect(lastX + 4.5 / 2).toBeLessThan(egoRearX);
    // it moved on at first (a forecast, not a freeze)
    expect(f.x[10]! - f.x[0]!).toBeGreaterThan(5);
  });

  it('answers each candidate separately: an ego driving away lets the car keep its speed', () => {
    const { snap, standing } = scene();
    const away: Trajectory = {
      points: standing.points.map((p) => ({ ...p, x: p.x + 12 * p.tS, speedMps: 12 })),
    };
    const fc = reactiveForecast(map);
    const a = fc(away, { ...snap, ego: { ...snap.ego, speedMps: 12 } }, ctx)!;
    const b = fc(standing, snap, ctx)!;
    expect(a.x[a.steps - 1]!).toBeGreaterThan(b.x[b.steps - 1]! + 5);
  });
});

describe('reactive forecast: one plan, many candidates', () => {
  it('a candidate forecast after others of the same snapshot equals one made alone (the shared route paths change nothing)', () => {
    const { snap, standing } = scene();
    const slow: Trajectory = {
      points: standing.points.map((p) => ({ ...p, x: p.x + 3 * p.tS, speedMps: 3 })),
    };
    const fc = reactiveForecast(map);
    fc(standing, snap, ctx);
    const after = fc(slow, snap, ctx)!;
    const alone = reactiveForecast(map)(slow, snap, ctx)!;
    expect(Array.from(after.x)).toEqual(Array.from(alone.x));
    expect(Array.from(after.y)).toEqual(Array.from(alone.y));
  });
});

describe('reactive forecast at the end of the map', () => {
  it('a car at the very end of its last lane is forecast straight on instead of failing the plan', () => {
    const { snap, standing } = scene();
    // the ego stands 30 m behind the end of the road, a car is just leaving it (2 m past the end:
    // still located on the last lane, with no lane path ahead)
    const ego = egoOn(map, 'R0', 370, 0);
    snap.ego = ego;
    for (const p of standing.points) Object.assign(p, { x: ego.x, y: ego.y, headingRad: ego.headingRad });
    const atEnd = egoOn(map, 'R0', 400, 10);
    snap.agents = [
      { ...snap.agents[0]!, id: 'leaving', x: atEnd.x + 2, y: atEnd.y, headingRad: atEnd.headingRad },
    ];
    const f = reactiveForecast(map)(standing, snap, ctx);
    expect(f).toBeDefined();
    expect(f!.ids).toEqual(['leaving']);
    // straight on at its speed: 10 m/s for 4 s
    expect(f!.x[f!.steps - 1]! - f!.x[0]!).toBeCloseTo(40, 0);
  });
});

describe('reactive forecast while the ego clears its junction on red', () => {
  // the junction fixture: the ego in junction lane C20 (eastbound, y = −1.75), its light red; a car
  // on the north arm (IN1, southbound along x = −1.75, its line at y = 14) whose light is red too
  const jx = new RoadMap(intersection());
  const jctx = { map: jx, route: RoutePath.build(jx, ['IN2', 'C20', 'OUT0']), vehicle, dtS: 0.1, seed: 0 };
  const run = (egoLight: 'RED' | 'GREEN') => {
    const ego = egoOn(jx, 'C20', 2, 0);
    // 10 m/s, its front 13.6 m before its line: 3.7 m/s² to stop there; at 3 m/s² it rests 3 m over
    const car = egoOn(jx, 'IN1', 104, 10);
    const snap: WorldSnapshot = {
      tS: 0,
      ego,
      agents: [
        {
          id: 'xing',
          kind: 'vehicle',
          x: car.x,
          y: car.y,
          headingRad: car.headingRad,
          speedMps: 10,
          lengthM: 4.8,
          widthM: 1.9,
        },
      ],
      lights: [
        { laneId: 'C20', state: egoLight },
        // keyed on the lane whose line it is (as CommonRoad keys them), not on the connectors after it
        { laneId: 'IN1', state: 'RED' },
      ],
      route: { laneIds: ['IN2', 'C20', 'OUT0'] },
    };
    const f = reactiveForecast(jx)(standingAt(ego), snap, jctx)!;
    // its centre after 4 s
    return f.y[f.steps - 1]!;
  };

  it('has a car over its red line brake to rest over it, short of the ego’s way', () => {
    // its centre comes to rest ≈ 13 m north of the ego's lane, its front over the line (y = 14)
    const y = run('RED');
    expect(y).toBeGreaterThan(8);
    expect(y).toBeLessThan(14 + 2.4);
  });

  it('leaves it to the fleet while the ego’s own light is green (not clearing)', () => {
    // the fleet's IDM agent stops at its line for its light on IN1 (its front short of y = 14:
    // centre 18.1); until the fleet read lights keyed on the line's own lane it drove it through
    expect(run('GREEN')).toBeGreaterThan(14 + 2.4);
  });
});
