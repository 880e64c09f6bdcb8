import { describe, expect, it } from 'vitest';
import { VehicleParamsSchema } from '../../core/index.ts';
import { asEvasive, evasiveBlocker } from './Evasive.ts';
import { HierarchicalParamsSchema } from './HierarchicalParams.ts';
import { obj, view } from './testing/views.ts';

const CAR = VehicleParamsSchema.parse({});
const P = HierarchicalParamsSchema.parse({});
/** A parked van centred in the ego's lane, its near end `sM` ahead of the front bumper. */
const van = (sM: number) => obj('van', { sM, laneSpan: { minM: -1, maxM: 1 } });

describe('evasive steering in the hierarchical planner', () => {
  it('a change around a standing van nearer than the emergency stop (20 m/s, 26 m) is evasive', () => {
    expect(evasiveBlocker(view({ egoSpeedMps: 20, objects: [van(26)] }), 'LEFT_CHANGE', CAR, P)).toBe('van');
  });

  it('a van a stop clears (60 m at 20 m/s) makes no evasive move: the change stays comfortable', () => {
    expect(
      evasiveBlocker(view({ egoSpeedMps: 20, objects: [van(60)] }), 'LEFT_CHANGE', CAR, P),
    ).toBeUndefined();
  });

  it('FOLLOW_LANE is evasive only as the rest of a move whose lane centre clears the van, never back into it', () => {
    // the ego half over into the left lane (its centre 3.5 m left of the van's lane): the van spans −4.5…−2.5
    const beside = obj('van', { sM: 5, laneSpan: { minM: -4.5, maxM: -2.5 } });
    expect(
      evasiveBlocker(view({ egoSpeedMps: 15, egoDM: -2, objects: [beside] }), 'FOLLOW_LANE', CAR, P),
    ).toBe('van');
    expect(
      evasiveBlocker(view({ egoSpeedMps: 20, objects: [van(26)] }), 'FOLLOW_LANE', CAR, P),
    ).toBeUndefined();
  });

  it('the evasive command steers at the evasive rate and brakes with the grip left, never speeding up', () => {
    const c = asEvasive(
      {
        speed: 'ACCELERATE',
        path: 'LEFT_CHANGE',
        targetSpeedMps: 25,
        horizonS: 5,
        rationale: '',
        issuedAtS: 0,
        expiresAtS: 1,
        source: 't',
      },
      'van',
      P,
    );
    expect(c.speed).toBe('DECELERATE');
    expect(c.lateralAccelMps2).toBeCloseTo(0.5 * 9.81, 1);
    expect(c.decelMps2).toBeCloseTo(6.13, 1);
  });
});
