import { describe, expect, it } from 'vitest';
import { MidLevelCommandSchema } from './schemas.ts';
import { EVASIVE_MOVE_MAX_S, evasiveCloseS, evasiveMoveS } from './vehicle/index.ts';

const base = { speed: 'KEEP', path: 'LEFT_CHANGE', issuedAtS: 0, expiresAtS: 1 } as const;

describe('MidLevelCommand.lateralAccelMps2 (evasive steering)', () => {
  it('parses on a lane change', () => {
    expect(MidLevelCommandSchema.safeParse({ ...base, lateralAccelMps2: 4.9 }).success).toBe(true);
  });
  it('is refused with an in-lane shift, naming the field', () => {
    const r = MidLevelCommandSchema.safeParse({
      ...base,
      path: 'FOLLOW_LANE',
      lateralOffsetM: 0.3,
      lateralAccelMps2: 4.9,
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['lateralAccelMps2']);
  });
  it('is refused beyond 12 m/s² and at zero', () => {
    expect(MidLevelCommandSchema.safeParse({ ...base, lateralAccelMps2: 13 }).success).toBe(false);
    expect(MidLevelCommandSchema.safeParse({ ...base, lateralAccelMps2: 0 }).success).toBe(false);
  });
});

describe('evasiveCloseS', () => {
  it('from rest across 3.5 m at 0.5 g: the cubic whose end accelerations are 6·Δd/T² = a (T = √(6·Δd/a))', () => {
    expect(evasiveCloseS(3.5, 0, 4.905)).toBeCloseTo(Math.sqrt((6 * 3.5) / 4.905), 6);
  });
  it('a move already under way towards the target takes less time than from rest, one away from it more', () => {
    const still = evasiveCloseS(2, 0, 4.9);
    expect(evasiveCloseS(2, 1, 4.9)).toBeLessThan(still);
    expect(evasiveCloseS(2, -1, 4.9)).toBeGreaterThan(still);
  });
});

describe('evasiveMoveS', () => {
  it('at 0.5 g it is the cubic’s own duration; at 0.01 m/s² no slower than a comfortable change', () => {
    expect(evasiveMoveS(3.5, 0, 4.905)).toBe(evasiveCloseS(3.5, 0, 4.905));
    expect(evasiveMoveS(1, 0, 0.01)).toBe(EVASIVE_MOVE_MAX_S);
  });
});
