import { describe, expect, it } from 'vitest';
import type { MidLevelCommand } from '../../core/index.ts';
import { alternativesOf } from './Reflection.ts';

const base: MidLevelCommand = {
  speed: 'KEEP',
  path: 'LEFT_CHANGE',
  targetLaneId: 'L1',
  targetSpeedMps: 14,
  horizonS: 6,
  rationale: 'test',
  issuedAtS: 0,
  expiresAtS: 1,
  source: 'test',
};

describe('reflection alternatives', () => {
  it("a lane change's slower alternatives stay in the lane (no slowing down while moving over)", () => {
    const alts = alternativesOf(base, 14);
    expect(alts[0]).toMatchObject({ path: 'LEFT_CHANGE', targetLaneId: 'L1' });
    for (const c of alts.slice(1)) {
      const slower = c.speed === 'STOP' || (c.speed === 'DECELERATE' && (c.targetSpeedMps ?? 14) < 14);
      if (slower) {
        expect(c.path).toBe('FOLLOW_LANE');
        expect(c.targetLaneId).toBeUndefined();
      }
    }
    expect(alts.some((c) => c.path === 'LEFT_CHANGE' && c.speed === 'KEEP' && c !== alts[0])).toBe(true);
  });

  it('a borrow keeps its path in every alternative but the stay-in-lane one', () => {
    const alts = alternativesOf({ ...base, path: 'LEFT_BORROW' }, 8);
    expect(alts.filter((c) => c.path === 'FOLLOW_LANE')).toHaveLength(1);
  });
});
