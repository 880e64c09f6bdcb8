import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../index.ts';
import { RoadMap } from './RoadMap.ts';
import {
  brakingDistanceM,
  clearingOnRed,
  egoClearingOnRed,
  signalStopAhead,
  signalStopBehind,
  stopsForLight,
} from './signalStop.ts';
import { chained, straightLane } from './testFixtures.ts';

// lane A (100 m east) with a signal stop line at its end, then junction lane B
const map = new RoadMap(
  RoadMapSchema.parse({
    id: 'm',
    lanes: chained([
      straightLane('A', { x: 0, y: 0 }, { x: 100, y: 0 }, 14),
      straightLane('B', { x: 100, y: 0 }, { x: 130, y: 0 }, 14, { junctionId: 'J' }),
    ]),
    stopLines: [{ id: 'S', laneId: 'A', sM: 100, kind: 'signal' }],
  }),
);

describe('signalStopAhead', () => {
  it('finds the stop line ahead of the front bumper with the light of the lane or its successor', () => {
    // a 4 m car centred at x = 70: front at 72, line at 100
    const own = signalStopAhead(map, [{ laneId: 'A', state: 'RED' }], 70, 0, 0, 4);
    expect(own).toMatchObject({ signal: 'RED', laneId: 'A' });
    expect(own!.distanceM).toBeCloseTo(28, 6);
    expect(signalStopAhead(map, [{ laneId: 'B', state: 'YELLOW' }], 70, 0, 0, 4)?.signal).toBe('YELLOW');
    expect(signalStopAhead(map, [{ laneId: 'B', state: 'GREEN' }], 70, 0, 0, 4)).toBeUndefined();
    // past the line, or facing away from it: none
    expect(signalStopAhead(map, [{ laneId: 'A', state: 'RED' }], 110, 0, 0, 4)).toBeUndefined();
    expect(signalStopAhead(map, [{ laneId: 'A', state: 'RED' }], 70, 0, Math.PI, 4)).toBeUndefined();
  });
});

describe('stopsForLight', () => {
  it('stops when a comfortable braking does it, or when it already brakes hard enough', () => {
    expect(stopsForLight(10, 20, 3)).toBe(true); // 2.5 m/s²
    expect(stopsForLight(10, 10, 3)).toBe(false); // 5 m/s²
    expect(stopsForLight(10, 10, 3, -2)).toBe(false);
    expect(stopsForLight(10, 10, 3, -5.5)).toBe(true);
    expect(stopsForLight(10, -1, 3, -9)).toBe(false); // past the line
  });
});

describe('signalStopBehind', () => {
  const red = [{ laneId: 'A', state: 'RED' as const }];
  it('finds the red line a vehicle has just driven over, on its lane or the one it came from', () => {
    // front at 103: 3 m over the line at the end of A, now on junction lane B
    const over = signalStopBehind(map, red, 101, 0, 0, 4);
    expect(over).toMatchObject({ signal: 'RED', laneId: 'A', lineSM: 100 });
    expect(over!.distanceM).toBeCloseTo(-3, 6);
    // the light keyed on the lane it took from the line (B) counts as well
    expect(signalStopBehind(map, [{ laneId: 'B', state: 'RED' }], 101, 0, 0, 4)?.distanceM).toBeCloseTo(
      -3,
      6,
    );
  });
  it('is none for a light that is not red, a line not yet reached or far behind, or facing away', () => {
    expect(signalStopBehind(map, [{ laneId: 'A', state: 'YELLOW' }], 101, 0, 0, 4)).toBeUndefined();
    expect(signalStopBehind(map, [{ laneId: 'A', state: 'GREEN' }], 101, 0, 0, 4)).toBeUndefined();
    expect(signalStopBehind(map, red, 90, 0, 0, 4)).toBeUndefined();
    // 27 m over with `overM` 20
    expect(signalStopBehind(map, red, 125, 0, 0, 4, 20)).toBeUndefined();
    expect(signalStopBehind(map, red, 101, 0, Math.PI, 4)).toBeUndefined();
  });
});

describe('clearingOnRed', () => {
  const route = ['A', 'B'];
  it('holds while the front is past the line of the ego’s own light and that light is red', () => {
    expect(clearingOnRed(map, [{ laneId: 'A', state: 'RED' }], route, 1, 6)).toBe(true);
    expect(clearingOnRed(map, [{ laneId: 'B', state: 'RED' }], route, 1, 6)).toBe(true);
    // the same place on green or yellow: it is not clearing on red
    expect(clearingOnRed(map, [{ laneId: 'A', state: 'GREEN' }], route, 1, 6)).toBe(false);
    expect(clearingOnRed(map, [{ laneId: 'A', state: 'YELLOW' }], route, 1, 6)).toBe(false);
    // before the line (front at 95 on A): the red stops it, it is not in the junction
    expect(clearingOnRed(map, [{ laneId: 'A', state: 'RED' }], route, 0, 95)).toBe(false);
    // too far past it (25 m on with a 20 m look back)
    expect(clearingOnRed(map, [{ laneId: 'A', state: 'RED' }], route, 1, 25, 20)).toBe(false);
  });
  it('looks back past the route’s first lane the way the ego came', () => {
    // the route starts on the junction lane (a CommonRoad planning problem in the junction)
    expect(clearingOnRed(map, [{ laneId: 'A', state: 'RED' }], ['B'], 0, 6)).toBe(true);
  });
  it('reads the ego of a snapshot: rear axle located, front a car ahead of it', () => {
    const snap = (x: number) => ({
      ego: { tS: 0, x, y: 0, headingRad: 0, speedMps: 3, accelMps2: 0, steerRad: 0, yawRateRadps: 0 },
      lights: [{ laneId: 'A', state: 'RED' as const }],
      route: { laneIds: route },
    });
    const car = { rearAxleToCenterM: 1.5, lengthM: 5 };
    // rear axle at 97, front at 101: over the line
    expect(egoClearingOnRed(map, snap(97), car)).toBe(true);
    // rear axle at 94, front at 98: before it
    expect(egoClearingOnRed(map, snap(94), car)).toBe(false);
  });
  it('finds the ego on its route lane where the map locates it on a sibling over the same ground', () => {
    // B and B2 both leave A's end; B2 veers 1.2 m left over its 30 m: at (115, 0.6) heading along B2 the
    // map locates the ego in B2, a lane its route does not take
    const fork = new RoadMap(
      RoadMapSchema.parse({
        id: 'fork',
        lanes: [
          straightLane('A', { x: 0, y: 0 }, { x: 100, y: 0 }, 14, { successors: ['B', 'B2'] }),
          straightLane('B', { x: 100, y: 0 }, { x: 130, y: 0 }, 14, { predecessors: ['A'] }),
          straightLane('B2', { x: 100, y: 0 }, { x: 130, y: 1.2 }, 14, { predecessors: ['A'] }),
        ],
        stopLines: [{ id: 'S', laneId: 'A', sM: 100, kind: 'signal' }],
      }),
    );
    const snap = {
      ego: {
        tS: 0,
        x: 115,
        y: 0.6,
        headingRad: Math.atan2(1.2, 30),
        speedMps: 3,
        accelMps2: 0,
        steerRad: 0,
        yawRateRadps: 0,
      },
      lights: [{ laneId: 'A', state: 'RED' as const }],
      route: { laneIds: ['A', 'B'] },
    };
    expect(fork.locate(115, 0.6, Math.atan2(1.2, 30), 2)?.laneId).toBe('B2');
    expect(egoClearingOnRed(fork, snap, { rearAxleToCenterM: 1.5, lengthM: 5 }, 1)).toBe(true);
  });
});

describe('brakingDistanceM', () => {
  it('is v² / 2b', () => {
    expect(brakingDistanceM(6, 3)).toBeCloseTo(6, 9);
    expect(brakingDistanceM(-1, 3)).toBe(0);
  });
});
