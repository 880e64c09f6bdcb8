/**
 * The ego clearing its junction on red (Autoware's intersection module, "fully prioritized"): past
 * the stop line of its own light, now red, a crossing driver whose light is red too and who cannot
 * stop at its line is forecast to brake (3 m/s²) and rest over it — short of the ego's path it lets
 * the ego clear; one too fast to stop short of it is still refused. On a green light (the ego is not
 * clearing) the same driver stays a conflict: a green light does not license a collision.
 */
import { describe, expect, it } from 'vitest';
import { cmd, junctionMap, scene } from '../stack/testing/safetyScenes.ts';
import { createSafetyGate } from './SafetyGate.ts';

const gate = createSafetyGate();
const jx = junctionMap();
// north arm's cars (IN1, southbound along x = −1.75, line at its end, y = 14) face red
const northRed = [
  { laneId: 'C10', state: 'RED' as const },
  { laneId: 'C12', state: 'RED' as const },
  { laneId: 'C13', state: 'RED' as const },
];
/**
 * The ego at 2 m/s on junction lane C20 (eastbound along y = −1.75), its front 4.6 m past its line
 * and ≈ 3 s from the north arm's lane, its own light `own`.
 */
const inJunction = (
  own: 'RED' | 'GREEN',
  crossingSpeed: number,
  crossingS: number,
  theirs: 'RED' | 'GREEN' = 'RED',
  attrs?: { subclass: 'emergency'; sirenOn: true },
) =>
  scene({
    map: jx,
    lane: 'C20',
    s: 2,
    speed: 2,
    route: ['IN2', 'C20', 'OUT0'],
    lights: [{ laneId: 'C20', state: own }, ...northRed.map((l) => ({ ...l, state: theirs }))],
    agents: [{ id: 'xing', lane: 'IN1', s: crossingS, speed: crossingSpeed, ...(attrs ? { attrs } : {}) }],
  });

describe('clearing a junction on red', () => {
  it('goes on past a crossing car that brakes for its red and rests over its line, short of our path', () => {
    // 10 m/s, front 13.6 m before its line: 3.7 m/s² to stop there; at 3 m/s² it rests 3 m over
    // it, 13 m short of the ego's path (y = −1.75 + 2 m)
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 2 }), inJunction('RED', 10, 104));
    expect(v.decision).toBe('ALLOW');
  });

  it('refuses the same car while the ego’s own light is green (it is not clearing)', () => {
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 2 }), inJunction('GREEN', 10, 104));
    expect(v.decision).not.toBe('ALLOW');
  });

  it('refuses a car too fast to stop short of the ego’s path even braking for its red', () => {
    // 18 m/s, 40 m before its line: at 3 m/s² it would rest 54 m on, at the ego's path, so it is
    // forecast on at its speed (Autoware keeps it a conflict) and meets the ego there in ≈ 3 s
    const v = gate.checkCommand(cmd({ speed: 'KEEP', targetSpeedMps: 2 }), inJunction('RED', 18, 77.6));
    expect(v.decision).not.toBe('ALLOW');
  });

  it('still yields to a crossing car whose own light is green (the cross street’s turn has come)', () => {
    const v = gate.checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 2 }),
      inJunction('RED', 10, 104, 'GREEN'),
    );
    expect(v.decision).not.toBe('ALLOW');
  });

  it('still yields to an emergency vehicle on its run through its red', () => {
    const ev = { subclass: 'emergency' as const, sirenOn: true as const };
    const v = gate.checkCommand(
      cmd({ speed: 'KEEP', targetSpeedMps: 2 }),
      inJunction('RED', 10, 104, 'RED', ev),
    );
    expect(v.decision).not.toBe('ALLOW');
  });
});
