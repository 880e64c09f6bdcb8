import { describe, expect, it } from 'vitest';
import { DEFAULT_CURVE_SPEED, RoadMap, RoutePath } from '../../core/map/index.ts';
import { intersection } from '../../scenarios/builtin/maps.ts';
import { HierarchicalParamsSchema } from './HierarchicalParams.ts';
import { curveCapAt } from './WorldView.ts';

const P = HierarchicalParamsSchema.parse({});
const CURVE = {
  latAccelMps2: P.curveLatAccelMps2,
  tightLatAccelMps2: P.tightTurnLatAccelMps2,
  tightYawRateRadps: P.tightTurnYawRateRadps,
};

/** The route's own curve cap at lateral acceleration `a` (approached at 2 m/s²), at the turn's lowest point. */
function turnCaps(route: RoutePath, map: RoadMap, a: number): { sM: number; capMps: number } {
  let best = { sM: 0, capMps: Number.POSITIVE_INFINITY };
  for (let s = 0; s < route.line.length; s += 0.5) {
    const c = route.speedCapAt(map, s, { ...DEFAULT_CURVE_SPEED, latAccelMps2: a });
    if (c < best.capMps) best = { sM: s, capMps: c };
  }
  return best;
}

describe('curveCapAt', () => {
  it('takes a gentle junction turn (≈ 13 m radius at its sharpest) at curveLatAccelMps2', () => {
    const map = new RoadMap(intersection());
    const route = RoutePath.build(map, ['IN3', 'C32', 'OUT2']);
    const gentle = turnCaps(route, map, P.curveLatAccelMps2);
    const tight = turnCaps(route, map, P.tightTurnLatAccelMps2);
    const cap = curveCapAt(route, map, gentle.sM, CURVE);
    expect(cap).toBeCloseTo(gentle.capMps, 1);
    expect(cap).toBeGreaterThan(tight.capMps + 0.3);
  });

  it('keeps a tight turn (≈ 5 m radius) at tightTurnLatAccelMps2', () => {
    const map = new RoadMap(intersection({ halfSizeM: 8 }));
    const route = RoutePath.build(map, ['IN3', 'C30', 'OUT0']);
    const gentle = turnCaps(route, map, P.curveLatAccelMps2);
    const tight = turnCaps(route, map, P.tightTurnLatAccelMps2);
    const cap = curveCapAt(route, map, tight.sM, CURVE);
    expect(cap).toBeCloseTo(tight.capMps, 1);
    expect(cap).toBeLessThan(gentle.capMps - 0.2);
  });

  it('brakes for a bend ahead at 2 m/s² and is the limit on the straight', () => {
    const map = new RoadMap(intersection());
    const route = RoutePath.build(map, ['IN3', 'C32', 'OUT2']);
    const turn = turnCaps(route, map, P.curveLatAccelMps2);
    const before = curveCapAt(route, map, turn.sM - 10, CURVE);
    expect(before).toBeLessThanOrEqual(Math.sqrt(turn.capMps ** 2 + 2 * 2 * 10) + 1e-6);
    expect(before).toBeGreaterThan(turn.capMps);
    expect(curveCapAt(route, map, 5, CURVE)).toBeCloseTo(route.speedLimitAt(map, 5), 6);
  });
});
