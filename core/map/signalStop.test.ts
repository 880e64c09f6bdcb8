import { describe, expect, it } from 'vitest';
import { RoadMapSchema } from '../index.ts';
import { RoadMap } from './RoadMap.ts';
import { signalStopAhead, stopsForLight } from './signalStop.ts';
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
