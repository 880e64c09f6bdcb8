import { describe, expect, it } from 'vitest';
import type { MidLevelCommand } from '../../core/index.ts';
import { cmd, roadMap, scene } from '../../stack/testing/safetyScenes.ts';
import { createSafetyGate } from '../SafetyGate.ts';

const gate = createSafetyGate();
const map = roadMap({ lanes: 3, id: 'three' });

/**
 * The ego at 6 m/s in the middle of three lanes, 1.2 m left of its lane's centre and heading 0.6 rad
 * further left (away from the centre): the roll-out's close back to the centre turns right at
 * once, v²·κ = 5.0 m/s² > 4.89 at t+0.2 s — a turn the car's steering (from `steerRad`, at
 * ≤ 1 rad/s) cannot make that soon, and that no braking changes by then.
 */
function check(c: MidLevelCommand, steerRad: number) {
  const sc = scene({ map, lane: 'R1', s: 50, speed: 6 });
  const e = sc.snapshot.ego;
  const ego = { ...e, y: e.y + 1.2, headingRad: e.headingRad + 0.6, steerRad };
  const v = gate.checkCommand(c, { ...sc, snapshot: { ...sc.snapshot, ego } });
  return { v, lat: v.rules.find((r) => r.rule === 'kinematics.lateralAccel') };
}

const stop = cmd({ speed: 'STOP', targetSpeedMps: 0, decelMps2: 3 });

describe('kinematics.lateralAccel is what the car can feel', () => {
  it('a stop is not repaired for a turn sharper than the steering can reach by then', () => {
    const { v, lat } = check(stop, 0);
    expect(lat).toBeUndefined();
    expect(v.decision).toBe('ALLOW');
  });

  it('a turn the steering can reach, too soon for any braking to matter, is not the command’s to fix', () => {
    // steering already at −0.6 rad: the turn at t+0.2 s is reachable, but no braking (8 m/s² after
    // the 0.2 s lag) slows the car by then: failing could only hand over to a gentler stop
    const { v, lat } = check(stop, -0.6);
    expect(lat).toBeUndefined();
    expect(v.decision).toBe('ALLOW');
  });
});
